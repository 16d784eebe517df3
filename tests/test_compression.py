"""Tests of mi_lib.compression (feature compression on redundant copies)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import norm

from mi_lib import discrete_gaussian_mi
from mi_lib.classifier_attacks import accuracy_under_budget
from mi_lib.compression import (
    budget_to_break,
    breaking_radii,
    compression_experiment,
    copies_data,
    linear_margins,
    noiseless_pm1_attack,
    population_budget_accuracy,
    population_radius_accuracy,
    sample_transplanted,
    transplanted_mi,
    truncated_second_moment,
)


def test_copies_data_shapes_and_law():
    X, u = copies_data(5000, 3, 0.5, rng=0)
    assert X.shape == (5000, 3) and set(np.unique(u)) == {-1, 1}
    assert np.allclose((X - u[:, None]).std(axis=0), 0.5, atol=0.02)
    X2, u2 = copies_data(5000, 3, 0.5, rng=0)
    assert np.array_equal(X, X2) and np.array_equal(u, u2)


def test_linear_margins_l2_and_linf():
    w, b = np.array([3.0, 4.0]), 1.0
    X, u = np.array([[1.0, 1.0], [-1.0, 0.0]]), np.array([1, 1])
    assert np.allclose(linear_margins(w, b, X, u), [8 / 5, -2 / 5])
    assert np.allclose(linear_margins(w, b, X, u, norm="linf"), [8 / 7, -2 / 7])
    # the l_inf perturbation of that size along -u sign(w) reaches the boundary
    e = -linear_margins(w, b, X[:1], u[:1], norm="linf")[0] * np.sign(w)
    assert abs((X[0] + e) @ w + b) < 1e-12
    with pytest.raises(ValueError):
        linear_margins(np.zeros(2), 0.0, X, u)
    with pytest.raises(ValueError):
        linear_margins(w, b, X, np.array([1, 0]))
    with pytest.raises(ValueError):
        linear_margins(w, b, X, u, norm="l1")


def test_budget_to_break_is_the_threshold_of_flip_cheapest():
    m = np.random.default_rng(1).normal(1.0, 1.0, 1001)
    D = budget_to_break(m)
    acc = accuracy_under_budget(m > 0, np.abs(m), np.array([D * (1 - 1e-9), D * (1 + 1e-9)]))
    assert acc[1] < 0.5 <= acc[0]


def test_truncated_second_moment_by_quadrature():
    for mu, tau, s in ((1.7, 2.3, 1.0), (-0.5, 4.0, 2.0), (3.0, 0.0, 0.5)):
        quad = integrate.quad(lambda v: v * v * norm.pdf(v, mu, s), 0.0, tau, epsabs=1e-14)[0] if tau > 0 else 0.0
        assert truncated_second_moment(mu, tau, s) == pytest.approx(quad, abs=1e-12)
    with pytest.raises(ValueError):
        truncated_second_moment(1.0, -1.0)


def test_population_formulas():
    acc = population_radius_accuracy(2.0, 0.0, np.array([0.0, 2.0]))
    assert acc == pytest.approx([norm.cdf(2.0), 0.5])
    D = np.geomspace(0.01, 50.0, 30)
    acc_D, D_half = population_budget_accuracy(2.0, 0.1, D)
    assert np.all(np.diff(acc_D) <= 1e-12) and acc_D[0] > 0.9 and 0 < D_half < 50
    m = np.random.default_rng(2).normal(2.0, 1.0, 200_000)
    assert budget_to_break(m) == pytest.approx(population_budget_accuracy(2.0, 0.0, [1.0])[1], rel=0.02)


def test_transplanted_mi_limits_and_monotonicity():
    clean = discrete_gaussian_mi([-1.0, 1.0], None, 1.0 / 4)
    assert transplanted_mi(4, 0.0) == pytest.approx(clean, rel=1e-12)
    assert abs(transplanted_mi(4, 1e-12) - clean) < 1e-5
    vals = [transplanted_mi(4, D) for D in (0.5, 1.0, 2.0, 3.5)]
    assert all(a > b for a, b in zip(vals, vals[1:])) and transplanted_mi(4, 4.0) == 0.0
    y, res = noiseless_pm1_attack(0.5)
    assert y.size == 801 and res.gap <= 1e-8 and res.cost <= 0.5 * (1 + 1e-9)


def test_sample_transplanted_spends_the_budget():
    u, yp, z = sample_transplanted(4, 2.0, 1.0, 20_000, rng=5)
    cost = ((yp - (2 * u - 1)) ** 2).mean() * 4 / 2.0
    assert abs(cost - 1) < 0.05 and z.shape == u.shape
    with pytest.raises(ValueError):
        sample_transplanted(4, 4.0, 1.0, 10)


def test_breaking_radii_of_the_matched_filter():
    X, u = copies_data(20_000, 9, 1.0, rng=7)
    r = breaking_radii(np.ones(9), 0.0, X, u)
    assert r["k"] == 9 and r["cos"] == pytest.approx(1.0) and r["eff"] == pytest.approx(3.0)
    assert abs(r["r2"] - 3.0) < 0.05 and abs(r["rinf"] - 1.0) < 0.02
    assert r["acc"] == pytest.approx(norm.cdf(3.0), abs=0.003)


def test_compression_experiment_small():
    run = compression_experiment(0, n=10, n_train=300, n_val=500, n_test=2000)
    sp, de = run.radii["l1 (sparse)"], run.radii["l2 (dense)"]
    assert sp["k"] <= de["k"] == 10 and sp["r2"] < de["r2"]
    assert run.X_test.shape == (2000, 10) and 0 <= run.c_index < 41
    with pytest.raises(ValueError):
        compression_experiment(0, c_grid=[-1.0])
    assert math.isclose(run.radii["l2 (dense)"]["acc"], run.dense.score(run.X_test, run.u_test))
