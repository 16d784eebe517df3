"""Tests of mi_lib.projection_routes: the second routes and data loaders of notebooks 03 and 04."""

from __future__ import annotations

import math

import numpy as np
import pytest

import mi_lib
from mi_lib import projection_routes as pr


# --------------------------------------------------------------------------------------
# water level, candidates
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("s, D, tau", [([4.0, 1.0], 3.0, 2.0), ([3.0, 2.2, 2.2, 1.0, 0.4, 0.0], 4.0, 0.9),
                                       ([1.0, 1.0], 1.0, 0.5), ([2.0, 0.0], 0.5, 0.5)])
def test_water_level_bisection_known_levels(s, D, tau):
    assert pr.water_level_bisection(s, D) == pytest.approx(tau, abs=1e-15)


def test_water_level_bisection_matches_falling_bar():
    rng = np.random.default_rng(1)
    for _ in range(200):
        s = rng.exponential(size=int(rng.integers(1, 7))) * (rng.random(1)[0] > 0.0)
        D = float(rng.uniform(0, 1.1 * s.sum()))
        tau = pr.water_level_bisection(s, D)
        assert np.minimum(tau, s).sum() == pytest.approx(min(D, s.sum()), abs=1e-12)
        if D < s.sum():
            assert tau == pytest.approx(mi_lib.falling_bar(s, D)[0], abs=1e-13)


def test_water_level_bisection_erases_above_the_total():
    assert pr.water_level_bisection([3.0, 1.0], 5.0) == 3.0


@pytest.mark.parametrize("s, D", [([], 1.0), ([1.0, -1.0], 0.5), ([0.0, 0.0], 0.5), ([1.0], -0.1), ([1.0], math.nan)])
def test_water_level_bisection_rejects(s, D):
    with pytest.raises(ValueError):
        pr.water_level_bisection(s, D)


def test_falling_bar_candidates_one_acceptance():
    cands, ok = pr.falling_bar_candidates([3.0, 2.2, 2.2, 1.0, 0.4, 0.0], 4.0)
    assert np.flatnonzero(ok).tolist() == [3]
    assert cands[3] == pytest.approx(0.9)
    rng = np.random.default_rng(2)
    for _ in range(200):
        s = rng.choice([0.0, 0.5, 1.0, 1.0, 2.0, 3.0], size=int(rng.integers(1, 8)))
        if s.sum() == 0:
            continue
        D = float(rng.uniform(0.01, 0.99) * s.sum())
        cands, ok = pr.falling_bar_candidates(s, D)
        assert ok.sum() == 1
        assert cands[ok][0] == pytest.approx(mi_lib.falling_bar(s, D)[0], abs=1e-12)


@pytest.mark.parametrize("D", [0.0, 6.0, 7.0, -1.0])
def test_falling_bar_candidates_rejects_budgets_out_of_range(D):
    with pytest.raises(ValueError):
        pr.falling_bar_candidates([3.0, 2.0, 1.0], D)


# --------------------------------------------------------------------------------------
# the attack as matrices
# --------------------------------------------------------------------------------------

H_SMALL = np.array([[1.0, 0.5, -0.3], [0.2, -0.7, 0.6]])


@pytest.mark.parametrize("D", [0.2, 0.5, 1.0, 1.5])
def test_attack_matrices_attain_the_theorem(D):
    A, B = pr.attack_matrices(H_SMALL, D)
    mi, energy = pr.linear_attack_mi(H_SMALL, A, B)
    assert energy == pytest.approx(D, abs=1e-13)
    assert mi == pytest.approx(mi_lib.projection_attack(H_SMALL, D).mi, abs=1e-12)


def test_literal_sign_leaks_more_and_infinitely_once_erased():
    s2 = np.linalg.svd(H_SMALL, compute_uv=False) ** 2
    D = 0.5
    _, Di = mi_lib.falling_bar(s2, D)
    mi, _ = pr.linear_attack_mi(H_SMALL, *pr.attack_matrices(H_SMALL, D, sign=1.0))
    closed = 0.5 * np.sum(np.log(s2 * (s2 + 3 * Di) / (Di * (s2 - Di))))
    assert mi == pytest.approx(closed, abs=1e-12)
    assert mi > mi_lib.projection_attack(H_SMALL, D).mi
    D_erase = 2 * s2[1] + 0.05  # above the weaker variance's erasing budget
    assert pr.linear_attack_mi(H_SMALL, *pr.attack_matrices(H_SMALL, D_erase, sign=1.0))[0] == math.inf


def test_attack_matrices_live_in_the_range_of_a_tall_H():
    H = np.array([[1.0, 0.4], [0.3, 0.9], [0.5, -0.6]])
    A, B = pr.attack_matrices(H, 0.6)
    normal = np.linalg.svd(H)[0][:, 2]
    assert np.abs(normal @ A).max() < 1e-14 and np.abs(normal @ B).max() < 1e-14


def test_attack_matrices_and_mi_reject():
    with pytest.raises(ValueError):
        pr.attack_matrices(H_SMALL, 1.0, sign=0.5)
    with pytest.raises(ValueError):
        pr.attack_matrices(np.zeros((2, 2)), 1.0)
    with pytest.raises(ValueError):
        pr.attack_matrices(H_SMALL, -1.0)
    with pytest.raises(ValueError):
        pr.linear_attack_mi(H_SMALL, np.zeros((3, 2)), np.zeros((2, 2)))


