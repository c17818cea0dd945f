"""Cue detection on generated episodes: the planted excerpts, their recordings and times;
distractors never become cues; `cues detect --import` and the scene label."""

from __future__ import annotations

import json
import statistics

import pytest
from audio_support import EPISODES, build_soundtrack_graph, material

from cuegraph.api.data.scene import scene_lookup
from cuegraph.audio.detect import detect
from cuegraph.audio.fingerprint import fingerprint_file
from cuegraph.audio.index import FingerprintIndex, audio_files
from cuegraph.audio.link import Linker
from cuegraph.audio.match import Reference
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store
from cuegraph.validate import validate_store
from support import BASE, cuegraph_cmd


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("audio")
    m = material(tmp_path_factory.getbasetemp() / "audio-material")
    store_url = f"oxigraph:{root / 'store'}"
    with open_store(store_url) as store:
        build_soundtrack_graph(store, Minter(BASE))
        index = FingerprintIndex(root / "fingerprints")
        report = index.update(audio_files(m.tracks), Linker(store))
    assert not report.unlinked and len(report.indexed) == 6, report
    return m, store_url, root / "fingerprints"


def _recording_of(file: str) -> str:
    return f"{BASE}recording/battle-for-wesnoth-{file.removesuffix('.ogg')}"


def test_detection_finds_planted_excerpts(setup):
    m, _, fps = setup
    ref = Reference(FingerprintIndex(fps).load())
    errors = []
    for n, (_, planted) in EPISODES.items():
        cues = detect(fingerprint_file(m.episodes[n]).values, ref)
        found = [(ref.keys[c.rec], c.start, c.end) for c in cues]
        truth = [p for p in planted if p.indexed]
        # every planted excerpt is found, with the right recording, once
        for p in truth:
            hits = [
                f
                for f in found
                if f[0] == _recording_of(p.file) and f[1] < p.end and f[2] > p.start
            ]
            assert len(hits) == 1, (n, p, found)
            errors += [abs(hits[0][1] - p.start), abs(hits[0][2] - p.end)]
        # and nothing else: no distractor (not indexed) and no invented cue
        for rec, start, end in found:
            assert any(
                _recording_of(p.file) == rec and start < p.end and end > p.start for p in truth
            ), (n, rec, start, end, planted)
    assert statistics.median(errors) <= 1.0, errors
    assert max(errors) <= 3.0, errors


def test_distractor_alone_is_no_cue(setup, tmp_path):
    """An episode of a track that is not in the index gives no cue at all."""
    from cuegraph.audio.synth import WESNOTH_MUSIC, Planted, make_episode

    m, _, fps = setup
    ep = make_episode(
        tmp_path / "d.ogg",
        [Planted("loyalists.ogg", 2.0, 40.0, 10.0, False)],
        45.0,
        WESNOTH_MUSIC,
        seed=7,
    )
    ref = Reference(FingerprintIndex(fps).load())
    assert detect(fingerprint_file(ep.path).values, ref) == []


def test_cli_detect_writes_csv_then_import_labels_scene(setup, tmp_path):
    m, store_url, fps = setup
    env = {"CUEGRAPH_STORE": store_url, "CUEGRAPH_FINGERPRINTS": str(fps)}
    out = tmp_path / "ep1.csv"
    res = cuegraph_cmd(
        "cues",
        "detect",
        str(m.episodes[1]),
        "--work",
        "battle-for-wesnoth",
        "--episode",
        "1",
        "-o",
        str(out),
        env=env,
    )
    assert res.returncode == 0, res.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("work,episode,start,end,title,usage,credits,source")
    assert "confidence" in lines[0] and "method" in lines[0]
    assert len(lines) == 1 + 4
    assert "The Knolls of Doldesh" in lines[1] and ",score," in lines[1]
    # the CSV alone wrote nothing
    with open_store(store_url, read_only=True) as store:
        assert not store.ask("ASK { ?c <https://cuegraph.org/ns#detected> true }")
    # review: drop the last row, then import
    out.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    res = cuegraph_cmd("cues", "import", str(out), env=env)
    assert res.returncode == 0, res.stderr
    assert "imported 3 cues" in res.stdout
    with open_store(store_url, read_only=True) as store:
        answer = scene_lookup(store, BASE, "battle-for-wesnoth", 1, t="0:12")
        n_detected = store.select(
            "SELECT (COUNT(?c) AS ?n) { ?c <https://cuegraph.org/ns#detected> true }"
        )
    assert answer["status"] == "music" and answer["precision"] == "cue"
    (cue,) = answer["levels"][0]["cues"]
    assert cue["detected"] is True and 0 < cue["confidence"] <= 1
    assert cue["method"] == "chromaprint-ber"
    assert cue["recording"]["title"] == "The Knolls of Doldesh"
    assert [p["name"] for p in cue["credits"]["composer"]] == ["Timothy Pinkham"]
    assert int(n_detected[0]["n"]) == 3


