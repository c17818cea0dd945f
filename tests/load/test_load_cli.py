"""Big graph files loaded by ``oxigraph load`` into the shadow store: the same triples,
the same errors, the same atomic replace as the in-process loader, and no loader left
running when cuegraph is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cuegraph import rdfload
from cuegraph.errors import BadInput
from cuegraph.store import open_store

G = "urn:x:g"
SUFFIX_FORMATS = {".nt": "ntriples", ".ttl": "turtle", ".rdf": "rdfxml"}

pytestmark = pytest.mark.skipif(
    rdfload.oxigraph_cli() is None, reason="no oxigraph CLI of pyoxigraph's version"
)

FILES = {
    "a.ttl": '@prefix ex: <urn:x:> . ex:a ex:p "one" , "二"@ja ; ex:n 3 .\n',
    "a.nt": '<urn:x:a> <urn:x:p> "one" .\n<urn:x:a> <urn:x:p> "二"@ja .\n'
    '<urn:x:a> <urn:x:n> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    '<urn:x:a> <urn:x:p> "one" .\n',  # a duplicate: counted once
    "a.rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    'syntax-ns#" xmlns:ex="urn:x:"><rdf:Description rdf:about="urn:x:a"><ex:p>one'
    '</ex:p><ex:p xml:lang="ja">二</ex:p><ex:n rdf:datatype="http://www.w3.org/2001/'
    'XMLSchema#integer">3</ex:n></rdf:Description></rdf:RDF>\n',
}
EXPECTED = {
    '<urn:x:a> <urn:x:p> "one" <urn:x:g> .',
    '<urn:x:a> <urn:x:p> "二"@ja <urn:x:g> .',
    '<urn:x:a> <urn:x:n> "3"^^<http://www.w3.org/2001/XMLSchema#integer> <urn:x:g> .',
}


def _quads(store) -> set[str]:
    return {line for line in store.dump("nquads").decode("utf-8").splitlines() if line}


@pytest.fixture
def cli_calls(monkeypatch):
    """Every file goes to ``oxigraph load``; the calls are recorded."""
    calls: list[list[str]] = []
    real = rdfload._cli_load

    def spy(cli, shadow, path, fmt, target):
        calls.append([str(path), fmt])
        return real(cli, shadow, path, fmt, target)

    monkeypatch.setattr(rdfload, "CLI_BYTES", 0)
    monkeypatch.setattr(rdfload, "_cli_load", spy)
    return calls


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_cli_loads_the_same_triples_beside_other_graphs(tmp_path, cli_calls, name):
    store = open_store(f"oxigraph:{tmp_path / 's'}")
    other = tmp_path / "other.nt"
    other.write_text('<urn:x:o> <urn:x:p> "kept" .\n')
    store.load_file(other, "urn:x:other")
    old = tmp_path / "old.nt"
    old.write_text('<urn:x:a> <urn:x:p> "old" .\n')
    store.load_file(old, G)
    f = tmp_path / name
    f.write_text(FILES[name], encoding="utf-8")
    cli_calls.clear()
    assert store.load_file(f, G) == 3  # distinct triples, the graph's alone
    assert cli_calls == [[str(f), SUFFIX_FORMATS[f.suffix]]]
    assert _quads(store) == EXPECTED | {'<urn:x:o> <urn:x:p> "kept" <urn:x:other> .'}
    store.close()
    assert not [p for p in tmp_path.iterdir() if ".shadow-" in p.name]


def test_a_fresh_store_counts_what_the_cli_loaded(tmp_path, cli_calls):
    store = open_store(f"oxigraph:{tmp_path / 's'}")
    f = tmp_path / "a.nt"
    f.write_text(FILES["a.nt"], encoding="utf-8")
    assert store.load_file(f, G) == 3
    assert cli_calls and _quads(store) == EXPECTED
    store.close()


def test_a_bad_file_through_the_cli_is_refused_and_the_store_is_unchanged(tmp_path, cli_calls):
    store = open_store(f"oxigraph:{tmp_path / 's'}")
    good = tmp_path / "good.nt"
    good.write_text('<urn:x:a> <urn:x:p> "old" .\n')
    store.load_file(good, G)
    before = _quads(store)
    cases = {
        "cut.nt": ('<urn:x:a> <urn:x:p> "new" .\n<urn:x:b> <urn:x:p> "cut', "line 2"),
        "badiri.nt": ("<urn:x:a> <urn:x:p> <http://exa mple.org/x> .\n", "Invalid IRI"),
        "badlit.ttl": ('<urn:x:a> <urn:x:p> "x"^^<urn:x:t> ; <urn:x:q> "1"@-bad- .\n', "language"),
    }
    for name, (text, why) in cases.items():
        f = tmp_path / name
        f.write_text(text)
        with pytest.raises(BadInput, match=f"{name}: cannot parse as .*{why}"):
            store.load_file(f, G)
        assert _quads(store) == before
    assert len(cli_calls) == 4
    store.close()
    assert not [p for p in tmp_path.iterdir() if ".shadow-" in p.name]


def test_without_the_cli_big_files_go_to_the_bulk_loader_in_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(rdfload, "CLI_BYTES", 0)
    monkeypatch.setattr(rdfload, "oxigraph_cli", lambda: None)
    monkeypatch.setattr(rdfload, "BATCH", 2)  # three batches of the four lines
    store = open_store(f"oxigraph:{tmp_path / 's'}")
    f = tmp_path / "a.nt"
    f.write_text(FILES["a.nt"], encoding="utf-8")
    assert store.load_file(f, G) == 3
    assert _quads(store) == EXPECTED
    store.close()


def test_only_a_cli_of_pyoxigraphs_version_is_used(tmp_path, monkeypatch):
    """Another version may write another storage format: it is not used."""
    fake = tmp_path / "oxigraph"
    fake.write_text("#!/bin/sh\necho oxigraph 0.0.1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    rdfload.oxigraph_cli.cache_clear()
    try:
        assert rdfload.oxigraph_cli() is None
        fake.write_text(f"#!/bin/sh\necho oxigraph {rdfload.ox.__version__}\n")
        rdfload.oxigraph_cli.cache_clear()
        assert rdfload.oxigraph_cli() == str(fake)
    finally:
        rdfload.oxigraph_cli.cache_clear()


def _loaders(shadow_of: Path) -> list[int]:
    """Pids of ``oxigraph load`` processes writing a shadow of the store at ``shadow_of``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if (
            state != "Z"
            and b"load" in argv
            and any(
                str(shadow_of.parent / f".{shadow_of.name}.shadow-").encode() in a for a in argv
            )
        ):
            pids.append(int(proc.name))
    return pids


