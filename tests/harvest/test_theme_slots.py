"""AniList's untitled theme songs meet the titled songs other sources give for the same slot.

AniList credits "Theme Song Composition (OP)" to the anime, so its harvester makes an untitled
song per slot (``song/anilist/<media>/op``); AnimeThemes names the songs of each slot (theme
slug ``OP``, ``ED1``). Identity resolution joins them only when both state the same slot of
the same work — from the recorded Anohana responses of both sources — never by guess.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from harvest_support import (
    AL,
    AT,
    FakeTime,
    anilist_handler,
    animethemes_handler,
    harvest_settings,
    pages,
    serve,
)

from cuegraph.graph.identity import explain, resolve
from cuegraph.ingest.harvests import run_harvest
from cuegraph.namespaces import sparql_prefixes
from cuegraph.store import open_store

B = "https://cuegraph.org/id/"
AL_OP, AL_ED = f"{B}song/anilist/9200101/op", f"{B}song/anilist/9200101/ed"
AT_OP, AT_ED = f"{B}song/animethemes/9300301", f"{B}song/animethemes/9300302"
AL_WORK, AT_WORK = f"{B}work/anilist/9200101", f"{B}work/animethemes/9300001"


#: the code under test reads the sources' URLs from the settings
pytestmark = pytest.mark.usefixtures("point_sources")


def _harvest(server, minter, themes: list[dict] | None = None):
    serve(server, anilist=anilist_handler(), animethemes=animethemes_handler(themes))
    store = open_store("memory:")
    settings = harvest_settings()
    run_harvest(
        store, minter, "anilist", "media", 9200101, settings=settings, limiter=FakeTime().limiter()
    )
    run_harvest(
        store,
        minter,
        "animethemes",
        "anime",
        "anohana",
        settings=settings,
        limiter=FakeTime().limiter(),
    )
    return store


def _themes(edit: Callable[[dict], None]) -> list[dict]:
    """The AnimeThemes Anohana pages with ``edit(theme)`` applied to the series' themes."""
    answers = copy.deepcopy(pages(AT, "search-anohana", 2))
    for theme in answers[0]["anime"][0]["animethemes"]:
        edit(theme)
    return answers


def _cluster(res, iri: str) -> list[str]:
    return next((c for c in res.clusters if iri in c), [iri])


def test_untitled_anilist_songs_join_the_titled_songs_of_their_slot(server, minter):
    assert pages(AL, "media-anohana", 2)  # the AniList answers served (roles "(OP)", "(ED)")
    store = _harvest(server, minter)
    res = resolve(store, minter)
    assert _cluster(res, AL_WORK) == [AL_WORK, AT_WORK]  # the works join first (names, year)
    assert _cluster(res, AL_OP) == [AT_OP, AL_OP]
    assert _cluster(res, AL_ED) == [AT_ED, AL_ED]
    slot_links = sorted((lk.a, lk.b, lk.value, lk.context) for lk in res.links if lk.rule == "slot")
    assert slot_links == [(AT_OP, AL_OP, "op", AL_WORK), (AT_ED, AL_ED, "ed", AL_WORK)]
    rows = store.select(
        sparql_prefixes()
        + f"""SELECT ?b WHERE {{
        GRAPH <{res.graph}> {{ <{AT_OP}> owl:sameAs ?b }} }}"""
    )
    assert [r["b"] for r in rows] == [AL_OP]
    # the evidence, as `cuegraph explain` prints it
    out = explain(store, minter, AL_OP)
    assert out["canonical"] == AT_OP
    (link,) = [lk for lk in out["links"] if lk["rule"] == "slot"]
    assert link["slot"] == "op" and link["context"] == AL_WORK
    assert link["why"] == (
        f"both the op song of {AL_WORK}; the untitled 'Ano Hi Mita Hana no Namae wo "
        "Bokutachi wa Mada Shiranai. opening' is 'Aoi Shiori'"
    )
    # resolving again changes nothing
    before = store.dump("nquads", graphs=[res.graph])
    again = resolve(store, minter)
    assert again.clusters == res.clusters
    assert store.dump("nquads", graphs=[res.graph]) == before


def test_a_numbered_slot_does_not_meet_an_unnumbered_one(server, minter):
    # AnimeThemes numbering the opening "OP1" while AniList says "(OP)": not the same claim
    def number(theme):
        theme["slug"], theme["sequence"] = theme["slug"] + "1", 1

    res = resolve(_harvest(server, minter, _themes(number)), minter)
    assert _cluster(res, AL_WORK) == [AL_WORK, AT_WORK]
    assert _cluster(res, AL_OP) == [AL_OP] and _cluster(res, AL_ED) == [AL_ED]
    assert not [lk for lk in res.links if lk.rule == "slot"]


def test_two_titled_songs_claiming_one_slot_join_neither(server, minter):
    # a second AnimeThemes theme also slugged "OP", with another song: which one AniList's
    # opening is cannot be told
    answers = copy.deepcopy(pages(AT, "search-anohana", 2))
    themes = answers[0]["anime"][0]["animethemes"]
    other = copy.deepcopy(themes[0])
    other["id"], other["song"]["id"], other["song"]["title"] = 9300109, 9300309, "Another Song"
    themes.append(other)
    res = resolve(_harvest(server, minter, answers), minter)
    assert _cluster(res, AL_OP) == [AL_OP]
    assert _cluster(res, AL_ED) == [AT_ED, AL_ED]  # the ending is still unambiguous
    (refusal,) = [r for r in res.refusals if r.a == AL_OP]
    assert refusal.evidence == f"the op song of {AL_WORK}"
    assert refusal.reason == (
        "titled songs of 2 clusters fill that slot (Another Song; Aoi Shiori)"
    )


def test_without_the_work_in_common_the_slot_says_nothing(server, minter):
    # the AnimeThemes anime renamed and re-dated: the works stay apart, so do the songs
    answers = copy.deepcopy(pages(AT, "search-anohana", 2))
    anime = answers[0]["anime"][0]
    anime["name"], anime["year"] = "Some Other Show", 1999
    res = resolve(_harvest(server, minter, answers), minter)
    assert _cluster(res, AL_WORK) == [AL_WORK]
    assert _cluster(res, AL_OP) == [AL_OP] and _cluster(res, AL_ED) == [AL_ED]
