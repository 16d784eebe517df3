"""The active set inside the coset split's per-coset Newton method (mi_lib._blind_coset_active).

Issue 10, blind_S2 (p_ux = P23, x = -1, 0, 1, e = linspace(-1, 1, n)): coset
0 = {-1, 0, 1} collapses onto its cost-0 point e = 0 at slopes near the
optimal ones. Checked here: the derivative at a zero-mass point (the KKT
limit) against a one-sided finite difference of I_c written out in numpy;
the face optimum of that coset against brute force over its simplex and its
one-step bound (at the mixed law) tight to the tolerance; and the split's
results on the small budgets against the interior-point method
(``_blind_ipm``, an independent algorithm on the whole grid), with the
active set shown to have dropped points.
"""

from __future__ import annotations

import numpy as np
import pytest

import mi_lib._blind as dd
from mi_lib import _blind_coset_core as core
from mi_lib import _blind_cosets as bc
from mi_lib._blind_ipm import _blind_ipm

TOL = 1e-10
P23 = [[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]]
X3 = [-1.0, 0.0, 1.0]


def _model(n, budget):
    """blind_attack's lattice model for S2 on n points (unit scale) and its budget."""
    p, x, e, B, _tol, pu, sc = dd._check_inputs(P23, X3, np.linspace(-1.0, 1.0, n), budget, TOL)
    lay = dd._unit_layout(x, e, B, sc)
    return dd._model(p, lay, pu), lay.budget


def _np_info(rows, sig):
    """I_c of one coset law by numpy (the definition: V_u(y) = sum_a p(x_a|u) sigma(y - d_a))."""
    m = sig.size
    V = np.zeros((rows.gp.size, m + rows.dmax))
    for a in range(rows.d.size):
        V[rows.grp[a], rows.d[a] : rows.d[a] + m] += rows.cond[a] * sig
    q = rows.gp @ V
    pos = V > 0
    ratio = np.ones_like(V)
    ratio[pos] = V[pos] / np.broadcast_to(q, V.shape)[pos]
    return float(rows.gp @ np.where(pos, V * np.log(ratio), 0.0).sum(axis=1))


def _collapsed(s=0.25):
    """Coset 0 of S2 (n = 41) solved at slope s from the uniform law: rows, batch, F."""
    m, _B = _model(41, 0.1)
    rows, full = core._structure(m)
    out = core._newton(rows, full, s, 200)
    assert out is not None and out[4] < 200
    return rows, full, out[0]


def test_kkt_limit_at_zero_mass_points_matches_finite_differences():
    """limit_gradient = the one-sided derivative of I_c along e_k at a law with sigma_k = 0 (numpy differences)."""
    from mi_lib import _blind_coset_active as act

    rows, full, _F = _collapsed()
    rng = np.random.default_rng(0)
    for c in (0, 3, 7):
        real = full.real[c]
        for k in np.flatnonzero(real):
            sig = np.where(real, rng.dirichlet(np.ones(real.size)), 0.0)
            sig[k] = 0.0
            sig /= sig.sum()
            V, q, lV, lq, _ = core._outputs(rows, sig[None, :])
            grad = core._gradient(rows, lV, lq, real[None, :])[0]
            act.limit_gradient(rows.k, sig, q[0], lV[0], lq[0], real, grad)
            h = 1e-7
            e = np.zeros_like(sig)
            e[k] = h
            fd = (_np_info(rows, sig + e) - _np_info(rows, sig)) / h
            assert np.isfinite(grad[k]) and grad[k] == pytest.approx(fd, abs=1e-5)


def test_collapsed_coset_is_the_face_optimum_and_its_bound_is_tight():
    """At s = 0.25 coset 0 collapses onto e = 0 (two dropped points); brute force over its simplex finds nothing
    lower, and the one-step bound at the mixed law is below F and within TOL of it."""
    s = 0.25
    rows, full, F = _collapsed(s)
    sig0 = full.sigma[0]
    assert int(np.sum(full.real[0] & (sig0 == 0.0))) == 2  # the active set dropped the points e = -1, 1
    kap = full.kappa[0]
    assert F[0] == pytest.approx(_np_info(rows, sig0) + s * sig0 @ kap, abs=1e-15)
    grid = np.linspace(0.0, 1.0, 121)
    best = min(_np_info(rows, np.array([a, 1.0 - a - b, b])) + s * (a * kap[0] + b * kap[2])
               for a in grid for b in grid if a + b <= 1.0)
    assert F[0] <= best + 1e-15
    L = core._bound(rows, full, full.sigma, s)
    assert L[0] <= F[0] + 1e-15 and F[0] - L[0] <= TOL


