"""The answer to `cuegraph identify` and POST /identify: the audio layer's matches
(:func:`cuegraph.audio.service.match_clip`) with each recording's id and its credits
(and its song's) from the graph, grouped by role."""

from __future__ import annotations

from pathlib import Path

from cuegraph.api.data.credits import credits_of, group_by_role
from cuegraph.api.data.index import Ids
from cuegraph.audio.service import MAX_CLIP_SECONDS, match_clip
from cuegraph.queries import render, terms
from cuegraph.store import Store

__all__ = ["identify_file"]


def identify_file(
    store: Store,
    base_iri: str,
    index_dir: Path,
    clip: Path,
    max_seconds: float = MAX_CLIP_SECONDS,
    ref=None,
    top: int = 3,
) -> dict:
    """Which indexed recording a clip (3–``max_seconds`` s) comes from, with its credits
    from the graph and where the graph knows it is used.

    Raises:
        NotAudio (415): empty or not decodable audio. BadInput (400): too short or too long.
    """
    answer = match_clip(store, index_dir, clip, max_seconds, ref, top)
    iris = [m["recording"]["iri"] for m in answer["matches"]]
    rows = store.select(render("recording_songs", recordings=terms(iris)))
    songs = {r["r"]: r["s"] for r in rows}
    ids = Ids(base_iri)
    credits = credits_of(store, ids, [*iris, *songs.values()])
    out = []
    for m in answer["matches"]:
        iri = m["recording"]["iri"]
        cited = [*credits.get(iri, []), *(credits.get(songs[iri], []) if iri in songs else [])]
        out.append(
            {
                "recording": {
                    "id": ids.short(iri, "recording"),
                    "iri": iri,
                    "title": m["recording"]["title"],
                },
                "score": m["score"],
                "z": m["z"],
                "confidence": m["confidence"],
                "at_seconds": m["at_seconds"],
                "credits": group_by_role(cited),
                "used_in": m["used_in"],
            }
        )
    return {**answer, "matches": out}