def test_detect_import_records_provenance_not_audio(setup, tmp_path):
    m, store_url, fps = setup
    env = {"CUEGRAPH_STORE": store_url, "CUEGRAPH_FINGERPRINTS": str(fps)}
    res = cuegraph_cmd(
        "cues",
        "detect",
        str(m.episodes[2]),
        "--work",
        "The Battle for Wesnoth",
        "--episode",
        "2",
        "--import",
        "-o",
        str(tmp_path / "e2.csv"),
        env=env,
    )
    assert res.returncode == 0, res.stderr
    from cuegraph.audio.index import sha256_file

    digest = sha256_file(m.episodes[2])
    with open_store(store_url, read_only=True) as store:
        g = f"{BASE}graph/detected/battle-for-wesnoth-2"
        rows = store.select(
            "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX cg: <https://cuegraph.org/ns#>\n"
            f"SELECT ?name ?sha ?params WHERE {{ GRAPH <{g}> {{ ?a a cg:CueDetection ; "
            "cg:detectionParameters ?params ; prov:used ?e . ?e <https://schema.org/name> ?name "
            ". OPTIONAL { ?e cg:sha256 ?sha } } }"
        )
        used = store.select(
            "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
            f"SELECT ?u WHERE {{ GRAPH ?p {{ <{g}#run> prov:used ?u }} }}"
        )
        big = store.select(
            f"SELECT ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} "
            "FILTER(isLiteral(?o) && STRLEN(STR(?o)) > 2000) }"
        )
        answer = scene_lookup(store, BASE, "battle-for-wesnoth", 2, t="60")
        report = validate_store(store)
    assert report.conforms, report.violations  # source, song: like any curated cue
    assert [(r["name"], r["sha"]) for r in rows] == [("episode2.ogg", digest)]
    assert json.loads(rows[0]["params"])["window_frames"] == 48
    assert [u["u"] for u in used] == ["episode2.ogg"]
    assert big == []  # no audio, no fingerprints in the graph
    titles = [c["title"] for c in answer["levels"][0]["cues"]]
    assert titles == ["Still Another Wanderer"]


def test_bad_detect_input_is_one_error_line(setup, tmp_path):
    m, store_url, fps = setup
    env = {"CUEGRAPH_STORE": store_url, "CUEGRAPH_FINGERPRINTS": str(fps)}
    junk = tmp_path / "junk.ogg"
    junk.write_text("not audio at all")
    res = cuegraph_cmd(
        "cues", "detect", str(junk), "--work", "battle-for-wesnoth", "--episode", "1", env=env
    )
    assert res.returncode == 1
    assert res.stderr.strip().startswith("error: junk.ogg is not decodable audio")
    empty_index = {**env, "CUEGRAPH_FINGERPRINTS": str(tmp_path / "none")}
    res = cuegraph_cmd(
        "cues",
        "detect",
        str(m.episodes[1]),
        "--work",
        "battle-for-wesnoth",
        "--episode",
        "1",
        env=empty_index,
    )
    assert res.returncode == 1 and "tracks index" in res.stderr
