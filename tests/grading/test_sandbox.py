"""Tests of bounded evaluation: limits are enforced, the pool survives every failure mode."""

from __future__ import annotations

import os
import threading
import time

import pytest
import sympy

from derivkit.grading.sandbox import Limits, Outcome, WorkerPool, run_bounded

# -- task functions: module level so they pickle by reference --------------------------


def add(a: int, b: int = 0) -> int:
    return a + b


def pid() -> int:
    return os.getpid()


def spin() -> None:
    while True:
        pass


def nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def allocate_bytes() -> int:
    return len(bytearray(10**10))


def allocate_list() -> int:
    chunks = []
    while True:
        chunks.append(bytearray(50 * 2**20))
    return len(chunks)


def expand_huge() -> int:
    x = sympy.Symbol("x")
    return len(sympy.expand((x + 1) ** 100000).args)


def bigint_power() -> int:
    return (3 ** (10**9)).bit_length()


def gmpy2_power() -> int:
    import gmpy2

    return int(gmpy2.mpz(3) ** (10**9) % 7)


def boom(text: str) -> None:
    raise ValueError(text)


class Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a}/{b}")

    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("no pickling")


def boom_unpicklable() -> None:
    raise Unpicklable(1, 2)


def return_lambda() -> object:
    return lambda: 1


def hard_exit() -> None:
    os._exit(7)


def self_kill() -> None:
    os.kill(os.getpid(), 9)


def square_expr(k: int) -> str:
    z = sympy.Symbol("z")
    return str(sympy.expand((z + k) ** 2))


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def pool() -> WorkerPool:
    with WorkerPool(jobs=1, limits=Limits(timeout=0.5, memory_mb=512)) as p:
        yield p


def alive(pid_: int) -> bool:
    """True while the pid exists in /proc, zombies included."""
    return os.path.exists(f"/proc/{pid_}")


# -- tests -----------------------------------------------------------------------------------


def test_value_and_kwargs(pool: WorkerPool) -> None:
    out = pool.run(add, 2, b=3)
    assert out == Outcome("ok", 5, "", out.seconds)
    assert 0 <= out.seconds < 1


def test_timeout_kills_and_replaces_worker(pool: WorkerPool) -> None:
    first = pool.run(pid).value
    t = time.monotonic()
    out = pool.run(spin)
    assert time.monotonic() - t < 1.5
    assert out.status == "timeout"
    assert "0.5 s" in out.message and "time limit" in out.message
    assert not alive(first)
    after = pool.run(pid)
    assert after.status == "ok" and after.value != first
    assert pool.run(add, 1, 1).value == 2


@pytest.mark.parametrize("fn", [allocate_bytes, allocate_list])
def test_memory_limit(fn) -> None:  # type: ignore[no-untyped-def]
    # A generous timeout: page-faulting 256 MB is slow on some virtual machines.
    with WorkerPool(limits=Limits(timeout=5.0, memory_mb=256)) as p:
        out = p.run(fn)
        assert out.status == "memory", out
        assert "256 MB" in out.message
        assert p.run(add, 1, 2).value == 3


def test_sympy_expand_times_out() -> None:
    with WorkerPool(limits=Limits(timeout=1.0)) as p:
        t = time.monotonic()
        out = p.run(expand_huge)
        assert out.status == "timeout"
        assert time.monotonic() - t < 2.0
        assert p.run(square_expr, 1).value == "z**2 + 2*z + 1"


def test_bigint_ignoring_signals_is_killed(pool: WorkerPool) -> None:
    t = time.monotonic()
    out = pool.run(bigint_power)
    assert out.status == "timeout"
    assert time.monotonic() - t < 1.5


def test_gmpy2_is_killed(pool: WorkerPool) -> None:
    pytest.importorskip("gmpy2")
    t = time.monotonic()
    assert pool.run(gmpy2_power).status == "timeout"
    assert time.monotonic() - t < 1.5


