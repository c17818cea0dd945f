"""Align raw Chromaprint sub-fingerprints by bit error rate (BER).

Every sub-fingerprint is 32 bits. Written as ±1 values, the dot product of two frames is
``32 − 2·(differing bits)``, so the sum of dot products along a *diagonal* — query frame
``i`` against reference frame ``i + d`` for a fixed alignment ``d`` — over a window of ``W``
frames gives that window's BER at that alignment: ``BER = (1 − sum / (32·W)) / 2``. Unrelated
audio sits near 0.47–0.5; the same recording under speech and noise stays well below.

:class:`Reference` concatenates every indexed recording (zero frames between them, so a
window never spans two) into one ±1 matrix. :func:`window_scores` multiplies a block of query
frames with it (one BLAS matrix product: every frame against every reference frame), shears
the product so that each column is one alignment, and sums each window of ``W`` frames down
the columns — every alignment of every window against every recording, with no candidate
step that could miss a noisy match. Frames that do not change (silence, a held tone) carry
no information and are zeroed, so silence never matches silence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.lib.stride_tricks import as_strided

if TYPE_CHECKING:
    from cuegraph.audio.landmarks import LandmarkIndex

__all__ = ["to_signs", "Reference", "window_scores", "WindowHit", "diagonal_dots"]


def to_signs(values: np.ndarray) -> np.ndarray:
    """``uint32`` sub-fingerprints → ``float32`` matrix of ±1 (frames × 32); frames equal to
    both neighbours (silence, a steady tone: no information) become 0, so silence never
    matches silence."""
    v = np.asarray(values, dtype=np.uint32)
    bits = np.unpackbits(v.astype(">u4").view(np.uint8)).reshape(-1, 32)
    signs = bits.astype(np.float32) * 2 - 1
    if len(v) >= 3:
        static = np.zeros(len(v), dtype=bool)
        static[1:-1] = (v[1:-1] == v[:-2]) & (v[1:-1] == v[2:])
        signs[static] = 0
    return signs


class Reference:
    """The indexed recordings as one matrix: ``keys[k]`` occupies rows
    ``starts[k] : starts[k] + lengths[k]`` of ``signs``; ``gap`` zero rows separate them."""

    def __init__(self, items: Iterable[tuple[str, np.ndarray]], gap: int = 64):
        keys, parts, starts, lengths = [], [], [], []
        pos = 0
        zeros = np.zeros((gap, 32), dtype=np.float32)
        for key, values in items:
            s = to_signs(values)
            keys.append(key)
            starts.append(pos)
            lengths.append(len(s))
            parts += [s, zeros]
            pos += len(s) + gap
        self.keys: list[str] = keys
        self.starts = np.asarray(starts, dtype=np.int64)
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.signs = np.concatenate(parts) if parts else np.zeros((0, 32), np.float32)
        self.signs_t = np.ascontiguousarray(self.signs.T)
        energy = np.einsum("ij,ij->i", self.signs, self.signs).astype(np.float64)
        self.energy_cum = np.concatenate([[0.0], np.cumsum(energy)])
        #: landmark hashes of the same recordings, when indexed (set by the loader)
        self.landmarks: LandmarkIndex | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def locate(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Reference rows → (recording number, frame within it); -1 for gap rows."""
        k = np.searchsorted(self.starts, rows, side="right") - 1
        k = np.clip(k, 0, max(len(self.starts) - 1, 0))
        frame = rows - self.starts[k]
        bad = (rows < 0) | (frame >= self.lengths[k]) | (frame < 0)
        return np.where(bad, -1, k), np.where(bad, -1, frame)


@dataclass(frozen=True)
class WindowHit:
    """Query frames ``start : start + width`` match recording ``rec`` from its frame
    ``rec_frame`` with correlation ``score``."""

    start: int
    width: int
    rec: int
    rec_frame: int
    score: float  # 1 - 2·BER over the informative frames: ~0 unrelated, 1 identical
    z: float = 0.0  # how many standard deviations above this window's scores at all alignments


