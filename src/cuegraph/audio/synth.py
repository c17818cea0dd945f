"""Generated test material: synthetic "episodes" and noisy clips mixed from real recordings.

No anime audio may be shipped, so the tests and ``make bench`` build their material from a
freely licensed soundtrack the machine has (Debian's ``wesnoth-1.16-music``, GPL): SoX
decodes and cuts the recordings, eSpeak NG speaks dialogue over them, and numpy mixes at
exact levels (pink noise floor, speech, excerpts with fades and volume ramps) so that the
truth — which recording plays where, from which point of the recording — is known.

Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cuegraph.audio import require

__all__ = [
    "RATE",
    "WESNOTH_MUSIC",
    "Planted",
    "Episode",
    "read_audio",
    "write_audio",
    "speech",
    "make_episode",
    "plan_episode",
    "make_clip",
    "db_gain",
]

RATE = 22050
WESNOTH_MUSIC = Path("/usr/share/games/wesnoth/1.16/data/core/music")

_LINES = [
    "We should leave before the sun rises.",
    "Nobody answered him.",
    "The fire was low and the wind came from the north.",
    "Do you remember the river?",
    "I told you already, the gate was open when I came back.",
    "Look at the sky.",
    "It is too late to turn around now.",
    "She kept the letter for ten years.",
    "Why would anyone build a tower out here?",
    "Listen. Do you hear that?",
    "The summer we were twelve, everything seemed possible.",
    "Run!",
    "I am not going without her.",
    "The town was quiet after the festival.",
]


def read_audio(path: str | Path, start: float = 0.0, length: float | None = None) -> np.ndarray:
    """Decode (a stretch of) a file to mono float32 at :data:`RATE` with SoX."""
    require("sox")
    cmd = [
        "sox",
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
    if start or length is not None:
        cmd += ["trim", f"{start:.3f}"] + ([f"{length:.3f}"] if length is not None else [])
    out = subprocess.run(cmd, capture_output=True, check=True)
    return np.frombuffer(out.stdout, dtype=np.float32).copy()


def write_audio(path: str | Path, samples: np.ndarray) -> Path:
    """Write mono float samples (clipped to ±1) as WAV/OGG/FLAC (by extension) with SoX."""
    require("sox")
    data = np.clip(samples, -1, 1).astype(np.float32).tobytes()
    subprocess.run(
        ["sox", "-t", "raw", "-e", "float", "-b", "32", "-r", str(RATE), "-c", "1", "-", str(path)],
        input=data,
        check=True,
        capture_output=True,
    )
    return Path(path)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def db_gain(db: float) -> float:
    return float(10 ** (db / 20))


def speech(text: str, voice: str = "en", pitch: int = 50, speed: int = 160) -> np.ndarray:
    """``text`` spoken by eSpeak NG, mono float32 at :data:`RATE`."""
    require("espeak-ng", "sox")
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "--stdout", text],
        capture_output=True,
        check=True,
    ).stdout
    out = subprocess.run(
        [
            "sox",
            "-t",
            "wav",
            "-",
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
        ],
        input=wav,
        capture_output=True,
        check=True,
    )
    return np.frombuffer(out.stdout, dtype=np.float32).copy()


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pink (1/f) noise of unit RMS."""
    white = rng.standard_normal(n)
    spec = np.fft.rfft(white)
    f = np.arange(len(spec), dtype=np.float64)
    f[0] = 1
    noise = np.fft.irfft(spec / np.sqrt(f), n)
    return (noise / (rms(noise) or 1)).astype(np.float32)


@dataclass(frozen=True)
class Planted:
    """``file`` (a recording) plays from ``rec_start`` s for ``length`` s at ``start`` s of
    the episode; ``indexed`` is False for a distractor that is not in the index."""

    file: str
    start: float
    length: float
    rec_start: float
    indexed: bool = True
    music_to_speech_db: float = 5.0

    @property
    def end(self) -> float:
        return self.start + self.length


@dataclass
class Episode:
    path: Path
    duration: float
    planted: list[Planted] = field(default_factory=list)


def _durations(files: Sequence[Path]) -> dict[str, float]:
    out = subprocess.run(
        ["soxi", "-D", *map(str, files)], capture_output=True, check=True, text=True
    ).stdout.split()
    return {f.name: float(d) for f, d in zip(files, out, strict=True)}


def plan_episode(
    rng: random.Random,
    duration: float,
    indexed: Sequence[Path],
    distractors: Sequence[Path],
    lengths: Sequence[float] = (8, 12, 20, 45, 90),
    levels: Sequence[float] = (10, 5, 0),
) -> list[Planted]:
    """Place excerpts one after another with speech-only gaps of 4–25 s: mostly indexed
    recordings (some more than once), a distractor now and then."""
    lens = _durations([*indexed, *distractors])
    out: list[Planted] = []
    t = rng.uniform(3, 15)
    while True:
        distract = distractors and rng.random() < 0.2
        f = rng.choice(list(distractors if distract else indexed))
        length = min(rng.choice(list(lengths)), lens[f.name] - 2)
        if t + length > duration - 2:
            break
        rec_start = round(rng.uniform(0, max(lens[f.name] - length - 1, 0)), 2)
        out.append(
            Planted(
                f.name,
                round(t, 2),
                float(length),
                rec_start,
                not distract,
                float(rng.choice(list(levels))),
            )
        )
        t += length + rng.uniform(4, 25)
    return out


