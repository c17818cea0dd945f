"""The recording index: linking by MusicBrainz id tag, title + album, or a mapping CSV;
unlinked files reported; re-indexing sends no unchanged file through the fingerprinter."""

from __future__ import annotations

import json
import shutil
import uuid

import mutagen
import pytest
from audio_support import build_soundtrack_graph

from cuegraph.audio.fingerprint import fingerprint_file
from cuegraph.audio.index import FingerprintIndex, audio_files
from cuegraph.audio.landmarks import landmarks_of
from cuegraph.audio.link import Linker
from cuegraph.audio.synth import WESNOTH_MUSIC
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import write_run
from cuegraph.records import Recording
from cuegraph.store import open_store
from support import BASE, cuegraph_cmd

MBID = str(uuid.uuid4())  # a made-up id, only inside this test's store and file


def _retag(path, **tags) -> None:
    f = mutagen.File(str(path))
    for k, v in tags.items():
        if v is None:
            del f.tags[k]
        else:
            f.tags[k] = [v]
    f.save()


@pytest.fixture
def library(tmp_path):
    """Copies of three real tracks, one retagged with a MusicBrainz id (as Picard writes
    it) and another stripped of its album tag; a store with the soundtrack graph plus one
    recording carrying that MusicBrainz id."""
    music = tmp_path / "music"
    music.mkdir()
    for name in ("knolls.ogg", "wanderer.ogg", "sad.ogg"):
        shutil.copy(WESNOTH_MUSIC / name, music / name)
    _retag(music / "wanderer.ogg", MUSICBRAINZ_TRACKID=MBID, TITLE="Retitled by Picard")
    _retag(music / "sad.ogg", ALBUM=None)
    store_url = f"oxigraph:{tmp_path / 'store'}"
    with open_store(store_url) as store:
        build_soundtrack_graph(store, Minter(BASE))
        write_run(
            store,
            Minter(BASE),
            "test",
            "mbid",
            [
                Recording(
                    key="picard-tagged",
                    title="A recording known by its MBID",
                    ids=(("musicbrainz", MBID),),
                )
            ],
            license="cc0",
        )
    return music, store_url, tmp_path / "fps"


def test_links_by_tags_and_reports_unlinked(library):
    music, store_url, fps = library
    with open_store(store_url, read_only=True) as store:
        report = FingerprintIndex(fps).update(audio_files(music), Linker(store))
    linked = {f.rsplit("/", 1)[-1]: (rec, how) for f, rec, how in report.indexed}
    assert linked == {
        "knolls.ogg": (f"{BASE}recording/battle-for-wesnoth-knolls", "title+album"),
        "wanderer.ogg": (f"{BASE}recording/picard-tagged", "musicbrainz-id"),
    }
    (unlinked,) = report.unlinked
    assert unlinked[0].endswith("sad.ogg") and "no album tag" in unlinked[1]
    data = json.loads((fps / "index.json").read_text())
    assert all("sha256" in e and e["fingerprint"].endswith(".npy") for e in data["files"].values())


def test_reindex_skips_unchanged_files(library):
    music, store_url, fps = library
    calls = []

    def counting(path):
        calls.append(path.name)
        return fingerprint_file(path)

    def landmarks(path):  # hashes of a few seconds: this test is about skipping
        calls.append("landmarks " + path.name)
        return landmarks_of(path, max_seconds=5)

    with open_store(store_url, read_only=True) as store:
        linker = Linker(store)
        FingerprintIndex(fps).update(
            audio_files(music), linker, fingerprinter=counting, landmarker=landmarks
        )
        assert sorted(calls) == [
            "knolls.ogg",
            "landmarks knolls.ogg",
            "landmarks wanderer.ogg",
            "wanderer.ogg",
        ]
        calls.clear()
        again = FingerprintIndex(fps).update(
            audio_files(music), linker, fingerprinter=counting, landmarker=landmarks
        )
        assert calls == [] and len(again.skipped) == 2
        # touched but same content: the hash says unchanged, still no fingerprinting
        (music / "knolls.ogg").touch()
        FingerprintIndex(fps).update(
            audio_files(music), linker, fingerprinter=counting, landmarker=landmarks
        )
        assert calls == []
        # new content under the same name is fingerprinted again
        shutil.copy(WESNOTH_MUSIC / "knolls.ogg", music / "knolls.ogg")
        with open(music / "knolls.ogg", "ab") as fh:
            fh.write(b"\0")
        FingerprintIndex(fps).update(
            audio_files(music), linker, fingerprinter=counting, landmarker=landmarks
        )
        assert calls == ["knolls.ogg", "landmarks knolls.ogg"]


def test_cli_index_with_mapping(library, tmp_path):
    music, store_url, fps = library
    mapping = tmp_path / "map.csv"
    mapping.write_text(f"file,recording\nsad.ogg,{BASE}recording/battle-for-wesnoth-sad\n")
    env = {"CUEGRAPH_STORE": store_url}
    res = cuegraph_cmd("tracks", "index", str(music), "--index", str(fps), env=env)
    assert res.returncode == 0, res.stderr
    assert "unlinked sad.ogg" in res.stderr
    assert "2 indexed, 0 unchanged (skipped), 1 unlinked" in res.stdout
    res = cuegraph_cmd(
        "tracks", "index", str(music), "--index", str(fps), "--mapping", str(mapping), env=env
    )
    assert res.returncode == 0, res.stderr
    assert "indexed sad.ogg -> " + f"{BASE}recording/battle-for-wesnoth-sad (mapping)" in res.stdout
    assert "1 indexed, 2 unchanged (skipped), 0 unlinked" in res.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("file,recording\nsad.ogg,not-an-iri\n")
    res = cuegraph_cmd(
        "tracks", "index", str(music), "--index", str(fps), "--mapping", str(bad), env=env
    )
    assert res.returncode == 1 and res.stderr.startswith("error: mapping")
