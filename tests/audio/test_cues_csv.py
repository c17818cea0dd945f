"""`cues import` checks the reviewed CSV first: a bad row or an unknown recording is one
error line naming it, and nothing is written."""

from __future__ import annotations

import pytest
from audio_support import build_soundtrack_graph

from cuegraph.audio.cues import CSV_COLUMNS
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store
from support import BASE, cuegraph_cmd

KNOLLS = f"{BASE}recording/battle-for-wesnoth-knolls"
GOOD = [
    "battle-for-wesnoth",
    "1",
    "00:00:04.210",
    "00:00:25.390",
    "The Knolls of Doldesh",
    "score",
    "",
    "episode1.ogg",
    "",
    KNOLLS,
    "0.805",
    "chromaprint-ber",
    "00:00:59.320",
    "",
]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = f"oxigraph:{tmp_path_factory.mktemp('cuecsv') / 'store'}"
    with open_store(url) as store:
        build_soundtrack_graph(store, Minter(BASE))
    return url


def _csv(path, *rows):
    path.write_text(
        "\n".join([",".join(CSV_COLUMNS), *(",".join(r) for r in rows)]) + "\n", encoding="utf-8"
    )
    return path


def _detected(store_url) -> bool:
    with open_store(store_url, read_only=True) as store:
        return store.ask("ASK { ?c <https://cuegraph.org/ns#detected> true }")


@pytest.mark.parametrize(
    "column,value,message",
    [
        (10, "1.7", "line 3: confidence '1.7' is not between 0 and 1"),
        (3, "00:00:01", "line 3: end 00:00:01 is not after start 00:00:04.210"),
        (5, "ending-ish", "line 3: usage 'ending-ish' is not one of score, insert"),
        (9, "knolls", "line 3: recording 'knolls' is not an IRI"),
    ],
)
def test_bad_row_rejects_the_file(store_url, tmp_path, column, value, message):
    bad = list(GOOD)
    bad[column] = value
    res = cuegraph_cmd(
        "cues",
        "import",
        str(_csv(tmp_path / "c.csv", GOOD, bad)),
        env={"CUEGRAPH_STORE": store_url},
    )
    assert res.returncode == 1
    assert res.stderr.startswith("error: ") and message in res.stderr, res.stderr
    assert not _detected(store_url)


def test_unknown_recording_and_work(store_url, tmp_path):
    other = list(GOOD)
    other[9] = f"{BASE}recording/not-indexed"
    res = cuegraph_cmd(
        "cues", "import", str(_csv(tmp_path / "c.csv", other)), env={"CUEGRAPH_STORE": store_url}
    )
    assert res.returncode == 1 and "not in the graph" in res.stderr
    nowork = list(GOOD)
    nowork[0] = "No Such Work"
    res = cuegraph_cmd(
        "cues", "import", str(_csv(tmp_path / "d.csv", nowork)), env={"CUEGRAPH_STORE": store_url}
    )
    assert res.returncode == 1 and "unknown work 'No Such Work'" in res.stderr
    assert not _detected(store_url)


def test_good_csv_imports(store_url, tmp_path):
    res = cuegraph_cmd(
        "cues", "import", str(_csv(tmp_path / "c.csv", GOOD)), env={"CUEGRAPH_STORE": store_url}
    )
    assert res.returncode == 0, res.stderr
    assert "imported 1 cues into" in res.stdout and _detected(store_url)
