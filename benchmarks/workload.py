"""A synthetic cue-sheet workload, generated in memory for benchmarking only.

Nothing here is real data and nothing is ever written to ``data/``: the records only go
into the stores being measured.
"""

from __future__ import annotations

import random
from decimal import Decimal

from cuegraph.records import Credit, Cue, Episode, Person, Record, Song, Work

__all__ = ["synthetic_batches"]


def synthetic_batches(
    works: int = 48, episodes: int = 12, batches: int = 4, seed: int = 7
) -> list[tuple[str, list[Record]]]:
    """Records for ``works`` series of ``episodes`` episodes, split into ``batches`` runs.

    Each episode has an opening, an ending and three timed score cues; each work has its own
    songs credited to a pool of synthetic composers, lyricists and singers. Every batch is a
    list of records for :func:`cuegraph.graph.write.write_run` (key ``batch-<n>``).
    """
    rng = random.Random(seed)
    people = [
        Person(
            key=f"bench-person-{i}", name=f"Bench Person {i}", source="https://example.org/bench"
        )
        for i in range(max(works * 2, 10))
    ]
    out: list[tuple[str, list[Record]]] = []
    per_batch = max(works // batches, 1)
    for b in range(batches):
        records: list[Record] = list(people) if b == 0 else []
        for w in range(b * per_batch, min((b + 1) * per_batch, works)):
            wkey = f"bench-work-{w}"
            src = f"https://example.org/bench/{wkey}"
            records.append(
                Work(
                    key=wkey,
                    title=f"Bench Work {w}",
                    episodes=episodes,
                    year=2000 + w % 25,
                    source=src,
                )
            )
            composer = people[rng.randrange(len(people))].key
            songs = []
            for s in range(8):
                skey = f"{wkey}-song-{s}"
                songs.append(skey)
                records.append(Song(key=skey, title=f"Bench Song {w}.{s}", work=wkey, source=src))
                for role in ("composer", "lyricist", "singer"):
                    other = people[rng.randrange(len(people))].key
                    agent = composer if role == "composer" else other
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
            records.append(
                Credit(
                    agent=composer,
                    role="score_composer",
                    target_kind="work",
                    target=wkey,
                    role_text="music",
                    source=src,
                )
            )
            for e in range(1, episodes + 1):
                records.append(Episode(work=wkey, number=e, source=src))
                cues = [
                    ("opening", Decimal("30.5"), Decimal("120.5"), songs[0]),
                    ("ending", Decimal("1290.25"), Decimal("1380.25"), songs[1]),
                ]
                t = Decimal(200)
                for k in range(3):
                    length = Decimal(rng.randrange(30, 180)) + Decimal("0.25")
                    cues.append(("score", t, t + length, songs[2 + (e + k) % 6]))
                    t += length + Decimal(rng.randrange(10, 200))
                for usage, start, end, song in cues:
                    records.append(
                        Cue(
                            work=wkey,
                            episode=e,
                            usage=usage,
                            start=start,
                            end=end,
                            song=song,
                            source=src,
                        )
                    )
        out.append((f"batch-{b}", records))
    return out
