"""Switch the network off for the code that runs users' SPARQL: a seccomp filter.

pyoxigraph's ``Store.query``/``update`` have no switch for their HTTP client: a ``SERVICE``
pattern or a ``LOAD`` makes the engine fetch the URL it names. :func:`deny_network` installs
a seccomp filter on the calling thread (and every thread or process it starts later) that
makes ``socket()`` fail with ``EPERM`` for every address family except ``AF_UNIX``, and
``io_uring_setup`` too (io_uring can open sockets without the ``socket`` system call). Pipes,
files and Unix sockets keep working, so a query worker or an update thread runs as before,
but whatever the query says, it cannot open a network connection. The filter cannot be
removed once installed (``PR_SET_NO_NEW_PRIVS``), which is why it goes on dedicated
processes and threads only: :func:`offline_executor` gives a one-thread executor whose
thread has it.

Linux only (x86-64 and AArch64); elsewhere :func:`deny_network` returns False and the
callers rely on the parse in :mod:`cuegraph.api.sparql.check` alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform
import struct
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["deny_network", "network_denied", "offline_executor", "supported"]

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
_AF_UNIX = 1

# (audit arch, socket nr, io_uring_setup nr, lowest number of a foreign ABI or None)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425, 0x40000000),  # x32 syscalls have bit 30 set
    "amd64": (0xC000003E, 41, 425, 0x40000000),
    "aarch64": (0xC00000B7, 198, 425, None),
    "arm64": (0xC00000B7, 198, 425, None),
}

_LD_W_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06

_local = threading.local()


def supported() -> bool:
    """Whether this platform can take the filter (Linux on x86-64 or AArch64)."""
    return sys.platform.startswith("linux") and platform.machine().lower() in _ARCHES


def _program() -> bytes:
    arch, nr_socket, nr_uring, foreign = _ARCHES[platform.machine().lower()]
    ins = [
        (_LD_W_ABS, 0, 0, 4),  # 0: A = seccomp_data.arch
        (_JEQ, 0, 7, arch),  # 1: another ABI -> deny
        (_LD_W_ABS, 0, 0, 0),  # 2: A = seccomp_data.nr
        (_JGE, 5, 0, foreign if foreign is not None else 0xFFFFFFFF),  # 3: x32 -> deny
        (_JEQ, 4, 0, nr_uring),  # 4: io_uring_setup -> deny
        (_JEQ, 0, 2, nr_socket),  # 5: not socket() -> allow
        (_LD_W_ABS, 0, 0, 16),  # 6: A = low 32 bits of args[0] (the address family)
        (_JEQ, 0, 1, _AF_UNIX),  # 7: AF_UNIX -> allow, anything else -> deny
        (_RET, 0, 0, _RET_ALLOW),  # 8
        (_RET, 0, 0, _RET_EPERM),  # 9
    ]
    return b"".join(struct.pack("HBBI", *i) for i in ins)


def deny_network() -> bool:
    """Install the filter on the calling thread (inherited by threads and processes it starts).

    Returns True when the filter is in place (also when it already was), False where seccomp
    is not available. Never raises.
    """
    if getattr(_local, "denied", False):
        return True
    if not supported():
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        prog = _program()
        filt = ctypes.create_string_buffer(prog, len(prog))

        class _Fprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        fprog = _Fprog(len(prog) // 8, ctypes.cast(filt, ctypes.c_void_p))
        libc.prctl.argtypes = [
            ctypes.c_int,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_ulong,
        ]
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
            return False
    except (OSError, AttributeError, KeyError):
        return False
    _local.denied = True
    os.environ.setdefault("CUEGRAPH_SANDBOXED", "1")  # informative, for child processes
    return True


def network_denied() -> bool:
    """Whether :func:`deny_network` succeeded on the calling thread."""
    return bool(getattr(_local, "denied", False))


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def offline_executor() -> ThreadPoolExecutor:
    """A process-wide one-thread executor whose thread cannot open network sockets.

    One thread also means the work submitted to it runs one at a time (SPARQL updates).
    """
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="cuegraph-offline", initializer=deny_network
            )
        return _executor
