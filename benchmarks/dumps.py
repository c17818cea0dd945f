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
    return {"type": rtype, "type-id": None, "target-type": "artist", "direction": "backward",
            "begin": None, "end": None, "ended": False, "source-credit": "",
            "target-credit": "", "attributes": [], "attribute-ids": {},
            "attribute-values": {},
            "artist": {"id": _mbid(artist, 1), "name": f"Artist {artist}",
                       "sort-name": f"Artist {artist}", "type": "Person",
                       "disambiguation": ""}}


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
            yield _line({"id": _mbid(n, 1), "name": f"Artist {n}", "sort-name": f"Artist {n}",
                         "type": "Person", "disambiguation": "", "aliases": [],
                         "relations": [{"type": "vgmdb", "target-type": "url",
                                        "direction": "forward",
                                        "url": {"id": _mbid(n, 3),
                                                "resource": f"https://vgmdb.net/artist/{n}"}}]})

    def work_lines():
        for n in range(works):
            rels = [] if n % 5 == 4 else [_rel("composer", n % artists),
                                          _rel("lyricist", (n * 7) % artists)]
            yield _line({"id": _mbid(n, 2), "title": f"Work {n}", "type": "Song",
                         "language": None, "languages": [], "iswcs": [], "attributes": [],
                         "disambiguation": "", "aliases": [], "relations": rels, "tags": [],
                         "genres": []})

    a, w = folder / "artist.tar.xz", folder / "work.tar.xz"
    _tar(a, "artist", artist_lines())
    _tar(w, "work", work_lines())
    return [a, w]


def _claim(prop: str, value: str, string: bool = False) -> dict:
    dv = ({"value": value, "type": "string"} if string else
          {"value": {"entity-type": "item", "numeric-id": int(value[1:]), "id": value},
           "type": "wikibase-entityid"})
    return {"mainsnak": {"snaktype": "value", "property": prop, "datavalue": dv},
            "type": "statement", "rank": "normal"}


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
                    claims = {"P31": [_claim("P31", "Q63952888")],
                              "P86": [_claim("P86", f"Q{20_000_000 + n % people}")],
                              "P8729": [_claim("P8729", str(n), string=True)]}
                elif n % 4 == 2:
                    claims = {"P31": [_claim("P31", "Q11424")]}
                else:
                    claims = {"P31": [_claim("P31", "Q5")]}
                label = f"Work {n}"
            else:
                qid = f"Q{20_000_000 + n - works}"
                claims = {"P31": [_claim("P31", "Q5")],
                          "P434": [_claim("P434", _mbid(n, 1), string=True)]}
                label = f"Person {n - works}"
            entity = {"type": "item", "id": qid,
                      "labels": {"en": {"language": "en", "value": label}},
                      "descriptions": {}, "aliases": {}, "claims": claims, "sitelinks": {}}
            f.write(b"" if first else b",\n")
            first = False
            f.write(json.dumps(entity, separators=(",", ":")).encode())
        f.write(b"\n]\n")
        f.flush()
    return path


_CHILD = """
import resource, sys, time
from pathlib import Path
from cuegraph import dumps
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store
store = open_store("oxigraph:" + sys.argv[1])
files = [Path(f) for f in sys.argv[3:]]
t0 = time.perf_counter()
if sys.argv[2] == "musicbrainz-dump":
    r = dumps.import_musicbrainz_dump(store, Minter("https://cuegraph.org/id/"), files)
else:
    r = dumps.import_wikidata_dump(store, Minter("https://cuegraph.org/id/"), files[0])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"BENCH {time.perf_counter() - t0:.3f} {peak}", file=sys.stderr)
"""


def _import(args: list[str], store: Path) -> tuple[float, int]:
    """Seconds and peak RSS (KiB) of one import (read, spool, write; the identity
    resolution the CLI runs afterwards is benchmarks/identity.py's) in a subprocess."""
    r = subprocess.run([sys.executable, "-c", _CHILD, str(store), *args[1:]],
                       capture_output=True, text=True, cwd=ROOT)
    line = next((x for x in r.stderr.splitlines() if x.startswith("BENCH ")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError(f"import failed: {r.stderr.strip()[-500:]}")
    _tag, secs, peak = line.split()
    return float(secs), int(peak)


def report(entities: int | None = None, scale: int | None = None) -> str:
    entities = entities or int(os.environ.get("CUEGRAPH_BENCH_DUMP_ENTITIES", "5000"))
    scale = scale or int(os.environ.get("CUEGRAPH_BENCH_DUMP_SCALE", "4"))
    out = [f"dump importers ({entities} entities per generated file; peak RSS also at "
           f"{scale}x)"]
    with tempfile.TemporaryDirectory(prefix="cuegraph-bench-dumps-") as tmp:
        tmp_path = Path(tmp)
        rows = []
        for size in (entities, entities * scale):
            folder = tmp_path / f"mb-{size}"
            t = time.perf_counter()
            files = write_musicbrainz_dump(folder, size)
            gen = time.perf_counter() - t
            secs, peak = _import(["import", "musicbrainz-dump", *map(str, files)],
                                 tmp_path / f"store-mb-{size}")
            n = size + 1000
            rows.append(("musicbrainz-dump", size, sum(f.stat().st_size for f in files),
                         n / secs, peak, gen))
            wd = write_wikidata_dump(tmp_path / f"wd-{size}.json.gz", size)
            secs, peak = _import(["import", "wikidata-dump", str(wd)],
                                 tmp_path / f"store-wd-{size}")
            rows.append(("wikidata-dump", size, wd.stat().st_size, (size + 1000) / secs,
                         peak, 0.0))
            for f in [*files, wd]:
                f.unlink()
        out.append(f"{'importer':<18}{'entities':>10}{'file MB':>9}{'entities/s':>12}"
                   f"{'peak RSS MB':>13}")
        for name, size, nbytes, rate, peak, _gen in rows:
            out.append(f"{name:<18}{size:>10}{nbytes / 1e6:>9.1f}{rate:>12,.0f}"
                       f"{peak / 1024:>13.0f}")
        for name in ("musicbrainz-dump", "wikidata-dump"):
            small, large = [r for r in rows if r[0] == name]
            out.append(f"{name}: peak RSS {large[4] / max(small[4], 1):.2f}x for a "
                       f"{scale}x larger file (flat memory: close to 1)")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(report())
