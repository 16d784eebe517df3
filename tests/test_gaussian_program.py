"""The numerical routes to program (4) of mi_lib.gaussian_program, against the closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

import mi_lib
from mi_lib.gaussian_program import (
    half_information_budgets,
    mi_from_rho2,
    paper_figure3,
    program4_meshgrid,
    program4_objective,
    solve_program4,
)


def test_objective_is_the_squared_correlation_of_the_covariance_G():
    a2, s2, D, x, y = 1.0, 0.4, 0.3, -0.2, 0.1
    G = np.array([[a2 + s2 + D + 2 * x + 2 * y, a2 + x], [a2 + x, a2]])
    assert np.isclose(program4_objective(x, y, a2, s2, D), G[0, 1] ** 2 / (G[0, 0] * G[1, 1]), rtol=1e-15)
    assert np.isclose(mi_from_rho2(program4_objective(x, y, a2, s2, D)), mi_lib.gaussian_mi(G, [1]), atol=1e-14)
    assert program4_objective([0.0, x], [0.0, y], a2, s2, D).shape == (2,)


@pytest.mark.parametrize("a2, s2, D", [(1.0, 0.1, 0.1), (0.5, 0.3, 0.2), (0.25, 1.0, 0.2), (1.0, 0.1, 1.5)])
def test_solver_matches_the_closed_form_and_the_interior_never_wins(a2, s2, D):
    boundary, interior = solve_program4(a2, s2, D, n_interior=2000, rng=1)
    assert abs(boundary - mi_lib.gaussian_attack(a2, s2, D).rho2) < 1e-13
    assert interior >= boundary - 1e-12
    assert solve_program4(a2, s2, D)[1] == math.inf


def test_solver_draws_radii_then_angles_from_the_given_generator():
    rng = np.random.default_rng(3)
    solve_program4(1.0, 0.2, 0.3, n_interior=50, rng=rng)
    ref = np.random.default_rng(3)
    ref.uniform(size=50)
    ref.uniform(-np.pi, np.pi, 50)
    assert rng.uniform() == ref.uniform()


def test_meshgrid_overshoots_and_counts_its_points():
    a2, s2, D = 0.25, 0.1, 0.1
    value, nx, ny = program4_meshgrid(a2, s2, D, step=0.01)
    assert value >= mi_lib.gaussian_attack(a2, s2, D).rho2
    assert (nx, ny) == (int(np.floor(2 * np.sqrt(a2 * D) / 0.01 + 1e-9)) + 1, int(np.floor(2 * np.sqrt(s2 * D) / 0.01 + 1e-9)) + 1)
    fine = program4_meshgrid(a2, s2, D, n=801)
    assert fine[1:] == (801, 801) and abs(fine[0] - mi_lib.gaussian_attack(a2, s2, D).rho2) < 1e-3
    with pytest.raises(ValueError):
        program4_meshgrid(a2, s2, D)
    with pytest.raises(ValueError):
        program4_meshgrid(a2, s2, D, step=0.01, n=10)


@pytest.mark.parametrize("a2, s2", [(1.0, 0.1), (1.0, 0.5), (0.5, 0.1), (2.0, 3.0)])
def test_half_budgets_are_roots_of_the_library_curves(a2, s2):
    clean, d_inf, d_blind = half_information_budgets(a2, s2)
    assert clean == pytest.approx(mi_lib.gaussian_attack(a2, s2, 0.0).mi, abs=1e-14)
    r_inf = brentq(lambda d: mi_lib.gaussian_attack(a2, s2, d).mi - clean / 2, 0.0, a2, xtol=1e-14)
    r_blind = brentq(lambda d: mi_lib.blind_gaussian_attack(a2, s2, d).mi - clean / 2, 0.0, 1e3, xtol=1e-12)
    assert abs(d_inf - r_inf) < 1e-10 and abs(d_blind - r_blind) < 1e-9
    assert d_inf == pytest.approx(mi_lib.gaussian_attack_budget(a2, s2, clean / 2), abs=1e-12)


def test_paper_figure3_has_the_490_points():
    p = paper_figure3()
    assert set(p) == {"a2", "s2", "D", "D_page", "y"} and all(v.shape == (490,) for v in p.values())
    assert set(np.unique(p["a2"])) == {0.25, 0.5, 0.75, 1.0}
    assert np.abs(p["D"] - p["D_page"]).max() < 1e-6


@pytest.mark.parametrize("call", [
    lambda: program4_objective(0.0, 0.0, 0.0, 0.1, 0.1),
    lambda: program4_objective(1j, 0.0, 1.0, 0.1, 0.1),
    lambda: mi_from_rho2(1.0),
    lambda: solve_program4(1.0, 0.1, -0.1),
    lambda: solve_program4(1.0, 0.1, 0.1, n_angles=4.0),
    lambda: program4_meshgrid(1.0, 0.1, 0.1, step=-0.01),
    lambda: half_information_budgets(1.0, 0.0),
    lambda: half_information_budgets(True, 0.1),
])
def test_bad_input_is_rejected(call):
    with pytest.raises((TypeError, ValueError)):
        call()
