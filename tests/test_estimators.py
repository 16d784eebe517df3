"""Tests for mi_lib.estimators (ksg_mi, mixed_mi, plugin_mi).

Accuracy tolerances are ``4 * stderr + bias allowance``. The allowances come
from a replicate study (200-1000 independent samples per setting, k = 3):

* ksg_mi, N = 1e4, Gaussian: mean bias +0.0007 (rho = 0), +0.001 (rho = 0.6),
  +0.005 (rho = 0.9), +0.002 (the 2 x 2 case below). Allowance 0.01 nats.
* mixed_mi, N = 1e4, U = +-1, Y = U + sigma Z: |bias| <= 0.0005 for
  sigma in {0.5, 1}. Allowance 0.005 nats.

The same study found the per-sample standard error to be 0.75-0.99 of the true
spread of the estimate, so ``4 * stderr`` is at least about 3 true standard
deviations.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

from mi_lib.estimators import ksg_mi, mixed_mi, plugin_mi

KSG_BIAS = 0.01
MIXED_BIAS = 0.005
HYP = settings(derandomize=True, max_examples=60, deadline=None)


def _gauss_pair(rho: float, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(seed)
    x = g.standard_normal(n)
    y = rho * x + math.sqrt(1.0 - rho**2) * g.standard_normal(n)
    return x, y


def _standardise(a: np.ndarray) -> np.ndarray:
    return (a - a.mean()) / a.std()


def _binary_mixture_mi(sigma: float) -> float:
    """I(U; U + sigma Z), U uniform on {-1, +1}: h(Y) - h(Y | U) by quadrature."""

    def density(t: float) -> float:
        return 0.5 * (stats.norm.pdf(t, 1.0, sigma) + stats.norm.pdf(t, -1.0, sigma))

    def integrand(t: float) -> float:
        f = density(t)
        return -f * math.log(f) if f > 0.0 else 0.0

    h_y, _ = integrate.quad(integrand, -1.0 - 12.0 * sigma, 1.0 + 12.0 * sigma, limit=200)
    return h_y - 0.5 * math.log(2.0 * math.pi * math.e * sigma**2)


def _pmf_mi(p: np.ndarray) -> float:
    pu = p.sum(axis=1, keepdims=True)
    py = p.sum(axis=0, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log((p / (pu * py))[nz])))


# ---------------------------------------------------------------------------
# accuracy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_ksg_bivariate_gaussian(rho: float) -> None:
    x, y = _gauss_pair(rho, 10_000, seed=11)
    est, se = ksg_mi(x, y, rng=1, return_stderr=True)
    true = -0.5 * math.log(1.0 - rho**2)
    assert se > 0
    assert abs(est - true) <= 4 * se + KSG_BIAS


def test_ksg_multivariate_gaussian() -> None:
    cov = np.array(
        [[1.0, 0.5, 0.3, 0.2], [0.5, 1.0, 0.1, 0.4], [0.3, 0.1, 1.0, 0.5], [0.2, 0.4, 0.5, 1.0]]
    )
    g = np.random.default_rng(12)
    z = g.standard_normal((10_000, 4)) @ np.linalg.cholesky(cov).T
    # Different column scales must not matter (columns are standardised).
    z *= np.array([1.0, 30.0, 0.01, 5.0])
    est, se = ksg_mi(z[:, :2], z[:, 2:], rng=2, return_stderr=True)
    true = 0.5 * math.log(np.linalg.det(cov[:2, :2]) * np.linalg.det(cov[2:, 2:]) / np.linalg.det(cov))
    assert abs(est - true) <= 4 * se + KSG_BIAS


@pytest.mark.parametrize("sigma", [0.5, 1.0])
def test_mixed_binary_signal_in_noise(sigma: float) -> None:
    g = np.random.default_rng(13)
    u = g.choice([-1, 1], size=10_000)
    y = u + sigma * g.standard_normal(u.size)
    est, se = mixed_mi(u, y, rng=3, return_stderr=True)
    assert abs(est - _binary_mixture_mi(sigma)) <= 4 * se + MIXED_BIAS


def test_mixed_string_labels_and_2d_y() -> None:
    g = np.random.default_rng(14)
    codes = g.integers(0, 3, size=5_000)
    labels = np.array(["red", "green", "blue"])[codes]
    y = np.column_stack([codes + g.standard_normal(codes.size), g.standard_normal(codes.size)])
    a = mixed_mi(labels, y, rng=4)
    b = mixed_mi(codes, y, rng=4)
    assert a == b  # the labels only name the classes
    assert 0.1 < a < math.log(3)


def test_plugin_known_discrete_joint() -> None:
    p = np.array(
        [[0.10, 0.05, 0.05, 0.00], [0.02, 0.20, 0.03, 0.10], [0.05, 0.05, 0.05, 0.30]]
    )
    g = np.random.default_rng(15)
    n = 20_000
    cells = g.choice(p.size, size=n, p=p.ravel())
    u, y = np.divmod(cells, p.shape[1])
    true = _pmf_mi(p)
    for corr in (None, "miller-madow"):
        est, se = plugin_mi(u, y, correction=corr, return_stderr=True)
        # Plug-in bias is (K_u - 1)(K_y - 1)/(2N) ~ 1.5e-4 here; allowance 1e-3.
        assert abs(est - true) <= 4 * se + 1e-3


def test_plugin_stderr_delta_method() -> None:
    g = np.random.default_rng(16)
    u = g.integers(0, 3, 500)
    y = (u + g.integers(0, 2, 500)) % 4
    est, se = plugin_mi(u, y, return_stderr=True)
    n = u.size
    joint = np.zeros((3, 4))
    np.add.at(joint, (u, y), 1.0 / n)
    pu, py = joint.sum(1), joint.sum(0)
    L = np.log(joint[u, y] / (pu[u] * py[y]))
    assert est == pytest.approx(L.mean(), abs=1e-12)
    assert se == pytest.approx(math.sqrt((np.mean(L**2) - L.mean() ** 2) / n), rel=1e-9)


def test_return_stderr_does_not_change_estimate() -> None:
    x, y = _gauss_pair(0.5, 2_000, seed=17)
    assert ksg_mi(x, y, rng=5) == ksg_mi(x, y, rng=5, return_stderr=True)[0]
    u = (x > 0).astype(int)
    assert mixed_mi(u, y, rng=5) == mixed_mi(u, y, rng=5, return_stderr=True)[0]
    assert plugin_mi(u, y > 0) == plugin_mi(u, y > 0, return_stderr=True)[0]


# ---------------------------------------------------------------------------
# agreement with scikit-learn
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("rho", [0.3, 0.6, 0.9])
def test_ksg_agrees_with_sklearn(rho: float) -> None:
    x, y = _gauss_pair(rho, 10_000, seed=18)
    xs, ys = _standardise(x), _standardise(y)
    ours = ksg_mi(xs, ys, k=3, rng=6)
    theirs = mutual_info_regression(xs[:, None], ys, n_neighbors=3, random_state=0)[0]
    # Same estimator and radius convention; only the 1e-10 tie-breaking noise
    # differs, so the estimates agree far inside the 1e-3 target.
    assert abs(ours - theirs) <= 1e-3


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.0])
def test_mixed_agrees_with_sklearn(sigma: float) -> None:
    g = np.random.default_rng(19)
    u = g.choice([0, 1, 2], size=10_000)
    ys = _standardise(u + sigma * g.standard_normal(u.size))
    ours = mixed_mi(u, ys, k=3, rng=7)
    theirs = mutual_info_classif(ys[:, None], u, n_neighbors=3, random_state=0)[0]
    # sklearn counts points strictly inside d_i including i itself; Ross (and
    # we) count points within d_i inclusive, excluding i. With distinct
    # distances the two counts coincide, so the estimates agree up to the
    # effect of the (different) 1e-10 tie-breaking noise.
    assert abs(ours - theirs) <= 1e-6


def test_sklearn_differences_clip_and_small_classes() -> None:
    # Independent data: sklearn clips negative estimates at 0, we do not.
    g = np.random.default_rng(20)
    u = g.choice([0, 1], size=2_000)
    ys = _standardise(g.standard_normal(u.size))
    ours = mixed_mi(u, ys, rng=8)
    theirs = mutual_info_classif(ys[:, None], u, n_neighbors=3, random_state=0)[0]
    assert theirs == pytest.approx(max(0.0, ours), abs=1e-6)
    x, y = _gauss_pair(0.0, 2_000, seed=21)
    ours = ksg_mi(_standardise(x), _standardise(y), rng=8)
    theirs = mutual_info_regression(_standardise(x)[:, None], _standardise(y), random_state=0)[0]
    assert theirs == pytest.approx(max(0.0, ours), abs=1e-6)
    # sklearn silently lowers k for small classes and drops singletons; we refuse.
    labels = np.r_[np.zeros(100, int), np.ones(3, int)]
    with pytest.raises(ValueError, match="label class 1 has 3 samples"):
        mixed_mi(labels, g.standard_normal(labels.size))


# ---------------------------------------------------------------------------
# determinism, invariance, ties
# ---------------------------------------------------------------------------


def test_same_seed_same_result() -> None:
    x, y = _gauss_pair(0.5, 3_000, seed=22)
    assert ksg_mi(x, y, rng=9) == ksg_mi(x, y, rng=9)
    assert ksg_mi(x, y, rng=np.random.default_rng(9)) == ksg_mi(x, y, rng=9)
    u = (x > 0.3).astype(int)
    assert mixed_mi(u, y, rng=9) == mixed_mi(u, y, rng=9)


def test_seed_dependence_continuous_is_negligible() -> None:
    x, y = _gauss_pair(0.5, 3_000, seed=23)
    vals = [ksg_mi(x, y, rng=s) for s in range(4)]
    assert max(vals) - min(vals) <= 1e-12


def test_integer_data_ties() -> None:
    # X ~ Poisson(20), Y = X + Poisson(20): exactly I = H(Poisson(40)) - H(Poisson(20)).
    g = np.random.default_rng(24)
    x = g.poisson(20, size=5_000)
    y = x + g.poisson(20, size=x.size)
    true = float(stats.poisson(40).entropy() - stats.poisson(20).entropy())
    res = [ksg_mi(x, y, rng=s, return_stderr=True) for s in range(5)]
    ests = np.array([r[0] for r in res])
    se = max(r[1] for r in res)
    assert np.all(np.isfinite(ests))
    assert np.all(np.abs(ests - true) <= 0.05)
    # Different tie-breaking draws give different estimates, but the spread is
    # of the order of the sampling standard error, not larger.
    assert 0 < np.ptp(ests) <= 4 * se


@pytest.mark.parametrize("scale, shift", [(3.0, 0.0), (1e-3, 5.0), (250.0, -7.5), (-2.0, 1.0)])
def test_ksg_affine_invariance(scale: float, shift: float) -> None:
    x, y = _gauss_pair(0.7, 2_000, seed=25)
    base = ksg_mi(x, y, rng=10)
    assert ksg_mi(scale * x + shift, y, rng=10) == pytest.approx(base, abs=1e-12)
    assert ksg_mi(x, scale * y + shift, rng=10) == pytest.approx(base, abs=1e-12)


def test_mixed_affine_invariance() -> None:
    g = np.random.default_rng(26)
    u = g.integers(0, 2, 2_000)
    y = u + g.standard_normal(u.size)
    assert mixed_mi(u, 40.0 * y - 3.0, rng=11) == pytest.approx(mixed_mi(u, y, rng=11), abs=1e-12)


_pairs = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), min_size=2, max_size=60)


@HYP
@given(_pairs, st.permutations(range(5)))
def test_plugin_relabelling_invariance(pairs: list[tuple[int, int]], perm: list[int]) -> None:
    u = np.array([a for a, _ in pairs])
    y = np.array([b for _, b in pairs])
    names = np.array(["a", "b", "c", "d", "e"])[perm]
    for corr in (None, "miller-madow"):
        assert plugin_mi(names[u], y, corr) == plugin_mi(u, y, corr)


@HYP
@given(_pairs)
def test_plugin_symmetric_and_nonnegative(pairs: list[tuple[int, int]]) -> None:
    u = np.array([a for a, _ in pairs])
    y = np.array([b for _, b in pairs])
    assert plugin_mi(u, y) == plugin_mi(y, u)
    assert plugin_mi(u, y, "miller-madow") == plugin_mi(y, u, "miller-madow")
    assert plugin_mi(u, y) >= 0.0
    assert plugin_mi(u, y) <= min(math.log(len(set(u.tolist()))), math.log(len(set(y.tolist())))) + 1e-12


def test_plugin_degenerate_cases_exact() -> None:
    y = np.random.default_rng(27).integers(0, 5, 300)
    const = np.full(y.size, 7)
    assert plugin_mi(const, y) == 0.0
    assert plugin_mi(const, y, "miller-madow") == 0.0
    assert plugin_mi(const, y, return_stderr=True) == (0.0, 0.0)
    # Exactly independent counts (a product table) also give exactly 0.
    u, v = np.meshgrid(np.arange(3), np.arange(4))
    assert plugin_mi(u.ravel(), v.ravel()) == 0.0
    # Identical variables: MI = H(U).
    counts = np.bincount(y) / y.size
    assert plugin_mi(y, y) == pytest.approx(-np.sum(counts * np.log(counts)), abs=1e-12)


def test_miller_madow_reduces_bias() -> None:
    g = np.random.default_rng(28)
    plain, mm = [], []
    for _ in range(300):
        u = g.integers(0, 4, 200)
        y = g.integers(0, 5, 200)  # independent: true MI = 0
        plain.append(plugin_mi(u, y))
        mm.append(plugin_mi(u, y, correction="miller-madow"))
    assert abs(np.mean(mm)) < 0.3 * abs(np.mean(plain))
    # Plug-in bias is about (K_u - 1)(K_y - 1)/(2N) = 0.03.
    assert np.mean(plain) == pytest.approx(0.03, rel=0.2)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

_X = np.linspace(0.0, 1.0, 20) ** 2
_Y = np.cos(np.arange(20.0))
_L = np.arange(20) % 2


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ksg_mi(np.r_[np.nan, _X[1:]], _Y), "x contains NaN or inf"),
        (lambda: ksg_mi(_X, np.r_[_Y[:-1], np.inf]), "y contains NaN or inf"),
        (lambda: ksg_mi(_X, _Y[:-1]), "different lengths"),
        (lambda: ksg_mi(_X.reshape(20, 1, 1), _Y), "x must be 1 or 2-dimensional"),
        (lambda: ksg_mi(_X, np.float64(1.0)), "y must be 1 or 2-dimensional"),
        (lambda: ksg_mi(_X, _Y, k=0), "k must be a positive integer"),
        (lambda: ksg_mi(_X, _Y, k=-2), "k must be a positive integer"),
        (lambda: ksg_mi(_X, _Y, k=2.5), "k must be a positive integer"),
        (lambda: ksg_mi(_X, _Y, k=True), "k must be a positive integer"),
        (lambda: ksg_mi(_X, _Y, k="3"), "k must be a positive integer"),
        (lambda: ksg_mi(_X[:5], _Y[:5], k=5), r"k must be smaller than the number of samples \(5\)"),
        (lambda: ksg_mi(_X[:1], _Y[:1], k=1), "at least 2 samples"),
        (lambda: ksg_mi([], [], k=1), "at least 2 samples"),
        (lambda: ksg_mi(np.ones(20), _Y), "x column 0 is constant"),
        (lambda: ksg_mi(_X, np.column_stack([_Y, np.full(20, 2.0)])), "y column 1 is constant"),
        (lambda: ksg_mi(_X, _Y, rng="seed"), "rng must be"),
        (lambda: mixed_mi(_L, np.r_[_Y[:-1], np.nan]), "y contains NaN or inf"),
        (lambda: mixed_mi(np.r_[np.nan, _L[1:]], _Y), "labels contains NaN or inf"),
        (lambda: mixed_mi(_L[:-1], _Y), "different lengths"),
        (lambda: mixed_mi(_L.reshape(10, 2), _Y), "labels must be 1-dimensional"),
        (lambda: mixed_mi(_L, _Y.reshape(5, 2, 2)), "y must be 1 or 2-dimensional"),
        (lambda: mixed_mi(_L, _Y, k=0), "k must be a positive integer"),
        (lambda: mixed_mi(np.r_[_L[:-4], [7, 7, 7, 7]], _Y, k=4), "label class 7 has 4 samples"),
        (lambda: mixed_mi(["a", "b"] * 9 + ["c", "c"], _Y, k=3), "label class 'c' has 2 samples"),
        (lambda: mixed_mi([1], [0.5], k=1), "at least 2 samples"),
        (lambda: mixed_mi(_L, np.zeros(20)), "y column 0 is constant"),
        (lambda: plugin_mi(_L, _L[:-1]), "different lengths"),
        (lambda: plugin_mi(_L.reshape(2, 10), _L), "u must be 1-dimensional"),
        (lambda: plugin_mi(_L, np.r_[np.inf, _Y[1:]]), "y contains NaN or inf"),
        (lambda: plugin_mi([1], [2]), "at least 2 samples"),
        (lambda: plugin_mi(_L, _L, correction="mm"), "correction must be None or 'miller-madow'"),
        (lambda: plugin_mi(_L, _L, correction="Miller-Madow"), "correction must be None or 'miller-madow'"),
    ],
)
def test_bad_input_raises(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_one_dimensional_counts_match_brute_force() -> None:
    # The 1-D fast path (sort + binary search) must count exactly what the
    # max-norm definition says, including points at distance exactly eps.
    from mi_lib.estimators import _count_strict

    g = np.random.default_rng(30)
    for v in (g.standard_normal(400), g.integers(0, 6, 400) * 0.1 + 1e6, np.round(g.standard_normal(400), 1)):
        eps = np.abs(v - v[g.integers(0, v.size, v.size)])  # many radii equal to an actual distance
        eps[eps == 0] = 0.05
        brute = (np.abs(v[None, :] - v[:, None]) < eps[:, None]).sum(axis=1) - 1
        assert np.array_equal(_count_strict(v[:, None], eps), brute)
        two = np.column_stack([v, v[::-1]])
        brute2 = (np.abs(two[None] - two[:, None]).max(axis=2) < eps[:, None]).sum(axis=1) - 1
        assert np.array_equal(_count_strict(two, eps), brute2)
