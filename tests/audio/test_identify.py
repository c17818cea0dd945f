"""Identify a clip: the CLI and POST /identify name the recording and its composer for a
noisy clip; bad uploads get a clear 4xx and nothing is stored."""

from __future__ import annotations

import json
import os
import tempfile

import pytest
from audio_support import build_soundtrack_graph, material

from cuegraph.audio.index import FingerprintIndex, audio_files
from cuegraph.audio.link import Linker
from cuegraph.config import Settings
from cuegraph.graph.iris import Minter
from cuegraph.store import open_store
from support import BASE, cuegraph_cmd


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("identify")
    m = material(tmp_path_factory.getbasetemp() / "audio-material")
    store_url = f"oxigraph:{root / 'store'}"
    with open_store(store_url) as store:
        build_soundtrack_graph(store, Minter(BASE))
        FingerprintIndex(root / "fingerprints").update(audio_files(m.tracks), Linker(store))
    return m, store_url, root / "fingerprints"


@pytest.fixture(scope="module")
def client(setup, api_client):
    """The app started over the store ``setup`` built; it closes the store at the end."""
    m, store_url, fps = setup
    settings = Settings(fingerprints=str(fps), identify_max_bytes=2_000_000)
    return api_client(open_store(store_url), settings, lifespan=True, close_store=True)


def test_cli_identifies_noisy_clip_and_names_composer(setup):
    m, store_url, fps = setup
    clip, _ = m.clips["knolls-10s-5db"]
    res = cuegraph_cmd(
        "identify",
        str(clip),
        "--json",
        env={"CUEGRAPH_STORE": store_url, "CUEGRAPH_FINGERPRINTS": str(fps)},
    )
    assert res.returncode == 0, res.stderr
    answer = json.loads(res.stdout)
    best = answer["matches"][0]
    assert best["recording"]["title"] == "The Knolls of Doldesh"
    assert [p["name"] for p in best["credits"]["composer"]] == ["Timothy Pinkham"]
    # the composer credit cites the OGG file it was read from
    assert best["credits"]["composer"][0]["sources"] == [
        "file:///usr/share/games/wesnoth/1.16/data/core/music/knolls.ogg"
    ]
    assert abs(best["at_seconds"] - 150) < 3
    text = cuegraph_cmd(
        "identify", str(clip), env={"CUEGRAPH_STORE": store_url, "CUEGRAPH_FINGERPRINTS": str(fps)}
    )
    assert "The Knolls of Doldesh" in text.stdout and "composer: Timothy Pinkham" in text.stdout


def test_noisy_10s_clip_is_identified_by_landmarks(setup):
    """The 10 s clip at 5 dB SNR (speech + pink noise, speaker band limit) is answered from
    the landmark hashes `tracks index` stored beside the fingerprints."""
    from cuegraph.api.data.identify import identify_file
    from cuegraph.audio.service import load_reference

    m, store_url, fps = setup
    entries = json.loads((fps / "index.json").read_text())["files"].values()
    assert all(
        e["landmarks"].endswith(".lm.npz") and (fps / e["landmarks"]).exists() for e in entries
    )
    clip, _ = m.clips["knolls-10s-5db"]
    ref = load_reference(fps)
    assert len(ref.landmarks) == len(ref) == len(entries)
    with open_store(store_url, read_only=True) as store:
        answer = identify_file(store, BASE, fps, clip, ref=ref)
    assert answer["method"] == "landmarks" and answer["status"] == "match"
    (best,) = answer["matches"]
    assert best["recording"]["title"] == "The Knolls of Doldesh"
    assert [p["name"] for p in best["credits"]["composer"]] == ["Timothy Pinkham"]
    assert abs(best["at_seconds"] - 150) < 1 and best["confidence"] > 0.5


