"""Timed opening, ending and insert-song cues from a subtitle file's song lines.

Fansub and official subtitle files mark song lyrics apart from dialogue. Read in this order:

* **ASS/SSA styles** whose name says what the song is: ``OP``/``Opening`` → opening,
  ``ED``/``Ending`` → ending, ``Insert``/``IN``/``Song``/``Karaoke``/``Kara`` → insert (the
  name is split into words, so ``JP_OP``, ``op - jp``, ``ED Romaji`` all count);
* **karaoke tags** (``\\k``, ``\\K``, ``\\kf``, ``\\ko``) on a line of any other style → insert;
* a style the user names with ``--style`` (with ``--usage``);
* in SRT files (no styles) lines wrapped in ``♪``/``♫`` → ``--usage`` (default insert).

Lines of one song — same usage, less than :data:`MAX_GAP` seconds apart — make one cue from
the first line's start to the last line's end, the way data/SOURCES.md derived the seed's
timings by hand. These are the *lyrics'* times in *this* release of the episode: an
instrumental intro or outro lies outside them, and another release (TV, BD, a streaming
cut) may be shifted. That caveat is kept with every cue (``cg:note``), and the subtitle file
— its name and SHA-256 — is the cue's source (``prov:wasDerivedFrom <urn:sha256:…>``).
This module reads and derives; :func:`cuegraph.ingest.cues.import_subtitles` writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cuegraph.errors import BadInput

__all__ = ["SongLine", "DerivedCue", "read_subtitles", "derive_cues", "MAX_GAP", "CAVEAT"]

MAX_GAP = 90.0
CAVEAT = (
    "times are those of the song's lyric lines in this subtitle file's release ({name}); "
    "an instrumental intro or outro can lie outside them, and other releases may be "
    "shifted"
)
_STYLE_WORDS = {
    "op": "opening",
    "opening": "opening",
    "ed": "ending",
    "ending": "ending",
    "insert": "insert",
    "in": "insert",
    "song": "insert",
    "karaoke": "insert",
    "kara": "insert",
}
_KARAOKE = re.compile(r"\\(?:k|K|kf|ko)\d+")
_ASS_TIME = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2})(?:\.(\d{1,3}))?$")
_SRT_TIME = re.compile(r"(\d+:\d{2}:\d{2}[,.]\d{1,3})\s*-->\s*(\d+:\d{2}:\d{2}[,.]\d{1,3})")


@dataclass(frozen=True)
class SongLine:
    start: Decimal
    end: Decimal
    usage: str
    style: str
    how: str  # "style", "karaoke", "named style", "♪ markers"


@dataclass(frozen=True)
class DerivedCue:
    usage: str
    start: Decimal
    end: Decimal
    lines: int
    styles: tuple[str, ...]
    how: str


def _style_usage(style: str) -> str | None:
    words = [w for w in re.split(r"[^a-z]+", style.lower()) if w]
    for w in words:
        if w in _STYLE_WORDS:
            return _STYLE_WORDS[w]
    return None


def _ass_time(text: str) -> Decimal:
    m = _ASS_TIME.match(text.strip())
    if not m:
        raise ValueError(f"bad time {text!r}")
    h, mi, s, frac = m.groups()
    frac = (frac or "0").ljust(3, "0")
    return Decimal(int(h) * 3600 + int(mi) * 60 + int(s)) + Decimal(int(frac)) / 1000


def _read_text(path: Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e.strerror or e}") from None
    for enc in ("utf-8-sig", "utf-16"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise BadInput(f"{Path(path).name} is not UTF-8 or UTF-16 text")


def read_subtitles(path: Path, style: str | None = None, usage: str = "insert") -> list[SongLine]:
    """The song lines of an ASS/SSA or SRT file (see the module docstring)."""
    text = _read_text(path)
    suffix = Path(path).suffix.lower()
    if suffix in (".ass", ".ssa"):
        return _read_ass(path, text, style, usage)
    if suffix == ".srt":
        return _read_srt(text, usage)
    raise BadInput(f"{Path(path).name}: not a subtitle file (.ass, .ssa or .srt)")


def _read_ass(path: Path, text: str, style: str | None, usage: str) -> list[SongLine]:
    section, fmt, styles, out = "", None, set(), []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section, fmt = line.lower(), None
            continue
        if section in ("[v4+ styles]", "[v4 styles]") and line.lower().startswith("style:"):
            styles.add(line.split(":", 1)[1].split(",", 1)[0].strip())
        if section != "[events]":
            continue
        key, _, rest = line.partition(":")
        if key.lower() == "format":
            fmt = [f.strip().lower() for f in rest.split(",")]
            continue
        if key.lower() != "dialogue":
            continue  # comments, pictures, sounds, commands
        if fmt is None or not {"start", "end", "style", "text"} <= set(fmt):
            raise BadInput(
                f"{Path(path).name} line {n}: Dialogue before a Format line "
                "naming Start, End, Style and Text"
            )
        fields = [f.strip() for f in rest.split(",", len(fmt) - 1)]
        if len(fields) != len(fmt):
            raise BadInput(
                f"{Path(path).name} line {n}: {len(fields)} fields, the Format has {len(fmt)}"
            )
        row = dict(zip(fmt, fields, strict=True))
        try:
            start, end = _ass_time(row["start"]), _ass_time(row["end"])
        except ValueError as e:
            raise BadInput(f"{Path(path).name} line {n}: {e}") from None
        if end <= start:
            continue
        st = row["style"].lstrip("*")
        if style is not None and st.lower() == style.lower():
            out.append(SongLine(start, end, usage, st, "named style"))
        elif (u := _style_usage(st)) is not None:
            out.append(SongLine(start, end, u, st, "style"))
        elif _KARAOKE.search(row["text"]):
            out.append(SongLine(start, end, "insert", st, "karaoke"))
    if style is not None and style.lower() not in {s.lower() for s in styles}:
        known = ", ".join(sorted(styles)) or "none"
        raise BadInput(f"{Path(path).name} has no style {style!r} (styles: {known})")
    return out


def _read_srt(text: str, usage: str) -> list[SongLine]:
    out = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [x.strip() for x in block.strip().splitlines()]
        for i, x in enumerate(lines):
            m = _SRT_TIME.search(x)
            if not m:
                continue
            start, end = (_ass_time(t.replace(",", ".")) for t in m.groups())
            body = " ".join(lines[i + 1 :])
            if body and body[0] in "♪♫" and end > start:
                out.append(SongLine(start, end, usage, "", "♪ markers"))
            break
    return out


def derive_cues(lines: list[SongLine]) -> list[DerivedCue]:
    """Group song lines into cues: same usage, gaps under :data:`MAX_GAP` seconds."""
    out: list[DerivedCue] = []
    groups: dict[str, list[SongLine]] = {}
    for line in sorted(lines, key=lambda x: x.start):
        g = groups.get(line.usage)
        if g and line.start - g[-1].end > Decimal(str(MAX_GAP)):
            out.append(_cue(g))
            g = None
        if not g:
            groups[line.usage] = g = []
        g.append(line)
    out += [_cue(g) for g in groups.values() if g]
    return sorted(out, key=lambda c: c.start)


def _cue(g: list[SongLine]) -> DerivedCue:
    return DerivedCue(
        g[0].usage,
        g[0].start,
        max(x.end for x in g),
        len(g),
        tuple(dict.fromkeys(x.style for x in g if x.style)),
        ", ".join(dict.fromkeys(x.how for x in g)),
    )
