"""Landmark (spectral peak pair) hashes for identifying short, noisy clips.

The classic matcher of Wang (2003, "Shazam"), audfprint and Dejavu: the audio is decoded to
mono 11025 Hz (SoX), a spectrogram is taken (512-sample Hann frames, hop 128: 11.6 ms ×
21.5 Hz, up to 5.5 kHz), and its *peaks* — points that are the maximum of their ±``NEIGH``
frames × ±``NEIGH`` bins neighbourhood and stand above their frame's median — are kept. Each
peak is paired with up to ``FANOUT`` later peaks within ``DT`` frames and ±``DF`` bins; a
pair's hash packs (f1, f2 − f1, t2 − t1) in 21 bits, stored with t1. A peak survives speech
and noise that leave its neighbourhood quieter than the music, so a noisy clip keeps a part
of its hashes; a clip of a recording has many hashes agreeing on **one** time offset into
that recording, unrelated audio has only scattered chance collisions.

:func:`landmarks_of` gives a file's (hashes, times); :class:`LandmarkIndex` holds every
indexed recording's, sorted by hash, and :meth:`LandmarkIndex.rank` votes a clip's hashes
into (recording, offset) bins.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "RATE",
    "HOP",
    "FRAME_SECONDS",
    "landmarks_of",
    "decode",
    "LandmarkIndex",
    "LandmarkMatch",
    "MIN_VOTES",
    "MIN_RATIO",
    "PARAMETERS",
]

RATE, NFFT, HOP = 11025, 512, 128
NEIGH, FANOUT, DT, DF = 10, 5, 63, 63
FRAME_SECONDS = HOP / RATE
#: an answer needs this many hashes agreeing on one offset (±1 frame) ...
MIN_VOTES = 12
#: ... and this many times the votes of the best offset of any other recording
MIN_RATIO = 3.0
PARAMETERS = {
    "rate": RATE,
    "nfft": NFFT,
    "hop": HOP,
    "neighbourhood": NEIGH,
    "fanout": FANOUT,
    "dt": DT,
    "df": DF,
    "min_votes": MIN_VOTES,
    "min_ratio": MIN_RATIO,
}


def decode(path: str | Path, max_seconds: float | None = None) -> np.ndarray:
    """Mono float32 samples at :data:`RATE`, decoded by SoX.

    Raises:
        MissingTool: sox is not installed. ValueError: SoX cannot decode the file.
    """
    from cuegraph.audio import require

    require("sox")
    cmd = [
        "sox",
        "-V1",
        str(path),
        "-t",
        "raw",
        "-e",
        "float",
        "-b",
        "32",
        "-r",
        str(RATE),
        "-c",
        "1",
        "-",
    ]
    if max_seconds is not None:
        cmd += ["trim", "0", f"{max_seconds:.3f}"]
    out = subprocess.run(cmd, capture_output=True, check=False, timeout=600)
    if out.returncode != 0:
        why = out.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ValueError(why[-1] if why else f"sox exit {out.returncode}")
    return np.frombuffer(out.stdout, dtype=np.float32)


def _max_filter(a: np.ndarray, r: int) -> np.ndarray:
    """Maximum over a (2r+1) × (2r+1) neighbourhood: separable, each axis by doubling
    (widths 1, 2, 4 … then two overlapping windows), O(log r) passes."""
    out = a
    w = 2 * r + 1
    for axis in (0, 1):
        n = out.shape[axis]
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r, r + w)
        m = np.pad(out, pad, constant_values=-np.inf)
        width = 1
        while width * 2 <= w:
            sh = [slice(None)] * 2
            sh[axis] = slice(width, None)
            head = [slice(None)] * 2
            head[axis] = slice(0, m.shape[axis] - width)
            m = np.maximum(m[tuple(head)], m[tuple(sh)])
            width *= 2
        a0 = [slice(None)] * 2
        a1 = [slice(None)] * 2
        a0[axis] = slice(0, n)
        a1[axis] = slice(w - width, w - width + n)
        out = np.maximum(m[tuple(a0)], m[tuple(a1)])
    return out


def peaks(x: np.ndarray, block: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Spectral peaks of mono samples: (frame, bin) arrays sorted by frame."""
    if len(x) < NFFT:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    window = np.hanning(NFFT).astype(np.float32)
    frames = sliding_window_view(x, NFFT)[::HOP]
    ts, fs = [], []
    # blocks of frames overlapping by NEIGH so a peak at a block edge sees its neighbours
    for b0 in range(0, len(frames), block):
        lo, hi = max(0, b0 - NEIGH), min(len(frames), b0 + block + NEIGH)
        spec = np.abs(np.fft.rfft(frames[lo:hi] * window, axis=1))[:, 1:257].astype(np.float32)
        spec = np.log1p(spec * 100)
        ok = (spec == _max_filter(spec, NEIGH)) & (
            spec > np.median(spec, axis=1, keepdims=True) + 0.5
        )
        t, f = np.nonzero(ok)
        t = t + lo
        keep = (t >= b0) & (t < b0 + block)
        ts.append(t[keep])
        fs.append(f[keep])
    return np.concatenate(ts).astype(np.int64), np.concatenate(fs).astype(np.int64)


