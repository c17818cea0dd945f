"""CSV cells a spreadsheet would run: guarded as OWASP's CSV-injection advice says.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``,
``@SUM(…)``). Every CSV cuegraph itself writes for people to open (``cuegraph query -f
csv``, the detected-cue CSV of ``cuegraph cues detect``, read back with the quote taken off)
prefixes such a cell with a single quote, which spreadsheets show as text. A cell that is
exactly a number (``-5``, ``+1.5e3``) is left as it is: it is not a formula.

The SPARQL endpoint's ``text/csv`` and ``text/tab-separated-values`` results are left
standard (SPARQL 1.1 Query Results CSV/TSV): they are data for programs, not spreadsheets.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import IO, Any

__all__ = ["FORMULA_STARTS", "guard_cell", "unguard_cell", "guard_csv", "guarded_writer"]

#: first characters that make a spreadsheet evaluate a cell (OWASP, "CSV Injection")
FORMULA_STARTS = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def guard_cell(value: str) -> str:
    """``value`` with a ``'`` in front when a spreadsheet would evaluate it.

    >>> [guard_cell(v) for v in ("=1+1", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "\\t=x")]
    ["'=1+1", "'@SUM(A1)", "'-2+3+cmd|' /C calc'!A0", "'\\t=x"]
    >>> [guard_cell(v) for v in ("-5", "+1.5e3", "Yuki Kajiura", "", "a=b")]
    ['-5', '+1.5e3', 'Yuki Kajiura', '', 'a=b']
    """
    if value and value[0] in FORMULA_STARTS and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def unguard_cell(value: str) -> str:
    """The inverse of :func:`guard_cell`, for reading back a CSV cuegraph wrote (a cell a
    spreadsheet saved comes without the quote, and is returned as it is).

    >>> [unguard_cell(v) for v in ("'=1+1", "=1+1", "'quoted", "'-5")]
    ['=1+1', '=1+1', "'quoted", "'-5"]
    """
    if value.startswith("'") and guard_cell(value[1:]) == value:
        return value[1:]
    return value


class _GuardedWriter:
    def __init__(self, writer: Any):
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([guard_cell(c) if isinstance(c, str) else c for c in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def guarded_writer(fh: IO[str], **kwargs: Any) -> _GuardedWriter:
    """A ``csv.writer`` whose string cells go through :func:`guard_cell`."""
    return _GuardedWriter(csv.writer(fh, **kwargs))


def guard_csv(text: str) -> str:
    """CSV ``text`` (read with the csv module, not split on commas) written back with every
    cell guarded; rows end in CRLF as SPARQL CSV and RFC 4180 do.

    >>> guard_csv('name,n\\r\\n"=HYPERLINK(""http://x"")",-5\\r\\n"a,b",@x\\r\\n')
    'name,n\\r\\n"\\'=HYPERLINK(""http://x"")",-5\\r\\n"a,b",\\'@x\\r\\n'
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([guard_cell(cell) for cell in row])
    return out.getvalue()
