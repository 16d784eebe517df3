"""Tests of mi_lib.redundancy (n noisy copies) and gaussian_attack_budget."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mi_lib import gaussian_mi
from mi_lib.gaussian import gaussian_attack, gaussian_attack_budget
from mi_lib.redundancy import copies_attack, copies_attack_budget


def _joint_cov(a2, sigma2, n, A, noise_cov):
    """Covariance of (U, Y) for Y = 1U + W + E, E = A @ (U, W_1..W_n) + independent noise."""
    src = np.diag(np.r_[a2, np.full(n, sigma2)])  # covariance of (U, W)
    M = np.hstack([np.ones((n, 1)), np.eye(n)]) + A  # Y = M @ (U, W) + noise
    cov_y = M @ src @ M.T + noise_cov
    cov_uy = src[0] @ M.T
    top = np.r_[a2, cov_uy]
    return np.vstack([top, np.column_stack([cov_uy, cov_y])])


@pytest.mark.parametrize("budget", ["total", "per-copy"])
@pytest.mark.parametrize("a2,sigma2,n,D", [(1.0, 0.5, 3, 0.4), (2.0, 1.0, 5, 1.5), (0.5, 0.1, 2, 0.05)])
def test_same_attack_on_every_copy_attains_the_value(a2, sigma2, n, D, budget):
    res = copies_attack(a2, sigma2, n, D, budget=budget)
    s = res.scalar
    # E_i = alpha U + beta * mean(W) for every copy (the scalar optimum on the sufficient statistic)
    A = np.zeros((n, n + 1))
    A[:, 0] = s.alpha
    A[:, 1:] = s.beta / n
    cov = _joint_cov(a2, sigma2, n, A, np.eye(n) * 0.0)
    assert gaussian_mi(cov, [0]) == pytest.approx(res.mi, abs=1e-10)
    energy = n * (s.alpha**2 * a2 + s.beta**2 * sigma2 / n)  # E||E||^2
    spent = energy if budget == "total" else energy / n
    assert spent <= D * (1 + 1e-12)


@pytest.mark.parametrize("budget", ["total", "per-copy"])
def test_no_random_linear_attack_beats_the_optimum(budget):
    rng = np.random.default_rng(3)
    a2, sigma2, n, D = 1.0, 0.6, 4, 0.8
    best = copies_attack(a2, sigma2, n, D, budget=budget).mi
    for _ in range(400):
        A = rng.normal(size=(n, n + 1)) * rng.uniform(0.01, 1.0)
        B = rng.normal(size=(n, n)) * rng.uniform(0.0, 0.5)
        src = np.diag(np.r_[a2, np.full(n, sigma2)])
        per_copy = np.diag(A @ src @ A.T) + np.diag(B @ B.T)
        scale = D / per_copy.sum() if budget == "total" else D / per_copy.max()
        scale *= rng.uniform(0.2, 1.0)
        A, B = A * math.sqrt(scale), B * math.sqrt(scale)
        cov = _joint_cov(a2, sigma2, n, A, B @ B.T)
        assert gaussian_mi(cov, [0]) >= best - 1e-12


@pytest.mark.parametrize("budget", ["total", "per-copy"])
def test_blind_value_against_covariance_and_random_noises(budget):
    rng = np.random.default_rng(4)
    a2, sigma2, n, D = 1.0, 0.5, 5, 2.0
    res = copies_attack(a2, sigma2, n, D, budget=budget, informed=False)
    # attained by noise identical on every copy
    var_e = D / n if budget == "total" else D
    cov = _joint_cov(a2, sigma2, n, np.zeros((n, n + 1)), var_e * np.ones((n, n)))
    assert gaussian_mi(cov, [0]) == pytest.approx(res.mi, abs=1e-12)
    for _ in range(300):
        B = rng.normal(size=(n, n))
        sig = B @ B.T
        sig *= (D / np.trace(sig)) if budget == "total" else (D / np.diag(sig).max())
        cov = _joint_cov(a2, sigma2, n, np.zeros((n, n + 1)), sig)
        assert gaussian_mi(cov, [0]) >= res.mi - 1e-12


def test_erasing_costs_n_a2_under_total_and_a2_per_copy():
    for n in (1, 4, 100):
        assert copies_attack(1.3, 0.2, n, 1.3 * n).mi == 0.0
        assert copies_attack(1.3, 0.2, n, 1.3 * n * 0.999).mi > 0.0
        assert copies_attack(1.3, 0.2, n, 1.3, budget="per-copy").mi == 0.0
        assert copies_attack_budget(1.3, 0.2, n, 0.0) == pytest.approx(1.3 * n)


@pytest.mark.parametrize("a2,sigma2", [(1.0, 0.1), (2.0, 1.5), (1.0, 0.0)])
def test_gaussian_attack_budget_inverts_the_optimum(a2, sigma2):
    for D in np.linspace(0.0, a2 * 1.2, 25):
        mi = gaussian_attack(a2, sigma2, D).mi
        if math.isinf(mi):
            continue
        back = gaussian_attack_budget(a2, sigma2, mi)
        assert back == pytest.approx(min(D, a2), abs=1e-12)
    assert gaussian_attack_budget(a2, 0.5, 10.0) == 0.0  # above the clean information


@pytest.mark.parametrize("budget", ["total", "per-copy"])
@pytest.mark.parametrize("informed", [True, False])
def test_budget_inverse_roundtrip(budget, informed):
    for n in (1, 3, 50):
        for target in (0.05, 0.3, 1.0):
            D = copies_attack_budget(1.0, 0.4, n, target, budget=budget, informed=informed)
            got = copies_attack(1.0, 0.4, n, D, budget=budget, informed=informed).mi
            clean = copies_attack(1.0, 0.4, n, 0.0, budget=budget, informed=informed).mi
            assert got == pytest.approx(min(target, clean), abs=1e-10)


def test_scaling_laws():
    a2, sigma2 = 1.0, 0.5
    level, delta, frac = 0.2, 0.3, 0.5
    big = 10**6
    # fixed level: D(n)/n -> a^2 exp(-2 I) (total); per-copy D(n) -> a^2 exp(-2 I)
    limit = a2 * math.exp(-2 * level)
    assert copies_attack_budget(a2, sigma2, big, level) / big == pytest.approx(limit, rel=1e-3)
    assert copies_attack_budget(a2, sigma2, big, level, budget="per-copy") == pytest.approx(limit, rel=1e-3)
    # fixed amount removed: D(n) -> sigma^2 (e^delta - 1)^2, independent of n
    removed = [
        copies_attack_budget(a2, sigma2, n, copies_attack(a2, sigma2, n, 0.0).clean_mi - delta) for n in (10**4, 10**6)
    ]
    assert removed[1] == pytest.approx(sigma2 * math.expm1(delta) ** 2, rel=1e-2)
    # fixed fraction: D(n) grows like n^f
    d = [copies_attack_budget(a2, sigma2, n, (1 - frac) * copies_attack(a2, sigma2, n, 0.0).clean_mi) for n in (10**6, 10**8)]
    assert math.log(d[1] / d[0]) / math.log(100) == pytest.approx(frac, abs=0.01)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: copies_attack(1.0, 0.5, 0, 1.0), "n must be a positive integer"),
        (lambda: copies_attack(1.0, 0.5, 2.5, 1.0), "n must be a positive integer"),
        (lambda: copies_attack(1.0, -0.5, 2, 1.0), "sigma2"),
        (lambda: copies_attack(1.0, 0.5, 2, -1.0), "D"),
        (lambda: copies_attack(1.0, 0.5, 2, 1.0, budget="max"), "budget"),
        (lambda: copies_attack(0.0, 0.5, 2, 1.0), "a2"),
        (lambda: copies_attack_budget(1.0, 0.5, 2, -0.1), "mi"),
        (lambda: gaussian_attack_budget(1.0, 0.5, float("nan")), "mi"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
