"""derivkit.numeric: agrees with SciPy, with the symbolic formulas at high precision, and with
finite differences; stays finite and correct at extreme logits; keeps float32 float32; and
imports nothing but NumPy.

References come from derivkit.formulas evaluated with mpmath at enough digits that the
textbook formula itself is exact (thousands of digits for logits of 1e4), so "correct"
means: within a few units in the last place of the float type (or below its smallest
normal number, where the true value underflows).
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Callable, Sequence

import mpmath
import numpy as np
import pytest
import sympy as sp

import derivkit.numeric as dn
from derivkit.formulas.catalogue import get
from derivkit.functions import to_elementary

sc = pytest.importorskip("scipy.special")

RTOL = {np.float64: 1e-13, np.float32: 1e-5}
TINY = {np.float64: np.finfo(np.float64).tiny, np.float32: np.finfo(np.float32).tiny}
ELEMENTWISE = ["sigmoid", "logit", "sigmoid_grad", "binary_cross_entropy", "binary_cross_entropy_with_logits",
               "binary_cross_entropy_with_logits_grad"]
AXIS = ["softmax", "log_softmax", "logsumexp", "categorical_cross_entropy", "softmax_cross_entropy_with_logits",
        "softmax_cross_entropy_with_logits_grad", "softmax_jacobian"]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240601)


# -- references --------------------------------------------------------------------------------

def _elementary(value: object) -> object:
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(to_elementary).tolist()
    if isinstance(value, list):
        return [to_elementary(v) for v in value]
    return to_elementary(value)


class Reference:
    """A catalogue formula from derivkit.formulas, evaluated with mpmath."""

    def __init__(self, name: str, n: int = 1) -> None:
        formula = get(name)
        self.args = formula.arguments(n)
        flat = [s for a in self.args for s in (a if isinstance(a, list) else [a])]
        self.fn = sp.lambdify(flat, _elementary(formula.build(n)), modules="mpmath")

    def __call__(self, *values: Sequence[float] | float) -> object:
        flat = [mpmath.mpf(float(v)) for value in values for v in np.atleast_1d(value)]
        magnitude = max([abs(float(v)) for v in flat] + [1.0])
        smallest = min([abs(float(v)) for v in flat if v != 0] + [1.0])
        # enough digits that the textbook form stays exact: exp(-|z|) next to 1, and 1 - p for tiny p
        with mpmath.workdps(60 + int(magnitude / 2.3) - int(np.log10(smallest))):
            out = self.fn(*flat)
            return np.array(out, dtype=object) if isinstance(out, list | tuple) else out


def assert_close(ours: object, ref: object, dtype: type = np.float64, rtol: float | None = None,
                 what: str = "") -> None:
    """|ours - ref| <= rtol |ref| + tiny, elementwise; ref may hold mpmath numbers."""
    rtol = RTOL[dtype] if rtol is None else rtol
    ours_arr = np.atleast_1d(np.asarray(ours, dtype=np.float64)).ravel()
    ref_list = [mpmath.mpf(v) for v in np.atleast_1d(np.asarray(ref, dtype=object)).ravel()]
    assert ours_arr.size == len(ref_list)
    for got, want in zip(ours_arr, ref_list):
        assert np.isfinite(got), f"{what}: got {got}, want {mpmath.nstr(want, 17)}"
        err = abs(mpmath.mpf(float(got)) - want)
        relative = mpmath.nstr(err / max(abs(want), 1e-300), 3)
        assert err <= rtol * abs(want) + TINY[dtype], \
            f"{what}: got {got!r}, want {mpmath.nstr(want, 17)} (relative error {relative})"


# -- purity ----------------------------------------------------------------------------------------

def test_importing_numeric_loads_neither_sympy_nor_anything_but_numpy():
    code = ("import sys, derivkit.numeric as n; n.softmax([1.0, 2.0]); "
            "bad = [m for m in ('sympy', 'mpmath', 'jinja2', 'scipy') if m in sys.modules]; "
            "print(' '.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"importing derivkit.numeric loaded: {result.stdout} {result.stderr}"


def test_every_function_is_exported():
    assert sorted(dn.__all__) == sorted(ELEMENTWISE + AXIS)


# -- against scipy.special, float64, random inputs ------------------------------------------------

def test_sigmoid_matches_expit(rng: np.random.Generator):
    z = np.concatenate([rng.normal(0, 10, 20000), [-745.0, -709.0, -40.0, 0.0, 40.0, 709.0, 1e4, -1e4]])
    np.testing.assert_allclose(dn.sigmoid(z), sc.expit(z), rtol=1e-12, atol=0)


def test_logit_matches_scipy_logit(rng: np.random.Generator):
    p = np.concatenate([rng.uniform(0, 1, 20000), 0.5 + rng.normal(0, 1e-6, 100), [1e-300, 1e-10, 0.25, 0.5,
                                                                                    0.75, 1 - 1e-10]])
    np.testing.assert_allclose(dn.logit(p), sc.logit(p), rtol=1e-12, atol=0)
    assert dn.logit(0.0) == -np.inf and dn.logit(1.0) == np.inf


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_and_logsumexp_match_scipy(rng: np.random.Generator, axis: int):
    z = rng.normal(0, 5, (40, 7, 9))
    np.testing.assert_allclose(dn.softmax(z, axis=axis), sc.softmax(z, axis=axis), rtol=1e-12, atol=0)
    np.testing.assert_allclose(dn.logsumexp(z, axis=axis), sc.logsumexp(z, axis=axis), rtol=1e-12, atol=0)


@pytest.mark.parametrize("axis", [-1, 0])
def test_log_softmax_matches_scipy(rng: np.random.Generator, axis: int):
    z = rng.normal(0, 5, (300, 10))
    # Where log_softmax is close to 0 (one logit dominates), scipy.special.log_softmax computes
    # -log(1 + tiny) and has an absolute, not relative, error of ~1e-16; so the comparison with
    # SciPy allows that absolute error, and the next test checks our relative accuracy.
    np.testing.assert_allclose(dn.log_softmax(z, axis=axis), sc.log_softmax(z, axis=axis), rtol=1e-12, atol=1e-15)


def test_log_softmax_and_logsumexp_keep_relative_accuracy_near_zero():
    for row in ([0.0, -20.0, -30.0], [5.0, -40.0, -41.0, -100.0], [1e4, 0.0, -1e4]):
        ref = Reference("log_softmax", len(row))
        assert_close(dn.log_softmax(np.array(row)), ref(row), what=f"log_softmax{row}")
        assert_close(dn.logsumexp(np.array(row)), Reference("logsumexp", len(row))(row), what=f"logsumexp{row}")


# -- against the symbolic formulas at high precision ------------------------------------------------

ELEMENT_POINTS = [-1e4, -700.0, -40.0, -5.5, -1.0, -1e-3, 0.0, 1e-8, 0.5, 3.0, 20.0, 40.0, 710.0, 1e4]
LABELS = [0.0, 1.0, 0.25]
PROBABILITIES = [1e-300, 1e-12, 0.01, 0.2, 0.25, 0.4999999, 0.5, 0.7, 0.99, 1 - 1e-12]


@pytest.mark.parametrize("name", ["sigmoid", "sigmoid_grad"])
def test_sigmoid_and_its_derivative_against_mpmath(name: str):
    ref = Reference(name)
    ours = getattr(dn, name)(np.array(ELEMENT_POINTS))
    for z, got in zip(ELEMENT_POINTS, ours):
        assert_close(got, ref(z), what=f"{name}({z})")


def test_logit_against_mpmath():
    ref = Reference("logit")
    for p, got in zip(PROBABILITIES, dn.logit(np.array(PROBABILITIES))):
        assert_close(got, ref(p), what=f"logit({p})")


@pytest.mark.parametrize("name", ["binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits_grad"])
def test_logit_losses_against_mpmath(name: str):
    ref = Reference(name)
    for y in LABELS:
        ours = getattr(dn, name)(y, np.array(ELEMENT_POINTS))
        for z, got in zip(ELEMENT_POINTS, ours):
            want = ref(y, z)
            if name.endswith("_grad"):
                # sigma(z) - y is a difference of numbers of size 1: accurate to ~eps absolute
                # (where it is tiny, e.g. y = 1 and z = 20, its relative error grows, as in any
                # sigma(z) - y; the loss itself keeps full relative accuracy there)
                atol = 2.3e-16
            else:
                # soft labels: max(z, 0) - y z cancels when y is near 1; the error is then ~eps |z|
                atol = 4e-16 * abs(z) if 0 < y < 1 else 0.0
            assert abs(float(got) - float(want)) <= 1e-13 * abs(float(want)) + atol + TINY[np.float64], \
                f"{name}({y}, {z}) = {got}, want {mpmath.nstr(want, 17)}"


def test_binary_cross_entropy_against_mpmath_and_at_saturation():
    ref = Reference("binary_cross_entropy")
    for y in LABELS:
        for p, got in zip(PROBABILITIES, dn.binary_cross_entropy(y, np.array(PROBABILITIES))):
            assert_close(got, ref(y, p), what=f"bce({y}, {p})")
    # 0 log 0 = 0: a saturated right prediction costs 0, a saturated wrong one costs inf
    np.testing.assert_array_equal(dn.binary_cross_entropy([1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0]),
                                  [0.0, 0.0, np.inf, np.inf])


VECTOR_ROWS = [
    ([1.0, 0.0, 0.0], [0.5, -1.25, 3.0]),
    ([0.0, 1.0, 0.0], [1000.0, 0.0, -1000.0]),
    ([0.2, 0.3, 0.5], [-3.0, 40.0, -2.0]),
    ([0.0, 0.0, 1.0, 0.0], [1e4, -1e4, 0.0, 9999.0]),
    ([0.25, 0.25, 0.25, 0.25], [0.0, 0.0, 0.0, 0.0]),
]


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp", "softmax_jacobian"])
def test_softmax_family_against_mpmath(name: str):
    for _, z in VECTOR_ROWS:
        ref = Reference(name, len(z))
        assert_close(getattr(dn, name)(np.array(z)), ref(z), what=f"{name}({z})")


@pytest.mark.parametrize("name", ["softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_grad"])
def test_softmax_losses_against_mpmath(name: str):
    for y, z in VECTOR_ROWS:
        ref = Reference(name, len(z))
        assert_close(getattr(dn, name)(np.array(y), np.array(z)), ref(y, z), what=f"{name}({y}, {z})")


def test_categorical_cross_entropy_against_mpmath():
    for y, p in [([1.0, 0.0, 0.0], [0.7, 0.2, 0.1]), ([0.1, 0.6, 0.3], [1e-200, 0.5, 0.5]),
                 ([0.0, 1.0, 0.0], [0.5, 0.5 - 1e-15, 1e-15])]:
        ref = Reference("categorical_cross_entropy", 3)
        assert_close(dn.categorical_cross_entropy(np.array(y), np.array(p)), ref(y, p), what=f"cce({y}, {p})")
    # 0 log 0 = 0: a one-hot label and an underflowed probability elsewhere
    assert dn.categorical_cross_entropy([1.0, 0.0, 0.0], [1.0, 0.0, 0.0]) == 0.0


def test_the_contract_example_extreme_logits():
    z = np.array([1000.0, 0.0, -1000.0])
    np.testing.assert_array_equal(dn.softmax_cross_entropy_with_logits_grad(np.array([1.0, 0.0, 0.0]), z), [0, 0, 0])
    np.testing.assert_array_equal(dn.softmax_cross_entropy_with_logits_grad(np.array([0.0, 1.0, 0.0]), z), [1, -1, 0])
    assert dn.softmax_cross_entropy_with_logits(np.array([0.0, 1.0, 0.0]), z) == 1000.0
    assert dn.softmax_cross_entropy_with_logits(np.array([0.0, 0.0, 1.0]), z) == 2000.0


# -- finite differences ------------------------------------------------------------------------------

def _central(f: Callable[[np.ndarray], np.ndarray], z: np.ndarray, k: int, h: float) -> np.ndarray:
    up, down = z.copy(), z.copy()
    up[..., k] += h
    down[..., k] -= h
    return (f(up) - f(down)) / (2 * h)


def test_gradients_match_central_differences(rng: np.random.Generator):
    z = rng.normal(0, 3, 50)
    y = rng.uniform(0, 1, 50)
    h = 1e-6
    np.testing.assert_allclose(dn.sigmoid_grad(z), (dn.sigmoid(z + h) - dn.sigmoid(z - h)) / (2 * h), rtol=1e-6,
                               atol=1e-10)
    loss = lambda v: dn.binary_cross_entropy_with_logits(y, v)  # noqa: E731
    np.testing.assert_allclose(dn.binary_cross_entropy_with_logits_grad(y, z), (loss(z + h) - loss(z - h)) / (2 * h),
                               rtol=1e-6, atol=1e-9)
    zs = rng.normal(0, 3, (20, 5))
    ys = rng.dirichlet(np.ones(5), 20) * rng.uniform(0.5, 2, (20, 1))  # labels not summing to 1, too
    grad = dn.softmax_cross_entropy_with_logits_grad(ys, zs)
    jac = dn.softmax_jacobian(zs)
    for k in range(5):
        numeric = _central(lambda v: dn.softmax_cross_entropy_with_logits(ys, v), zs, k, h)
        np.testing.assert_allclose(grad[:, k], numeric, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(jac[:, :, k], _central(dn.softmax, zs, k, h), rtol=1e-6, atol=1e-9)


# -- stability and dtypes -------------------------------------------------------------------------------

def _call(name: str, dtype: type, scale: float) -> tuple[np.ndarray, list[object]]:
    z = (np.array([[-1.0, 0.0, 1.0], [1.0, -1.0, 0.5], [0.0, 1.0, -0.75]]) * scale).astype(dtype)
    y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], dtype=dtype)
    p = np.array([[0.7, 0.2, 0.1], [0.05, 0.9, 0.05], [1e-30, 0.5, 0.5]], dtype=dtype)
    fn = getattr(dn, name)
    inputs = {"z": z, "y": y, "p": p}
    params = [i.name for i in get(name).inputs]
    return fn(*[inputs[n] for n in params]), [inputs[n] for n in params]


@pytest.mark.parametrize("dtype, scale", [(np.float64, 1e4), (np.float32, 80.0)])
@pytest.mark.parametrize("name", ELEMENTWISE + AXIS)
def test_extreme_logits_give_finite_correct_results_in_the_input_dtype(name: str, dtype: type, scale: float):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow/invalid RuntimeWarnings either
        out, args = _call(name, dtype, scale)
    assert out.dtype == dtype
    assert np.all(np.isfinite(out)), f"{name} at |z| = {scale}: {out}"
    formula = get(name)
    if formula.vector:
        ref = Reference(name, 3)
        for row in range(3):
            assert_close(out[row], ref(*[a[row] for a in args]), dtype=dtype, what=f"{name} row {row}")
    else:
        ref = Reference(name)
        for index in np.ndindex(out.shape):
            assert_close(out[index], ref(*[a[index] for a in args]), dtype=dtype, what=f"{name}{index}")


def test_the_textbook_forms_fail_where_these_do_not():
    z = np.array([-1e4, 1e4])
    with np.errstate(all="ignore"):
        naive_sigmoid = np.exp(z) / (1 + np.exp(z))
        s = 1 / (1 + np.exp(-z))
        naive_bce = -(1.0 * np.log(s) + 0.0 * np.log(1 - s))
    assert np.isnan(naive_sigmoid).any() and not np.isfinite(naive_bce).all()
    assert np.isfinite(dn.sigmoid(z)).all() and np.isfinite(dn.binary_cross_entropy_with_logits(1.0, z)).all()


def test_dtypes_float32_stays_float32_and_integers_become_float64():
    assert dn.sigmoid(np.float32([1, 2])).dtype == np.float32
    assert dn.softmax(np.arange(4, dtype=np.float32)).dtype == np.float32
    assert dn.softmax(np.arange(4)).dtype == np.float64
    assert dn.logsumexp(np.ones((2, 3), dtype=np.float32)).dtype == np.float32
    assert dn.binary_cross_entropy_with_logits(np.float64(1.0), np.float32([3.0])).dtype == np.float64
    assert dn.softmax_jacobian(np.ones(3, dtype=np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="complex"):
        dn.sigmoid(np.array([1j]))


def test_shapes_broadcasting_axes_and_scalars(rng: np.random.Generator):
    z = rng.normal(size=(4, 5, 3))
    assert dn.softmax(z, axis=1).shape == (4, 5, 3)
    assert dn.logsumexp(z, axis=0).shape == (5, 3)
    assert dn.softmax_jacobian(z).shape == (4, 5, 3, 3)
    y = np.array([0.0, 1.0, 0.0])  # one label vector for every example
    assert dn.softmax_cross_entropy_with_logits(y, z).shape == (4, 5)
    np.testing.assert_allclose(dn.softmax_cross_entropy_with_logits(y, z),
                               dn.softmax_cross_entropy_with_logits(np.broadcast_to(y, z.shape), z), rtol=1e-15)
    yt = np.moveaxis(np.broadcast_to(y, z.shape), -1, 0).copy()
    np.testing.assert_allclose(dn.softmax_cross_entropy_with_logits(yt, np.moveaxis(z, -1, 0), axis=0),
                               dn.softmax_cross_entropy_with_logits(y, z), rtol=1e-13)
    assert isinstance(dn.sigmoid(0.5), np.floating) and dn.sigmoid(0.0) == 0.5
    assert isinstance(dn.logsumexp([0.0, 0.0]), np.floating)
    assert dn.binary_cross_entropy_with_logits(1, [0.0, 0.0]).shape == (2,)
    with pytest.raises(ValueError, match="out of bounds"):
        dn.softmax(z, axis=3)
    with pytest.raises(ValueError, match="class axis"):
        dn.softmax(1.0)


def test_inputs_are_never_modified(rng: np.random.Generator):
    z = rng.normal(size=(6, 4))
    y = rng.uniform(size=(6, 4))
    p = rng.uniform(0.01, 0.99, (6, 4))
    before = z.copy(), y.copy(), p.copy()
    for name in ELEMENTWISE + AXIS:
        inputs = {"z": z, "y": y, "p": p}
        getattr(dn, name)(*[inputs[i.name] for i in get(name).inputs])
    for array, copy in zip((z, y, p), before):
        np.testing.assert_array_equal(array, copy)


def test_non_finite_rows_follow_the_limits():
    assert dn.logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    assert dn.logsumexp(np.array([np.inf, 0.0])) == np.inf
    np.testing.assert_array_equal(dn.softmax(np.array([-np.inf, 0.0])), [0.0, 1.0])
    np.testing.assert_array_equal(dn.log_softmax(np.array([-np.inf, 0.0])), [-np.inf, 0.0])
