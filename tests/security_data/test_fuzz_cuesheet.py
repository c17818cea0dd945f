"""Fuzz: cue sheets drawn from a grammar of hostile values (``cuesheet_grammar``), bounded in
count and time. For every sheet the importer either writes it (and then the graph passes the
SHACL shapes) or refuses it with cuegraph's own error naming lines — never another exception
— and a refused sheet leaves the on-disk store byte for byte as it was. With
``--skip-bad-rows`` only file-level problems may still refuse. A few sheets also go through
the real ``cuegraph import cuesheet``: one ``error:`` line, never a traceback.

``CUEGRAPH_FUZZ_SEED`` / ``CUEGRAPH_FUZZ_SHEETS`` / ``CUEGRAPH_FUZZ_SECONDS`` change the run
(defaults: seed 20261129, 120 sheets, 45 s). A failure names the seed and sheet to replay.
"""

from __future__ import annotations

import os
import time

import pytest
from cuesheet_grammar import CueSheetGrammar

from cuegraph.errors import BadInput, CueSheetError
from cuegraph.graph.iris import Minter
from cuegraph.ingest import import_cuesheet
from cuegraph.store import open_store
from cuegraph.validate import validate_store
from support import BASE, FIXTURES, cuegraph_cmd

pytestmark = pytest.mark.slow  # a hostile cue-sheet fuzz run (about a minute)

SEED = int(os.environ.get("CUEGRAPH_FUZZ_SEED", "20261129"))
SHEETS = int(os.environ.get("CUEGRAPH_FUZZ_SHEETS", "120"))
SECONDS = float(os.environ.get("CUEGRAPH_FUZZ_SECONDS", "45"))


def _import(store, path, **kw):
    """``(accepted, bad_rows)``; cuegraph's own refusals are expected, anything else fails."""
    try:
        _, bad = import_cuesheet(store, Minter(BASE), path, key="fuzz", **kw)
        return True, bad
    except CueSheetError as e:
        assert e.rows and all(r.line >= 2 for r in e.rows)
        assert all(r.reason and "Traceback" not in r.reason for r in e.rows)
        return False, e.rows
    except BadInput as e:  # file-level: not UTF-8, a missing column
        assert str(e) and "\n" not in str(e)
        return False, []


def test_hostile_cue_sheets_never_crash_or_half_write(tmp_path):
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    try:
        import_cuesheet(store, Minter(BASE), FIXTURES / "cuesheets" / "good.csv")
        grammar = CueSheetGrammar(SEED)
        deadline = time.monotonic() + SECONDS
        counts = {"accepted": 0, "accepted_whole": 0, "refused": 0, "rows_skipped": 0}
        path = tmp_path / "fuzz.csv"
        done = 0
        for i in range(SHEETS):
            if time.monotonic() > deadline:
                break
            path.write_bytes(grammar.sheet())
            where = f"(seed {SEED}, sheet {i}: {path.read_bytes()[:300]!r})"
            before = store.dump("nquads")
            try:
                accepted, _ = _import(store, path)
                counts["accepted_whole"] += accepted
                if not accepted:
                    counts["refused"] += 1
                    assert store.dump("nquads") == before, f"refused but changed {where}"
                    accepted, bad = _import(store, path, skip_bad_rows=True)
                    counts["rows_skipped"] += len(bad)
                    if not accepted:
                        assert store.dump("nquads") == before, f"changed {where}"
                if accepted:
                    counts["accepted"] += 1
                    if counts["accepted"] % 5 == 1:  # SHACL is slow: every fifth written sheet
                        report = validate_store(store)
                        assert report.conforms, f"{report.violations[:3]} {where}"
            except AssertionError:
                raise
            except Exception as e:  # noqa: BLE001 -- the point: nothing else may escape
                pytest.fail(f"{type(e).__name__}: {e} {where}")
            done += 1
        print(f"fuzz: {done} sheets, {counts}")  # shown with -s / -rP
        assert done >= min(SHEETS, 20), f"only {done} sheets in {SECONDS} s"
        # every path exercised: whole sheets written, refused, written without bad rows
        assert counts["accepted_whole"] and counts["refused"] and counts["rows_skipped"], counts
        assert validate_store(store).conforms
    finally:
        store.close()


def test_hostile_cue_sheets_through_the_cli_are_one_error_line(tmp_path):
    grammar = CueSheetGrammar(SEED + 1)
    url = f"oxigraph:{tmp_path / 'store'}"
    assert (
        cuegraph_cmd(
            "--store", url, "import", "cuesheet", str(FIXTURES / "cuesheets" / "good.csv")
        ).returncode
        == 0
    )
    before = cuegraph_cmd("--store", url, "dump", "-f", "nquads").stdout
    refused = 0
    for i in range(6):
        path = tmp_path / f"cli{i}.csv"
        while True:  # a sheet the importer refuses (most are)
            path.write_bytes(grammar.sheet(max_rows=6))
            try:
                _import(open_store("memory:"), path)
            except Exception:  # noqa: BLE001 -- the other test reports these
                break
            if not _import(open_store("memory:"), path)[0]:
                break
        res = cuegraph_cmd("--store", url, "import", "cuesheet", str(path))
        assert "Traceback" not in res.stderr, (SEED + 1, i, res.stderr[-2000:])
        assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert res.stderr.startswith("error: ")
        refused += 1
    assert refused == 6
    assert cuegraph_cmd("--store", url, "dump", "-f", "nquads").stdout == before
