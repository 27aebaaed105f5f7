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
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_API = getattr(ctypes, "pythonapi", None)


class Expired(BaseException):
    """Raised asynchronously in the parsing thread when its time is up."""


def _set_async(thread_id: int, exc: type[BaseException] | None) -> None:
    if _API is not None:
        # None clears a pending exception (ctypes passes it as NULL).
        _API.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Expired` inside the block if it runs longer than ``seconds``."""
    if _API is None:
        yield
        return
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                _set_async(thread_id, Expired)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            if state["fired"]:
                _set_async(thread_id, None)  # finished just in time: drop the pending exception
        timer.cancel()
