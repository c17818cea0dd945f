"""A grammar of cue sheets with hostile values, for the fuzz test.

Each column has its own productions, mixing well-formed values (so rows do get imported and
the importer's write path is exercised) with hostile ones: control and bidi characters,
markup, spreadsheet formulas, IRI-forbidden characters, huge and exotic numbers, timecodes
of every shape, unknown roles and usages. Whole files come from a grammar too: a header
(sometimes missing a column), rows written by ``csv.writer`` (always parseable) and, now and
then, raw hostile lines (an unclosed quote, too many fields, a NUL byte, bytes that are not
UTF-8, a byte-order mark).

Everything is drawn from one ``random.Random(seed)``, so a failure names its seed and is
reproduced by running again with it.
"""

from __future__ import annotations

import csv
import io
import random

COLUMNS = [
    "work",
    "episode",
    "start",
    "end",
    "title",
    "usage",
    "credits",
    "source",
    "scene",
    "notes",
]

HOSTILE_CHARS = [
    "\x00",
    "\x01",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200f",
    "\u2066",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "\U000e0041",
    "<",
    ">",
    '"',
    "'",
    ",",
    ";",
    "=",
    "\n",
    "\r",
    "\t",
    " ",
    "\\",
    "{",
    "}",
    "|",
    "^",
    "`",
    "#",
    "%",
    "%zz",
    "&",
    "?",
    "/",
    ":",
    "@",
    "+",
    "-",
    "💥",
    "梶",
    "é",
    "e\u0301",
    "\u3000",
    "Ω",
    "ſ",
    "\u0130",
]
WORDS = [
    "secret base",
    "Magia",
    "Connect",
    "Sis puella magica!",
    "青い栞",
    "梶浦由記",
    "Test Work",
    "anohana",
    "madoka-magica",
    "Yuki Kajiura",
    "Shō Watanabe",
    "x",
]
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "]]><!--",
    "{{7*7}}",
    "${jndi:ldap://127.0.0.1/a}",
    "%s%s%n",
    "'; DROP GRAPH <x>; --",
    '"} } ; DROP ALL ; INSERT DATA { <a> <b> "',
    "\\u0000",
    "_:b0",
    "<urn:x>",
]
FORMULAS = [
    '=HYPERLINK("http://127.0.0.1/?"&A1,"x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
]
ROLES = [
    "composer",
    "lyricist",
    "arranger",
    "performer",
    "singer",
    "conductor",
    "orchestrator",
    "score_composer",
    "Score Composer",
    "COMPOSER",
    "contributor",
    "whistler",
    "",
    " ",
    "composer\x00",
    "composer;lyricist",
]
USAGES = [
    "opening",
    "ending",
    "insert",
    "score",
    "silence",
    "OP",
    "ED",
    "IN",
    "BGM",
    "insert song",
    "background score",
    "Opening",
    "",
    "finale",
    "silence\x00",
    "op\u202e",
]


