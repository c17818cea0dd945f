"""The query worker process (:func:`main`; started by :mod:`cuegraph.api.sparql_exec`).

It reads :class:`~cuegraph.api.sparql_exec.QueryTask` frames on stdin, opens the store
read-only for each (so it sees the latest committed data), and writes one reply frame per
task on stdout: ``("ok", QueryOutput)`` or ``("error", error class name, message, detail)``.
A frame is an 8-byte big-endian length followed by a pickle. The parent kills the process
when a query outlives the time limit. Only the parent, which started the process, writes
to its stdin, so unpickling is safe.
"""

from __future__ import annotations

import os
import pickle
import select
import sys
from typing import Any

__all__ = ["write_frame", "read_frame", "main"]

_HEADER = 8


def write_frame(fd: int, obj: Any) -> None:
    """Write one length-prefixed pickle to file descriptor ``fd``."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, timeout: float | None = None) -> Any:
    """Read one frame from ``fd``; ``TimeoutError`` if none starts within ``timeout`` s."""
    if timeout is not None:
        ready, _, _ = select.select([fd], [], [], max(timeout, 0.0))
        if not ready:
            raise TimeoutError("no reply in time")
    size = int.from_bytes(_read_exact(fd, _HEADER), "big")
    return pickle.loads(_read_exact(fd, size))


def main(argv: list[str] | None = None) -> int:
    """Answer tasks for the store at ``argv[0]`` until stdin closes."""
    from cuegraph.errors import CuegraphError
    from cuegraph.store import OxigraphStore

    path = (argv if argv is not None else sys.argv[1:])[0]
    rfd, wfd = sys.stdin.fileno(), sys.stdout.fileno()
    write_frame(wfd, ("ready",))
    while True:
        try:
            task = read_frame(rfd)
        except EOFError:
            return 0
        try:
            store = OxigraphStore(path, read_only=True)
            try:
                reply: tuple = ("ok", task.run(store))
            finally:
                store.close()
        except CuegraphError as e:
            reply = ("error", type(e).__name__, e.message, e.detail)
        except Exception as e:  # noqa: BLE001 - reported to the parent as a store error
            reply = ("error", "StoreError", f"query failed: {type(e).__name__}: {e}", None)
        write_frame(wfd, reply)


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main())