def window_scores(
    query: np.ndarray, ref: Reference, width: int, hop: int, top: int = 4, block: int = 256
) -> list[list[WindowHit]]:
    """For each window of ``width`` query frames starting every ``hop`` frames, the ``top``
    best (recording, alignment) pairs by score (1 − 2·BER). ``query`` comes from
    :func:`to_signs`.

    ``width`` must be a multiple of ``hop``. Works block by block (``block`` windows' worth
    of frames at a time) so memory stays bounded for a whole episode.
    """
    if width % hop:
        raise ValueError("width must be a multiple of hop")
    n = len(query)
    out: list[list[WindowHit]] = []
    if n < width or not len(ref):
        return out
    starts = list(range(0, n - width + 1, hop))
    per = max(1, block // hop)
    c = ref.signs.shape[0]
    qe = np.concatenate([[0.0], np.cumsum(np.einsum("ij,ij->i", query, query), dtype=np.float64)])
    for b0 in range(0, len(starts), per):
        ws = starts[b0 : b0 + per]
        lo, hi = ws[0], ws[-1] + width
        r = hi - lo
        s = query[lo:hi] @ ref.signs_t  # (r, c): every frame against every reference frame
        # shear: column m of v is alignment d = m - r (reference row = query row + d)
        p = np.zeros((r, c + 2 * r), dtype=np.float32)
        p[:, r : r + c] = s
        item = p.itemsize
        v = as_strided(p, shape=(r, c + r), strides=(p.strides[0] + item, item))
        # sums of hop-row slices, then of width/hop consecutive slices
        nh = r // hop
        hs = v[: nh * hop].reshape(nh, hop, c + r).sum(axis=1)
        k = width // hop
        cs = np.cumsum(hs, axis=0)
        cs = np.concatenate([np.zeros((1, c + r), np.float32), cs])
        for w0 in ws:
            j = (w0 - lo) // hop
            sums = cs[j + k] - cs[j]
            # normalise by both sides' energy over the window (reference rows clipped)
            rows_all = (w0 - lo) + np.arange(c + r) - r
            a = np.clip(rows_all, 0, c)
            b = np.clip(rows_all + width, 0, c)
            er = ref.energy_cum[b] - ref.energy_cum[a]
            eq = qe[w0 + width] - qe[w0]
            sums = sums / np.sqrt(np.maximum(er * eq, 1e-9)).astype(np.float32)
            valid = sums[r:c]  # alignments starting inside the reference
            mu, sd = float(valid.mean()), float(valid.std()) or 1.0
            best = np.argpartition(-sums, top)[:top] if len(sums) > top else np.arange(len(sums))
            best = best[np.argsort(-sums[best])]
            d = best - r  # alignment relative to the block's first row
            rows = (w0 - lo) + d  # reference row of the window's first frame
            recs, frames = ref.locate(rows)
            hits = []
            for m, rec, fr in zip(best, recs, frames, strict=True):
                if rec < 0:
                    continue
                hits.append(
                    WindowHit(
                        w0, width, int(rec), int(fr), float(sums[m]), (float(sums[m]) - mu) / sd
                    )
                )
            out.append(hits)
    return out


def diagonal_dots(
    query: np.ndarray, ref: Reference, rec: int, offset: int, lo: int, hi: int
) -> np.ndarray:
    """Per-frame dot products along one alignment: query frame ``q`` (``lo <= q < hi``)
    against frame ``q + offset`` of recording ``rec``; 0 where that frame does not exist."""
    out = np.zeros(max(hi - lo, 0), dtype=np.float32)
    q = np.arange(lo, hi)
    f = q + offset
    ok = (f >= 0) & (f < ref.lengths[rec]) & (q >= 0) & (q < len(query))
    rows = ref.starts[rec] + f[ok]
    out[ok] = np.einsum("ij,ij->i", query[q[ok]], ref.signs[rows])
    return out


def best_segment(dots: Iterable[float], bias: float) -> tuple[int, int, float]:
    """The stretch ``[a, b)`` maximising ``sum(dots[a:b] - bias)`` (Kadane's algorithm),
    and that sum: where the match holds above the ``bias`` level."""
    best, best_a, best_b = 0.0, 0, 0
    cur, a = 0.0, 0
    for i, x in enumerate(dots):
        if cur <= 0:
            cur, a = 0.0, i
        cur += float(x) - bias
        if cur > best:
            best, best_a, best_b = cur, a, i + 1
    return best_a, best_b, best