class CueSheetGrammar:
    """Draw hostile cue sheets (as bytes) from a seeded random source."""

    def __init__(self, seed: int):
        self.rnd = random.Random(seed)

    # ---- small productions --------------------------------------------------------------
    def digits(self, lo: int = 1, hi: int = 3) -> str:
        n = self.rnd.choice([lo, hi, self.rnd.randint(lo, hi), 10, 20, 40, 400])
        return "".join(self.rnd.choice("0123456789") for _ in range(max(n, 1)))

    def text(self) -> str:
        r = self.rnd.random()
        if r < 0.35:
            return self.rnd.choice(WORDS)
        if r < 0.55:
            w = self.rnd.choice(WORDS)
            i = self.rnd.randint(0, len(w))
            return w[:i] + self.rnd.choice(HOSTILE_CHARS) + w[i:]
        if r < 0.65:
            return self.rnd.choice(MARKUP)
        if r < 0.72:
            return self.rnd.choice(FORMULAS)
        if r < 0.77:
            return self.rnd.choice(WORDS) * self.rnd.choice([100, 500])  # long
        if r < 0.82:
            return self.rnd.choice(["", " ", "\u3000", "\t"])
        return "".join(
            self.rnd.choice(HOSTILE_CHARS + list("abc xyz")) for _ in range(self.rnd.randint(1, 12))
        )

    def timecode(self) -> str:
        r = self.rnd.random()
        d = self.digits
        if r < 0.25:  # HH:MM:SS(.ms)
            tc = f"{d(1, 2)}:{d(2, 2)}:{d(2, 2)}"
            return tc + (f".{d(1, 3)}" if self.rnd.random() < 0.4 else "")
        if r < 0.4:  # MM:SS
            return f"{d(1, 2)}:{d(2, 2)}"
        if r < 0.6:  # seconds
            return d(1, 5) + (f".{d(1, 3)}" if self.rnd.random() < 0.3 else "")
        if r < 0.7:  # sane, so that rows get imported
            s = self.rnd.randint(0, 3600)
            return f"00:{s // 60:02d}:{s % 60:02d}"
        return self.rnd.choice(
            [
                "1e308",
                "1e9",
                "-1",
                "-0",
                "+5",
                "nan",
                "NaN",
                "inf",
                "-Infinity",
                "0x10",
                "１２",
                "٣٠",
                "1_000",
                "1:2:3:4",
                "::",
                ":",
                "1:",
                "12:60",
                "1:60:00",
                "48:00:01",
                "99999999999:00:00",
                "9" * 5000,
                "0." + "0" * 500 + "1",
                " 10 ",
                "10s",
                "1,5",
                self.text(),
            ]
        )

    def episode(self) -> str:
        return self.rnd.choice(
            [
                "1",
                "2",
                "5",
                "12",
                str(self.rnd.randint(1, 99)),
                "0",
                "-1",
                "1.5",
                "1e3",
                "9" * 400,
                "٣",
                "",
                " 3 ",
                self.text(),
            ]
        )

    def credits(self) -> str:
        pairs = []
        for _ in range(self.rnd.choice([0, 1, 1, 2, 3, 8])):
            if self.rnd.random() < 0.1:
                pairs.append(self.text())  # no "="
            else:
                pairs.append(f"{self.rnd.choice(ROLES)}={self.text()}")
        return self.rnd.choice([";", "; ", " ;", ";;"]).join(pairs)

    def iri(self) -> str:
        r = self.rnd.random()
        if r < 0.4:
            return f"https://example.org/{self.rnd.choice(['cue', 'a/b', 'wiki/梶浦由記'])}"
        scheme = self.rnd.choice(
            ["http", "https", "HTTP", "javascript", "data", "ftp", "", "http:", "https:/"]
        )
        host = self.rnd.choice(
            [
                "example.org",
                "",
                "[::1]",
                "127.0.0.1",
                "exa mple.org",
                "例え.jp",
                "a@b@c",
                "[",
                "example.org:99999",
                "example.org:" + "9" * 30,
                "xn--e1afmkfd.org",
            ]
        )
        path = "".join(
            self.rnd.choice(HOSTILE_CHARS + list("abc/-._~")) for _ in range(self.rnd.randint(0, 8))
        )
        tail = self.rnd.choice(["", "?x=<script>", "#a#b", "?q=1&r=%20", "#frag", "?" + "\ue000"])
        return f"{scheme}://{host}/{path}{tail}"

    def source(self) -> str:
        parts = [self.iri() for _ in range(self.rnd.choice([1, 1, 1, 2, 3]))]
        if self.rnd.random() < 0.05:
            return ""
        return self.rnd.choice([" ; ", " ", ";", "  ;  "]).join(parts)

    def row(self) -> dict[str, str]:
        timed = self.rnd.random()
        start, end = ("", "") if timed < 0.15 else (self.timecode(), self.timecode())
        if timed > 0.5:  # mostly sane pairs, so that rows are accepted too
            a = self.rnd.randint(0, 3000)
            start, end = str(a), str(a + self.rnd.randint(1, 300))
        return {
            "work": self.rnd.choice([self.text(), "Test Work", "anohana"]),
            "episode": self.episode(),
            "start": start,
            "end": end,
            "title": self.text(),
            "usage": self.rnd.choice(USAGES),
            "credits": self.credits(),
            "source": self.source(),
            "scene": self.rnd.choice(["", "", self.text()]),
            "notes": self.rnd.choice(["", self.text(), "line one\nline two"]),
        }

    def legal_row(self) -> dict[str, str]:
        """A row the importer must take although its text is hostile to whoever shows it
        (markup, formulas, bidi-free Unicode): stored as data, never run."""
        texts = [
            t
            for t in WORDS + MARKUP + FORMULAS  # one line, some letter or digit
            if t.isprintable() and any(c.isalnum() for c in t)
        ]
        names = [t for t in texts if ";" not in t]
        a = self.rnd.randint(0, 3000)
        usage = self.rnd.choice(["opening", "ending", "insert", "score", "OP", "BGM"])
        roles = ["composer", "lyricist", "arranger", "singer", "score_composer"]
        credits = ";".join(
            f"{self.rnd.choice(roles)}={self.rnd.choice(names)}"
            for _ in range(self.rnd.randint(0, 3))
        )
        return {
            "work": self.rnd.choice(["Test Work", "anohana", self.rnd.choice(texts)]),
            "episode": str(self.rnd.randint(1, 12)),
            "start": str(a),
            "end": f"{a + self.rnd.randint(1, 300)}.{self.rnd.randint(0, 999):03d}",
            "title": self.rnd.choice(texts),
            "usage": usage,
            "credits": credits,
            "source": self.rnd.choice(
                [
                    "https://example.org/cue?x=%3Cscript%3E",
                    "https://ja.wikipedia.org/wiki/梶浦由記",
                    "http://[::1]:8080/a;b=c?d#e",
                ]
            ),
            "scene": self.rnd.choice(["", self.rnd.choice(texts)]),
            "notes": self.rnd.choice(["", "multi\nline\tnote", self.rnd.choice(texts)]),
        }

    # ---- a whole file -------------------------------------------------------------------
    def sheet(self, max_rows: int = 12) -> bytes:
        legal = self.rnd.random() < 0.3  # every row legal: the sheet must be imported whole
        header = list(COLUMNS)
        if not legal and self.rnd.random() < 0.05:
            header.remove(self.rnd.choice(header[:8]))  # a missing required column
        if self.rnd.random() < 0.1:
            header = header[:8]  # no optional columns
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator=self.rnd.choice(["\n", "\r\n"]))
        writer.writerow(header)
        raw_lines: list[bytes] = []
        for _ in range(self.rnd.randint(1, max_rows)):
            row = self.legal_row() if legal else self.row()
            writer.writerow([row.get(c, "") for c in header])
        data = buf.getvalue().encode("utf-8")
        r = 1.0 if legal else self.rnd.random()
        if r < 0.05:
            raw_lines.append(b'Test Work,1,0,10,"unclosed,insert,,https://example.org/x\n')
        elif r < 0.1:
            raw_lines.append(b"Test Work,1,0,10,T,insert,,https://example.org/x,s,n,extra,more\n")
        elif r < 0.13:
            raw_lines.append(b"Test Work,1,0,10,T\xff\xfe,insert,,https://example.org/x\n")
        elif r < 0.16:
            raw_lines.append(b"Test Work,1,0,10,T\x00,insert,,https://example.org/x\n")
        elif r < 0.18:
            data = b"\xef\xbb\xbf" + data  # a byte-order mark
        elif r < 0.2:
            data = data.replace(b"\n", b"\r")  # old Mac line ends
        return data + b"".join(raw_lines)
