"""A grammar-based generator of SPARQL queries and updates with hostile values.

Productions follow the SPARQL 1.1 grammar (group patterns, OPTIONAL/UNION/MINUS/GRAPH/
FILTER/BIND/VALUES, sub-selects, paths, expressions, updates); terminals are drawn from
values that have broken parsers and gates before: escaped local names (``ex:a\\#``),
``\\u`` escapes of keywords, keywords in strings, comments and IRIs, NUL and control
characters, huge numbers, odd Unicode, random keyword case, comments between tokens, deep
nesting and long chains. Some cases carry a real ``SERVICE`` or ``LOAD`` aimed at a
canary URL: :class:`Case` says so (``fetches``), and the endpoint must refuse them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["Case", "SparqlGen"]


@dataclass
class Case:
    text: str
    update: bool
    fetches: bool  # holds a real SERVICE (or LOAD) aimed at the canary


class SparqlGen:
    """``SparqlGen(seed, canary_url).query()`` / ``.update()`` → :class:`Case`."""

    def __init__(self, seed: int, canary: str):
        self.r = random.Random(seed)
        self.canary = canary
        self.fetches = False

    # --- terminals ---------------------------------------------------------------------
    def kw(self, word: str) -> str:
        r = self.r.random()
        if r < 0.15:  # \u-escape the first letter (SPARQL unescapes before parsing)
            return f"\\u{ord(word[0]):04X}{word[1:]}"
        if r < 0.4:
            return "".join(c.lower() if self.r.random() < 0.5 else c.upper() for c in word)
        return word

    def sep(self) -> str:
        return self.r.choice(
            [" ", " ", " ", "\n", "\t", f" # SERVICE <{self.canary}> {{ }}\n", "#c\n", "  "]
        )

    def iri(self) -> str:
        return self.r.choice(
            [
                "<http://example.org/a>",
                "<urn:x:p>",
                f"<{self.canary}>",
                "<javascript:alert(1)>",
                "<file:///etc/passwd>",
                "<../relative>",
                "<>",
                "<http://example.org/SERVICE>",
                "<http://例え.jp/名前>",
                "ex:a\\#",
                "ex:a\\.b",
                "ex:%41b",
                "ex:",
                ":",
                "ex:service",
                "ex:LOAD",
                "rdf:type",
                "ex:a\\~\\!\\$\\&\\'\\(\\)\\*\\+\\,\\;\\=\\/\\?\\#\\@\\%",
            ]
        )

    def literal(self) -> str:
        return self.r.choice(
            [
                f'"SERVICE <{self.canary}> {{ ?s ?p ?o }}"',
                f"'LOAD <{self.canary}>'",
                '"\\u0053ERVICE"',
                '"""multi\nline "quoted" """',
                "'''a'b''c'''",
                '"\\u0000"',
                '"tab\\tnl\\n"',
                '"🎵 梶浦由記"@ja',
                '"x"^^xsd:string',
                '"1"^^<urn:x:dt>',
                "1e308",
                "-0",
                "9" * 400,
                ".5",
                "1.",
                "true",
                "FALSE",
                '"\u202egnp.exe"',
                '"\\"\\\\"',
                '"a"@en-Latn-US',
                "-12.5e-3",
            ]
        )

    def var(self) -> str:
        return self.r.choice(["?s", "?p", "?o", "$x", "?service", "?LOAD", "?名前", "?_1"])

    def term(self) -> str:
        r = self.r.random()
        if r < 0.45:
            return self.var()
        if r < 0.75:
            return self.iri()
        return self.literal()

    # --- expressions -------------------------------------------------------------------
    def expr(self, depth: int = 0) -> str:
        r = self.r.random()
        if depth > 6 or r < 0.3:
            return self.term()
        if r < 0.5:
            op = self.r.choice(["||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/"])
            n = self.r.choice([2, 2, 3, 10, 200, 1500])
            if n > 3:  # a long chain of plain terms (recursing would blow up the size)
                return f" {op} ".join(self.term() for _ in range(n))
            return f" {op} ".join(self.expr(depth + 1) for _ in range(n))
        if r < 0.6:
            return f"({self.expr(depth + 1)})"
        if r < 0.7:
            return "!" + f"({self.expr(depth + 1)})"
        if r < 0.8:
            fn = self.r.choice(
                [
                    "STR",
                    "LANG",
                    "REGEX",
                    "CONCAT",
                    "STRLEN",
                    "COALESCE",
                    "IF",
                    "<http://example.org/fn>",
                    "ex:fn",
                    "BOUND",
                    "sameTerm",
                    "ENCODE_FOR_URI",
                    "xsd:integer",
                ]
            )
            args = ", ".join(self.expr(depth + 1) for _ in range(self.r.randint(1, 3)))
            return f"{fn}({args})"
        if r < 0.9:
            return f"{self.kw('EXISTS')} {{ {self.group(depth + 1)} }}"
        return f"{self.expr(depth + 1)} {self.kw('IN')} ({self.term()}, {self.term()})"

    # --- patterns ----------------------------------------------------------------------
    def path(self) -> str:
        steps = self.r.choice([1, 1, 2, 3, 70])
        parts = [
            self.r.choice(
                [
                    self.iri(),
                    "^" + self.iri(),
                    "a",
                    f"({self.iri()})*",
                    f"!({self.iri()}|^{self.iri()})",
                    self.iri() + "+",
                ]
            )
            for _ in range(steps)
        ]
        return self.r.choice(["/", "|"]).join(parts)

    def triples(self) -> str:
        subj = self.r.choice(
            [
                self.var(),
                self.iri(),
                "[]",
                f"[ {self.iri()} {self.term()} ]",
                f"({self.term()} {self.term()})",
            ]
        )
        pred = self.r.choice([self.var(), self.iri(), "a", self.path()])
        objs = ", ".join(self.term() for _ in range(self.r.randint(1, 3)))
        return f"{subj} {pred} {objs}"

    def group(self, depth: int = 0) -> str:
        parts = []
        for _ in range(self.r.randint(1, 4)):
            r = self.r.random()
            if depth > 5 or r < 0.35:
                parts.append(self.triples() + " .")
            elif r < 0.45:
                parts.append(f"{self.kw('OPTIONAL')} {{ {self.group(depth + 1)} }}")
            elif r < 0.55:
                n = self.r.choice([2, 2, 3, 50, 1500])
                parts.append(
                    f" {self.kw('UNION')} ".join(
                        f"{{ {self.group(depth + 1) if n < 4 else self.triples()} }}"
                        for _ in range(n)
                    )
                )
            elif r < 0.6:
                parts.append(f"{self.kw('MINUS')} {{ {self.group(depth + 1)} }}")
            elif r < 0.65:
                parts.append(
                    f"{self.kw('GRAPH')} {self.r.choice([self.var(), self.iri()])} "
                    f"{{ {self.group(depth + 1)} }}"
                )
            elif r < 0.75:
                parts.append(f"{self.kw('FILTER')}({self.expr()})")
            elif r < 0.8:
                parts.append(f"{self.kw('BIND')}({self.expr()} AS ?b{depth})")
            elif r < 0.85:
                parts.append(f"{self.kw('VALUES')} ?v {{ {self.term()} {self.kw('UNDEF')} }}")
            elif r < 0.9:
                parts.append(
                    f"{{ {self.kw('SELECT')} * {{ {self.group(depth + 1)} }} "
                    f"{self.kw('LIMIT')} 3 }}"
                )
            elif r < 0.93:
                self.fetches = True
                target = self.r.choice([f"<{self.canary}>", "?endpoint", "c:sparql"])
                silent = self.r.choice(["", self.kw("SILENT") + " "])
                parts.append(f"{self.kw('SERVICE')} {silent}{target} {{ {self.group(depth + 1)} }}")
            elif r < 0.96:
                nest = self.r.choice([3, 40, 70, 3000])
                parts.append("{" * nest + self.triples() + "}" * nest)
            else:
                parts.append(
                    f"{self.kw('FILTER')}("
                    + "(" * self.r.choice([5, 70, 3000])
                    + "1"
                    + ")" * self.r.choice([5, 70, 3000])
                    + ")"
                )
        return self.sep().join(parts)

    def prologue(self) -> str:
        return (
            f"PREFIX ex: <http://example.org/>{self.sep()}PREFIX c: "
            f"<{self.canary.rsplit('/', 1)[0]}/>{self.sep()}"
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
        )

    # --- whole requests ------------------------------------------------------------------
    def query(self) -> Case:
        self.fetches = False
        where = self.group()
        form = self.r.choice(
            [
                f"{self.kw('SELECT')} * {self.kw('WHERE')} {{ {where} }}",
                f"{self.kw('SELECT')} {self.kw('DISTINCT')} ?s (COUNT(*) AS ?n) {{ {where} }} "
                f"{self.kw('GROUP')} BY ?s {self.kw('ORDER')} BY DESC(?n) LIMIT 5",
                f"{self.kw('ASK')} {{ {where} }}",
                f"{self.kw('CONSTRUCT')} {{ ?s ?p ?o }} {self.kw('WHERE')} {{ {where} }}",
                f"{self.kw('DESCRIBE')} ?s {{ {where} }}",
            ]
        )
        return Case(self.prologue() + form, False, self.fetches)

    def update(self) -> Case:
        self.fetches = False
        ops = []
        for _ in range(self.r.randint(1, 3)):
            r = self.r.random()
            if r < 0.3:
                ops.append(
                    f"{self.kw('INSERT')} {self.kw('DATA')} {{ GRAPH <urn:x:fuzz> "
                    f"{{ {self.r.choice(['<urn:x:s>', 'ex:a'])} <urn:x:p> "
                    f"{self.r.choice(['<urn:x:o>', self.literal()])} }} }}"
                )
            elif r < 0.55:
                ops.append(
                    f"{self.kw('DELETE')} {{ GRAPH <urn:x:fuzz> {{ ?s ?p ?o }} }} "
                    f"{self.kw('WHERE')} {{ {self.group()} }}"
                )
            elif r < 0.7:
                ops.append(
                    f"{self.kw('INSERT')} {{ GRAPH <urn:x:fuzz> {{ ?s ?p ?o }} }} "
                    f"{self.kw('WHERE')} {{ {self.group()} }}"
                )
            elif r < 0.8:
                self.fetches = True
                ops.append(
                    f"{self.kw('LOAD')} {self.r.choice(['', 'SILENT '])}"
                    f"<{self.canary}> INTO GRAPH <urn:x:loaded>"
                )
            elif r < 0.9:
                ops.append(f"{self.kw('CLEAR')} SILENT GRAPH <urn:x:fuzz>")
            else:
                ops.append(f"{self.kw('DROP')} {self.r.choice(['ALL', 'NAMED', 'DEFAULT'])}")
        return Case(self.prologue() + f" ;{self.sep()}".join(ops), True, self.fetches)
