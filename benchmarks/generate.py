"""Synthetic credit graphs of any size, streamed as N-Triples (for ``make bench``).

Nothing here is real data: every person, work and song is made up (keys start with ``gen-``),
and the files go to a scratch directory, never to ``data/``. The triples are cuegraph's own:
records (:mod:`cuegraph.records`) are turned into RDF by the real
:class:`~cuegraph.graph.build.GraphBuilder` — with a sink that writes each triple as an
N-Triples line instead of keeping it — so the scene, composer and stats queries work on the
result exactly as on a built store.

Proportions, per work (seeded, so the same size and seed give the same file):

* 70 % TV series (12, 13, 24 or 26 episodes), 15 % films (one episode), 5 % OVAs (2–6
  episodes), 10 % games (no episodes: songs and credits only);
* one or two score composers drawn from a Zipf-like popularity, so a few people have
  hundreds of works (a meaningful "top composers" aggregate);
* an opening and an ending per cour of 12 episodes, 0–3 insert songs and 15–40 score tracks,
  each with its credits (composer, lyricist, arranger, singer for songs; the score
  composer for score tracks);
* per episode an opening, an ending and 6–14 timed score cues, now and then an insert song,
  an untimed cue, a recorded silence or a named scene.

People have a romanised name and a native Japanese name (family name first, no space), like
the seed's ``Yuki Kajiura`` / ``梶浦由記``.

Usage: ``python -m benchmarks.generate --triples 1000000 -o graph.nt``.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO

from cuegraph.graph.build import GraphBuilder
from cuegraph.graph.iris import Minter
from cuegraph.records import Credit, Cue, Episode, Person, Record, Song, Work

__all__ = ["generate", "work_records", "people_records", "BASE", "SOURCE"]

BASE = "https://cuegraph.org/id/"
SOURCE = "https://example.org/generated"  # every generated fact cites this made-up source

# (romaji, kanji) — common family and given names; combined at random
FAMILY = [
    ("Sato", "佐藤"),
    ("Suzuki", "鈴木"),
    ("Takahashi", "高橋"),
    ("Tanaka", "田中"),
    ("Watanabe", "渡辺"),
    ("Ito", "伊藤"),
    ("Yamamoto", "山本"),
    ("Nakamura", "中村"),
    ("Kobayashi", "小林"),
    ("Kato", "加藤"),
    ("Yoshida", "吉田"),
    ("Yamada", "山田"),
    ("Sasaki", "佐々木"),
    ("Yamaguchi", "山口"),
    ("Matsumoto", "松本"),
    ("Inoue", "井上"),
    ("Kimura", "木村"),
    ("Hayashi", "林"),
    ("Shimizu", "清水"),
    ("Yamazaki", "山崎"),
    ("Mori", "森"),
    ("Ikeda", "池田"),
    ("Hashimoto", "橋本"),
    ("Ishikawa", "石川"),
    ("Ogawa", "小川"),
    ("Okada", "岡田"),
    ("Hasegawa", "長谷川"),
    ("Fujita", "藤田"),
    ("Kondo", "近藤"),
    ("Murakami", "村上"),
    ("Endo", "遠藤"),
    ("Aoki", "青木"),
]
GIVEN = [
    ("Yuki", "由記"),
    ("Hiroyuki", "博之"),
    ("Kenji", "健司"),
    ("Yoko", "陽子"),
    ("Takeshi", "武"),
    ("Akira", "明"),
    ("Naoko", "直子"),
    ("Masaru", "勝"),
    ("Hitomi", "瞳"),
    ("Shiro", "四郎"),
    ("Kaori", "香織"),
    ("Ryo", "亮"),
    ("Satoshi", "聡"),
    ("Mayumi", "真由美"),
    ("Daisuke", "大輔"),
    ("Emi", "恵美"),
    ("Tomoko", "智子"),
    ("Kazuya", "和也"),
    ("Ayumi", "歩"),
    ("Junichi", "純一"),
    ("Haruka", "遥"),
    ("Shinji", "真司"),
    ("Noriko", "典子"),
    ("Taku", "拓"),
    ("Megumi", "恵"),
    ("Koji", "浩二"),
    ("Sayaka", "沙耶香"),
    ("Toru", "徹"),
]
TITLE_A = [
    ("Crimson", "紅の"),
    ("Silent", "静かな"),
    ("Distant", "遥かな"),
    ("Starlit", "星降る"),
    ("Eternal", "永遠の"),
    ("Broken", "壊れた"),
    ("Summer", "夏の"),
    ("Last", "最後の"),
    ("Hidden", "隠された"),
    ("Blue", "青い"),
    ("Falling", "落ちる"),
    ("Secret", "秘密の"),
]
TITLE_B = [
    ("Garden", "庭"),
    ("Sky", "空"),
    ("Sword", "剣"),
    ("Memory", "記憶"),
    ("City", "街"),
    ("Promise", "約束"),
    ("Song", "歌"),
    ("Flower", "花"),
    ("Sea", "海"),
    ("Moon", "月"),
    ("Wind", "風"),
    ("Journey", "旅"),
]
WORK_TYPES = [("series", 70), ("film", 15), ("ova", 5), ("game", 10)]
SONG_ROLES = ("composer", "lyricist", "arranger", "singer")


class _NTriplesSink:
    """Stands in for the rdflib Graph a GraphBuilder fills: keeps N-Triples lines, in order,
    without duplicates (a Graph is a set)."""

    def __init__(self) -> None:
        self.lines: dict[str, None] = {}

    def bind(self, *args: object, **kwargs: object) -> None:
        pass

    def add(self, triple: tuple) -> None:
        s, p, o = triple
        self.lines[f"{s.n3()} {p.n3()} {o.n3()} .\n"] = None


def _title(rng: random.Random) -> tuple[str, str]:
    a, b = rng.choice(TITLE_A), rng.choice(TITLE_B)
    return f"{a[0]} {b[0]}", a[1] + b[1]


def people_records(count: int, seed: int = 1) -> list[Person]:
    """``count`` made-up people with romanised and native Japanese names."""
    rng = random.Random(seed)
    pairs = [(f, g) for f in FAMILY for g in GIVEN]
    rng.shuffle(pairs)
    out = []
    for i in range(count):  # names are unique (a number after the first 896), so identity
        fam, giv = pairs[i % len(pairs)]  # resolution links nobody by name
        n = f" {i // len(pairs) + 1}" if i >= len(pairs) else ""
        out.append(
            Person(
                key=f"gen-{giv[0].lower()}-{fam[0].lower()}-{i}",
                name=f"{giv[0]} {fam[0]}{n}",
                native_name=fam[1] + giv[1] + n,
                aliases=(f"{fam[0]} {giv[0]}{n}",),
                source=SOURCE,
            )
        )
    return out


def _pick(rng: random.Random, people: list[Person]) -> str:
    """A person, Zipf-like: the first ones are picked far more often."""
    n = len(people)
    return people[min(int(n ** rng.random()) - 1, n - 1)].key


def work_records(index: int, people: list[Person], seed: int = 1) -> list[Record]:
    """The records of generated work number ``index`` (deterministic per index and seed)."""
    rng = random.Random(seed * 1_000_003 + index)
    kind = rng.choices([t for t, _ in WORK_TYPES], [w for _, w in WORK_TYPES])[0]
    episodes = {
        "series": rng.choice((12, 13, 24, 26)),
        "film": 1,
        "ova": rng.randint(2, 6),
        "game": 0,
    }[kind]
    wkey = f"gen-work-{index}"
    src = f"{SOURCE}/{wkey}"
    title, native = _title(rng)
    records: list[Record] = [
        Work(
            key=wkey,
            title=f"{title} {index}",
            type=kind,
            native_title=f"{native}{index}",
            year=rng.randint(1980, 2025),
            episodes=episodes or None,
            source=src,
        )
    ]
    composers = list(dict.fromkeys(_pick(rng, people) for _ in range(rng.choice((1, 1, 1, 2)))))
    for c in composers:
        records.append(
            Credit(
                agent=c,
                role="score_composer",
                target_kind="work",
                target=wkey,
                role_text="music",
                source=src,
            )
        )

    def song(skey: str, roles: dict[str, str]) -> str:
        t, n = _title(rng)
        tag = skey[len(wkey) + 1 :].upper()  # unique within the work: no song merges by name
        records.append(
            Song(
                key=skey, title=f"{t} ({tag})", native_title=f"{n}（{tag}）", work=wkey, source=src
            )
        )
        for role, agent in roles.items():
            records.append(
                Credit(
                    agent=agent,
                    role=role,
                    target_kind="song",
                    target=skey,
                    role_text=role,
                    source=src,
                )
            )
        return skey

    cours = max(1, (episodes + 11) // 12)
    openings = [
        song(f"{wkey}-op-{i}", {r: _pick(rng, people) for r in SONG_ROLES}) for i in range(cours)
    ]
    endings = [
        song(f"{wkey}-ed-{i}", {r: _pick(rng, people) for r in SONG_ROLES}) for i in range(cours)
    ]
    inserts = [
        song(f"{wkey}-in-{i}", {r: _pick(rng, people) for r in SONG_ROLES})
        for i in range(rng.randint(0, 3))
    ]
    score = [
        song(f"{wkey}-m{i:02d}", {"composer": composers[i % len(composers)]})
        for i in range(rng.randint(15, 40))
    ]
    length = Decimal(6000) if kind == "film" else Decimal(1440)
    for e in range(1, episodes + 1):
        records.append(Episode(work=wkey, number=e, source=src))
        cour = min((e - 1) // 12, cours - 1)
        op_start = Decimal(rng.randrange(0, 200)) + Decimal("0.5")
        ed_start = length - Decimal(rng.randrange(95, 130)) + Decimal("0.25")
        cues: list[tuple[str, Decimal | None, Decimal | None, str | None, str | None]] = [
            ("opening", op_start, op_start + 89, openings[cour], None),
            ("ending", ed_start, ed_start + 89, endings[cour], None),
        ]
        t = op_start + 95
        for _ in range(rng.randint(6, 14)):
            dur = Decimal(rng.randrange(20, 150)) + Decimal("0.125")
            if t + dur >= ed_start:
                break
            roll = rng.random()
            scene = f"scene {rng.randint(1, 9)}" if roll < 0.05 else None
            if roll > 0.97:
                cues.append(("silence", t, t + dur, None, None))
            elif roll > 0.93 and inserts:
                cues.append(("insert", t, t + dur, rng.choice(inserts), scene))
            else:
                cues.append(("score", t, t + dur, rng.choice(score), scene))
            t += dur + Decimal(rng.randrange(5, 90))
        if rng.random() < 0.05:  # "score somewhere in this episode", untimed
            cues.append(("score", None, None, rng.choice(score), None))
        for usage, start, end, s, scene in cues:
            records.append(
                Cue(
                    work=wkey,
                    episode=e,
                    usage=usage,
                    start=start,
                    end=end,
                    song=s,
                    scene=scene,
                    source=src,
                )
            )
    return records


def generate(out: IO[str], triples: int, seed: int = 1, base: str = BASE) -> int:
    """Write at least ``triples`` triples (whole works) to ``out``; returns the count."""
    minter = Minter(base)
    people = people_records(max(50, triples // 2000), seed)
    written = 0
    for lines in _chunks(minter, people, seed):
        out.writelines(lines)
        written += len(lines)
        if written >= triples:
            break
    return written


def _chunks(minter: Minter, people: list[Person], seed: int) -> Iterator[list[str]]:
    sink = _NTriplesSink()
    GraphBuilder(minter, sink).add_all(people)  # type: ignore[arg-type]
    yield list(sink.lines)
    index = 0
    while True:
        sink = _NTriplesSink()
        GraphBuilder(minter, sink).add_all(work_records(index, people, seed))  # type: ignore
        yield list(sink.lines)
        index += 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n")[0]
    )
    p.add_argument("--triples", type=int, default=1_000_000, help="at least this many triples")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", type=Path, required=True, help="the .nt file to write")
    args = p.parse_args(argv)
    tmp = args.output.with_name(args.output.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        n = generate(f, args.triples, args.seed)
    tmp.replace(args.output)
    print(f"wrote {n} triples to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
