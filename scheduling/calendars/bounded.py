"""Run work on untrusted input in a child process with a CPU-time, memory and wall-clock bound.

Reading someone else's calendar runs third-party parsers and recurrence expansion whose cost
the data decides (a rule that never produces an occurrence makes dateutil scan to the year 9999).
The child gets hard limits from the kernel; when it overruns them it dies, and the caller gets
`TooCostly` instead of a stuck request or worker.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

CPU_SECONDS = 3
EXTRA_MEMORY_BYTES = 512 * 2**20
WALL_SECONDS = 15.0


class TooCostly(RuntimeError):
    """The work needed more CPU time, memory or wall-clock time than it is allowed."""


def run_bounded(work: Callable[..., T], *args: Any, cpu_seconds: int = CPU_SECONDS) -> T:
    """`work(*args)` computed in a forked child under hard limits; its exceptions re-raised."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, cpu_seconds, work, args), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(WALL_SECONDS):
            raise TooCostly(f"Reading it took longer than {WALL_SECONDS:g} s.")
        succeeded, value = receiver.recv()
    except EOFError:  # killed by the kernel: SIGXCPU, or out of memory
        raise TooCostly("Reading it needed more computing time or memory than allowed.") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if succeeded:
        return value  # type: ignore[no-any-return]
    raise value


def _child(sender: Connection, cpu_seconds: int, work: Callable[..., Any], args: Any) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    memory = _address_space() + EXTRA_MEMORY_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        sender.send((True, work(*args)))
    except MemoryError:
        sender.send((False, TooCostly("Reading it needed more memory than allowed.")))
    except BaseException as error:  # sent back and raised in the parent
        sender.send((False, error))
    finally:
        sender.close()
        os._exit(0)  # leave the parent's pools, files and atexit hooks alone


def _address_space() -> int:
    """This process's virtual memory size (the child starts as a copy of its parent)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
