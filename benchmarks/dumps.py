"""Dump importers: entities per second for both, and peak RSS on a large generated file.

Generated dump files (synthetic entities with placeholder ids, in the dumps' exact line
formats: a ``mbdump/<entity>`` archive per entity type, the Wikidata JSON array one entity
per line) are imported by the importers behind ``cuegraph import musicbrainz-dump`` /
``wikidata-dump`` in a subprocess each, into a fresh on-disk store; its peak RSS is read
from ``getrusage``. The identity resolution the CLI runs afterwards is not included (see
``benchmarks/identity.py``).

``CUEGRAPH_BENCH_DUMP_ENTITIES`` sets the entities per generated file (default 5 000: a
short run); the peak-RSS check imports a file ``CUEGRAPH_BENCH_DUMP_SCALE`` times larger
(default 4) and prints both peaks: flat memory means the two are close whatever the size.
The MusicBrainz import is also run through the previous triple writer (rdflib's graph and
serialiser, ``GraphBuilder``) on the same file, and the speed-up printed.

Then :func:`memory_report` streams a ``CUEGRAPH_BENCH_DUMP_GB`` (default 1) GB extracted
``mbdump/work`` file to disk (line by line, never held in memory; one work in 50 credits a
kept artist, the rest are read, parsed and skipped, as in the real dump where anime music is
a small part) and imports it, printing the process's current and peak RSS when 100 MB,
500 MB, 1 GB… of the file have been read: flat memory means the figures stop growing. The
same for an uncompressed Wikidata dump of that size (one item in 50 kept; both passes).
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

__all__ = ["write_musicbrainz_dump", "write_wikidata_dump", "report"]

ROOT = Path(__file__).resolve().parents[1]


def _mbid(n: int, tag: int) -> str:
    return f"00000000-0000-4000-8{tag:03x}-{n:012x}"


def _line(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _rel(rtype: str, artist: int) -> dict:
    return {
        "type": rtype,
        "type-id": None,
        "target-type": "artist",
        "direction": "backward",
        "begin": None,
        "end": None,
        "ended": False,
        "source-credit": "",
        "target-credit": "",
        "attributes": [],
        "attribute-ids": {},
        "attribute-values": {},
        "artist": {
            "id": _mbid(artist, 1),
            "name": f"Artist {artist}",
            "sort-name": f"Artist {artist}",
            "type": "Person",
            "disambiguation": "",
        },
    }


def _tar(path: Path, entity: str, lines) -> None:
    """Stream ``lines`` into ``mbdump/<entity>`` of a .tar.xz (through a spool file, since a
    tar member needs its size first)."""
    with tempfile.TemporaryFile() as body:
        for line in lines:
            body.write(line)
        size = body.tell()
        body.seek(0)
        with tarfile.open(path, "w:xz", preset=0) as tar:
            info = tarfile.TarInfo(f"mbdump/{entity}")
            info.size = size
            tar.addfile(info, body)


def write_musicbrainz_dump(folder: Path, works: int, artists: int = 1000) -> list[Path]:
    """``artist.tar.xz`` (each artist linked to VGMdb, so kept) and ``work.tar.xz`` (``works``
    works; four in five credit a composer and a lyricist, the fifth credits nobody and is
    skipped)."""
    folder.mkdir(parents=True, exist_ok=True)

    def artist_lines():
        for n in range(artists):
            yield _line(
                {
                    "id": _mbid(n, 1),
                    "name": f"Artist {n}",
                    "sort-name": f"Artist {n}",
                    "type": "Person",
                    "disambiguation": "",
                    "aliases": [],
                    "relations": [
                        {
                            "type": "vgmdb",
                            "target-type": "url",
                            "direction": "forward",
                            "url": {"id": _mbid(n, 3), "resource": f"https://vgmdb.net/artist/{n}"},
                        }
                    ],
                }
            )

    def work_lines():
        for n in range(works):
            rels = (
                []
                if n % 5 == 4
                else [_rel("composer", n % artists), _rel("lyricist", (n * 7) % artists)]
            )
            yield _line(
                {
                    "id": _mbid(n, 2),
                    "title": f"Work {n}",
                    "type": "Song",
                    "language": None,
                    "languages": [],
                    "iswcs": [],
                    "attributes": [],
                    "disambiguation": "",
                    "aliases": [],
                    "relations": rels,
                    "tags": [],
                    "genres": [],
                }
            )

    a, w = folder / "artist.tar.xz", folder / "work.tar.xz"
    _tar(a, "artist", artist_lines())
    _tar(w, "work", work_lines())
    return [a, w]


def _claim(prop: str, value: str, string: bool = False) -> dict:
    dv = (
        {"value": value, "type": "string"}
        if string
        else {
            "value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
            "type": "wikibase-entityid",
        }
    )
    return {
        "mainsnak": {"snaktype": "value", "property": prop, "datavalue": dv},
        "type": "statement",
        "rank": "normal",
    }


def write_wikidata_dump(path: Path, works: int, people: int = 1000) -> Path:
    """A ``.json.gz`` (or ``.json.bz2``) dump: ``works`` items of which half are anime
    series with a composer (kept), a quarter films without music statements and a quarter
    people nobody names (skipped), then ``people`` people."""
    opener = bz2.open if path.name.endswith(".bz2") else gzip.open
    with opener(path, "wb") as raw:
        f = io.BufferedWriter(raw, 1 << 20)
        f.write(b"[\n")
        first = True
        for n in range(works + people):
            if n < works:
                qid = f"Q{10_000_000 + n}"
                if n % 4 < 2:
                    claims = {
                        "P31": [_claim("P31", "Q63952888")],
                        "P86": [_claim("P86", f"Q{20_000_000 + n % people}")],
                        "P8729": [_claim("P8729", str(n), string=True)],
                    }
                elif n % 4 == 2:
                    claims = {"P31": [_claim("P31", "Q11424")]}
                else:
                    claims = {"P31": [_claim("P31", "Q5")]}
                label = f"Work {n}"
            else:
                qid = f"Q{20_000_000 + n - works}"
                claims = {
                    "P31": [_claim("P31", "Q5")],
                    "P434": [_claim("P434", _mbid(n, 1), string=True)],
                }
                label = f"Person {n - works}"
            entity = {
                "type": "item",
                "id": qid,
                "labels": {"en": {"language": "en", "value": label}},
                "descriptions": {},
                "aliases": {},
                "claims": claims,
                "sitelinks": {},
            }
            f.write(b"" if first else b",\n")
            first = False
            f.write(json.dumps(entity, separators=(",", ":")).encode())
        f.write(b"\n]\n")
        f.flush()
    return path


_CHILD = """
import os, resource, sys, time
from pathlib import Path
from cuegraph import ingest
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store
store = open_store("oxigraph:" + sys.argv[1])
files = [Path(f) for f in sys.argv[3:]]
if os.environ.get("CUEGRAPH_BENCH_RDFLIB"):  # the previous writer: GraphBuilder + rdflib
    from rdflib import Graph
    from cuegraph.ingest import spool
    from cuegraph.graph.build import GraphBuilder

    class RdflibWriter:
        def __init__(self, minter):
            self.minter = minter

        def lines(self, records):
            g = GraphBuilder(self.minter, Graph(store="SimpleMemory")).add_all(records)
            text = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
            return dict.fromkeys(line + "\\n" for line in text.splitlines() if line.strip())

    spool.NTriplesWriter = RdflibWriter