def test_kill_9_of_cuegraph_stops_its_loader_and_leaves_the_previous_graph(tmp_path):
    url = f"oxigraph:{tmp_path / 's'}"
    exe = Path(sys.executable).with_name("cuegraph")
    old = tmp_path / "old.nt"
    old.write_text('<urn:x:a> <urn:x:p> "old" .\n')
    assert (
        subprocess.run([str(exe), "--store", url, "load", str(old), "--graph", G]).returncode == 0
    )
    big = tmp_path / "big.nt"
    with open(big, "w") as f:  # above CLI_BYTES: oxigraph load does it
        for i in range(1_000_000):
            f.write(f'<urn:x:s{i}> <urn:x:p> "a new value {i}" .\n')
    assert big.stat().st_size >= rdfload.CLI_BYTES
    proc = subprocess.Popen(
        [str(exe), "--store", url, "load", str(big), "--graph", G],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not _loaders(tmp_path / "s"):
        time.sleep(0.02)
    assert proc.poll() is None and _loaders(tmp_path / "s"), "the load ended before the kill"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    deadline = time.monotonic() + 10
    while _loaders(tmp_path / "s") and time.monotonic() < deadline:
        time.sleep(0.05)
    left = {p: Path(f"/proc/{p}/status").read_text()[:400] for p in _loaders(tmp_path / "s")}
    assert not left, f"oxigraph load outlived the killed cuegraph: {left}"
    store = open_store(url)
    assert _quads(store) == {'<urn:x:a> <urn:x:p> "old" <urn:x:g> .'}
    store.close()
