"""A real parse of SPARQL 1.1 before the store sees it: what the endpoint refuses, and why.

The store's engine (pyoxigraph) would fetch any URL a ``SERVICE`` pattern or a ``LOAD``
names, and its recursive parser and optimiser overflow the stack on deeply nested or very
long expressions (5 000 nested brackets, 8 000 chained ``+``, 10 000 ``UNION`` s), killing
the process. So every query and update is checked here first:

* the text is lexed with the grammar's own terminals (``ex:a\\#`` is one prefixed name, not
  the start of a comment; ``\\uXXXX`` escapes count inside IRIs and strings, where the
  engine reads them, so ``"\\u0022 } #"`` stays one string) and parsed by a
  recursive-descent parser of the SPARQL 1.1 Query and Update grammars
  (https://www.w3.org/TR/sparql11-query/#sparqlGrammar); the text with the escapes applied
  everywhere (as the SPARQL 1.1 text says engines may) is parsed too, and a ``SERVICE`` or
  ``LOAD`` either parse finds is refused;
* ``SERVICE`` (query and update) and ``LOAD`` (update) are refused wherever the parse finds
  them;
* bracket nesting is limited to :data:`MAX_NESTING`, the depth of the algebra (nesting plus
  chains of operators, ``UNION`` s, ``OPTIONAL`` s … that the engine nests left-deep) to
  :data:`MAX_DEPTH`, a property path to :data:`MAX_PATH` steps (the engine's time grows
  steeply with it) and the number of algebra nodes to :data:`MAX_NODES`.

Parsing costs time, so :func:`check_sparql` first applies a sound shortcut: a text that,
unescaped and case-folded, does not contain the letters of ``service`` (nor ``load`` in an
update), is at most :data:`FAST_CHARS` characters long and has at most :data:`MAX_NESTING`
opening brackets in all cannot hold the refused keywords nor nest deeper than the limits
(an algebra node needs at least one character), and is passed on unparsed. Everything else
is parsed. A text the parser cannot read is refused with its message (the engine's parser
is not trusted with it).

The parser is a gate, not an evaluator: it is lenient about function arities and the like
(the engine reports those), strict about structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cuegraph.errors import BadQuery

__all__ = [
    "check_sparql",
    "unescape_codepoints",
    "SparqlShape",
    "parse_sparql",
    "SparqlSyntax",
    "MAX_NESTING",
    "MAX_DEPTH",
    "MAX_PATH",
    "MAX_NODES",
    "FAST_CHARS",
]

#: deepest nesting of ``{ ( [`` accepted (real queries nest a handful of levels)
MAX_NESTING = 64
#: deepest algebra accepted: nesting plus chained operators (engine crashes near 6 000)
MAX_DEPTH = 1000
#: most steps (``/``, ``|``) in one property path (500 steps keep the engine busy 12 s)
MAX_PATH = 64
#: most algebra nodes (patterns, operators, calls) in one request; ground data is not counted
MAX_NODES = 50_000
#: texts up to this many characters (and :data:`MAX_NESTING` opening brackets) without the
#: refused keywords' letters skip the parse: they cannot reach the limits above
FAST_CHARS = 4096


class SparqlSyntax(Exception):
    """The text is not SPARQL 1.1 the gate can read."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Limit(Exception):
    def __init__(self, message: str, detail: dict):
        super().__init__(message)
        self.message = message
        self.detail = detail


