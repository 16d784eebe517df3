r"""Compiled kernels of the fixed-slope informed Newton method (private module; numba).

These are the inner loops of :func:`mi_lib._mixing._informed_san_body` and its
helpers, compiled with ``numba.njit(cache=True)``: the scaled active-set Newton
method for :math:`\min_{w \ge 0} -\sum_k p_k \log f_k + \sum_j w_j`,
:math:`f = L w`, on atoms (one output letter ``y_j`` and one row ``sel[j, g]``
per group ``g``), with :math:`\log L_{kj} = \log K(x_k, y_j)`. Why these loops
are compiled (a NumPy version spent its time in the number of small-array
calls per step, not in arithmetic): ``notes/discrete_solvers.md``, "Round 6
(issue 10): compiled inner loops".

Conventions shared with the callers in :mod:`mi_lib._mixing`:

* rows: ``x`` (input letter of each row), ``gidx``/``goff`` (the rows of
  group ``g`` are ``gidx[goff[g]:goff[g + 1]]``), masses ``p`` and
  ``logp`` (inactive rows: 0 and -inf), ``act`` (rows counted);
* atoms: ``y`` (J,), ``sel`` (J, G), log-weights ``lw`` (J,);
* log-domain arithmetic as in :mod:`mi_lib._logdomain`: ``log 0 = -inf``,
  log-sum-exp of an all -inf slice is -inf, and ``-inf - -inf`` (a row outside
  the problem) is read as -inf where the numpy code did so.

Nothing is compiled at import: numba compiles (or loads from its cache in
``__pycache__``) at the first call.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._qp_kernels import qp, top

_INF = np.inf

_jit = njit(cache=True, error_model="numpy")  # numpy's IEEE semantics: x / 0 is inf or NaN, never an exception


@_jit
def amax(a):
    """max of a 1-D array, -inf if empty (NaN propagates as in numpy)."""
    m = -_INF
    for i in range(a.size):
        v = a[i]
        if v != v:
            return np.nan
        if v > m:
            m = v
    return m


@_jit
def shared_rows_product(R, P, sel):
    """M[i, j] = sum over groups g with sel[i, g] == sel[j, g] of R[i, g] P[j, g] (atoms meeting on a row)."""
    J, G = sel.shape
    M = np.zeros((J, J))
    for i in range(J):
        for j in range(J):
            acc = 0.0
            for g in range(G):
                if sel[i, g] == sel[j, g]:
                    acc += R[i, g] * P[j, g]
            M[i, j] = acc
    return M


@_jit
def lse1(a):
    """log sum exp of a 1-D array (-inf if empty or all -inf; +inf if any +inf; NaN propagates)."""
    m = amax(a)
    if not np.isfinite(m):  # NaN, -inf (empty or all -inf) or +inf
        return m
    s = 0.0
    for i in range(a.size):
        s += np.exp(a[i] - m)
    return np.log(s) + m


@_jit
def pymin(a, b):
    """Python's ``min(a, b)`` (keeps ``a`` unless ``b < a``: NaN in ``a`` propagates)."""
    return b if b < a else a


@_jit
def pymax(a, b):
    """Python's ``max(a, b)``."""
    return b if b > a else a


@_jit
def minus(a, c):
    """a - c (a loop: whole-array expressions cost compilation time, not run time)."""
    out = np.empty(a.size)
    for i in range(a.size):
        out[i] = a[i] - c
    return out


@_jit
def times(A, c):
    """c A for a 2-D array (as numpy's ``c * A``)."""
    out = np.empty(A.shape)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            out[i, j] = c * A[i, j]
    return out


@_jit
def logf_of(logK, x, n, y, sel, lw):
    """``log f_k = log sum_j w_j L_kj`` for every row (-inf if no atom serves it) and ``log L`` (J, G)."""
    J, G = sel.shape
    lL = np.empty((J, G))
    m = np.full(n, -_INF)
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            v = logK[x[k], y[j]]
            lL[j, g] = v
            e = v + lw[j]
            if e > m[k]:
                m[k] = e
    s = np.zeros(n)
    for k in range(n):
        if not np.isfinite(m[k]):
            m[k] = 0.0
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            s[k] += np.exp(lL[j, g] + lw[j] - m[k])
    logf = np.empty(n)
    for k in range(n):
        logf[k] = np.log(s[k]) + m[k]
    return logf, lL


