"""An import killed half-way (kill -9 of the CLI) writes nothing, and running it again gives
the same graph as one clean run (re-run, not resume; issue #14)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from benchmarks.dumps import write_musicbrainz_dump, write_wikidata_dump

pytestmark = pytest.mark.slow  # kills and re-runs dump imports

CLI = str(Path(sys.executable).parent / "cuegraph")
PROVENANCE = "https://cuegraph.org/id/graph/provenance"


def _env(store: Path) -> dict:
    return {**os.environ, "CUEGRAPH_STORE": f"oxigraph:{store}"}


def _graphs_without_provenance(store: Path) -> list[str]:
    """Every quad but the provenance graph's (its times differ run to run), sorted."""
    out = subprocess.run(
        [CLI, "dump", "-f", "nquads"], env=_env(store), capture_output=True, check=True
    ).stdout.decode()
    return sorted(x for x in out.splitlines() if x.strip() and f"<{PROVENANCE}>" not in x)


def _run(args: list[str], store: Path) -> None:
    r = subprocess.run([CLI, "import", *args], env=_env(store), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("which", ["wikidata", "musicbrainz"])
def test_killed_import_then_rerun_equals_one_clean_run(tmp_path, which):
    if which == "wikidata":
        args = ["wikidata-dump", str(write_wikidata_dump(tmp_path / "wd.json.gz", 3000, 200))]
    else:
        files = write_musicbrainz_dump(tmp_path / "mb", 2500, 200)
        args = ["musicbrainz-dump", *map(str, files)]
    killed, clean = tmp_path / "killed" / "store", tmp_path / "clean" / "store"
    killed.parent.mkdir()
    clean.parent.mkdir()
    proc = subprocess.Popen(
        [CLI, "import", *args],
        env=_env(killed),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    spool: list[Path] = []
    while time.monotonic() < deadline and proc.poll() is None:
        spool = [p for p in killed.parent.glob(".cuegraph-import-*.nt") if p.stat().st_size]
        if spool:  # half-way: triples are being spooled, nothing is written yet
            break
        time.sleep(0.02)
    assert spool and proc.poll() is None, "the import ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _graphs_without_provenance(killed) == []  # nothing was written
    _run(args, killed)  # re-run: from the start
    _run(args, clean)
    after = _graphs_without_provenance(killed)
    assert len(after) > 1000 and after == _graphs_without_provenance(clean)
    assert not list(killed.parent.glob(".cuegraph-import-*"))  # the killed run's spool too
    assert not list(killed.parent.glob(".store.shadow-*"))
