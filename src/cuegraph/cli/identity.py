"""``cuegraph resolve``, ``cuegraph explain`` and ``cuegraph conflicts``: identity
resolution, its evidence, and where sources disagree (see README "Identity and conflicts")."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cuegraph.cli.common import command, minter, open_cli_store
from cuegraph.cli.core import say
from cuegraph.errors import BadInput
from cuegraph.store import Store

__all__ = ["print_resolution", "resolve_after_import"]


def print_resolution(res: Any, verbose: bool = True) -> None:
    """What a resolution linked and why (one line per link), what it kept apart, and a
    summary line."""
    if verbose:
        for link in res.links:
            say(f"linked {link.a} = {link.b}: {link.why()}")
        for r in res.refusals:
            say(f"kept apart {r.a} / {r.b}: {r.evidence}, but {r.reason}")
    say(
        f"identity: {len(res.clusters)} clusters, {res.triples} owl:sameAs triples "
        f"(+{max(res.triples - res.previous_triples, 0)} / "
        f"-{max(res.previous_triples - res.triples, 0)}) in {res.graph}"
    )


def resolve_after_import(store: Store) -> None:
    """Identity resolution after an import (nothing written when nothing links)."""
    from cuegraph.graph.identity import resolve

    res = resolve(store, minter(), skip_if_nothing=True)
    if res.clusters or res.previous_triples:  # no line when nothing links
        print_resolution(res, verbose=False)


@command("resolve")
def resolve_cmd() -> None:
    """Link the same person, group, work, song, recording or album across sources
    (owl:sameAs to one canonical IRI, in the graph identity/resolved) and print each link
    with its reason.

    Rules: shared external ids decide first; two records with different ids of one scheme
    are never merged; a group is never merged with a person; names (any word order,
    macrons, long vowels, case, width, punctuation, kana) merge only with shared context
    (same work, song or album; for works: a shared credited person, or the same year and
    type). Nothing a source said is deleted; running it again changes nothing. Also run
    by `harvest all` and after every import.
    """
    from cuegraph.graph.identity import resolve

    with open_cli_store() as store:
        print_resolution(resolve(store, minter()))


@command("explain")
def explain_cmd(
    entity: Annotated[
        str, typer.Argument(help="An IRI, an id (yuki-kajiura, anilist/101) or a name.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the evidence as JSON.")] = False,
) -> None:
    """The evidence joining ENTITY with other records: its cluster (canonical IRI first),
    each link with its rule (the shared id, or the matching names, their key and the shared
    context), the merges refused and why, and each member's names, ids and graphs."""
    from cuegraph.graph.identity import explain

    with open_cli_store(read_only=True) as store:
        out = explain(store, minter(), entity)
    if as_json:
        say(json.dumps(out, ensure_ascii=False, indent=2))
        return
    say(f"{out['entity']} ({out['kind']}): canonical {out['canonical']}")
    for m in out["members"]:
        ids = "; ".join(f"{s} {', '.join(v)}" for s, v in m["ids"].items()) or "no ids"
        say(f"  member {m['iri']}: {' / '.join(m['names'])} ({m['kind']}; {ids})")
    for link in out["links"]:
        say(f"  linked {link['a']} = {link['b']}: {link['why']}")
    for r in out["refused"]:
        say(f"  kept apart {r['a']} / {r['b']}: {r['evidence']}, but {r['reason']}")
    if len(out["members"]) == 1 and not out["refused"]:
        say("  no other record is linked to it")
    if not out["written"]:
        say("  (not written yet: run `cuegraph resolve`)")


@command("conflicts")
def conflicts_cmd(
    status: Annotated[
        str | None,
        typer.Option(
            help="Only `disagreement` (the sources' "
            "people do not overlap), `partial` (they "
            "overlap without nesting) or `incomplete` "
            "(one source lists fewer)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """Every (work, song, recording or album; role) where sources credit different people,
    labelled disagreement, partial or incomplete, with each source's people and URLs. Nothing is
    merged or deleted: a report."""
    from cuegraph.graph.conflicts import STATUSES, find_conflicts

    if status is not None and status not in STATUSES:
        raise BadInput(f"unknown --status {status!r} ({', '.join(STATUSES)})")
    with open_cli_store(read_only=True) as store:
        found = find_conflicts(store, status)
    if as_json:
        say(
            json.dumps(
                {"data": [c.as_dict() for c in found], "count": len(found)},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for c in found:
        for line in c.lines():
            say(line)
    say(f"{len(found)} conflict(s)")