@_jit
def atom_logD(logp, logf, lL, sel):
    """``log D_j = log sum_g p_k L_kj / f_k`` over the atom's rows (a row outside the problem: no term)."""
    J, G = sel.shape
    out = np.empty(J)
    buf = np.empty(G)
    for j in range(J):
        for g in range(G):
            if np.isfinite(lL[j, g]):
                k = sel[j, g]
                r = logp[k] - logf[k]
                buf[g] = (-_INF if r != r else r) + lL[j, g]
            else:
                buf[g] = -_INF
        out[j] = lse1(buf)
    return out


@_jit
def terms(logK, x, logp, logf, gidx, goff):
    """``log D(y)``, the best atom at every y (ny, G) and the group terms ``log max_x p K / f`` (G, ny).

    ``logp`` is -inf on rows not counted; ``log p - log f`` that is not finite
    (an unserved row) gives no term; ties go to the first row of the group.
    """
    n = logp.size
    ny = logK.shape[1]
    G = goff.size - 1
    a = np.empty(n)
    for k in range(n):
        v = logp[k] - logf[k]
        a[k] = v if np.isfinite(v) else -_INF
    Gm = np.empty((G, ny))
    selb = np.empty((ny, G), dtype=np.intp)
    for g in range(G):
        k0 = gidx[goff[g]]
        r0 = logK[x[k0]]
        for t in range(ny):
            Gm[g, t] = a[k0] + r0[t]
            selb[t, g] = k0
        for i in range(goff[g] + 1, goff[g + 1]):
            k = gidx[i]
            r = logK[x[k]]
            for t in range(ny):
                v = a[k] + r[t]
                if v > Gm[g, t]:
                    Gm[g, t] = v
                    selb[t, g] = k
    logD = np.empty(ny)
    buf = np.empty(G)
    for t in range(ny):
        for g in range(G):
            buf[g] = Gm[g, t]
        logD[t] = lse1(buf)
    return logD, selb, Gm


@_jit
def add_candidates(logK, x, logp, logf, nact, y, sel, lL, logDA, logD, selbest, lm):
    """Append the best atoms at the local maxima of D and at the outputs with D above ``sqrt(max D)``.

    At most ``nact + 2`` (largest D first); atoms already present are
    skipped. Returns y, sel, log L and log D of the atoms.
    """
    ny = logD.size
    cand = np.empty(ny, dtype=np.intp)
    nc = 0
    for i in range(ny):
        up = (i == 0 or logD[i] >= logD[i - 1]) and (i == ny - 1 or logD[i] >= logD[i + 1])
        if logD[i] > 0.0 and (up or logD[i] > 0.5 * lm):
            cand[nc] = i
            nc += 1
    cand = cand[:nc]
    cap = nact + 2
    if nc > cap:
        vals = np.empty(nc)
        for c in range(nc):
            vals[c] = logD[cand[c]]
        order = top(vals, cap, True)  # numpy: argsort(...)[::-1][:cap]
        best = np.empty(cap, dtype=np.intp)
        for c in range(cap):
            best[c] = cand[order[c]]
        cand = best
        nc = cap
    J, G = sel.shape
    fresh = np.zeros(nc, dtype=np.bool_)
    nf = 0
    for c in range(nc):
        t = cand[c]
        dup = False
        for j in range(J):
            if y[j] == t:
                same = True
                for g in range(G):
                    if sel[j, g] != selbest[t, g]:
                        same = False
                        break
                if same:
                    dup = True
                    break
        if not dup:
            fresh[c] = True
            nf += 1
    if nf == 0:
        return y, sel, lL, logDA
    y2 = np.empty(J + nf, dtype=np.intp)
    sel2 = np.empty((J + nf, G), dtype=np.intp)
    lL2 = np.empty((J + nf, G))
    D2 = np.empty(J + nf)
    for j in range(J):  # (loops, not slice assignment: that costs seconds of compilation)
        y2[j] = y[j]
        D2[j] = logDA[j]
        for g in range(G):
            sel2[j, g] = sel[j, g]
            lL2[j, g] = lL[j, g]
    j = J
    for c in range(nc):
        if fresh[c]:
            t = cand[c]
            y2[j] = t
            for g in range(G):
                k = selbest[t, g]
                sel2[j, g] = k
                lL2[j, g] = logK[x[k], t]
            j += 1
    Dn = atom_logD(logp, logf, lL2[J:], sel2[J:])
    for j in range(nf):
        D2[J + j] = Dn[j]
    return y2, sel2, lL2, D2