def hashes(t: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Peak pairs → (hash uint32, anchor frame uint32), in anchor order."""
    order = np.lexsort((f, t))
    t, f = t[order], f[order]
    n = len(t)
    taken = np.zeros(n, dtype=np.int64)
    hs, ts = [], []
    for k in range(1, 64):
        if k >= n:
            break
        dt = t[k:] - t[:-k]
        df = f[k:] - f[:-k]
        live = dt <= DT
        if not live.any():
            break
        ok = live & (dt >= 1) & (np.abs(df) <= DF) & (taken[:-k] < FANOUT)
        idx = np.nonzero(ok)[0]
        taken[idx] += 1
        hs.append((f[idx] << 13) | ((df[idx] + 64) << 6) | dt[idx])
        ts.append(t[idx])
    if not hs:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32)
    h, tt = np.concatenate(hs), np.concatenate(ts)
    o = np.argsort(tt, kind="stable")
    return h[o].astype(np.uint32), tt[o].astype(np.uint32)


def landmarks_of(
    path: str | Path, max_seconds: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A file's landmark hashes and their anchor frames (decoded with SoX)."""
    return hashes(*peaks(decode(path, max_seconds)))


@dataclass(frozen=True)
class LandmarkMatch:
    rec: int  # recording number (index into LandmarkIndex.keys)
    votes: int  # hashes agreeing on the offset (±1 frame)
    hashes: int  # the clip's hashes
    offset: int  # frame of the recording where the clip starts
    next_votes: int  # best votes of any other recording

    @property
    def score(self) -> float:
        """Share of the clip's hashes that agree (0..1)."""
        return self.votes / max(self.hashes, 1)

    @property
    def seconds(self) -> float:
        return max(self.offset, 0) * FRAME_SECONDS

    @property
    def z(self) -> float:
        """Votes above the runner-up in Poisson standard deviations of the runner-up."""
        return (self.votes - self.next_votes) / np.sqrt(self.next_votes + 1.0)

    @property
    def confidence(self) -> float:
        """0 at the answer thresholds, 1 at four times them."""
        v = (self.votes - MIN_VOTES) / (3.0 * MIN_VOTES)
        r = (self.votes / max(self.next_votes, 1) - MIN_RATIO) / (3.0 * MIN_RATIO)
        return round(float(min(1.0, max(0.0, min(v, r)))), 3)


class LandmarkIndex:
    """Every indexed recording's landmarks, sorted by hash."""

    def __init__(self, items: Iterable[tuple[str, np.ndarray, np.ndarray]]):
        keys, hs, ts, ids = [], [], [], []
        for k, (key, h, t) in enumerate(items):
            keys.append(key)
            hs.append(np.asarray(h, np.uint32))
            ts.append(np.asarray(t, np.int64))
            ids.append(np.full(len(h), k, dtype=np.int32))
        self.keys: list[str] = keys
        if not hs:
            self.h = np.zeros(0, np.uint32)
            self.t = np.zeros(0, np.int64)
            self.i = np.zeros(0, np.int32)
            return
        h, t, i = np.concatenate(hs), np.concatenate(ts), np.concatenate(ids)
        order = np.argsort(h, kind="stable")
        self.h, self.t, self.i = h[order], t[order], i[order]

    def __len__(self) -> int:
        return len(self.keys)

    def votes(
        self, qh: np.ndarray, qt: np.ndarray, cap: int = 300
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(recording, offset, votes) for every bin with any vote; each bin's votes include
        its ±1 frame neighbours (decoding and resampling jitter a peak by a frame)."""
        lo = np.searchsorted(self.h, qh, side="left")
        hi = np.minimum(np.searchsorted(self.h, qh, side="right"), lo + cap)
        n = hi - lo
        total = int(n.sum())
        if not total:
            return (np.zeros(0, np.int64),) * 3
        starts = np.repeat(lo, n)
        within = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
        j = starts + within
        rec = self.i[j].astype(np.int64)
        off = self.t[j] - np.repeat(qt.astype(np.int64), n)
        span = 1 << 32
        key = rec * span + (off + span // 2)
        uk, counts = np.unique(key, return_counts=True)
        near = counts.copy()
        for d in (-1, 1):
            pos = np.searchsorted(uk, uk + d)
            hit = (pos < len(uk)) & (uk[np.minimum(pos, len(uk) - 1)] == uk + d)
            near[hit] += counts[pos[hit]]
        return uk // span, uk % span - span // 2, near

    def rank(
        self,
        qh: np.ndarray,
        qt: np.ndarray,
        min_votes: int = MIN_VOTES,
        min_ratio: float = MIN_RATIO,
    ) -> list[LandmarkMatch]:
        """The recordings a clip matches, best first. The best one is an answer when its
        best offset has ``min_votes`` and ``min_ratio`` times the best of any other
        recording; further ones are listed while they pass the same tests against the
        next."""
        rec, off, near = self.votes(qh, qt)
        if not len(rec):
            return []
        best: dict[int, tuple[int, int]] = {}
        for k in np.argsort(-near, kind="stable")[:2000]:
            r = int(rec[k])
            if r not in best:
                best[r] = (int(near[k]), int(off[k]))
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
        out = []
        for n, (r, (v, o)) in enumerate(ranked):
            nxt = ranked[n + 1][1][0] if n + 1 < len(ranked) else 0
            if v < min_votes or v < min_ratio * max(nxt, 1):
                break
            out.append(LandmarkMatch(r, v, len(qh), o, nxt))
        return out
