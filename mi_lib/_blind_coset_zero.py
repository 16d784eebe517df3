r"""Compiled kernels of the coset split's set-up and slope-0 stage (private module; imports numba).

Imported by the compiled split (:mod:`mi_lib._blind_coset_driver`) and by
:func:`mi_lib._blind_coset_core._structure` on first use, so that ``import
mi_lib`` does not load numba. Plain loops,
``numba.njit(cache=True)``; batches and letter rows as in
:mod:`mi_lib._blind_coset_kernels`, whose Newton step and bound they call.

* :func:`layout`: the padded batch of the cosets :math:`j \equiv c \pmod g`
  of the grid, their uniform laws, costs and smallest costs, and the
  asymmetry :math:`\max_j |\kappa_j - \kappa_{n-1-j}|` that decides the
  mirror symmetry.
* :func:`structure`: the letters in coset units, the layout and the mirror
  symmetry (:func:`_symmetric`) of a lattice model, in one pass.
* :func:`zero_slope`: every coset at slope 0, where the costs do not enter and
  cosets of one length are the same problem: one Newton solve per length, its
  one-step bound, and :math:`d\sigma/ds` of every coset from the same
  factorisation (:func:`_slope_dsig`).

Derivation: ``notes/discrete_solvers.md``, "The coset split of the blind problem".
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._blind_coset_kernels import (NONFINITE, OK, SINGULAR, _bordered, _lu_solve, _step1, _workspace, bound_batch,
                                   newton_batch)

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")  # x / 0 gives inf or NaN, as in numpy


@_jit
def _slope_dsig(ws, real, kap, out):
    """d sigma / d s of :func:`~mi_lib._blind_coset_kernels._step1` for the costs ``kap`` (rows of cosets with the law of the last step in ``ws``).

    Reuses the Hessian and D = sqrt(sigma) that the step left in ``ws``: the
    same bordered matrix, one LU for all right-hand sides -D kappa (each
    column is eliminated exactly as the step's second column). False if singular.
    """
    H, idx, D = ws[5], ws[6], ws[7]
    m = D.size
    nr = kap.shape[0]
    M, rhs = np.empty((m + 1, m + 1)), np.empty((m + 1, nr))
    n = _bordered(H, D, real, idx, M)
    for i in range(n):
        ki = idx[i]
        for r in range(nr):
            rhs[i, r] = -D[ki] * kap[r, ki]
    for r in range(nr):
        rhs[n, r] = 0.0
    if not _lu_solve(M, rhs, n + 1):
        return False
    for r in range(nr):
        for k in range(m):
            out[r, k] = 0.0
        for i in range(n):
            out[r, idx[i]] = D[idx[i]] * rhs[i, r]
    return True


@_jit
def zero_slope(R, real, kap, sig, dsig, maxit):
    """The coset problems at slope 0: (status, F0, L0, steps) (first stage of :func:`mi_lib._blind_coset_driver.solve`).

    Cosets of equal length are the same problem at slope 0: Newton's method
    (:func:`~mi_lib._blind_coset_kernels.newton_batch`) on the first coset of each length from ``sig``,
    its one-step bound, its law copied to the cosets of its length (into
    ``sig``), then one checking step on it (status 3 unless converged) and
    d sigma / d s of every coset into ``dsig`` (:func:`_slope_dsig`). F0 and
    L0 per coset; ``steps`` the Newton steps.
    """
    C, m = sig.shape
    lens = np.zeros(C, np.int64)
    for c in range(C):
        for k in range(m):
            lens[c] += 1 if real[c, k] else 0
    rep = np.empty(C, np.int64)
    nrep = 0
    for c in range(C):
        if c == 0 or lens[c] != lens[c - 1]:
            rep[nrep] = c
            nrep += 1
    rr, rk, rs = np.empty((nrep, m), np.bool_), np.empty((nrep, m)), np.empty((nrep, m))
    rd, r0 = np.zeros((nrep, m)), np.zeros(nrep)
    for j in range(nrep):
        for k in range(m):
            rr[j, k], rk[j, k], rs[j, k] = real[rep[j], k], kap[rep[j], k], sig[rep[j], k]
    F0, L0 = np.empty(C), np.empty(C)
    st, _f, _i, steps = newton_batch(R, rr, rk, rs, rd, r0, 0.0, maxit)
    if st != OK:
        return st, F0, L0, steps
    Lr = bound_batch(R, rr, rk, rs, 0.0)
    ws = _workspace(R, m)
    new, d1 = np.empty(m), np.empty(m)
    for j in range(nrep):
        st, f, _info, conv = _step1(R, rr[j], rk[j], rs[j], 0.0, ws, new, d1)
        if st != OK:
            return st, F0, L0, steps
        if not conv:
            return NONFINITE, F0, L0, steps
        lo = rep[j]
        hi = rep[j + 1] if j + 1 < nrep else C
        for c in range(lo, hi):
            F0[c], L0[c] = f, Lr[j]
            for k in range(m):
                sig[c, k] = rs[j, k]
        if not _slope_dsig(ws, rr[j], kap[lo:hi], dsig[lo:hi]):
            return SINGULAR, F0, L0, steps
    return OK, F0, L0, steps


@_jit
def layout(kappa, g, ncos):
    """The padded batch of the cosets j = c mod g of the grid ``kappa`` (:func:`mi_lib._blind_coset_core._structure`).

    Returns (idx, real, kap, sigma, delta, kmax, kmin): grid indices (padding
    repeats c), the real points, their costs (0 on the padding), the uniform
    law of each coset, max_j |kappa_j - kappa_(n-1-j)|, max_j |kappa_j| and
    the smallest cost of each coset.
    """
    n = kappa.size
    m = (n + g - 1) // g  # the length of coset 0, the longest
    idx, real = np.empty((ncos, m), np.int64), np.empty((ncos, m), np.bool_)
    kap, sig, kmin = np.empty((ncos, m)), np.empty((ncos, m)), np.empty(ncos)
    for c in range(ncos):
        L = (n - c + g - 1) // g
        kmin[c] = math.inf
        for k in range(m):
            r = k < L
            j = c + g * k if r else c
            idx[c, k], real[c, k] = j, r
            kap[c, k] = kappa[j] if r else 0.0
            sig[c, k] = 1.0 / L if r else 0.0
            if r:
                kmin[c] = min(kmin[c], kappa[j])
    delta, kmax = 0.0, 0.0
    for j in range(n):
        delta = max(delta, abs(kappa[j] - kappa[n - 1 - j]))
        kmax = max(kmax, abs(kappa[j]))
    return idx, real, kap, sig, delta, kmax, kmin


@_jit
def _symmetric(d, grp, cond, gp, dmax, rev):
    """Whether the letters are symmetric under the reflection, with the groups kept (rev False) or reversed.

    The multiset of (dmax - d_a, pi(u_a), p(x_a|u_a)) must equal that of
    (d_a, u_a, p(x_a|u_a)) and p(pi(u)) = p(u), exactly. The pairs (d_a, u_a)
    are distinct (one row per letter of a group), so the reflection is
    injective on them and it suffices that every reflected letter is a letter.
    """
    G, R = gp.size, d.size
    for u in range(G):
        if gp[G - 1 - u if rev else u] != gp[u]:
            return False
    for a in range(R):
        fd, fg = dmax - d[a], (G - 1 - grp[a]) if rev else grp[a]
        found = False
        for b in range(R):
            if d[b] == fd and grp[b] == fg and cond[b] == cond[a]:
                found = True
                break
        if not found:
            return False
    return True


@_jit
def structure(roff, rg, rp, gp, kappa, max_rows, max_m, mirror_kappa):
    """The coset layout of a lattice model (:func:`mi_lib._blind_coset_core._structure`).

    Returns (ok, (d, grp, cond, pa, gp), dmax, idx, real, kap, sigma, mir,
    has_mirror, mdelta, reps, kmin): ``ok`` false when the split does not apply
    (more than ``max_rows`` letters, letter offsets without a common divisor
    g > 1, or a coset longer than ``max_m``); the letters in coset units; the
    padded batch of :func:`layout`; the mirror coset of each coset
    ((n - 1 - c) mod g when the letters are symmetric (:func:`_symmetric`) and
    the costs symmetric to ``mirror_kappa`` of the largest, else c itself, with
    ``mdelta`` = max_j |kappa_j - kappa_(n-1-j)| or 0); the solved cosets
    (c <= mir[c]) and each coset's smallest cost.
    """
    R, n = roff.size, kappa.size
    rmin = roff.min()
    g = 0
    for r in range(R):
        a, b = g, roff[r] - rmin
        while b:
            a, b = b, a % b
        g = a
    d, cond = np.empty(R, np.int64), np.empty(R)
    if not (R <= max_rows and g > 1 and (n + g - 1) // g <= max_m):
        z2, zi = np.empty((0, 0)), np.empty(0, np.int64)
        return (False, (d, rg, cond, rp, gp), 0, np.empty((0, 0), np.int64), np.empty((0, 0), np.bool_), z2, z2, zi,
                False, 0.0, zi, np.empty(0))
    ncos = min(g, n)
    for r in range(R):
        d[r] = (roff[r] - rmin) // g
        cond[r] = rp[r] / gp[rg[r]]
    dmax = d.max()
    idx, real, kap, sig, delta, kmax, kmin = layout(kappa, g, ncos)
    sym = ncos == g and delta <= mirror_kappa * kmax
    sym = sym and (_symmetric(d, rg, cond, gp, dmax, False) or _symmetric(d, rg, cond, gp, dmax, True))
    mir = np.empty(ncos, np.int64)
    nrep = 0
    for c in range(ncos):
        mir[c] = (n - 1 - c) % g if sym else c
        nrep += 1 if c <= mir[c] else 0
    reps = np.empty(nrep, np.int64)
    i = 0
    for c in range(ncos):
        if c <= mir[c]:
            reps[i] = c
            i += 1
    return (True, (d, rg, cond, rp, gp), dmax, idx, real, kap, sig, mir, sym, delta if sym else 0.0, reps, kmin)
