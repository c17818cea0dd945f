"""Who composed this scene: the cues at a time in an episode, with honest fallbacks.

The answer says how sure it is. ``precision`` is the most precise level that found
something: ``cue`` (a timed cue covers the time: music, or a recorded silence), ``episode``
(songs known to play somewhere in the episode: untimed cues) or ``work`` (the work's score
composers, or its known songs when no score composer is credited); ``none`` when nothing is
known. ``status`` is that best level's result: ``music``, ``silence`` (a deliberate silence is
recorded there) or ``no_data`` (nothing at any level); ``at_time`` is what is recorded at the
moment itself (the cue level). ``headline`` says both in one line, e.g. "Score by REMEDIOS —
work level; no cue recorded at 10:00".
"""

from __future__ import annotations

from decimal import Decimal

from cuegraph.api.data.credits import credits_of, group_by_role, source_label
from cuegraph.api.data.index import Ids, WorkEntry, find_work, sources_of, usage_name
from cuegraph.errors import BadInput, EpisodeNotFound
from cuegraph.queries import iri, render, terms
from cuegraph.store import Store
from cuegraph.timecode import format_timecode, human_time, parse_timecode

__all__ = ["scene_lookup", "parse_time", "episode_cues", "USAGE_HINTS"]

#: what an untimed cue of each usage suggests about when it plays
USAGE_HINTS = {
    "opening": "an opening theme plays near the start of the episode",
    "ending": "an ending theme plays near the end of the episode (a likely answer there)",
    "insert": "an insert song plays at some point in the episode",
    "score": "score music plays at some point in the episode",
}


def _seconds(name: str, value: str) -> Decimal:
    try:
        return parse_timecode(value)
    except ValueError as e:
        raise BadInput(f"bad {name}: {e}", {"parameter": name, "value": value}) from None


def parse_time(t: str | None, start: str | None, end: str | None) -> tuple[Decimal, Decimal]:
    """The stretch asked about, in seconds: ``t`` (a point) or ``from``..``to``.

    Raises:
        BadInput: missing, malformed or negative times, both forms at once, or from > to.
    """
    if t is not None and (start is not None or end is not None):
        raise BadInput("give either t or from and to, not both", {"parameter": "t"})
    if t is not None:
        at = _seconds("t", t)
        return at, at
    if start is None and end is None:
        raise BadInput(
            "missing time: give t (seconds, mm:ss or hh:mm:ss) or from and to", {"parameter": "t"}
        )
    if start is None or end is None:
        missing = "from" if start is None else "to"
        raise BadInput(f"missing {missing}: a range needs both from and to", {"parameter": missing})
    lo, hi = _seconds("from", start), _seconds("to", end)
    if lo > hi:
        raise BadInput(
            f"from ({start}) is after to ({end})", {"parameter": "from", "from": start, "to": end}
        )
    return lo, hi


def _iri_of(ref: dict | None) -> str:
    """The ``iri`` of a song or recording brief ("" when there is none)."""
    return (ref or {}).get("iri") or ""


def _tc(value) -> str | None:
    return None if value is None else format_timecode(Decimal(str(value)))


def _span(lo, hi) -> str | None:
    """``20:54–22:48`` (one time when both ends are the same); None when untimed."""
    if lo is None or hi is None:
        return None
    a, b = human_time(lo), human_time(hi)
    return a if a == b else f"{a}–{b}"


