"""One exception hierarchy for cuegraph.

Every error a user can cause carries an HTTP ``status`` as a class attribute; the API maps
them to responses in one handler and the CLI turns them into a one-line message and a
non-zero exit code.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CuegraphError",
    "BadRequest",
    "BadQuery",
    "BadInput",
    "CueSheetError",
    "NotFound",
    "WorkNotFound",
    "PersonNotFound",
    "EpisodeNotFound",
    "QueryNotFound",
    "Unauthorized",
    "Forbidden",
    "NotAcceptable",
    "PayloadTooLarge",
    "QueryTimeout",
    "StoreError",
    "StoreLocked",
    "UpstreamError",
    "RowError",
    "Ambiguous",
    "first_line",
]


def first_line(e: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none): what a
    one-line error says of a parser's or library's error.

    >>> first_line(ValueError("bad IRI\\nat line 3"))
    'bad IRI'
    >>> first_line(OSError())
    'OSError'
    """
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


class CuegraphError(Exception):
    """Base class: a message for people plus optional structured detail."""

    status: int = 500

    def __init__(self, message: str, detail: Any = None):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        """The JSON error body: ``{"error": ..., "detail": ...}``."""
        return {"error": self.message, "detail": self.detail}


class BadRequest(CuegraphError):
    status = 400


class BadQuery(BadRequest):
    """A SPARQL query that does not parse or is refused (e.g. SERVICE)."""


class BadInput(BadRequest):
    """A bad argument, file or parameter."""


class RowError:
    """One bad row of an input file: line number and reason."""

    def __init__(self, line: int, reason: str):
        self.line = line
        self.reason = reason

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


class CueSheetError(BadInput):
    """A cue sheet or table with malformed rows; nothing was written."""

    def __init__(self, path: str, rows: list[RowError]):
        first = "; ".join(str(r) for r in rows[:3])
        more = f" (and {len(rows) - 3} more)" if len(rows) > 3 else ""
        super().__init__(
            f"{path}: {len(rows)} bad row(s), nothing imported: {first}{more}",
            [r.to_dict() for r in rows],
        )
        self.rows = rows


class NotFound(CuegraphError):
    status = 404


class WorkNotFound(NotFound):
    pass


class PersonNotFound(NotFound):
    pass


class EpisodeNotFound(NotFound):
    pass


class QueryNotFound(NotFound):
    """A named .rq query that does not exist."""


class Ambiguous(CuegraphError):
    """A name that fits several things equally well: HTTP 300 with the ``candidates``."""

    status = 300

    def __init__(self, message: str, candidates: list, detail: Any = None):
        super().__init__(message, {**(detail or {}), "candidates": candidates})
        self.candidates = candidates

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "candidates": self.candidates}


class Unauthorized(CuegraphError):
    status = 401


class Forbidden(CuegraphError):
    status = 403


class NotAcceptable(CuegraphError):
    status = 406


class PayloadTooLarge(CuegraphError):
    status = 413


class QueryTimeout(CuegraphError):
    status = 503


class StoreError(CuegraphError):
    """The store cannot be opened or read."""

    status = 500


class StoreLocked(StoreError):
    """The embedded store is held for writing by another process."""

    status = 503


class UpstreamError(CuegraphError):
    """A harvest source failed (HTTP error, malformed response)."""

    status = 502
