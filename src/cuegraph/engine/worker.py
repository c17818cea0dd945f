"""The query worker process (:func:`main`; started by :mod:`cuegraph.engine.pool`).

It keeps one snapshot of the store open read-only (a checkpoint published by the process
that writes, see :mod:`cuegraph.engine.snapshots`) and reopens only when a task names a
newer generation, so a query pays no store open. It reads ``(generation, QueryTask)``
frames on stdin and writes one reply frame per task on stdout (after ``("opened",)`` when
it had to open a newer snapshot first): ``("ok", form, media_type, body, truncated)`` or
``("error", kind, message)`` with ``kind`` ``syntax``, ``bad``, ``store`` or ``memory``.
A frame is an 8-byte big-endian length and a pickle; only the parent, which started the
process, writes to its stdin.

With a memory cap (argv[2], bytes) the process runs under ``RLIMIT_DATA``, which counts the
heap but not the file-backed mappings of the store, so a memory-hungry query makes an
allocation fail (the process aborts, or Python raises MemoryError) instead of growing.
The parent kills the process when a query outlives the time limit.
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
    import resource

    args = argv if argv is not None else sys.argv[1:]
    path, cap = args[0], int(args[1]) if len(args) > 1 else 0
    if cap > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
    try:  # the network sandbox, when the project has one
        from cuegraph.sandbox import deny_network
    except ImportError:
        pass
    else:
        deny_network()
    from cuegraph.engine.oxquery import QueryFailed, run_task
    from cuegraph.engine.snapshots import Snapshots
    from cuegraph.engine.tasks import UpdateCheck

    snapshots = Snapshots(path)
    lease = snapshots.open_newest()  # open before the first query asks
    rfd, wfd = sys.stdin.fileno(), sys.stdout.fileno()
    write_frame(wfd, ("ready", os.getpid()))
    while True:
        try:
            gen, task = read_frame(rfd)
        except EOFError:
            return 0
        reply: tuple
        if isinstance(task, UpdateCheck):
            write_frame(wfd, _check_update(task.update))
            continue
        try:
            if lease is None or lease.generation != gen:
                if lease is not None:
                    lease.close()
                lease = snapshots.open(gen) or snapshots.open_newest()
                if lease is None:
                    raise QueryFailed("store", f"no snapshot of the store at {path}")
                write_frame(wfd, ("opened",))  # the query's own time starts now
            reply = ("ok", *run_task(lease.store, task, task.max_rows))
        except QueryFailed as e:
            reply = ("error", e.kind, e.message)
        except MemoryError:
            reply = ("error", "memory", "the query needed more memory than allowed")
        except Exception as e:  # noqa: BLE001 - reported to the parent as a store error
            reply = ("error", "store", f"query failed: {type(e).__name__}: {e}")
        try:
            write_frame(wfd, reply)
        except MemoryError:
            write_frame(wfd, ("error", "memory", "the answer needed more memory than allowed"))


def _check_update(update: str) -> tuple:
    """Run ``update`` on an empty in-memory store in a thread with half the usual stack."""
    import resource
    import threading

    import pyoxigraph as ox

    soft = resource.getrlimit(resource.RLIMIT_STACK)[0]
    usual = soft if 0 < soft < 1 << 30 else 8 << 20
    out: list[tuple] = []

    def run() -> None:
        try:
            ox.Store().update(update)
        except SyntaxError as e:
            out.append(("error", "syntax", f"SPARQL Update syntax error: {e}"))
            return
        except Exception:  # noqa: BLE001, S110 - evaluation on an empty store may fail
            pass
        out.append(("ok",))

    previous = threading.stack_size(max(usual // 2, 1 << 20))
    try:
        thread = threading.Thread(target=run)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    return out[0] if out else ("error", "store", "the update check failed")


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main())
