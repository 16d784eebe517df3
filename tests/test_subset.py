"""Tests for mi_lib.subset: the corrected Theorem 4.1."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import optimize

from mi_lib.gaussian import gaussian_attack
from mi_lib.subset import fixed_subset_attack, paper_theorem41_value, subset_attack


def _clean(s, n):
    return math.inf if n == 0 else 0.5 * math.log1p(s / n)


def _brute_split(s, n, D, starts=6, seed=0):
    """min sum_i g_i(D_i) over the simplex sum D_i = D, D_i >= 0, by SLSQP.

    g_i is the scalar optimum from gaussian_attack. Many random starts plus the
    vertices and the centre of the simplex.
    """
    k = len(s)
    if k == 0:
        return 0.0
    if D >= sum(s):
        return 0.0

    def obj(d):
        d = np.clip(d, 0.0, None)
        return sum(gaussian_attack(si, ni, di).mi for si, ni, di in zip(s, n, d))

    rng = np.random.default_rng(seed)
    inits = [np.full(k, D / k)] + [rng.dirichlet(np.ones(k)) * D for _ in range(starts)]
    best = math.inf
    cons = ({"type": "eq", "fun": lambda d: np.sum(d) - D, "jac": lambda d: np.ones(k)},)
    for x0 in inits:
        res = optimize.minimize(obj, x0, method="SLSQP", bounds=[(0.0, D)] * k,
                                constraints=cons, options={"ftol": 1e-15, "maxiter": 500})
        d = np.clip(res.x, 0.0, None)
        if d.sum() > D:
            d *= D / d.sum()
        best = min(best, obj(d))
    if k == 1:
        best = min(best, obj(np.array([D])))
    return best


def _brute_force(s, n, k, D):
    best = math.inf
    for T in itertools.combinations(range(len(s)), k):
        rest = [i for i in range(len(s)) if i not in T]
        val = sum(_clean(s[i], n[i]) for i in rest)
        if math.isinf(val):
            continue
        val += _brute_split([s[i] for i in T], [n[i] for i in T], D)
        best = min(best, val)
    return best


CASES = []
_rng = np.random.default_rng(41)
for _m, _k in [(2, 1), (3, 1), (3, 2), (4, 2), (4, 3), (5, 2), (5, 3), (6, 2), (6, 3), (6, 4), (6, 5), (6, 6)]:
    _s = _rng.uniform(0.1, 2.0, _m)
    _n = _rng.uniform(0.02, 1.0, _m)
    _D = float(_rng.uniform(0.05, 0.9) * np.sort(_s)[::-1][:_k].sum())
    CASES.append((_s, _n, _k, _D))


@pytest.mark.parametrize("s,n,k,D", CASES)
def test_against_brute_force(s, n, k, D):
    res = subset_attack(s, n, k, D)
    brute = _brute_force(s, n, k, D)
    assert res.mi <= brute + 1e-9  # exact search can only be better
    assert res.mi == pytest.approx(brute, abs=1e-7)
    assert res.lower_bound <= res.mi
    assert 0.0 <= res.gap <= 1e-9
    assert len(res.subset) == k and list(res.subset) == sorted(res.subset)
    assert res.allocation.sum() <= D * (1 + 1e-12)
    outside = np.setdiff1d(np.arange(len(s)), res.subset)
    assert np.all(res.allocation[outside] == 0)
    assert res.coordinate_mi.sum() == pytest.approx(res.mi, rel=1e-12)
    # per-coordinate values are those of the scalar theorem
    for i in res.subset:
        assert res.coordinate_mi[i] == pytest.approx(
            gaussian_attack(s[i], n[i], res.allocation[i]).mi, rel=1e-12, abs=1e-15)


def test_kkt_equal_marginals():
    s = np.array([1.0, 0.5, 2.0, 0.3])
    n = np.array([0.1, 0.2, 1.0, 0.05])
    res = fixed_subset_attack(s, n, [0, 1, 2, 3], 0.8)
    h = 1e-7
    slopes = []
    for i in range(4):
        d = res.allocation[i]
        slopes.append((gaussian_attack(s[i], n[i], d + h).mi - gaussian_attack(s[i], n[i], d - h).mi) / (2 * h))
    np.testing.assert_allclose(slopes, slopes[0], rtol=1e-5)
    assert res.allocation.sum() == pytest.approx(0.8, rel=1e-12)


def test_lagrangian_method_agrees_and_certifies():
    rng = np.random.default_rng(3)
    for _ in range(5):
        m = 8
        s = rng.uniform(0.1, 2.0, m)
        n = rng.uniform(0.02, 1.0, m)
        k = int(rng.integers(1, m))
        D = float(rng.uniform(0.05, 2.0))
        ex = subset_attack(s, n, k, D, method="exhaustive")
        lg = subset_attack(s, n, k, D, method="lagrangian")
        assert lg.method == "lagrangian"
        assert lg.mi >= ex.mi - 1e-12
        assert lg.lower_bound <= ex.mi + 1e-12  # a valid bound on the true optimum
        assert lg.gap >= 0
        if lg.gap <= 1e-9:
            assert lg.mi == pytest.approx(ex.mi, abs=1e-9)


def test_dominance_rules():
    rng = np.random.default_rng(11)
    s = rng.uniform(0.1, 2.0, 6)
    # common noise: the k largest signal variances (the paper's rule, corrected)
    for D in (0.01, 0.3, 2.0):
        res = subset_attack(s, np.full(6, 0.3), 3, D)
        assert set(res.subset) == set(np.argsort(s)[::-1][:3].tolist())
    # common signal variance: the k smallest noise variances
    n = rng.uniform(0.05, 1.0, 6)
    for D in (0.01, 0.3, 2.0):
        res = subset_attack(np.full(6, 0.8), n, 2, D)
        assert set(res.subset) == set(np.argsort(n)[:2].tolist())


def test_best_subset_depends_on_budget():
    """No variance-only rule: the largest-variance coordinate loses at small D."""
    s, n = [1.0, 0.2], [0.1, 0.05]
    assert subset_attack(s, n, 1, 0.05).subset == (1,)
    assert subset_attack(s, n, 1, 0.5).subset == (0,)


def test_at_most_k_equals_exactly_k():
    rng = np.random.default_rng(5)
    s = rng.uniform(0.1, 2.0, 5)
    n = rng.uniform(0.05, 1.0, 5)
    vals = [subset_attack(s, n, k, 0.4).mi for k in range(6)]
    assert np.all(np.diff(vals) < 0)  # one more attacked coordinate always helps


def test_edge_cases():
    s = np.array([1.0, 0.5, 2.0])
    n = np.array([0.1, 0.2, 1.0])
    clean = sum(_clean(a, b) for a, b in zip(s, n))
    r0 = subset_attack(s, n, 0, 1.0)
    assert r0.mi == pytest.approx(clean) and r0.subset == ()
    rD0 = subset_attack(s, n, 2, 0.0)
    assert rD0.mi == pytest.approx(clean) and np.all(rD0.allocation == 0)
    rall = subset_attack(s, n, 3, 10.0)
    assert rall.mi == 0.0
    np.testing.assert_allclose(rall.allocation, s)
    # noise-free coordinates: must be attacked, otherwise MI = inf
    n0 = np.array([0.0, 0.2, 0.0])
    assert subset_attack(s, n0, 1, 1.0).mi == math.inf
    r = subset_attack(s, n0, 2, 1.0)
    assert r.subset == (0, 2) and math.isfinite(r.mi)
    assert r.mi == pytest.approx(_brute_force(list(s), list(n0), 2, 1.0), abs=1e-7)
    assert subset_attack(s, n0, 3, 0.0).mi == math.inf


def test_paper_value_is_an_entropy_not_an_mi():
    s = np.array([0.01, 0.02, 2.0, 3.0])
    h = paper_theorem41_value(s, 2)
    assert h == pytest.approx(0.5 * (math.log(2 * math.pi * math.e * 0.01) + math.log(2 * math.pi * math.e * 0.02)))
    assert h < 0  # negative: cannot be a mutual information
    assert paper_theorem41_value(s, 4) == 0.0
    # the true MI with noise-free unattacked coordinates is infinite
    assert subset_attack(s, np.zeros(4), 2, 1.0).mi == math.inf


@pytest.mark.parametrize(
    "args,match",
    [
        (([1.0, 2.0], [0.1], 1, 1.0), "same shape"),
        (([1.0, -2.0], [0.1, 0.1], 1, 1.0), "signal_var"),
        (([1.0, 2.0], [0.1, -0.1], 1, 1.0), "noise_var"),
        (([1.0, 2.0], [0.1, 0.1], 3, 1.0), "k must"),
        (([1.0, 2.0], [0.1, 0.1], 1.5, 1.0), "k must"),
        (([1.0, 2.0], [0.1, 0.1], 1, -1.0), "D"),
        (([1.0, float("nan")], [0.1, 0.1], 1, 1.0), "signal_var"),
        (([[1.0, 2.0]], [[0.1, 0.1]], 1, 1.0), "signal_var"),
    ],
)
def test_validation(args, match):
    with pytest.raises(ValueError, match=match):
        subset_attack(*args)


def test_fixed_subset_validation():
    with pytest.raises(ValueError, match="subset"):
        fixed_subset_attack([1.0, 2.0], [0.1, 0.1], [0, 0], 1.0)
    with pytest.raises(ValueError, match="subset"):
        fixed_subset_attack([1.0, 2.0], [0.1, 0.1], [2], 1.0)
    with pytest.raises(ValueError, match="method"):
        subset_attack([1.0, 2.0], [0.1, 0.1], 1, 1.0, method="greedy")
