r"""Compiled kernels of the blind coset split (private module; imports numba).

Imported by the other coset kernels (the compiled split,
:mod:`mi_lib._blind_coset_driver`) and by the functions of
:mod:`mi_lib._blind_coset_core` on their first call, so that ``import
mi_lib`` does not load numba. Every function is
``numba.njit(cache=True)`` (compiled once, then loaded from numba's cache),
written as plain loops: numba's slice assignment and array expressions cost
seconds of compilation. The cosets have a few points each, so the numpy
versions spent their time in call overhead, not arithmetic (round 6 of
``notes/discrete_solvers.md``, "compiled coset split").

A batch is ``C`` cosets padded to ``m`` points (``real`` marks the real
ones, masses and costs are zero on the padding); the letters are the rows
``R = (d, grp, cond, pa, gp)`` of :class:`mi_lib._blind_coset_core._Rows`:
offset :math:`d_a` in coset units, group (the value of :math:`U`),
:math:`p(x|u)`, :math:`p(u, x)` and :math:`p(u)` per group. Per coset:

* outputs :math:`V_u(y) = \sum_{a \in u} p(x_a|u)\,\sigma(y - d_a)`,
  :math:`q = \sum_u p(u) V_u`, their logarithms (``log 0 = -inf``) and
  :math:`I_c = \sum_{u,y} p(u) V_u \log(V_u / q)` (:func:`outputs_batch`);
* the gradient :math:`\partial I_c / \partial\sigma_k = \sum_a p(a)
  (\log V_{u_a} - \log q)(k + d_a)` (:func:`gradient_batch`);
* the Hessian :math:`H_{k,k'} = \sum_{a,b:\,d_a - d_b = k' - k} p(a)p(b)
  \bigl([u_a = u_b]/(p(u_a) V_{u_a}(y)) - 1/q(y)\bigr)`, :math:`y = k + d_a`
  (:func:`hessian_batch`);
* one damped Newton step on :math:`I_c + s\,\mathbb{E}_\sigma\kappa` over the
  simplex (:func:`step_batch`: the bordered, :math:`\sqrt\sigma`-scaled
  system solved by LU with partial pivoting, the decrement, the
  stationarity residual, :math:`d\sigma/ds`, the fraction to the boundary and
  the Armijo search), and the Newton loop (:func:`newton_batch`);
* the one-step Blahut–Arimoto bound :math:`L_c(s)` (:func:`bound_batch`);
* the log-linear prediction of the laws at another slope (:func:`predict_batch`).

The padded layout of the cosets and the slope-0 stage are in
:mod:`mi_lib._blind_coset_zero`.

The formulas, the stopping tests and the handling of ``-inf`` and NaN are
those of the numpy code they replace (``np.maximum`` propagates NaN, NaN
terms of the bound count as ``-inf``).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from . import _blind_coset_active as act
from ._blind_coset_core import _CONVERGED as CONVERGED, _RESID as RESID  # the Newton stopping test

OK, NONPOSITIVE, SINGULAR, NONFINITE = 0, 1, 2, 3  # status of step_batch / newton_batch

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")  # x / 0 gives inf or NaN, as in numpy
_jit_inline = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")  # shared bodies


@_jit
def _outputs1(R, sig, V, q, lV, lq):
    """Outputs of one coset (``sig`` padded, length m) into V, lV (G, ny) and q, lq (ny,); returns I_c."""
    d, grp, cond, gp = R[0], R[1], R[2], R[4]
    G, ny = V.shape
    m = sig.size
    for g in range(G):
        for y in range(ny):
            V[g, y] = 0.0
    for a in range(d.size):
        g, o, c = grp[a], d[a], cond[a]
        for k in range(m):
            V[g, o + k] += c * sig[k]
    info = 0.0
    for y in range(ny):
        t = 0.0
        for g in range(G):
            t += gp[g] * V[g, y]
        q[y] = t
        lq[y] = np.log(t)
    for g in range(G):
        for y in range(ny):
            v = V[g, y]
            lv = np.log(v)
            lV[g, y] = lv
            if v > 0.0:
                info += gp[g] * (v * (lv - lq[y]))
    return info


@_jit
def _gradient1(R, lV, lq, real, out):
    """out[k] = sum_a p(a) (log V_{u_a} - log q)(k + d_a) on real points, 0 on the padding."""
    d, grp, pa = R[0], R[1], R[3]
    m = out.size
    for k in range(m):
        out[k] = 0.0
    for a in range(d.size):
        g, o, c = grp[a], d[a], pa[a]
        for k in range(m):
            out[k] += c * (lV[g, o + k] - lq[o + k])
    for k in range(m):
        if not real[k]:
            out[k] = 0.0


@_jit
def _hessian1(R, V, q, real, H):
    """Hessian of I_c on the real points (zero elsewhere); 1/q and 1/V are 0 where q, V are 0."""
    d, grp, pa, gp = R[0], R[1], R[3], R[4]
    m = H.shape[0]
    for i in range(m):
        for j in range(m):
            H[i, j] = 0.0
    for a in range(d.size):
        for b in range(d.size):
            sh = d[a] - d[b]
            ab = pa[a] * pa[b]
            same = grp[a] == grp[b]
            g = grp[a]
            for k in range(max(0, -sh), min(m, m - sh)):
                y = k + d[a]
                iq = 1.0 / q[y] if q[y] > 0.0 else 0.0
                val = -ab * iq
                if same:
                    iv = 1.0 / V[g, y] if V[g, y] > 0.0 else 0.0
                    val = val + ab / gp[g] * iv
                H[k, k + sh] += val
    for i in range(m):
        for j in range(m):
            if not (real[i] and real[j]):
                H[i, j] = 0.0


@_jit
def outputs_batch(R, sig):
    """(V, q, log V, log q, I) of every coset of the batch ``sig`` (C, m)."""
    C, m = sig.shape
    G, ny = R[4].size, m + R[0].max()
    V, lV = np.empty((C, G, ny)), np.empty((C, G, ny))
    q, lq, info = np.empty((C, ny)), np.empty((C, ny)), np.empty(C)
    for c in range(C):
        info[c] = _outputs1(R, sig[c], V[c], q[c], lV[c], lq[c])
    return V, q, lV, lq, info


@_jit
def gradient_batch(R, lV, lq, real):
    """Gradient of I_c on every coset (C, m), 0 on the padding."""
    C, m = real.shape
    out = np.empty((C, m))
    for c in range(C):
        _gradient1(R, lV[c], lq[c], real[c], out[c])
    return out


@_jit
def hessian_batch(R, V, q, real):
    """Hessian of I_c on every coset (C, m, m), 0 outside real x real."""
    C, m = real.shape
    H = np.empty((C, m, m))
    for c in range(C):
        _hessian1(R, V[c], q[c], real[c], H[c])
    return H


@_jit_inline
def _bordered(H, D, real, idx, M):
    """idx <- the real points; the leading block of M <- [D H D, D; D', 0] on them; returns their number n."""
    n = 0
    for k in range(real.size):
        if real[k]:
            idx[n] = k
            n += 1
    for i in range(n):
        ki = idx[i]
        for j in range(n):
            kj = idx[j]
            M[i, j] = D[ki] * H[ki, kj] * D[kj]
        M[i, n] = D[ki]
        M[n, i] = D[ki]
    M[n, n] = 0.0
    return n


@_jit
def _lu_solve(M, rhs, n):
    """Solve M X = rhs on the leading n rows in place (rhs holds X): LU with partial pivoting.

    False if a pivot is exactly 0 (where LAPACK's dgesv reports a singular matrix).
    """
    nr = rhs.shape[1]
    for j in range(n):
        p, big = j, abs(M[j, j])
        for i in range(j + 1, n):
            if abs(M[i, j]) > big:
                p, big = i, abs(M[i, j])
        if M[p, j] == 0.0:
            return False
        if p != j:
            for k in range(n):
                M[j, k], M[p, k] = M[p, k], M[j, k]
            for k in range(nr):
                rhs[j, k], rhs[p, k] = rhs[p, k], rhs[j, k]
        piv = M[j, j]
        for i in range(j + 1, n):
            f = M[i, j] / piv
            if f != 0.0:
                for k in range(j + 1, n):
                    M[i, k] -= f * M[j, k]
                for k in range(nr):
                    rhs[i, k] -= f * rhs[j, k]
    for j in range(n - 1, -1, -1):
        for k in range(nr):
            t = rhs[j, k]
            for i in range(j + 1, n):
                t -= M[j, i] * rhs[i, k]
            rhs[j, k] = t / M[j, j]
    return True


@_jit
def _value(R, sig, kap, s, V, q, lV, lq):
    """I_c + s E_sigma kappa at one coset's law."""
    info = _outputs1(R, sig, V, q, lV, lq)
    ek = 0.0
    for k in range(sig.size):
        ek += sig[k] * kap[k]
    return info + s * ek


@_jit
def _step1(R, real, kap, sig, s, ws, new, dsig):
    """One damped Newton step on one coset; returns (status, f, info, converged)."""
    info = _outputs1(R, sig, ws[0], ws[1], ws[2], ws[3])
    _gradient1(R, ws[2], ws[3], real, ws[4])
    return _step_tail(R, real, kap, sig, s, ws, new, dsig, info)


@_jit_inline
def _step_tail(R, real, kap, sig, s, ws, new, dsig, info):
    """:func:`_step1` from the outputs (ws[0:4]) and the gradient of I_c (ws[4], overwritten) at ``sig``.

    Works on the support real & (sig > 0); zero masses follow the active set of
    :mod:`mi_lib._blind_coset_active` (converged also needs their KKT condition).
    """
    V, q, lV, lq, grad, H, idx, D, d, trial, M, rhs, sup = ws
    m = sig.size
    nz = act.support(real, sig, sup)
    if nz:
        act.limit_gradient(R, sig, q, lV, lq, real, grad)
    ek = 0.0
    for k in range(m):
        ek += sig[k] * kap[k]
    f = info + s * ek
    for k in range(m):
        grad[k] += s * kap[k]
        D[k] = math.sqrt(sig[k])
    _hessian1(R, V, q, sup, H)
    # bordered system on the support: [D H D, D; D', 0] [z, .] = [-D grad, -D kappa; 0, 0]
    n = _bordered(H, D, sup, idx, M)
    for i in range(n):
        ki = idx[i]
        rhs[i, 0] = -D[ki] * grad[ki]
        rhs[i, 1] = -D[ki] * kap[ki]
    rhs[n, 0], rhs[n, 1] = 0.0, 0.0
    if not _lu_solve(M, rhs, n + 1):
        return SINGULAR, f, info, False
    # Newton decrement z'Hz (no cancellation when grad is nearly constant on the coset)
    dec = 0.0
    for i in range(n):
        ki = idx[i]
        t = 0.0
        for j in range(n):
            kj = idx[j]
            t += D[ki] * H[ki, kj] * D[kj] * rhs[j, 0]
        dec += rhs[i, 0] * t
    if not math.isfinite(dec):
        return NONFINITE, f, info, False
    # stationarity residual: grad is constant on the support at the optimum, not below it elsewhere
    mean = 0.0
    for k in range(m):
        if sup[k]:
            mean += sig[k] * grad[k]
    resid = 0.0
    for k in range(m):
        if sup[k]:
            resid = max(resid, abs(grad[k] - mean))
        elif real[k]:
            resid = max(resid, mean - grad[k])
    conv = dec <= CONVERGED and resid <= RESID
    for k in range(m):
        d[k] = 0.0
        dsig[k] = 0.0
    for i in range(n):
        ki = idx[i]
        d[ki] = D[ki] * rhs[i, 0]
        dsig[ki] = D[ki] * rhs[i, 1]  # implicit function theorem at fixed coset
    ratio = math.inf
    for k in range(m):
        if sup[k] and d[k] < 0.0:
            ratio = min(ratio, sig[k] / -d[k])
    alpha = min(1.0, 0.995 * ratio)
    # Armijo search where the decrement is large enough for f to resolve it
    if dec > 1e-10:
        slack = 1e-15 * (abs(f) + 1.0)
        for _ in range(60):
            for k in range(m):
                trial[k] = sig[k] + alpha * d[k]
            ft = _value(R, trial, kap, s, V, q, lV, lq)
            if not (ft > f - 1e-4 * alpha * dec + slack):
                break
            alpha = 0.5 * alpha
    tot = 0.0
    for k in range(m):
        new[k] = sig[k] + alpha * d[k] if real[k] else 0.0
        tot += new[k]
    top, low = 0.0, math.inf
    for k in range(m):
        new[k] = new[k] / tot
        top = max(top, new[k])
        if sup[k]:
            low = min(low, new[k])
    if nz or low < act.DROP * top:
        act.drop_enter(real, sig, grad, mean, RESID, new)
    return OK, f, info, conv


@_jit
def _workspace(R, m):
    G, ny = R[4].size, m + R[0].max()
    return (np.empty((G, ny)), np.empty(ny), np.empty((G, ny)), np.empty(ny), np.empty(m), np.empty((m, m)),
            np.empty(m, np.int64), np.empty(m), np.empty(m), np.empty(m), np.empty((m + 1, m + 1)),
            np.empty((m + 1, 2)), np.empty(m, np.bool_))


@_jit
def _step_into(R, real, kap, sig, s, ws, new, f, info, conv, dsig):
    """Newton step on every coset of the batch into new, f, info, conv, dsig; returns the status."""
    C, m = sig.shape
    for c in range(C):
        for k in range(m):
            if real[c, k] and not sig[c, k] >= 0.0:  # zero masses: the active set
                return NONPOSITIVE
    status = OK
    for c in range(C):
        st, fc, ic, cc = _step1(R, real[c], kap[c], sig[c], s, ws, new[c], dsig[c])
        f[c], info[c], conv[c] = fc, ic, cc
        if st != OK:
            status = st
    return status


@_jit
def step_batch(R, real, kap, sig, s):
    """One damped Newton step at slope s on every coset: (status, new sigma, f, I, converged, d sigma / d s)."""
    C, m = sig.shape
    new, dsig = np.empty((C, m)), np.empty((C, m))
    f, info, conv = np.empty(C), np.empty(C), np.zeros(C, np.bool_)
    status = _step_into(R, real, kap, sig, s, _workspace(R, m), new, f, info, conv, dsig)
    return status, new, f, info, conv, dsig


@_jit
def newton_batch(R, real, kap, sig, dsig, s0, s, maxit):
    """Newton steps at slope s from the prediction of ``sig`` (laws at slopes ``s0``) until all converge.

    On success ``sig``, ``dsig`` and ``s0`` are overwritten (in place) by the
    last law evaluated (not the step taken from it, as the Python loop did),
    its d sigma / d s and s. Returns (status, f, I, steps); at most ``maxit``
    steps.
    """
    C, m = sig.shape
    ws = _workspace(R, m)
    moved = False
    for c in range(C):
        moved = moved or s0[c] != s
    cur = predict_batch(real, sig, dsig, s0, s) if moved else sig.copy()
    new, ds = np.empty((C, m)), np.empty((C, m))
    f, info, conv = np.empty(C), np.empty(C), np.zeros(C, np.bool_)
    steps = 0
    for it in range(maxit + 1):
        status = _step_into(R, real, kap, cur, s, ws, new, f, info, conv, ds)
        if status != OK:
            return status, f, info, steps
        done = True
        for c in range(C):
            done = done and conv[c]
        if it == maxit or done:
            break
        cur, new = new, cur
        steps += 1
    for c in range(C):
        s0[c] = s
        for k in range(m):
            sig[c, k], dsig[c, k] = cur[c, k], ds[c, k]
    return OK, f, info, steps


@_jit
def _pmax(a, b):
    """np.maximum of two floats: NaN if either is NaN."""
    if a != a:
        return a
    if b != b:
        return b
    return a if a >= b else b


@_jit
def shifted_max(acc, rows, offs, lrho):
    """acc[r, y] = max over letter rows a with rows[a] = r of lrho[y - offs[a]] (-inf where none reaches y).

    The one-step ratio carried to the outputs: each letter row ``a`` sees the
    window ``offs[a] .. offs[a] + lrho.size - 1``; NaN propagates (as np.maximum).
    Shared by the per-coset bound here and the interior-point kernel.
    """
    G, ny = acc.shape
    for g in range(G):
        for y in range(ny):
            acc[g, y] = -math.inf
    for a in range(rows.size):
        g, o = rows[a], offs[a]
        for k in range(lrho.size):
            acc[g, o + k] = _pmax(acc[g, o + k], lrho[k])


@_jit
def _lse1(a):
    """log sum exp of a 1-D array as mi_lib._logdomain._lse: -inf for all -inf, NaN-free shift."""
    mx = -math.inf
    for v in a:
        mx = _pmax(mx, v)
    if not math.isfinite(mx):
        mx = 0.0
    t = 0.0
    for v in a:
        t += math.exp(v - mx)
    return np.log(t) + mx


@_jit
def bound_batch(R, real, kap, sig, s):
    """One-step Blahut–Arimoto bound L_c(s) per coset (-inf when NaN).

    A law with a zero mass is first mixed with the uniform law
    (:func:`mi_lib._blind_coset_active.mixed`): the bound needs full support.
    """
    C, m = sig.shape
    ws = _workspace(R, m)
    V, q, lV, lq, grad = ws[0], ws[1], ws[2], ws[3], ws[4]
    bws = _bound_workspace(R, m)
    out = np.empty(C)
    for c in range(C):
        sc = ws[9] if act.mixed(real[c], sig[c], ws[9]) else sig[c]  # a full-support law near sig
        _outputs1(R, sc, V, q, lV, lq)
        _gradient1(R, lV, lq, real[c], grad)
        out[c] = _bound1(R, real[c], kap[c], sc, s, V, q, lV, lq, grad, bws)
    return out


@_jit
def _bound_workspace(R, m):
    """Scratch arrays of :func:`_bound1` (base, lrho, acc, col) and log p(u)."""
    G, ny = R[4].size, m + R[0].max()
    return np.empty(m), np.empty(m), np.empty((G, ny)), np.empty(G), np.log(R[4])


@_jit_inline
def _bound1(R, rc, kc, sc, s, V, q, lV, lq, grad, bws):
    """L_c(s) of one coset from its outputs and the gradient of I_c at ``sc`` (see :func:`bound_batch`)."""
    d, grp = R[0], R[1]
    base, lrho, acc, col, lgp = bws
    G, ny = acc.shape
    m = sc.size
    full = True
    for k in range(m):
        ell = np.log(sc[k])
        b = ell - grad[k] - s * kc[k] if rc[k] else -math.inf
        base[k] = -math.inf if b != b else b
        full = full and (not rc[k] or sc[k] > 0.0)
    lZ = _lse1(base)
    for k in range(m):
        lrho[k] = base[k] - lZ - np.log(sc[k]) if rc[k] else -math.inf
    shifted_max(acc, grp, d, lrho)
    logR = -math.inf
    for y in range(ny):
        for g in range(G):
            t = lgp[g] + lV[g, y] - lq[y] + acc[g, y]
            col[g] = -math.inf if t != t else t
        py = _lse1(col) if q[y] > 0.0 else -math.inf
        logR = _pmax(logR, py)
    val = -lZ - logR
    return val if full and val == val else -math.inf


@_jit
def predict_batch(real, sig, dsig, s0, s):
    """sigma exp((s - s0) dsigma/ds / sigma) renormalised per coset (-inf exponents on the padding)."""
    C, m = sig.shape
    out = np.empty((C, m))
    for c in range(C):
        mx = -math.inf
        for k in range(m):
            if real[c, k] and sig[c, k] > 0.0:  # a dropped point stays out (the step may bring it back)
                e = np.log(sig[c, k]) + (s - s0[c]) * (dsig[c, k] / sig[c, k])
            else:
                e = -math.inf
            out[c, k] = e
            mx = _pmax(mx, e)
        tot = 0.0
        for k in range(m):
            out[c, k] = math.exp(out[c, k] - mx)
            tot += out[c, k]
        for k in range(m):
            out[c, k] = out[c, k] / tot
    return out
