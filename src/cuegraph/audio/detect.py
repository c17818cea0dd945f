"""Find where indexed recordings play in a longer recording (an episode's audio).

1. Every window of :data:`WIDTH` sub-fingerprints (about 6 s), every :data:`HOP` frames
   (1 s), is scored against every alignment of every indexed recording
   (:func:`cuegraph.audio.match.window_scores`).
2. Windows whose best matches reach :data:`WINDOW_THRESHOLD` vote for (recording,
   alignment) pairs; votes of neighbouring windows on the same alignment (±2 frames) chain up.
3. Each chain's boundaries are refined frame by frame along its alignment: the stretch where
   the per-frame agreement stays above :data:`FRAME_BIAS` on average (a maximum-sum segment).
4. A stretch is kept as a cue when it lasts at least ``min_seconds``, its agreement over
   the whole stretch reaches :data:`CUE_THRESHOLD`, and agreement × √seconds reaches
   :data:`EVIDENCE_THRESHOLD` (a short stretch must agree more); of cues overlapping by more
   than half the shorter one, the better one wins (a recording that repeats itself, two
   similar tracks).

Scores are ``1 − 2·BER`` over the informative frames: ≈ 0 for unrelated audio, 1 for
identical. ``confidence`` maps a cue's score to 0..1 (:func:`confidence`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cuegraph.audio.fingerprint import FRAME_SECONDS
from cuegraph.audio.match import Reference, best_segment, diagonal_dots, to_signs, window_scores

__all__ = [
    "DetectedCue",
    "detect",
    "confidence",
    "PARAMETERS",
    "WIDTH",
    "HOP",
    "WINDOW_THRESHOLD",
    "CUE_THRESHOLD",
    "FRAME_BIAS",
]

WIDTH = 48
HOP = 8
WINDOW_THRESHOLD = 0.30
CUE_THRESHOLD = 0.30
#: and score × √seconds must reach this: a short stretch needs a higher score (chance
#: agreement of unrelated music shrinks with length, like a standard error)
EVIDENCE_THRESHOLD = 1.2
FRAME_BIAS = 0.12
MIN_SECONDS = 4.0
#: a sub-fingerprint is computed from 16 chroma frames of 4096 samples, hop 4096/3, at
#: 11025 Hz: it describes the ~2.2 s of audio after its frame start, so it is timed at the
#: middle of that span
TIME_SHIFT = (15 * 4096 / 3 + 4096) / 2 / 11025

#: what the method was run with (written to the provenance of an import)
PARAMETERS = {
    "window_frames": WIDTH,
    "hop_frames": HOP,
    "window_threshold": WINDOW_THRESHOLD,
    "cue_threshold": CUE_THRESHOLD,
    "evidence_threshold": EVIDENCE_THRESHOLD,
    "frame_bias": FRAME_BIAS,
    "min_seconds": MIN_SECONDS,
    "frame_seconds": round(FRAME_SECONDS, 6),
    "time_shift_seconds": round(TIME_SHIFT, 4),
}

METHOD = "chromaprint-ber"


def confidence(score: float) -> float:
    """A cue's score (1 − 2·BER) → confidence 0..1: 0.2 (barely above chance) → 0,
    0.6 and above (clean, or music over quiet speech) → 1."""
    return round(float(min(1.0, max(0.0, (score - 0.2) / 0.4))), 3)


@dataclass(frozen=True)
class DetectedCue:
    """Recording number ``rec`` (of the reference) plays over ``start``–``end`` seconds of
    the query, from ``rec_start`` seconds of the recording."""

    rec: int
    start: float
    end: float
    rec_start: float
    score: float

    @property
    def confidence(self) -> float:
        return confidence(self.score)


def detect(
    values: np.ndarray,
    ref: Reference,
    min_seconds: float = MIN_SECONDS,
    window_threshold: float = WINDOW_THRESHOLD,
    cue_threshold: float = CUE_THRESHOLD,
) -> list[DetectedCue]:
    """Cues of the indexed recordings in the query sub-fingerprints ``values``."""
    q = to_signs(values)
    if len(q) < WIDTH or not len(ref):
        return []
    chains: list[dict] = []  # rec, align, first, last window start
    open_: dict[tuple[int, int], dict] = {}
    for hits in window_scores(q, ref, WIDTH, HOP, top=6):
        for h in hits:
            if h.score < window_threshold:
                continue
            align = h.rec_frame - h.start
            chain = None
            for da in (0, -1, 1, -2, 2):
                c = open_.get((h.rec, align + da))
                if c is not None and h.start - c["last"] <= 2 * WIDTH:
                    chain = c
                    break
            if chain is None:
                chain = {"rec": h.rec, "aligns": [], "first": h.start, "last": h.start}
                chains.append(chain)
            chain["aligns"].append(align)
            chain["last"] = h.start
            open_[(h.rec, align)] = chain
    found: list[DetectedCue] = []
    qe = np.einsum("ij,ij->i", q, q)
    for c in chains:
        rec = c["rec"]
        align = int(np.median(c["aligns"]))
        lo = max(0, c["first"] - WIDTH)
        hi = min(len(q), c["last"] + 2 * WIDTH)
        dots = diagonal_dots(q, ref, rec, align, lo, hi)
        a, b, _ = best_segment(dots, FRAME_BIAS * 32)
        if b - a < min_seconds / FRAME_SECONDS:
            continue
        rows = ref.starts[rec] + np.arange(lo + a, lo + b) + align
        ok = (rows >= ref.starts[rec]) & (rows < ref.starts[rec] + ref.lengths[rec])
        er = float(np.einsum("ij,ij->", ref.signs[rows[ok]], ref.signs[rows[ok]]))
        score = float(dots[a:b].sum() / np.sqrt(max(er * float(qe[lo + a : lo + b].sum()), 1e-9)))
        if score < cue_threshold or score * np.sqrt((b - a) * FRAME_SECONDS) < EVIDENCE_THRESHOLD:
            continue
        start = (lo + a) * FRAME_SECONDS + TIME_SHIFT
        end = min((lo + b) * FRAME_SECONDS + TIME_SHIFT, len(q) * FRAME_SECONDS + 2 * TIME_SHIFT)
        found.append(
            DetectedCue(
                rec,
                round(start, 2),
                round(end, 2),
                round((lo + a + align) * FRAME_SECONDS + TIME_SHIFT, 2),
                score,
            )
        )
    kept: list[DetectedCue] = []
    for cue in sorted(found, key=lambda x: -x.score * np.sqrt(x.end - x.start)):
        if all(_overlap(cue, k) <= 0.5 for k in kept):
            kept.append(cue)
    return sorted(kept, key=lambda x: x.start)


def _overlap(a: DetectedCue, b: DetectedCue) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    return max(0.0, inter) / max(min(a.end - a.start, b.end - b.start), 1e-9)
