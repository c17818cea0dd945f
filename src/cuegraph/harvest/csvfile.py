"""Reading CSV inputs row by row, collecting bad rows with their line numbers."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from cuegraph.errors import BadInput, CueSheetError, RowError

__all__ = ["read_rows", "convert_rows", "require_url"]

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
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise BadInput(f"{path}: missing column(s) {', '.join(missing)} "
                       f"(header has: {', '.join(header) or 'nothing'})")
    reader.fieldnames = header
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        if None in row:
            yield reader.line_num, {"__extra__": "x"}
            continue
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items()}


def convert_rows(path: Path, required: tuple[str, ...],
                 convert: Callable[[dict[str, str]], list[T]],
                 skip_bad_rows: bool = False) -> tuple[list[T], list[RowError]]:
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
            out.extend(convert(row))
        except ValueError as e:
            bad.append(RowError(line, str(e)))
    if bad and not skip_bad_rows:
        raise CueSheetError(str(path), bad)
    return out, bad


def require_url(value: str, column: str = "source") -> str:
    """One or more http(s) URLs (separated by `` ; `` or spaces), returned space-separated.

    Raises:
        ValueError: the value is empty or a part is not an http(s) URL.
    """
    parts = [p for p in re.split(r"\s+;\s*|\s+", value.strip()) if p and p != ";"]
    if not parts:
        raise ValueError(f"missing {column} (every row needs the URL it came from)")
    for part in parts:
        if not part.startswith(("http://", "https://")) or any(c.isspace() for c in part):
            raise ValueError(f"{column} {part!r} is not an http(s) URL")
    return " ".join(parts)
