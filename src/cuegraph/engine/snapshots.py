"""Consistent read-only snapshots (RocksDB checkpoints) of the embedded store.

pyoxigraph calls reading a store that another process writes "undefined behaviour", and it
is: RocksDB compaction deletes ``.sst`` files after a write, under a reader's feet. A
checkpoint (``Store.backup``) is a consistent copy of one committed state made of hard links
to the immutable ``.sst`` files, so it costs little on the same file system, and nothing
ever writes to it.

Layout, beside the store directory ``PATH``::

    PATH.snapshots/g000000000007/       one checkpoint (generation 7), published by rename
    PATH.snapshots/g000000000007.lock   readers hold a shared flock on it while they read

The writer publishes generation n+1 after each committed change (:meth:`Snapshots.publish`)
and then deletes every older checkpoint no reader holds (an exclusive non-blocking flock
succeeds only when nobody reads it). A writer that opens the store publishes only when the
newest checkpoint is not already its present state (:meth:`Snapshots.current`: the same
table files, hard links of one inode each, and, just after the open, no write-ahead log
holding data in the store; decided from the files, so it holds whichever process wrote
last, even one killed). A checkpoint's own log may repeat records its tables hold (Oxigraph
writes its version key at each open); a write in it beyond its tables was also in the
store's log, which the open flushes into a new table file: no longer the same tables.

A reader (:meth:`Snapshots.open_newest`) takes the shared lock on the newest generation,
checks it still exists, and opens it read-only.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cuegraph.pids import alive

__all__ = ["Snapshots", "Lease", "snapshot_root"]

_PREFIX = "g"
_DIGITS = 12


def snapshot_root(store_path: str | os.PathLike) -> Path:
    """Where the checkpoints of the store at ``store_path`` live."""
    p = Path(store_path)
    return p.with_name(p.name + ".snapshots")


@dataclass
class Lease:
    """A reader's hold on one checkpoint: the open store and the shared lock."""

    generation: int
    path: Path
    store: ox.Store
    _fd: int

    def close(self) -> None:
        if self._fd >= 0:
            self.store = None  # type: ignore[assignment]  # drop the RocksDB handle first
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = -1


class Snapshots:
    """The checkpoints of one on-disk store (see the module docstring)."""

    def __init__(self, store_path: str | os.PathLike):
        self.root = snapshot_root(store_path)
        self._lock = threading.Lock()

    # --- naming -----------------------------------------------------------------------
    def _dir(self, gen: int) -> Path:
        return self.root / f"{_PREFIX}{gen:0{_DIGITS}d}"

    def _lockfile(self, gen: int) -> Path:
        return self.root / f"{_PREFIX}{gen:0{_DIGITS}d}.lock"

    def generations(self) -> list[int]:
        """Published generations, oldest first."""
        try:
            names = os.listdir(self.root)
        except FileNotFoundError:
            return []
        out = []
        for name in names:
            if name.startswith(_PREFIX) and len(name) == _DIGITS + 1 and name[1:].isdigit():
                out.append(int(name[1:]))
        return sorted(out)

    def newest(self) -> int | None:
        gens = self.generations()
        return gens[-1] if gens else None

    def path(self, gen: int) -> Path:
        return self._dir(gen)

    # --- writer side ------------------------------------------------------------------
    def publish(self, store: ox.Store) -> int:
        """Checkpoint ``store`` (open read-write in this process) as the next generation."""
        with self._lock:
            self.root.mkdir(parents=True, exist_ok=True)
            gen = (self.newest() or 0) + 1
            tmp = self.root / f"tmp-{gen}-{os.getpid()}-{threading.get_ident()}"
            shutil.rmtree(tmp, ignore_errors=True)
            store.backup(str(tmp))
            self._lockfile(gen).touch()
            os.rename(tmp, self._dir(gen))  # atomic: readers see all of it or nothing
            self.collect(keep=gen)
            return gen

    def current(self, store_path: str | os.PathLike) -> int | None:
        """The newest generation if it is a checkpoint of the store's present state (see the
        module docstring), else ``None``. Call it with the store open read-write in this
        process (no other writer; the open has replayed and flushed any write-ahead log).

        Conservative: a compaction since the checkpoint, a table file copied instead of
        linked, or a log with data makes it ``None`` (a checkpoint is then published)."""
        gen = self.newest()
        if gen is None or not (self._dir(gen) / "CURRENT").exists():
            return None
        mine, theirs = _tables(Path(store_path), logs=True), _tables(self._dir(gen))
        return gen if mine is not None and mine == theirs else None

    def collect(self, keep: int | None = None) -> int:
        """Delete the checkpoints older than ``keep`` (default: the newest) that no reader
        holds; leftovers of interrupted publications too. Returns how many were deleted."""
        keep = self.newest() if keep is None else keep
        if keep is None:
            return 0
        deleted = 0
        for gen in self.generations():
            if gen >= keep:
                continue
            try:
                fd = os.open(self._lockfile(gen), os.O_RDONLY)
            except FileNotFoundError:
                fd = -1
            try:
                if fd >= 0:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # a reader still has it open
                trash = self.root / f"trash-{gen}-{os.getpid()}"
                try:
                    os.rename(self._dir(gen), trash)
                except FileNotFoundError:
                    continue
                if fd >= 0:
                    self._lockfile(gen).unlink(missing_ok=True)
                shutil.rmtree(trash, ignore_errors=True)
                deleted += 1
            finally:
                if fd >= 0:
                    os.close(fd)
        for stale in self.root.glob("trash-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in self.root.glob("tmp-*"):
            pid = stale.name.split("-")[2] if stale.name.count("-") >= 2 else ""
            if pid.isdigit() and not alive(int(pid)):
                shutil.rmtree(stale, ignore_errors=True)
        return deleted

    # --- reader side ------------------------------------------------------------------
    def open(self, gen: int) -> Lease | None:
        """Open generation ``gen`` read-only under a shared lock (``None``: it is gone)."""
        try:
            fd = os.open(self._lockfile(gen), os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            path = self._dir(gen)
            if not (path / "CURRENT").exists():
                raise FileNotFoundError(path)
            store = ox.Store.read_only(str(path))
        except (FileNotFoundError, OSError):
            os.close(fd)
            return None
        return Lease(gen, path, store, fd)

    def open_newest(self, attempts: int = 20) -> Lease | None:
        """The newest published checkpoint, opened; ``None`` when none is published."""
        for _ in range(attempts):
            gen = self.newest()
            if gen is None:
                return None
            lease = self.open(gen)
            if lease is not None:
                return lease
        return None


def _tables(directory: Path, logs: bool = False) -> frozenset[tuple[int, int]] | None:
    """(device, inode) of a RocksDB directory's table files; ``None`` when it cannot be
    read or, with ``logs``, when one of its write-ahead logs holds data."""
    tables = set()
    try:
        with os.scandir(directory) as entries:
            for e in entries:
                stem, _, ext = e.name.rpartition(".")
                if not stem.isdigit():
                    continue
                if ext == "log":
                    if logs and e.stat().st_size:
                        return None
                elif ext in ("sst", "blob"):
                    st = e.stat()
                    tables.add((st.st_dev, st.st_ino))
    except OSError:
        return None
    return frozenset(tables)
