"""The compiled kernels of the informed Newton methods against plain numpy evaluations.

``mi_lib._mixing_kernels`` and ``mi_lib._budget_kernels`` (numba) replace
numpy bodies of ``mi_lib._mixing`` and ``mi_lib._budget_newton``; here each
is checked against a direct dense evaluation of its definition on random
data with forbidden pairs (-inf log-kernel entries), rows no atom serves and
rows outside the problem, and the active-set QP against its optimality
conditions. ``import mi_lib`` must not import numba (compilation is lazy).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mi_lib._budget_newton import _Fixed, _slope_root
from mi_lib._mixing import (
    _atom_logD,
    _informed_channel,
    _informed_logf,
    _informed_qp,
    _informed_sensitivity,
    _informed_terms,
    _initial_mix,
    _masses,
    _Mix,
    _newton_system,
    _rows_mi,
    _rows_of,
)
from mi_lib._logdomain import _mi_joint


def _lse_rows(a: np.ndarray, axis: int) -> np.ndarray:
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.squeeze(np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m, axis=axis)


def _problem(seed: int, nu=3, nx=4, ny=7, J=5):
    """Random rows (some p(u, x) = 0), a log-kernel with forbidden pairs and a random mixture."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(nu * nx)).reshape(nu, nx)
    p[rng.random((nu, nx)) < 0.25] = 0.0
    p[np.arange(nu), rng.integers(nx, size=nu)] += 0.1
    p /= p.sum()
    rows = _rows_of(p)
    logK = -rng.uniform(0.0, 3.0, (nx, ny))
    logK[rng.random((nx, ny)) < 0.3] = -np.inf
    G = len(rows.groups)
    sel = np.array([[rng.choice(idx) for idx in rows.groups] for _ in range(J)], dtype=np.intp)
    mix = _Mix(rng.integers(ny, size=J).astype(np.intp), sel, rng.normal(size=J) - 1.0)
    return rows, logK, mix, G


def _dense_logf(logK, rows, mix):
    """log f_k = log sum_j w_j K(x_k, y_j) over the atoms holding row k (dense rows x atoms)."""
    A = np.full((rows.p.size, mix.y.size), -np.inf)
    for j in range(mix.y.size):
        for k in mix.sel[j]:
            A[k, j] = mix.lw[j] + logK[rows.x[k], mix.y[j]]
    return _lse_rows(A, 1)


