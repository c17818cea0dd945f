"""Whether a process still runs: files a process leaves behind (snapshot leases, an import's
spool file) carry its pid, and are removed once that process is gone."""

from __future__ import annotations

import os

__all__ = ["alive"]


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one of another user counts as alive).

    >>> alive(os.getpid())
    True
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