@_jit
def newton_system(logp, logf, lL, lw, sel, J0, logDA):
    """The scaled Newton subproblem: (M = R Pi row-scaled by 1/D, q = (1 - D)/D, log sigma, lower bounds).

    ``M[i, j] = sum_g [sel[i, g] = sel[j, g]] R_ig Pi_jg`` (an atom's rows
    are one per group, so ``R Pi`` only pairs atoms sharing a row of a group).
    """
    J, G = sel.shape
    logsig = np.empty(J)
    for j in range(J0):
        logsig[j] = lw[j]
    for j in range(J0, J):
        m = _INF
        for g in range(G):
            if np.isfinite(lL[j, g]):
                v = logf[sel[j, g]] - lL[j, g]
                if v < m:
                    m = v
        logsig[j] = m
    R = np.zeros((J, G))
    P = np.zeros((J, G))
    for j in range(J):
        for g in range(G):
            if np.isfinite(lL[j, g]):
                k = sel[j, g]
                r = logp[k] - logf[k]
                R[j, g] = np.exp((-_INF if r != r else r) + lL[j, g] - logDA[j])
                v = lL[j, g] + logsig[j] - logf[k]
                if v == v:  # NaN only outside the problem (R = 0)
                    P[j, g] = np.exp(min(v, 0.0))
    M = shared_rows_product(R, P, sel)
    q = np.empty(J)
    for j in range(J):
        q[j] = np.expm1(-logDA[j])
    lb = np.zeros(J)
    for j in range(J0):
        lb[j] = -1.0
    return M, q, logsig, lb


@_jit
def trial_weights(lw, logsig, z, t, J0):
    """log weights after the step t z: w (1 + t z) for old atoms, sigma t z for new ones (-inf: removed)."""
    J = z.size
    out = np.empty(J)
    for j in range(J0):
        out[j] = lw[j] + np.log1p(max(t * z[j], -1.0))
    for j in range(J0, J):
        tz = t * z[j]
        out[j] = logsig[j] + np.log(tz) if tz > 0 else -_INF
    return out


@_jit
def step_slope(logDA, logsig, z):
    """Directional derivative of F along sigma z: sum_j sigma_j (1 - D_j) z_j, in the log domain."""
    acc = 0.0
    for j in range(z.size):
        prod = -np.expm1(logDA[j]) * z[j]
        mag = logsig[j] + np.log(abs(prod))
        if mag > 700.0:
            mag = 700.0
        acc += np.sign(prod) * np.exp(mag)
    return acc


@_jit
def count(mask):
    c = 0
    for i in range(mask.size):
        if mask[i]:
            c += 1
    return c


@_jit
def finite(a):
    out = np.empty(a.size, dtype=np.bool_)
    for i in range(a.size):
        out[i] = np.isfinite(a[i])
    return out