@pytest.mark.parametrize("seed", range(6))
def test_logf_and_atom_D_against_dense_evaluation(seed):
    rows, logK, mix, _ = _problem(seed)
    logf, lL = _informed_logf(logK, rows, mix)
    np.testing.assert_allclose(logf, _dense_logf(logK, rows, mix), rtol=1e-13, atol=1e-13)
    assert np.array_equal(lL, logK[rows.x[mix.sel], mix.y[:, None]])
    served = np.zeros(rows.p.size, dtype=bool)
    served[mix.sel[np.isfinite(lL)]] = True
    assert np.array_equal(np.isfinite(logf), served)  # a row no atom reaches: -inf, not NaN
    logDA = _atom_logD(rows.logp, logf, lL, mix.sel)
    with np.errstate(invalid="ignore"):
        T = np.where(np.isfinite(lL), rows.logp[mix.sel] - logf[mix.sel] + lL, -np.inf)
    np.testing.assert_allclose(logDA, _lse_rows(np.where(np.isnan(T), -np.inf, T), 1), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("use_active", [False, True])
def test_output_terms_against_dense_evaluation(seed, use_active):
    rows, logK, mix, G = _problem(seed)
    logf, _ = _informed_logf(logK, rows, mix)
    active = None
    if use_active:
        active = np.random.default_rng(seed).random(rows.p.size) < 0.7
    logD, selbest, Gm = _informed_terms(logK, rows, logf, active)
    with np.errstate(invalid="ignore"):
        a = rows.logp - logf
    a = np.where(np.isfinite(a) & (True if active is None else active), a, -np.inf)
    ny = logK.shape[1]
    for g, idx in enumerate(rows.groups):
        T = a[idx][:, None] + logK[rows.x[idx]]  # (rows of g, ny)
        np.testing.assert_array_equal(Gm[g], T.max(axis=0))
        np.testing.assert_array_equal(selbest[:, g], idx[np.argmax(T, axis=0)])  # ties: the first row
    np.testing.assert_allclose(logD, _lse_rows(Gm, 0), rtol=1e-13, atol=1e-13)
    assert Gm.shape == (G, ny) and selbest.shape == (ny, G)


@pytest.mark.parametrize("seed", range(4))
def test_newton_matrix_is_R_times_Pi(seed):
    rows, logK, mix, _ = _problem(seed, J=6)
    logK = np.maximum(logK, -5.0)  # every pair allowed: every row served
    logf, lL = _informed_logf(logK, rows, mix)
    ms = _masses(rows, None)
    logDA = _atom_logD(ms.logp, logf, lL, mix.sel)
    J0 = 4  # the last two atoms count as new
    M, q, logsig, lb = _newton_system(ms, logf, lL, mix.lw[:J0], mix.sel, J0, logDA)
    n, J = rows.p.size, mix.y.size
    Rm, Pm = np.zeros((J, n)), np.zeros((n, J))
    sig = np.concatenate([mix.lw[:J0], np.min(logf[mix.sel[J0:]] - lL[J0:], axis=1)])
    for j in range(J):
        for g, k in enumerate(mix.sel[j]):
            Rm[j, k] = np.exp(rows.logp[k] - logf[k] + lL[j, g] - logDA[j])
            Pm[k, j] = np.exp(min(lL[j, g] + sig[j] - logf[k], 0.0))
    np.testing.assert_allclose(logsig, sig, rtol=1e-14)
    np.testing.assert_allclose(M, Rm @ Pm, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(q, np.expm1(-logDA), rtol=1e-14)
    assert np.array_equal(lb, np.r_[np.full(J0, -1.0), np.zeros(J - J0)])


@pytest.mark.parametrize("seed", range(8))
def test_active_set_qp_meets_its_optimality_conditions(seed):
    rng = np.random.default_rng(100 + seed)
    J = int(rng.integers(2, 9))
    A = rng.normal(size=(J, J + 2))
    M = A @ A.T + 1e-3 * np.eye(J)
    q = rng.normal(size=J)
    J0 = int(rng.integers(0, J + 1))
    lb = np.r_[np.full(J0, -1.0), np.zeros(J - J0)]
    z = _informed_qp(M, q, lb, np.zeros(J), J)
    r = q + M @ z
    scale = 1.0 + np.abs(q).max() + np.abs(M).max() * max(1.0, np.abs(z).max())
    assert np.all(z >= lb)
    free = z > lb + 1e-12
    assert np.all(np.abs(r[free]) <= 1e-9 * scale)
    assert np.all(r[~free] >= -1e-9 * scale)
    # no feasible coordinate step improves the objective q'z + z'Mz/2
    f = lambda v: q @ v + 0.5 * v @ M @ v  # noqa: E731
    for j in range(J):
        for d in (1e-4, -1e-4):
            v = z.copy()
            v[j] = max(v[j] + d, lb[j])
            assert f(v) >= f(z) - 1e-12 * scale


def test_active_set_qp_with_singular_matrix_stays_feasible():
    """Two identical atoms: M is singular; the ridge and the ratio test keep z finite and feasible."""
    M = np.array([[1.0, 1.0, 0.2], [1.0, 1.0, 0.2], [0.2, 0.2, 1.0]])
    q = np.array([-1.0, -1.0, 0.5])
    lb = np.zeros(3)
    z = _informed_qp(M, q, lb, np.zeros(3), 3)
    assert np.all(np.isfinite(z)) and np.all(z >= lb)
    r = q + M @ z
    assert np.all(r >= -1e-9) and abs(z[0] + z[1] - 1.0) <= 1e-6


@pytest.mark.parametrize("seed", range(4))
def test_fixed_weights_channel_against_dense_formula(seed):
    rows, logK, extra, _ = _problem(seed)
    start = _initial_mix(logK, rows)  # one atom per letter at its cheapest output: every row served
    mix = _Mix(np.r_[start.y, extra.y], np.vstack([start.sel, extra.sel]), np.r_[start.lw, extra.lw])
    ctil = -logK  # reduced costs (inf: forbidden)
    fx = _Fixed(rows, ctil, mix)
    n, J = rows.p.size, mix.y.size
    A = np.full((n, J), np.inf)
    for j in range(J):
        for g, k in enumerate(mix.sel[j]):
            A[k, j] = ctil[rows.x[k], mix.y[j]]
    fin = np.isfinite(A)
    A0 = np.where(fin, A, 0.0)
    for s in (0.3, 1.0, 4.0):
        got = fx.at(s)
        E = mix.lw - s * A
        P = np.exp(E - E.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        cbar = (P * A0).sum(axis=1)
        var = np.maximum((P * A0 * A0).sum(axis=1) - cbar**2, 0.0)
        logf, lL, C, V, cb, cm = got
        np.testing.assert_allclose(logf, _dense_logf(-s * ctil, rows, mix), rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(cb, cbar, rtol=1e-12, atol=1e-15)
        assert C == pytest.approx(rows.p @ cbar, rel=1e-12)
        assert V == pytest.approx(rows.p @ var, rel=1e-9, abs=1e-15)
    w = np.exp(mix.lw - mix.lw.max()) * fin
    cinf, c0 = fx.limits()
    assert cinf == pytest.approx(rows.p @ A.min(axis=1), rel=1e-14)
    assert c0 == pytest.approx(rows.p @ ((w * A0).sum(axis=1) / w.sum(axis=1)), rel=1e-13)
    assert cinf < c0
    target = 0.5 * (cinf + c0)
    root = _slope_root(rows, ctil, np.where(np.isfinite(ctil), ctil, 0.0), mix, 1.0, target, 1e-13)
    assert root is not None and abs(root[3] - target) <= 1e-13
    assert _slope_root(rows, ctil, np.where(np.isfinite(ctil), ctil, 0.0), mix, 1.0, c0 * 1.01, 1e-13) is None


def _initial_reference(logK, rows, cov, pool):
    """The one-atom-per-letter start, written out with numpy (the definition in ``_initial_mix``)."""
    ys, sels = [], []
    xs = np.unique(rows.x[cov])
    for x in xs:
        y = int(np.argmax(logK[x]))
        sel = []
        for idx in rows.groups:
            hit = idx[cov[idx] & (rows.x[idx] == x)]
            if hit.size:
                sel.append(int(hit[0]))
            else:
                cand = idx[pool[idx]] if np.any(pool[idx]) else idx
                sel.append(int(cand[np.argmax(rows.logp[cand] + logK[rows.x[cand], y])]))
        ys.append(y)
        sels.append(sel)
    px = np.array([rows.p[cov & (rows.x == x)].sum() for x in xs])
    return np.array(ys), np.array(sels), np.log(px) - np.log(px.sum())


@pytest.mark.parametrize("seed", range(6))
def test_initial_mixture_against_reference(seed):
    rows, logK, _, _ = _problem(seed)
    rng = np.random.default_rng(seed)
    for cover, pool in ((None, None), (rng.random(rows.p.size) < 0.5, None),
                        (rng.random(rows.p.size) < 0.5, rng.random(rows.p.size) < 0.5)):
        if cover is not None and not cover.any():
            cover[0] = True
        mix = _initial_mix(logK, rows, cover, pool)
        cov = np.ones(rows.p.size, dtype=bool) if cover is None else cover
        y, sel, lw = _initial_reference(logK, rows, cov, cov if pool is None else (pool | cov))
        assert np.array_equal(mix.y, y) and np.array_equal(mix.sel, sel)
        np.testing.assert_allclose(mix.lw, lw, rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("seed", range(6))
def test_channel_against_dense_evaluation(seed):
    rows, logK, mix, _ = _problem(seed)
    logf, _ = _informed_logf(logK, rows, mix)
    W = _informed_channel(logK, rows, mix, logf)
    n, ny = rows.p.size, logK.shape[1]
    ref = np.zeros((n, ny))
    for j in range(mix.y.size):
        for k in mix.sel[j]:
            if np.isfinite(logf[k]) and np.isfinite(logK[rows.x[k], mix.y[j]]):
                ref[k, mix.y[j]] += np.exp(mix.lw[j] + logK[rows.x[k], mix.y[j]] - logf[k])
    unserved = ~(ref.sum(axis=1) > 0)
    assert unserved.any() and not unserved.all()  # both kinds of rows occur in these problems
    ref[unserved, np.argmax(logK[rows.x[unserved]], axis=1)] = 1.0  # a row no atom serves: cheapest output
    np.testing.assert_allclose(W, ref / ref.sum(axis=1, keepdims=True), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("seed", range(4))
def test_sensitivity_against_dense_formula(seed):
    """d cost / d log s at fixed support: the dense R, Pi, costs and a least-squares solve, written out."""
    rows, logK, extra, _ = _problem(seed)
    start = _initial_mix(logK, rows)  # every row served
    mix = _Mix(np.r_[start.y, extra.y], np.vstack([start.sel, extra.sel]), np.r_[start.lw, extra.lw])
    s = 1.7
    logK = s * logK  # the log-kernel at slope s of the reduced costs -logK / s
    cfin = np.where(np.isfinite(logK), -logK / s, 0.0)
    logf, lL = _informed_logf(logK, rows, mix)
    n, J = rows.p.size, mix.y.size
    Rm, Pm, Cm = np.zeros((J, n)), np.zeros((n, J)), np.zeros((n, J))
    for j in range(J):
        for g, k in enumerate(mix.sel[j]):
            if np.isfinite(lL[j, g]):
                Rm[j, k] = np.exp(rows.logp[k] - logf[k] + lL[j, g])
                Pm[k, j] = np.exp(lL[j, g] + mix.lw[j] - logf[k])
                Cm[k, j] = cfin[rows.x[k], mix.y[j]]
    cbar = (Pm * Cm).sum(axis=1)
    var = (Pm * Cm * Cm).sum(axis=1) - cbar**2
    b = (Rm * (cbar[None, :] - Cm.T)).sum(axis=1)
    dth = np.linalg.lstsq(Rm @ Pm, b, rcond=1e-12)[0]
    ref = s * (rows.p @ (Pm * (Cm - cbar[:, None]) * dth[None, :]).sum(axis=1) - rows.p @ var)
    got = _informed_sensitivity(logK, rows, mix, logf, cfin, s)
    assert ref < 0  # the cost falls as the slope grows
    assert got == pytest.approx(ref, rel=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_rows_mi_against_the_joint_of_u_and_y(seed):
    rows, logK, mix, _ = _problem(seed)
    logf, _ = _informed_logf(logK, rows, mix)
    W = _informed_channel(logK, rows, mix, logf)
    p_uy = np.array([rows.p[idx] @ W[idx] for idx in rows.groups])
    ref = _mi_joint(p_uy)
    assert ref > 0
    assert _rows_mi(rows, W) == pytest.approx(ref, rel=1e-12, abs=1e-15)
    const = np.zeros_like(W)
    const[:, 0] = 1.0  # a constant output: no information
    assert 0.0 <= _rows_mi(rows, const) <= 4 * np.finfo(float).eps  # zero up to the rounding of the sums


def test_import_does_not_load_numba():
    code = "import sys, mi_lib, mi_lib.discrete; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
