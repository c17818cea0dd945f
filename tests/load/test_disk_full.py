"""`cuegraph load` on a full disk: one line, exit 1, the store unchanged (a small tmpfs)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from support import cuegraph_cmd


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small tmpfs")
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {res.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_load_on_a_full_disk_says_so_in_one_line_and_writes_nothing(tmp_path, small_disk):
    store = f"oxigraph:{small_disk / 'store'}"
    first = tmp_path / "first.nt"
    first.write_text('<urn:x:a> <urn:x:p> "old" .\n')
    assert cuegraph_cmd("--store", store, "load", str(first), "--graph", "urn:x:g").returncode == 0
    before = cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout
    big = tmp_path / "big.nt"
    with open(big, "w") as f:
        for i in range(100_000):
            f.write(f'<urn:x:s{i}> <urn:x:p> "a value that takes some room {i}" .\n')
    free = shutil.disk_usage(small_disk).free
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (free - 3_000_000))  # leave ~3 MB: less than the load needs
    res = cuegraph_cmd("--store", store, "load", str(big), "--graph", "urn:x:g")
    filler.unlink()
    assert res.returncode == 1 and "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: no space left on the store's disk (")
    assert lines[0].endswith("; nothing was written")
    assert cuegraph_cmd("--store", store, "dump", "-f", "nquads").stdout == before
    assert not [p for p in small_disk.iterdir() if ".shadow-" in p.name]
