"""Without fpcalc the audio commands say what is missing and how to install it."""

from __future__ import annotations

import os
import sys

from support import cuegraph_cmd


def test_missing_fpcalc_is_named_with_install_hint(tmp_path):
    clip = tmp_path / "clip.ogg"
    clip.write_bytes(b"OggS")
    # a PATH with python's own folder but not /usr/bin, where fpcalc lives
    env = {
        "PATH": os.path.dirname(os.path.realpath(sys.executable)),
        "CUEGRAPH_STORE": "memory:",
        "CUEGRAPH_FINGERPRINTS": str(tmp_path / "fps"),
    }
    res = cuegraph_cmd("identify", str(clip), env=env)
    assert res.returncode == 1
    assert res.stderr.strip() == (
        "error: fpcalc is not installed: install Chromaprint's "
        "fpcalc: apt-get install libchromaprint-tools "
        "(macOS: brew install chromaprint)"
    )
