"""Reading dump files as a stream of lines, whatever the compression, in constant memory.

A dump is read once (or twice, for a two-pass importer) from start to end: a ``.tar.xz``
(``.tar.gz``, ``.tar.bz2``, ``.tar``) archive is walked with :mod:`tarfile` in stream mode
and the members an importer asks for are read line by line; ``.xz``, ``.gz`` and ``.bz2``
files are decompressed as they are read; any other file is read as it is. The compressed
bytes consumed are counted for the progress bar.

A corrupt compressed block, a truncated archive or a line that is not a complete JSON
object raises :class:`~cuegraph.errors.BadInput` with one line naming the file, the member
and the line number; importers raise it before anything is written.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import tarfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from cuegraph.errors import BadInput, first_line

__all__ = ["DumpLine", "Lines", "read_lines", "parse_line", "compression"]

#: errors the decompressors raise on corrupt or truncated input
_CORRUPT = (lzma.LZMAError, zlib.error, EOFError, tarfile.TarError, gzip.BadGzipFile, OSError)


class _Counting(io.RawIOBase):
    """A raw file that counts the bytes read from disk (the progress bar's measure)."""

    def __init__(self, f: IO[bytes], on_bytes: Callable[[int], None] | None):
        self._f = f
        self._on = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._f.readinto(b)  # type: ignore[attr-defined]  # a raw file opened "rb"
        if n and self._on:
            self._on(n)
        return n or 0

    def close(self) -> None:
        self._f.close()
        super().close()


def compression(path: Path) -> str:
    """``tar``, ``xz``, ``gz``, ``bz2`` or ``plain``, from the file's name."""
    name = path.name.lower()
    if name.endswith((".tar.xz", ".tar.gz", ".tar.bz2", ".tgz", ".tar")):
        return "tar"
    for ext in ("xz", "gz", "bz2"):
        if name.endswith("." + ext):
            return ext
    return "plain"


class DumpLine:
    """One line of a dump member: its text (bytes, newline stripped), its number, and
    whether it ended with a newline (a last line without one may be truncated)."""

    __slots__ = ("text", "number", "member", "complete")

    def __init__(self, text: bytes, number: int, member: str, complete: bool):
        self.text, self.number, self.member, self.complete = text, number, member, complete


def _lines(stream: IO[bytes], member: str) -> Iterator[DumpLine]:
    n = 0
    for raw in stream:
        n += 1
        complete = raw.endswith(b"\n")
        yield DumpLine(raw.rstrip(b"\r\n"), n, member, complete)


class Lines:
    """The lines of a dump (iterate it). When a line does not parse, :meth:`damaged` reads a
    little further to tell a corrupt compressed block (bzip2 hands out a damaged block's
    text before its checksum fails) from a bad line."""

    def __init__(
        self,
        path: Path,
        members: Callable[[str], str | None] | None,
        on_bytes: Callable[[int], None] | None,
    ):
        self.path, self._members, self._on = Path(path), members, on_bytes
        self._it = self._gen()
        self._stream: IO[bytes] | None = None

    def __iter__(self) -> Iterator[tuple[str, DumpLine]]:
        return self._it

    def damaged(self, limit: int = 4 << 20) -> BadInput | None:
        """The corruption error found within ``limit`` more bytes, if any."""
        stream, kind = self._stream, compression(self.path)
        if stream is None or kind == "plain":
            return None
        try:
            while limit > 0 and (chunk := stream.read(min(limit, 1 << 16))):
                limit -= len(chunk)
        except _CORRUPT as e:
            return _corrupt_error(self.path, kind, self.path.name, e)
        except ValueError:  # already closed: the error came from the stream itself
            return None
        return None

    def _gen(self) -> Iterator[tuple[str, DumpLine]]:
        return _read(self, self.path, self._members, self._on)


def read_lines(
    path: Path,
    members: Callable[[str], str | None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Lines:
    """Every line of the dump at ``path``, as ``(kind, line)`` pairs (see :func:`_read`)."""
    return Lines(path, members, on_bytes)


def _corrupt_error(path: Path, kind: str, member: str, e: BaseException) -> BadInput:
    what = {"tar": "archive", "plain": "file"}.get(kind, f"{kind} data")
    where = f" (member {member})" if kind == "tar" and member != path.name else ""
    return BadInput(
        f"{path}{where}: corrupt or truncated {what}: {first_line(e)}; nothing was written"
    )


def _read(
    owner: Lines,
    path: Path,
    members: Callable[[str], str | None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[str, DumpLine]]:
    """Every line of the dump at ``path``: ``(kind, line)`` pairs.

    For an archive, ``members(name)`` names the kind of each member to read (``None``:
    skip it); for a single file, ``members(file name)`` does (a ``None`` there means the
    kind is unknown: ``""`` is passed on and the importer decides per line).

    Raises:
        BadInput: the file is missing, its compression is corrupt or truncated.
    """
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no such file: {path}")
    kind = compression(path)
    member = path.name
    try:
        with open(path, "rb", buffering=0) as f:
            raw = io.BufferedReader(_Counting(f, on_bytes), buffer_size=1 << 20)
            if kind == "tar":
                with tarfile.open(fileobj=raw, mode="r|*") as tar:
                    for info in tar:
                        member = info.name
                        wanted = members(info.name) if members else ""
                        if wanted is None or not info.isfile():
                            continue
                        stream = tar.extractfile(info)
                        if stream is None:
                            continue
                        owner._stream = io.BufferedReader(stream, 1 << 20)  # type: ignore[type-var]
                        for line in _lines(owner._stream, info.name):
                            yield wanted, line
                return
            openers: dict[str, Callable[..., Any]] = {
                "xz": lzma.open,
                "gz": gzip.open,
                "bz2": bz2.open,
            }
            opener = openers.get(kind)
            stream = opener(raw, "rb") if opener else raw
            owner._stream = stream
            wanted = (members(path.name) if members else "") or ""
            yield from ((wanted, line) for line in _lines(stream, path.name))
    except BadInput:
        raise
    except _CORRUPT as e:
        raise _corrupt_error(path, kind, member, e) from None


def parse_line(path: Path, line: DumpLine, text: bytes | None = None) -> dict:
    """The JSON object of one dump line (``text``: the line without the array's comma).

    Raises:
        BadInput: not one complete JSON object (a truncated last line, a damaged file).
    """
    body = line.text if text is None else text
    try:
        obj = json.loads(body)
    except (ValueError, UnicodeDecodeError) as e:
        cut = "" if line.complete else " (the file ends in the middle of it: truncated?)"
        raise BadInput(
            f"{path}: {line.member} line {line.number} is not a complete JSON "
            f"entity{cut}: {first_line(e)}; nothing was written"
        ) from None
    if not isinstance(obj, dict):
        raise BadInput(
            f"{path}: {line.member} line {line.number} is not a JSON object; nothing was written"
        )
    return obj
