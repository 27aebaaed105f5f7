"""Where batch grading runs: this machine's sandbox pool, or a Dask cluster.

Two kinds of work, both returned as :class:`~derivkit.grading.sandbox.Outcome` values in input
order (and passed to ``on_done`` as each finishes, in any order):

- ``map_sandboxed(fn, items, limits)``: ``fn(*item)`` inside derivkit's sandbox (killable
  worker, time and memory limits), e.g. one check of ``check --batch``;
- ``map_tasks(fn, items)``: ``fn(*item)`` as an ordinary call that itself sandboxes every
  check it makes (a whole working via ``check_steps``, a question of a submission).

``local`` runs sandboxed items on a :class:`~derivkit.grading.sandbox.WorkerPool` of ``jobs``
workers (what ``check --batch`` always did) and tasks on ``jobs`` forked processes.
``dask`` sends both through ``dask.distributed``'s ``concurrent.futures`` interface
(``Client.get_executor()``) to a scheduler at ``--scheduler ADDRESS``, or to a LocalCluster
of ``jobs`` single-threaded workers when no address is given; in the Dask worker every item
still runs in derivkit's sandbox, so the per-check limits hold there too.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

from derivkit.errors import ExecutorError
from derivkit.grading.sandbox import Limits, Outcome, WorkerPool, run_bounded

OnDone = Callable[[int, Outcome], None] | None


#: A daemonic process may not start the sandbox's worker processes; Dask workers are daemonic
#: unless told otherwise.
NOT_DAEMON = {"distributed.worker.daemon": False}
DAEMON_HINT = ("this Dask worker is a daemonic process, which cannot start derivkit's sandbox workers; "
               "start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False")


def sandboxed(fn: Callable[..., object], args: tuple, limits: Limits) -> Outcome:
    """Run ``fn(*args)`` in the sandbox of *this* process (on a Dask worker: that worker's)."""
    if mp.current_process().daemon:
        return Outcome("error", None, DAEMON_HINT)
    return run_bounded(fn, *args, limits=limits)


def sandboxed_chunk(fn: Callable[..., object], chunk: Sequence[tuple], limits: Limits) -> list[Outcome]:
    """Several items, one after another, each in the sandbox under its own limits: one Dask
    task per chunk pays the scheduler's per-task cost once for the chunk."""
    return [sandboxed(fn, tuple(args), limits) for args in chunk]


def guarded(fn: Callable[..., object], args: tuple) -> Outcome:
    """Run ``fn(*args)``; an exception becomes an ``error`` outcome, so no item is lost."""
    try:
        return Outcome("ok", fn(*args))
    except Exception as exc:  # a bug in a task must cost one result, not the batch
        return Outcome("error", None, f"{type(exc).__name__}: {exc}")


class Executor(ABC):
    """Runs a batch's items; results in input order, one per item."""

    name = ""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release what the executor started (a LocalCluster); idempotent."""
        self.closed = True

    @abstractmethod
    def map_sandboxed(self, fn: Callable[..., object], items: Sequence[tuple], limits: Limits,
                      on_done: OnDone = None) -> list[Outcome]:
        """``fn(*item)`` for every item, each in the sandbox under ``limits``."""

    @abstractmethod
    def map_tasks(self, fn: Callable[..., object], items: Sequence[tuple], on_done: OnDone = None) -> list[Outcome]:
        """``fn(*item)`` for every item; ``fn`` sandboxes the checks it makes itself."""


class LocalExecutor(Executor):
    """This machine: a sandbox pool for checks, a process pool for tasks that sandbox themselves."""

    name = "local"

    def map_sandboxed(self, fn: Callable[..., object], items: Sequence[tuple], limits: Limits,
                      on_done: OnDone = None) -> list[Outcome]:
        if not items:
            return []
        with WorkerPool(min(self.jobs, len(items)), limits) as pool:
            return pool.map(fn, items, on_done=on_done)

    def map_tasks(self, fn: Callable[..., object], items: Sequence[tuple], on_done: OnDone = None) -> list[Outcome]:
        # Processes, not threads: a task forks sandbox workers, and a fork taken while another
        # thread holds a lock (a module being imported) leaves the child waiting forever.
        # With "fork" the pool starts every process at once, from this thread.
        if not items:
            return []
        context = mp.get_context("fork")
        with cf.ProcessPoolExecutor(min(self.jobs, len(items)), mp_context=context) as pool:
            futures = [pool.submit(guarded, fn, tuple(item)) for item in items]
            return _collect(futures, on_done)


class DaskExecutor(Executor):
    """A Dask cluster through ``Client.get_executor()`` (a concurrent.futures Executor)."""

    name = "dask"

    def __init__(self, jobs: int | None = None, scheduler: str | None = None, *, processes: bool = True) -> None:
        super().__init__(jobs)
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("--executor dask needs dask.distributed: pip install 'derivkit[dask]'") from None
        self._cluster: Any = None
        self.client: Any = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="20s")
            else:
                with dask.config.set(NOT_DAEMON):
                    self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=processes,
                                                 dashboard_address=":0")
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ExecutorError(f"cannot reach the Dask scheduler {scheduler or '(local cluster)'}: {exc}") from None
        self.executor = self.client.get_executor(pure=False)

    def close(self) -> None:
        super().close()
        client, self.client = getattr(self, "client", None), None
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    #: Items per Dask task: enough to amortise the scheduler's per-task cost, few enough that
    #: every worker gets several chunks (load balance) and results stream.
    MAX_CHUNK = 16

    def chunk_size(self, count: int) -> int:
        workers = max(1, len(self.client.scheduler_info().get("workers", {})) or self.jobs)
        return max(1, min(self.MAX_CHUNK, count // (4 * workers)))

    def map_sandboxed(self, fn: Callable[..., object], items: Sequence[tuple], limits: Limits,
                      on_done: OnDone = None) -> list[Outcome]:
        size = self.chunk_size(len(items))
        starts = list(range(0, len(items), size))
        futures = [self.executor.submit(sandboxed_chunk, fn, [tuple(i) for i in items[s:s + size]], limits)
                   for s in starts]
        results: list[Outcome | None] = [None] * len(items)

        def chunk_done(k: int, outcome: Outcome) -> None:
            count = min(size, len(items) - starts[k])
            values = outcome.value if outcome.ok and isinstance(outcome.value, list) else [outcome] * count
            for offset, value in enumerate(values):
                results[starts[k] + offset] = value
                if on_done is not None:
                    on_done(starts[k] + offset, value)

        _collect(futures, chunk_done, wrap=True)
        return results  # type: ignore[return-value]

    def map_tasks(self, fn: Callable[..., object], items: Sequence[tuple], on_done: OnDone = None) -> list[Outcome]:
        futures = [self.executor.submit(guarded, fn, tuple(item)) for item in items]
        return _collect(futures, on_done)


def _collect(futures: list[cf.Future], on_done: OnDone, wrap: bool = False) -> list[Outcome]:
    """Outcomes in input order; ``on_done`` as each completes. A lost future (a worker that
    died, a cluster gone) is an ``error`` outcome for that item, never a lost result.
    ``wrap``: the futures' values are not Outcomes (chunks): pass them on as ``ok`` outcomes."""
    index = {id(f): i for i, f in enumerate(futures)}
    results: list[Outcome | None] = [None] * len(futures)
    for future in cf.as_completed(futures):
        try:
            outcome = future.result()
            if wrap:
                outcome = Outcome("ok", outcome)
        except Exception as exc:
            outcome = Outcome("error", None, f"the task was lost: {type(exc).__name__}: {exc}")
        if not isinstance(outcome, Outcome):
            outcome = Outcome("error", None, f"the task returned {type(outcome).__name__}, not an Outcome")
        i = index[id(future)]
        results[i] = outcome
        if on_done is not None:
            on_done(i, outcome)
    return results  # type: ignore[return-value]


#: The executors by their --executor name.
EXECUTORS: dict[str, Callable[..., Executor]] = {"local": LocalExecutor, "dask": DaskExecutor}


def make_executor(kind: str = "local", jobs: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor ``--executor KIND [--scheduler ADDRESS]`` asks for."""
    if kind not in EXECUTORS:
        raise ExecutorError(f"unknown executor {kind!r}; use {' or '.join(EXECUTORS)}")
    if scheduler and kind != "dask":
        raise ExecutorError("--scheduler needs --executor dask")
    return EXECUTORS[kind](jobs, scheduler) if kind == "dask" else EXECUTORS[kind](jobs)


__all__ = ["EXECUTORS", "DaskExecutor", "Executor", "LocalExecutor", "guarded", "make_executor", "sandboxed",
           "sandboxed_chunk"]
