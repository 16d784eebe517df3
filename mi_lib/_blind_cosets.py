r"""Blind attacker on fine grids: the problem splits over the cosets of the signal lattice.

Private helper of :func:`mi_lib.discrete.blind_attack`. When every letter
offset is a multiple of :math:`g > 1` grid steps, the coset of :math:`E`
modulo :math:`g` is a function of :math:`Y` and independent of :math:`U`, so
:math:`I(U;Y) = \sum_c w_c I_c(\sigma_c)` and the dual function is
:math:`d(s) = \min_c F_c(s) - sB` with :math:`F_c(s) = \min_{\sigma_c}
I_c + s\,\mathbb{E}\kappa`. Algorithm: slope 0 by one dense Newton solve
per coset length; then one or two active cosets solved with the budget as an
equality (:func:`_budget_newton`, :func:`_pair_solve`), the others screened
at the resulting slope (:func:`_screen`) until none beats the active value.
Bound: :math:`I^*(B) \ge \min_c L_c(s) - sB` with :math:`L_c` the one-step
blind certificate on each coset. Returns ``None`` (the caller then uses the
barrier method) when a mass reaches zero, a system is singular or the active
set does not settle. Derivation: ``notes/discrete_solvers.md``, "The coset
split of the blind problem".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np

_MAX_M = 64  # dense Newton per coset up to this many points
_MAX_ROWS = 64  # letters (u, x) with positive mass


def _lse(a: np.ndarray, axis: int) -> np.ndarray:
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis)


@dataclass(frozen=True, slots=True)
class _Rows:
    d: np.ndarray  # offsets of the letters in coset units
    cond: np.ndarray  # p(x | u)
    pa: np.ndarray  # p(u, x)
    grp: np.ndarray  # group index of each letter
    gp: np.ndarray  # p(u) per group
    dmax: int
    pairs: tuple  # per (a, b) sharing an output: (a, b, shift d_a - d_b)


@dataclass(slots=True)
class _Batch:
    idx: np.ndarray  # (C, m) indices into the model grid (padded entries repeat a valid index)
    real: np.ndarray  # (C, m) False on the padding of cosets shorter than m
    kappa: np.ndarray  # (C, m), zero on the padding
    sigma: np.ndarray  # (C, m) current law on each coset: positive on real points, zero on padding
    dsig: np.ndarray  # (C, m) d sigma / d s at the slope ``s``
    s: np.ndarray  # (C,) slope at which each stored law was computed


def _outputs(r: _Rows, sig: np.ndarray):
    C, m = sig.shape
    G = r.gp.size
    V = np.zeros((C, G, m + r.dmax))
    for a in range(r.d.size):
        da = int(r.d[a])
        V[:, r.grp[a], da : da + m] += r.cond[a] * sig
    q = np.einsum("g,cgy->cy", r.gp, V)
    with np.errstate(divide="ignore", invalid="ignore"):
        lV = np.log(V)
        lq = np.log(q)
        t = np.where(V > 0, V * (lV - lq[:, None, :]), 0.0)
    info = np.einsum("g,cgy->c", r.gp, t)
    return V, q, lV, lq, info


def _gradient(r: _Rows, lV: np.ndarray, lq: np.ndarray, real: np.ndarray) -> np.ndarray:
    m = real.shape[1]
    grad = np.zeros(real.shape)
    with np.errstate(invalid="ignore"):
        for a in range(r.d.size):
            da = int(r.d[a])
            grad += r.pa[a] * (lV[:, r.grp[a], da : da + m] - lq[:, da : da + m])
    return np.where(real, grad, 0.0)


def _hessian(r: _Rows, V: np.ndarray, q: np.ndarray, real: np.ndarray) -> np.ndarray:
    C, m = real.shape
    H = np.zeros((C, m, m))
    with np.errstate(divide="ignore"):
        iq = np.where(q > 0, 1.0 / q, 0.0)  # zero outputs are reached only from the padding
        iV = np.where(V > 0, 1.0 / V, 0.0)
    # masses so small that 1 / q overflows give inf - inf = NaN here: the Newton solve then reports a
    # non-finite decrement and the caller returns None (the general method takes over), without a warning
    with np.errstate(invalid="ignore"):
        for a, b, sh in r.pairs:
            k = np.arange(max(0, -sh), min(m, m - sh))
            if k.size == 0:
                continue
            y = k + int(r.d[a])
            vals = -r.pa[a] * r.pa[b] * iq[:, y]
            if r.grp[a] == r.grp[b]:
                g = int(r.grp[a])
                vals = vals + r.pa[a] * r.pa[b] / r.gp[g] * iV[:, g, y]
            H[:, k, k + sh] += vals
    both = real[:, :, None] & real[:, None, :]
    return np.where(both, H, 0.0)


_CONVERGED = 1e-26  # Newton decrement at which a coset is solved to rounding
_RESID = 1e-11  # and the largest spread of the gradient on the coset (nats)


def _predict(b: _Batch, s: float) -> np.ndarray:
    """Log-linear prediction sigma exp((s - b.s) dsigma/ds / sigma), renormalised.

    To first order it is the same as sigma + (s - b.s) dsigma/ds, but it
    keeps every mass positive and follows the nearly exponential (Gibbs-like)
    dependence of the optimal masses on the slope over large moves.
    """
    sig = b.sigma
    if not np.any(s != b.s):
        return sig
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(b.real, b.dsig / sig, 0.0)
        expo = np.where(b.real, np.log(sig) + (s - b.s)[:, None] * rate, -np.inf)
    expo = expo - expo.max(axis=1, keepdims=True)
    out = np.exp(expo)
    return out / out.sum(axis=1, keepdims=True)


def _step(r: _Rows, b: _Batch, sig: np.ndarray, s: float):
    """One damped Newton step on every coset of the batch at slope ``s``.

    Returns ``(new sigma, f, dec, dsig)`` with f and the Newton decrement at
    ``sig`` and d sigma / d s there, or None when a mass is not positive or the
    system is singular.
    """
    real = b.real
    C, m = real.shape
    if not np.all(sig[real] > 0.0):
        return None
    V, q, lV, lq, info = _outputs(r, sig)
    f = info + s * np.sum(sig * b.kappa, axis=1)
    grad = _gradient(r, lV, lq, real) + s * b.kappa
    H = _hessian(r, V, q, real)
    D = np.sqrt(sig)
    M = np.zeros((C, m + 1, m + 1))
    M[:, :m, :m] = D[:, :, None] * H * D[:, None, :]
    diag = np.arange(m)
    M[:, diag, diag] += np.where(real, 0.0, 1.0)  # padding: identity rows, zero steps
    M[:, :m, m] = D
    M[:, m, :m] = D
    rhs = np.zeros((C, m + 1, 2))
    rhs[:, :m, 0] = -D * grad
    rhs[:, :m, 1] = -D * b.kappa
    try:
        sol = np.linalg.solve(M, rhs)
    except np.linalg.LinAlgError:
        return None
    zh = sol[:, :m, 0]
    d = D * zh
    # Newton decrement -grad.d = z'Hz (the constraint term vanishes); the quadratic form
    # avoids the cancellation of -grad.d when grad is nearly constant on the coset
    dec = np.einsum("ci,cij,cj->c", zh, M[:, :m, :m], zh)
    if not np.all(np.isfinite(dec)):
        return None
    # stationarity residual: grad is constant on the coset at the optimum; unlike the decrement,
    # which scales each component by its mass, it also sees masses far below their optimum
    resid = np.where(real, np.abs(grad - np.sum(sig * grad, axis=1, keepdims=True)), 0.0).max(axis=1)
    conv = (dec <= _CONVERGED) & (resid <= _RESID)
    dsig = D * sol[:, :m, 1]  # implicit function theorem at fixed coset
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(real & (d < 0), sig / -d, np.inf)
    alpha = np.minimum(1.0, 0.995 * ratio.min(axis=1))
    # Armijo search where the decrement is large enough for f to resolve it (f is accurate
    # to a few ulps); closer to the optimum the full Newton step is taken
    far = dec > 1e-10
    if np.any(far):
        slack = 1e-15 * (np.abs(f) + 1.0)
        for _ in range(60):
            trial = sig + alpha[:, None] * d
            ft = _outputs(r, trial)[4] + s * np.sum(trial * b.kappa, axis=1)
            bad = far & (ft > f - 1e-4 * alpha * dec + slack)
            if not np.any(bad):
                break
            alpha = np.where(bad, 0.5 * alpha, alpha)
    new = np.where(real, sig + alpha[:, None] * d, 0.0)
    new = new / new.sum(axis=1, keepdims=True)
    return new, f, info, conv, dsig




def _newton(r: _Rows, b: _Batch, s: float, maxit: int):
    """Minimise I_c + s E kappa on every coset of the batch; returns (F, I, K, Kp, steps) or None.

    Starts from the prediction of :func:`_predict`; stores the laws, their
    derivative in s and the slope in ``b``.
    """
    sig = _predict(b, s)
    steps = 0
    for it in range(maxit + 1):
        out = _step(r, b, sig, s)
        if out is None:
            return None
        new, f, info, conv, dsig = out
        if it == maxit or bool(np.all(conv)):
            C = sig.shape[0]
            b.sigma, b.dsig, b.s = sig, dsig, np.full(C, s)
            K = np.sum(sig * b.kappa, axis=1)
            return f, info, K, np.sum(b.kappa * dsig, axis=1), steps
        sig = new
        steps += 1
    return None  # pragma: no cover - loop always returns


def _bound(r: _Rows, b: _Batch, sig: np.ndarray, s: float) -> np.ndarray:
    """One-step Blahut–Arimoto bound L_c <= F_c(s) at the laws ``sig`` (``notes/discrete_solvers.md``).

    Valid for any law with full support on each coset (padding excluded).
    """
    real = b.real
    C, m = sig.shape
    V, q, lV, lq, _ = _outputs(r, sig)
    with np.errstate(divide="ignore"):
        ell = np.log(sig)
    grad = _gradient(r, lV, lq, real)
    with np.errstate(invalid="ignore"):  # nan only where a real mass is zero: such cosets get -inf below
        base = np.where(real, ell - grad - s * b.kappa, -np.inf)
        base = np.where(np.isnan(base), -np.inf, base)
        lZ = _lse(base, axis=1)
        lrho = np.where(real, base - lZ[:, None] - ell, -np.inf)
    G = r.gp.size
    acc = np.full((C, G, m + r.dmax), -np.inf)
    for a in range(r.d.size):
        da = int(r.d[a])
        sl = acc[:, r.grp[a], da : da + m]
        acc[:, r.grp[a], da : da + m] = np.maximum(sl, lrho)
    with np.errstate(invalid="ignore"):
        terms = np.log(r.gp)[None, :, None] + lV - lq[:, None, :] + acc
    terms = np.where(np.isnan(terms), -np.inf, terms)
    per_y = _lse(terms, axis=1)
    per_y = np.where(q > 0, per_y, -np.inf)
    logR = per_y.max(axis=1)
    out = -lZ - logR
    # the bound needs every real mass positive (a zero mass, e.g. an underflowed prediction, makes
    # log a_u = -inf at some outputs); such cosets, and any non-finite value, get no bound
    full_support = np.all(~real | (sig > 0.0), axis=1)
    return np.where(full_support & ~np.isnan(out), out, -np.inf)


def _structure(model):
    """Rows in coset units and the cosets, or None when the split does not apply."""
    roff = np.asarray(model.roff, dtype=np.int64)
    if roff.size > _MAX_ROWS:
        return None
    rel = roff - roff.min()
    g = int(reduce(math.gcd, (int(t) for t in rel), 0))
    n = model.ne
    if g <= 1:
        return None
    ncos = min(g, n)
    if -(-n // g) > _MAX_M:
        return None
    d = rel // g
    grp = np.asarray(model.rg, dtype=np.intp)
    pa = np.asarray(model.rp, dtype=float)
    gp = np.asarray(model.gp, dtype=float)
    cond = pa / gp[grp]
    pairs = []
    for a in range(d.size):
        for bb in range(d.size):
            pairs.append((a, bb, int(d[a] - d[bb])))
    rows = _Rows(d=d, cond=cond, pa=pa, grp=grp, gp=gp, dmax=int(d.max()), pairs=tuple(pairs))
    # the offset of the coset of grid point j is (j + min roff) mod g, but coset membership
    # only needs j mod g: points j and j + g share outputs, other pairs never do
    lengths = np.array([len(range(c, n, g)) for c in range(ncos)])
    mlen = int(lengths.max())
    cs = np.arange(ncos)
    k = np.arange(mlen)
    real = k[None, :] < lengths[:, None]
    idx = np.where(real, cs[:, None] + g * k[None, :], cs[:, None])
    kap = np.where(real, model.kappa[idx], 0.0)
    sig0 = np.where(real, 1.0, 0.0) / lengths[:, None]
    batch = _Batch(idx=idx, real=real, kappa=kap, sigma=sig0, dsig=np.zeros_like(sig0), s=np.zeros(ncos))
    return rows, batch


def _subset(b: _Batch, act: np.ndarray) -> _Batch:
    return _Batch(idx=b.idx[act], real=b.real[act], kappa=b.kappa[act], sigma=b.sigma[act], dsig=b.dsig[act], s=b.s[act])


def _tilt(sig: np.ndarray, kap: np.ndarray, real: np.ndarray, B: float) -> np.ndarray | None:
    """sigma exp(-tau kappa), normalised, with mean cost B (tau of either sign); None if B is out of range.

    Arrays are one coset (or the whole grid): ``sig`` positive where ``real``;
    the mean cost is monotone in tau, which bisection finds to rounding.
    """
    kr = kap[real]
    if not (kr.min() < B < kr.max()):
        return None
    ls = np.log(sig[real])

    def mean(tau: float) -> float:
        a = ls - tau * kr
        w = np.exp(a - a.max())
        return float(w @ kr) / float(w.sum())

    lo, hi = -1.0, 1.0
    while mean(lo) < B:
        lo *= 2.0
    while mean(hi) > B:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mean(mid) > B:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * max(1.0, abs(mid)):
            break
    a = ls - hi * kr
    w = np.exp(a - a.max())
    out = np.zeros_like(sig)
    out[real] = w / w.sum()
    return out


def _budget_newton(rows: _Rows, full: _Batch, A: np.ndarray, pi: np.ndarray, B: float, maxit: int = 80):
    """Newton's method for min sum_c I_c(pi_c) s.t. sum pi = 1, sum kappa pi = B over the cosets A.

    ``pi`` (|A|, m) holds unnormalised masses (pi_c = w_c sigma_c); I_c is
    1-homogeneous, so its Hessian annihilates pi_c, and the two constraints
    make the bordered system nonsingular when the active cosets' costs
    differ. Infeasible starts are allowed (a full step restores the
    constraints). Returns ``(pi, s, lam, info, steps)`` with s the budget
    multiplier and lam the common value F_c(s) of the active cosets, or None.
    The solver calls it with one coset: with two, a weight may collapse before
    the multipliers settle (an LP-like degeneracy), so mixtures go through
    :func:`_pair_solve` instead.
    """
    sub = _subset(full, A)
    real = sub.real
    nA, m = real.shape
    kap = sub.kappa
    n = nA * m
    steps = 0
    for it in range(maxit + 1):
        if not np.all(pi[real] > 0.0):
            return None
        V, q, lV, lq, info = _outputs(rows, pi)
        grad = _gradient(rows, lV, lq, real)
        H = _hessian(rows, V, q, real)
        D = np.sqrt(pi)
        Hs = D[:, :, None] * H * D[:, None, :]
        M = np.zeros((n + 2, n + 2))
        for j in range(nA):
            M[j * m : (j + 1) * m, j * m : (j + 1) * m] = Hs[j]
        padr = np.nonzero(~real.ravel())[0]
        M[padr, padr] = 1.0
        c1 = D.ravel()
        c2 = (D * kap).ravel()
        M[:n, n], M[n, :n], M[:n, n + 1], M[n + 1, :n] = c1, c1, c2, c2
        r1 = float(pi.sum()) - 1.0
        r2 = float(np.sum(pi * kap)) - B
        rhs = np.concatenate([-(D * grad).ravel(), [-r1, -r2]])
        try:
            sol = np.linalg.solve(M, rhs)
        except np.linalg.LinAlgError:
            return None
        z = sol[:n].reshape(nA, m)
        lam1, lam2 = float(sol[n]), float(sol[n + 1])
        d = D * z
        dec = float(np.sum(z * np.einsum("cij,cj->ci", np.where(real[:, :, None], Hs, 0.0), z)))
        stat = np.where(real, np.abs(grad + lam1 + lam2 * kap), 0.0).max()
        feas = max(abs(r1), abs(r2) / B) <= 1e-14  # B > 0: the split runs only when the budget binds
        if not np.isfinite(dec):
            return None
        if (feas and dec <= _CONVERGED and stat <= _RESID) or it == maxit:
            return pi, lam2, -lam1, float(info.sum()), steps
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(real & (d < 0), pi / -d, np.inf)
        alpha = min(1.0, 0.995 * float(ratio.min()))
        if feas and dec > 1e-10:
            f0 = float(info.sum())
            while alpha > 1e-12:
                trial = pi + alpha * d
                if float(_outputs(rows, trial)[4].sum()) <= f0 - 1e-4 * alpha * dec + 1e-15 * (abs(f0) + 1):
                    break
                alpha *= 0.5
        pi = np.where(real, pi + alpha * d, 0.0)
        steps += 1
    return None  # pragma: no cover


def _pair_solve(rows: _Rows, full: _Batch, pair: np.ndarray, lo: float, hi: float, B: float):
    """Optimal mixture of two cosets: the slope where F_a(s) = F_b(s), and weights meeting the budget.

    The first coset of ``pair`` is the better one below the crossing, which
    lies in (lo, hi).

    Newton's method on h(s) = F_a(s) - F_b(s), whose derivative is
    K_a(s) - K_b(s) (envelope theorem), each F from a Newton solve of its
    coset. Returns ``(pi, s, lam, steps)`` with ``pi`` the two weighted laws;
    0 or 1 when the costs at the crossing do not straddle B (the optimum is
    then that coset of the pair alone, on the side of the crossing where it is
    the better one); None when a solve fails.
    """
    sub = _subset(full, pair)
    steps = 0
    t = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * lo + 1.0
    if math.isfinite(hi) and lo > 0:
        t = math.sqrt(lo * hi)
    for _ in range(60):
        out = _newton(rows, sub, t, 60)
        if out is None:
            return None
        F, _I, K, _Kp, stp = out
        steps += stp
        h, dh = float(F[0] - F[1]), float(K[0] - K[1])
        if abs(h) <= 4e-16 * (1.0 + abs(float(F[0]))) or dh == 0.0:
            break
        # the first coset of the pair is the better one below the crossing: h < 0 there, h > 0 above
        if h > 0:
            hi = min(hi, t)
        else:
            lo = max(lo, t)
        u = t - h / dh
        if not (lo < u < hi):
            u = 0.5 * (lo + hi) if math.isfinite(hi) else max(2.0 * t, lo + 1.0)
        if u == t:
            break
        t = u
    else:
        return None
    full.sigma[pair], full.dsig[pair], full.s[pair] = sub.sigma, sub.dsig, sub.s
    if K[0] == K[1]:
        return None
    if min(K) > B:  # both too dear at the crossing: the optimum lies above it, where the second is best
        return 1
    if max(K) < B:
        return 0
    wa = float((B - K[1]) / (K[0] - K[1]))
    pi = np.vstack([wa * sub.sigma[0], (1.0 - wa) * sub.sigma[1]])
    return pi, t, float(0.5 * (F[0] + F[1])), steps


def _screen(rows: _Rows, full: _Batch, others: np.ndarray, t: float, thr: float, margin: float, ref=None):
    """Certify the cosets ``others`` at slope t against the value ``thr`` of the active cosets.

    Every coset starts from the better of its log-linear prediction and the
    law ``ref`` (the active law, interpolated to its grid points); while its
    one-step bound L_c(t) is below the current threshold it gets Newton steps,
    until it converges; the threshold drops to any converged value below it.
    Returns ``(Lmin, best, K_best, steps)``: Lmin is the smaller of the
    smallest bound among the cosets solved to convergence and the final
    threshold (every other coset was dropped with a bound above the threshold
    at that time), hence below every coset's bound; ``best``
    the coset with the smallest value if it beats ``thr`` by more than
    ``margin`` (else -1) and ``K_best`` its cost. None on a numerical failure.
    """
    steps = 0
    sub = _subset(full, others)
    sig = _predict(sub, t)
    if ref is not None:
        ref_idx, ref_sig = ref
        alt = np.exp(np.interp(sub.idx.ravel(), ref_idx, np.log(ref_sig))).reshape(sub.idx.shape)
        alt = np.where(sub.real, alt, 0.0)
        alt = alt / alt.sum(axis=1, keepdims=True)
        fs = _outputs(rows, sig)[4] + t * np.sum(sig * sub.kappa, axis=1)
        fa = _outputs(rows, alt)[4] + t * np.sum(alt * sub.kappa, axis=1)
        sig = np.where((fa < fs)[:, None], alt, sig)
    dsig = sub.dsig.copy()
    Lmin = math.inf
    best, Kbest, fbest = -1, math.nan, thr - margin
    cut = thr
    live = np.arange(others.size)
    live = live[_bound(rows, sub, sig, t) < cut]
    for _ in range(60):
        if live.size == 0:
            break
        part = _subset(sub, live)
        out = _step(rows, part, sig[live], t)
        if out is None:
            return None
        new, fl, _il, conv, dsl = out
        steps += 1
        dsig[live] = dsl
        if np.any(conv):
            Lc = _bound(rows, part, sig[live], t)[conv]
            Lmin = min(Lmin, float(Lc.min()))
            fc = fl[conv]
            k = int(np.argmin(fc))
            if fc[k] < fbest:
                c = live[conv][k]
                best, fbest = int(others[c]), float(fc[k])
                Kbest = float(sig[c] @ sub.kappa[c])
            cut = min(cut, float(fc.min()))
        rest = live[~conv]
        sig[rest] = new[~conv]
        if rest.size:
            Lr = _bound(rows, _subset(sub, rest), sig[rest], t)
            rest = rest[Lr < cut]
        live = rest
    else:
        return None
    full.sigma[others], full.dsig[others], full.s[others] = sig, dsig, t
    # every coset not solved to convergence was dropped with L_c >= cut at that time, and the cut
    # only decreases: min(Lmin, final cut) is below every coset's bound
    return min(Lmin, cut), best, Kbest, steps


def coset_blind_solve(model, B: float, tol: float, budget: bool):
    """Blind problem by the coset split; returns ``(pi, lower_bound, slope, steps)`` or None.

    ``model`` is the lattice layout of :mod:`mi_lib._blind_lattice` (sorted grid,
    costs ``kappa``, letters at offsets ``roff`` with masses ``rp`` in groups
    ``rg``); ``budget=False`` solves the problem without budget (slope 0). The
    law ``pi`` meets the budget and the bound is certified; the caller
    recomputes the information of ``pi`` and checks the gap. ``None`` when the
    split does not apply or a coset optimum leaves the interior of its simplex.

    Steps (``notes/discrete_solvers.md``): the slope-0 problem, one solve per coset length;
    an active set of one or two cosets solved with the budget as an equality
    by :func:`_budget_newton`, which also returns the multiplier s; screening
    of all other cosets at s by :func:`_screen`; a coset that beats the active
    value enters (alone if it can meet the budget, else mixed), and the loop
    repeats until no coset does. The certificate is min_c L_c(s) - sB.
    """
    st = _structure(model)
    if st is None:
        return None
    rows, full = st
    ncos = full.idx.shape[0]
    lengths = full.real.sum(axis=1)
    steps = 0
    # one representative per coset length, solved together (padding lets lengths differ)
    ulen, first = np.unique(lengths, return_index=True)
    rep = _subset(full, first)
    out = _newton(rows, rep, 0.0, 80)
    if out is None:
        return None
    steps += out[4]
    Lrep = _bound(rows, rep, rep.sigma, 0.0)
    L0 = np.empty(ncos)
    for j, mlen in enumerate(ulen):
        same = lengths == mlen
        full.sigma[same] = rep.sigma[j]
        L0[same] = Lrep[j]
    out = _step(rows, full, full.sigma, 0.0)
    if out is None:
        return None
    _, F0, I0, conv0, full.dsig = out
    if not np.all(conv0):
        return None
    full.s[:] = 0.0
    K0 = np.sum(full.sigma * full.kappa, axis=1)
    best0 = np.nonzero(F0 <= F0.min() + 1e-15 * (1.0 + abs(F0.min())))[0]
    c0 = int(best0[np.argmin(K0[best0])])
    if not budget or K0[c0] <= B:
        pi = np.zeros(model.ne)
        pi[full.idx[c0][full.real[c0]]] = full.sigma[c0][full.real[c0]]
        return pi, float(L0.min()), 0.0, steps
    # active set: start from the coset that is best at s = 0 among those that can meet the budget
    feasible = np.nonzero(np.where(full.real, full.kappa, np.inf).min(axis=1) < B)[0]
    if feasible.size == 0:
        return None
    order = np.lexsort((K0[feasible], F0[feasible]))
    c_init = int(feasible[order[0]])
    start = _tilt(full.sigma[c_init], full.kappa[c_init], full.real[c_init], B)
    if start is None:
        return None
    # bracket on the slope: at s_lo the best coset costs more than B, at s_hi less
    s_lo, c_lo, s_hi, c_hi = 0.0, c0, math.inf, -1
    A, pi = np.array([c_init]), start[None, :]
    margin = max(1e-13, 1e-3 * tol)
    seen: set = set()
    for _round in range(40):
        if A.size == 1:
            out = _budget_newton(rows, full, A, pi, B)
            if out is None:
                return None
            pi, s, lam, _info, stp = out
            if s < 0.0:  # the budget does not bind for this coset: it pairs with the free optimum
                if int(A[0]) == c0:
                    return None
                full.sigma[A] = pi
                A, s_lo, s_hi = np.array([c0, int(A[0])]), 0.0, math.inf
                continue
        else:
            out = _pair_solve(rows, full, A, s_lo, s_hi, B)
            if out is None:
                return None
            if isinstance(out, int):
                c = int(A[out])
                alone = _tilt(full.sigma[c], full.kappa[c], full.real[c], B)
                if alone is None or (c, "alone") in seen:
                    return None
                seen.add((c, "alone"))
                A, pi = np.array([c]), alone[None, :]
                continue
            pi, s, lam, stp = out
        steps += stp
        w = pi.sum(axis=1)
        sigA = pi / w[:, None]
        full.sigma[A], full.dsig[A], full.s[A] = sigA, 0.0, s
        LA = _bound(rows, _subset(full, A), sigA, s)
        others = np.setdiff1d(np.arange(ncos), A)
        Lmin, best, Kb = float(LA.min()), -1, math.nan
        if others.size:
            jbest = int(np.argmax(w))
            rj = full.real[A[jbest]]
            ref = (full.idx[A[jbest]][rj], sigA[jbest][rj])
            sc = _screen(rows, full, others, s, lam, margin, ref)
            if sc is None:
                return None
            Lo, best, Kb, stp = sc
            steps += stp
            Lmin = min(Lmin, Lo)
        if best < 0:
            lb = Lmin - s * B
            out_pi = np.zeros(model.ne)
            for j, c in enumerate(A):
                real = full.real[c]
                out_pi[full.idx[c][real]] += pi[j][real]
            return out_pi, lb, s, steps
        # the best coset at s tells on which side of s the optimal slope lies (d is concave with
        # supergradient K_best - B); the next candidate is that coset alone, or the crossing of the
        # best cosets at the two ends of the bracket
        if Kb > B:
            s_lo, c_lo = s, best
        else:
            s_hi, c_hi = s, best
        if c_hi < 0 or c_lo == c_hi:
            c = c_lo
            alone = _tilt(full.sigma[c], full.kappa[c], full.real[c], B)
            if alone is None:
                return None
            A, pi = np.array([c]), alone[None, :]
        else:
            A = np.array([c_lo, c_hi])
    return None