def test_without_landmarks_identify_falls_back_to_chromaprint(setup, tmp_path):
    """An index built where SoX is missing says so and still answers (Chromaprint)."""
    from cuegraph.api.data.identify import identify_file
    from cuegraph.audio import MissingTool

    m, store_url, _ = setup

    def no_sox(path):
        raise MissingTool("sox is not installed: install SoX")

    with open_store(store_url, read_only=True) as store:
        report = FingerprintIndex(tmp_path / "fps").update(
            audio_files(m.tracks), Linker(store), landmarker=no_sox
        )
        assert len(report.no_landmarks) == len(report.indexed) == 6
        assert report.no_landmarks[0][1].startswith("sox is not installed")
        clip, _ = m.clips["knolls-10s-5db"]
        answer = identify_file(store, BASE, tmp_path / "fps", clip)
    assert answer["method"] == "chromaprint-ber"
    assert answer["matches"][0]["recording"]["title"] == "The Knolls of Doldesh"


def test_post_identify(client, setup):
    m, _, _ = setup
    clip, _ = m.clips["elvish-5s-10db"]
    r = client.post("/identify", files={"clip": ("clip.wav", clip.read_bytes(), "audio/wav")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "match"
    best = body["matches"][0]
    assert best["recording"]["title"] == "Elvish theme"
    assert [p["name"] for p in best["credits"]["composer"]] == ["Doug Kaufman"]


def test_unindexed_music_is_no_match(client, tmp_path):
    from cuegraph.audio.synth import WESNOTH_MUSIC, make_clip

    clip = make_clip(tmp_path / "x.ogg", WESNOTH_MUSIC, "loyalists.ogg", 30, 10, 10, seed=3)
    r = client.post("/identify", files={"clip": ("x.ogg", clip.read_bytes(), "audio/ogg")})
    assert r.status_code == 200
    assert r.json()["status"] == "no_match" and r.json()["matches"] == []


def _temp_entries() -> set[str]:
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("cuegraph-identify-")}


@pytest.mark.parametrize(
    "name,data,status,words",
    [
        ("empty.ogg", b"", 415, "empty"),
        (
            "text.ogg",
            b"this is not audio, only text pretending to be an OGG file" * 20,
            415,
            "not decodable audio",
        ),
        ("png.wav", b"\x89PNG\r\n\x1a\n" + bytes(2000), 415, "not decodable audio"),
    ],
)
def test_bad_uploads_are_4xx_and_nothing_is_stored(client, setup, name, data, status, words):
    _, _, fps = setup
    before_index = (fps / "index.json").read_bytes()
    before_tmp = _temp_entries()
    r = client.post("/identify", files={"clip": (name, data, "audio/ogg")})
    assert r.status_code == status, r.text
    assert words in r.json()["error"]
    assert (fps / "index.json").read_bytes() == before_index
    assert _temp_entries() == before_tmp


def test_too_long_clip_is_400(client, setup):
    m, _, _ = setup
    r = client.post(
        "/identify", files={"clip": ("ep.ogg", m.episodes[1].read_bytes(), "audio/ogg")}
    )
    assert r.status_code == 400, r.text
    assert "at most 30 s" in r.json()["error"]


def test_too_large_upload_is_413_before_decoding(client):
    big = bytes(2_100_000)
    r = client.post("/identify", files={"clip": ("big.wav", big, "audio/wav")})
    assert r.status_code == 413
    assert "at most 2000000 bytes" in r.json()["error"] or "larger than" in r.json()["error"]


def test_not_multipart_and_missing_field(client, setup):
    m, _, _ = setup
    clip, _ = m.clips["elvish-5s-10db"]
    r = client.post("/identify", content=clip.read_bytes(), headers={"content-type": "audio/wav"})
    assert r.status_code == 415 and "multipart/form-data" in r.json()["error"]
    r = client.post("/identify", files={"other": ("c.wav", clip.read_bytes(), "audio/wav")})
    assert r.status_code == 400 and "'clip'" in r.json()["error"]
