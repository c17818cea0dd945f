"""Text matching for lookups: folding (case, width, macrons), tokens and close matches."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["fold", "tokens", "match_score", "close_matches"]


def fold(text: str) -> str:
    """Fold text for comparison: NFKD, combining marks dropped, casefolded, spaces collapsed.

    >>> fold("Shō  Watanabe")
    'sho watanabe'
    >>> fold("ＫＡＪＩＵＲＡ")
    'kajiura'
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFKC", stripped).casefold().split())


def tokens(text: str) -> list[str]:
    """Word tokens of folded text (punctuation and hyphens split words).

    >>> tokens("Kajiura, Yuki")
    ['kajiura', 'yuki']
    """
    return [t for t in re.split(r"[\W_]+", fold(text)) if t]


def match_score(query: str, names: Iterable[str]) -> int:
    """How well ``query`` matches any of ``names`` (0: not at all; higher is better).

    Word order does not matter; a query word may also be the start of a name word, or (for
    scripts written without spaces) part of the name.

    >>> match_score("kajiura yuki", ["Yuki Kajiura"]) > 0
    True
    >>> match_score("梶浦", ["梶浦由記"]) > 0
    True
    >>> match_score("kalafina", ["Yuki Kajiura"])
    0
    """
    q_fold, q_tokens = fold(query), tokens(query)
    if not q_tokens:
        return 0
    best = 0
    for name in names:
        if not name:
            continue
        n_fold, n_tokens = fold(name), tokens(name)
        compact = "".join(n_tokens)
        if q_fold == n_fold or "".join(q_tokens) == compact:
            best = max(best, 100)
        elif set(q_tokens) == set(n_tokens):
            best = max(best, 90)
        elif all(q in n_tokens for q in q_tokens):
            best = max(best, 70)
        elif all(any(n.startswith(q) for n in n_tokens) for q in q_tokens):
            best = max(best, 50)
        elif all(q in compact for q in q_tokens):
            best = max(best, 30)
    return best


def close_matches(query: str, pairs: Iterable[tuple[str, str]], n: int = 5) -> list[str]:
    """Keys whose text is close to ``query``, closest first.

    A key scores its best text's similarity (difflib ratio of the folded strings), raised
    when the query's words occur in the text; keys scoring under 0.5 are left out.

    Args:
        query: what the user wrote.
        pairs: ``(key, text)`` pairs; a key may appear with several texts (title, native
            title, id).
        n: at most this many keys.

    >>> close_matches("madoka", [("m", "Puella Magi Madoka Magica"), ("a", "Anohana")])
    ['m']
    """
    q = fold(query)
    best: dict[str, float] = {}
    for key, text in pairs:
        t = fold(text)
        score = difflib.SequenceMatcher(None, q, t).ratio()
        if match_score(query, [text]):
            score += 1.0
        elif _partial(query, text):
            score += 0.5
        best[key] = max(best.get(key, 0.0), score)
    ranked = sorted((k for k, v in best.items() if v >= 0.5), key=lambda k: -best[k])
    return ranked[:n]


def _partial(query: str, text: str) -> bool:
    """True when some word of the query (3+ characters) occurs in the text."""
    t = fold(text)
    return any(len(q) >= 3 and q in t for q in tokens(query))
