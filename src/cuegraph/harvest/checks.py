"""Checks every harvester makes: the ids it is asked for, and the shape of what a source
sent. One set for every source, so each refusal reads the same way:

* a bad id asked for is :class:`~cuegraph.errors.BadInput` (``anilist: media id must be a
  positive integer, not 'x'``);
* an answer of the wrong shape is :class:`~cuegraph.errors.UpstreamError` naming the URL,
  the source and the part that was wrong (``…/anilist: unexpected AniList response shape
  (staffMedia.edges)``); raised inside a request's ``parse``, the answer is not cached;
* an HTTP 404 becomes the caller's own "not found" error, decided by the status code
  (:class:`~cuegraph.harvest.http.HttpStatusError`), never by the message text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cuegraph.errors import BadInput, CuegraphError, UpstreamError
from cuegraph.harvest.http import HttpStatusError

__all__ = ["positive_id", "Shapes", "missing_on_404"]


def positive_id(value: Any, what: str, source: str) -> int:
    """``value`` as a positive integer id, else :class:`BadInput`.

    >>> positive_id("42", "album", "vgmdb")
    42
    >>> positive_id(True, "album", "vgmdb")
    Traceback (most recent call last):
    ...
    cuegraph.errors.BadInput: vgmdb: album id must be a positive integer, not True
    """
    message = f"{source}: {what} id must be a positive integer, not {value!r}"
    if isinstance(value, bool):
        raise BadInput(message)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadInput(message) from None
    if number <= 0:
        raise BadInput(message)
    return number


class Shapes:
    """Shape checks of one source's answers (``title``: the source as error lines name it,
    e.g. ``"AniList"``)."""

    def __init__(self, title: str):
        self.title = title

    def error(self, url: str, what: str) -> UpstreamError:
        """The error for an answer whose ``what`` part has the wrong shape."""
        return UpstreamError(f"{url}: unexpected {self.title} response shape ({what})")

    def obj(self, value: Any, url: str, what: str) -> dict[str, Any]:
        """``value`` if it is a JSON object."""
        if not isinstance(value, dict):
            raise self.error(url, f"{what} is {type(value).__name__}, not an object")
        return value

    def objects(self, value: Any, url: str, what: str) -> list[dict[str, Any]]:
        """``value`` if it is a list of JSON objects (``None``, a missing list: empty)."""
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(url, what)
        return value

    def int_id(self, node: dict[str, Any], url: str, what: str) -> str:
        """The integer ``id`` of ``node``, as text."""
        value = node.get("id")
        if isinstance(value, bool) or not isinstance(value, int):
            raise UpstreamError(f"{url}: {what} without an integer id")
        return str(value)


@contextmanager
def missing_on_404(missing: CuegraphError) -> Iterator[None]:
    """Turn an HTTP 404 answer inside the block into ``missing``; every other error passes."""
    try:
        yield
    except HttpStatusError as e:
        if e.http_status == 404:
            raise missing from None
        raise
