"""Data functions behind the summary endpoints and the web page.

Each returns plain dicts (JSON-ready); the JSON routes return them as they are and the web
page renders the same dicts, so the two never disagree.
"""

from cuegraph.api.data.composers import composer_profile, search_composers
from cuegraph.api.data.scene import parse_time, scene_lookup
from cuegraph.api.data.stats import graph_stats
from cuegraph.api.data.works import search_works, work_profile

__all__ = [
    "scene_lookup",
    "parse_time",
    "search_composers",
    "composer_profile",
    "search_works",
    "work_profile",
    "graph_stats",
]
