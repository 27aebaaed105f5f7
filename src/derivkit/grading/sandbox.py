"""Bounded evaluation: run checks of untrusted input in killable worker processes.

Why a hand-written pool: ``signal.alarm`` only works in the main thread and GMP / CPython
big-int arithmetic never looks at signals, and ``ProcessPoolExecutor`` cannot kill a stuck
worker.  Here each task runs in a forked worker (SymPy already imported, so no import cost
per task) under RLIMIT_AS and RLIMIT_CPU, while the parent enforces the wall clock and
SIGKILLs a runaway worker, which is then replaced.  Workers are reused across tasks.
The parent uses no threads and no signal handlers, so any thread may call it.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import multiprocessing as mp
import os
import pickle
import resource
import signal
import struct
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

import sympy  # noqa: F401  (imported before forking so workers inherit it)

__all__ = ["Limits", "Outcome", "Task", "TaskSource", "WorkerPool", "plan_workers", "run_bounded"]

_HEADER = struct.Struct("<dd")  # memory_mb, cpu_seconds of the task, ahead of the pickle
_MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Bounds of one task.

    ``memory_mb`` is enforced with RLIMIT_AS as growth of the worker's address space over
    what it had when the task started (a forked worker starts with the parent's mappings,
    which are large when NumPy or other libraries are loaded; an absolute cap would fail
    tasks for reasons unrelated to them).  ``cpu_seconds`` (default timeout + 1) is a
    RLIMIT_CPU backstop in case the parent is gone or starved.
    """

    timeout: float = 10.0
    memory_mb: int = 2048
    cpu_seconds: float | None = None

    @property
    def cpu(self) -> float:
        """The effective CPU-time limit."""
        return self.cpu_seconds if self.cpu_seconds is not None else self.timeout + 1.0


