"""Tests for mi_lib.gaussian: closed form of program (4), blind attacker, sampler."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from mi_lib.gaussian import blind_gaussian_attack, gaussian_attack, sample_gaussian_attack


# --------------------------------------------------------------------------
# Independent numerical solution of program (4)
# --------------------------------------------------------------------------


def _objective(a2, s2, D, x, y):
    """Objective of (4): (a^2 + x)^2 / (a^2 (a^2 + s^2 + D + 2x + 2y))."""
    return (a2 + x) ** 2 / (a2 * (a2 + s2 + D + 2 * x + 2 * y))


def _rho2_to_mi(r):
    return -0.5 * math.log1p(-r) if r < 1 else math.inf


def _mi_of(a2, s2, D, x, y):
    """MI of (4) at (x, y), as 1/2 log(a^2 V / (a^2 V - (a^2 + x)^2)).

    The denominator is expanded to a^2 s^2 + a^2 D + 2 a^2 y - x^2 so that no
    cancellation against (a^2 + x)^2 occurs when rho^2 is close to 1.
    """
    V = a2 + s2 + D + 2 * x + 2 * y
    resid = a2 * s2 + a2 * D + 2 * a2 * y - x * x
    if resid <= 0:
        return math.inf
    return 0.5 * (math.log(a2 * V) - math.log(resid))


def _numeric_program4(a2, s2, D):
    """Minimise (4) numerically (in MI units), knowing nothing of the closed form.

    Boundary: dense scan of the ellipse angle, then bounded Brent refinement
    around the best grid cells. Interior: Nelder-Mead from random interior
    starts on (x, y) = (sqrt(a2 D) r cos t, sqrt(s2 D) r sin t), r = logistic(z).
    Returns the smallest MI found.
    """
    if D == 0:
        return _mi_of(a2, s2, D, 0.0, 0.0)
    ax, ay = math.sqrt(a2 * D), math.sqrt(s2 * D)

    def on_boundary(t):
        return _mi_of(a2, s2, D, ax * math.cos(t), ay * math.sin(t))

    grid = np.linspace(-math.pi, math.pi, 2001)
    vals = np.array([on_boundary(t) for t in grid])
    best = float(vals.min())
    h = grid[1] - grid[0]
    for j in np.argsort(vals)[:2]:
        res = optimize.minimize_scalar(
            on_boundary, bounds=(grid[j] - h, grid[j] + h), method="bounded",
            options={"xatol": 1e-14},
        )
        best = min(best, float(res.fun))

    rng = np.random.default_rng(12345)

    def interior(z):
        r = 1.0 / (1.0 + math.exp(-z[0]))  # r in (0, 1)
        return _mi_of(a2, s2, D, ax * r * math.cos(z[1]), ay * r * math.sin(z[1]))

    for _ in range(2):
        z0 = np.array([rng.normal(), rng.uniform(-math.pi, math.pi)])
        res = optimize.minimize(interior, z0, method="Nelder-Mead",
                                options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 600})
        best = min(best, float(res.fun))
    return best


def _random_points(n, seed):
    rng = np.random.default_rng(seed)
    pts = []
    for _ in range(n):
        a2 = float(10 ** rng.uniform(-2, 2))
        s2 = float(10 ** rng.uniform(-3, 2)) * a2
        D = float(rng.uniform(0, 1.4)) * a2
        pts.append((a2, s2, D))
    edge = [
        (1.0, 0.1, 0.0), (1.0, 0.1, 1.0), (1.0, 0.1, 1.0 - 1e-9), (1.0, 0.1, 1e-10),
        (1.0, 1e-8, 0.5), (1.0, 1e-8, 1e-6), (2.0, 50.0, 0.3), (0.01, 0.01, 0.005),
        (100.0, 0.1, 99.0), (1.0, 0.1, 7.0), (0.3, 0.9, 0.3), (1.0, 1.0, 0.999999),
    ]
    return pts + edge


POINTS = _random_points(200, 2020)


def test_closed_form_matches_numeric_program4_at_200_points():
    worst = 0.0
    for a2, s2, D in POINTS:
        res = gaussian_attack(a2, s2, D)
        num_mi = _numeric_program4(a2, s2, D)
        assert res.mi <= num_mi + 1e-12, (a2, s2, D)  # numerics can only do worse
        worst = max(worst, abs(res.mi - num_mi))
        assert abs(res.mi - num_mi) <= 1e-9, (a2, s2, D, res.mi, num_mi)
    assert worst <= 1e-9


@pytest.mark.parametrize("a2,s2,D", POINTS[::7])
def test_returned_point_is_feasible_and_attains_mi(a2, s2, D):
    res = gaussian_attack(a2, s2, D)
    if s2 > 0:
        assert res.x**2 / a2 + res.y**2 / s2 <= D * (1 + 1e-12) + 1e-300
    # the paper's MI expression at (x, y) reproduces .mi and .rho2
    rho2 = _objective(a2, s2, D, res.x, res.y)
    assert rho2 == pytest.approx(res.rho2, rel=1e-10, abs=1e-15)
    assert _rho2_to_mi(rho2) == pytest.approx(res.mi, rel=1e-10, abs=1e-13)
    F = res.covariance
    assert F.shape == (3, 3)
    np.testing.assert_allclose(F, F.T)
    assert np.linalg.eigvalsh(F).min() >= -1e-12 * max(1.0, D, a2, s2)
    # the linear representation reproduces F
    A = np.array([[1, 0, 0], [0, 1, 0], [res.alpha, res.beta, res.gamma]])
    base = np.diag([a2, s2, 1.0])
    np.testing.assert_allclose(A @ base @ A.T, F, atol=1e-12 * max(1.0, a2, s2, D))


def test_full_budget_used_below_threshold():
    for a2, s2, D in POINTS:
        res = gaussian_attack(a2, s2, D)
        assert res.zero_mi_budget == a2
        assert res.budget_needed == min(D, a2)
        if 0 < D < a2 and s2 > 0:
            assert res.x**2 / a2 + res.y**2 / s2 == pytest.approx(D, rel=1e-10)
            assert res.gamma == 0.0  # deterministic linear attack
        assert (res.mi == 0.0) == (D >= a2)


def test_special_cases():
    # D = 0: clean information
    for a2, s2 in [(1.0, 0.1), (0.3, 2.0), (5.0, 1e-6)]:
        assert gaussian_attack(a2, s2, 0.0).mi == pytest.approx(0.5 * math.log1p(a2 / s2), rel=1e-14)
    # sigma2 = 0: Gaussian rate-distortion function
    for a2, D in [(1.0, 0.25), (2.0, 1e-8), (0.5, 0.4999)]:
        res = gaussian_attack(a2, 0.0, D)
        assert res.mi == pytest.approx(0.5 * math.log(a2 / D), rel=1e-12)
        assert res.x == pytest.approx(-D)
        assert res.y == 0.0 and res.beta == 0.0
        assert res.gamma**2 == pytest.approx(D * (1 - D / a2))
    assert gaussian_attack(1.0, 0.0, 0.0).mi == math.inf
    assert gaussian_attack(1.0, 0.5, 1.0).mi == 0.0
    big = gaussian_attack(1.0, 0.5, 3.0)
    assert big.mi == 0.0 and big.x == -1.0 and big.gamma == pytest.approx(math.sqrt(2.0))


def test_paper_figure3_plots_rho2_not_mi():
    """Fig. 3 read-offs (SPEC §1) match the objective of (4), not the MI."""
    read = {(1.0, 0.1): 0.67, (1.0, 0.3): 0.43, (1.0, 0.5): 0.25, (1.0, 0.9): 0.02,
            (0.75, 0.1): 0.58, (0.5, 0.1): 0.45, (0.25, 0.1): 0.19}
    for (a2, D), val in read.items():
        res = gaussian_attack(a2, 0.1, D)
        assert res.rho2 == pytest.approx(val, abs=0.011)
        if D < 0.9:
            assert res.mi < val - 0.05


def test_mi_decreasing_and_convex_in_D():
    for a2, s2 in [(1.0, 0.1), (0.3, 2.0), (2.0, 0.0), (1.0, 1e-4)]:
        Ds = np.linspace(1e-6, 1.3 * a2, 801)
        mi = np.array([gaussian_attack(a2, s2, D).mi for D in Ds])
        assert np.all(np.diff(mi) <= 1e-15)
        assert np.all(np.diff(mi, 2) >= -1e-10)


@settings(max_examples=200, deadline=None)
@given(
    a2=st.floats(1e-2, 1e2), s2=st.floats(0.0, 1e2), frac=st.floats(0.0, 1.5),
    r=st.floats(0.0, 1.0), t=st.floats(-math.pi, math.pi),
)
def test_no_feasible_point_beats_closed_form(a2, s2, frac, r, t):
    D = frac * a2
    res = gaussian_attack(a2, s2, D)
    x = math.sqrt(a2 * D) * r * math.cos(t)
    y = math.sqrt(s2 * D) * r * math.sin(t)
    denom = a2 + s2 + D + 2 * x + 2 * y
    if denom <= 0:  # only where Var(Y) = 0, i.e. never strictly inside
        return
    assert _objective(a2, s2, D, x, y) >= res.rho2 - 1e-12


def test_blind_attack():
    for a2, s2, D in POINTS[:50]:
        b = blind_gaussian_attack(a2, s2, D)
        assert b.noise_var == D
        assert b.mi == pytest.approx(0.5 * math.log1p(a2 / (s2 + D)), rel=1e-14)
        assert b.mi >= gaussian_attack(a2, s2, D).mi - 1e-15
    assert blind_gaussian_attack(1.0, 0.0, 0.0).mi == math.inf
    assert blind_gaussian_attack(1.0, 0.0, 1.0).mi == pytest.approx(0.5 * math.log(2.0))


@pytest.mark.parametrize("a2,s2,D", [(1.0, 0.1, 0.3), (0.5, 0.0, 0.2), (1.0, 0.4, 1.5), (2.0, 1.0, 0.0)])
def test_sampler_covariance(a2, s2, D):
    n = 200_000
    u, w, e = sample_gaussian_attack(a2, s2, D, n, rng=7)
    assert u.shape == w.shape == e.shape == (n,)
    C = np.cov(np.vstack([u, w, e]))
    F = gaussian_attack(a2, s2, D).covariance
    scale = math.sqrt(max(a2, s2, D, 1e-12) * max(a2, s2, D, 1e-12))
    np.testing.assert_allclose(C, F, atol=6 * scale / math.sqrt(n) * 3)
    # the correlation of U and Y is the optimum of (4)
    y = u + w + e
    if D < a2:
        rho2 = np.corrcoef(u, y)[0, 1] ** 2
        assert rho2 == pytest.approx(gaussian_attack(a2, s2, D).rho2, abs=0.01)


def test_sampler_blind_and_reproducible():
    u, w, e = sample_gaussian_attack(1.0, 0.2, 0.5, 100_000, rng=np.random.default_rng(3), blind=True)
    C = np.cov(np.vstack([u, w, e]))
    np.testing.assert_allclose(C, np.diag([1.0, 0.2, 0.5]), atol=0.02)
    a = sample_gaussian_attack(1.0, 0.2, 0.5, 10, rng=5)
    b = sample_gaussian_attack(1.0, 0.2, 0.5, 10, rng=5)
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p, q)
    assert sample_gaussian_attack(1.0, 0.2, 0.5, 0, rng=1)[0].shape == (0,)


def test_result_is_frozen():
    res = gaussian_attack(1.0, 0.1, 0.2)
    with pytest.raises(AttributeError):
        res.mi = 0.0
    with pytest.raises(ValueError):
        res.covariance[0, 0] = 3.0


@pytest.mark.parametrize(
    "args,match",
    [
        ((0.0, 0.1, 0.1), "a2"),
        ((-1.0, 0.1, 0.1), "a2"),
        ((1.0, -0.1, 0.1), "sigma2"),
        ((1.0, 0.1, -0.1), "D"),
        ((1.0, float("nan"), 0.1), "sigma2"),
        ((1.0, 0.1, float("inf")), "D"),
        (("x", 0.1, 0.1), "a2"),
    ],
)
def test_validation(args, match):
    with pytest.raises(ValueError, match=match):
        gaussian_attack(*args)
    with pytest.raises(ValueError, match=match):
        blind_gaussian_attack(*args)


def test_sampler_validation():
    with pytest.raises(ValueError, match="n must"):
        sample_gaussian_attack(1.0, 0.1, 0.1, -1)
    with pytest.raises(ValueError, match="n must"):
        sample_gaussian_attack(1.0, 0.1, 0.1, 2.5)
    with pytest.raises(ValueError, match="rng"):
        sample_gaussian_attack(1.0, 0.1, 0.1, 3, rng="seed")
    with pytest.raises(ValueError, match="D"):
        sample_gaussian_attack(1.0, 0.1, -0.1, 3, blind=True)
