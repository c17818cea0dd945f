"""The one name matcher: folding, match keys and search scores for people and work titles.

Every place that compares a written name with a known person or work uses this module: the
cue-sheet and seed-table import (:func:`cuegraph.ingest.resolve.name_resolver`), the
export's seed look-up, the API's search and look-ups, the harvesters' name checks and
identity resolution.

Three levels, from loose to strict:

* :func:`fold` — for display-insensitive comparison: Unicode NFKC (full/half width), combining
  marks dropped (``Shō`` → ``sho``), case folded, spaces collapsed.
* :func:`name_keys` / :func:`title_keys` — match keys: two names are the same name when their
  key sets intersect. Keys ignore punctuation, word order (``Kajiura Yuki`` = ``Yuki
  Kajiura``), long vowels (``Shirō`` = ``Shirou`` = ``Shiro``, ``Ōno`` = ``Oono`` = ``Ohno``,
  ``Yuuki`` = ``Yuki``), apostrophes (``Shin'ichirō`` = ``Shinichiro``) and spacing in scripts
  written without spaces (``植松 伸夫`` = ``植松伸夫``); katakana and hiragana are one script,
  and a name written in kana also gets its romanisation as a key (``カジウラ ユキ`` =
  ``Yuki Kajiura``). Kanji are not romanised: a native name meets its romanisation only where
  one record gives both.
* :func:`match_score` — search ranking (a query against several names), built on the same
  normalisation, so whatever matches as a key also matches as a search.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "fold",
    "tokens",
    "name_keys",
    "title_keys",
    "same_name",
    "same_title",
    "title_aliases",
    "romanise_kana",
    "match_score",
    "close_matches",
    "has_cjk",
]

# apostrophes inside names are dropped without splitting (Shin'ichi = Shinichi)
_APOSTROPHES = str.maketrans("", "", "'’ʼ`´")
_SPLIT = re.compile(r"[\W_]+")


def fold(text: str | None) -> str:
    """Fold text for comparison: NFKC, combining marks dropped, casefolded, spaces collapsed.

    >>> fold("Shō  Watanabe")
    'sho watanabe'
    >>> fold("ＫＡＪＩＵＲＡ")
    'kajiura'
    """
    if not text:
        return ""
    if text.isascii():  # the common case: nothing to normalise
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # NFKD splits kana voicing marks off (が -> か + ゛); put them back
    return " ".join(
        unicodedata.normalize("NFKC", _revoice(decomposed, stripped)).casefold().split()
    )


def _revoice(decomposed: str, stripped: str) -> str:
    """Keep the kana voicing marks (U+3099/309A) NFKD split off: they are letters there."""
    if "\u3099" not in decomposed and "\u309a" not in decomposed:
        return stripped
    return "".join(c for c in decomposed if not unicodedata.combining(c) or c in "\u3099\u309a")


def tokens(text: str | None) -> list[str]:
    """Word tokens of folded text (punctuation and hyphens split words, apostrophes do not).

    >>> tokens("Kajiura, Yuki")
    ['kajiura', 'yuki']
    >>> tokens("Shin'ichirō")
    ['shinichiro']
    """
    return [t for t in _SPLIT.split(fold(text).translate(_APOSTROPHES)) if t]


_CJK = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)


def has_cjk(text: str) -> bool:
    """True when ``text`` holds kana, CJK ideographs or Hangul (written without spaces).

    >>> has_cjk("梶浦 Yuki"), has_cjk("Yuki")
    (True, False)
    """
    return _CJK.search(text) is not None


def _hiragana(text: str) -> str:
    """Katakana folded to hiragana (one kana script)."""
    return "".join(chr(ord(c) - 0x60) if 0x30A1 <= ord(c) <= 0x30F6 else c for c in text)


_LONG = re.compile(r"o[uo]|oh(?=[^aeiouy]|$)|uu|aa|ee")


def _long_vowels(word: str) -> str:
    """Long vowels written one way: ``shirou``/``shiroo`` -> ``shiro``, ``yuuki`` -> ``yuki``,
    ``ohno`` -> ``ono``.

    >>> _long_vowels("shirou"), _long_vowels("oono"), _long_vowels("satoh"), _long_vowels("yuuki")
    ('shiro', 'ono', 'sato', 'yuki')
    """
    return (
        _LONG.sub(lambda m: m.group(0)[0], word)
        if "o" in word or "uu" in word or "aa" in word or "ee" in word
        else word
    )


@lru_cache(maxsize=1 << 17)
def name_keys(name: str | None) -> frozenset[str]:
    """Match keys of a person's or group's name (see the module docstring).

    >>> name_keys("Kajiura Yuki") == name_keys("YUKI KAJIURA")
    True
    >>> bool(name_keys("Shirō Sagisu") & name_keys("Sagisu Shirou"))
    True
    >>> name_keys("植松 伸夫") == name_keys("植松伸夫")
    True
    >>> bool(name_keys("Yuki Kajiura") & name_keys("Yuki Kajimura"))
    False
    """
    words = tokens(name)
    if not words:
        return frozenset()
    keys: set[str] = set()
    if any(has_cjk(w) for w in words):
        keys.add("~" + _hiragana("".join(words)))  # native script: spacing ignored
        roman = romanise_kana(" ".join(_hiragana(w) for w in words))
        if roman is not None:  # all kana: its romanisation is a key too
            keys |= _latin_keys(roman.split())
        return frozenset(keys)
    return frozenset(_latin_keys(words))


def _latin_keys(words: list[str]) -> set[str]:
    words = [_long_vowels(w) for w in words if w]
    if not words:
        return set()
    keys = {" ".join(sorted(words))}
    if len(words) > 1:  # "Shin-ichiro" = "Shinichiro"; "Kajiura Yuki" = "KajiuraYuki"
        keys.add(_long_vowels("".join(words)))
        keys.add(_long_vowels("".join(reversed(words))))
    return keys


def same_name(a: str | None, b: str | None) -> bool:
    """True when two written names share a match key.

    >>> same_name("Shiro Sagisu", "鷺巣詩郎")
    False
    >>> same_name("Hiroyuki Sawano", "SAWANO Hiroyuki")
    True
    """
    return bool(name_keys(a) & name_keys(b))


@lru_cache(maxsize=1 << 17)
def title_keys(title: str | None) -> frozenset[str]:
    """Match keys of a work's title: case, width, punctuation, spacing and long vowels ignored
    (word order is kept: titles are not names).

    >>> title_keys("Aldnoah.Zero") == title_keys("ALDNOAH ZERO")
    True
    >>> title_keys("あの日見た花の名前を僕達はまだ知らない。") == title_keys(
    ...     "あの日見た花の名前を僕達はまだ知らない")
    True
    """
    words = tokens(title)
    if not words:
        return frozenset()
    if any(has_cjk(w) for w in words):
        compact = _hiragana("".join(words))
        keys = {"~" + compact}
        roman = romanise_kana(compact)
        if roman is not None:
            keys.add(_long_vowels(roman.replace(" ", "")))
        return frozenset(keys)
    return frozenset({_long_vowels("".join(words))})


def same_title(a: str | None, b: str | None) -> bool:
    """True when two titles share a match key."""
    return bool(title_keys(a) & title_keys(b))


def title_aliases(title: str | None, native: str | None = None) -> list[str]:
    """Extra names a work is searched by: the native title without punctuation, its
    the main title before a subtitle (``Anohana: The
    Flower We Saw That Day`` -> ``Anohana``) and the initials of a title of three words or
    more (``Sword Art Online`` -> ``SAO``).

    >>> title_aliases("Sword Art Online", "ソードアート・オンライン")
    ['ソードアートオンライン', 'SAO']
    >>> title_aliases("Anohana: The Flower We Saw That Day")
    ['Anohana']
    """
    out: list[str] = []

    def add(text: str | None) -> None:
        if text and text not in out and text != title and text != native:
            out.append(text)

    if native:
        add("".join(_SPLIT.split(unicodedata.normalize("NFKC", native))))
    if title:
        main = re.split(r"\s*(?::|：| - | – | — )\s*", title, maxsplit=1)[0].strip()
        if main and main != title and len(main) >= 3:
            add(main)
        words = [w for w in re.split(r"[\s\-]+", main) if w]
        if 3 <= len(words) <= 6 and all(w[0].isalpha() and not has_cjk(w) for w in words):
            add("".join(w[0] for w in words).upper())
    return out


# ---- kana romanisation (modified Hepburn, enough for names and titles) ----------------

_KANA = {
    "あ": "a",
    "い": "i",
    "う": "u",
    "え": "e",
    "お": "o",
    "か": "ka",
    "き": "ki",
    "く": "ku",
    "け": "ke",
    "こ": "ko",
    "さ": "sa",
    "し": "shi",
    "す": "su",
    "せ": "se",
    "そ": "so",
    "た": "ta",
    "ち": "chi",
    "つ": "tsu",
    "て": "te",
    "と": "to",
    "な": "na",
    "に": "ni",
    "ぬ": "nu",
    "ね": "ne",
    "の": "no",
    "は": "ha",
    "ひ": "hi",
    "ふ": "fu",
    "へ": "he",
    "ほ": "ho",
    "ま": "ma",
    "み": "mi",
    "む": "mu",
    "め": "me",
    "も": "mo",
    "や": "ya",
    "ゆ": "yu",
    "よ": "yo",
    "ら": "ra",
    "り": "ri",
    "る": "ru",
    "れ": "re",
    "ろ": "ro",
    "わ": "wa",
    "ゐ": "i",
    "ゑ": "e",
    "を": "o",
    "ん": "n",
    "が": "ga",
    "ぎ": "gi",
    "ぐ": "gu",
    "げ": "ge",
    "ご": "go",
    "ざ": "za",
    "じ": "ji",
    "ず": "zu",
    "ぜ": "ze",
    "ぞ": "zo",
    "だ": "da",
    "ぢ": "ji",
    "づ": "zu",
    "で": "de",
    "ど": "do",
    "ば": "ba",
    "び": "bi",
    "ぶ": "bu",
    "べ": "be",
    "ぼ": "bo",
    "ぱ": "pa",
    "ぴ": "pi",
    "ぷ": "pu",
    "ぺ": "pe",
    "ぽ": "po",
    "ゔ": "vu",
    "ぁ": "a",
    "ぃ": "i",
    "ぅ": "u",
    "ぇ": "e",
    "ぉ": "o",
    "ゃ": "ya",
    "ゅ": "yu",
    "ょ": "yo",
    "ゎ": "wa",
}
_SMALL_Y = {"ゃ": "a", "ゅ": "u", "ょ": "o"}
_SMALL_V = {"ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o"}


def romanise_kana(text: str, dash: bool = False) -> str | None:
    """Hepburn romanisation of text written in kana (katakana or hiragana), spaces kept;
    ``None`` when anything else (kanji, Latin letters) is in it. The long-vowel mark ``ー``
    repeats the vowel (or is ``-`` with ``dash``).

    >>> romanise_kana("かじうら ゆき")
    'kajiura yuki'
    >>> romanise_kana(_hiragana("シャーロット"))
    'shaarotto'
    >>> romanise_kana("梶浦") is None
    True
    """
    out: list[str] = []
    chars = list(text)
    i = 0
    double = False
    while i < len(chars):
        c = chars[i]
        if c == " ":
            out.append(" ")
        elif c == "っ":
            double = True
            i += 1
            continue
        elif c == "ー":
            if dash:
                out.append("-")
            elif out and out[-1] and out[-1][-1] in "aeiou":
                out.append(out[-1][-1])
        elif c in _KANA:
            syl = _KANA[c]
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if nxt in _SMALL_Y and syl.endswith("i") and len(syl) > 1:
                base = syl[:-1]
                syl = (base if base in ("sh", "ch", "j") else base + "y") + _SMALL_Y[nxt]
                i += 1
            elif nxt in _SMALL_V and c in "ふてでうゔ":
                syl = {"ふ": "f", "て": "t", "で": "d", "う": "w", "ゔ": "v"}[c] + _SMALL_V[nxt]
                i += 1
            if double and syl[0] not in "aeioun":
                syl = ("t" if syl.startswith("ch") else syl[0]) + syl
            out.append(syl)
        else:
            return None
        double = False
        i += 1
    roman = "".join(out)
    # ん before a vowel or y is written n' in Hepburn; keys drop apostrophes anyway
    return roman if roman.strip() else None


# ---- search ---------------------------------------------------------------------------


def _search_words(text: str | None) -> list[str]:
    """Words for search: folded tokens, long vowels normalised, kana romanised too."""
    words = [_long_vowels(t) if not has_cjk(t) else _hiragana(t) for t in tokens(text)]
    return words


def _roman_words(text: str | None) -> list[str]:
    roman = romanise_kana(_hiragana(fold(text)))
    return [_long_vowels(w) for w in _SPLIT.split(roman) if w] if roman else []


def match_score(query: str, names: Iterable[str]) -> int:
    """How well ``query`` matches any of ``names`` (0: not at all; higher is better).

    Word order, case, width, macrons and long vowels do not matter; a query in kana also
    matches the romanised name; a query word may be the start of a name word, or (for scripts
    written without spaces) part of the name.

    >>> match_score("kajiura yuki", ["Yuki Kajiura"]) > 0
    True
    >>> match_score("梶浦", ["梶浦由記"]) > 0
    True
    >>> match_score("Shirou Sagisu", ["Shirō Sagisu"])
    100
    >>> match_score("かじうら", ["Yuki Kajiura"]) > 0
    True
    >>> match_score("kalafina", ["Yuki Kajiura"])
    0
    """
    queries = [w for w in (_search_words(query), _roman_words(query)) if w]
    if not queries:
        return 0
    q_keys = name_keys(query) | title_keys(query)
    best = 0
    for name in names:
        if not name:
            continue
        if q_keys & (name_keys(name) | title_keys(name)):
            best = 100
            break
        variants = [w for w in (_search_words(name), _roman_words(name)) if w]
        for n_tokens in variants:
            compact = "".join(n_tokens)
            for q_tokens in queries:
                if set(q_tokens) == set(n_tokens):
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
