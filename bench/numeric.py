"""Benchmark: derivkit.numeric against its SciPy/NumPy peer, measured in the same run.

    python bench/numeric.py [--rows 1000000] [--classes 10] [--repeat 7] [--markdown]

Every function runs on the same float64 arrays (rows x classes) as its peer: the
``scipy.special`` function where SciPy has one, else the obvious SciPy/NumPy expression
that computes the same thing (same conventions, e.g. 0 log 0 = 0 via ``xlogy``). Each
pair is timed alternately (best of ``--repeat`` single runs, ``timeit``), so a load spike
on the machine hits both sides. The ratio is derivkit's time over the peer's; the target
is no ratio above 1.2, and the exit status is 1 if it is missed. Not a pytest test: timings
never run as assertions.
"""

from __future__ import annotations

import argparse
import platform
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy
import scipy.special as sc

import derivkit.numeric as dn

TARGET = 1.2


@dataclass(frozen=True)
class Case:
    name: str
    ours: Callable[[], object]
    peer: Callable[[], object]
    peer_text: str


def cases(rows: int, classes: int, seed: int = 0) -> list[Case]:
    rng = np.random.default_rng(seed)
    shape = (rows, classes)
    z = rng.normal(0.0, 4.0, shape)
    p = rng.uniform(1e-6, 1 - 1e-6, shape)
    y01 = rng.integers(0, 2, shape).astype(np.float64)
    onehot = np.eye(classes)[rng.integers(0, classes, rows)]
    probs = sc.softmax(rng.normal(0.0, 2.0, shape), axis=-1)
    eye = np.eye(classes)

    def jacobian_peer() -> np.ndarray:
        s = sc.softmax(z, axis=-1)
        return s[..., :, None] * (eye - s[..., None, :])

    def sigmoid_grad_peer() -> np.ndarray:
        s = sc.expit(z)
        return s * (1 - s)

    return [
        Case("sigmoid", lambda: dn.sigmoid(z), lambda: sc.expit(z), "scipy.special.expit(z)"),
        Case("logit", lambda: dn.logit(p), lambda: sc.logit(p), "scipy.special.logit(p)"),
        Case("softmax", lambda: dn.softmax(z), lambda: sc.softmax(z, axis=-1), "scipy.special.softmax(z, axis=-1)"),
        Case("log_softmax", lambda: dn.log_softmax(z), lambda: sc.log_softmax(z, axis=-1),
             "scipy.special.log_softmax(z, axis=-1)"),
        Case("logsumexp", lambda: dn.logsumexp(z), lambda: sc.logsumexp(z, axis=-1),
             "scipy.special.logsumexp(z, axis=-1)"),
        Case("binary_cross_entropy", lambda: dn.binary_cross_entropy(y01, p),
             lambda: -(sc.xlogy(y01, p) + sc.xlog1py(1 - y01, -p)), "-(xlogy(y, p) + xlog1py(1 - y, -p))"),
        Case("binary_cross_entropy_with_logits", lambda: dn.binary_cross_entropy_with_logits(y01, z),
             lambda: np.logaddexp(0, z) - y01 * z, "np.logaddexp(0, z) - y * z"),
        Case("categorical_cross_entropy", lambda: dn.categorical_cross_entropy(onehot, probs),
             lambda: -np.sum(sc.xlogy(onehot, probs), axis=-1), "-np.sum(xlogy(y, p), axis=-1)"),
        Case("softmax_cross_entropy_with_logits", lambda: dn.softmax_cross_entropy_with_logits(onehot, z),
             lambda: -np.sum(onehot * sc.log_softmax(z, axis=-1), axis=-1),
             "-np.sum(y * log_softmax(z, axis=-1), axis=-1)"),
        Case("sigmoid_grad", lambda: dn.sigmoid_grad(z), sigmoid_grad_peer, "s = expit(z); s * (1 - s)"),
        Case("binary_cross_entropy_with_logits_grad", lambda: dn.binary_cross_entropy_with_logits_grad(y01, z),
             lambda: sc.expit(z) - y01, "expit(z) - y"),
        Case("softmax_cross_entropy_with_logits_grad",
             lambda: dn.softmax_cross_entropy_with_logits_grad(onehot, z),
             lambda: sc.softmax(z, axis=-1) * np.sum(onehot, axis=-1, keepdims=True) - onehot,
             "softmax(z, axis=-1) * y.sum(-1, keepdims=True) - y"),
        Case("softmax_jacobian", lambda: dn.softmax_jacobian(z), jacobian_peer,
             "s = softmax(z); s[..., :, None] * (eye - s[..., None, :])"),
    ]


def best_pair(case: Case, repeat: int) -> tuple[float, float]:
    """Best single-run times of ours and the peer, timed alternately."""
    case.ours(), case.peer()  # warm up (first-touch page faults, imports)
    ours, peer = [], []
    for _ in range(repeat):
        ours.append(timeit.timeit(case.ours, number=1))
        peer.append(timeit.timeit(case.peer, number=1))
    return min(ours), min(peer)


def check_agreement(case: Case) -> float:
    """Largest relative difference between the two results (both are computed anyway)."""
    a, b = np.asarray(case.ours()), np.asarray(case.peer())
    scale = np.maximum(np.abs(b), 1.0)
    return float(np.max(np.abs(a - b) / scale))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per side (best is kept)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--only", nargs="*", help="function names to run")
    args = parser.parse_args(argv)

    selected = [c for c in cases(args.rows, args.classes) if not args.only or c.name in args.only]
    print(f"derivkit.numeric vs peers: float64 arrays of {args.rows:,} x {args.classes}, best of {args.repeat}; "
          f"numpy {np.__version__}, scipy {scipy.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}")
    rows = []
    for case in selected:
        ours, peer = best_pair(case, args.repeat)
        rows.append((case, ours, peer, ours / peer, check_agreement(case)))
        if not args.markdown:
            print(f"{case.name:40s} {ours * 1e3:9.1f} ms {peer * 1e3:9.1f} ms {ours / peer:6.2f}x   {case.peer_text}",
                  flush=True)
    if args.markdown:
        print()
        print("| function | derivkit (ms) | peer (ms) | ratio | peer |")
        print("| --- | ---: | ---: | ---: | --- |")
        for case, ours, peer, ratio, _ in rows:
            print(f"| `{case.name}` | {ours * 1e3:.1f} | {peer * 1e3:.1f} | {ratio:.2f} | `{case.peer_text}` |")
    worst = max(rows, key=lambda r: r[3])
    disagree = [(c.name, d) for c, _, _, _, d in rows if d > 1e-9]
    for name, d in disagree:
        print(f"note: {name} differs from its peer by up to {d:.1e} (relative to max(|peer|, 1))")
    if worst[3] > TARGET:
        print(f"target missed: {worst[0].name} is {worst[3]:.2f}x its peer (target <= {TARGET}x)")
        return 1
    print(f"target met: every function within {TARGET}x of its peer (worst: {worst[0].name}, {worst[3]:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
