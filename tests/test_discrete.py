"""Tests for mi_lib.discrete: informed, binary-flip and blind attacks with certificates.

Every optimum is checked against a route that does not use the solver's
algorithm: closed forms (rate-distortion of a uniform source under Hamming
cost), brute-force grids, multi-start scipy optimisation, and reference optima
computed by a generic conic solver (benchmarks/data/reference_discrete.json,
made by benchmarks/make_reference_discrete.py with cvxpy + Clarabel).

Certificate tests can fail: ``lower_bound`` must not exceed an independently
known optimum (or an upper bound on it: a feasible point's value), and the gap
must be small on interior and boundary cases.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import optimize
from scipy.stats import norm

from mi_lib.discrete import binary_flip_attack, blind_attack, discrete_attack

REF = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "reference_discrete.json"
HAM = np.array([[0.0, 1.0], [1.0, 0.0]])
GAP = 1e-9

FIG6 = [
    (0.45, 0.05, 0.05, 0.45), (0.40, 0.10, 0.10, 0.40), (0.30, 0.20, 0.20, 0.30), (0.25, 0.25, 0.25, 0.25),
    (0.94, 0.02, 0.02, 0.02), (0.70, 0.10, 0.10, 0.10), (0.40, 0.20, 0.20, 0.20), (0.22, 0.26, 0.26, 0.26),
    (0.47, 0.47, 0.03, 0.03), (0.40, 0.40, 0.10, 0.10), (0.30, 0.30, 0.20, 0.20), (0.28, 0.28, 0.22, 0.22),
]


def h2(t: float) -> float:
    """Binary entropy in nats, written out (independent of mi_lib)."""
    return -sum(z * math.log(z) for z in (t, 1.0 - t) if z > 0)


def mi_of_joint(p_uy: np.ndarray) -> float:
    """I(U;Y) of a joint pmf, written out."""
    pu = p_uy.sum(axis=1, keepdims=True)
    py = p_uy.sum(axis=0, keepdims=True)
    nz = p_uy > 0
    return float(np.sum(p_uy[nz] * np.log(p_uy[nz] / (pu * py)[nz])))


def flip_mi(joint, p) -> float:
    """I(U; X xor E) for problem (21), eq. (12)."""
    a, b, c, d = joint
    p1, p2, p3, p4 = p
    return mi_of_joint(
        np.array([[a * (1 - p1) + b * p2, a * p1 + b * (1 - p2)], [c * (1 - p3) + d * p4, c * p3 + d * (1 - p4)]])
    )


def pm1_informed(A: float, n: int):
    """U = X uniform on {-1, +1}; Y on the lattice x + e, e on an n-point grid of [-A, A]; cost (y - x)^2."""
    e = np.linspace(-A, A, n)
    h = e[1] - e[0]
    k = int(round(1.0 / h))
    y = -1.0 - A + h * np.arange(n + 2 * k)
    x = np.array([-1.0, 1.0])
    c = (y[None, :] - x[:, None]) ** 2
    c[np.abs(y[None, :] - x[:, None]) > A + 1e-9] = np.inf
    return np.diag([0.5, 0.5]), c


def gauss_pm1_informed(h: float, sigma: float):
    """U uniform on {-1, +1}, X = U + N(0, sigma^2) quantised to cells of h Z on [-2, 2] (outer cells
    unbounded), Y on the same grid, cost (y - x)^2. Masses run from 0.2 down to 1e-190 (some underflow to 0)."""
    x = np.round(np.arange(-2.0, 2.0 + 1e-9, h), 10)
    edges = np.concatenate([[-np.inf], (x[:-1] + x[1:]) / 2, [np.inf]])
    p = np.array([0.5 * np.diff(norm.cdf((edges - u) / sigma)) for u in (-1.0, 1.0)])
    return p, (x[None, :] - x[:, None]) ** 2


def blind_mi(p_ux, x_values, e_values, pi) -> float:
    """I(U; X + E) for E ~ pi independent of (U, X), by direct enumeration of Y values."""
    p_ux = np.asarray(p_ux, float)
    ys = {}
    for u in range(p_ux.shape[0]):
        for xi, x in enumerate(x_values):
            for e, w in zip(e_values, pi):
                key = round(x + e, 9)
                ys.setdefault(key, np.zeros(p_ux.shape[0]))
                ys[key][u] += p_ux[u, xi] * w
    return mi_of_joint(np.array(list(ys.values())).T)


def check_result(res, budget, *, gap=GAP):
    assert res.gap <= gap
    assert res.lower_bound <= res.mi + 1e-15
    assert res.cost <= budget + 1e-12
    assert res.mi >= 0.0


# --------------------------------------------------------------------------
# Closed forms
# --------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [0.0, 1e-6, 0.01, 0.1, 0.25, 0.4, 0.49, 0.5, 0.7, 1.0])
def test_binary_uniform_hamming_closed_form(eps):
    """U = X uniform binary, Hamming cost: R(eps) = log 2 - h(eps) for eps <= 1/2, 0 beyond."""
    exact = math.log(2.0) - h2(eps) if eps < 0.5 else 0.0
    d = discrete_attack([[0.5, 0.0], [0.0, 0.5]], HAM, eps)
    b = binary_flip_attack([0.5, 0.0, 0.0, 0.5], eps)
    for res in (d, b):
        assert res.mi == pytest.approx(exact, abs=1e-12)
        assert res.lower_bound <= exact + 1e-12
        check_result(res, eps)


@pytest.mark.parametrize("M", [3, 4, 6])
@pytest.mark.parametrize("frac", [0.0, 0.05, 0.3, 0.7, 0.99, 1.0, 1.3])
def test_mary_uniform_hamming_closed_form(M, frac):
    """U = X uniform on M letters: R(D) = log M - h(D) - D log(M - 1) for D <= (M - 1)/M."""
    Dmax = (M - 1) / M
    D = frac * Dmax
    exact = math.log(M) - h2(D) - D * math.log(M - 1) if D < Dmax else 0.0
    res = discrete_attack(np.eye(M) / M, 1.0 - np.eye(M), D)
    assert res.mi == pytest.approx(exact, abs=1e-11)
    assert res.lower_bound <= exact + 1e-12
    check_result(res, D)
    assert np.allclose(res.channel.sum(axis=2), 1.0, atol=1e-12)


# --------------------------------------------------------------------------
# Problem (21): brute force, consistency, KKT (Theorem 3.3, erratum E3)
# --------------------------------------------------------------------------


def grid_min_21(joint, eps, n=31):
    """Minimum of (21) over an n^4 grid of flip probabilities (feasible points): an upper bound on the optimum."""
    a, b, c, d = joint
    t = np.linspace(0.0, 1.0, n)
    P = np.stack(np.meshgrid(t, t, t, t, indexing="ij"), axis=-1).reshape(-1, 4)
    P = P[P @ np.array([a, b, c, d]) <= eps + 1e-15]
    p1, p2, p3, p4 = P.T
    J = np.stack([a * (1 - p1) + b * p2, a * p1 + b * (1 - p2), c * (1 - p3) + d * p4, c * p3 + d * (1 - p4)])
    pu = np.array([a + b, a + b, c + d, c + d])[:, None]
    q = np.stack([J[0] + J[2], J[1] + J[3], J[0] + J[2], J[1] + J[3]])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(J > 0, J * np.log(J / (pu * q)), 0.0)
    return float(terms.sum(axis=0).min())


@pytest.mark.parametrize("joint", [FIG6[0], FIG6[5], (0.1, 0.2, 0.3, 0.4), (0.5, 0.0, 0.2, 0.3)])
@pytest.mark.parametrize("eps", [0.0, 0.02, 0.1, 0.2])
def test_flip_against_brute_force_grid(joint, eps):
    """Solver value <= every feasible grid point; the certificate never exceeds the grid minimum."""
    g = grid_min_21(joint, eps)
    res = binary_flip_attack(joint, eps)
    assert res.mi <= g + 1e-12
    assert res.lower_bound <= g + 1e-12
    check_result(res, eps)
    # the reported flips are feasible and attain the reported value
    assert np.all((res.flip_probs >= 0) & (res.flip_probs <= 1))
    assert flip_mi(joint, res.flip_probs) == pytest.approx(res.mi, abs=1e-14)


@pytest.mark.parametrize("joint", [FIG6[1], FIG6[6], (0.1, 0.2, 0.3, 0.4), (0.05, 0.35, 0.4, 0.2)])
@pytest.mark.parametrize("eps", [0.03, 0.11, 0.25])
def test_flip_against_multistart_slsqp(joint, eps):
    """Independent local optimiser on the 4-D box problem, many starts: no start beats the solver."""
    rng = np.random.default_rng(7)
    w = np.array(joint)
    best = math.inf
    for _ in range(30):
        x0 = rng.uniform(0, 1, 4)
        x0 = x0 * min(1.0, eps / max(w @ x0, 1e-12))
        r = optimize.minimize(
            lambda p: flip_mi(joint, np.clip(p, 0, 1)), x0, method="SLSQP", bounds=[(0, 1)] * 4,
            constraints=[{"type": "ineq", "fun": lambda p: eps - w @ p}], options={"ftol": 1e-14, "maxiter": 500},
        )
        if w @ np.clip(r.x, 0, 1) <= eps + 1e-12:
            best = min(best, flip_mi(joint, np.clip(r.x, 0, 1)))
    res = binary_flip_attack(joint, eps)
    assert res.mi <= best + 1e-12
    assert res.lower_bound <= best + 1e-12
    assert best - res.mi < 1e-6  # SLSQP reaches the same optimum from some start


@pytest.mark.parametrize("joint", FIG6 + [(0.5, 0.0, 0.2, 0.3), (0.0, 0.5, 0.5, 0.0), (1.0, 0.0, 0.0, 0.0)])
@pytest.mark.parametrize("eps", [0.0, 0.01, 0.09, 0.21, 0.37])
def test_flip_agrees_with_discrete_attack(joint, eps):
    b = binary_flip_attack(joint, eps)
    d = discrete_attack(np.array(joint).reshape(2, 2), HAM, eps)
    assert b.mi == pytest.approx(d.mi, abs=1e-10)
    check_result(b, eps)
    check_result(d, eps)
    if 0 < eps < b.zero_mi_budget:
        assert b.multiplier == pytest.approx(d.multiplier, rel=2e-3, abs=1e-5)  # slope of the curve


@pytest.mark.parametrize("joint", FIG6[8:])
@pytest.mark.parametrize("eps", [0.0, 0.05, 0.37])
def test_fig6c_zero_for_a_trivial_reason(joint, eps):
    """Erratum E7: in Fig. 6(c) P(X|U) does not depend on U, so I(U;Y) = 0 at every budget."""
    a, b, c, d = joint
    assert a / (a + b) == pytest.approx(c / (c + d), abs=1e-15)
    res = binary_flip_attack(joint, eps)
    assert res.mi <= 1e-15
    assert res.gap <= 1e-15
    assert res.zero_mi_budget == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("joint", [FIG6[0], FIG6[4], (0.1, 0.2, 0.3, 0.4), (0.05, 0.35, 0.4, 0.2)])
@pytest.mark.parametrize("frac", [0.2, 0.6])
def test_theorem_33_kkt_with_box_multipliers(joint, frac):
    """The correct KKT system of (21) holds at the optimum; the paper's lambda* = 0 (for a, b > 0) fails.

    Stationarity of L = I + lambda (w.p - eps) - mu_lo.p + mu_hi.(p - 1): grad I_i + lambda w_i =
    mu_lo_i - mu_hi_i with mu_lo_i > 0 only where p_i = 0 and mu_hi_i > 0 only where p_i = 1.
    """
    eps = frac * binary_flip_attack(joint, 0.0).zero_mi_budget
    res = binary_flip_attack(joint, eps)
    assert res.mi > 1e-6 and 0 < eps < res.zero_mi_budget
    w = np.array(joint)
    p = res.flip_probs
    # independent gradient by central differences of eq. (15)
    g_fd = np.array(
        [(flip_mi(joint, p + 1e-7 * np.eye(4)[i]) - flip_mi(joint, p - 1e-7 * np.eye(4)[i])) / 2e-7 if 1e-7 <= p[i]
         else (flip_mi(joint, p + 1e-7 * np.eye(4)[i]) - flip_mi(joint, p)) / 1e-7 for i in range(4)]
    )
    assert np.allclose(res.gradient, g_fd, atol=2e-6)
    lam = res.multiplier
    assert lam > 1e-3  # the paper's claim lambda* = 0 is false here although a, b > 0
    assert joint[0] > 0 and joint[1] > 0
    assert w @ p == pytest.approx(eps, abs=1e-12)  # complementary slackness with lambda > 0
    r = res.gradient + lam * w
    interior = (p > 1e-12) & (p < 1 - 1e-12)
    assert np.all(np.abs(r[interior]) <= 1e-8)
    assert np.all(r[p <= 1e-12] >= -1e-8)  # mu_lo = r >= 0
    assert np.all(r[p >= 1 - 1e-12] <= 1e-8)  # mu_hi = -r >= 0
    # the paper's system (23) has no box multipliers: it asks grad I_i + lambda w_i = 0 for every i with
    # w_i > 0; at the optimum a flip probability sits at 0 with a strictly positive multiplier instead,
    # and (23) with lambda* = 0 would even ask grad I = 0
    assert np.max(r[(p <= 1e-12) & (w > 0)]) > 1e-6
    assert np.max(np.abs(res.gradient[w > 0])) > 1e-3


# --------------------------------------------------------------------------
# Informed attacker: consistency and certificates
# --------------------------------------------------------------------------


def test_informed_curve_monotone_convex_and_feasible():
    p, c = pm1_informed(1.0, 41)
    Bs = np.linspace(0.0, 1.2, 13)
    vals = []
    for B in Bs:
        res = discrete_attack(p, c, B)
        check_result(res, B)
        ch = res.channel
        assert np.all(ch >= 0) and np.allclose(ch.sum(axis=2), 1.0, atol=1e-12)
        for x in range(2):
            assert np.all(ch[:, x, ~np.isfinite(c[x])] == 0)
        vals.append(res.mi)
    vals = np.array(vals)
    assert np.all(np.diff(vals) <= 1e-10)  # non-increasing
    assert np.all(vals[:-2] - 2 * vals[1:-1] + vals[2:] >= -1e-9)  # convex on the uniform budget grid


def test_informed_general_against_multistart_and_reference():
    """|U| = 2, |X| = 3, |Y| = 4 with forbidden pairs: no SLSQP start beats the solver."""
    rng = np.random.default_rng(3)
    p_ux = rng.dirichlet(np.ones(6)).reshape(2, 3)
    cost = rng.uniform(0.0, 2.0, size=(3, 4))
    cost[0, 3] = np.inf
    Bmin = float(p_ux.sum(axis=0) @ np.min(cost, axis=1))
    B = Bmin + 0.2
    res = discrete_attack(p_ux, cost, B)
    check_result(res, B)
    allowed = np.isfinite(cost)
    idx = [(u, x, y) for u in range(2) for x in range(3) for y in range(4) if allowed[x, y]]

    def channel(z):
        W = np.zeros((2, 3, 4))
        for k, (u, x, y) in enumerate(idx):
            W[u, x, y] = z[k]
        return W

    def mi(z):
        W = channel(np.clip(z, 0, None))
        return mi_of_joint(np.einsum("ux,uxy->uy", p_ux, W))

    cons = [{"type": "eq", "fun": lambda z, u=u, x=x: sum(z[k] for k, t in enumerate(idx) if t[:2] == (u, x)) - 1}
            for u in range(2) for x in range(3)]
    cvec = np.array([p_ux[u, x] * cost[x, y] for (u, x, y) in idx])
    cons.append({"type": "ineq", "fun": lambda z: B - cvec @ z})
    best = math.inf
    for _ in range(12):
        z0 = rng.uniform(0.1, 1.0, len(idx))
        r = optimize.minimize(mi, z0, method="SLSQP", bounds=[(0, 1)] * len(idx), constraints=cons,
                              options={"ftol": 1e-14, "maxiter": 1000})
        if r.success and cvec @ np.clip(r.x, 0, None) <= B + 1e-9:
            best = min(best, mi(r.x))
    assert res.mi <= best + 1e-9
    assert res.lower_bound <= best + 1e-12


def test_informed_zero_masses_and_edges():
    """Zero masses in p_ux, budget at the infeasibility edge and beyond the zero-information point."""
    p_ux = np.array([[0.3, 0.0, 0.2], [0.0, 0.4, 0.1]])
    cost = np.array([[0.0, 1.0, 4.0], [1.0, 0.0, 1.0], [4.0, 1.0, 0.0]])
    exact_edge = mi_of_joint(p_ux)  # at B = 0 only y = x is allowed
    res0 = discrete_attack(p_ux, cost, 0.0)
    assert res0.mi == pytest.approx(exact_edge, abs=1e-13)
    assert res0.lower_bound == pytest.approx(exact_edge, abs=1e-12)
    big = discrete_attack(p_ux, cost, 10.0)
    assert big.mi <= 1e-12 and big.gap <= 1e-12 and big.lower_bound == 0.0
    assert big.cost <= 10.0
    for B in (0.05, 0.3, 0.6):
        res = discrete_attack(p_ux, cost, B)
        check_result(res, B)
        assert big.mi <= res.mi <= res0.mi + 1e-12


def test_informed_edge_with_costly_minimum():
    """Cheapest cost positive: the edge budget is sum_x p(x) min_y c(x, y), and only those outputs are allowed."""
    p_ux = np.array([[0.5, 0.0], [0.0, 0.5]])
    cost = np.array([[1.0, 1.0, 3.0], [3.0, 2.0, 2.0]])  # x=0 -> y in {0,1}, x=1 -> y in {1,2} at the minimum
    Bmin = 0.5 * 1.0 + 0.5 * 2.0
    res = discrete_attack(p_ux, cost, Bmin)
    # both can move to y = 1 at minimal cost: information 0
    assert res.mi <= 1e-12 and res.gap <= 1e-12
    assert res.min_budget == pytest.approx(Bmin)
    with pytest.raises(ValueError, match="infeasible"):
        discrete_attack(p_ux, cost, Bmin - 1e-6)


def test_informed_reported_channel_attains_values():
    p, c = pm1_informed(1.0, 41)
    res = discrete_attack(p, c, 0.3)
    p_uy = np.einsum("ux,uxy->uy", p, res.channel)
    assert mi_of_joint(p_uy) == pytest.approx(res.mi, abs=1e-13)
    cfin = np.where(np.isfinite(c), c, 0.0)
    assert float(np.einsum("ux,uxy,xy->", p, res.channel, cfin)) == pytest.approx(res.cost, abs=1e-13)
    assert res.multiplier > 0


# --------------------------------------------------------------------------
# Blind attacker
# --------------------------------------------------------------------------


def simplex_grid_min(p_ux, x_values, e_values, budget, steps):
    """Minimum of I over a grid of the simplex on three perturbation values (feasible laws)."""
    best = math.inf
    k = np.arange(steps + 1)
    for i in k:
        for j in range(steps + 1 - i):
            pi = np.array([i, j, steps - i - j]) / steps
            if pi @ (np.asarray(e_values) ** 2) <= budget + 1e-15:
                best = min(best, blind_mi(p_ux, x_values, e_values, pi))
    return best


@pytest.mark.parametrize(
    "p_ux, x_values",
    [
        ([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0]),
        ([[0.2, 0.0], [0.0, 0.8]], [0.0, 1.0]),
        ([[0.3, 0.15, 0.05], [0.05, 0.15, 0.3]], [-1.0, 0.0, 1.0]),  # U != X
    ],
)
@pytest.mark.parametrize("budget", [0.2, 0.5, 1.0])
def test_blind_tiny_grid_brute_force(p_ux, x_values, budget):
    e_values = [-1.0, 0.0, 1.0]
    g = simplex_grid_min(p_ux, x_values, e_values, budget, 150)
    res = blind_attack(p_ux, x_values, e_values, budget)
    check_result(res, budget)
    # the value is certified to within its gap of the optimum, which is at most g
    assert res.mi <= g + res.gap + 1e-12
    assert res.lower_bound <= g + 1e-12
    assert g - res.mi < 2e-3  # grid spacing 1/150
    assert blind_mi(p_ux, x_values, e_values, res.pmf) == pytest.approx(res.mi, abs=1e-13)


def test_blind_u_ne_x_against_multistart():
    """Noisy observation (U != X) on a 9-point grid: no SLSQP start beats the solver."""
    p_ux = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    xv = [-1.0, 0.0, 1.0]
    e = np.linspace(-1.0, 1.0, 9)
    B = 0.3
    res = blind_attack(p_ux, xv, e, B)
    check_result(res, B)
    rng = np.random.default_rng(11)
    best = math.inf
    for _ in range(15):
        z0 = rng.dirichlet(np.ones(e.size))
        r = optimize.minimize(
            lambda z: blind_mi(p_ux, xv, e, np.clip(z, 0, None) / np.clip(z, 0, None).sum()), z0, method="SLSQP",
            bounds=[(0, 1)] * e.size,
            constraints=[{"type": "eq", "fun": lambda z: z.sum() - 1}, {"type": "ineq", "fun": lambda z: B - (e * e) @ z}],
            options={"ftol": 1e-13, "maxiter": 500},
        )
        z = np.clip(r.x, 0, None)
        z /= z.sum()
        if (e * e) @ z <= B + 1e-12:
            best = min(best, blind_mi(p_ux, xv, e, z))
    assert res.mi <= best + 1e-10
    assert res.lower_bound <= best + 1e-12


@pytest.mark.parametrize("budget", [0.0, 0.04, 0.3, 1.5, 100.0])
def test_blind_truncated_grid_and_budget_edges(budget):
    """Small amplitude limit (grid truncates the optimal lattice), edge budget 0, and a non-binding budget."""
    e = np.linspace(-0.6, 0.6, 25)
    res = blind_attack([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], e, budget)
    check_result(res, budget)
    assert np.all(res.pmf >= 0) and res.pmf.sum() == pytest.approx(1.0, abs=1e-12)
    if budget == 0.0:
        assert res.mi == pytest.approx(math.log(2.0), abs=1e-14)  # only e = 0 is allowed
    if budget >= 0.36:
        assert res.multiplier == 0.0


def test_blind_edge_two_cheapest_points():
    """Grid without 0: at B = min e^2 the law lives on -h/2, +h/2 (a one-parameter problem)."""
    e = np.linspace(-1.05, 1.05, 22)  # spacing 0.1, points +-0.05, ..., +-1.05; x on the same lattice
    x = [-0.95, 1.05]
    B = 0.05**2
    res = blind_attack([[0.5, 0.0], [0.0, 0.5]], x, e, B)
    check_result(res, B)
    ts = np.linspace(0, 1, 2001)
    vals = [blind_mi([[0.5, 0], [0, 0.5]], x, [-0.05, 0.05], [t, 1 - t]) for t in ts]
    assert res.mi <= min(vals) + 1e-12
    assert res.lower_bound <= min(vals) + 1e-12
    assert np.count_nonzero(res.pmf > 0) <= 2


def test_blind_curve_monotone_and_convex():
    e = np.linspace(-2.0, 2.0, 81)
    Bs = np.linspace(0.1, 1.3, 7)
    vals = []
    for B in Bs:
        res = blind_attack([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], e, B)
        check_result(res, B)
        vals.append(res.mi)
    vals = np.array(vals)
    assert np.all(np.diff(vals) <= 1e-10)
    assert np.all(vals[:-2] - 2 * vals[1:-1] + vals[2:] >= -1e-9)


@pytest.mark.parametrize(
    "x_values, e_values",
    [([1.0, -1.0], [1.0, 0.0, -1.0, 0.5, -0.5]), ([-1.0, 1.0], [0.3]), ([0.0, 0.7, 3.0], [0.25]), ([0.0, 2.0], [-1.0, 0.0, 1.0])],
)
def test_blind_outputs_are_the_laws_of_y(x_values, e_values):
    """y_values and output_pmfs describe P(Y = y | U = u) for the returned law (order of inputs kept)."""
    p_ux = np.array([[0.5, 0.0] + [0.0] * (len(x_values) - 2), [0.0] * (len(x_values) - 1) + [0.5]])
    res = blind_attack(p_ux, x_values, e_values, float(np.max(np.square(e_values))))
    law = {}
    for u in range(2):
        for xi, x in enumerate(x_values):
            for e, w in zip(e_values, res.pmf):
                key = round(x + e, 9)
                law.setdefault(key, np.zeros(2))
                law[key][u] += p_ux[u, xi] / p_ux[u].sum() * w
    for yv, col in zip(res.y_values, res.output_pmfs.T):
        assert np.allclose(law.get(round(float(yv), 9), np.zeros(2)), col, atol=1e-15)
    assert np.allclose(res.output_pmfs.sum(axis=1), 1.0, atol=1e-12)
    order = np.argsort(e_values)
    assert res.pmf.shape == (len(e_values),) and np.all(res.pmf[order] >= 0)


def test_blind_independent_signal_is_zero():
    """X independent of U: I(U; X + E) = 0 for every law."""
    res = blind_attack([[0.1, 0.3], [0.15, 0.45]], [0.0, 1.0], [-1.0, 0.0, 1.0], 0.5)
    assert res.mi <= 1e-12 and res.gap <= 1e-12


# --------------------------------------------------------------------------
# Committed reference optima (cvxpy + Clarabel, brute force)
# --------------------------------------------------------------------------


def _ref_cases():
    return json.loads(REF.read_text())["cases"]


def _solve_case(c):
    k = c["kind"]
    if k == "binary":
        return binary_flip_attack(c["joint"], c["budget"])
    if k == "pm1_informed":
        p, cc = pm1_informed(c["A"], c["n"])
        return discrete_attack(p, cc, c["budget"])
    if k == "informed":
        cc = np.array([[np.inf if v is None else v for v in row] for row in c["cost"]])
        return discrete_attack(np.array(c["p_ux"]), cc, c["budget"])
    if k == "gauss_informed":
        p, cc = gauss_pm1_informed(c["h"], c["sigma"])
        return discrete_attack(p, cc, c["budget"])
    ev = c["e_values"]
    return blind_attack(np.array(c["p_ux"]), c["x_values"], np.linspace(ev["lo"], ev["hi"], ev["n"]), c["budget"])


# Tolerance against Clarabel's value: with the settings stored in the file (gap and feasibility 1e-10)
# its optimum agrees with ours to 2e-9 whenever it reports 'optimal' (Clarabel is the less accurate of the
# two: our value is a recomputed feasible channel's and our gap is certified below 1e-9); 1e-7 leaves a
# factor 50. When it reports 'optimal_inaccurate' (the 162-row problem) its value sits up to 2e-7 above
# ours, so 1e-6 there. Either is far below the errors this test exists for (gaps of 1e-4 to 1e-3, and an
# information of 2e-3 where the optimum is 0).
CLARABEL_TOL = {"optimal": 1e-7, "optimal_inaccurate": 1e-6}


@pytest.mark.parametrize("case", [c for c in _ref_cases() if c["kind"] == "gauss_informed"], ids=lambda c: c["id"])
def test_informed_gaussian_tails_against_reference(case):
    """Discretised +-1 + Gaussian noise: masses spanning 190 orders of magnitude (the reproducer family).

    Checks the certificate (gap and validity of the lower bound) against Clarabel's optimum, or against 0
    beyond the zero-information budget (a linear program in the reference script), and that the channel
    attains the reported information within budget.
    """
    p, cost = gauss_pm1_informed(case["h"], case["sigma"])
    B = case["budget"]
    res = discrete_attack(p, cost, B)
    check_result(res, B)
    assert mi_of_joint(np.einsum("ux,uxy->uy", p, res.channel)) == pytest.approx(res.mi, abs=1e-12)
    assert float(np.einsum("ux,uxy,xy->", p, res.channel, cost)) <= B + 1e-12
    if B >= case["zero_mi_budget"] + 1e-9:  # a zero-information channel fits: the optimum is 0
        ref, tol = 0.0, 1e-12
        assert res.lower_bound <= 1e-15
    else:
        ref, tol = case["reference_mi"], CLARABEL_TOL[case["status"]]
    assert res.lower_bound <= ref + tol
    assert abs(res.mi - ref) <= max(tol, GAP)


def test_informed_subnormal_masses():
    """Masses down to the subnormal range change nothing beyond 1e-12 and raise no warning."""
    p, cost = gauss_pm1_informed(0.2, 0.1)
    q = p.copy()
    q[0, -1], q[1, 0] = 3e-310, 5e-320  # subnormal tails (the true ones underflow to 0)
    q /= q.sum()
    a, b = discrete_attack(p, cost, 0.3), discrete_attack(q, cost, 0.3)
    check_result(b, 0.3)
    assert b.mi == pytest.approx(a.mi, abs=1e-12)
    assert b.lower_bound <= a.mi + 1e-12


def test_reference_file_has_provenance():
    data = json.loads(REF.read_text())
    prov = data["provenance"]
    for key in ("script", "date", "cvxpy", "clarabel", "solver_settings"):
        assert key in prov
    assert len(data["cases"]) >= 90


@pytest.mark.parametrize(
    "case",
    [c for c in _ref_cases() if not (c["kind"] == "pm1_informed" and c["n"] > 100) and c["kind"] != "gauss_informed"],
    ids=lambda c: c["id"],
)
def test_against_reference_optima(case):
    res = _solve_case(case)
    assert abs(res.mi - case["reference_mi"]) <= 1e-7
    assert res.lower_bound <= case["reference_mi"] + 1e-7
    assert res.gap <= GAP
    if case.get("grid41_min") is not None:
        assert res.mi <= case["grid41_min"] + 1e-12


@pytest.mark.parametrize("case", [c for c in _ref_cases() if c["kind"] == "pm1_informed" and c["n"] > 100][:2],
                         ids=lambda c: c["id"])
def test_against_reference_optima_large_grid(case):
    res = _solve_case(case)
    assert abs(res.mi - case["reference_mi"]) <= 1e-7
    assert res.gap <= GAP


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, match",
    [
        (([[0.5, 0.5]], [[0.0, 1.0], [1.0, 0.0]], -0.1), "non-negative"),
        (([[0.5, 0.6]], [[0.0, 1.0], [1.0, 0.0]], 0.1), "sum to 1"),
        (([[-0.1, 1.1]], [[0.0, 1.0], [1.0, 0.0]], 0.1), "negative"),
        (([[np.nan, 1.0]], [[0.0, 1.0], [1.0, 0.0]], 0.1), "NaN or inf"),
        (([[0.5, 0.5]], [[0.0, 1.0]], 0.1), "shape mismatch"),
        (([[0.5, 0.5]], [[0.0, 1.0], [1.0, np.nan]], 0.1), "NaN"),
        (([[0.5, 0.5]], [[0.0, -1.0], [1.0, 0.0]], 0.1), "non-negative"),
        (([[0.5, 0.5]], [[np.inf, np.inf], [1.0, 0.0]], 0.1), "no finite entry"),
        (([[0.5, 0.5]], [[1.0, 2.0], [1.0, 2.0]], 0.5), "infeasible"),
        (([[0.5, 0.5]], [[0.0, 1.0], [1.0, 0.0]], np.inf), "finite"),
        (([0.5, 0.5], [[0.0, 1.0], [1.0, 0.0]], 0.1), "2-dimensional"),
        (([[0.5, 0.5]], [0.0, 1.0], 0.1), "2-dimensional"),
    ],
)
def test_discrete_attack_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        discrete_attack(*args)


@pytest.mark.parametrize(
    "joint, budget, match",
    [
        ((0.5, 0.5, 0.1, 0.0), 0.1, "sum to 1"),
        ((0.5, 0.5, 0.0), 0.1, "4 entries"),
        ((0.5, 0.5, -0.1, 0.1), 0.1, "negative"),
        ((0.25, 0.25, 0.25, 0.25), -1.0, "non-negative"),
        ((0.25, 0.25, 0.25, np.nan), 0.1, "NaN or inf"),
        ((0.25, 0.25, 0.25, 0.25), math.nan, "finite"),
    ],
)
def test_binary_flip_bad_input(joint, budget, match):
    with pytest.raises(ValueError, match=match):
        binary_flip_attack(joint, budget)


@pytest.mark.parametrize(
    "args, match",
    [
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], [0.0, 0.3, 0.7], 0.5), "uniform lattice"),
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 0.5], [0.0, 0.2, 0.4], 0.5), "uniform lattice"),
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0, 2.0], [0.0, 1.0], 0.5), "shape mismatch"),
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], [1.0, 2.0], 0.5), "infeasible"),
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], [0.0, 1.0], -0.5), "non-negative"),
        (([[0.5, 0.0], [0.0, 0.6]], [-1.0, 1.0], [0.0, 1.0], 0.5), "sum to 1"),
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, np.inf], [0.0, 1.0], 0.5), "NaN or inf"),
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], [0.0, 0.0, 1.0], 0.5), "repeated"),
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], [1.0, 1.0], 1.0), "repeated"),  # spacing 0
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], [-1e308, 1e308], 1.0), "equally spaced"),  # spacing overflows
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], [0.5, 0.5, 0.5], 1.0), "repeated"),
        (([[0.5, 0.0], [0.0, 0.5]], [1.0, 1.0], [0.0, 1.0], 0.5), "repeated"),
        (([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], [], 0.5), "empty"),
    ],
)
def test_blind_attack_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        blind_attack(*args)
