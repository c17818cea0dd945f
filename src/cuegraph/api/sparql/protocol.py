"""Reading SPARQL 1.1 Protocol requests: operation, dataset parameters, limits.

Three ways to send a query (GET ``?query=``, POST urlencoded, POST
``application/sparql-query``) and two to send an update (POST urlencoded ``update=``, POST
``application/sparql-update``). Everything a client can get wrong becomes a 4xx
:class:`~cuegraph.errors.CuegraphError` naming what was wrong.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fastapi import Request

from cuegraph.errors import BadInput, BadRequest, PayloadTooLarge

__all__ = [
    "UnsupportedMediaType",
    "ProtocolRequest",
    "read_query_request",
    "read_update_request",
    "FORM",
    "QUERY_TYPE",
    "UPDATE_TYPE",
]

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")


class UnsupportedMediaType(BadRequest):
    """A POST body in a media type the operation does not take."""

    status = 415


@dataclass
class ProtocolRequest:
    """One protocol operation: its text (``None``: none given) and dataset parameters."""

    text: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)


def _media_type(request: Request) -> tuple[str, str | None]:
    """The Content-Type without parameters (lower case) and its charset, if any."""
    raw = request.headers.get("content-type", "")
    parts = [p.strip() for p in raw.split(";")]
    charset = None
    for param in parts[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it exceeds ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(
            f"request body of {int(declared)} bytes is larger than the {limit}-byte limit",
            {"limit_bytes": limit},
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(
                f"request body is larger than the {limit}-byte limit", {"limit_bytes": limit}
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(data: bytes, charset: str | None, what: str) -> str:
    if charset and charset.replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
        raise BadInput(f"{what} must be UTF-8 encoded, not {charset}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadInput(f"{what} is not valid UTF-8 (byte {e.start})") from None


def _form_pairs(body: bytes) -> list[tuple[str, str]]:
    text = _utf8(body, None, "the form body")
    try:
        return _pairs(text)
    except UnicodeDecodeError:
        raise BadInput("the form body has percent-escapes that are not UTF-8") from None


def _pairs(text: str) -> list[tuple[str, str]]:
    """``parse_qsl(text, keep_blank_values=True, errors="strict")``, decoded in C when the
    text is ASCII and every ``%`` starts a valid escape (a long query's percent-escapes
    cost urllib a Python loop each); anything else goes to ``parse_qsl`` itself.

    >>> _pairs("query=SELECT+%3Fs+%7B%7D&a&b=%E2%9C%93") == parse_qsl(
    ...     "query=SELECT+%3Fs+%7B%7D&a&b=%E2%9C%93", keep_blank_values=True)
    True
    """
    if not text.isascii():
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    out = []
    try:
        for field in text.split("&"):
            if not field:
                continue
            name, _, value = field.partition("=")
            out.append((_unquote(name), _unquote(value)))
    except ValueError as e:  # an invalid escape (parse_qsl keeps it as text)
        if isinstance(e, UnicodeDecodeError):
            raise
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    return out


def _unquote(part: str) -> str:
    """``unquote(part.replace("+", " "))`` for ASCII text; ValueError on a bad escape."""
    part = part.replace("+", " ")
    if "%" not in part:
        return part
    raw = part.replace("\\", "\\\\").replace("%", "\\x").encode("ascii")
    return codecs.escape_decode(raw)[0].decode("utf-8", "strict")


def _url_pairs(request: Request, limit: int) -> list[tuple[str, str]]:
    # what ``request.url.query`` is, without building the URL (from the Host header) first
    query = request.scope.get("query_string", b"").decode()
    if len(query) > limit:
        raise PayloadTooLarge(
            f"the URL query string of {len(query)} bytes is larger than the {limit}-byte limit; "
            "send long queries with POST",
            {"limit_bytes": limit},
        )
    try:
        return _pairs(query)
    except UnicodeDecodeError:
        raise BadInput("the URL has percent-escapes that are not UTF-8") from None


def _values(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in pairs if k == name]


def _iris(pairs: list[tuple[str, str]], name: str) -> list[str]:
    out = _values(pairs, name)
    for value in out:
        if not _ABSOLUTE_IRI.match(value):
            raise BadInput(f"{name} must be an absolute IRI, got {value!r}")
    return out


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadInput(f"the request has {len(values)} {name} parameters; send exactly one")
    return values[0] if values else None


async def read_query_request(request: Request, max_bytes: int) -> ProtocolRequest:
    """The query of a /sparql request (``text`` is ``None`` when there is none).

    Raises:
        BadInput: several queries, an update, bad encoding, a missing Content-Type.
        UnsupportedMediaType: a POST body that is neither a form nor a SPARQL query.
        PayloadTooLarge: more than ``max_bytes``.
    """
    url = _url_pairs(request, max_bytes)
    body: list[tuple[str, str]] = []
    direct: list[str] = []
    if request.method == "POST":
        media, charset = _media_type(request)
        data = await _body(request, max_bytes)
        if media == FORM:
            body = _form_pairs(data)
        elif media == QUERY_TYPE:
            direct = [_utf8(data, charset, "the query")]
        elif media == UPDATE_TYPE:
            raise BadInput("this endpoint only answers queries; send updates to /sparql/update")
        elif not media:
            raise BadInput(f"a POST needs Content-Type: {FORM} or {QUERY_TYPE}")
        else:
            raise UnsupportedMediaType(
                f"Content-Type {media} is not accepted; use {FORM} or {QUERY_TYPE}"
            )
    pairs = url + body
    if (
        _values(pairs, "update")
        or _values(pairs, "using-graph-uri")
        or _values(pairs, "using-named-graph-uri")
    ):
        raise BadInput("this endpoint only answers queries; send updates to POST /sparql/update")
    queries = _values(pairs, "query") + direct
    text = _one(queries, "query")
    if text is not None and not text.strip():
        raise BadInput("the query is empty")
    return ProtocolRequest(
        text,
        _iris(pairs, "default-graph-uri"),
        _iris(pairs, "named-graph-uri"),
        _values(pairs, "format"),
    )


async def read_update_request(request: Request, max_bytes: int) -> ProtocolRequest:
    """The update of a POST /sparql/update request.

    Raises:
        BadInput: none or several updates, a query, bad encoding, a missing Content-Type.
        UnsupportedMediaType: a body that is neither a form nor a SPARQL update.
        PayloadTooLarge: more than ``max_bytes``.
    """
    url = _url_pairs(request, max_bytes)
    media, charset = _media_type(request)
    data = await _body(request, max_bytes)
    body: list[tuple[str, str]] = []
    direct: list[str] = []
    if media == FORM:
        body = _form_pairs(data)
    elif media == UPDATE_TYPE:
        direct = [_utf8(data, charset, "the update")]
    elif not media:
        raise BadInput(f"a POST needs Content-Type: {FORM} or {UPDATE_TYPE}")
    else:
        raise UnsupportedMediaType(
            f"Content-Type {media} is not accepted; use {FORM} or {UPDATE_TYPE}"
        )
    pairs = url + body
    if _values(pairs, "query"):
        raise BadInput("send queries to /sparql; this endpoint only takes updates")
    text = _one(_values(pairs, "update") + direct, "update")
    if text is None or not text.strip():
        raise BadInput("no update given: send update= (form) or an application/sparql-update body")
    return ProtocolRequest(
        text, _iris(pairs, "using-graph-uri"), _iris(pairs, "using-named-graph-uri")
    )