@_jit
def compact(y, sel, lw, keep):
    """The atoms where ``keep``."""
    nk = 0
    for j in range(keep.size):
        if keep[j]:
            nk += 1
    G = sel.shape[1]
    y2 = np.empty(nk, dtype=np.intp)
    sel2 = np.empty((nk, G), dtype=np.intp)
    lw2 = np.empty(nk)
    i = 0
    for j in range(keep.size):
        if keep[j]:
            y2[i] = y[j]
            for g in range(G):
                sel2[i, g] = sel[j, g]
            lw2[i] = lw[j]
            i += 1
    return y2, sel2, lw2


@_jit
def objective(p, logf, act, lw):
    """``F = -sum_{active} p_k log f_k + sum_j w_j``."""
    a = 0.0
    for k in range(p.size):
        if act[k]:
            a += p[k] * logf[k]
    b = 0.0
    for j in range(lw.size):
        b += np.exp(lw[j])
    return -a + b


@_jit
def all_served(logf, act):
    for k in range(logf.size):
        if act[k] and not np.isfinite(logf[k]):
            return False
    return True


@_jit
def armijo(logK, x, p, act, y, sel, lw, logsig, z, J0, logDA, F0):
    """Armijo search on F along z: (ok, y, sel, lw, log f, log L, kept atoms)."""
    n = p.size
    slope = step_slope(logDA, logsig, z)
    sl = pymax(pymin(slope, 0.0), -1e300)
    t = 1.0
    while t >= 1e-10:
        lw_t = trial_weights(lw, logsig, z, t, J0)
        keep = finite(lw_t)
        yt, st, wt = compact(y, sel, lw_t, keep)
        logf_t, lL_t = logf_of(logK, x, n, yt, st, wt)
        if all_served(logf_t, act):
            Ft = objective(p, logf_t, act, wt)
            if Ft <= F0 + 1e-4 * t * sl + 1e-15 * max(1.0, abs(F0)):
                return True, yt, st, wt, logf_t, lL_t, keep
        t *= 0.5
    return False, y, sel, lw, logf_t, lL_t, keep


@_jit
def san(logK, x, gidx, goff, p, logp, act, logptot, y, sel, lw, tol, generate, maxiter):
    """Scaled active-set Newton method (:func:`mi_lib._mixing._informed_san_body`).

    Returns the normalised atoms (y, sel, lw), log f, ``lm = log max D`` and
    the number of Newton steps.
    """
    n = p.size
    nact = count(act)  # (not a literal 0 incremented here: numba would also compile the callees for Literal[int](0))
    dying = np.zeros(y.size, dtype=np.bool_)
    it = 0
    logf, lL = logf_of(logK, x, n, y, sel, lw)
    logD = np.empty(0)
    selbest = np.empty((0, sel.shape[1]), dtype=np.intp)
    lm = _INF
    while True:
        served = all_served(logf, act)
        logDA = atom_logD(logp, logf, lL, sel) if served else np.empty(0)
        if served and generate:
            logD, selbest, _ = terms(logK, x, logp, logf, gidx, goff)
            lm = pymax(amax(logD), amax(logDA))
        else:
            lm = amax(logDA) if served else _INF
        if not served or lm + lse1(lw) - logptot <= tol or it >= maxiter:
            break
        it += 1
        J0 = y.size
        if generate:
            y, sel, lL, logDA = add_candidates(logK, x, logp, logf, nact, y, sel, lL, logDA, logD, selbest, lm)
        M, qn, logsig, lb = newton_system(logp, logf, lL, lw, sel, J0, logDA)
        z0 = np.zeros(y.size)
        if J0 == dying.size:
            for j in range(J0):
                if dying[j]:
                    z0[j] = -1.0
        z = qp(M, qn, lb, z0, nact)
        F0 = objective(p, logf, act, lw)
        ok, y2, sel2, lw2, logf2, lL2, keep = armijo(logK, x, p, act, y, sel, lw, logsig, z, J0, logDA, F0)
        if not ok:  # no progress at this precision
            y, sel = y[:J0].copy(), sel[:J0].copy()
            logf, lL = logf_of(logK, x, n, y, sel, lw)
            break
        dying = np.empty(y2.size, dtype=np.bool_)
        i = 0
        for j in range(keep.size):
            if keep[j]:
                dying[i] = z[j] <= lb[j] + 1e-14
                i += 1
        y, sel, lw, logf, lL = y2, sel2, lw2, logf2, lL2
    c = lse1(lw)
    return y, sel, minus(lw, c), minus(logf, c), lm + c, it


