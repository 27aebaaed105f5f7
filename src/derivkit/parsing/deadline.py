"""A wall-clock bound on one parse, for what no estimate can foresee.

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
"""

from __future__ import annotations

import ctypes
import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_API = getattr(ctypes, "pythonapi", None)


class Expired(BaseException):
    """Raised asynchronously in the parsing thread when its time is up."""


def _set_async(thread_id: int, exc: type[BaseException] | None) -> None:
    if _API is not None:
        # None clears a pending exception (ctypes passes it as NULL).
        _API.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


class _Watchdog:
    """One timer thread per process that serves every deadline: starting a thread per
    parse cost about 0.7 ms, more than the parse itself. Threads do not survive fork, so a
    forked worker starts its own on first use."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.pending: dict[int, tuple[float, int]] = {}  # ticket -> (expiry, thread id)
        self.fired: set[int] = set()
        self.tickets = itertools.count()
        self.pid: int | None = None

    def _run(self) -> None:
        with self.condition:
            while True:
                now = time.monotonic()
                for ticket, (expiry, thread_id) in list(self.pending.items()):
                    if expiry <= now:
                        del self.pending[ticket]
                        self.fired.add(ticket)
                        _set_async(thread_id, Expired)
                soonest = min((expiry for expiry, _ in self.pending.values()), default=None)
                self.condition.wait(None if soonest is None else max(0.0, soonest - now))

    def start(self, seconds: float) -> int:
        with self.condition:
            if self.pid != os.getpid():
                self.pid = os.getpid()
                self.pending.clear()
                self.fired.clear()
                threading.Thread(target=self._run, name="derivkit-parse-deadline", daemon=True).start()
            ticket = next(self.tickets)
            self.pending[ticket] = (time.monotonic() + seconds, threading.get_ident())
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
    """Raise :class:`Expired` inside the block if it runs longer than ``seconds``."""
    if _API is None:
        yield
        return
    ticket = _WATCHDOG.start(seconds)
    try:
        yield
    finally:
        _WATCHDOG.stop(ticket)
