"""Tests of the n-dimensional helpers of mi_lib.redundancy (linear attacks, the binary label, sampling)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mi_lib import copies_attack, discrete_attack, discrete_gaussian_mi, mutual_information
from mi_lib.redundancy import (
    binary_copies_problem,
    copies_linear_energies,
    copies_linear_mi,
    discrete_level_budget,
    optimise_copies_linear_attack,
    random_copies_linear_attacks,
    sample_discrete_channel,
    uniform_copies_attack,
)


@pytest.mark.parametrize("budget", ["total", "per-copy"])
@pytest.mark.parametrize("n,D", [(2, 0.3), (5, 1.5), (4, 8.0)])
def test_uniform_attack_attains_copies_attack_and_spends_the_budget(n, D, budget):
    res = copies_attack(1.0, 0.5, n, D, budget=budget)
    A, B = uniform_copies_attack(n, res.scalar)
    assert A.shape == (n, n + 1) and B.shape == (n, 1)
    assert copies_linear_mi(1.0, 0.5, A, B) == pytest.approx(res.mi, abs=1e-12)
    e = copies_linear_energies(1.0, 0.5, A, B)
    assert (e.sum() if budget == "total" else e.max()) == pytest.approx(D, rel=1e-12)


def test_linear_mi_of_no_attack_and_of_erasing():
    n = 3
    clean = copies_linear_mi(2.0, 0.5, np.zeros((n, n + 1)), np.zeros((n, 1)))
    assert clean == pytest.approx(0.5 * math.log1p(n * 2.0 / 0.5), rel=1e-12)
    A = np.zeros((n, n + 1))
    A[:, 0] = -1.0  # E = -U on every copy
    assert copies_linear_mi(2.0, 0.5, A, np.zeros((n, 1))) == pytest.approx(0.0, abs=1e-12)
    assert np.allclose(copies_linear_energies(2.0, 0.5, A, np.zeros((n, 1))), 2.0)


def test_linear_helpers_reject_bad_shapes():
    with pytest.raises(ValueError):
        copies_linear_mi(1.0, 1.0, np.zeros((3, 3)), np.zeros((3, 1)))
    with pytest.raises(ValueError):
        copies_linear_energies(1.0, 1.0, np.zeros((3, 4)), np.zeros((2, 1)))
    with pytest.raises(ValueError):
        copies_linear_mi(-1.0, 1.0, np.zeros((3, 4)), np.zeros((3, 1)))
    with pytest.raises(TypeError):
        uniform_copies_attack(3, 0.5)


@pytest.mark.parametrize("informed", [True, False])
@pytest.mark.parametrize("budget", ["total", "per-copy"])
def test_random_attacks_never_beat_the_optimum_and_are_reproducible(budget, informed):
    best = copies_attack(1.0, 0.5, 4, 0.8, budget=budget, informed=informed).mi
    found = random_copies_linear_attacks(1.0, 0.5, 4, 0.8, budget=budget, count=200, informed=informed, rng=1)
    assert found >= best - 1e-12
    assert found == random_copies_linear_attacks(1.0, 0.5, 4, 0.8, budget=budget, count=200, informed=informed, rng=1)
    with pytest.raises(ValueError):
        random_copies_linear_attacks(1.0, 0.5, 4, 0.8, budget="sum", count=10)


@pytest.mark.parametrize("budget", ["total", "per-copy"])
def test_optimiser_reaches_the_theorem_with_equal_weights(budget):
    D = 0.9 if budget == "total" else 0.3
    exact = copies_attack(1.0, 0.5, 3, D, budget=budget).mi
    value, A = optimise_copies_linear_attack(1.0, 0.5, 3, D, budget=budget, starts=2, rng=0)
    assert exact - 1e-12 < value < exact + 1e-9
    assert np.ptp(A[:, 0]) < 1e-4


def test_binary_problem_grid_and_law():
    x, y, p = binary_copies_problem(1.0)
    assert x[0] == -4.0 and x[-1] == 4.0 and np.isclose(x[1] - x[0], 0.25) and np.isclose(y[1] - y[0], 0.1)
    assert p.shape == (2, x.size) and abs(p.sum() - 1) < 1e-12 and np.allclose(p.sum(axis=1), 0.5)
    assert 0 <= discrete_gaussian_mi([-1.0, 1.0], None, 1.0) - mutual_information(p) < 5e-3
    assert np.allclose(p[0], p[1][::-1])  # symmetric
    with pytest.raises(ValueError):
        binary_copies_problem(0.0)


def test_level_budget_reaches_the_target():
    x, y, p = binary_copies_problem(1.0, hx=0.5, hy=0.25)
    cost = (y[None, :] - x[:, None]) ** 2
    t, res = discrete_level_budget(p, cost, 0.1, 0.2)
    assert abs(res.mi - 0.1) <= 1e-6 and res.gap <= 1e-8
    assert discrete_attack(p, cost, 0.9 * t).mi > 0.1 > discrete_attack(p, cost, 1.1 * t).mi
    with pytest.raises(RuntimeError):
        discrete_level_budget(p, cost, 0.1, 0.2, tol=1e-12, max_iter=1)
    with pytest.raises(ValueError):
        discrete_level_budget(p, cost, 0.0, 0.2)


def test_sample_discrete_channel_matches_the_law():
    p = np.array([[0.3, 0.2], [0.1, 0.4]])
    channel = np.zeros((2, 2, 3))
    channel[:, :, 0], channel[:, :, 2] = 0.25, 0.75
    iu, ix, iy = sample_discrete_channel(p, channel, 40_000, rng=3)
    assert set(np.unique(iy)) == {0, 2}
    freq = np.bincount(iu * 2 + ix, minlength=4) / iu.size
    assert np.allclose(freq, p.ravel(), atol=0.01) and abs(np.mean(iy == 2) - 0.75) < 0.01
    with pytest.raises(ValueError):
        sample_discrete_channel(p, channel[:, :1], 10)
