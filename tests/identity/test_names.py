"""The one name matcher (cuegraph.names) and the places that use it: import, export, search."""

from __future__ import annotations

import pytest

from cuegraph.api.data.composers import search_composers
from cuegraph.api.data.works import search_works
from cuegraph.export.fetch import find_seed
from cuegraph.ingest import name_resolver
from cuegraph.names import (
    match_score,
    name_keys,
    romanise_kana,
    same_name,
    same_title,
    title_aliases,
    title_keys,
)
from support import BASE

KAJIURA = BASE + "person/yuki-kajiura"
MADOKA = BASE + "work/madoka-magica"


@pytest.mark.parametrize(
    "a, b",
    [
        ("Yuki Kajiura", "Kajiura Yuki"),  # family/given order
        ("Yuki Kajiura", "KAJIURA, Yuki"),  # case and punctuation
        ("Ｙｕｋｉ　Ｋａｊｉｕｒａ", "Yuki Kajiura"),  # full width
        ("Shirō Sagisu", "Shirou Sagisu"),  # macron / ou
        ("Shirō Sagisu", "Sagisu Shiro"),  # macron / plain, reversed
        ("Shirô Sagisu", "Shiroo Sagisu"),  # circumflex / oo
        ("Katsuo Ōno", "Katsuo Ohno"),  # oh
        ("Yuuki Hayashi", "Yūki Hayashi"),  # uu / ū
        ("Shin'ichirō Watanabe", "Shinichiro Watanabe"),  # apostrophe
        ("Shin-ichiro Watanabe", "Shinichiro Watanabe"),  # hyphen
        ("植松 伸夫", "植松伸夫"),  # native spacing
        ("ゆき かじうら", "ユキ カジウラ"),  # hiragana / katakana
        ("カジウラ・ユキ", "Yuki Kajiura"),  # kana and its romanisation
    ],
)
def test_same_person_name(a, b):
    assert same_name(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Yuki Kajiura", "Yuki Kajimura"),
        ("Yuki Kajiura", "Yuki"),
        ("梶浦由記", "Yuki Kajiura"),  # kanji are never romanised by guess
        ("Hiroyuki Sawano", "Hiroyuki Sawada"),
        ("Kalafina", "Yuki Kajiura"),
    ],
)
def test_different_names(a, b):
    assert not same_name(a, b)


def test_titles_keys_and_aliases():
    assert same_title("Aldnoah.Zero", "ALDNOAH ZERO")
    assert same_title("Steins;Gate", "Steins Gate")
    assert same_title(
        "あの日見た花の名前を僕達はまだ知らない。", "あの日見た花の名前を僕達はまだ知らない"
    )
    assert same_title("アルドノア・ゼロ", "アルドノア ゼロ")
    assert not same_title("Steins;Gate", "Steins;Gate 0")
    # word order matters for titles, not for names
    assert not title_keys("Gate Steins") & title_keys("Steins Gate")
    assert title_aliases("Puella Magi Madoka Magica", "魔法少女まどか☆マギカ") == [
        "魔法少女まどかマギカ",
        "PMMM",
    ]
    assert title_aliases("Anohana: The Flower We Saw That Day") == ["Anohana"]


def test_kana_romanisation():
    assert romanise_kana("かじうら ゆき") == "kajiura yuki"
    assert romanise_kana("しゃーろっと") == "shaarotto"
    assert romanise_kana("ちゃっちゃ") == "chatcha"
    assert romanise_kana("梶浦") is None
    assert name_keys("さわの ひろゆき") & name_keys("Hiroyuki Sawano")


def test_search_scores_are_built_on_the_keys():
    assert match_score("Shirou Sagisu", ["Shirō Sagisu"]) == 100
    assert match_score("sagisu shiro", ["Shirō Sagisu"]) == 100
    assert match_score("かじうら", ["Yuki Kajiura"]) > 0
    assert match_score("kaji", ["Yuki Kajiura"]) > 0
    assert match_score("kalafina", ["Yuki Kajiura"]) == 0


def test_import_resolves_names_with_the_matcher(seed_store, minter):
    people = name_resolver(seed_store, minter, "person")
    # the seed says "Shō Watanabe" (alias "Shou Watanabe"): every spelling finds him
    for text in ("Sho Watanabe", "Watanabe Shou", "WATANABE Shō", "渡辺 翔", "sho-watanabe"):
        assert people(text) == "sho-watanabe", text
    assert people("Yuki Kajimura") is None
    works = name_resolver(seed_store, minter, "work")
    assert works("PUELLA MAGI MADOKA MAGICA") == "madoka-magica"
    assert works("魔法少女まどか マギカ") == "madoka-magica"  # native title, punctuation ignored


def test_export_seed_uses_the_matcher(seed_store, minter):
    for text in ("kajiura yuki", "KAJIURA, Yuki", "梶浦 由記", "Yuki Kajiura"):
        assert find_seed(seed_store, minter, "composer", text) == KAJIURA, text
    assert find_seed(seed_store, minter, "work", "魔法少女まどか マギカ") == MADOKA
    assert find_seed(seed_store, minter, "work", "Puella Magi Madoka-Magica") == MADOKA


def test_api_search_uses_the_matcher(seed_store):
    ids = [c["id"] for c in search_composers(seed_store, BASE, "Watanabe Shou")["data"]]
    assert ids[0] == "sho-watanabe"
    works = [w["id"] for w in search_works(seed_store, BASE, "PMMM")["data"]]
    assert works == ["madoka-magica"]


def test_work_aliases_are_found_everywhere(minter):
    from cuegraph.graph.write import write_run
    from cuegraph.records import Work
    from cuegraph.store import open_store

    store = open_store("memory:")
    # AniList's shape: romaji title, English title as an alias, native title
    write_run(
        store,
        minter,
        "anilist",
        "w",
        [
            Work(
                key="anilist/9989",
                title="Ano Hi Mita Hana no Namae wo Bokutachi wa Mada Shiranai.",
                native_title="あの日見た花の名前を僕達はまだ知らない。",
                aliases=("Anohana: The Flower We Saw That Day",),
                ids=(("anilist", "9989"),),
            )
        ],
        license="cc0",
    )
    iri = BASE + "work/anilist/9989"
    for text in (
        "Anohana: The Flower We Saw That Day",
        "ANOHANA THE FLOWER WE SAW THAT DAY",
        "あの日見た花の名前を僕達はまだ知らない",
        "ano hi mita hana no namae wo bokutachi wa mada shiranai",
    ):
        assert name_resolver(store, minter, "work")(text) == "anilist/9989", text
        assert find_seed(store, minter, "work", text) == iri, text
    hits = search_works(store, BASE, "anohana")["data"]
    assert [w["iri"] for w in hits] == [iri]
