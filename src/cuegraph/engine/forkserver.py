"""A fork server for query workers: a new worker in milliseconds, not a Python start-up.

Starting a worker with ``python -c`` takes a few hundred milliseconds (seconds on a busy
machine), and a cheap query that needs a fresh worker (every other one runs a runaway)
would wait that long. The fork server is started once, imports what a worker needs, and
forks a worker per request. It is single-threaded and opens no store, so forking is safe.

Protocol over a Unix socket pair: the pool sends one byte with three file descriptors
(the worker's stdin, stdout and stderr; ``socket.send_fds``) and receives the worker's pid
as ASCII digits and a newline. The fork server ignores ``SIGCHLD`` so the kernel reaps the
workers; the pool watches each worker through a pidfd.
"""

from __future__ import annotations

import os
import signal
import socket
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Serve fork requests on the socket whose descriptor is ``argv[0]``."""
    args = argv if argv is not None else sys.argv[1:]
    sock = socket.socket(fileno=int(args[0]))
    worker_args = args[1:]
    import pyoxigraph  # noqa: F401  - imported once, shared by every fork

    from cuegraph.engine import oxquery, snapshots  # noqa: F401
    from cuegraph.engine import worker as sparql_worker

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 16, 3)
        except OSError:
            return 0
        if not msg or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            return 0
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                sock.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                for target, fd in enumerate(fds):
                    os.dup2(fd, target)
                    os.close(fd)
                code = sparql_worker.main(worker_args)
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)
        try:
            sock.sendall(f"{pid}\n".encode())
        except OSError:
            return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    sys.exit(main())