@pytest.mark.parametrize("n, budget", [(21, 0.2), (41, 0.02), (41, 0.2), (81, 0.1), (109, 0.2)])
def test_split_certifies_small_s2_budgets_against_the_interior_point_method(n, budget):
    """Below the uniform law's cost the split now certifies (at B = 0.2 its pair search passes through slopes
    where coset 0 collapses, which the kernels without the active set refused): same value as the interior-point
    method within TOL, each bound below the other's value, the law within budget."""
    m, B = _model(n, budget)
    fast = bc.coset_blind_solve(m, B, TOL, True)
    assert fast is not None
    pi, mi_split, lb, _s, steps = fast
    mi = dd._model_mi(m, pi)
    assert mi_split == mi  # the split's own recomputation on the whole grid
    assert mi - lb <= TOL and pi.min() >= 0.0 and float(pi @ m.kappa) <= B * (1.0 + 1e-13)
    assert steps <= 150  # 15-45 on this machine
    pi_i, mi_i, lb_i, _, _ = _blind_ipm(m, B, TOL, budget=True)
    assert mi_i - lb_i <= TOL
    assert abs(mi - mi_i) <= TOL
    assert lb <= mi_i + 1e-13 and lb_i <= mi + 1e-13


def test_alone_restarts_a_collapsed_coset_from_the_uniform_law():
    """A coset whose stored law has dropped points, taken alone with the budget: the tilt starts from the uniform
    law (log 0 would keep the zeros, which the budget solve refuses), so the law is positive and costs B."""
    rows, full, _F = _collapsed()
    assert np.any(full.real[0] & (full.sigma[0] == 0.0))
    from mi_lib._blind_coset_driver import _alone, _budget1

    pi = np.empty((1, full.real.shape[1]))
    assert _alone(full.real, full.kappa, full.sigma, 0, 0.1, pi)
    assert np.all(pi[0][full.real[0]] > 0.0)
    assert float(pi[0] @ full.kappa[0]) == pytest.approx(0.1, rel=1e-13) and pi[0].sum() == pytest.approx(1.0)
    assert _budget1(rows.k, full.real, full.kappa, 0, pi, 0.1)[0]


def _asymmetric_cases():
    """Short-coset grids (x = -1, 0, 1 on linspace(-1, 1, n)) with asymmetric p_ux, where the split goes first:
    two found by an audit (a reference law with a zero mass; a pair whose cost at the crossing equals B) and
    seeded random draws."""
    rng = np.random.default_rng(5)
    cases = [([[0.4, 0.1, 0.05], [0.05, 0.15, 0.25]], 41, 0.02),
             ([[0.11214191858602665, 0.20397499345058745, 0.09365940235224578],
               [0.40711373939245366, 0.1361635767256484, 0.04694636949303812]], 31, 0.035555555555555556)]
    for _ in range(24):
        cases.append((rng.dirichlet(np.ones(6)).reshape(2, 3), int(rng.choice([31, 41, 61, 101])),
                      float(rng.choice([0.01, 0.02, 0.05, 0.1, 0.2]))))
    return cases


@pytest.mark.parametrize("case", range(26))
def test_split_bound_on_asymmetric_short_grids_is_below_the_interior_point_value(case):
    """Wherever the split returns, its bound is below the interior-point method's value (so the mixed-law bounds of
    the screening stay proofs), and a certified split agrees with it within TOL; blind_attack certifies every case
    without a warning (pytest turns warnings into errors)."""
    p, n, budget = _asymmetric_cases()[case]
    pp, x, e, B, _tol, pu, sc = dd._check_inputs(p, X3, np.linspace(-1.0, 1.0, n), budget, TOL)
    lay = dd._unit_layout(x, e, B, sc)
    m = dd._model(pp, lay, pu)
    _pi, mi_i, lb_i, _, _ = _blind_ipm(m, lay.budget, TOL, budget=True)
    assert mi_i - lb_i <= TOL
    fast = bc.coset_blind_solve(m, lay.budget, TOL, True)
    if fast is not None:
        pi, mi_split, lb, _s, _steps = fast
        mi = dd._model_mi(m, pi)
        assert mi_split == mi
        assert lb <= mi_i + 1e-12 and lb_i <= mi + 1e-12
        assert float(pi @ m.kappa) <= lay.budget * (1.0 + 1e-13)
        if mi - lb <= TOL:
            assert abs(mi - mi_i) <= TOL
    res = dd.blind_attack(p, X3, np.linspace(-1.0, 1.0, n), budget)
    assert res.converged and abs(res.mi - mi_i) <= TOL
