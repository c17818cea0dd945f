"""The form of a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE), read from its text.

The one place cuegraph sniffs it: the store (which Accept to send a remote endpoint), the
SPARQL endpoint (content negotiation) and the export (only CONSTRUCT draws a graph). After
the prologue (``BASE``/``PREFIX`` declarations, comments, white space) the grammar allows
nothing but the form keyword, so one anchored scan with no backtracking finds it.

>>> query_keyword("PREFIX a: <http://a/#> # hi\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
'CONSTRUCT'
>>> query_form("BASE <http://x/> ASK {}"), query_form("DESCRIBE <x>"), query_form("nonsense")
('ask', 'graph', 'select')
"""

from __future__ import annotations

import re

__all__ = ["query_keyword", "query_form", "FORMS"]

#: query keyword -> the form name negotiation uses (``graph``: an RDF answer)
FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}

_IRI = r"<[^<>\"{}|^`\x00-\x20]*>"
_SKIP = r"(?:\s|\#[^\r\n]*)"
# possessive: the prologue is consumed once, never re-split (no backtracking on long texts)
_PROLOGUE = re.compile(
    rf"(?:{_SKIP}|BASE{_SKIP}*+{_IRI}|PREFIX{_SKIP}*+[^\s:<>#]*:{_SKIP}*+{_IRI})*+([A-Za-z]+)",
    re.IGNORECASE)


def query_keyword(text: str) -> str:
    """The first keyword after the prologue, upper-cased (``SELECT`` …); ``""`` if none."""
    m = _PROLOGUE.match(text)
    return m.group(1).upper() if m else ""


def query_form(text: str) -> str:
    """``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE); ``select`` when unknown."""
    return FORMS.get(query_keyword(text), "select")
