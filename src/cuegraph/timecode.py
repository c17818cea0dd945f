"""Timecodes: ``HH:MM:SS(.ms)``, ``MM:SS(.ms)`` or plain seconds, to and from seconds."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "parse_timecode",
    "format_timecode",
    "media_fragment",
    "human_time",
    "MAX_SECONDS",
    "MAX_TIMECODE_CHARS",
]

#: the latest moment cuegraph accepts (48 hours): longer than any film, episode or game
#: session anyone times, and small enough that no arithmetic on it overflows. The SHACL shapes
#: (``ontology/shapes.ttl``) hold stored offsets to the same bound.
MAX_SECONDS = Decimal(48 * 3600)
#: a timecode longer than this is refused before any digit is converted
MAX_TIMECODE_CHARS = 32

# ASCII digits only (``\d`` alone would also take other scripts' digits, which int() reads)
_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):([0-5]\d(?:\.\d{1,3})?)$", re.ASCII)
_SECONDS = re.compile(r"^\d+(?:\.\d+)?$", re.ASCII)


def parse_timecode(text: str) -> Decimal:
    """Parse a timecode into seconds.

    >>> parse_timecode("00:21:30.5")
    Decimal('1290.5')
    >>> parse_timecode("1:05")
    Decimal('65')
    >>> parse_timecode("90")
    Decimal('90')
    >>> parse_timecode("60:00")  # minutes past 59 when no hours are given
    Decimal('3600')

    Times past 48 hours (``MAX_SECONDS``) are refused:

    >>> parse_timecode("48:00:00")
    Decimal('172800')
    >>> parse_timecode("99999999999:00:00")
    Traceback (most recent call last):
    ...
    ValueError: timecode '99999999999:00:00' is past 48:00:00, the latest cuegraph accepts

    Raises:
        ValueError: naming what was wrong, for anything else (negative, junk, 1:75,
            1:60:00, exponents such as 1e9, past 48 hours, over 32 characters).
    """
    raw = (text or "").strip()
    if not raw:
        raise ValueError("empty timecode")
    if len(raw) > MAX_TIMECODE_CHARS:
        raise ValueError(
            f"bad timecode {raw[:12] + '…'!r} ({len(raw)} characters; a timecode "
            f"has at most {MAX_TIMECODE_CHARS})"
        )
    value = _parse(raw)
    if value > MAX_SECONDS:
        raise ValueError(f"timecode {raw!r} is past 48:00:00, the latest cuegraph accepts")
    return value


def _parse(raw: str) -> Decimal:
    if ":" in raw:
        m = _CLOCK.match(raw)
        if not m or (m.group(1) is not None and int(m.group(2)) > 59):
            raise ValueError(f"bad timecode {raw!r} (expected HH:MM:SS(.ms), MM:SS or seconds)")
        hours = int(m.group(1) or 0)
        return Decimal(hours * 3600 + int(m.group(2)) * 60) + Decimal(m.group(3))
    if raw.startswith("-"):
        raise ValueError(f"bad timecode {raw!r} (must be a non-negative number of seconds)")
    if not _SECONDS.match(raw):
        raise ValueError(f"bad timecode {raw!r} (expected HH:MM:SS(.ms), MM:SS or plain seconds)")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(
            f"bad timecode {raw!r} (expected HH:MM:SS(.ms), MM:SS or seconds)"
        ) from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"bad timecode {raw!r} (must be a non-negative number of seconds)")
    return value


def format_timecode(seconds: Decimal | float | int) -> str:
    """Format seconds as ``HH:MM:SS`` (with ``.mmm`` when fractional).

    >>> format_timecode(Decimal("1290.5"))
    '00:21:30.500'
    """
    sec = Decimal(str(seconds))
    whole = int(sec)
    frac = sec - whole
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    out = f"{h:02d}:{m:02d}:{s:02d}"
    if frac:
        out += f".{int((frac * 1000).to_integral_value()):03d}"
    return out


def human_time(seconds: Decimal | float | int) -> str:
    """Seconds as people write them: ``M:SS``, or ``H:MM:SS`` past an hour (whole seconds).

    >>> human_time(Decimal("1254.41"))
    '20:54'
    >>> human_time(150), human_time(3723)
    ('2:30', '1:02:03')
    """
    whole = int(Decimal(str(seconds)))
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def media_fragment(start: Decimal, end: Decimal) -> str:
    """A W3C Media Fragment for a time range: ``#t=npt:START,END``.

    >>> media_fragment(Decimal("1290"), Decimal("1380.5"))
    '#t=npt:1290,1380.5'
    """
    return f"#t=npt:{_plain(start)},{_plain(end)}"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
