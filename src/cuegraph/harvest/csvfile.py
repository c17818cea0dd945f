"""Reading CSV inputs row by row, collecting bad rows with their line numbers."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pyoxigraph

from cuegraph.errors import BadInput, CueSheetError, RowError

__all__ = [
    "read_rows",
    "convert_rows",
    "require_url",
    "http_iri",
    "check_text",
    "MULTILINE_COLUMNS",
]

#: free-text columns that may hold a tab or a line break (a quoted CSV cell); every other
#: cell is one line of text
MULTILINE_COLUMNS = frozenset({"notes", "note"})
#: RFC 3987 section 4.1: IRIs MUST NOT contain bidirectional formatting characters (LRM, RLM,
#: LRE, RLE, PDF, LRO, RLO; and the later isolates LRI, RLI, FSI, PDI)
_BIDI_FORMATTING = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

T = TypeVar("T")


def read_rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data row of a UTF-8 CSV file.

    Raises:
        BadInput: the file is missing, not UTF-8, or lacks a required column.
    """
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such file: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadInput(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from None
    # csv reads the records itself (newline=""): str.splitlines() would also split inside a
    # cell at U+0085, U+2028, U+001C … and turn one row into two
    first_line: list[int] = []  # where the record being read starts (a cell may span lines)

    def lines() -> Iterator[str]:
        for number, line in enumerate(io.StringIO(text, newline=""), 1):
            if not first_line and line.strip():
                first_line.append(number)
            yield line

    reader = csv.DictReader(lines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise BadInput(
            f"{path}: missing column(s) {', '.join(missing)} "
            f"(header has: {', '.join(header) or 'nothing'})"
        )
    reader.fieldnames = header
    first_line.clear()
    for row in reader:
        line = first_line.pop() if first_line else reader.line_num
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        if None in row:
            yield line, {"__extra__": "x"}
            continue
        yield line, {k: (v or "").strip() for k, v in row.items()}


def convert_rows(
    path: Path,
    required: tuple[str, ...],
    convert: Callable[[dict[str, str]], list[T]],
    skip_bad_rows: bool = False,
) -> tuple[list[T], list[RowError]]:
    """Convert every row with ``convert`` (which raises ``ValueError`` naming the problem).

    Returns:
        The records of the good rows, and the bad rows.

    Raises:
        CueSheetError: some row is bad and ``skip_bad_rows`` is false (nothing is returned,
            so nothing gets written).
    """
    out: list[T] = []
    bad: list[RowError] = []
    for line, row in read_rows(path, required):
        if "__extra__" in row:
            bad.append(RowError(line, "more fields than the header has columns"))
            continue
        try:
            for column, value in row.items():
                check_text(value, column, multiline=column in MULTILINE_COLUMNS)
            out.extend(convert(row))
        except ValueError as e:
            bad.append(RowError(line, str(e)))
    if bad and not skip_bad_rows:
        raise CueSheetError(str(path), bad)
    return out, bad


def check_text(value: str, column: str, multiline: bool = False) -> str:
    """``value`` unless it holds a control character (Unicode category Cc: NUL, escape,
    DEL, C1 …) or, unless ``multiline``, a line break (tab, LF, CR, U+2028, U+2029).

    >>> check_text("secret base ~君がくれたもの~", "title")
    'secret base ~君がくれたもの~'
    >>> check_text("a\\x00b", "title")
    Traceback (most recent call last):
    ...
    ValueError: title holds a control character (U+0000 NULL) at position 2

    Raises:
        ValueError: naming the column, the character and where it is.
    """
    for i, c in enumerate(value):
        kind = unicodedata.category(c)
        if kind == "Cc" and not (multiline and c in "\t\n\r"):
            name = unicodedata.name(c, None) or _CONTROL_NAMES.get(c, "control")
            raise ValueError(
                f"{column} holds a control character (U+{ord(c):04X} {name}) at position {i + 1}"
            )
        if kind in ("Zl", "Zp") and not multiline:
            raise ValueError(
                f"{column} holds a line break (U+{ord(c):04X} "
                f"{unicodedata.name(c)}) at position {i + 1}"
            )
    return value


_CONTROL_NAMES = {
    "\x00": "NULL",
    "\t": "TAB",
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
}


def http_iri(value: str, column: str = "source") -> str:
    """``value`` if it is an absolute http(s) IRI as RFC 3987 defines it, with a host.

    The syntax is checked by the store's own IRI parser (Oxigraph's, RFC 3987), so whatever
    passes here is stored as is; characters RFC 3987 forbids (``<``, ``>``, ``"``, spaces,
    ``{``, ``|``, ``\\``, a second ``#``, bad ``%`` escapes, bidi formatting controls …) are
    refused with the reason.

    >>> http_iri("https://ja.wikipedia.org/wiki/梶浦由記")
    'https://ja.wikipedia.org/wiki/梶浦由記'
    >>> http_iri("https://example.org/cue?x=<script>")
    Traceback (most recent call last):
    ...
    ValueError: source 'https://example.org/cue?x=<script>' is not a valid IRI (RFC 3987): \
Invalid IRI code point '<'

    Raises:
        ValueError: naming the column, the value and what is wrong with it.
    """
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{column} {value!r} is not an http(s) URL")
    try:
        pyoxigraph.NamedNode(value)
    except ValueError as e:
        raise ValueError(f"{column} {value!r} is not a valid IRI (RFC 3987): {e}") from None
    bidi = next((c for c in value if c in _BIDI_FORMATTING), None)
    if bidi is not None:
        raise ValueError(
            f"{column} {value!r} is not a valid IRI (RFC 3987): bidirectional "
            f"formatting character U+{ord(bidi):04X}"
        )
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 -- raises ValueError when out of range 0..65535
    except ValueError:
        raise ValueError(f"{column} {value!r} has a port outside 0..65535") from None
    if not parts.hostname:
        raise ValueError(f"{column} {value!r} has no host")
    return value


def require_url(value: str, column: str = "source") -> str:
    """One or more http(s) IRIs (separated by `` ; `` or spaces), returned space-separated.

    Raises:
        ValueError: the value is empty or a part is not an http(s) IRI (see :func:`http_iri`).
    """
    parts = [p for p in re.split(r"\s+;\s*|\s+", value.strip()) if p and p != ";"]
    if not parts:
        raise ValueError(f"missing {column} (every row needs the URL it came from)")
    for part in parts:
        http_iri(part, column)
    return " ".join(parts)
