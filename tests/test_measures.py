"""Tests of mi_lib.measures against closed forms and independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import integrate
from scipy.special import logsumexp

from mi_lib import measures as m

LOG2 = math.log(2.0)


def h2(p: float) -> float:
    """Binary entropy in nats written out directly (independent of mi_lib)."""
    return -sum(t * math.log(t) for t in (p, 1 - p) if t > 0)


# ---------------------------------------------------------------------------
# entropy, mutual information, KL: closed forms
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 10, 257])
def test_entropy_uniform(n):
    assert m.entropy(np.full(n, 1.0 / n)) == pytest.approx(math.log(n), abs=1e-13)


def test_entropy_point_mass_is_exactly_zero():
    assert m.entropy([0.0, 1.0, 0.0]) == 0.0


def test_entropy_base_two():
    assert m.entropy([0.25] * 4, base=2) == pytest.approx(2.0, abs=1e-14)


@pytest.mark.parametrize("eps", [0.0, 1e-12, 0.01, 0.11, 0.5, 0.9, 1.0])
def test_bsc_mutual_information(eps):
    joint = 0.5 * np.array([[1 - eps, eps], [eps, 1 - eps]])
    assert m.mutual_information(joint) == pytest.approx(LOG2 - h2(eps), abs=1e-13)


@pytest.mark.parametrize("p", [0.5, 0.2, 0.01, 1.0])
@pytest.mark.parametrize("e", [0.0, 0.3, 0.99, 1.0])
def test_bec_mutual_information(p, e):
    # input (p, 1-p); outputs (0, erasure, 1)
    joint = np.array([[p * (1 - e), p * e, 0.0], [0.0, (1 - p) * e, (1 - p) * (1 - e)]])
    assert m.mutual_information(joint) == pytest.approx((1 - e) * h2(p), abs=1e-13)


def test_mutual_information_independent_is_zero_and_identity_is_entropy():
    pu, py = np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.4])
    assert m.mutual_information(np.outer(pu, py)) == pytest.approx(0.0, abs=1e-15)
    assert m.mutual_information(np.diag(pu)) == pytest.approx(m.entropy(pu), abs=1e-14)


def test_kl_divergence_cases():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])
    assert m.kl_divergence(p, q) == pytest.approx(LOG2, abs=1e-14)
    assert m.kl_divergence(q, p) == math.inf
    assert m.kl_divergence(q, q) == 0.0
    assert m.kl_divergence(p, q, base=2) == pytest.approx(1.0, abs=1e-14)


def test_no_warnings_on_zero_entries():
    with np.errstate(all="raise"):
        assert m.entropy([1.0, 0.0]) == 0.0
        assert m.mutual_information([[0.5, 0.0], [0.0, 0.5]]) == pytest.approx(LOG2)
        assert m.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(LOG2)
        assert m.binary_entropy(0.0) == 0.0


# ---------------------------------------------------------------------------
# properties (hypothesis)
# ---------------------------------------------------------------------------


def _pmf_strategy(rows: int, cols: int):
    return arrays(float, (rows, cols), elements=st.floats(0.0, 1.0)).filter(lambda a: a.sum() > 1e-3).map(
        lambda a: a / a.sum()
    )


joint_pmfs = st.tuples(st.integers(1, 5), st.integers(1, 5)).flatmap(lambda s: _pmf_strategy(*s))


@settings(max_examples=150, deadline=None)
@given(joint_pmfs)
def test_mi_nonnegative_symmetric_and_bounded(p):
    i = m.mutual_information(p)
    assert i >= 0.0
    assert m.mutual_information(p.T) == pytest.approx(i, abs=1e-12)
    assert i <= min(m.entropy(p.sum(1)), m.entropy(p.sum(0))) + 1e-12


@settings(max_examples=150, deadline=None)
@given(joint_pmfs, st.integers(1, 5), st.randoms(use_true_random=False))
def test_data_processing_inequality(p, k, rnd):
    rng = np.random.default_rng(rnd.randint(0, 2**32 - 1))
    channel = rng.dirichlet(np.full(k, 0.5), size=p.shape[1])  # row-stochastic Y -> Z
    q = p @ channel
    q = q / q.sum()
    assert m.mutual_information(q) <= m.mutual_information(p) + 1e-12


@settings(max_examples=100, deadline=None)
@given(joint_pmfs, st.randoms(use_true_random=False))
def test_mi_invariant_under_relabelling(p, rnd):
    rows = rnd.sample(range(p.shape[0]), p.shape[0])
    cols = rnd.sample(range(p.shape[1]), p.shape[1])
    assert m.mutual_information(p[np.ix_(rows, cols)]) == pytest.approx(m.mutual_information(p), abs=1e-13)


@settings(max_examples=100, deadline=None)
@given(_pmf_strategy(1, 6), _pmf_strategy(1, 6))
def test_kl_nonnegative(p, q):
    d = m.kl_divergence(p.ravel(), q.ravel())
    assert d >= 0.0


# ---------------------------------------------------------------------------
# binary entropy, its inverse, Fano
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.0, 1e-300, 1e-9, 0.01, 0.11, 0.3, 0.45, 0.5])
def test_binary_entropy_inverse_roundtrip(p):
    assert m.binary_entropy(p) == pytest.approx(h2(p), abs=1e-15)
    h = m.binary_entropy(p)
    # h is flat at 1/2 (h'(1/2) = 0), so p is recovered only to ~sqrt(machine eps)
    # there; away from 1/2 the condition number |h/h'| is modest.
    tol = 1e-7 if p > 0.4 else 1e-12
    assert m.binary_entropy_inverse(h) == pytest.approx(p, abs=tol)
    assert m.binary_entropy(m.binary_entropy_inverse(h)) == pytest.approx(h, abs=1e-15)


def test_fano_endpoints_and_equation():
    assert m.fano_error_bound(0.0) == pytest.approx(0.5, abs=1e-15)
    assert m.fano_error_bound(LOG2) == 0.0
    for n_classes, mi in [(2, 0.3), (4, 0.5), (10, 1.0)]:
        pe = m.fano_error_bound(mi, n_classes)
        assert h2(pe) + pe * math.log(n_classes - 1) == pytest.approx(math.log(n_classes) - mi, abs=1e-12)
    bounds = m.fano_error_bound(np.linspace(0, LOG2, 11))
    assert np.all(np.diff(bounds) < 0)


def test_fano_below_bayes_error_for_binary_gaussian():
    # +-1 equiprobable in N(0, s2): Bayes error Q(1/s) must respect the Fano bound.
    from scipy.stats import norm

    for s2 in [0.05, 0.3, 1.0, 4.0]:
        mi = m.discrete_gaussian_mi([-1, 1], None, s2)
        assert m.fano_error_bound(mi) <= norm.sf(1 / math.sqrt(s2)) + 1e-15


# ---------------------------------------------------------------------------
# Gaussian closed forms
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("rho", [0.0, 0.3, -0.6, 0.999999])
def test_gaussian_mi_bivariate(rho):
    cov = np.array([[2.0, rho * math.sqrt(6)], [rho * math.sqrt(6), 3.0]])
    assert m.gaussian_mi(cov, [0]) == pytest.approx(-0.5 * math.log1p(-(rho**2)), abs=1e-9)


def test_gaussian_mi_blocks_against_determinants():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(5, 5))
    cov = a @ a.T + 0.1 * np.eye(5)
    A, B = [0, 3], [1, 2, 4]
    want = 0.5 * (
        np.linalg.slogdet(cov[np.ix_(A, A)])[1] + np.linalg.slogdet(cov[np.ix_(B, B)])[1] - np.linalg.slogdet(cov)[1]
    )
    assert m.gaussian_mi(cov, A, B) == pytest.approx(want, abs=1e-12)
    assert m.gaussian_mi(cov, A) == pytest.approx(want, abs=1e-12)
    assert m.gaussian_mi(cov, B, A) == pytest.approx(want, abs=1e-12)


def test_gaussian_mi_singular_cases():
    assert m.gaussian_mi([[1.0, 1.0], [1.0, 1.0]], [0]) == math.inf  # Y = X
    # a constant component carries nothing; the rest is an ordinary pair
    cov = np.array([[1.0, 0.0, 0.5], [0.0, 0.0, 0.0], [0.5, 0.0, 1.0]])
    assert m.gaussian_mi(cov, [0, 1], [2]) == pytest.approx(-0.5 * math.log(0.75), abs=1e-12)
    assert m.gaussian_mi(np.diag([1.0, 0.0]), [0]) == 0.0


def test_gaussian_noisy_observation_matches_snr_formula():
    a2, s2 = 0.7, 0.2  # X = U + W
    cov = np.array([[a2, a2], [a2, a2 + s2]])
    assert m.gaussian_mi(cov, [0]) == pytest.approx(0.5 * math.log(1 + a2 / s2), abs=1e-13)


def test_gaussian_rate_distortion():
    assert m.gaussian_rate_distortion(2.0, 0.5) == pytest.approx(0.5 * math.log(4.0))
    assert m.gaussian_rate_distortion(2.0, 2.0) == 0.0
    assert m.gaussian_rate_distortion(2.0, 0.0) == math.inf
    assert m.gaussian_rate_distortion(0.0, 0.0) == 0.0
    out = m.gaussian_rate_distortion(np.array([1.0, 4.0]), 1.0, base=2)
    np.testing.assert_allclose(out, [0.0, 1.0], atol=1e-15)


def _bisect_level(var: np.ndarray, budget: float) -> float:
    lo, hi = 0.0, float(var.max())
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if np.minimum(var, mid).sum() < budget else (lo, mid)
    return 0.5 * (lo + hi)


@settings(max_examples=200, deadline=None)
@given(
    arrays(float, st.integers(1, 8), elements=st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.0, 3.7])),
    st.floats(0.0, 1.2),
)
def test_reverse_water_filling_against_bisection(var, frac):
    total = float(var.sum())
    budget = frac * total
    wf = m.reverse_water_filling(var, budget)
    assert wf.allocation.sum() == pytest.approx(min(budget, total), abs=1e-12)
    if 0 < budget < total:
        assert wf.level == pytest.approx(_bisect_level(var, budget), abs=1e-12)
        pos = var > 0
        scalar = sum(m.gaussian_rate_distortion(s, d) for s, d in zip(var[pos], wf.allocation[pos]))
        assert wf.rate == pytest.approx(scalar, abs=1e-12)
    elif budget >= total:
        assert wf.rate == 0.0


def test_reverse_water_filling_zero_budget():
    wf = m.reverse_water_filling([1.0, 2.0], 0.0)
    assert wf.level == 0.0 and wf.rate == math.inf
    np.testing.assert_array_equal(wf.allocation, [0.0, 0.0])


# ---------------------------------------------------------------------------
# discrete input in Gaussian noise
# ---------------------------------------------------------------------------


def _mi_by_adaptive_quadrature(x, p, s2):
    """I(X; X+N) by scipy.integrate.quad over y, split at the points and midpoints."""
    x, p = np.asarray(x, float), np.asarray(p, float)
    s = math.sqrt(s2)
    breaks = np.unique(np.concatenate([x, (x[:, None] + x[None, :]).ravel() / 2]))
    total = 0.0
    for xi, pi in zip(x, p):
        def integrand(y, xi=xi):
            li = -((y - xi) ** 2) / (2 * s2)
            return math.exp(li) / math.sqrt(2 * math.pi * s2) * (li - logsumexp(np.log(p) - (y - x) ** 2 / (2 * s2)))

        lo, hi = x.min() - 40 * s, x.max() + 40 * s
        pts = [b for b in breaks if lo < b < hi]
        val, _ = integrate.quad(integrand, lo, hi, points=pts, limit=500, epsabs=1e-14, epsrel=1e-13)
        total += pi * val
    return total


CONSTELLATIONS = [
    ([-1.0, 1.0], [0.5, 0.5]),
    ([-1.0, 1.0], [0.9, 0.1]),
    ([-3.0, -1.0, 1.0, 3.0], [0.1, 0.4, 0.3, 0.2]),
    ([0.0, 0.3, 2.5], [0.2, 0.5, 0.3]),
]


@pytest.mark.parametrize("x,p", CONSTELLATIONS)
def test_discrete_gaussian_mi_against_adaptive_quadrature(x, p):
    x, p = np.array(x), np.array(p)
    power = float(p @ x**2 - (p @ x) ** 2)
    for snr_db in np.arange(-20.0, 60.1, 5.0):
        s2 = power / 10 ** (snr_db / 10)
        assert m.discrete_gaussian_mi(x, p, s2) == pytest.approx(_mi_by_adaptive_quadrature(x, p, s2), abs=1e-10)


def test_discrete_gaussian_mi_limits():
    p = np.array([0.1, 0.4, 0.3, 0.2])
    x = np.array([-3.0, -1.0, 1.0, 3.0])
    assert m.discrete_gaussian_mi(x, p, 0.0) == pytest.approx(m.entropy(p), abs=1e-15)
    # summation of 241 quadrature terms: rounding of order 1e-15 per term
    assert m.discrete_gaussian_mi(x, p, 1e-8) == pytest.approx(m.entropy(p), abs=1e-13)
    # low SNR: I ~ Var(X) / (2 s2) to first order
    s2 = 1e6
    var = float(p @ x**2 - (p @ x) ** 2)
    assert m.discrete_gaussian_mi(x, p, s2) == pytest.approx(var / (2 * s2), rel=1e-4)
    # coincident points are merged
    assert m.discrete_gaussian_mi([1.0, 1.0, -1.0], [0.25, 0.25, 0.5], 0.0) == pytest.approx(LOG2)


def test_discrete_gaussian_mi_gauss_hermite_option_is_close():
    a = m.discrete_gaussian_mi([-1, 1], None, 0.1)
    b = m.discrete_gaussian_mi([-1, 1], None, 0.1, method="gauss-hermite")
    assert abs(a - b) < 1e-7


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: m.entropy([0.5, 0.6]), "sum to 1"),
        (lambda: m.entropy([1.2, -0.2]), "negative"),
        (lambda: m.entropy([np.nan, 1.0]), "NaN or inf"),
        (lambda: m.entropy([]), "empty"),
        (lambda: m.entropy([0.5, 0.5], base=1), "base"),
        (lambda: m.entropy([0.5, 0.5], base=-2), "base"),
        (lambda: m.mutual_information([0.5, 0.5]), "2-dimensional"),
        (lambda: m.mutual_information([[0.5, 0.5], [0.5, 0.5]]), "sum to 1"),
        (lambda: m.kl_divergence([0.5, 0.5], [1.0]), "same shape"),
        (lambda: m.kl_divergence([0.5, 0.5], [np.inf, 0.0]), "NaN or inf"),
        (lambda: m.binary_entropy(1.5), r"\[0, 1\]"),
        (lambda: m.binary_entropy_inverse(1.0), "log 2"),
        (lambda: m.fano_error_bound(-0.1), "non-negative"),
        (lambda: m.fano_error_bound(0.1, n_classes=1), "n_classes"),
        (lambda: m.gaussian_mi([[1.0, 2.0], [2.0, 1.0]], [0]), "semi-definite"),
        (lambda: m.gaussian_mi([[1.0, 0.1], [0.2, 1.0]], [0]), "symmetric"),
        (lambda: m.gaussian_mi(np.eye(2), [0], [0]), "overlap"),
        (lambda: m.gaussian_mi(np.eye(2), [2]), "outside"),
        (lambda: m.gaussian_mi(np.eye(2), [0, 1]), "empty"),
        (lambda: m.gaussian_mi(np.eye(2)[:, :1], [0]), "square"),
        (lambda: m.gaussian_rate_distortion(-1.0, 0.5), "variance"),
        (lambda: m.gaussian_rate_distortion(1.0, -0.5), "D must be non-negative"),
        (lambda: m.reverse_water_filling([1.0, -1.0], 0.5), "non-negative"),
        (lambda: m.reverse_water_filling([1.0, 2.0], -0.5), "non-negative"),
        (lambda: m.reverse_water_filling([[1.0]], 0.5), "1-dimensional"),
        (lambda: m.discrete_gaussian_mi([-1, 1], [0.5, 0.5], -1.0), "non-negative"),
        (lambda: m.discrete_gaussian_mi([-1, 1], [0.3, 0.3, 0.4], 1.0), "length"),
        (lambda: m.discrete_gaussian_mi([-1, np.nan], None, 1.0), "NaN or inf"),
        (lambda: m.discrete_gaussian_mi([-1, 1], None, 1.0, method="simpson"), "method"),
    ],
)
def test_bad_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_reverse_water_filling_on_breakpoints():
    # budgets that sit exactly on a breakpoint (a regression: rounding once made
    # every interval test fail and returned level 0)
    s = np.array([2.4813699322839406, 2.2017856685660884, 1.9886628634946488, 0.9631511076133322,
                  0.7367955668686581, 1.1475559289725337, 2.6954982018625326])
    wf = m.reverse_water_filling(s, 6.515702212548652)
    assert wf.level == pytest.approx(0.9631511076133322, abs=1e-12)
    rng = np.random.default_rng(11)
    for _ in range(3000):
        var = rng.uniform(0.0, 3.0, size=rng.integers(1, 9))
        var[rng.random(var.size) < 0.2] = 0.0
        srt = np.sort(var)
        j = rng.integers(0, var.size)
        budget = float(np.minimum(var, srt[j]).sum())  # exactly on the breakpoint s_(j)
        wf = m.reverse_water_filling(var, budget)
        assert wf.allocation.sum() == pytest.approx(budget, abs=1e-12)
        assert wf.level == pytest.approx(_bisect_level(var, budget) if budget < var.sum() else var.max(), abs=1e-9)


def test_gaussian_mi_noiseless_direction_is_infinite():
    # Y = (U, U + W): the first coordinate of Y reveals U exactly, whatever rounding does
    rng = np.random.default_rng(2)
    for _ in range(50):
        a2, s2 = rng.uniform(0.1, 3.0, size=2)
        cov = np.array([[a2, a2, a2], [a2, a2, a2], [a2, a2, a2 + s2]]) * rng.uniform(0.1, 10.0)
        assert m.gaussian_mi(cov, [0]) == math.inf