def episode_cues(store: Store, ids: Ids, work: WorkEntry, episode: int | None) -> list[dict]:
    """Every cue of one episode (or of every episode when ``episode`` is None), with credits
    grouped by role and sources."""
    number = "?episode" if episode is None else str(int(episode))
    rows = store.select(render("scene_cues", work=iri(work.iri), episode=number))
    cues: dict[str, dict] = {}
    for r in rows:
        if r["cue"] in cues:
            continue
        song = r.get("song")
        rec = r.get("recording")
        cues[r["cue"]] = {
            "cue": r["cue"],
            "episode": r["episode"],
            "title": r.get("name") or r.get("recTitle") or r.get("songTitle"),
            "usage": usage_name(r["usage"]),
            "silence": bool(r.get("silence")),
            "timed": r.get("start") is not None,
            "start": r.get("start"),
            "end": r.get("end"),
            "start_tc": _tc(r.get("start")),
            "end_tc": _tc(r.get("end")),
            "when": _span(r.get("start"), r.get("end")),
            "media_fragment": r.get("fragment"),
            "song": song
            and {
                "id": ids.short(song, "song"),
                "iri": song,
                "title": r.get("songTitle"),
                "native_title": r.get("songNative"),
            },
            "recording": rec
            and {"id": ids.short(rec, "recording"), "iri": rec, "title": r.get("recTitle")},
            "scene": r.get("sceneName"),
            "note": r.get("note"),
        }
    credits = credits_of(
        store,
        ids,
        [
            t
            for c in cues.values()
            for t in ((c["song"] or {}).get("iri"), (c["recording"] or {}).get("iri"))
        ],
    )
    sources = sources_of(store, cues)
    detected = (
        {r["node"]: r for r in store.select(render("scene_detected", nodes=terms(cues)))}
        if cues
        else {}
    )
    for c in cues.values():
        # cues detected from audio (or derived from subtitles) are labelled apart from curated
        d = detected.get(c["cue"])
        c["detected"] = d is not None
        c["method"] = d.get("method") if d else None
        c["confidence"] = float(d["confidence"]) if d and d.get("confidence") is not None else None
        found = [*credits.get(_iri_of(c["song"]), []), *credits.get(_iri_of(c["recording"]), [])]
        c["credits"] = group_by_role(found)
        c["sources"] = sources.get(c["cue"], [])
        # readable labels: a subtitle file says so ("subtitle file “….ass” (host)")
        c["source_details"] = [{"url": u, **source_label(u)} for u in c["sources"]]
    return sorted(
        cues.values(),
        key=lambda c: (c["episode"], c["start"] is None, c["start"] or 0, c["title"] or ""),
    )


def _check_episode(work: WorkEntry, episode: int) -> None:
    """Episodes run 1..schema:numberOfEpisodes; a film is its own episode 1."""
    last = work.episodes or (1 if work.type == "film" else None)
    if episode < 1 or (last is not None and episode > last):
        known = f"1-{last}" if last and last > 1 else "1" if last else "1 or more"
        nearest = 1 if episode < 1 else last
        raise EpisodeNotFound(
            f"{work.title} has no episode {episode} (episodes: {known})",
            {"work": work.id, "episode": episode, "episodes": last, "close_matches": [nearest]},
        )


