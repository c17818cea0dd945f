"""Decode audio and compute Chromaprint's raw sub-fingerprints with ``fpcalc``.

Chromaprint (the fingerprinter behind AcoustID) turns audio into one 32-bit *sub-fingerprint*
per frame of 4096/3 samples at 11025 Hz — about 8.08 a second, each describing the chroma
(pitch-class) energy changes around it. Two stretches of the same recording give
sub-fingerprints that differ in few bits even under speech and noise; unrelated audio
differs in about half of them. ``fpcalc`` decodes anything FFmpeg reads (OGG, MP3, FLAC,
WAV, AAC/MP4, Opus …), so it is also the decoder: a file it cannot decode is not audio.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cuegraph.audio import require
from cuegraph.errors import BadInput

if TYPE_CHECKING:  # numpy is the optional [audio] extra
    import numpy as np

__all__ = ["FRAME_SECONDS", "Fingerprint", "fingerprint_file", "NotAudio"]

#: seconds per sub-fingerprint (Chromaprint: 11025 Hz, frame 4096, hop 4096/3 samples)
FRAME_SECONDS = (4096 / 3) / 11025


class NotAudio(BadInput):
    """The file is empty or not decodable audio."""

    status = 415


@dataclass(frozen=True)
class Fingerprint:
    """Raw sub-fingerprints (a numpy ``uint32`` array) and the decoded duration (seconds)."""

    values: np.ndarray  # uint32
    duration: float

    @property
    def frames(self) -> int:
        return len(self.values)


def fingerprint_file(
    path: str | Path, max_seconds: float | None = None, timeout: float = 600
) -> Fingerprint:
    """Decode ``path`` and fingerprint it (the whole file, or its first ``max_seconds``).

    Raises:
        MissingTool: fpcalc or numpy is not installed.
        NotAudio: empty, or not decodable as audio.
    """
    require("fpcalc", "numpy")
    import numpy as np

    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such audio file: {path}")
    if path.stat().st_size == 0:
        raise NotAudio(f"{path.name} is empty")
    length = "0" if max_seconds is None else str(max(1, int(max_seconds + 0.999)))
    try:
        out = subprocess.run(
            ["fpcalc", "-json", "-raw", "-length", length, str(path)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BadInput(f"decoding {path.name} took more than {timeout:.0f} s") from None
    try:
        data = json.loads(out.stdout or b"{}")
    except ValueError:
        data = {}
    if out.returncode != 0 and not data.get("fingerprint"):
        lines = out.stderr.decode("utf-8", "replace").strip().splitlines()
        why = lines[-1].removeprefix("ERROR: ") if lines else f"fpcalc exit {out.returncode}"
        raise NotAudio(f"{path.name} is not decodable audio ({why})")
    values = np.asarray(data.get("fingerprint") or [], dtype=np.uint32)
    duration = float(data.get("duration") or 0.0)
    if duration <= 0 or len(values) == 0:
        raise NotAudio(
            f"{path.name} holds no audio (too short to fingerprint: "
            "a clip needs at least about 3 seconds)"
        )
    return Fingerprint(values, duration)
