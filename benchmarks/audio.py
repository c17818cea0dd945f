"""Cues from sound, measured on generated material (``make bench``; ``python -m
benchmarks.audio`` alone).

The material is mixed from Battle for Wesnoth's soundtrack (Debian's wesnoth-1.16-music,
GPL): a 50-recording index — 29 of the real tracks (those of 20 s or more, less 8 held out)
plus 21 speed-shifted (±7 %, ±12 %) versions of them as further recordings — and the 8
held-out real tracks as distractors that are not in
the index. Two 24-minute "episodes" carry excerpts of 5–90 s at known offsets under eSpeak NG
dialogue (music-to-speech 10, 5 and 0 dB) with a pink-noise floor, fades and volume ramps;
clips of 5 and 10 s are cut at SNR 0, 5 and 10 dB (speech + noise, speaker-like band
limit). It is built once into a cache folder (``$TMPDIR/cuegraph-bench-audio``).

Printed: cue precision and recall (all excerpts, ≥ 8 s, per length and per level), median
and p90 boundary error, detection speed as a multiple of real time (fingerprinting the
episode included; the index is loaded once), and clip identification accuracy per length
and SNR, with the false-match rate on clips of held-out tracks — for the landmark hashes
``identify`` uses and, side by side on the same clips, the Chromaprint BER alignment it used
before (and still uses where a clip or recording has no landmarks).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["report", "build_material"]

HELD_OUT = 8
EPISODE_MINUTES = 24
CLIPS_PER_CELL = 20


def _cache() -> Path:
    return Path(tempfile.gettempdir()) / "cuegraph-bench-audio"


def build_material(root: Path, minutes: float = EPISODE_MINUTES, episodes: int = 2) -> dict:
    """Index files, episodes and their truth (cached under ``root``)."""
    import json

    from cuegraph.audio.synth import WESNOTH_MUSIC, make_episode, plan_episode

    done = root / "material.json"
    if done.exists():
        return json.loads(done.read_text())
    root.mkdir(parents=True, exist_ok=True)
    real = sorted(
        p for p in WESNOTH_MUSIC.glob("*.ogg") if p.name != "silence.ogg" and _length(p) >= 20
    )
    rng = random.Random(42)
    rng.shuffle(real)
    held_out, indexed_real = real[:HELD_OUT], real[HELD_OUT:]
    tracks = root / "tracks"
    tracks.mkdir(exist_ok=True)
    for p in indexed_real:
        if not (tracks / p.name).exists():
            (tracks / p.name).symlink_to(p)
    for i in range(50 - len(indexed_real)):
        p = indexed_real[i % len(indexed_real)]
        factor = (0.93, 1.07, 0.88, 1.12)[(i // len(indexed_real)) * 2 + i % 2]
        out = tracks / f"{p.stem}-speed{factor}.ogg"
        if not out.exists():
            subprocess.run(
                ["sox", "-G", str(p), str(out), "speed", str(factor)],
                check=True,
                capture_output=True,
            )
    index_files = sorted(tracks.glob("*.ogg"))[:50]
    # the planner reads from one folder: episodes draw on the real indexed tracks + held out
    eps = []
    for n in range(1, episodes + 1):
        plan = plan_episode(
            rng, minutes * 60, indexed_real, held_out, lengths=(5, 8, 12, 20, 45, 90)
        )
        path = root / f"episode{n}.ogg"
        make_episode(path, plan, minutes * 60, WESNOTH_MUSIC, seed=n)
        eps.append(
            {"path": str(path), "duration": minutes * 60, "planted": [p.__dict__ for p in plan]}
        )
    data = {
        "index": [str(p) for p in index_files],
        "held_out": [str(p) for p in held_out],
        "indexed_real": [str(p) for p in indexed_real],
        "episodes": eps,
    }
    done.write_text(json.dumps(data))
    return data


def _cpu() -> float:
    """CPU seconds of this process and its finished children (fpcalc)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _length(p: Path) -> float:
    return float(
        subprocess.run(["soxi", "-D", str(p)], capture_output=True, text=True, check=True).stdout
    )


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def report(minutes: float = EPISODE_MINUTES, clips: int = CLIPS_PER_CELL) -> str:
    from cuegraph.audio import require

    require("fpcalc", "sox", "espeak-ng", "numpy")
    from cuegraph.audio.detect import detect
    from cuegraph.audio.fingerprint import fingerprint_file
    from cuegraph.audio.landmarks import LandmarkIndex, landmarks_of
    from cuegraph.audio.match import Reference
    from cuegraph.audio.service import rank_clip
    from cuegraph.audio.synth import WESNOTH_MUSIC, make_clip

    lines = []
    t0 = time.monotonic()
    root = _cache()
    data = build_material(root, minutes)
    lines.append(
        f"audio material: {len(data['index'])}-recording index, "
        f"{len(data['episodes'])} episodes of {minutes:g} min, built/loaded in "
        f"{time.monotonic() - t0:.0f}s ({root})"
    )
    t1 = time.perf_counter()
    fps = [(Path(p).name, fingerprint_file(p).values) for p in data["index"]]
    t_index = time.perf_counter() - t1
    ref = Reference(fps)
    total_audio = sum(_length(Path(p)) for p in data["index"])
    lines.append(
        f"index: {len(fps)} recordings, {total_audio / 60:.0f} min of audio "
        f"fingerprinted in {t_index:.1f}s ({total_audio / t_index:.0f}x real time)"
    )
    t1, c1 = time.perf_counter(), _cpu()
    lm = LandmarkIndex([(Path(p).name, *landmarks_of(p)) for p in data["index"]])
    t_lm, c_lm = time.perf_counter() - t1, _cpu() - c1
    lines.append(
        f"landmark index: {len(lm.h)} hashes ({len(lm.h) * 8 / 1e6:.1f} MB stored) "
        f"in {t_lm:.0f}s ({total_audio / t_lm:.0f}x real time wall clock, "
        f"{total_audio / max(c_lm, 1e-9):.0f}x per CPU-second; SoX decoding included)"
    )

    # -- detection -----------------------------------------------------------------------
    tp_cues = n_cues = 0
    found_by: dict[str, list[int]] = {}
    errors: list[float] = []
    speeds = []
    cpu_speeds = []
    for ep in data["episodes"]:
        t, c0 = time.perf_counter(), _cpu()
        values = fingerprint_file(ep["path"]).values
        cues = detect(values, ref)
        took, cpu = time.perf_counter() - t, _cpu() - c0
        speeds.append(ep["duration"] / took)
        cpu_speeds.append(ep["duration"] / max(cpu, 1e-9))
        truth = [p for p in ep["planted"] if p["indexed"]]
        n_cues += len(cues)
        for c in cues:
            name = ref.keys[c.rec]
            if any(
                p["file"] == name and c.start < p["start"] + p["length"] and c.end > p["start"]
                for p in truth
            ):
                tp_cues += 1
        for p in truth:
            hits = [
                c
                for c in cues
                if ref.keys[c.rec] == p["file"]
                and c.start < p["start"] + p["length"]
                and c.end > p["start"]
            ]
            level = f"speech {p['music_to_speech_db']:+.0f} dB"
            bucket = "≥ 8 s" if p["length"] >= 8 else "< 8 s"
            for key in (f"length {int(p['length']):>2} s", level, "all", bucket):
                found_by.setdefault(key, []).append(1 if hits else 0)
            if hits:
                h = max(
                    hits,
                    key=lambda c: min(c.end, p["start"] + p["length"]) - max(c.start, p["start"]),
                )
                errors += [abs(h.start - p["start"]), abs(h.end - (p["start"] + p["length"]))]
    # precision for ≥ 8 s: cues overlapping a < 8 s excerpt are neither right nor wrong there
    lines.append(
        f"detection: {n_cues} cues, precision {tp_cues / max(n_cues, 1):.3f} "
        f"({n_cues - tp_cues} wrong)"
    )
    for key in sorted(found_by, key=lambda k: (k[0] != "a", k)):
        v = found_by[key]
        lines.append(f"  recall {key:<14} {sum(v) / len(v):.3f}  ({sum(v)}/{len(v)} excerpts)")
    lines.append(
        f"  boundary error: median {statistics.median(errors):.2f}s, "
        f"p90 {_pct(errors, 0.9):.2f}s, max {max(errors):.2f}s "
        f"({len(errors)} boundaries)"
    )
    lines.append(
        f"  speed: {statistics.median(speeds):.0f}x real time (wall clock) for a "
        f"{minutes:g}-min episode against {len(ref)} recordings, fingerprinting "
        f"included; {statistics.median(cpu_speeds):.0f}x per CPU-second used "
        f"(this process + fpcalc; {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f})"
    )

    # -- clips ---------------------------------------------------------------------------
    rng = random.Random(7)
    clipdir = root / "clips"
    clipdir.mkdir(exist_ok=True)
    real = [Path(p) for p in data["indexed_real"]]
    held = [Path(p) for p in data["held_out"]]
    lens = {p: _length(p) for p in [*real, *held]}

    def clip(src: Path, length: int, snr: int, i: int, tag: str = "") -> Path:
        path = clipdir / f"{tag}{length}s-{snr}db-{i}-{src.stem}.ogg"  # cached by source too
        if not path.exists():
            start = round(
                random.Random(f"{src.name}{i}{tag}").uniform(0, max(lens[src] - length - 1, 0)), 2
            )
            make_clip(path, WESNOTH_MUSIC, src.name, start, length, snr, seed=i)
        return path

    def ber(path: Path) -> str | None:
        ranked = rank_clip(fingerprint_file(path).values, ref)
        return ref.keys[ranked[0][0]] if ranked else None

    def landmarks(path: Path) -> str | None:
        ranked = lm.rank(*landmarks_of(path))
        return lm.keys[ranked[0].rec] if ranked else None

    lines.append(
        f"clip identification against all {len(ref)} recordings: right = the right "
        "recording first; false = a clip of a held-out track (not indexed) matched "
        "something. Landmarks (what identify uses) vs Chromaprint BER (before), same "
        "clips:"
    )
    lines.append("  length  SNR   landmarks right/false   chromaprint-ber right/false  (clips)")
    n_false = {"lm": 0, "ber": 0}
    n_held = 0
    for length in (5, 10):
        for snr in (0, 5, 10):
            picks = [rng.choice(real) for _ in range(clips)]
            paths = [clip(src, length, snr, i) for i, src in enumerate(picks)]
            held_paths = [
                clip(src, length, snr, i, "held-")
                for i, src in enumerate(rng.choice(held) for _ in range(clips))
            ]
            right = {
                name: sum(f(p) == s.name for p, s in zip(paths, picks, strict=True)) / len(paths)
                for name, f in (("lm", landmarks), ("ber", ber))
            }
            false = {
                name: sum(f(p) is not None for p in held_paths) / len(held_paths)
                for name, f in (("lm", landmarks), ("ber", ber))
            }
            for name in n_false:
                n_false[name] += round(false[name] * len(held_paths))
            n_held += len(held_paths)
            lines.append(
                f"  {length:>4} s  {snr:>2} dB  {right['lm']:>9.2f} / {false['lm']:.2f}"
                f"   {right['ber']:>15.2f} / {false['ber']:.2f}         "
                f"({len(paths)}+{len(held_paths)})"
            )
    lines.append(
        f"  false matches on held-out clips: landmarks {n_false['lm']}/{n_held}, "
        f"chromaprint-ber {n_false['ber']}/{n_held}"
    )
    lines.append(f"audio benchmark: {time.monotonic() - t0:.0f}s in all")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(print(report(float(sys.argv[1]) if len(sys.argv) > 1 else EPISODE_MINUTES)))
