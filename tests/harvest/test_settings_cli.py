"""Settings are read once, by the CLI's root command: a bad ``CUEGRAPH_*`` value (a
harvest guard here) is one error line naming the variable, before any command runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _cuegraph(*args: str, **env: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("cuegraph")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=120, env={**os.environ, **env}
    )


def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path):
    r = _cuegraph(
        "stats", CUEGRAPH_STORE=f"oxigraph:{tmp_path / 'store'}", CUEGRAPH_HARVEST_DEADLINE="-1"
    )
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == "error: CUEGRAPH_HARVEST_DEADLINE: Input should be greater than 0\n"
    r = _cuegraph(
        "stats", CUEGRAPH_STORE=f"oxigraph:{tmp_path / 'store'}", CUEGRAPH_HARVEST_MAX_BYTES="lots"
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("error: CUEGRAPH_HARVEST_MAX_BYTES: Input should be a valid integer")
    assert not (tmp_path / "store").exists()  # nothing ran