def make_episode(
    path: str | Path,
    planted: Sequence[Planted],
    duration: float,
    music_dir: Path,
    seed: int = 0,
    noise_db: float = -30.0,
) -> Episode:
    """Mix an episode: a pink-noise floor ``noise_db`` below the music level, dialogue all
    along (eSpeak NG lines with pauses), and each planted excerpt — faded in and out over
    1 s, with a slow volume ramp, at its own music-to-speech ratio."""
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    n = int(duration * RATE)
    level = 0.1  # music RMS
    mix = pink_noise(n, rng) * level * db_gain(noise_db)
    for p in planted:
        x = read_audio(music_dir / p.file, p.rec_start, p.length)
        x = x * (level / (rms(x) or 1))
        ramp = np.linspace(1.0, db_gain(pyrng.uniform(-6, 3)), len(x), dtype=np.float32)
        fade = min(RATE, len(x) // 4)
        env = np.ones(len(x), dtype=np.float32)
        env[:fade] = np.linspace(0, 1, fade)
        env[-fade:] = np.linspace(1, 0, fade)
        i = int(p.start * RATE)
        x = (x * ramp * env)[: n - i]
        mix[i : i + len(x)] += x
    # dialogue: lines with pauses; each line's level follows the music it falls on
    t = pyrng.uniform(0.5, 3)
    while t < duration - 1:
        line = speech(
            pyrng.choice(_LINES), pyrng.choice(["en", "en-us", "en-gb-x-rp"]), pyrng.randint(30, 70)
        )
        i = int(t * RATE)
        line = line[: n - i]
        over = [p for p in planted if p.start <= t + len(line) / RATE and p.end >= t]
        db = min((p.music_to_speech_db for p in over), default=0.0)
        mix[i : i + len(line)] += line * (level / (rms(line) or 1)) / db_gain(db)
        t += len(line) / RATE + pyrng.uniform(0.3, 4)
    write_audio(path, mix * 2.0)
    return Episode(Path(path), duration, list(planted))


def make_clip(
    path: str | Path,
    music_dir: Path,
    file: str,
    start: float,
    length: float,
    snr_db: float,
    seed: int = 0,
) -> Path:
    """A clip "recorded off a speaker": ``length`` s of ``file`` from ``start``, band-limited
    like a small speaker (SoX sinc 150 Hz–7 kHz), with speech and pink noise mixed in so the
    music-to-noise power ratio is ``snr_db``."""
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    x = read_audio(music_dir / file, start, length)
    noise = pink_noise(len(x), rng) * 0.5
    line = speech(
        " ".join(pyrng.sample(_LINES, 3)), pyrng.choice(["en", "en-us"]), pyrng.randint(30, 70)
    )
    line = np.resize(line, len(x)) if len(line) else np.zeros_like(x)
    noise = noise + line / (rms(line) or 1) * 0.85
    noise = noise * (rms(x) / (rms(noise) or 1)) / db_gain(snr_db)
    tmp = Path(str(path) + ".raw.wav")
    write_audio(tmp, (x + noise) * 0.5)
    subprocess.run(
        ["sox", str(tmp), str(path), "sinc", "150-7000"], check=True, capture_output=True
    )
    tmp.unlink()
    return Path(path)


def soundtrack_records(
    files: Sequence[Path],
    work_key: str = "battle-for-wesnoth",
    work_title: str = "The Battle for Wesnoth",
) -> list:
    """Records for a soundtrack read from its files' tags (mutagen): the game, the album
    (``ALBUM``), one song + recording per file (``TITLE``), and a composer credit from the
    ``COMPOSER`` tag. Every fact cites the file it was read from (``file://`` URI)."""
    from cuegraph.audio.link import read_tags
    from cuegraph.graph.iris import slug
    from cuegraph.records import Album, Credit, Person, Recording, Song, Work

    work_source = Path(files[0]).resolve().parent.as_uri() + "/"
    records: list = [Work(key=work_key, title=work_title, type="game", source=work_source)]
    albums: dict[str, list[str]] = {}
    people: set[str] = set()
    for f in files:
        tags = read_tags(Path(f))
        if not tags.title:
            continue
        src = Path(f).resolve().as_uri()
        key = slug(f"{work_key} {Path(f).stem}")
        records.append(Song(key=key, title=tags.title, work=work_key, source=src))
        records.append(Recording(key=key, title=tags.title, song=key, source=src))
        if tags.album:
            albums.setdefault(tags.album, []).append(key)
        if tags.composer:
            person = slug(tags.composer)
            if person not in people:
                people.add(person)
                records.append(Person(key=person, name=tags.composer, source=src))
            records.append(
                Credit(
                    agent=person,
                    role="composer",
                    target_kind="song",
                    target=key,
                    role_text="COMPOSER tag",
                    source=src,
                )
            )
    for title, tracks in albums.items():
        records.append(
            Album(
                key=slug(title),
                title=title,
                work=work_key,
                tracks=tuple(tracks),
                source=work_source,
            )
        )
    return records