@_jit
def initial_mix(logK, x, p, logp, gidx, goff, cov, pool):
    """One atom per input letter of the rows in ``cov`` at its cheapest output (:func:`mi_lib._mixing._initial_mix`).

    The atom holds the letter's rows and, for the groups without one, the
    best row of ``pool`` (all the group's rows if none) at that output; its
    log-weight is the letter's mass, normalised over the atoms.
    """
    n = p.size
    nxl = logK.shape[0]
    G = goff.size - 1
    px = np.zeros(nxl)
    has = np.zeros(nxl, dtype=np.bool_)
    for k in range(n):
        if cov[k]:
            px[x[k]] += p[k]
            has[x[k]] = True
    J = count(has)
    y = np.empty(J, dtype=np.intp)
    sel = np.empty((J, G), dtype=np.intp)
    lw = np.empty(J)
    j = 0
    for xl in range(nxl):
        if not has[xl]:
            continue
        yb = 0
        for t in range(1, logK.shape[1]):
            if logK[xl, t] > logK[xl, yb]:
                yb = t
        y[j] = yb
        for g in range(G):
            hit = -1
            for i in range(goff[g], goff[g + 1]):
                k = gidx[i]
                if cov[k] and x[k] == xl:
                    hit = k
                    break
            if hit < 0:
                anyp = False
                for i in range(goff[g], goff[g + 1]):
                    if pool[gidx[i]]:
                        anyp = True
                best = -_INF
                for i in range(goff[g], goff[g + 1]):
                    k = gidx[i]
                    if anyp and not pool[k]:
                        continue
                    v = logp[k] + logK[x[k], yb]
                    if hit < 0 or v > best:
                        hit = k
                        best = v
            sel[j, g] = hit
        lw[j] = np.log(px[xl])
        j += 1
    return y, sel, minus(lw, lse1(lw))


@_jit
def channel(logK, x, n, y, sel, lw, logf):
    """W(y | u, x) = sum over atoms at y of w K(x, y) / f_{u,x}, rows renormalised (:func:`mi_lib._mixing._informed_channel`).

    A row no atom serves goes to its cheapest output.
    """
    ny = logK.shape[1]
    J, G = sel.shape
    W = np.zeros((n, ny))
    for j in range(J):
        for g in range(G):
            k = sel[j, g]
            v = np.exp(lw[j] + logK[x[k], y[j]] - logf[k])
            if np.isfinite(v):
                W[k, y[j]] += v
    for k in range(n):
        tot = 0.0
        for t in range(ny):
            tot += W[k, t]
        if not tot > 0:
            tb = 0
            for t in range(ny):
                W[k, t] = 0.0
                if logK[x[k], t] > logK[x[k], tb]:
                    tb = t
            W[k, tb] = 1.0
            tot = 1.0
        for t in range(ny):
            W[k, t] = W[k, t] / tot
    return W


@_jit
def rows_mi(p, W, gidx, goff):
    """I(U; Y) in nats of the channel rows W (rows grouped by u): the formula of ``_logdomain._mi_joint``."""
    G = goff.size - 1
    ny = W.shape[1]
    puy = np.zeros((G, ny))
    for g in range(G):
        for i in range(goff[g], goff[g + 1]):
            k = gidx[i]
            for t in range(ny):
                puy[g, t] += p[k] * W[k, t]
    pu = np.zeros(G)
    py = np.zeros(ny)
    for g in range(G):
        for t in range(ny):
            pu[g] += puy[g, t]
            py[t] += puy[g, t]
    mi = 0.0
    for g in range(G):
        for t in range(ny):
            v = puy[g, t]
            if v > 0:
                mi += v * (np.log(v) - np.log(pu[g]) - np.log(py[t]))
    return max(mi, 0.0)