@dataclass
class SparqlShape:
    """What the parse found."""

    form: str  # select, ask, construct, describe, update
    service: int | None = None  # offset of the first SERVICE
    load: int | None = None  # offset of the first LOAD
    default_write: int | None = None  # first operation writing into the default graph
    drop_all: int | None = None  # first CLEAR/DROP ALL or NAMED (empties every graph)
    depth: int = 0
    nodes: int = 0


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(text: str) -> str:
    """Apply SPARQL's ``\\u``/``\\U`` escapes, as the engine does before parsing."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def one(m: re.Match) -> str:
        value = int(m.group(1) or m.group(2), 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return m.group(0)
        return chr(value)

    return _CODEPOINT.sub(one, text)


# --- lexer: the terminals of the SPARQL 1.1 grammar --------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

_LEX = re.compile(
    rf"""
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<var>[?$]{_VARNAME})
  | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<number>(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+)
              |[0-9]*\.[0-9]+|[0-9]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\^\^|\|\||&&|!=|<=|>=|[{{}}()\[\];,.=<>!+\-*/|^?])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str  # iri, string, pname, bnode, var, lang, number, word, punct, eof
    text: str
    start: int

    @property
    def kw(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def _lex(text: str, pos: int = 0, until: list[_Tok] | None = None) -> list[_Tok]:
    """Tokens of ``text`` from ``pos``; with ``until`` (tokens lexed before), stop where the
    new tokens line up with those again."""
    out: list[_Tok] = []
    end = len(text)
    j = 0
    while pos < end:
        if until is not None:
            while j < len(until) and until[j].start < pos:
                j += 1
            if j < len(until) and until[j].start == pos:
                return out + until[j:]
        m = _LEX.match(text, pos)
        if m is None:
            raise SparqlSyntax(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            out.append(_Tok(kind, m.group(), pos))
        pos = m.end()
    out.append(_Tok("eof", "", end))
    return out


# --- parser ------------------------------------------------------------------------------

_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_NO_ARG_CALLS = {"RAND", "NOW", "UUID", "STRUUID"}
_RELATIONAL = {"=", "!=", "<", ">", "<=", ">="}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _lex(text)
        self.i = 0
        self.nest = 0
        self.depth = 0
        self.max_depth = 0
        self.nodes = 0
        self.count_nodes = True
        self.shape = SparqlShape("select")

    # tokens
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def peek(self, n: int = 1) -> _Tok:
        return self.toks[min(self.i + n, len(self.toks) - 1)]

    def fail(self, expected: str) -> SparqlSyntax:
        tok = self.tok
        found = "the end of the text" if tok.kind == "eof" else repr(tok.text)
        return SparqlSyntax(f"expected {expected}, found {found}", tok.start)

    def is_(self, text: str) -> bool:
        tok = self.tok
        return (tok.kind == "punct" and tok.text == text) or tok.kw == text

    def accept(self, text: str) -> bool:
        if self.is_(text):
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> _Tok:
        if not self.is_(text):
            raise self.fail(repr(text) if not text.isalpha() else text)
        tok = self.tok
        self.i += 1
        return tok

    # limits
    def node(self, n: int = 1) -> None:
        if self.count_nodes:
            self.nodes += n
            if self.nodes > MAX_NODES:
                raise _Limit(
                    f"the request is too large: more than {MAX_NODES} operators and patterns",
                    {"limit": MAX_NODES, "offset": self.tok.start},
                )

    def down(self, levels: int = 1) -> None:
        self.depth += levels
        if self.depth > self.max_depth:
            self.max_depth = self.depth
            if self.depth > MAX_DEPTH:
                raise _Limit(
                    f"the request nests too deeply: its algebra is more than {MAX_DEPTH} levels "
                    "deep (long chains of operators, UNION, OPTIONAL or FILTER count as levels)",
                    {"limit": MAX_DEPTH, "offset": self.tok.start},
                )

    def open(self, text: str) -> None:
        """Consume an opening bracket, one nesting level deeper."""
        tok = self.expect(text)
        self.nest += 1
        if self.nest > MAX_NESTING:
            raise _Limit(
                f"the query nests brackets more than {MAX_NESTING} levels deep",
                {"limit": MAX_NESTING, "offset": tok.start},
            )
        self.down()

    def close(self, text: str) -> None:
        self.expect(text)
        self.nest -= 1
        self.depth -= 1

    def nil(self) -> bool:
        """``()`` (NIL)."""
        if self.is_("(") and self.peek().kind == "punct" and self.peek().text == ")":
            self.i += 2
            return True
        return False

    # entry points
    def query(self) -> SparqlShape:
        self.prologue()
        kw = self.tok.kw
        if kw == "SELECT":
            self.shape.form = "select"
            self.select_clause()
            self.dataset_clauses()
            self.where_clause()
            self.solution_modifier()
        elif kw == "CONSTRUCT":
            self.shape.form = "construct"
            self.i += 1
            if self.is_("{"):
                self.triples_template_block()
                self.dataset_clauses()
                self.where_clause()
            else:
                self.dataset_clauses()
                self.expect("WHERE")
                self.triples_template_block()
            self.solution_modifier()
        elif kw == "DESCRIBE":
            self.shape.form = "describe"
            self.i += 1
            if not self.accept("*"):
                self.var_or_iri()
                while self.tok.kind in ("var", "iri", "pname"):
                    self.var_or_iri()
            self.dataset_clauses()
            if self.is_("WHERE") or self.is_("{"):
                self.where_clause()
            self.solution_modifier()
        elif kw == "ASK":
            self.shape.form = "ask"
            self.i += 1
            self.dataset_clauses()
            self.where_clause()
            self.solution_modifier()
        else:
            raise self.fail("SELECT, CONSTRUCT, DESCRIBE or ASK")
        self.values_clause()
        if self.tok.kind != "eof":
            raise self.fail("the end of the query")
        return self.shape

    def update(self) -> SparqlShape:
        self.shape.form = "update"
        while True:
            self.prologue()
            if self.tok.kind == "eof":
                break
            self.update1()
            if not self.accept(";"):
                break
        if self.tok.kind != "eof":
            raise self.fail("';' or the end of the update")
        return self.shape

    # prologue, dataset, modifiers
    def prologue(self) -> None:
        while True:
            if self.accept("BASE"):
                self.iri_ref()
            elif self.accept("PREFIX"):
                if self.tok.kind != "pname" or not self.tok.text.endswith(":"):
                    raise self.fail("a prefix name ending in ':'")
                self.i += 1
                self.iri_ref()
            else:
                return

    def iri_ref(self) -> None:
        if self.tok.kind != "iri":
            raise self.fail("an IRI <…>")
        self.i += 1

    def iri(self) -> None:
        if self.tok.kind not in ("iri", "pname"):
            raise self.fail("an IRI")
        self.i += 1

    def var(self) -> None:
        if self.tok.kind != "var":
            raise self.fail("a variable")
        self.i += 1

    def var_or_iri(self) -> None:
        if self.tok.kind not in ("var", "iri", "pname"):
            raise self.fail("a variable or an IRI")
        self.i += 1

    def select_clause(self) -> None:
        self.expect("SELECT")
        if not self.accept("DISTINCT"):
            self.accept("REDUCED")
        if self.accept("*"):
            return
        count = 0
        while True:
            if self.tok.kind == "var":
                self.i += 1
            elif self.is_("("):
                self.open("(")
                self.expression()
                self.expect("AS")
                self.var()
                self.close(")")
            else:
                break
            count += 1
        if not count:
            raise self.fail("'*', variables or (expression AS ?var)")

    def dataset_clauses(self) -> None:
        while self.accept("FROM"):
            self.accept("NAMED")
            self.iri()

    def where_clause(self) -> None:
        self.accept("WHERE")
        self.group_graph_pattern()

    def solution_modifier(self) -> None:
        if self.accept("GROUP"):
            self.expect("BY")
            self.group_condition()
            while self.tok.kind in ("var", "iri", "pname") or self.is_("(") or self._builtin():
                self.group_condition()
        if self.accept("HAVING"):
            self.constraint()
            while self.is_("(") or self.tok.kind in ("iri", "pname") or self._builtin():
                self.constraint()
        if self.accept("ORDER"):
            self.expect("BY")
            self.order_condition()
            while (
                self.tok.kind in ("var", "iri", "pname")
                or self.is_("(")
                or self.tok.kw in ("ASC", "DESC")
                or self._builtin()
            ):
                self.order_condition()
        for _ in range(2):
            if self.accept("LIMIT") or self.accept("OFFSET"):
                if self.tok.kind != "number":
                    raise self.fail("an integer")
                self.i += 1

    def _builtin(self) -> bool:
        tok = self.tok
        return tok.kind == "word" and (
            (self.peek().kind == "punct" and self.peek().text == "(") or tok.kw in ("EXISTS", "NOT")
        )

    def group_condition(self) -> None:
        if self.tok.kind == "var":
            self.i += 1
        elif self.is_("("):
            self.open("(")
            self.expression()
            if self.accept("AS"):
                self.var()
            self.close(")")
        else:
            self.primary()

    def order_condition(self) -> None:
        if self.tok.kw in ("ASC", "DESC"):
            self.i += 1
            self.bracketted()
        elif self.tok.kind == "var":
            self.i += 1
        else:
            self.constraint()

    def values_clause(self) -> None:
        if self.accept("VALUES"):
            self.data_block()

    def data_block(self) -> None:
        self.node()
        saved, self.count_nodes = self.count_nodes, False
        try:
            if self.tok.kind == "var":
                self.i += 1
                self.open("{")
                while not self.is_("}"):
                    self.data_value()
                self.close("}")
                return
            if not self.nil():
                self.open("(")
                while self.tok.kind == "var":
                    self.i += 1
                self.close(")")
            self.open("{")
            while not self.is_("}"):
                if self.nil():
                    continue
                self.open("(")
                while not self.is_(")"):
                    self.data_value()
                self.close(")")
            self.close("}")
        finally:
            self.count_nodes = saved

    def data_value(self) -> None:
        if self.accept("UNDEF"):
            return
        if self.tok.kind in ("iri", "pname"):
            self.i += 1
            return
        self.literal()

    def literal(self) -> None:
        tok = self.tok
        if tok.kind == "string":
            self.i += 1
            if self.tok.kind == "lang":
                self.i += 1
            elif self.accept("^^"):
                self.iri()
        elif tok.kind == "number":
            self.i += 1
        elif tok.kind == "punct" and tok.text in "+-" and self.peek().kind == "number":
            self.i += 2
        elif tok.kw in ("TRUE", "FALSE"):
            self.i += 1
        else:
            raise self.fail("an RDF term")

    # graph patterns
    def group_graph_pattern(self) -> None:
        self.open("{")
        self.node()
        if self.is_("SELECT"):
            self.select_clause()
            self.where_clause()
            self.solution_modifier()
            self.values_clause()
        else:
            self.group_graph_pattern_sub()
        self.close("}")

    def group_graph_pattern_sub(self) -> None:
        chained = 0
        while not self.is_("}"):
            if self.tok.kind == "eof":
                raise self.fail("'}'")
            if self.accept("."):
                continue
            self.node()
            if chained:  # the engine joins a group's elements left-deep
                self.down()
            chained += 1
            self.graph_element()
        self.depth -= max(chained - 1, 0)

    def graph_element(self) -> None:
        tok = self.tok
        kw = tok.kw
        if self.is_("{"):
            self.group_graph_pattern()
            unions = 0
            while self.accept("UNION"):
                self.node()
                self.down()
                unions += 1
                self.group_graph_pattern()
            self.depth -= unions
        elif kw in ("OPTIONAL", "MINUS"):
            self.i += 1
            self.group_graph_pattern()
        elif kw == "GRAPH":
            self.i += 1
            self.var_or_iri()
            self.group_graph_pattern()
        elif kw == "SERVICE":
            if self.shape.service is None:
                self.shape.service = tok.start
            self.i += 1
            self.accept("SILENT")
            self.var_or_iri()
            self.group_graph_pattern()
        elif kw == "FILTER":
            self.i += 1
            self.constraint()
        elif kw == "BIND":
            self.i += 1
            self.open("(")
            self.expression()
            self.expect("AS")
            self.var()
            self.close(")")
        elif kw == "VALUES":
            self.i += 1
            self.data_block()
        else:
            self.triples_same_subject(path=True)
            while self.accept("."):
                if self._starts_triples():
                    self.node()
                    self.triples_same_subject(path=True)
                else:
                    break

    def _starts_triples(self) -> bool:
        tok = self.tok
        if tok.kind in ("var", "iri", "pname", "bnode", "string", "number"):
            return True
        if tok.kind == "punct":
            return tok.text in ("(", "[", "+", "-")
        return tok.kw in ("TRUE", "FALSE")

    # triples
    def triples_template_block(self) -> None:
        """``{ TriplesTemplate? }`` (CONSTRUCT templates)."""
        self.open("{")
        while not self.is_("}"):
            if self.accept("."):
                continue
            self.node()
            self.triples_same_subject(path=False)
        self.close("}")

    def triples_same_subject(self, path: bool) -> None:
        if self.is_("[") or (self.is_("(") and not self._nil_ahead()):
            self.triples_node(path)
            self.property_list(path, required=False)
            return
        self.var_or_term()
        self.property_list(path, required=True)

    def _nil_ahead(self) -> bool:
        return self.peek().kind == "punct" and self.peek().text == ")"

    def triples_node(self, path: bool) -> None:
        """A collection ``( … )`` or a blank node property list ``[ … ]``."""
        if self.is_("["):
            if self.peek().kind == "punct" and self.peek().text == "]":
                self.i += 2  # ANON
                return
            self.open("[")
            self.property_list(path, required=True)
            self.close("]")
            return
        self.open("(")
        self.graph_node(path)
        while not self.is_(")"):
            self.graph_node(path)
        self.close(")")

    def graph_node(self, path: bool) -> None:
        if self.is_("[") or (self.is_("(") and not self._nil_ahead()):
            self.triples_node(path)
        else:
            self.var_or_term()

    def var_or_term(self) -> None:
        tok = self.tok
        if tok.kind in ("var", "iri", "pname", "bnode"):
            self.i += 1
        elif self.nil():
            pass
        elif self.is_("[") and self.peek().kind == "punct" and self.peek().text == "]":
            self.i += 2
        else:
            self.literal()

    def property_list(self, path: bool, required: bool) -> None:
        if not required and not self._starts_verb():
            return
        self.verb(path)
        self.object_list(path)
        while self.accept(";"):
            if self._starts_verb():
                self.verb(path)
                self.object_list(path)

    def _starts_verb(self) -> bool:
        tok = self.tok
        if tok.kind in ("var", "iri", "pname"):
            return True
        if tok.kind == "word" and tok.text == "a":
            return True
        return tok.kind == "punct" and tok.text in ("^", "!", "(")

    def verb(self, path: bool) -> None:
        tok = self.tok
        if tok.kind == "var":
            self.i += 1
        elif not path:
            if tok.kind == "word" and tok.text == "a":
                self.i += 1
            else:
                self.iri()
        else:
            self.path()

    def object_list(self, path: bool) -> None:
        self.node()
        self.graph_node(path)
        while self.accept(","):
            self.node()
            self.graph_node(path)

    # property paths
    def path(self) -> None:
        steps = 0
        base = self.depth
        while True:
            self.path_elt()
            if self.is_("|") or self.is_("/"):
                self.i += 1
                steps += 1
                self.node()
                self.down()
                if steps > MAX_PATH:
                    raise _Limit(
                        f"a property path has more than {MAX_PATH} steps",
                        {"limit": MAX_PATH, "offset": self.tok.start},
                    )
                continue
            break
        self.depth = base

    def path_elt(self) -> None:
        self.accept("^")
        if self.accept("!"):
            if self.is_("("):
                self.open("(")
                while not self.is_(")"):
                    self.accept("^")
                    self._path_iri()
                    if not self.accept("|"):
                        break
                self.close(")")
            else:
                self.accept("^")
                self._path_iri()
        elif self.is_("("):
            self.open("(")
            self.path()
            self.close(")")
        else:
            self._path_iri()
        if self.tok.kind == "punct" and self.tok.text in ("?", "*", "+"):
            self.i += 1

    def _path_iri(self) -> None:
        if self.tok.kind == "word" and self.tok.text == "a":
            self.i += 1
        else:
            self.iri()

    # expressions
    def constraint(self) -> None:
        if self.is_("("):
            self.bracketted()
        else:
            self.primary()

    def bracketted(self) -> None:
        self.open("(")
        self.expression()
        self.close(")")

    def expression(self) -> None:
        self._chain(("||",), self._and)

    def _and(self) -> None:
        self._chain(("&&",), self._relational)

    def _relational(self) -> None:
        self._numeric()
        tok = self.tok
        if tok.kind == "iri":  # after an operand '<' is less-than: `?a<(1)&&?b>2` has no IRI
            rest = self.toks[self.i + 1 :]
            self.toks[self.i :] = [_Tok("punct", "<", tok.start)] + _lex(
                self.text, tok.start + 1, rest
            )
            tok = self.tok
        if tok.kind == "punct" and tok.text in _RELATIONAL:
            self.i += 1
            self.node()
            self._numeric()
        elif tok.kw == "IN" or (tok.kw == "NOT" and self.peek().kw == "IN"):
            self.i += 2 if tok.kw == "NOT" else 1
            self.node()
            self.expression_list()

    def _numeric(self) -> None:
        self._chain(("+", "-"), self._multiplicative)

    def _multiplicative(self) -> None:
        self._chain(("*", "/"), self._unary)

    def _chain(self, ops: tuple[str, ...], operand) -> None:
        base = self.depth
        operand()
        while self.tok.kind == "punct" and self.tok.text in ops:
            self.i += 1
            self.node()
            self.down()  # the engine nests a chain left-deep
            operand()
        self.depth = base

    def _unary(self) -> None:
        if self.tok.kind == "punct" and self.tok.text in ("!", "+", "-"):
            self.i += 1
            self.node()
        self.primary()

    def primary(self) -> None:
        tok = self.tok
        if self.is_("("):
            self.bracketted()
        elif tok.kind == "var":
            self.i += 1
        elif tok.kind in ("iri", "pname"):
            self.i += 1
            if self.is_("("):
                self.node()
                self.arg_list()
        elif tok.kind == "word" and tok.kw not in ("TRUE", "FALSE"):
            self.call()
        else:
            self.literal()

    def call(self) -> None:
        tok = self.tok
        kw = tok.kw
        self.node()
        if kw == "NOT" and self.peek().kw == "EXISTS":
            self.i += 2
            self.group_graph_pattern()
            return
        if kw == "EXISTS":
            self.i += 1
            self.group_graph_pattern()
            return
        if kw in ("SERVICE", "LOAD"):
            raise SparqlSyntax(f"{kw} is not a function", tok.start)
        self.i += 1
        if kw in _NO_ARG_CALLS or (kw == "BNODE" and self.nil()):
            if kw != "BNODE" and not self.nil():
                raise self.fail("()")
            return
        if kw in _AGGREGATES:
            self.open("(")
            self.accept("DISTINCT")
            if kw == "COUNT" and self.accept("*"):
                self.close(")")
                return
            self.expression()
            if kw == "GROUP_CONCAT" and self.accept(";"):
                self.expect("SEPARATOR")
                self.expect("=")
                if self.tok.kind != "string":
                    raise self.fail("a string")
                self.i += 1
            self.close(")")
            return
        self.arg_list()

    def arg_list(self) -> None:
        if self.nil():
            return
        self.open("(")
        self.accept("DISTINCT")
        self.expression()
        while self.accept(","):
            self.expression()
        self.close(")")

    def expression_list(self) -> None:
        if self.nil():
            return
        self.open("(")
        self.expression()
        while self.accept(","):
            self.expression()
        self.close(")")

    # updates
    def update1(self) -> None:
        tok = self.tok
        kw = tok.kw
        self.node()
        if kw == "LOAD":
            if self.shape.load is None:
                self.shape.load = tok.start
            self.i += 1
            self.accept("SILENT")
            self.iri()
            if self.accept("INTO"):
                self.expect("GRAPH")
                self.iri()
        elif kw in ("CLEAR", "DROP"):
            self.i += 1
            self.accept("SILENT")
            if self.accept("GRAPH"):
                self.iri()
            elif self.is_("ALL") or self.is_("NAMED"):
                if self.shape.drop_all is None:
                    self.shape.drop_all = tok.start
                self.i += 1
            elif not self.accept("DEFAULT"):
                raise self.fail("GRAPH <iri>, DEFAULT, NAMED or ALL")
        elif kw == "CREATE":
            self.i += 1
            self.accept("SILENT")
            self.expect("GRAPH")
            self.iri()
        elif kw in ("ADD", "MOVE", "COPY"):
            self.i += 1
            self.accept("SILENT")
            self.graph_or_default()
            self.expect("TO")
            if self.is_("DEFAULT"):
                self._writes_default(tok)
            self.graph_or_default()
        elif (
            kw == "INSERT"
            and self.peek().kw == "DATA"
            or (kw == "DELETE" and self.peek().kw == "DATA")
        ):
            self.i += 2
            saved, self.count_nodes = self.count_nodes, False
            try:
                if self.quad_block() and kw == "INSERT":
                    self._writes_default(tok)
            finally:
                self.count_nodes = saved
        elif kw == "DELETE" and self.peek().kw == "WHERE":
            self.i += 2
            self.quad_block()
        elif kw in ("WITH", "DELETE", "INSERT"):
            with_graph = self.accept("WITH")
            if with_graph:
                self.iri()
            if self.accept("DELETE"):
                self.quad_block()
                insert = self.accept("INSERT")
            else:
                insert = bool(self.expect("INSERT"))
            if insert and self.quad_block() and not with_graph:
                self._writes_default(tok)
            while self.accept("USING"):
                self.accept("NAMED")
                self.iri()
            self.expect("WHERE")
            self.group_graph_pattern()
        else:
            raise self.fail(
                "an update operation (INSERT, DELETE, CLEAR, DROP, CREATE, ADD, MOVE, COPY)"
            )

    def _writes_default(self, tok: _Tok) -> None:
        if self.shape.default_write is None:
            self.shape.default_write = tok.start

    def graph_or_default(self) -> None:
        if self.accept("DEFAULT"):
            return
        self.accept("GRAPH")
        self.iri()

    def quad_block(self) -> bool:
        """``{ Quads }``: triples and ``GRAPH g { triples }`` blocks; True when it has
        triples outside ``GRAPH`` (in the default graph)."""
        default = False
        self.open("{")
        while not self.is_("}"):
            if self.accept("."):
                continue
            if self.accept("GRAPH"):
                self.var_or_iri()
                self.triples_template_block()
                continue
            if self.tok.kind == "eof":
                raise self.fail("'}'")
            self.node()
            default = True
            self.triples_same_subject(path=False)
        self.close("}")
        return default


def parse_sparql(text: str, *, update: bool = False) -> SparqlShape:
    """Parse (already unescaped) ``text`` as a SPARQL 1.1 query or update.

    Raises:
        SparqlSyntax: not SPARQL the gate can read.
        BadQuery: a limit was passed (nesting, depth, path length, size).
    """
    parser = _Parser(text)
    depth = 0
    for tok in parser.toks:  # nesting first: it is refused even in a text that does not parse
        if tok.kind == "punct" and tok.text in "({[":
            depth += 1
            if depth > MAX_NESTING:
                raise BadQuery(
                    f"the query nests brackets more than {MAX_NESTING} levels deep",
                    {"limit": MAX_NESTING, "offset": tok.start},
                )
        elif tok.kind == "punct" and tok.text in ")}]":
            depth = max(depth - 1, 0)
    try:
        shape = parser.update() if update else parser.query()
    except _Limit as e:
        raise BadQuery(e.message, e.detail) from None
    except RecursionError:
        raise BadQuery("the request nests too deeply", {"limit": MAX_NESTING}) from None
    shape.depth, shape.nodes = parser.max_depth, parser.nodes
    return shape


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{col}"


def check_sparql(
    text: str, *, update: bool = False, allow_drop_all: bool = False
) -> SparqlShape | None:
    """Refuse what the endpoint never runs; ``None`` when the sound shortcut applied.

    Updates are always parsed; in an update, writing into the default graph (which
    ``cuegraph dump`` and the named-graph model leave out) is refused, and so are
    ``CLEAR``/``DROP`` ``ALL``/``NAMED`` unless ``allow_drop_all``.

    Raises:
        BadQuery: ``SERVICE``; ``LOAD`` in an update; nesting, depth, path or size past the
            limits; a text the parser cannot read (with its line and column).
    """
    plain = unescape_codepoints(text)
    if not update:
        folded = plain.casefold()
        opens = max(sum(t.count(c) for c in "({[") for t in (text, plain))
        if len(plain) <= FAST_CHARS and opens <= MAX_NESTING and "service" not in folded:
            return None
    # the text as the engine reads it: \u escapes count inside IRIs and strings only
    # (unescaping first would turn "\u0022 … " into the end of a string); and, belt and
    # braces, the text with the escapes applied everywhere: a SERVICE or LOAD found by either
    # parse is refused
    unescaped = None
    if plain != text:
        try:
            unescaped = parse_sparql(plain, update=update)
        except SparqlSyntax:
            pass
    try:
        shape = parse_sparql(text, update=update)
    except SparqlSyntax as e:
        if unescaped is None or (unescaped.service is None and unescaped.load is None):
            what = "SPARQL Update" if update else "SPARQL"
            raise BadQuery(
                f"{what} syntax error at {_line_col(text, e.offset)}: {e.message}",
                {"offset": e.offset},
            ) from None
        shape = unescaped
    if unescaped is not None:
        shape.service = shape.service if shape.service is not None else unescaped.service
        shape.load = shape.load if shape.load is not None else unescaped.load
    if shape.service is not None:
        raise BadQuery(
            "SERVICE (federated query) is not allowed: this endpoint never fetches data from "
            "other servers",
            {"keyword": "SERVICE", "offset": shape.service},
        )
    if update and shape.load is not None:
        raise BadQuery(
            "LOAD is not allowed: this endpoint never fetches data from URLs",
            {"keyword": "LOAD", "offset": shape.load},
        )
    if update and shape.default_write is not None:
        raise BadQuery(
            "the update writes into the default graph: cuegraph keeps every triple in a named "
            "graph (queries see their union; dumps and backups of sources hold named graphs "
            "only). Put the triples in GRAPH <iri> { … } or use WITH <iri>",
            {"offset": shape.default_write},
        )
    if update and shape.drop_all is not None and not allow_drop_all:
        raise BadQuery(
            "CLEAR/DROP ALL and NAMED (emptying every graph) are refused: drop graphs one by "
            "one, or set CUEGRAPH_UPDATE_ALLOW_DROP_ALL=true (take a `cuegraph backup` first)",
            {"offset": shape.drop_all},
        )
    return shape
