"""Tests of mi_lib.realdata: the whitening sandwich and the minimal l2 attacks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

import mi_lib
from mi_lib import realdata as rd

COARSE = {"hx": 0.5, "hy": 0.25, "tail": 3.0}


def _blobs(n=120, d=5, seed=0):
    rng = np.random.default_rng(seed)
    u = np.where(rng.random(n) < 0.5, -1, 1)
    mu = rng.normal(size=d)
    x = 0.3 * rng.normal(size=(n, d)) + u[:, None] * 0.4 * mu[None, :]
    return x, u


# ----------------------------------------------------------------------------- whitening and sandwich
def test_whiten_factors_and_statistic():
    rng = np.random.default_rng(1)
    A = rng.normal(size=(4, 4))
    cov = A @ A.T + 0.5 * np.eye(4)
    mu = rng.normal(size=4)
    red = rd.whiten(mu, cov)
    evals, evecs = np.linalg.eigh(cov)
    m = evecs @ np.diag(evals**-0.5) @ evecs.T @ mu
    assert red.m_norm == pytest.approx(np.linalg.norm(m), rel=1e-12)
    assert red.upper_factor <= red.lower_factor and red.width >= 1.0
    # the attack direction shifts T by one unit and costs 1/upper_factor
    mid = rng.normal(size=4)
    x = rng.normal(size=(3, 4))
    shift = red.statistic(x + red.direction, mid) - red.statistic(x, mid)
    assert np.allclose(shift, 1.0, atol=1e-12)
    assert red.direction @ red.direction == pytest.approx(1.0 / red.upper_factor, rel=1e-12)
    # and leaves the whitened components orthogonal to m unchanged
    Wh = evecs @ np.diag(evals**-0.5) @ evecs.T
    moved = Wh @ red.direction
    assert np.allclose(moved - (moved @ m / (m @ m)) * m, 0.0, atol=1e-12)
    snr, fac = rd.projection_reduction(mu, cov, red.w)
    assert snr == pytest.approx(red.m_norm, rel=1e-12) and fac == pytest.approx(red.lower_factor, rel=1e-12)


def test_sandwich_collapses_when_isotropic_and_equals_scalar_optimum():
    mu, s2 = np.array([0.6, -0.3, 0.2]), 0.25
    cov = s2 * np.eye(3)
    a = np.linalg.norm(mu) / np.sqrt(s2)
    for D, res in zip((0.02, 0.1), rd.mi_sandwich(mu, cov, [0.02, 0.1], **COARSE)):
        assert res.upper.budget == pytest.approx(D / s2, rel=1e-12)
        assert res.lower_mi == res.upper.lower_bound and res.upper.gap < 1e-8
        # second route: the scalar problem built by hand and solved directly
        x = np.arange(-np.ceil((a + 3.0) / 0.5), np.ceil((a + 3.0) / 0.5) + 1) * 0.5
        y = np.arange(-np.ceil(x[-1] / 0.25), np.ceil(x[-1] / 0.25) + 1) * 0.25
        from scipy.stats import norm

        edges = np.r_[-np.inf, 0.5 * (x[:-1] + x[1:]), np.inf]
        p = 0.5 * np.array([np.diff(norm.cdf(edges, loc=sgn * a)) for sgn in (-1, 1)])
        direct = mi_lib.discrete_attack(p / p.sum(), (y[None, :] - x[:, None]) ** 2, D / s2)
        assert res.upper_mi == pytest.approx(direct.mi, abs=1e-8)


def test_scalar_problem_discretisation_below_exact():
    prob = rd.scalar_problem(2.0)
    assert 0.0 <= prob.discretisation_error < 5e-3
    assert prob.exact_clean_mi == pytest.approx(mi_lib.discrete_gaussian_mi([-2.0, 2.0], None, 1.0))
    att = rd.scalar_attack(prob, 0.0)
    assert att.mi == pytest.approx(prob.clean_mi, abs=1e-9)
    assert mi_lib.fano_error_bound(att.mi) <= att.bayes_error + 1e-12


@st.composite
def _spd_and_mu(draw):
    d = draw(st.integers(2, 4))
    entries = draw(st.lists(st.floats(-1.0, 1.0), min_size=d * d, max_size=d * d))
    A = np.array(entries).reshape(d, d)
    cov = A @ A.T + draw(st.floats(0.05, 1.0)) * np.eye(d)
    mu = np.array(draw(st.lists(st.floats(-1.0, 1.0), min_size=d, max_size=d)))
    if np.linalg.norm(mu) < 0.1:
        mu = mu + 0.5
    return mu, cov, draw(st.floats(0.01, 2.0))


@settings(max_examples=8, deadline=None, derandomize=True)
@given(_spd_and_mu())
def test_lower_never_exceeds_upper(case):
    mu, cov, D = case
    (res,) = rd.mi_sandwich(mu, cov, [D], ridge=(0.0, 1.0, np.inf), **COARSE)
    assert res.lower_mi <= res.upper_mi + 1e-9
    red = rd.whiten(mu, cov)
    assert red.upper_factor <= red.lower_factor * (1 + 1e-12)


def test_sandwich_rejects_bad_input():
    mu, cov = np.array([1.0, 0.5]), np.eye(2)
    for bad_mu in ([np.nan, 1.0], [1.0, np.inf], [0.0, 0.0], [[1.0, 2.0]], [1 + 1j, 1.0]):
        with pytest.raises(ValueError):
            rd.whiten(bad_mu, cov)
    for bad_cov in ([[1.0, 0.2], [0.0, 1.0]], [[1.0, 2.0], [2.0, 1.0]], np.eye(3), [[np.nan, 0], [0, 1]],
                    np.eye(2) * (1 + 0j) + 1j):
        with pytest.raises(ValueError):
            rd.whiten(mu, bad_cov)
    for bad_D in ([-0.1], [np.nan], [], [[0.1]]):
        with pytest.raises(ValueError):
            rd.mi_sandwich(mu, cov, bad_D)
    with pytest.raises(ValueError):
        rd.mi_sandwich(mu, cov, [0.1], ridge=(-1.0,))
    with pytest.raises(ValueError):
        rd.scalar_problem(0.0)
    with pytest.raises(ValueError):
        rd.scalar_problem(2.0, hx=0.5, hy=0.2)  # inputs off the output grid
    with pytest.raises(ValueError):
        rd.scalar_attack("not a problem", 0.1)
    with pytest.raises(ValueError):
        rd.fit_gaussian_model(np.ones((4, 2)), [1, 1, 0, -1])


def test_fit_gaussian_model():
    x, u = _blobs()
    gm = rd.fit_gaussian_model(x, u)
    assert np.allclose(gm.mid + gm.mu, x[u > 0].mean(axis=0)) and np.allclose(gm.mid - gm.mu, x[u < 0].mean(axis=0))
    assert np.all(np.linalg.eigvalsh(gm.cov) > 0) and 0.0 <= gm.shrinkage <= 1.0


# ----------------------------------------------------------------------------- attacks
def test_linear_attack_exact_radius_and_flip():
    x, u = _blobs(seed=2)
    lr = LogisticRegression().fit(x, u)
    w, b = lr.coef_.ravel(), lr.intercept_[0]
    att = rd.linear_min_perturbation(w, b, x)
    assert np.all(lr.predict(x + att.delta) != lr.predict(x))
    assert np.allclose(np.linalg.norm(att.delta, axis=1), att.radius, rtol=1e-5, atol=1e-9)
    # brute-force line search: along any random direction the flipping distance is at least the radius,
    # and along w it equals it
    rng = np.random.default_rng(3)
    for i in range(5):
        f0 = x[i] @ w + b
        for direction in [-np.sign(f0) * w / np.linalg.norm(w)] + list(rng.normal(size=(20, x.shape[1]))):
            direction = direction / np.linalg.norm(direction)
            ts = np.linspace(0.0, 10.0 * att.radius[i] + 1.0, 200001)
            crossed = np.sign(x[i] @ w + b + ts * (direction @ w)) != np.sign(f0)
            if crossed.any():
                assert ts[np.argmax(crossed)] >= att.radius[i] * (1 - 1e-4)
        along = -np.sign(f0) * w / np.linalg.norm(w)
        ts = np.linspace(0.0, 2.0 * att.radius[i], 200001)
        first = ts[np.argmax(np.sign(f0 + ts * (along @ w)) != np.sign(f0))]
        assert first == pytest.approx(att.radius[i], rel=1e-4, abs=1e-9)


def test_network_attack_reproduces_linear_radius_on_identity_mlp():
    x, u = _blobs(seed=4)
    mlp = MLPClassifier(hidden_layer_sizes=(6,), activation="identity", solver="lbfgs", max_iter=500,
                        random_state=0).fit(x, u)
    # the identity network is the linear classifier with w = W1 W2, b = b1 W2 + b2
    w = (mlp.coefs_[0] @ mlp.coefs_[1])[:, 0]
    b = float((mlp.intercepts_[0] @ mlp.coefs_[1] + mlp.intercepts_[1])[0])
    f, g = rd.mlp_decision(mlp, x)
    assert np.allclose(f, x @ w + b, atol=1e-10) and np.allclose(g, w[None, :], atol=1e-12)
    exact = rd.linear_min_perturbation(w, b, x).radius
    net = rd.mlp_min_perturbation(mlp, x)
    assert net.flipped.all()
    assert np.all(mlp.predict(x + net.delta) != mlp.predict(x))
    assert np.allclose(net.radius, exact, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic"])
def test_network_attack_flips_and_gradient_matches_finite_differences(activation):
    x, u = _blobs(seed=5)
    mlp = MLPClassifier(hidden_layer_sizes=(8,), activation=activation, solver="lbfgs", max_iter=500,
                        random_state=1).fit(x, u)
    f, g = rd.mlp_decision(mlp, x[:4])
    proba = mlp.predict_proba(x[:4])[:, 1]
    assert np.allclose(1.0 / (1.0 + np.exp(-f)), proba, atol=1e-10)
    h = 1e-6
    for j in range(x.shape[1]):
        e = np.zeros(x.shape[1])
        e[j] = h
        fd = (rd.mlp_decision(mlp, x[:4] + e)[0] - rd.mlp_decision(mlp, x[:4] - e)[0]) / (2 * h)
        assert np.allclose(fd, g[:, j], rtol=1e-4, atol=1e-5)
    net = rd.mlp_min_perturbation(mlp, x)
    assert net.flipped.all()
    assert np.all(mlp.predict(x + net.delta) != mlp.predict(x))
    assert np.allclose(np.linalg.norm(net.delta, axis=1), net.radius)


def test_attacks_reject_bad_input():
    x, u = _blobs()
    with pytest.raises(ValueError):
        rd.linear_min_perturbation([0.0, 0.0, 0.0, 0.0, 0.0], 0.0, x)
    with pytest.raises(ValueError):
        rd.linear_min_perturbation(np.ones(4), 0.0, x)
    with pytest.raises(ValueError):
        rd.linear_min_perturbation(np.ones(5), np.nan, x)
    with pytest.raises(ValueError):
        rd.linear_min_perturbation(np.ones(5), 0.0, x + 1j)
    with pytest.raises(ValueError):
        rd.mlp_min_perturbation(LogisticRegression().fit(x, u), x)
    mlp = MLPClassifier(hidden_layer_sizes=(3,), max_iter=50, solver="lbfgs", random_state=0).fit(x, u)
    with pytest.raises(ValueError):
        rd.mlp_min_perturbation(mlp, x[:, :3])
    with pytest.raises(ValueError):
        rd.mlp_min_perturbation(mlp, np.full_like(x, np.inf))
    with pytest.raises(ValueError):
        rd.mlp_min_perturbation(mlp, x, max_iter=-1)
    with pytest.raises(ValueError):
        rd.accuracy_under_radius([1, 0], [0.1, 0.2], [0.1])
    with pytest.raises(ValueError):
        rd.accuracy_under_budget(np.array([True, False]), [0.1, np.nan], [0.1])


def test_accuracy_curves():
    correct = np.array([True, True, True, False])
    radius = np.array([0.1, 0.2, np.inf, 0.05])
    assert np.allclose(rd.accuracy_under_radius(correct, radius, [0.0, 0.15, 1.0]), [0.75, 0.5, 0.25])
    # average budget D: total 4 D; costs 0.01, 0.04 -> D = 0.003 flips one, D = 0.013 two, inf never
    assert np.allclose(rd.accuracy_under_budget(correct, radius, [0.0, 0.003, 0.013, 100.0]),
                       [0.75, 0.5, 0.25, 0.25])


def test_ridge_family_and_per_projection_bounds():
    rng = np.random.default_rng(6)
    A = rng.normal(size=(3, 3))
    cov = A @ A.T + 0.3 * np.eye(3)
    mu = np.array([0.8, -0.2, 0.4])
    red = rd.whiten(mu, cov)
    assert np.allclose(rd.ridge_direction(mu, cov, 0.0), red.w, rtol=1e-10)
    assert np.allclose(rd.ridge_direction(mu, cov, np.inf), mu)
    (res,) = rd.mi_sandwich(mu, cov, [0.05], ridge=(0.0, np.inf), **COARSE)
    (basic,) = rd.mi_sandwich(mu, cov, [0.05], **COARSE)
    assert res.lower_by_ridge[0] == pytest.approx(basic.lower_mi, abs=1e-12)
    assert res.lower_mi == max(res.lower_by_ridge) and res.upper_mi == pytest.approx(basic.upper_mi, abs=1e-12)
    # the mu projection: a_b = |mu|^2 / sqrt(mu' Sigma mu), f_b = |mu|^2 / mu' Sigma mu
    snr, fac = rd.projection_reduction(mu, cov, mu)
    q = mu @ cov @ mu
    assert snr == pytest.approx((mu @ mu) / np.sqrt(q)) and fac == pytest.approx((mu @ mu) / q)
    with pytest.raises(ValueError):
        rd.ridge_direction(mu, cov, np.nan)
    with pytest.raises(ValueError):
        rd.projection_reduction(mu, cov, np.zeros(3))