def burn(seconds: float) -> float:
    """Use about ``seconds`` of CPU time."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return seconds


def test_cpu_limit_backstop() -> None:
    with WorkerPool(limits=Limits(timeout=5.0, cpu_seconds=1.0)) as p:
        # 1.4 s of CPU in one worker: the limit is per task, not per worker lifetime.
        assert [o.status for o in p.map(burn, [(0.7,), (0.7,)])] == ["ok", "ok"]
        t = time.monotonic()
        out = p.run(spin)
        assert out.status == "timeout" and "CPU" in out.message, out
        assert time.monotonic() - t < 5.0  # the CPU limit, not the wall clock, stopped it
        assert p.run(add, 4).value == 4


def test_exceptions_are_errors(pool: WorkerPool) -> None:
    out = pool.run(boom, "bad input")
    assert out.status == "error"
    assert out.message == "ValueError: bad input"
    assert isinstance(out.value, ValueError) and out.value.args == ("bad input",)
    out = pool.run(boom_unpicklable)
    assert out.status == "error" and out.value is None and out.message == "Unpicklable: 1/2"
    out = pool.run(return_lambda)
    assert out.status == "error" and "pickle" in out.message.lower()
    out = pool.run(lambda: 1)  # the task itself cannot be sent
    assert out.status == "error"
    assert pool.run(add, 5).value == 5


@pytest.mark.parametrize("fn, words", [(hard_exit, "exit status 7"), (self_kill, "SIGKILL")])
def test_dying_worker_is_crashed_and_replaced(pool: WorkerPool, fn, words: str) -> None:  # type: ignore[no-untyped-def]
    out = pool.run(fn)
    assert out.status == "crashed" and words in out.message
    assert pool.run(add, 6).value == 6


def test_worker_dead_while_idle_is_replaced(pool: WorkerPool) -> None:
    first = pool.run(pid).value
    os.kill(first, 9)
    time.sleep(0.05)
    out = pool.run(pid)
    assert out.status == "ok" and out.value != first


def test_map_order_and_on_done() -> None:
    done: list[tuple[int, str]] = []
    items = [(0.3,), (0.0,), (0.1,), (0.0,)]
    with WorkerPool(jobs=2, limits=Limits(timeout=2.0)) as p:
        outs = p.map(nap, items, on_done=lambda i, o: done.append((i, o.status)))
    assert [o.value for o in outs] == [0.3, 0.0, 0.1, 0.0]
    assert sorted(i for i, _ in done) == [0, 1, 2, 3]
    assert done[-1][0] == 0  # the slow first item finished last
    assert p.map(nap, []) == []


def test_map_mixed_failures_keep_order() -> None:
    items = [(1,), (None,), (2,)]
    with WorkerPool(jobs=2, limits=Limits(timeout=0.5, memory_mb=512)) as p:
        outs = p.map(add, items)
        assert [o.status for o in outs] == ["ok", "error", "ok"]
        assert [o.status for o in p.map(spin_or_add, [(0,), (1,), (2,)])] == ["ok", "timeout", "ok"]


def spin_or_add(k: int) -> int:
    if k == 1:
        spin()
    return k


def test_parallel_when_jobs_is_two() -> None:
    with WorkerPool(jobs=2, limits=Limits(timeout=3.0)) as p:
        p.map(add, [(1,), (2,)])  # fork both workers first
        t = time.monotonic()
        outs = p.map(nap, [(0.5,), (0.5,)])
        assert time.monotonic() - t < 0.9
        assert all(o.status == "ok" for o in outs)


def test_workers_reused() -> None:
    with WorkerPool(jobs=1, limits=Limits(timeout=2.0)) as p:
        assert p.run(pid).value == p.run(pid).value
        t = time.monotonic()
        outs = p.map(square_expr, [(k,) for k in range(200)])
        assert time.monotonic() - t < 5.0
        assert outs[3].value == "z**2 + 6*z + 9"
        assert len({o.value for o in p.map(pid, [()] * 20)}) == 1


def test_no_zombies_after_close() -> None:
    p = WorkerPool(jobs=2, limits=Limits(timeout=0.5))
    pids = {o.value for o in p.map(pid, [()] * 6)}
    p.run(spin)
    pids |= {o.value for o in p.map(pid, [()] * 6)}
    p.close()
    assert pids and not any(alive(x) for x in pids)
    with pytest.raises(RuntimeError):
        p.run(add, 1)


def test_from_a_non_main_thread() -> None:
    results: list[Outcome] = []

    def body() -> None:
        with WorkerPool(limits=Limits(timeout=0.5)) as p:
            results.append(p.run(spin))
            results.append(p.run(add, 1, 2))
        results.append(run_bounded(add, 2, b=2, limits=Limits(timeout=1.0)))

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(10)
    assert [o.status for o in results] == ["timeout", "ok", "ok"]
    assert results[2].value == 4


def test_run_bounded_per_call_limits() -> None:
    assert run_bounded(add, 1, b=1).value == 2
    out = run_bounded(spin, limits=Limits(timeout=0.5))
    assert out.status == "timeout" and "0.5 s" in out.message
    assert run_bounded(allocate_bytes, limits=Limits(timeout=2, memory_mb=256)).status == "memory"
    assert run_bounded(add, 3).value == 3


def nap_and_record(seconds: float, path: str) -> int:
    with open(path, "a") as f:
        f.write(f"{os.getpid()}\n")
    time.sleep(seconds)
    return os.getpid()


def test_on_done_raising_kills_busy_workers_and_keeps_slots(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = str(tmp_path / "pids")

    def stop(i: int, out: Outcome) -> None:
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C while a batch ran

    with WorkerPool(jobs=2, limits=Limits(timeout=5.0)) as p:
        t = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            p.map(nap_and_record, [(0.3, log), (3.0, log), (3.0, log)], on_done=stop)
        assert time.monotonic() - t < 1.0
        started = [int(x) for x in (tmp_path / "pids").read_text().split()]
        assert len(started) == 2 and sum(map(alive, started)) == 1  # the sleeping one was killed
        outs = p.map(nap, [(0.3,), (0.3,)])
        assert time.monotonic() - t < 2.0  # both slots still there
        assert [o.value for o in outs] == [0.3, 0.3]
