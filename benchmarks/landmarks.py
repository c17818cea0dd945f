"""A landmark (spectral peak pair) matcher, the other classic way to find a recording in
noisy audio (Wang 2003, "Shazam"; audfprint, Dejavu), written here only to compare with
cuegraph's Chromaprint BER alignment on the same clips (``benchmarks/audio.py``).

Spectrogram (22050 Hz mono, 1024-sample frames, hop 256); peaks are points that are the
maximum of their ±``NEIGH`` neighbourhood in time and frequency and above the frame's
median; each peak is paired with up to ``FANOUT`` later peaks within ``DT`` frames and ±``DF``
bins; a hash packs (f1, f2 − f1, dt). A query votes for (recording, time offset); the
recording with the most votes at one offset wins if they reach ``MIN_VOTES``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cuegraph.audio.synth import read_audio

NFFT, HOP, NEIGH, FANOUT, DT, DF, MIN_VOTES = 1024, 256, 10, 5, 63, 63, 6


def _max_filter(a: np.ndarray, r: int) -> np.ndarray:
    """Maximum over a (2r+1) x (2r+1) neighbourhood, one shifted np.maximum at a time."""
    out = a.copy()
    for axis in (0, 1):
        src = out.copy()
        n = a.shape[axis]
        for d in range(1, r + 1):
            if d >= n:
                break
            lo = [slice(None)] * 2
            hi = [slice(None)] * 2
            lo[axis], hi[axis] = slice(0, n - d), slice(d, n)
            np.maximum(out[tuple(lo)], src[tuple(hi)], out=out[tuple(lo)])
            np.maximum(out[tuple(hi)], src[tuple(lo)], out=out[tuple(hi)])
    return out


def _peaks(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(x) < NFFT:
        return np.zeros(0, int), np.zeros(0, int)
    frames = sliding_window_view(x, NFFT)[::HOP] * np.hanning(NFFT).astype(np.float32)
    spec = np.log1p(np.abs(np.fft.rfft(frames, axis=1)).astype(np.float32) * 100)
    spec = spec[:, 1:257]  # up to ~5.5 kHz
    m = _max_filter(spec, NEIGH)
    ok = (spec == m) & (spec > np.median(spec, axis=1, keepdims=True) + 0.5)
    t, f = np.nonzero(ok)
    return t, f


def _hashes(t: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(t, kind="stable")
    t, f = t[order], f[order]
    hs, ts = [], []
    for i in range(len(t)):
        n = 0
        for j in range(i + 1, len(t)):
            dt = t[j] - t[i]
            if dt > DT:
                break
            if dt < 1 or abs(f[j] - f[i]) > DF:
                continue
            hs.append((int(f[i]) << 15) | ((int(f[j] - f[i]) + 64) << 7) | int(dt))
            ts.append(int(t[i]))
            n += 1
            if n >= FANOUT:
                break
    return np.asarray(hs, dtype=np.int64), np.asarray(ts, dtype=np.int64)


class LandmarkIndex:
    def __init__(self, items: list[tuple[str, Path]]):
        keys, hs, ts, ids = [], [], [], []
        for k, (key, path) in enumerate(items):
            h, t = _hashes(*_peaks(read_audio(path)))
            keys.append(key)
            hs.append(h)
            ts.append(t)
            ids.append(np.full(len(h), k, dtype=np.int64))
        h, t, i = np.concatenate(hs), np.concatenate(ts), np.concatenate(ids)
        order = np.argsort(h, kind="stable")
        self.keys, self.h, self.t, self.i = keys, h[order], t[order], i[order]

    def identify(self, path: Path) -> str | None:
        qh, qt = _hashes(*_peaks(read_audio(path)))
        if not len(qh):
            return None
        lo = np.searchsorted(self.h, qh, side="left")
        hi = np.searchsorted(self.h, qh, side="right")
        votes: dict[tuple[int, int], int] = {}
        for a, b, t in zip(lo, hi, qt, strict=True):
            for j in range(a, min(b, a + 200)):
                key = (int(self.i[j]), int(self.t[j] - t))
                votes[key] = votes.get(key, 0) + 1
        if not votes:
            return None
        (rec, _), n = max(votes.items(), key=lambda kv: kv[1])
        return self.keys[rec] if n >= MIN_VOTES else None
