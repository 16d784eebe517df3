"""Tests for the coset split of the blind attacker (mi_lib._blind_cosets).

The fast path is checked against the general barrier method of
mi_lib.discrete on the same lattice model (a different algorithm: one sparse
Newton path over the whole grid), the decomposition identity
I(U; Y) = sum_c w_c I_c(sigma_c) is checked against the direct computation of
I(U; X + E) written out here, and the per-coset certificate is checked to stay
below the coset optimum at arbitrary laws. The blind tests of
tests/test_discrete.py (cvxpy + Clarabel reference optima, brute force,
multi-start optimisation) run through blind_attack and hence through this
path wherever it applies.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mi_lib._blind as dd  # the module where blind_attack and its search live
from mi_lib import _blind_coset_core as core
from mi_lib import _blind_cosets as bc
from mi_lib.discrete import blind_attack

TOL = 1e-10


def _model(p_ux, x_values, e_values, budget, monkeypatch):
    """The lattice model blind_attack builds, captured at its search step, and its budget.

    The model is at unit scale (grid divided by a power of two, the cheapest
    e^2 subtracted), so its budget is the one the search receives.
    """
    seen = {}
    real = dd._blind_search

    def spy(m, B, tol):
        seen["m"], seen["B"] = m, B
        return real(m, B, tol)

    monkeypatch.setattr(dd, "_blind_search", spy)
    res = blind_attack(p_ux, x_values, e_values, budget)
    monkeypatch.setattr(dd, "_blind_search", real)
    return seen["m"], seen["B"], res


def _coset_structure(p_ux, x_values, e_values):
    """The coset structure of blind_attack's model at a budget that does not bind (inside a hypothesis test,
    which cannot take the function-scoped monkeypatch fixture: a MonkeyPatch of its own, undone at once)."""
    mp = pytest.MonkeyPatch()
    try:
        m, _B, _ = _model(p_ux, x_values, e_values, float(np.max(np.asarray(e_values) ** 2)), mp)
    finally:
        mp.undo()
    return core._structure(m)


def _direct_mi(p_ux, x_values, e_values, pi) -> float:
    """I(U; X + E) by dictionary accumulation over output values (no lattice code)."""
    p = np.asarray(p_ux, float)
    joint: dict = {}
    for u in range(p.shape[0]):
        for i, xv in enumerate(x_values):
            for e, w in zip(e_values, pi):
                if p[u, i] > 0 and w > 0:
                    key = (u, round(float(xv + e), 9))
                    joint[key] = joint.get(key, 0.0) + p[u, i] * w
    pu = p.sum(axis=1)
    py: dict = {}
    for (u, y), v in joint.items():
        py[y] = py.get(y, 0.0) + v
    return float(sum(v * np.log(v / (pu[u] * py[y])) for (u, y), v in joint.items()))


PM1 = ([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0])
CASES = [
    # (p_ux, x_values, e grid, budgets)
    (*PM1, np.linspace(-2.0, 2.0, 81), (0.05, 0.3, 1.0, 2.5)),
    (*PM1, np.linspace(-3.0, 3.0, 61), (0.2, 1.2)),
    ([[0.3, 0.0], [0.0, 0.7]], [-1.0, 1.0], np.linspace(-2.0, 2.0, 41), (0.1, 0.6)),
    (np.full((4, 4), 0.0) + np.diag([0.25] * 4), [-3.0, -1.0, 1.0, 3.0], np.linspace(-2.0, 2.0, 41), (0.2, 0.8)),
    ([[0.4, 0.08, 0.02], [0.02, 0.08, 0.4]], [-1.0, 0.0, 1.0], np.linspace(-1.5, 1.5, 31), (0.1, 0.4)),
]
PARAMS = [(p, x, e, B) for (p, x, e, Bs) in CASES for B in Bs]


@pytest.mark.parametrize("p_ux, x_values, e_values, budget", PARAMS)
def test_coset_split_agrees_with_barrier(p_ux, x_values, e_values, budget, monkeypatch):
    m, budget, res = _model(p_ux, x_values, e_values, budget, monkeypatch)
    binds = float(m.kappa.max()) > budget
    fast = bc.coset_blind_solve(m, budget, TOL, binds)
    assert fast is not None, "the split applies to these fine grids"
    pi_f, mi_split, lb_f, s_f, _ = fast
    assert abs(pi_f.sum() - 1.0) < 1e-12 and pi_f.min() >= 0.0
    assert pi_f @ m.kappa <= budget + 1e-13 * max(budget, 1.0)
    mi_f = dd._model_mi(m, pi_f)
    assert mi_split == mi_f
    pi_b, mi_b, lb_b, _, _ = dd._blind_barrier(m, budget, TOL, budget=binds)
    assert pi_b @ m.kappa <= budget + 1e-12 * max(budget, 1.0)
    # each method's certificate is valid against the other's attained value
    assert lb_f <= mi_b + 1e-13
    assert lb_b <= mi_f + 1e-13
    assert mi_f - lb_f <= 1e-9
    assert abs(mi_f - mi_b) <= (mi_b - lb_b) + 1e-9
    # and blind_attack reports a certified result
    assert res.gap <= 1e-9
    assert res.lower_bound <= mi_b + 1e-13


def test_split_declines_without_cosets(monkeypatch):
    # the grid spacing equals the signal spacing: one coset, the general method is used
    m, B, res = _model(*PM1, np.linspace(-3.0, 3.0, 4), 1.0, monkeypatch)
    assert core._structure(m) is None
    assert bc.coset_blind_solve(m, B, TOL, True) is None
    assert res.gap <= 1e-9


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 2]))
def test_decomposition_identity(seed, which):
    """I(pi) = sum_c w_c I_c(sigma_c) for any law pi (the coset of E is a function of Y)."""
    rng = np.random.default_rng(seed)
    p_ux, x_values, e_values, _ = CASES[[0, 3, 4][which]]
    pi = rng.dirichlet(np.full(e_values.size, 0.3))
    direct = _direct_mi(p_ux, x_values, e_values, pi)
    # the same sum through the coset code: blind_attack's model at a loose budget
    rows, full = _coset_structure(p_ux, x_values, e_values)
    order = np.argsort(e_values)
    pis = pi[order]
    total = 0.0
    for c in range(full.idx.shape[0]):
        real = full.real[c]
        w = pis[full.idx[c][real]].sum()
        if w == 0:
            continue
        sig = np.zeros((1, real.size))
        sig[0, real] = pis[full.idx[c][real]] / w
        total += w * float(core._outputs(rows, sig)[4][0])
    assert total == pytest.approx(direct, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 3.0))
def test_coset_bound_is_below_the_coset_optimum(seed, s):
    """L_c(s) at any full-support law never exceeds F_c(s) = min I_c + s E kappa (solved by Newton)."""
    rng = np.random.default_rng(seed)
    rows, full = _coset_structure(*PM1, np.linspace(-2.0, 2.0, 81))
    sub = core._subset(full, np.arange(full.idx.shape[0]))
    out = core._newton(rows, sub, s, 80)
    assert out is not None
    F = out[0]
    sig = np.where(full.real, rng.dirichlet(np.ones(full.real.shape[1]), size=full.real.shape[0]), 0.0)
    sig = sig / sig.sum(axis=1, keepdims=True)
    L = core._bound(rows, full, sig, s)
    assert np.all(L <= F + 1e-12)
    # and it is tight at the optimum
    Lopt = core._bound(rows, sub, sub.sigma, s)
    assert np.all(F - Lopt <= 1e-10)


def test_coset_bound_without_full_support_stays_below_the_optimum(monkeypatch):
    """A zero mass on a coset voids the one-step bound at that law (log a_u = -inf somewhere): the kernel takes
    it at the law mixed with a little of the uniform law, which is finite and still below the coset optimum."""
    m, _B, _ = _model(*PM1, np.linspace(-2.0, 2.0, 81), 4.0, monkeypatch)
    rows, full = core._structure(m)
    sig = np.where(full.real, 1.0, 0.0)
    sig[0, 1] = 0.0  # one real point of coset 0 without mass
    sig = sig / sig.sum(axis=1, keepdims=True)
    L = core._bound(rows, full, sig, 0.5)
    assert np.all(np.isfinite(L))
    out = core._newton(rows, full, 0.5, 200)  # every coset optimum from the uniform law
    assert out is not None
    assert np.all(L <= out[0] + 1e-12)


# Pathology S2 of issue 10: small U != X grids where the coset split starts, then a coset optimum heads for
# the boundary of its simplex and the split gives up before the barrier method runs. Reference optima
# by cvxpy 1.9.3 + Clarabel 0.11.1 (tol_gap_abs = tol_gap_rel = tol_feas = 1e-10, status 'optimal') on
# the independent formulation min sum_u p(u) KL(V_u || q) of benchmarks/bench_discrete_suite.py.
P23 = [[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]]
S2_REFERENCE = [  # (n, budget, Clarabel optimum in nats)
    (21, 0.02, 0.19402602244004993),
    (21, 0.1, 0.1778295519172276),
    (21, 0.2, 0.15808565787370543),
    (41, 0.02, 0.1940221762999902),
    (41, 0.1, 0.17782250998875093),
    (41, 0.2, 0.1580789202950016),
]


@pytest.mark.parametrize("n, budget, ref", S2_REFERENCE)
def test_s2_small_u_ne_x_grids_against_clarabel(n, budget, ref):
    e = np.linspace(-1.0, 1.0, n)
    res = blind_attack(P23, [-1.0, 0.0, 1.0], e, budget)
    assert res.converged and res.gap <= TOL
    # Clarabel's optimum is accurate to its tolerances (1e-10 relative), ours is certified to TOL
    assert res.lower_bound <= ref + 1e-9
    assert abs(res.mi - ref) <= 2e-9
    assert float(res.pmf @ (e * e)) <= budget * (1.0 + 1e-12)
    assert _direct_mi(P23, [-1.0, 0.0, 1.0], e, res.pmf) == pytest.approx(res.mi, abs=1e-12)


def test_s2_split_certifies_a_boundary_optimum_in_few_steps(monkeypatch):
    """On n = 41, B = 0.02 a coset optimum lies on the boundary of its simplex (S2 of issue 10).

    Before the active set (round 8) the split gave up there; now it certifies,
    and its Newton steps (slope 0, the budget solves, the pair searches and
    the screenings, all counted by the compiled search) stay few: 15 on this
    machine. The value agrees with the interior-point method's.
    """
    m, B, res = _model(P23, [-1.0, 0.0, 1.0], np.linspace(-1.0, 1.0, 41), 0.02, monkeypatch)
    assert res.converged
    out = bc.coset_blind_solve(m, B, TOL, True)
    assert out is not None
    pi, mi_split, lb, _s, steps = out
    mi = dd._model_mi(m, pi)
    assert mi_split == mi
    assert mi - lb <= TOL and float(pi @ m.kappa) <= B * (1.0 + 1e-13)
    assert abs(mi - res.mi) <= TOL and lb <= res.mi + 1e-13
    assert steps <= 60


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 3, 4]))
def test_hessian_matches_the_gradient_differences(seed, which):
    """The compiled Hessian equals central differences of the compiled gradient."""
    rng = np.random.default_rng(seed)
    p_ux, x_values, e_values, _ = CASES[which]
    rows, full = _coset_structure(p_ux, x_values, e_values)
    sig = np.where(full.real, rng.dirichlet(np.ones(full.real.shape[1]), size=full.real.shape[0]), 0.0)
    V, q, lV, lq, _ = core._outputs(rows, sig)
    H = core._hessian(rows, V, q, full.real)
    # central differences of the gradient along one real direction per coset
    c, j = 0, int(rng.integers(int(full.real[0].sum())))
    h = 1e-6
    grads = []
    for sgn in (1.0, -1.0):
        s2 = sig.copy()
        s2[c, j] += sgn * h
        _, _, lV2, lq2, _ = core._outputs(rows, s2)
        grads.append(core._gradient(rows, lV2, lq2, full.real)[c])
    fd = (grads[0] - grads[1]) / (2 * h)
    assert np.allclose(fd[full.real[c]], H[c, full.real[c], j], rtol=1e-5, atol=1e-6 * np.abs(H[c]).max())


@pytest.mark.parametrize("budget", [0.24, 0.28, 0.44, 0.48])
def test_split_certifies_the_4pam_grid_of_notebook_09(budget, monkeypatch):
    """4-PAM on a grid of 181 points (20 cosets of 9-10 points): the split certifies every budget and its law
    stays on the (d/2) Z lattice, as notebook 09 states; a screening that stopped at the first better coset
    instead of the best one sent these budgets to the interior-point method (found after round 8's merge)."""
    hp = 1.0 / (10.0 * np.sqrt(5.0))
    x4, e4 = np.array([-30.0, -10.0, 10.0, 30.0]) * hp, np.arange(-90, 91) * hp
    m, B, res = _model(np.diag(np.full(4, 0.25)), x4, e4, budget, monkeypatch)
    out = bc.coset_blind_solve(m, B, TOL, True)
    assert out is not None
    pi, mi, lb, _s, _steps = out
    assert mi - lb <= TOL and abs(mi - res.mi) <= TOL
    assert pi[np.round(e4 / hp).astype(int) % 10 != 0].sum() == 0.0
