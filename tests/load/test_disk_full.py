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


def test_a_full_disk_under_oxigraph_load_says_so_and_writes_nothing(
    tmp_path, small_disk, monkeypatch
):
    """The same through the ``oxigraph load`` CLI (big files go to it)."""
    from cuegraph import rdfload
    from cuegraph.rdfload import NoSpace
    from cuegraph.store import open_store

    if rdfload.oxigraph_cli() is None:
        pytest.skip("no oxigraph CLI of pyoxigraph's version")
    calls = []
    real = rdfload._cli_load
    monkeypatch.setattr(rdfload, "CLI_BYTES", 0)
    monkeypatch.setattr(rdfload, "_cli_load", lambda *a: calls.append(a) or real(*a))
    store = open_store(f"oxigraph:{small_disk / 'store'}")
    first = tmp_path / "first.nt"
    first.write_text('<urn:x:a> <urn:x:p> "old" .\n')
    store.load_file(first, "urn:x:g")
    before = store.dump("nquads")
    big = tmp_path / "big.nt"
    with open(big, "w") as f:
        for i in range(100_000):
            f.write(f'<urn:x:s{i}> <urn:x:p> "a value that takes some room {i}" .\n')
    free = shutil.disk_usage(small_disk).free
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (free - 3_000_000))
    with pytest.raises(NoSpace, match="no space left on the store's disk"):
        store.load_file(big, "urn:x:g")
    filler.unlink()
    assert len(calls) == 2  # both loads went to oxigraph load
    assert store.dump("nquads") == before
    store.close()
    assert not [p for p in small_disk.iterdir() if ".shadow-" in p.name]