def scene_lookup(
    store: Store,
    base_iri: str,
    work_ref: str,
    episode: int,
    t: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict:
    """Who composed the music at a time (or in a range) of an episode.

    Raises:
        WorkNotFound, EpisodeNotFound (404) or BadInput (400, bad times).
    """
    ids = Ids(base_iri)
    lo, hi = parse_time(t, start, end)
    work = find_work(store, ids, work_ref)
    _check_episode(work, episode)
    cues = episode_cues(store, ids, work, episode)
    timed = [c for c in cues if c["timed"]]
    covering = [c for c in timed if Decimal(str(c["start"])) <= hi and Decimal(str(c["end"])) >= lo]
    music = [c for c in covering if not c["silence"]]
    silences = [c for c in covering if c["silence"]]
    span = _span(lo, hi)
    when = f"at {span}" if lo == hi else f"from {human_time(lo)} to {human_time(hi)}"
    where = f"{work.title} episode {episode} {when}"
    levels: list[dict] = []
    if music or silences:
        at_time = "music" if music else "silence"
        note = (
            f"a timed cue covers {where}"
            if music
            else f"a deliberate silence is recorded {when}: no music plays"
        )
        levels.append(
            {"precision": "cue", "status": at_time, "note": note, "cues": music + silences}
        )
    else:
        at_time = "no_data"
        levels.append(
            {
                "precision": "cue",
                "status": "no_data",
                "note": f"no cue is recorded for {where} (no data: not a silence)",
                "cues": [],
                "other_timed_cues": [_brief(c) for c in timed],
            }
        )
        untimed = [c for c in cues if not c["timed"] and not c["silence"]]
        for c in untimed:
            c["hint"] = USAGE_HINTS.get(c["usage"])
        levels.append(
            {
                "precision": "episode",
                "status": "music" if untimed else "no_data",
                "note": (
                    f"songs known to play somewhere in episode {episode} (untimed cues)"
                    if untimed
                    else f"no untimed cue is recorded for episode {episode}"
                ),
                "cues": untimed,
            }
        )
        levels.append(_work_level(store, ids, work))
    found = next((lv for lv in levels if lv["status"] != "no_data"), None)
    precision = found["precision"] if found else "none"
    status = found["status"] if found else "no_data"
    return {
        "work": work.brief(),
        "episode": episode,
        "time": {
            "from": float(lo),
            "to": float(hi),
            "from_tc": format_timecode(lo),
            "to_tc": format_timecode(hi),
            "text": span,
            "point": lo == hi,
        },
        "headline": _headline(found, work, episode, when),
        "status": status,
        "precision": precision,
        "at_time": at_time,
        "summary": _summary(at_time, precision, where, levels),
        "levels": levels,
    }


def _titles(cues: list[dict], with_usage: bool = False) -> str:
    names = (
        f"{c['title'] or 'untitled'}" + (f" ({c['usage']})" if with_usage else "")
        for c in cues
        if not c["silence"]
    )
    return ", ".join(dict.fromkeys(names))


def _headline(found: dict | None, work: WorkEntry, episode: int, when: str) -> str:
    """The answer in one line: the best level found, its result, and what the moment has."""
    if found is None:
        return (
            f"Nothing known — no cue recorded {when}, no song known for episode "
            f"{episode}, no music credited to {work.title}"
        )
    level = found["precision"]
    if level == "cue":
        cues = found["cues"]
        if found["status"] == "silence":
            spans = ", ".join(c["when"] for c in cues if c["when"])
            return f"Silence — cue level; a deliberate silence is recorded ({spans})"
        first = next(c for c in cues if not c["silence"])
        return f"{_titles(cues)} — cue level; {first['usage']} {first['when']}"
    if level == "episode":
        return (
            f"{_titles(found['cues'], with_usage=True)} — episode level; no cue recorded "
            f"{when}, known to play somewhere in episode {episode}"
        )
    score = found["credits"].get("score_composer", [])
    if score:
        names = ", ".join(p["name"] for p in score)
        return f"Score by {names} — work level; no cue recorded {when}"
    songs = ", ".join(s["title"] or "untitled" for s in found["songs"])
    return (
        f"Songs of {work.title}: {songs} — work level; no score composer credited, "
        f"no cue recorded {when}"
    )


def _brief(c: dict) -> dict:
    return {
        "title": c["title"],
        "usage": c["usage"],
        "start_tc": c["start_tc"],
        "end_tc": c["end_tc"],
        "when": c["when"],
        "silence": c["silence"],
    }


def _work_level(store: Store, ids: Ids, work: WorkEntry) -> dict:
    """The work's score composers; without any, the work's known songs (with credits)."""
    credits = credits_of(store, ids, [work.iri]).get(work.iri, [])
    score = [c for c in credits if c["role"] == "score_composer"]
    level = {"precision": "work", "credits": group_by_role(score), "songs": []}
    if score:
        names = ", ".join(c["person"]["name"] for c in score)
        return {
            **level,
            "status": "music",
            "note": f"the score of {work.title} is credited to {names}",
        }
    songs = _work_songs(store, ids, work)
    if songs:
        return {
            **level,
            "status": "music",
            "songs": songs,
            "note": (
                f"no score composer is recorded for {work.title}; "
                f"songs known for it: {', '.join(s['title'] or '?' for s in songs)}"
            ),
        }
    return {
        **level,
        "status": "no_data",
        "note": f"no score composer or song is recorded for {work.title}",
    }


def _work_songs(store: Store, ids: Ids, work: WorkEntry) -> list[dict]:
    songs: dict[str, dict] = {}
    for r in store.select(render("work_songs", work=iri(work.iri))):
        songs.setdefault(
            r["song"],
            {
                "id": ids.short(r["song"], "song"),
                "iri": r["song"],
                "title": r.get("title"),
                "native_title": r.get("native"),
            },
        )
    credits = credits_of(store, ids, list(songs))
    for key, song in songs.items():
        song["credits"] = group_by_role(credits.get(key, []))
    return sorted(songs.values(), key=lambda x: x["title"] or "")


def _summary(status: str, precision: str, where: str, levels: list[dict]) -> str:
    if status == "music":
        titles = ", ".join(
            dict.fromkeys(c["title"] or "untitled" for c in levels[0]["cues"] if not c["silence"])
        )
        return f"Music {where}: {titles}."
    if status == "silence":
        return f"Silence {where}: a deliberate silence is recorded, no music plays."
    text = f"No cue is recorded for {where}."
    if precision == "episode":
        titles = ", ".join(dict.fromkeys(c["title"] or "untitled" for c in levels[1]["cues"]))
        return text + f" Known to play somewhere in this episode: {titles}."
    if precision == "work":
        return text + " " + levels[2]["note"][0].upper() + levels[2]["note"][1:] + "."
    return text + " Nothing is known about its music."
