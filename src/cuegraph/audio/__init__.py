"""Timed cues from sound: fingerprint the recordings a user owns, find where they play in an
episode's audio, and identify a short clip.

The pieces, each its own module:

* :mod:`~cuegraph.audio.fingerprint` — decode any audio file and compute Chromaprint's raw
  32-bit sub-fingerprints (about 8 a second) with ``fpcalc`` (Debian/Ubuntu:
  ``libchromaprint-tools``; macOS: ``brew install chromaprint``).
* :mod:`~cuegraph.audio.index` — the recording index: fingerprints stored beside the store
  (not as RDF), keyed by recording IRI, with each file's size, mtime and hash so a re-run
  skips unchanged files.
* :mod:`~cuegraph.audio.link` — link a file to a recording in the graph (MusicBrainz
  recording id tag, else title + album/track number, else a mapping CSV).
* :mod:`~cuegraph.audio.match` — align sub-fingerprints by bit error rate (cue detection).
* :mod:`~cuegraph.audio.landmarks` — spectral peak-pair hashes (decoded with SoX) that
  identify a short noisy clip; stored in the index beside the fingerprints.
* :mod:`~cuegraph.audio.detect` — cues in an episode; :mod:`~cuegraph.audio.identify` — a clip.
* :mod:`~cuegraph.audio.synth` — generated test material (episodes and clips mixed with sox
  and espeak-ng from real, freely licensed recordings).

Nothing here is needed by ``make run``: the commands that need a missing piece say which one
and how to install it (:func:`require`).
"""

from __future__ import annotations

import importlib.util
import shutil

from cuegraph.errors import CuegraphError

__all__ = ["require", "MissingTool"]

#: what to install for each tool or module
INSTALL_HINTS = {
    "fpcalc": "install Chromaprint's fpcalc: apt-get install libchromaprint-tools "
    "(macOS: brew install chromaprint)",
    "sox": "install SoX: apt-get install sox libsox-fmt-all",
    "espeak-ng": "install eSpeak NG: apt-get install espeak-ng",
    "numpy": "install the audio extra: pip install 'cuegraph[audio]'",
    "mutagen": "install the audio extra: pip install 'cuegraph[audio]'",
}


class MissingTool(CuegraphError):
    """A program or Python module the audio commands need is not installed (503 over HTTP:
    the server, not the request, lacks it)."""

    status = 503


def require(*names: str) -> None:
    """Check that programs (on PATH) or Python modules are available.

    Raises:
        MissingTool: naming the first missing one and how to install it.
    """
    for name in names:
        if name in ("numpy", "mutagen"):
            ok = importlib.util.find_spec(name) is not None
        else:
            ok = shutil.which(name) is not None
        if not ok:
            raise MissingTool(f"{name} is not installed: {INSTALL_HINTS[name]}")