def test_logdet_route_matches_the_falling_bar():
    rng = np.random.default_rng(3)
    for n, m in ((5, 12), (12, 5), (8, 8)):
        H = rng.standard_normal((n, m)) / np.sqrt(m)
        F = float(np.sum(H**2))
        budgets = F * np.array([0.1, 0.5, 0.9])
        res = pr.logdet_attack_mi(H, budgets)
        np.testing.assert_allclose(res[:, 1], budgets, rtol=1e-12)
        np.testing.assert_allclose(res[:, 0], [mi_lib.projection_attack(H, D).mi for D in budgets], rtol=1e-9)


@pytest.mark.parametrize("budgets", [[0.0], [100.0], [[0.1]]])
def test_logdet_route_rejects(budgets):
    with pytest.raises(ValueError):
        pr.logdet_attack_mi(H_SMALL, budgets)


# --------------------------------------------------------------------------------------
# Marchenko-Pastur by quadrature
# --------------------------------------------------------------------------------------


def test_mp_edges():
    assert pr.mp_edges(0.25) == pytest.approx((0.25, 2.25))


@pytest.mark.parametrize("alpha", [0.1, 0.5, 1.5, 1.9])
def test_mp_integral_moments(alpha):
    assert pr.mp_integral_above(alpha, 0.0, lambda x: 1.0) == pytest.approx(min(1.0, 1.0 / alpha), abs=1e-10)
    assert pr.mp_integral_above(alpha, 0.0, lambda x: x) == pytest.approx(1.0, abs=1e-10)
    assert pr.mp_integral_above(alpha, 10.0, lambda x: 1.0) == 0.0


@pytest.mark.parametrize("alpha, d", [(0.1, 0.1), (0.5, 0.5), (1.5, 0.25), (1.9, 0.9)])
def test_mp_limit_quad_matches_the_library(alpha, d):
    assert pr.mp_limit_quad(alpha, d) == pytest.approx(mi_lib.mp_limit_mi_per_m(alpha, d), rel=1e-9)


@pytest.mark.parametrize("alpha, d", [(1.0, 0.5), (0.0, 0.5), (0.5, 0.0), (0.5, 1.0), (-1.0, 0.5)])
def test_mp_limit_quad_rejects(alpha, d):
    with pytest.raises(ValueError):
        pr.mp_limit_quad(alpha, d)


def test_mp_integral_rejects_a_non_callable():
    with pytest.raises(TypeError):
        pr.mp_integral_above(0.5, 0.0, 1.0)


def test_mp_kolmogorov_distance_small_for_a_large_matrix():
    H = pr.projection_matrix(400, 5, 7)
    ev = np.linalg.eigvalsh(H @ H.T)
    assert pr.mp_kolmogorov_distance(ev, 0.5) < 0.02
    assert pr.mp_kolmogorov_distance(ev * 3.0, 0.5) > 0.3  # the wrong scale is seen
    with pytest.raises(ValueError):
        pr.mp_kolmogorov_distance([], 0.5)
    with pytest.raises(ValueError):
        pr.mp_kolmogorov_distance(ev, 0.5, points=0)


# --------------------------------------------------------------------------------------
# spectra and the paper's points
# --------------------------------------------------------------------------------------


def test_cached_spectra_and_their_recipe():
    spectra, info = pr.load_spectra()
    assert set(info) == {"seed", "numpy_version", "m_values", "tenths"}
    assert len(spectra) == len(info["m_values"]) * len(info["tenths"])
    for m, t in ((10, 3), (50, 15)):
        np.testing.assert_allclose(pr.regenerate_spectrum(m, t, info["seed"]), spectra[(m, t)], atol=1e-12)
        assert spectra[(m, t)].size == min(m, t * m // 10)


def test_projection_matrix_shape_scale_and_validation():
    H = pr.projection_matrix(200, 5, 0)
    assert H.shape == (100, 200)
    assert np.mean(H**2) * 200 == pytest.approx(1.0, rel=0.05)
    np.testing.assert_array_equal(H, pr.projection_matrix(200, 5, 0))
    for bad in ((0, 5, 0), (10, 0, 0), (10, 5, -1), (5, 1, 0), (10.0, 5, 0)):
        with pytest.raises((ValueError, TypeError)):
            pr.projection_matrix(*bad)


def test_paper_figures_and_budget_grid():
    for number, tenths in ((4, range(1, 10)), (5, range(11, 20))):
        fig = pr.paper_projection_figure(number)
        assert set(fig) == {(m, t) for m in (50, 250, 1250, 2500) for t in tenths}
        x, y = fig[(50, tenths[0])]
        assert x.shape == y.shape == (10,) and x[0] == pytest.approx(0.1, abs=1e-4)
    np.testing.assert_allclose(pr.paper_budget_grid([2.0, 3.0]), 0.1 + 0.5 * np.arange(10))
    with pytest.raises(ValueError):
        pr.paper_projection_figure(3)
    with pytest.raises(ValueError):
        pr.paper_budget_grid([-1.0])
