"""Reading SPARQL text without running it: its tokens, and the form of a query.

:func:`tokens` skips strings, comments and IRIs (the endpoint finds a query's ``FROM``
graphs and an update's ``WHERE`` clauses with it, a remote store the end of the prologue).
What is *refused* is never decided from these tokens but by a real parse
(:mod:`cuegraph.api.sparql.check`).

The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) is sniffed here only, for the store
(which Accept to send a remote endpoint), the SPARQL endpoint (content negotiation) and the
export (only CONSTRUCT draws a graph). After
the prologue (``BASE``/``PREFIX`` declarations, comments, white space) the grammar allows
nothing but the form keyword, so one anchored scan with no backtracking finds it.

>>> query_keyword("PREFIX a: <http://a/#> # hi\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
'CONSTRUCT'
>>> query_form("BASE <http://x/> ASK {}"), query_form("DESCRIBE <x>"), query_form("nonsense")
('ask', 'graph', 'select')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["query_keyword", "query_form", "FORMS", "Token", "tokens", "IRI", "SKIP"]

#: query keyword -> the form name negotiation uses (``graph``: an RDF answer)
FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}

#: regular-expression pieces (also :mod:`cuegraph.engine.inline`'s): an IRI reference, and
#: white space or a comment
IRI = r"<[^<>\"{}|^`\x00-\x20]*>"
SKIP = r"(?:\s|\#[^\r\n]*)"
# possessive: the prologue is consumed once, never re-split (no backtracking on long texts)
_PROLOGUE = re.compile(
    rf"(?:{SKIP}|BASE{SKIP}*+{IRI}|PREFIX{SKIP}*+[^\s:<>#]*:{SKIP}*+{IRI})*+([A-Za-z]+)",
    re.IGNORECASE,
)


def query_keyword(text: str) -> str:
    """The first keyword after the prologue, upper-cased (``SELECT`` …); ``""`` if none."""
    m = _PROLOGUE.match(text)
    return m.group(1).upper() if m else ""


def query_form(text: str) -> str:
    """``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE); ``select`` when unknown."""
    return FORMS.get(query_keyword(text), "select")


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<bnode>_:[\w.\-]*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>[^\W\d][\w.\-]*:[\w.\-:%\\]*|:[\w.\-:%\\]*)
  | (?P<word>[^\W\d][\w\-]*)
  | (?P<number>\d[\w.]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One token: its kind (``word``, ``iri``, ``open`` …), text, offset and brace depth."""

    kind: str
    text: str
    start: int
    depth: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a bare word (keywords are case-insensitive), else ''."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> Iterator[Token]:
    """Tokens of ``text`` except whitespace and comments; ``depth`` counts open ``{ ( [``."""
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "close":
            depth = max(depth - 1, 0)
        yield Token(kind, m.group(), m.start(), depth)
        if kind == "open":
            depth += 1