@dataclass(frozen=True)
class Outcome:
    """What happened to a task: ``ok`` (value), ``timeout``, ``memory``, ``crashed``, ``error``."""

    status: str
    value: object = None
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _address_space() -> int:
    """The worker's current address space in bytes (VmSize), 0 when unknown."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _set_soft(which: int, soft: int) -> None:
    """Set a soft limit only, so later tasks can move it again (unprivileged can't raise hard)."""
    hard = resource.getrlimit(which)[1]
    resource.setrlimit(which, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _worker_main(conn: Connection) -> None:
    """Worker loop: receive a task, apply its limits, run it, send a pickled reply."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    start_vm = _address_space()
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):  # parent closed the pool or died
            os._exit(0)
        memory_mb, cpu = _HEADER.unpack_from(data)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _set_soft(resource.RLIMIT_CPU, math.ceil(usage.ru_utime + usage.ru_stime + cpu))
        _set_soft(resource.RLIMIT_AS, _address_space() + int(memory_mb * _MB))
        try:
            fn, args, kwargs = pickle.loads(memoryview(data)[_HEADER.size:])
            del data
            reply = pickle.dumps(("ok", fn(*args, **kwargs), ""), pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            reply = pickle.dumps(("memory", None, ""))
        except BaseException as e:
            try:
                exc: object = pickle.loads(pickle.dumps(e))
            except Exception:
                exc = None
            reply = pickle.dumps(("error", exc, f"{type(e).__name__}: {e}"))
        # Give memory back to the limit check: a worker that grew a lot is retired.
        retire = bool(start_vm) and _address_space() > start_vm + memory_mb * _MB
        try:
            conn.send_bytes((b"R" if retire else b"K") + reply)
        except (OSError, MemoryError):
            os._exit(1)
        if retire:
            os._exit(0)


_SPAWN_LOCK = threading.Lock()
_LIVE: weakref.WeakSet[_Worker] = weakref.WeakSet()


def _child_entry(child: Connection) -> None:
    """Close every parent-side socket inherited through fork (the siblings' and our own),
    or a worker would hold its siblings' sockets open and none would see EOF if the parent
    died; point the worker's stdout at its stderr, because stdout carries only results (GMP
    prints "gmp: overflow in mpz type" on stdout before it aborts); then serve tasks."""
    for w in list(_LIVE):
        w.conn.close()
    with contextlib.suppress(OSError):
        os.dup2(2, 1)
    _worker_main(child)


class _Worker:
    """One worker process and the parent's end of its socket."""

    def __init__(self, ctx: mp.context.BaseContext) -> None:
        with _SPAWN_LOCK:  # the registry must be complete when the child looks at it
            self.conn, child = ctx.Pipe(duplex=True)
            _LIVE.add(self)
            # typeshed defines Process on each concrete context, not on BaseContext
            self.process = ctx.Process(target=_child_entry, args=(child,), daemon=True)  # type: ignore[attr-defined]
            self.process.start()
            child.close()
        self.tasks = 0

    def kill(self) -> None:
        """SIGKILL and reap (no zombie); idempotent."""
        if self.conn.closed:
            return
        _LIVE.discard(self)
        self.conn.close()
        self.process.kill()  # harmless if it already exited: not yet reaped, so pid not reused
        self.process.join()
        self.process.close()


def _kill_all(workers: Iterable[_Worker | None]) -> None:
    for w in workers:
        if w is not None:
            w.kill()


def _death(exitcode: int | None, limits: Limits) -> tuple[str, str]:
    """Turn a dead worker's exit code into (status, sentence)."""
    if exitcode == -signal.SIGXCPU:
        return "timeout", (f"the check was stopped after {limits.cpu:.1f} s of CPU time "
                           "(CPU limit); it may be too hard to decide")
    if exitcode == -signal.SIGKILL:
        return "crashed", ("the check's worker process was killed (SIGKILL), most likely "
                           "because the system ran out of memory")
    if exitcode is not None and exitcode < 0:
        return "crashed", f"the check's worker process died from {_signal_name(-exitcode)}"
    return "crashed", f"the check's worker process exited unexpectedly (exit status {exitcode})"


def _signal_name(number: int) -> str:
    """SIGSEGV, or "signal 40" for one Python has no name for (real-time signals 34-64)."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


#: Memory every worker may use together when the machine does not say (no /proc/meminfo).
DEFAULT_TOTAL_MB = 4096
#: A worker gets at least this much; with less, fewer workers run.
MIN_WORKER_MB = 256


def _available_mb() -> int:
    """Memory the system says is available (MemAvailable), in MB; DEFAULT_TOTAL_MB if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return DEFAULT_TOTAL_MB


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def plan_workers(jobs: int | None, memory_mb: int) -> tuple[int, int]:
    """(workers, memory per worker) for a run that asked for ``jobs`` workers of ``memory_mb``.

    Checks are CPU-bound, so there are never more workers than CPUs; and the workers
    together stay within three quarters of the available memory (each gets at least
    MIN_WORKER_MB, so with little memory fewer workers run)."""
    workers = max(1, min(jobs or cpu_count(), cpu_count()))
    total = max(MIN_WORKER_MB, _available_mb() * 3 // 4)
    workers = max(1, min(workers, total // MIN_WORKER_MB))
    return workers, max(MIN_WORKER_MB // 2, min(memory_mb, total // workers))


#: A task for :meth:`WorkerPool.serve`: a key for the caller, the function, its arguments, its limits.
Task = tuple[object, Callable[..., object], tuple, Limits]


class TaskSource:
    """What :meth:`WorkerPool.serve` runs: ``take`` gives the next task (None: none now) and
    ``done`` receives each outcome, and may make more tasks available. Serving ends when no
    task is running, ``take`` has none and ``take_again`` says there will be none."""

    def take(self) -> Task | None:
        raise NotImplementedError

    def take_again(self) -> bool:
        """Called when nothing runs and ``take`` gave nothing: True to ask again."""
        return False

    def done(self, key: object, outcome: Outcome) -> None:
        raise NotImplementedError


class _ListSource(TaskSource):
    """A fixed list of (fn, args, kwargs) under one set of limits; outcomes kept in order."""

    def __init__(self, tasks: list[tuple], limits: Limits, on_done: Callable[[int, Outcome], None] | None) -> None:
        self.tasks, self.limits, self.on_done = tasks, limits, on_done
        self.results: list[Outcome | None] = [None] * len(tasks)
        self.next = 0

    def take(self) -> Task | None:
        if self.next >= len(self.tasks):
            return None
        i, self.next = self.next, self.next + 1
        fn, args, kwargs = self.tasks[i]
        return i, fn, (args, kwargs), self.limits

    def done(self, key: object, outcome: Outcome) -> None:
        assert isinstance(key, int)
        self.results[key] = outcome
        if self.on_done is not None:
            self.on_done(key, outcome)


class WorkerPool:
    """A pool of ``jobs`` reusable, killable worker processes (context manager).

    ``max_tasks`` (optional) recycles a worker after that many tasks.
    ``start_method`` defaults to "fork" so workers inherit the imported SymPy.
    """

    def __init__(self, jobs: int = 1, limits: Limits = Limits(), *, max_tasks: int | None = None,
                 start_method: str = "fork") -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.jobs, self.limits, self.max_tasks = jobs, limits, max_tasks
        self._ctx = mp.get_context(start_method)
        if start_method == "forkserver":
            self._ctx.set_forkserver_preload(["sympy", "derivkit.grading.sandbox"])
        self._free: list[_Worker | None] = [None] * jobs  # None: a slot with no process yet
        self._cond = threading.Condition()
        self._closed = False

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, fn: Callable[..., object], *args: object, **kwargs: object) -> Outcome:
        """Run ``fn(*args, **kwargs)`` in a worker under the pool's limits; blocks."""
        return self._execute([(fn, args, kwargs)], self.limits, None)[0]

    def map(self, fn: Callable[..., object], items: Iterable[tuple],
            on_done: Callable[[int, Outcome], None] | None = None) -> list[Outcome]:
        """Run ``fn(*item)`` for every item on up to ``jobs`` workers; results in input order."""
        return self._execute([(fn, tuple(item), {}) for item in items], self.limits, on_done)

    def serve(self, source: TaskSource) -> None:
        """Run the tasks ``source`` hands out, each under its own limits, on up to ``jobs``
        workers, passing each outcome to ``source.done`` as soon as it is known (so later
        passes, such as a second attempt, can start while first attempts still run)."""
        self._loop(source)

    def close(self) -> None:
        """Kill and reap the idle workers; busy ones are killed when their task returns."""
        with self._cond:
            self._closed = True
            free, self._free = self._free, []
            self._cond.notify_all()
        _kill_all(free)

    # -- internals -------------------------------------------------------------------

    def _checkout(self, n: int) -> list[_Worker | None]:
        """Take up to ``n`` worker slots, waiting until at least one is free."""
        with self._cond:
            while not self._free and not self._closed:
                self._cond.wait()
            if self._closed:
                raise RuntimeError("the WorkerPool is closed")
            taken, self._free = self._free[:n], self._free[n:]
            return taken

    def _checkin(self, slots: list[_Worker | None]) -> None:
        with self._cond:
            if not self._closed:  # live workers first, so the next task reuses one
                self._free = [w for w in slots if w] + self._free + [w for w in slots if not w]
                self._cond.notify_all()
                return
        _kill_all(slots)

    def _ready(self, w: _Worker | None) -> _Worker:
        """A live worker for this slot: the same one if healthy, else a fresh fork."""
        if w is not None and (not w.process.is_alive()
                              or (self.max_tasks is not None and w.tasks >= self.max_tasks)):
            w.kill()
            w = None
        return w if w is not None else _Worker(self._ctx)

    def _execute(self, tasks: list[tuple], limits: Limits,
                 on_done: Callable[[int, Outcome], None] | None) -> list[Outcome]:
        """Run a fixed list of (fn, args, kwargs) under one set of limits; outcomes in order."""
        if not tasks:
            return []
        source = _ListSource(tasks, limits, on_done)
        self._loop(source, min(len(tasks), self.jobs))
        return source.results  # type: ignore[return-value]

    def _loop(self, source: TaskSource, width: int | None = None) -> None:
        """The event loop: dispatch to free workers, wait on sockets/sentinels/deadlines."""
        slots = self._checkout(width or self.jobs)
        idle: list[_Worker | None] = list(slots)
        busy: dict[_Worker, tuple[object, float, Limits]] = {}
        inflight: _Worker | None = None  # taken from idle, not yet busy
        try:
            while True:
                while idle:
                    task = source.take()
                    if task is None:
                        break
                    key, fn, (args, kwargs), limits = task
                    inflight = self._ready(idle.pop())  # a fork, if needed, is not the task's time
                    start = time.monotonic()
                    try:
                        payload = _HEADER.pack(limits.memory_mb, limits.cpu) + pickle.dumps(
                            (fn, args, kwargs), pickle.HIGHEST_PROTOCOL)
                    except Exception as e:
                        idle.append(inflight)
                        inflight = None
                        source.done(key, Outcome("error", None, f"{type(e).__name__}: {e}"))
                        continue
                    try:
                        inflight.conn.send_bytes(payload)
                    except OSError:  # died between the check and the send: one fresh retry
                        inflight.kill()
                        inflight = _Worker(self._ctx)
                        inflight.conn.send_bytes(payload)
                    inflight.tasks += 1
                    busy[inflight], inflight = (key, start, limits), None
                if not busy:
                    if source.take_again():
                        continue
                    break
                soonest = min(start + limits.timeout for _, start, limits in busy.values())
                handles: list[Connection | int] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
                ready = set(wait(handles, max(0.0, soonest - time.monotonic())))
                now = time.monotonic()
                for w, (key, start, limits) in list(busy.items()):
                    if w.conn in ready or w.process.sentinel in ready:
                        out, keep = self._collect(w, limits, start)
                    elif now - start >= limits.timeout:
                        out, keep = Outcome("timeout", None, (
                            f"the check was stopped after {limits.timeout:.1f} s (time limit); "
                            "it may be too hard to decide"), now - start), False
                    else:
                        continue
                    del busy[w]
                    if not keep:
                        w.kill()
                    idle.append(w if keep else None)
                    source.done(key, out)
        finally:  # busy/inflight workers remain only on an exception (Ctrl-C, done() raising)
            _kill_all([*busy, inflight])
            self._checkin(idle + [None] * (len(slots) - len(idle)))  # never lose a slot

    @staticmethod
    def _collect(w: _Worker, limits: Limits, start: float) -> tuple[Outcome, bool]:
        """Read a finished worker's reply, or explain its death; says whether to keep it."""
        try:
            data = w.conn.recv_bytes()
        except (EOFError, OSError):
            w.process.join()
            status, message = _death(w.process.exitcode, limits)
            return Outcome(status, None, message, time.monotonic() - start), False
        seconds = time.monotonic() - start
        keep = data[:1] == b"K"
        try:
            status, value, message = pickle.loads(memoryview(data)[1:])
        except Exception as e:
            return Outcome("error", None, f"the result could not be read: {type(e).__name__}: {e}",
                           seconds), keep
        if status == "memory":
            message = (f"the check ran out of memory (limit {limits.memory_mb} MB); "
                       "the expression may be too large")
            keep = False  # its heap may be fragmented or full of cached giants
        return Outcome(status, value, message, seconds), keep


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def run_bounded(fn: Callable[..., object], *args: object, limits: Limits = Limits(),
                **kwargs: object) -> Outcome:
    """One bounded call on a lazily created, module-wide pool (closed at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool(jobs=cpu_count())
            atexit.register(_shared.close)
        pool = _shared
    return pool._execute([(fn, args, kwargs)], limits, None)[0]


def _after_fork_in_child() -> None:
    """A forked child (a process pool's worker, a sandbox worker) must not use its parent's
    sandbox workers: they are not its children. It closes its copies of their sockets, so
    they still see EOF when the parent goes, and starts a shared pool of its own when asked."""
    global _shared
    for w in list(_LIVE):
        w.conn.close()
    _LIVE.clear()
    _shared = None


os.register_at_fork(after_in_child=_after_fork_in_child)
