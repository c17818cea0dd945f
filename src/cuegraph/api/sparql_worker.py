"""The query worker process; it lives in :mod:`cuegraph.engine.worker` (importing this
package would load the whole web app into every worker)."""

from cuegraph.engine.worker import main, read_frame, write_frame

__all__ = ["write_frame", "read_frame", "main"]
