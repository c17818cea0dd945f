"""Generated audio material for the audio tests, built once per session (a few seconds).

Episodes are mixed from Battle for Wesnoth's soundtrack (Debian's wesnoth-1.16-music, GPL,
installed by `make test`) with eSpeak NG dialogue and pink noise, at known offsets; the
fixture graph credits the tracks to the composers named in each OGG's COMPOSER tag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cuegraph.audio.synth import WESNOTH_MUSIC, Planted, make_clip, make_episode

INDEXED = [
    "knolls.ogg",
    "wanderer.ogg",
    "elvish-theme.ogg",
    "battle.ogg",
    "northerners.ogg",
    "the_deep_path.ogg",
]
DISTRACTORS = ["loyalists.ogg", "heroes_rite.ogg"]
COMPOSERS = {
    "knolls.ogg": "Timothy Pinkham",
    "elvish-theme.ogg": "Doug Kaufman",
    "battle.ogg": "Aleksi Aubry-Carlson",
}

EPISODES = {
    1: (
        150.0,
        [
            Planted("knolls.ogg", 5.0, 20.0, 60.0, True, 5),
            Planted("loyalists.ogg", 31.0, 12.0, 40.0, False, 5),
            Planted("elvish-theme.ogg", 50.0, 8.0, 30.0, True, 10),
            Planted("battle.ogg", 66.0, 45.0, 100.0, True, 5),
            Planted("knolls.ogg", 118.0, 25.0, 200.0, True, 10),
        ],
    ),
    2: (
        150.0,
        [
            Planted("wanderer.ogg", 4.0, 90.0, 20.0, True, 5),
            Planted("heroes_rite.ogg", 100.0, 15.0, 60.0, False, 5),
            Planted("northerners.ogg", 124.0, 12.0, 50.0, True, 5),
        ],
    ),
}


@dataclass
class Material:
    root: Path
    tracks: Path  # folder of the indexed tracks (symlinks to the real files)
    episodes: dict[int, Path] = field(default_factory=dict)
    clips: dict[str, tuple[Path, str]] = field(default_factory=dict)  # name -> (path, file)


_CACHE: dict[str, Material] = {}


def material(root: Path) -> Material:
    """Build (once per session) the tracks folder, two episodes and two clips."""
    if "m" in _CACHE:
        return _CACHE["m"]
    assert WESNOTH_MUSIC.is_dir(), (
        "Battle for Wesnoth's music is missing: apt-get install wesnoth-1.16-music (make test does)"
    )
    tracks = root / "tracks"
    tracks.mkdir(parents=True)
    for name in INDEXED:
        (tracks / name).symlink_to(WESNOTH_MUSIC / name)
    m = Material(root, tracks)
    for n, (duration, planted) in EPISODES.items():
        m.episodes[n] = make_episode(
            root / f"episode{n}.ogg", planted, duration, WESNOTH_MUSIC, seed=n
        ).path
    m.clips["knolls-10s-5db"] = (
        make_clip(root / "clip1.ogg", WESNOTH_MUSIC, "knolls.ogg", 150.0, 10.0, 5.0, seed=1),
        "knolls.ogg",
    )
    m.clips["elvish-5s-10db"] = (
        make_clip(root / "clip2.wav", WESNOTH_MUSIC, "elvish-theme.ogg", 60.0, 5.0, 10.0, seed=2),
        "elvish-theme.ogg",
    )
    _CACHE["m"] = m
    return m


GPL = "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html"


def build_soundtrack_graph(store, minter) -> None:
    """The fixture graph: the game, its album, and every Wesnoth track with the composer
    its COMPOSER tag names, each citing its file."""
    from cuegraph.audio.synth import soundtrack_records
    from cuegraph.graph.write import write_run

    files = sorted(p for p in WESNOTH_MUSIC.glob("*.ogg"))
    write_run(
        store,
        minter,
        "soundtrack-tags",
        "wesnoth",
        soundtrack_records(files),
        license=GPL,
        used=[f.name for f in files],
        label="Wesnoth OGG tags",
    )
