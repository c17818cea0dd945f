"""Audio and subtitle commands: ``tracks index``, ``cues detect``, ``cues import``,
``identify``, ``import subtitles``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cuegraph.cli.common import app, command, err_console, minter, open_cli_store, settings
from cuegraph.cli.core import import_app, say

__all__ = ["tracks_app", "cues_app"]

tracks_app = typer.Typer(
    help="The recording index: fingerprints of soundtrack files you own.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
cues_app = typer.Typer(
    help="Timed cues detected from an episode's audio.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(tracks_app, name="tracks")
app.add_typer(cues_app, name="cues")

IndexOpt = Annotated[
    Path | None,
    typer.Option(
        "--index",
        help="Fingerprint index folder (default: CUEGRAPH_FINGERPRINTS, else fingerprints/ "
        "beside the store's folder, e.g. .cuegraph/fingerprints).",
    ),
]


def _index_dir(index: Path | None) -> Path:
    from cuegraph.audio.index import default_index_dir

    return index or default_index_dir(settings())


def _index(folder: Path, mapping: Path | None, store, index_dir: Path) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from cuegraph.audio import require
    from cuegraph.audio.index import FingerprintIndex, audio_files
    from cuegraph.audio.link import Linker, read_mapping

    require("fpcalc", "numpy", "mutagen")
    files = audio_files(folder)
    linker = Linker(store, read_mapping(mapping) if mapping else None)
    idx = FingerprintIndex(index_dir)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("fingerprinting", total=len(files))
        report = idx.update(
            files,
            linker,
            on_file=lambda p: bar.update(task, advance=1, description=f"fingerprinting {p.name}"),
        )
    for f, rec, how in report.indexed:
        say(f"indexed {Path(f).name} -> {rec} ({how})")
    for f, why in report.unlinked:
        say(f"unlinked {Path(f).name}: {why}", err=True)
    for f, why in report.failed:
        say(f"failed {Path(f).name}: {why}", err=True)
    for why in sorted({why for _, why in report.no_landmarks}):
        names = [Path(f).name for f, w in report.no_landmarks if w == why]
        say(
            f"no landmark hashes for {', '.join(names)}: {why}; `identify` falls back to "
            "Chromaprint alignment for them (less accurate on short noisy clips)",
            err=True,
        )
    say(
        f"{len(report.indexed)} indexed, {len(report.skipped)} unchanged (skipped), "
        f"{len(report.unlinked)} unlinked, {len(report.failed)} failed; index: {index_dir}"
    )


@command("index", group=tracks_app)
def tracks_index(
    folder: Annotated[Path, typer.Argument(help="Folder of audio files (searched recursively).")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="CSV with columns file,recording (file name or path -> recording IRI) for files "
            "whose tags do not link them."
        ),
    ] = None,
    index: IndexOpt = None,
) -> None:
    """Fingerprint your soundtrack files and link each to a recording in the graph.

    A file is linked by the MusicBrainz recording id in its tags (as MusicBrainz Picard
    writes it), else by its title + album tags matched against the graph, else by --mapping.
    Unlinked files are listed, never guessed. Running it again skips unchanged files.
    Needs fpcalc (apt-get install libchromaprint-tools) and the audio extra
    (pip install 'cuegraph[audio]').
    """
    with open_cli_store(read_only=True) as store:
        _index(folder, mapping, store, _index_dir(index))


@command("detect", group=cues_app)
def cues_detect(
    episode_audio: Annotated[Path, typer.Argument(help="The episode's audio or video file.")],
    work: Annotated[str, typer.Option(help="The work (id, IRI or title).")],
    episode: Annotated[int, typer.Option(help="Episode number (1 for a film).")],
    tracks: Annotated[
        Path | None,
        typer.Option(help="Soundtrack folder to index first (same as `tracks index DIR`)."),
    ] = None,
    usage: Annotated[
        str, typer.Option(help="Usage of the detected cues: score or insert.")
    ] = "score",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the cue sheet CSV (default: <episode file>.cues.csv).",
        ),
    ] = None,
    do_import: Annotated[
        bool,
        typer.Option(
            "--import",
            help="Import the cues into the graph (graph detected/<key>) instead of "
            "only writing the CSV.",
        ),
    ] = False,
    key: Annotated[
        str | None, typer.Option(help="Graph key for --import (default: <work>-<episode>).")
    ] = None,
    index: IndexOpt = None,
) -> None:
    """Find where the indexed recordings play in an episode's audio.

    Writes a cue sheet CSV (start, end, recording, usage, confidence, method) for you to
    review, then `cuegraph cues import FILE.csv`; or imports at once with --import. Times
    are relative to this file.
    """
    from cuegraph.audio.cues import write_csv
    from cuegraph.audio.detect import PARAMETERS
    from cuegraph.audio.service import detect_file
    from cuegraph.errors import BadInput
    from cuegraph.ingest.cues import import_detected

    if usage not in ("score", "insert"):
        raise BadInput(f"usage {usage!r}: choose score or insert")
    index_dir = _index_dir(index)
    with open_cli_store(read_only=not (do_import or tracks)) as store:
        if tracks:
            _index(tracks, None, store, index_dir)
        rows, facts = detect_file(store, index_dir, episode_audio, work, episode, usage)
        out = output or episode_audio.with_name(episode_audio.name + ".cues.csv")
        write_csv(out, rows)
        for r in rows:
            say(f"{r.start}-{r.end}  {r.title or r.recording}  confidence {r.confidence:.2f}")
        say(
            f"{len(rows)} cue(s) in {facts['duration']:.0f} s of audio against "
            f"{facts['recordings']} recordings, {facts['realtime']:.0f}x real time; wrote {out}"
        )
        if do_import:
            s = import_detected(
                store,
                minter(),
                rows,
                key=key,
                parameters={"method": rows[0].method if rows else None, **PARAMETERS},
                inputs=[(episode_audio.name, facts["sha256"])],
            )
            say(f"imported {s.records} cues into {s.graph}")


@command("import", group=cues_app)
def cues_import(
    file: Annotated[Path, typer.Argument(help="A (reviewed) CSV written by `cues detect`.")],
    key: Annotated[
        str | None,
        typer.Option(help="Graph key (default: <work>-<episode>); the same key again replaces it."),
    ] = None,
) -> None:
    """Import reviewed detected cues into their own named graph (graph/detected/<key>)."""
    from cuegraph.audio.cues import read_csv
    from cuegraph.audio.detect import PARAMETERS
    from cuegraph.ingest.cues import import_detected

    rows = read_csv(file)
    with open_cli_store() as store:
        s = import_detected(
            store,
            minter(),
            rows,
            key=key,
            parameters={"reviewed_csv": file.name, **PARAMETERS},
            inputs=[(file.name, "")],
        )
    say(f"imported {s.records} cues into {s.graph}")


@command("identify")
def identify(
    clip: Annotated[Path, typer.Argument(help="A clip of 3 to 30 seconds (any audio format).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    index: IndexOpt = None,
) -> None:
    """What is playing? Match a short clip against the indexed recordings and name the
    recording, its credits (composer, arranger, performer ...) and where it is used."""
    from cuegraph.api.data.identify import identify_file

    with open_cli_store(read_only=True) as store:
        res = identify_file(store, settings().base_iri, _index_dir(index), clip)
    if as_json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return
    if not res["matches"]:
        say(f"no match among {res['recordings_indexed']} indexed recordings")
        raise typer.Exit(1)
    for m in res["matches"]:
        rec = m["recording"]
        say(
            f"{rec['title'] or rec['iri']}  (confidence {m['confidence']:.2f}, "
            f"at {m['at_seconds']:.0f} s of the recording)"
        )
        for role, people in m["credits"].items():
            say(f"  {role}: " + ", ".join(p["name"] for p in people))
        for u in m["used_in"]:
            when = f" {u['start']}-{u['end']} s" if u.get("start") is not None else ""
            say(
                f"  used in {u['work_title'] or u['work']} episode {u['episode']}{when}"
                + (" (detected)" if u["detected"] else "")
            )


@command("subtitles", group=import_app)
def import_subtitles(
    file: Annotated[Path, typer.Argument(help="An .ass/.ssa or .srt subtitle file.")],
    work: Annotated[str, typer.Option(help="The work (id, IRI or title).")],
    episode: Annotated[int, typer.Option(help="Episode number (1 for a film).")],
    title: Annotated[
        list[str],
        typer.Option(
            help="Song title per cue: USAGE=TITLE (opening, ending, insert) or START=TITLE "
            "(the cue's start time); repeatable. Required: a subtitle file does not name "
            "its songs."
        ),
    ] = [],  # noqa: B006 - typer needs a list default
    style: Annotated[
        str | None,
        typer.Option(
            help="Also take the lines of this style as a song (for styles whose names do not "
            "say OP/ED/Insert/Song)."
        ),
    ] = None,
    usage: Annotated[
        str,
        typer.Option(
            help="Usage of --style lines and of ♪ lines in SRT: opening, ending or insert."
        ),
    ] = "insert",
    key: Annotated[
        str | None, typer.Option(help="Graph key (default: <work>-<episode>-<file stem>).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list the cues found.")] = False,
) -> None:
    """Derive timed opening, ending and insert-song cues from a subtitle file's song lines.

    Song lines are those of ASS styles named like OP, ED, Insert or Song (JP_OP, op - jp,
    ED Romaji ...), lines with karaoke tags (\\k), lines of --style, or SRT lines wrapped in
    ♪. Each song's cue runs from its first lyric line to its last. The times are those of
    this release of the episode: the file (name and SHA-256) is cited as the source and that
    caveat is kept with every cue. Cues go into the graph subtitles/<key>.
    """
    from cuegraph.errors import BadInput
    from cuegraph.ingest.cues import import_subtitles as run
    from cuegraph.subtitles import derive_cues, read_subtitles
    from cuegraph.timecode import format_timecode

    titles = {}
    for t in title:
        k, sep, v = t.partition("=")
        if not sep or not k.strip() or not v.strip():
            raise BadInput(f"--title {t!r} is not USAGE=TITLE or START=TITLE")
        titles[k.strip().lower()] = v.strip()
    if dry_run:
        for c in derive_cues(read_subtitles(file, style, usage)):
            say(
                f"{c.usage} {format_timecode(c.start)}-{format_timecode(c.end)} "
                f"({c.lines} lines; {c.how})"
            )
        return
    with open_cli_store() as store:
        s, cues = run(
            store, minter(), file, work, episode, titles=titles, style=style, usage=usage, key=key
        )
    for c in cues:
        say(
            f"{c.usage} {format_timecode(c.start)}-{format_timecode(c.end)} ({c.lines} lines; "
            f"{c.how})"
        )
    say(f"imported {s.records} cues into {s.graph}")
