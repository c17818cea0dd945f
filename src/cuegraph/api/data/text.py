"""Text matching for lookups: the project's one name matcher, :mod:`cuegraph.names`.

Kept as the API's import point; everything here is :mod:`cuegraph.names`.
"""

from __future__ import annotations

from cuegraph.names import close_matches, fold, match_score, tokens

__all__ = ["fold", "tokens", "match_score", "close_matches"]
