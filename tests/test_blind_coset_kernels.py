"""The compiled kernels of the coset split (mi_lib._blind_coset_kernels) against numpy evaluations of their definitions.

Each quantity is written out here from its formula, with numpy on whole
arrays (the form the solver used before round 6), and compared with the
kernel on random laws of the cosets of a few lattice models.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mi_lib import _blind_coset_core as core
from mi_lib import _blind_coset_zero as zero
from mi_lib import _blind_lattice as bl

MODELS = [  # (p_ux, letter offsets in grid steps, grid points)
    ([[0.5, 0.0], [0.0, 0.5]], [0, 40], 161),
    ([[0.3, 0.0], [0.0, 0.7]], [0, 10], 41),
    ([[0.4, 0.08, 0.02], [0.02, 0.08, 0.4]], [0, 10, 20], 31),
]


def _layout(which):
    return core._structure(_model_of(which))


def _model_of(which):
    p_ux, offs, n = MODELS[which]
    p = np.asarray(p_ux, float)
    roff, rp, rg = [], [], []
    for u in range(p.shape[0]):
        for i in np.nonzero(p[u] > 0)[0]:
            roff.append(offs[i])
            rp.append(p[u, i])
            rg.append(u)
    e = np.linspace(-1.0, 1.0, n)
    gp = p.sum(axis=1)
    return bl._Blind(ne=n, ny=n + max(offs), kappa=e * e, gp=gp,
                     roff=np.array(roff, dtype=np.int64), rp=np.array(rp), rg=np.array(rg, dtype=np.intp))


def _laws(full, rng, zero=False):
    sig = np.where(full.real, rng.dirichlet(np.ones(full.real.shape[1]), size=full.real.shape[0]), 0.0)
    if zero:
        sig[0, 0] = 0.0
    return sig / sig.sum(axis=1, keepdims=True)


def _np_outputs(r, sig):
    C, m = sig.shape
    V = np.zeros((C, r.gp.size, m + r.dmax))
    for a in range(r.d.size):
        V[:, r.grp[a], r.d[a] : r.d[a] + m] += r.cond[a] * sig
    q = r.gp @ V
    with np.errstate(divide="ignore", invalid="ignore"):
        lV, lq = np.log(V), np.log(q)
        t = np.where(V > 0, V * (lV - lq[:, None, :]), 0.0)
    return V, q, lV, lq, (r.gp @ t).sum(axis=1)


def _np_gradient(r, lV, lq, real):
    m = real.shape[1]
    g = np.zeros(real.shape)
    with np.errstate(invalid="ignore"):
        for a in range(r.d.size):
            g += r.pa[a] * (lV[:, r.grp[a], r.d[a] : r.d[a] + m] - lq[:, r.d[a] : r.d[a] + m])
    return np.where(real, g, 0.0)


def _np_hessian(r, V, q, real):
    C, m = real.shape
    H = np.zeros((C, m, m))
    with np.errstate(divide="ignore", invalid="ignore"):  # 1/0 only at the padding, masked below
        _np_hessian_pairs(r, V, q, H)
    return np.where(real[:, :, None] & real[:, None, :], H, 0.0)


def _np_hessian_pairs(r, V, q, H):
    m = H.shape[1]
    for a in range(r.d.size):
        for b in range(r.d.size):
            for i in range(m):
                j = i + r.d[a] - r.d[b]
                if 0 <= j < m:
                    y = i + r.d[a]
                    H[:, i, j] -= r.pa[a] * r.pa[b] / q[:, y]
                    if r.grp[a] == r.grp[b]:
                        H[:, i, j] += r.pa[a] * r.pa[b] / (r.gp[r.grp[a]] * V[:, r.grp[a], y])


def _np_lse(a, axis):
    mx = np.max(a, axis=axis, keepdims=True)
    mx = np.where(np.isfinite(mx), mx, 0.0)
    with np.errstate(divide="ignore"):
        return np.squeeze(np.log(np.sum(np.exp(a - mx), axis=axis, keepdims=True)) + mx, axis=axis)


def _np_bound(r, full, sig, s):
    """-log Z - log R of the one-step Blahut-Arimoto step on each coset (notes/discrete_solvers.md)."""
    real, (C, m) = full.real, sig.shape
    V, q, lV, lq, _ = _np_outputs(r, sig)
    with np.errstate(divide="ignore", invalid="ignore"):
        ell = np.log(sig)
        base = np.where(real, ell - _np_gradient(r, lV, lq, real) - s * full.kappa, -np.inf)
        base = np.where(np.isnan(base), -np.inf, base)
        lZ = _np_lse(base, 1)
        lrho = np.where(real, base - lZ[:, None] - ell, -np.inf)
        acc = np.full((C, r.gp.size, m + r.dmax), -np.inf)
        for a in range(r.d.size):
            sl = acc[:, r.grp[a], r.d[a] : r.d[a] + m]
            acc[:, r.grp[a], r.d[a] : r.d[a] + m] = np.maximum(sl, lrho)
        terms = np.log(r.gp)[None, :, None] + lV - lq[:, None, :] + acc
    terms = np.where(np.isnan(terms), -np.inf, terms)
    per_y = np.where(q > 0, _np_lse(terms, 1), -np.inf)
    out = -lZ - per_y.max(axis=1)
    ok = np.all(~real | (sig > 0), axis=1) & ~np.isnan(out)
    return np.where(ok, out, -np.inf)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 2]), st.floats(0.0, 3.0))
def test_kernels_match_numpy_definitions(seed, which, s):
    rows, full = _layout(which)
    sig = _laws(full, np.random.default_rng(seed))
    V, q, lV, lq, info = core._outputs(rows, sig)
    ref = _np_outputs(rows, sig)
    for got, want in zip((V, q, info), (ref[0], ref[1], ref[4])):
        assert np.allclose(got, want, rtol=1e-13, atol=1e-16)
    g = core._gradient(rows, lV, lq, full.real)
    assert np.allclose(g, _np_gradient(rows, ref[2], ref[3], full.real), rtol=1e-12, atol=1e-13)
    H = core._hessian(rows, V, q, full.real)
    Hr = _np_hessian(rows, ref[0], ref[1], full.real)
    assert np.allclose(H, Hr, rtol=1e-12, atol=1e-12 * np.abs(Hr).max())
    L = core._bound(rows, full, sig, s)
    assert np.allclose(L, _np_bound(rows, full, sig, s), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_bound_kernel_without_full_support_matches_numpy(which):
    """A zero real mass: the kernel takes the bound at (1 - MIX) sigma + MIX uniform (full support) on that coset."""
    from mi_lib._blind_coset_active import MIX

    rows, full = _layout(which)
    sig = _laws(full, np.random.default_rng(1), zero=True)
    mixed = sig.copy()
    mixed[0] = np.where(full.real[0], (1.0 - MIX) * sig[0] + MIX / full.real[0].sum(), 0.0)
    L, ref = core._bound(rows, full, sig, 0.7), _np_bound(rows, full, mixed, 0.7)
    assert _np_bound(rows, full, sig, 0.7)[0] == -np.inf and np.isfinite(L[0])
    assert np.allclose(L, ref, rtol=1e-12, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 1, 2]), st.floats(0.0, 3.0))
def test_step_kernel_is_the_bordered_newton_step(seed, which, s):
    """The step solves [D H D, D; D' 0] by numpy, stays on the simplex and decreases f = I_c + s E kappa."""
    rows, full = _layout(which)
    sig = _laws(full, np.random.default_rng(seed))
    out = core._step(rows, full, sig, s)
    assert out is not None
    new, f, info, conv, dsig = out
    V, q, lV, lq, inf_ref = _np_outputs(rows, sig)
    assert np.allclose(f, inf_ref + s * np.sum(sig * full.kappa, axis=1), rtol=1e-13, atol=1e-15)
    grad = _np_gradient(rows, lV, lq, full.real) + s * full.kappa
    H = _np_hessian(rows, V, q, full.real)
    for c in range(sig.shape[0]):
        r = full.real[c]
        D = np.sqrt(sig[c, r])
        n = D.size
        M = np.zeros((n + 1, n + 1))
        M[:n, :n] = D[:, None] * H[c][np.ix_(r, r)] * D[None, :]
        M[:n, n] = M[n, :n] = D
        sol = np.linalg.solve(M, np.column_stack([np.r_[-D * grad[c, r], 0.0], np.r_[-D * full.kappa[c, r], 0.0]]))
        d = D * sol[:n, 0]
        assert np.allclose(dsig[c, r], D * sol[:n, 1], rtol=1e-8, atol=1e-10 * np.abs(dsig[c, r]).max())
        alpha = (new[c, r] - sig[c, r]) @ d / (d @ d)  # the step taken is along d, then renormalised
        assert np.allclose(new[c, r], sig[c, r] + alpha * d, rtol=1e-9, atol=1e-14)
        assert 0.0 < alpha <= 1.0 + 1e-12 and np.all(new[c, r] > 0) and new[c].sum() == pytest.approx(1.0, abs=1e-15)
        assert np.all(new[c, ~r] == 0.0)
    fnew = _np_outputs(rows, new)[4] + s * np.sum(new * full.kappa, axis=1)
    assert np.all(fnew <= f + 1e-14)
    assert not np.any(conv)  # random laws are far from the optimum


@pytest.mark.parametrize("which", [0, 1, 2])
def test_step_with_a_zero_real_mass_works_on_the_support(which):
    """A real point without mass (the active set): the step is the bordered Newton step on the support (numpy
    solve), the point stays at 0 or re-enters with mass ENTER by its KKT condition; a negative mass fails (None)."""
    from mi_lib._blind_coset_active import ENTER

    rows, full = _layout(which)
    sig = _laws(full, np.random.default_rng(2), zero=True)
    out = core._step(rows, full, sig, 0.3)
    assert out is not None
    new = out[0]
    r = full.real[0] & (sig[0] > 0)
    V, q, lV, lq, _ = _np_outputs(rows, sig)
    with np.errstate(invalid="ignore", divide="ignore"):
        grad = _np_gradient(rows, lV, lq, full.real)[0] + 0.3 * full.kappa[0]
        H = _np_hessian(rows, V, q, full.real)[0]
    D = np.sqrt(sig[0, r])
    n = D.size
    M = np.zeros((n + 1, n + 1))
    M[:n, :n] = D[:, None] * H[np.ix_(r, r)] * D[None, :]
    M[:n, n] = M[n, :n] = D
    d = D * np.linalg.solve(M, np.r_[-D * grad[r], 0.0])[:n]
    assert new[0, 0] == 0.0 or new[0, 0] == pytest.approx(ENTER * new[0].max() / (1 + ENTER), rel=0.5)
    step = new[0, r] * (new[0, r].sum() + new[0, 0]) / new[0, r].sum()  # undo the renormalisation of a re-entry
    tot = step.sum()
    alpha = (step / tot * (sig[0, r] + d).sum() - sig[0, r]) @ d / (d @ d)
    assert 0.0 < alpha <= 1.0 + 1e-12
    neg = sig.copy()
    neg[0, 0] = -1e-300
    assert core._step(rows, full, neg, 0.3) is None


def test_tilt_meets_the_mean_cost():
    """The tilt sigma exp(-tau kappa) / Z has mean cost B to rounding, on either side of the start's mean."""
    from mi_lib._blind_coset_budget import _tilt

    rng = np.random.default_rng(3)
    kap = np.sort(rng.random(9)) * 4.0
    sig = rng.dirichlet(np.ones(9))
    real = np.ones(9, dtype=bool)
    for B in (kap[0] + 0.05 * (kap[-1] - kap[0]), float(sig @ kap), kap[0] + 0.95 * (kap[-1] - kap[0])):
        w = _tilt(sig, kap, real, B)
        assert w.sum() == pytest.approx(1.0, abs=1e-15) and float(w @ kap) == pytest.approx(B, rel=1e-13)
        # log(sig / w) = tau kappa + log Z: the same tau between every pair of points
        tau = (np.log(sig / w) - np.log(sig[0] / w[0]))[1:] / (kap[1:] - kap[0])
        assert np.allclose(tau, tau[0], rtol=1e-9, atol=1e-12)
    assert _tilt(sig, kap, real, float(kap[-1])) is None and _tilt(sig, kap, real, float(kap[0])) is None


def _old_slope_zero(rows, full):
    """The slope-0 stage as the numpy driver ran it before (Newton on one coset per length, a step on every coset)."""
    lengths = full.real.sum(axis=1)
    rep = core._subset(full, np.flatnonzero(np.diff(lengths, prepend=-1))[::-1])
    assert core._newton(rows, rep, 0.0, 80) is not None
    Lrep = core._bound(rows, rep, rep.sigma, 0.0)
    L0 = np.empty(lengths.size)
    for j, mlen in enumerate(rep.real.sum(axis=1)):
        full.sigma[lengths == mlen] = rep.sigma[j]
        L0[lengths == mlen] = Lrep[j]
    chk = core._step(rows, full, full.sigma, 0.0)
    assert chk is not None and np.all(chk[3])
    return chk[1], chk[4], L0, full.sigma


@pytest.mark.parametrize("which", [0, 1, 2])
def test_zero_slope_kernel_is_the_batched_slope_zero_stage(which):
    """zero_slope (one LU per coset length, one column per coset): F0, L0, the laws and d sigma / d s bit for bit."""
    rows, full = _layout(which)
    st, F0, L0, _steps = zero.zero_slope(rows.k, full.real, full.kappa, full.sigma, full.dsig, 80)
    assert st == 0
    rows2, full2 = _layout(which)
    F0r, dsr, L0r, sigr = _old_slope_zero(rows2, full2)
    for got, want in ((F0, F0r), (L0, L0r), (full.sigma, sigr), (full.dsig, dsr)):
        np.testing.assert_array_equal(got, want)


def _solve_all(rows, full, s):
    """F_c(s) of every coset by Newton from the uniform law (no mirror, no screening)."""
    out = core._newton(rows, full, s, 200)
    assert out is not None and out[4] < 200
    return out[0]


@pytest.mark.parametrize("which", [0, 2])
def test_mirror_cosets_have_equal_values(which):
    """The mirror map is an involution between cosets of equal length; the reversed law on the mirror coset has
    the same I_c + s E kappa (numpy outputs), and the coset optima agree (Newton on every coset, no mirror)."""
    rows, full = _layout(which)
    if full.mir is None:  # p(u) = 0.4 + 0.08 + 0.02 summed in two orders may differ in the last bit
        assert which == 2 and rows.gp[0] != rows.gp[1]
        return
    mir, real = full.mir, full.real
    assert full.mdelta <= 1e-12
    np.testing.assert_array_equal(mir[mir], np.arange(mir.size))
    lengths = real.sum(axis=1)
    np.testing.assert_array_equal(lengths[mir], lengths)
    sig = _laws(full, np.random.default_rng(5))
    rev = np.zeros_like(sig)
    for c in range(sig.shape[0]):
        rev[mir[c], : lengths[c]] = sig[c, : lengths[c]][::-1]
    for s in (0.0, 0.4, 2.0):
        f = _np_outputs(rows, sig)[4] + s * np.sum(sig * full.kappa, axis=1)
        fr = _np_outputs(rows, rev)[4] + s * np.sum(rev * full.kappa, axis=1)
        assert np.allclose(fr[mir], f, rtol=0, atol=1e-14)
        if which == 0:  # interior optima (on model 2 some coset optimum lies on the boundary of its simplex)
            out = core._newton(rows, _layout(which)[1], s, 200)
            assert out is not None and out[4] < 200  # converged on every coset
            assert np.allclose(out[0][mir], out[0], rtol=0, atol=1e-13)


def test_mirror_needs_symmetric_letters_and_costs():
    """Unequal p(u), or costs not symmetric on the grid, leave every coset to be solved."""
    rows, full = _layout(1)  # p(u) = 0.3, 0.7
    assert full.mir is None
    rows, full = _layout(0)
    m = _model_of(0)
    for kappa, mirrored in ((np.linspace(-1.0, 1.0, 161) ** 2, True), (np.linspace(0.0, 1.0, 161), False)):
        out = zero.layout(kappa, 40, 40)
        assert out[4] == np.abs(kappa - kappa[::-1]).max() and out[5] == np.abs(kappa).max()
        st = zero.structure(m.roff, m.rg, m.rp, m.gp, kappa, 64, 64, 1e-12)
        assert st[0] and st[8] == mirrored
        assert st[9] == (out[4] if mirrored else 0.0)
        np.testing.assert_array_equal(st[7], (160 - np.arange(40)) % 40 if mirrored else np.arange(40))


def _np_layout(kappa, g, ncos):
    """The padded coset batch as the numpy layout built it before."""
    n = kappa.size
    cs = np.arange(ncos)
    lengths = (n - cs + g - 1) // g
    k = np.arange(int(lengths.max()))
    real = k[None, :] < lengths[:, None]
    idx = np.where(real, cs[:, None] + g * k[None, :], cs[:, None])
    return idx, real, np.where(real, kappa[idx], 0.0), np.where(real, 1.0, 0.0) / lengths[:, None]


@pytest.mark.parametrize("n, g", [(161, 40), (31, 10), (30, 10), (7, 10), (1601, 400)])
def test_layout_kernel_is_the_numpy_layout(n, g):
    kappa = np.random.default_rng(n).random(n)
    out = zero.layout(kappa, g, min(g, n))
    want = _np_layout(kappa, g, min(g, n))
    for got, ref in zip(out[:4], want):
        assert got.dtype == ref.dtype
        np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(out[6], np.where(want[1], want[2], np.inf).min(axis=1))


@pytest.mark.parametrize("which, c0", [(0, 3), (2, 1)])
@pytest.mark.parametrize("above", [False, True])
def test_certify_bound_is_below_every_coset_optimum(above, which, c0):
    """The compiled certify: its bound is below min_c F_c(s) (every coset solved independently, no mirror), and
    it names the best coset when the threshold lies above some coset's value, none when below all; with an
    active coset long enough for the interpolated start (model 0) and one too short for it (model 2)."""
    from mi_lib._blind_coset_budget_kernels import START_MIN
    from mi_lib._blind_coset_driver import _certify

    s = 0.6
    rows, full = _layout(which)
    assert (full.real[c0].sum() >= START_MIN) == (which == 0)
    F = _solve_all(rows, _layout(which)[1], s)
    assert zero.zero_slope(rows.k, full.real, full.kappa, full.sigma, full.dsig, 80)[0] == 0  # the laws at slope 0
    law = core._subset(_layout(which)[1], [c0])
    assert core._newton(rows, law, s, 200) is not None  # the active coset's law at s
    lam = float(F.max()) if above else float(F.min()) - 1e-3
    Fc = np.empty(F.size)
    mir = np.asarray(full.mir if full.mir is not None else np.arange(F.size), dtype=np.int64)
    ok, Lmin, best, Kb, _ = _certify(rows.k, full.idx, full.real, full.kappa, full.sigma, full.dsig, full.s,
                                     mir, full.mdelta, np.array([c0]),
                                     law.sigma * 0.5, s, lam, 1e-13, Fc)
    assert ok
    assert Lmin <= F.min() + 1e-13
    # the values reported for the screened cosets that converged (round 8: the pair guess) are their optima; the
    # active coset's slot holds the active value it was given (here an arbitrary threshold, not its optimum)
    done = np.flatnonzero(np.isfinite(Fc))
    assert Fc[c0] == lam and (done.size > 1 or not above)  # above: some screened coset is solved
    assert np.allclose(Fc[done[done != c0]], F[done[done != c0]], rtol=0, atol=1e-12)
    screened = np.setdiff1d(np.arange(F.size), [c0, mir[c0]])
    below = screened[F[screened] < lam - 1e-13]
    assert (below.size > 0) == above
    if not above:
        assert best == -1
    else:
        assert F[best] == pytest.approx(F[below].min(), abs=1e-12)
        assert Kb == pytest.approx(float(full.sigma[best] @ full.kappa[best]), rel=1e-12)
