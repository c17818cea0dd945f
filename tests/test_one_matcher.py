"""Name folding in one place: the AnimeThemes search filter and the audio linker's
title + album match go through cuegraph.names, as every other name comparison does."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuegraph.audio.link import Linker, Tags
from cuegraph.errors import BadInput
from cuegraph.harvest import animethemes
from cuegraph.namespaces import PREFIXES
from cuegraph.store import open_store

CG, SCHEMA = PREFIXES["cg"], PREFIXES["schema"]


@pytest.mark.parametrize(
    "query",
    [
        "anohana",
        "AnoHana",
        "ＡＮＯＨＡＮＡ",  # full width
        "Mahou Shoujo Madoka",  # long vowels spelt out
        "Madoka Magica",
        "madoka",
    ],
)
def test_animethemes_keeps_the_anime_searched_for(query):
    anime = {
        "name": "Mahō Shōjo Madoka★Magica",
        "slug": "madoka_magica",
        "animesynonyms": [{"text": "AnoHana"}, {"text": "Puella Magi Madoka Magica"}],
    }
    assert animethemes._matches(query, anime)


@pytest.mark.parametrize("query", ["anohana", "madoka magica"])
def test_animethemes_drops_fuzzy_hits(query):
    assert not animethemes._matches(query, {"name": "Ano Natsu de Matteru", "slug": "ano_natsu"})


def test_animethemes_refuses_a_name_of_punctuation():
    for name in ("!", "★ ★", "a"):
        with pytest.raises(BadInput):
            animethemes._check_name(name)
    assert animethemes._check_name("  Ano  Hana ") == "Ano Hana"


def _linker(*tracks: tuple[str, str, str]) -> Linker:
    store = open_store("memory:")
    triples = []
    for n, (rec, title, album) in enumerate(tracks):
        triples.append(
            f'<urn:x:{rec}> a <{CG}Recording> ; <{SCHEMA}name> "{title}" . '
            f'<urn:x:album{n}> <{SCHEMA}track> <urn:x:{rec}> ; <{SCHEMA}name> "{album}" .'
        )
    store.update(f"INSERT DATA {{ GRAPH <urn:x:g> {{ {' '.join(triples)} }} }}")
    return Linker(store)


def test_title_album_link_folds_as_titles_do():
    linker = _linker(("knolls", "Knolls", "Battle for Wesnoth: Original Soundtrack"))
    for title, album in [
        ("Knolls", "Battle for Wesnoth: Original Soundtrack"),
        ("ＫＮＯＬＬＳ", "battle for wesnoth - original soundtrack"),  # width, punctuation
        ("knolls", "Battle for Wesnoth Original  Soundtrack"),
    ]:
        assert linker.link(Path("a.ogg"), Tags(title=title, album=album)) == (
            "urn:x:knolls",
            "title+album",
        ), (title, album)
    rec, why = linker.link(Path("a.ogg"), Tags(title="Knoll", album="Battle for Wesnoth"))
    assert rec is None and "Knoll" in why


def test_title_album_link_still_refuses_an_ambiguous_match():
    linker = _linker(("a", "Theme", "Soundtrack"), ("b", "THEME!", "Soundtrack"))
    rec, why = linker.link(Path("a.ogg"), Tags(title="theme", album="soundtrack"))
    assert rec is None and "matches 2 recordings" in why
