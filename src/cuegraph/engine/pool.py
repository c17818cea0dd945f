"""The query worker pool: long-lived processes on a snapshot, bounded in time and memory.

pyoxigraph cannot cancel a query (oxigraph#1926), so each user query runs in a worker
process (:mod:`cuegraph.engine.worker`) that the pool kills at the time limit. Workers
keep the newest snapshot open and reopen only when a newer generation is published, so a
query costs one pipe round trip, not a store open.

Scheduling, so cheap queries never queue behind runaways:

* the time limit is end to end: waiting for a free worker counts;
* a query still running after ``long_after`` seconds becomes *long*: its worker is reniced
  and no longer counts towards the pool's ``size``, so a replacement starts at once in the
  background and cheap queries keep ``size`` workers;
* at most ``max_long`` long queries run at a time; one more gets its 503 at once;
* a long query's worker is retired when it ends, unless the pool is short of workers and
  its niceness can be undone (it needs the privilege to).

A worker that dies (a memory cap hit, a parser crash) is replaced; its query gets 503
(memory) or 400 (the parser's stack overflowed) and the data is untouched (snapshots are
read-only).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import socket
import sys
from collections import deque
from dataclasses import dataclass, field

from cuegraph.engine.tasks import QueryTask, UpdateCheck
from cuegraph.errors import BadQuery, QueryTimeout, StoreError

__all__ = ["Pool", "QueryOutOfMemory", "QueryOverLimit"]

_START_TIMEOUT = 60.0
_WORKER_MAIN = "import sys; from cuegraph.engine.worker import main; sys.exit(main())"
_HEADER = 8
_NICE = 10


_FORKSERVER_MAIN = "import sys; from cuegraph.engine.forkserver import main; sys.exit(main())"


class _ForkedProc:
    """A worker forked by the fork server: the subset of ``asyncio.subprocess.Process``
    the pool uses (not our child: watched and signalled through a pidfd)."""

    def __init__(
        self,
        pid: int,
        stdin: asyncio.StreamWriter,
        stdout: asyncio.StreamReader,
        stderr: asyncio.StreamReader,
    ):
        self.pid = pid
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.returncode: int | None = None
        self._gone = asyncio.Event()
        try:
            self._pidfd = os.pidfd_open(pid)
        except (OSError, AttributeError):
            self._pidfd = -1
        if self._pidfd >= 0:
            asyncio.get_running_loop().add_reader(self._pidfd, self._exited)

    def _exited(self) -> None:
        if self.returncode is None:
            self.returncode = -1  # not our child: the status is the fork server's to reap
        if self._pidfd >= 0:
            asyncio.get_running_loop().remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = -1
        self._gone.set()

    def kill(self) -> None:
        if self._pidfd >= 0:
            signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
        elif self.returncode is None:
            raise ProcessLookupError(self.pid)

    async def wait(self) -> int | None:
        if self._pidfd >= 0:
            await self._gone.wait()
        return self.returncode


class _ForkServer:
    """The client side of :mod:`cuegraph.engine.forkserver`."""

    def __init__(self, proc: asyncio.subprocess.Process, sock: socket.socket):
        self.proc = proc
        self.sock = sock
        self.lock = asyncio.Lock()

    @classmethod
    async def start(cls, args: list[str], env: dict) -> _ForkServer:
        ours, theirs = socket.socketpair()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _FORKSERVER_MAIN,
            str(theirs.fileno()),
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            env=env,
        )
        theirs.close()
        ours.setblocking(False)
        return cls(proc, ours)

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    async def fork(self) -> _ForkedProc:
        loop = asyncio.get_running_loop()
        (in_r, in_w), (out_r, out_w), (err_r, err_w) = os.pipe(), os.pipe(), os.pipe()
        try:
            async with self.lock:
                await loop.run_in_executor(
                    None, lambda: socket.send_fds(self.sock, [b"f"], [in_r, out_w, err_w])
                )
                line = b""
                while not line.endswith(b"\n"):
                    chunk = await loop.sock_recv(self.sock, 32)
                    if not chunk:
                        raise OSError("the fork server is gone")
                    line += chunk
        finally:
            for fd in (in_r, out_w, err_w):
                os.close(fd)
        pid = int(line)
        stdout = asyncio.StreamReader(limit=2**20)
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stdout), os.fdopen(out_r, "rb", buffering=0)
        )
        stderr = asyncio.StreamReader()
        await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(stderr), os.fdopen(err_r, "rb", buffering=0)
        )
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(in_w, "wb", buffering=0)
        )
        stdin = asyncio.StreamWriter(transport, protocol, None, loop)
        return _ForkedProc(pid, stdin, stdout, stderr)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()


class QueryOverLimit(QueryTimeout):
    """503: a query stopped for its memory, or because too many long queries run."""


class QueryOutOfMemory(QueryOverLimit):
    """503: a query stopped because it needed more than the memory cap."""


@dataclass(eq=False)
class _Worker:
    proc: asyncio.subprocess.Process
    long: bool = False
    stderr: bytearray = field(default_factory=bytearray)
    drain: asyncio.Task | None = None
    killed: bool = False

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None and not self.killed

    async def send(self, obj: object) -> None:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        assert self.proc.stdin is not None
        self.proc.stdin.write(len(data).to_bytes(_HEADER, "big") + data)
        await self.proc.stdin.drain()

    async def receive(self) -> tuple:
        assert self.proc.stdout is not None
        size = int.from_bytes(await self.proc.stdout.readexactly(_HEADER), "big")
        return pickle.loads(await self.proc.stdout.readexactly(size))

    def kill(self) -> None:
        if self.alive:
            self.killed = True
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()


class Pool:
    """See the module docstring. Use from one event loop."""

    def __init__(
        self,
        path: str,
        *,
        size: int,
        memory: int = 0,
        long_after: float = 0.25,
        max_long: int | None = None,
        fork: bool = True,
    ):
        self.path = path
        self.size = max(1, size)
        self.memory = max(0, memory)
        self.long_after = long_after
        self.max_long = max(1, max_long if max_long is not None else max(self.size, 4))
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future] = deque()
        self._short = 0  # workers counted towards size: idle, busy with a short query, starting
        self._long = 0
        self._all: set[_Worker] = set()
        self._start_error: str | None = None
        self._tasks: set[asyncio.Task] = set()
        self.fork = fork and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")
        self._forkserver: _ForkServer | None = None

    async def start(self) -> None:
        """Start the workers and wait until they are ready (or failed to start)."""
        self._fill()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=_START_TIMEOUT)

    # --- workers ------------------------------------------------------------------------
    async def _process(self):  # noqa: ANN202 - a Process or a _ForkedProc
        env = {**os.environ, "RUST_BACKTRACE": "0"}  # an abort must not symbolise
        args = [self.path, str(self.memory)]
        if self.fork:
            try:
                if self._forkserver is None or not self._forkserver.alive:
                    if self._forkserver is not None:
                        self._forkserver.close()
                    self._forkserver = await _ForkServer.start(args, env)
                return await self._forkserver.fork()
            except (OSError, ValueError):
                self.fork = False  # fall back to starting each worker with Python
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _WORKER_MAIN,
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            close_fds=True,
            env=env,
        )

    async def _spawn(self) -> _Worker:
        proc = await self._process()
        worker = _Worker(proc)
        self._all.add(worker)
        worker.drain = asyncio.ensure_future(self._drain_stderr(worker))
        try:
            hello = await asyncio.wait_for(worker.receive(), _START_TIMEOUT)
        except (TimeoutError, asyncio.IncompleteReadError, OSError):
            await self._retire(worker)
            raise StoreError(
                "a SPARQL worker process did not start: " + _tail(worker.stderr)
            ) from None
        if hello[0] != "ready":
            await self._retire(worker)
            raise StoreError("a SPARQL worker process did not start")
        return worker

    @staticmethod
    async def _drain_stderr(worker: _Worker) -> None:
        assert worker.proc.stderr is not None
        while chunk := await worker.proc.stderr.read(4096):
            worker.stderr += chunk
            del worker.stderr[:-4096]

    async def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(worker.proc.wait(), 5)
        if worker.drain is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.drain, 1)
        if worker.proc.stdin is not None:
            worker.proc.stdin.close()
        self._all.discard(worker)

    def _fill(self) -> None:
        """Start workers in the background until ``size`` serve short queries."""
        while self._short < self.size:
            self._short += 1
            task = asyncio.ensure_future(self._start_one())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _start_one(self) -> None:
        try:
            worker = await self._spawn()
        except Exception as e:  # noqa: BLE001 - reported to the waiting queries
            self._short -= 1
            self._start_error = str(e)
            while self._waiters:
                fut = self._waiters.popleft()
                if not fut.done():
                    fut.set_exception(StoreError(str(e)))
            return
        self._start_error = None
        self._release(worker)

    def _release(self, worker: _Worker) -> None:
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(worker)
                return
        self._idle.append(worker)

    async def _acquire(self, deadline: float, timeout: float) -> _Worker:
        loop = asyncio.get_running_loop()
        self._fill()
        while self._idle:
            worker = self._idle.pop()
            if worker.alive:
                return worker
            self._short -= 1
            await self._retire(worker)
            self._fill()
        fut: asyncio.Future = loop.create_future()
        self._waiters.append(fut)
        try:
            return await asyncio.wait_for(asyncio.shield(fut), max(deadline - loop.time(), 0))
        except TimeoutError:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                self._release(fut.result())
            else:
                fut.cancel()
            raise QueryTimeout(
                f"the query ran longer than the {timeout:g} s limit and was stopped "
                "(it waited for a free query worker)",
                {"timeout_seconds": timeout},
            ) from None

    # --- queries ------------------------------------------------------------------------
    async def run(
        self, task: QueryTask | UpdateCheck, generation: int, deadline: float, timeout: float
    ) -> tuple:
        """The worker's reply ``("ok", form, media, body, truncated)``; errors raised."""
        loop = asyncio.get_running_loop()
        worker = await self._acquire(deadline, timeout)
        reading: asyncio.Task | None = None
        try:
            await worker.send((generation, task))
            reading = asyncio.ensure_future(worker.receive())
            started = loop.time()  # the query's own running time starts here ...
            while True:
                until = deadline if worker.long else min(started + self.long_after, deadline)
                done, _ = await asyncio.wait({reading}, timeout=max(until - loop.time(), 0))
                if done:
                    reply = reading.result()
                    if reply[0] != "opened":
                        break
                    started = loop.time()  # ... or after the worker opened a new snapshot
                    reading = asyncio.ensure_future(worker.receive())
                elif loop.time() >= deadline:
                    raise QueryTimeout(
                        f"the query ran longer than the {timeout:g} s limit and was stopped",
                        {"timeout_seconds": timeout},
                    )
                elif not worker.long:
                    self._become_long(worker, timeout)
        except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError):
            raise await self._died(worker) from None
        except BaseException:
            worker.kill()
            raise
        finally:
            if reading is not None and not reading.done():
                reading.cancel()
            await self._give_back(worker)
        if reply[0] == "ok":
            return reply
        _, kind, message = reply
        if kind in ("syntax", "bad"):
            raise BadQuery(message)
        if kind == "memory":
            raise self._memory_error()
        raise StoreError(message)

    def _become_long(self, worker: _Worker, timeout: float) -> None:
        if self._long >= self.max_long:
            worker.kill()
            raise QueryOverLimit(
                f"{self._long} long queries are running already (the most at a time); "
                "this one was stopped early, try again later",
                {"timeout_seconds": timeout, "max_long_queries": self.max_long},
            )
        self._long += 1
        self._short -= 1
        worker.long = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.proc.pid, _NICE)
        self._fill()  # a replacement for cheap queries

    async def _give_back(self, worker: _Worker) -> None:
        if worker.long:
            self._long -= 1
            worker.long = False
            if worker.alive and (self._short < self.size or _unnice(worker.proc.pid)):
                # a false alarm (e.g. a busy machine): back to work, still reniced when
                # that cannot be undone; spares beyond ``size`` are trimmed when idle
                self._short += 1
                self._release(worker)
            else:
                await self._retire(worker)  # replaced already
        elif worker.alive:
            if self._short > self.size and not self._waiters:
                self._short -= 1  # more workers than cheap queries need: trim a spare
                await self._retire(worker)
            else:
                self._release(worker)
        else:
            self._short -= 1
            await self._retire(worker)
            self._fill()

    def _memory_error(self) -> QueryOutOfMemory:
        mb = self.memory / 2**20
        return QueryOutOfMemory(
            f"the query needed more than the {mb:g} MB memory limit and was stopped",
            {"memory_limit_bytes": self.memory},
        )

    async def _died(self, worker: _Worker) -> Exception:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(worker.proc.wait(), 5)
        if worker.drain is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.drain, 1)
        text = bytes(worker.stderr).decode("utf-8", "replace")
        if "overflowed its stack" in text:
            return BadQuery("the query is nested too deeply for the SPARQL parser")
        if self.memory and (
            "memory allocation" in text
            or "MemoryError" in text
            or worker.proc.returncode in (-signal.SIGABRT, -signal.SIGSEGV)
        ):
            return self._memory_error()
        return StoreError(f"the SPARQL worker process died while answering: {_tail(text)}")

    def close(self) -> None:
        """Kill every worker (synchronous: usable at exit)."""
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        if self._forkserver is not None:
            self._forkserver.close()
            self._forkserver = None
        self._idle.clear()


def _unnice(pid: int) -> bool:
    """Undo the renice (allowed only with CAP_SYS_NICE or a permissive RLIMIT_NICE)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, 0)
    except OSError:
        return False
    return True


def _tail(text: bytes | bytearray | str) -> str:
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"
