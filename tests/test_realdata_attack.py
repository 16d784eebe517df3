"""The attack at a target information level on real-data models (mi_lib.realdata additions for notebook 10)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from mi_lib import realdata as rd


@pytest.fixture(scope="module")
def problem():
    return rd.scalar_problem(2.0, hx=0.5, hy=0.25, tail=3.0)


def test_budget_for_level_hits_the_target(problem):
    target = 0.5 * problem.clean_mi
    t, res = rd.budget_for_level(problem, target, t0=0.4)
    assert abs(res.mi - target) <= 1e-6 and res.budget == t
    # monotone: a slightly larger budget leaves less information
    assert rd.scalar_attack(problem, 1.1 * t).mi < res.mi
    with pytest.raises(ValueError):
        rd.budget_for_level(problem, problem.clean_mi + 0.1, t0=0.4)
    with pytest.raises(ValueError):
        rd.budget_for_level(problem, target, t0=0.0)
    with pytest.raises(RuntimeError):
        rd.budget_for_level(problem, target, t0=0.4, tol=1e-14, max_iter=1)


def test_apply_scalar_attack_moves_the_statistic_along_the_direction(problem):
    rng = np.random.default_rng(1)
    n, d = 400, 5
    u = np.where(rng.random(n) < 0.5, -1, 1)
    direction = rng.normal(size=d)
    T = 2.0 * u + rng.normal(size=n)
    X = rng.normal(size=(n, d))
    _, res = rd.budget_for_level(problem, 0.5 * problem.clean_mi, t0=0.4)
    X_att, shift, ix = rd.apply_scalar_attack(problem, res, T, u, X, direction, 7)
    assert np.allclose(X_att - X, shift[:, None] * direction[None, :])
    assert np.all(np.isin(np.round(shift + problem.x[ix], 9), np.round(problem.y, 9)))
    # the shifts follow the channel: mean squared shift close to the budget spent on the model
    assert abs(np.mean(shift**2) - res.budget) < 0.5 * res.budget + 0.05
    again = rd.apply_scalar_attack(problem, res, T, u, X, direction, 7)
    assert np.array_equal(again[0], X_att)
    with pytest.raises(ValueError):
        rd.apply_scalar_attack(problem, res, T, np.zeros(n), X, direction, 0)
    with pytest.raises(ValueError):
        rd.apply_scalar_attack(problem, res, T[:-1], u, X, direction, 0)
    with pytest.raises(ValueError):
        rd.apply_scalar_attack(problem, res, T, u, X, direction[:-1], 0)


def test_linear_as_network_reproduces_the_linear_classifier():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(80, 4))
    u = np.where(x[:, 0] + 0.3 * rng.normal(size=80) > 0, 1, -1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = MLPClassifier(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=300, random_state=0).fit(x, u)
    w, b = np.array([1.0, -0.5, 0.2, 0.0]), 0.1
    net = rd.linear_as_network(w, b, mlp)
    assert mlp.activation == "relu" and mlp.coefs_[0].shape == (4, 3)  # the template is untouched
    f, _ = rd.mlp_decision(net, x)
    assert np.allclose(f, x @ w + b)
    exact = rd.linear_min_perturbation(w, b, x).radius
    assert np.allclose(rd.mlp_min_perturbation(net, x).radius, exact, rtol=1e-6)
    with pytest.raises(ValueError):
        rd.linear_as_network(w[:3], b, mlp)
    with pytest.raises(ValueError):
        rd.linear_as_network(w, b, object())
