"""The page in real headless Chromium: "what is playing?" uploads a clip and names the
recording and its composer; a detected cue is labelled as detected on the scene card."""

from __future__ import annotations

import pytest
from audio_support import build_soundtrack_graph, material

from cuegraph.api import create_app
from cuegraph.audio.index import FingerprintIndex, audio_files
from cuegraph.audio.link import Linker
from cuegraph.audio.service import detect_file
from cuegraph.config import Settings
from cuegraph.graph.iris import Minter
from cuegraph.ingest.cues import import_detected
from cuegraph.store import open_store
from support import BASE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory, app_server):
    root = tmp_path_factory.mktemp("page-audio")
    m = material(tmp_path_factory.getbasetemp() / "audio-material")
    store = open_store(f"oxigraph:{root / 'store'}")
    build_soundtrack_graph(store, Minter(BASE))
    fps = root / "fingerprints"
    FingerprintIndex(fps).update(audio_files(m.tracks), Linker(store))
    rows, facts = detect_file(store, fps, m.episodes[1], "battle-for-wesnoth", 1)
    import_detected(store, Minter(BASE), rows, inputs=[("episode1.ogg", facts["sha256"])])
    settings = Settings(fingerprints=str(fps))
    # the store is closed when the server stops
    yield app_server(create_app(store, settings, close_store=True)), m


def test_upload_identifies_clip(page, server):
    base, m = server
    clip, _ = m.clips["knolls-10s-5db"]
    page.goto(base + "/#/scene")
    page.set_input_files("#identify-clip", str(clip))
    page.click("#identify-submit")
    card = page.locator(".identify-match").first
    card.wait_for(timeout=30000)
    assert card.locator("h3").inner_text() == "The Knolls of Doldesh"
    assert "composer: Timothy Pinkham" in card.inner_text()
    assert page.console_errors == []


def test_bad_upload_shows_the_error(page, server, tmp_path):
    base, _ = server
    junk = tmp_path / "notes.ogg"
    junk.write_text("not audio")
    page.goto(base + "/#/scene")
    page.set_input_files("#identify-clip", str(junk))
    page.click("#identify-submit")
    err = page.locator("#identify-result .error")
    err.wait_for(timeout=30000)
    assert err.get_attribute("data-status") == "415"
    assert "not decodable audio" in err.inner_text()


def test_detected_cue_is_labelled_on_scene_card(page, server):
    base, _ = server
    page.goto(base + "/#/scene?work=battle-for-wesnoth&episode=1&t=0:12")
    label = page.locator(".card.cue .detected").first
    label.wait_for(timeout=30000)
    text = label.inner_text()
    assert "detected" in text and "chromaprint-ber" in text and "confidence" in text
    assert "The Knolls of Doldesh" in page.locator(".card.cue h3").first.inner_text()
