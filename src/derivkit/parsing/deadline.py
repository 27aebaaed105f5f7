"""A CPU-time bound on one parse, for what no estimate can foresee.

The other limits are checked *before* the expensive work, with a precise message.  But
SymPy's assumption system can take exponential time on some nested functions: building
``tanh(tanh(tanh(tanh(tanh(tanh(tanh(tanh(x))))))))`` takes minutes, because each
``tanh`` asks whether its argument is real, which rebuilds the argument's real and
imaginary parts, recursively.  No syntactic limit separates such inputs from ordinary
ones, so the parse also runs against a clock.

How: a timer thread raises an exception *in the parsing thread* with CPython's
``PyThreadState_SetAsyncExc`` (no signals, so it works in any thread and does not
disturb SIGALRM users such as pytest-timeout).  The exception derives from
BaseException so that SymPy's ``except Exception`` clauses cannot swallow it.  It is
delivered between bytecodes, so a single long C call (a big-integer product) finishes
first; those are bounded by the size limits.  Without CPython's C API there is no clock.

The clock is the parsing thread's own CPU time, not the wall clock: on a busy machine
(eight checks on two cores) a parse gets less of the CPU per second, and a wall-clock
bound would call the same input invalid there and valid on an idle machine. A verdict must
not depend on load, so the bound counts only the work done; the wall clock is the
sandbox's business, and a check it stops is "unknown", never "invalid". Where a thread's
CPU clock is not available, the wall clock is used.
"""

from __future__ import annotations

import ctypes
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_API = getattr(ctypes, "pythonapi", None)


class Expired(BaseException):
    """Raised asynchronously in the parsing thread when its time is up."""


def _set_async(thread_id: int, exc: type[BaseException] | None) -> None:
    if _API is not None:
        # None clears a pending exception (ctypes passes it as NULL).
        _API.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


def _cpu_clock(thread_id: int) -> Callable[[], float]:
    """A function reading the CPU time of thread ``thread_id`` (wall clock if unavailable)."""
    try:
        clock = time.pthread_getcpuclockid(thread_id)
        time.clock_gettime(clock)
    except (AttributeError, OSError):
        return time.monotonic
    return lambda: time.clock_gettime(clock)


class _Watchdog:
    """One timer thread per process that serves every deadline: starting a thread per
    parse cost about 0.7 ms, more than the parse itself. Threads do not survive fork, so a
    forked worker starts its own on first use."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        # ticket -> (the thread's clock, expiry on that clock, thread id)
        self.pending: dict[int, tuple[Callable[[], float], float, int]] = {}
        self.fired: set[int] = set()
        self.tickets = itertools.count()
        self.pid: int | None = None

    def _run(self) -> None:
        with self.condition:
            while True:
                soonest: float | None = None
                for ticket, (clock, expiry, thread_id) in list(self.pending.items()):
                    try:
                        left = expiry - clock()
                    except OSError:  # the thread is gone
                        del self.pending[ticket]
                        continue
                    if left <= 0:
                        del self.pending[ticket]
                        self.fired.add(ticket)
                        _set_async(thread_id, Expired)
                    else:  # CPU time never runs faster than the wall clock: look again then
                        soonest = left if soonest is None else min(soonest, left)
                self.condition.wait(soonest)

    def start(self, seconds: float) -> int:
        with self.condition:
            if self.pid != os.getpid():
                self.pid = os.getpid()
                self.pending.clear()
                self.fired.clear()
                threading.Thread(target=self._run, name="derivkit-parse-deadline", daemon=True).start()
            ticket = next(self.tickets)
            clock = _cpu_clock(threading.get_ident())
            self.pending[ticket] = (clock, clock() + seconds, threading.get_ident())
            self.condition.notify()
            return ticket

    def stop(self, ticket: int) -> None:
        with self.condition:
            self.pending.pop(ticket, None)
            if ticket in self.fired:
                self.fired.discard(ticket)
                _set_async(threading.get_ident(), None)  # finished just in time: drop the pending exception


_WATCHDOG = _Watchdog()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Expired` inside the block once it has used ``seconds`` of CPU time."""
    if _API is None:
        yield
        return
    ticket = _WATCHDOG.start(seconds)
    try:
        yield
    finally:
        _WATCHDOG.stop(ticket)
