"""Loading a big generated credit graph: memory bounded by Oxigraph's loader, not the file."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

pytestmark = pytest.mark.slow  # loads a 2 M-triple file

TRIPLES = 2_000_000
LIMIT_MB = 1500


def test_loading_2m_triples_stays_under_1_5_gb(tmp_path):
    nt = tmp_path / "graph.nt"
    gen = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", "--triples", str(TRIPLES), "-o", str(nt)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert gen.returncode == 0, gen.stderr
    exe = Path(sys.executable).with_name("cuegraph")
    res = subprocess.run(
        [str(exe), "--store", f"oxigraph:{tmp_path / 's'}", "load", str(nt), "--graph", "urn:x:g"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert res.returncode == 0, res.stderr
    assert "loaded 2" in res.stdout  # "loaded 2000xxx triples"
    # the largest child so far (the generator's peak is far smaller than the load's)
    assert peak < LIMIT_MB * 1024, f"peak RSS {peak // 1024} MB"