t0 = time.perf_counter()
if sys.argv[2] == "musicbrainz-dump":
    r = ingest.import_musicbrainz_dump(store, Minter("https://cuegraph.org/id/"), files)
else:
    r = ingest.import_wikidata_dump(store, Minter("https://cuegraph.org/id/"), files[0])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"BENCH {time.perf_counter() - t0:.3f} {peak}", file=sys.stderr)
"""


def _import(args: list[str], store: Path, rdflib: bool = False) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one import (read, spool, write; the identity
    resolution the CLI runs afterwards is benchmarks/identity.py's) in a subprocess;
    ``rdflib``: through the previous triple writer."""
    env = {**os.environ, "CUEGRAPH_BENCH_RDFLIB": "1" if rdflib else ""}
    r = subprocess.run(
        [sys.executable, "-c", _CHILD, str(store), *args[1:]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    line = next((x for x in r.stderr.splitlines() if x.startswith("BENCH ")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError(f"import failed: {r.stderr.strip()[-500:]}")
    _tag, secs, peak = line.split()
    return float(secs), int(peak)


def report(entities: int | None = None, scale: int | None = None) -> str:
    entities = entities or int(os.environ.get("CUEGRAPH_BENCH_DUMP_ENTITIES", "5000"))
    scale = scale or int(os.environ.get("CUEGRAPH_BENCH_DUMP_SCALE", "4"))
    out = [f"dump importers ({entities} entities per generated file; peak RSS also at {scale}x)"]
    with tempfile.TemporaryDirectory(prefix="cuegraph-bench-dumps-") as tmp:
        tmp_path = Path(tmp)
        rows = []
        for size in (entities, entities * scale):
            folder = tmp_path / f"mb-{size}"
            t = time.perf_counter()
            files = write_musicbrainz_dump(folder, size)
            gen = time.perf_counter() - t
            secs, peak = _import(
                ["import", "musicbrainz-dump", *map(str, files)], tmp_path / f"store-mb-{size}"
            )
            n = size + 1000
            rows.append(
                (
                    "musicbrainz-dump",
                    size,
                    sum(f.stat().st_size for f in files),
                    n / secs,
                    peak,
                    gen,
                )
            )
            if size == entities:  # the same file through the previous (rdflib) writer
                old, _peak = _import(
                    ["import", "musicbrainz-dump", *map(str, files)],
                    tmp_path / f"store-mb-rdflib-{size}",
                    rdflib=True,
                )
                speedup = (n / secs, n / old)
            wd = write_wikidata_dump(tmp_path / f"wd-{size}.json.gz", size)
            secs, peak = _import(
                ["import", "wikidata-dump", str(wd)], tmp_path / f"store-wd-{size}"
            )
            rows.append(("wikidata-dump", size, wd.stat().st_size, (size + 1000) / secs, peak, 0.0))
            for f in [*files, wd]:
                f.unlink()
        out.append(
            f"{'importer':<18}{'entities':>10}{'file MB':>9}{'entities/s':>12}{'peak RSS MB':>13}"
        )
        for name, size, nbytes, rate, peak, _gen in rows:
            out.append(
                f"{name:<18}{size:>10}{nbytes / 1e6:>9.1f}{rate:>12,.0f}{peak / 1024:>13.0f}"
            )
        out.append(
            f"musicbrainz-dump, {entities} entities: {speedup[0]:,.0f} entities/s vs "
            f"{speedup[1]:,.0f} through the previous rdflib writer (GraphBuilder + "
            f"rdflib's serialiser): {speedup[0] / speedup[1]:.2f}x"
        )
        for name in ("musicbrainz-dump", "wikidata-dump"):
            small, large = [r for r in rows if r[0] == name]
            out.append(
                f"{name}: peak RSS {large[4] / max(small[4], 1):.2f}x for a "
                f"{scale}x larger file (flat memory: close to 1)"
            )
    return "\n".join(out)


def write_musicbrainz_file(
    path: Path, nbytes: int, artists: int = 1000, keep_every: int = 50
) -> tuple[int, int]:
    """An extracted ``mbdump/work`` file of at least ``nbytes`` bytes, written line by line
    (never held in memory): one work in ``keep_every`` credits a composer from the artist
    file (:func:`write_musicbrainz_dump`'s artists), the others credit artists nobody keeps.
    Returns (works, kept works)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = kept = 0
    with open(path, "wb", buffering=1 << 20) as f:
        while f.tell() < nbytes:
            keep = n % keep_every == 0
            rels = (
                [_rel("composer", n % artists), _rel("lyricist", (n * 7) % artists)]
                if keep
                else [_rel("composer", 100_000 + n % 50_000)]
            )
            f.write(
                _line(
                    {
                        "id": _mbid(n, 2),
                        "title": f"Work {n}",
                        "type": "Song",
                        "language": "jpn",
                        "languages": ["jpn"],
                        "iswcs": [],
                        "attributes": [],
                        "disambiguation": "",
                        "aliases": [
                            {
                                "name": f"Work {n} alias",
                                "sort-name": f"Work {n}",
                                "locale": None,
                                "type": "Work name",
                                "primary": None,
                                "begin": None,
                                "end": None,
                                "ended": False,
                                "type-id": None,
                            }
                        ],
                        "relations": rels,
                        "tags": [],
                        "genres": [],
                    }
                )
            )
            n += 1
            kept += keep
    return n, kept


def write_wikidata_file(
    path: Path, nbytes: int, people: int = 1000, keep_every: int = 50
) -> tuple[int, int]:
    """An uncompressed Wikidata JSON dump of at least ``nbytes`` bytes, written line by line
    (never held in memory): one item in ``keep_every`` an anime series crediting a composer
    (kept), one in five a person with a P86 statement (parsed, then skipped), the rest films
    without music statements (skipped without being parsed); then the ``people`` people the
    kept works name. Returns (items, kept works)."""
    n = kept = 0
    with open(path, "wb", buffering=1 << 20) as f:
        f.write(b"[\n")
        while f.tell() < nbytes:
            qid = f"Q{10_000_000 + n}"
            if n % keep_every == 0:
                claims = {
                    "P31": [_claim("P31", "Q63952888")],
                    "P86": [_claim("P86", f"Q{20_000_000 + n % people}")],
                }
                kept += 1
            elif n % 5 == 1:
                claims = {
                    "P31": [_claim("P31", "Q5")],
                    "P86": [_claim("P86", f"Q{30_000_000 + n}")],
                }
            else:
                claims = {
                    "P31": [_claim("P31", "Q11424")],
                    "P577": [_claim("P577", "+2001-01-01T00:00:00Z", string=True)],
                }
            entity = {
                "type": "item",
                "id": qid,
                "labels": {
                    "en": {"language": "en", "value": f"Work {n}"},
                    "ja": {"language": "ja", "value": f"作品{n}"},
                },
                "descriptions": {"en": {"language": "en", "value": "generated item"}},
                "aliases": {},
                "claims": claims,
                "sitelinks": {},
            }
            f.write(json.dumps(entity, ensure_ascii=False, separators=(",", ":")).encode() + b",\n")
            n += 1
        for i in range(people):
            entity = {
                "type": "item",
                "id": f"Q{20_000_000 + i}",
                "labels": {"en": {"language": "en", "value": f"Person {i}"}},
                "descriptions": {},
                "aliases": {},
                "claims": {"P31": [_claim("P31", "Q5")]},
                "sitelinks": {},
            }
            f.write(
                json.dumps(entity, separators=(",", ":")).encode()
                + (b",\n" if i < people - 1 else b"\n")
            )
        f.write(b"]\n")
    return n + people, kept


_MEMORY_CHILD = """
import resource, sys, time
from pathlib import Path
from cuegraph import dumps, ingest
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store

MARKS = [int(m) for m in sys.argv[3].split(",")]


def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(dumps.Progress):
    t0 = time.perf_counter()
    marks = []

    def start(self, label, total):
        super().start(label, total)
        # the MusicBrainz artist archive is small: sample the work file and both passes
        self.marks = [] if label.startswith("artist") else list(MARKS)
        self.tag = "2/2" if "2/2" in label else "1/2" if "1/2" in label else "-"

    def advance(self, nbytes):
        super().advance(nbytes)
        while self.marks and self.done >= self.marks[0]:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"MARK {self.tag} {self.marks.pop(0)} {rss_mb():.1f} {peak:.1f} "
                  f"{self.read} {time.perf_counter() - self.t0:.1f}", file=sys.stderr,
                  flush=True)


store = open_store("oxigraph:" + sys.argv[1])
files = [Path(f) for f in sys.argv[4:]]
minter = Minter("https://cuegraph.org/id/")
if sys.argv[2] == "musicbrainz":
    r = ingest.import_musicbrainz_dump(store, minter, files, progress=Sampler())
else:
    r = ingest.import_wikidata_dump(store, minter, files[0], progress=Sampler())
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"END {rss_mb():.1f} {peak:.1f} {r.read} {r.kept} {r.seconds:.1f}", file=sys.stderr)
"""


def _memory_run(which: str, tmp: Path, nbytes: int, marks: list[int]) -> list[str]:
    t = time.perf_counter()
    if which == "musicbrainz":
        folder = tmp / "mbdump"
        artist = write_musicbrainz_dump(folder, 0)[0]  # the 1 000 kept artists (.tar.xz)
        items, kept = write_musicbrainz_file(folder / "work", nbytes)
        big, files = folder / "work", [artist, folder / "work"]
        what = f"mbdump/work file ({items:,} works, {kept:,} kept"
    else:
        big = tmp / "latest-all.json"
        items, kept = write_wikidata_file(big, nbytes)
        files = [big]
        what = f"Wikidata .json file ({items:,} items, {kept:,} works kept, two passes"
    size = big.stat().st_size
    gen = time.perf_counter() - t
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEMORY_CHILD,
            str(tmp / f"store-{which}"),
            which,
            ",".join(map(str, marks)),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    for f in files:
        f.unlink()
    if r.returncode != 0:
        raise RuntimeError(f"import failed: {r.stderr.strip()[-800:]}")
    out = [
        f"dump importer memory: {which}-dump on a generated {size / 1e9:.2f} GB {what}; "
        f"generated, streamed to disk, in {gen:.0f}s)",
        f"{'pass':>5}{'read':>9}{'RSS now MB':>12}{'peak RSS MB':>13}{'entities':>12}"
        f"{'seconds':>9}",
    ]
    for line in r.stderr.splitlines():
        w = line.split()
        if w and w[0] == "MARK":
            out.append(
                f"{w[1]:>5}{int(w[2]) / 1e6:>7.0f}MB{float(w[3]):>12.0f}"
                f"{float(w[4]):>13.0f}{int(w[5]):>12,}{float(w[6]):>9.0f}"
            )
        elif w and w[0] == "END":
            out.append(
                f"{'end':>14}{float(w[1]):>12.0f}{float(w[2]):>13.0f}"
                f"{int(w[3]):>12,}{float(w[5]):>9.0f}   (after the atomic write; "
                f"{int(w[4]):,} entities kept)"
            )
    return out


def memory_report(
    gb: float | None = None, which: tuple[str, ...] = ("musicbrainz", "wikidata")
) -> str:
    """Peak and current RSS while each importer reads a generated ``gb`` GB dump file."""
    gb = gb or float(os.environ.get("CUEGRAPH_BENCH_DUMP_GB", "1"))
    nbytes = int(gb * 1e9)
    marks = [
        m
        for m in (
            100_000_000,
            250_000_000,
            500_000_000,
            750_000_000,
            1_000_000_000,
            2_000_000_000,
            4_000_000_000,
        )
        if m <= nbytes
    ]
    out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cuegraph-bench-dumpmem-") as tmp:
        for name in which:
            out += _memory_run(name, Path(tmp), nbytes, marks)
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(report())
    print(memory_report())
