"""Moved to :mod:`cuegraph.graph.identity` (identity resolution is graph logic); this name
stays for old imports."""

from cuegraph.graph.identity import (  # noqa: F401
    KEY,
    SOURCE,
    Resolution,
    find_clusters,
    resolve,
)

__all__ = ["SOURCE", "KEY", "Resolution", "find_clusters", "resolve"]
