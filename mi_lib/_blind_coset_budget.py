r"""Coset split of the blind problem: the budget, the active cosets and the screening (private module).

With the slope-0 optimum too dear, the optimum mixes at most two cosets
(two linear constraints on the coset weights): :func:`_budget_newton` solves
one coset with the budget as an equality (Newton on the bordered system,
which also yields the multiplier :math:`s`), :func:`_pair_solve` finds the
slope where two cosets' values :math:`F_a(s) = F_b(s)` cross (Newton on
:math:`F_a - F_b`, derivative :math:`K_a - K_b`) and the weights meeting the
budget, :func:`_screen` certifies every other coset at that slope (it stops
a coset as soon as its one-step bound exceeds the active value).
:func:`_tilt` is an exponential tilt meeting a mean cost, the feasible start.
Bound: :math:`\min_c L_c(s) - sB`.
"""

from __future__ import annotations

import math

import numpy as np

from ._blind_coset_core import (
    _CONVERGED, _RESID, _Batch, _Rows, _bound, _hessian, _gradient, _newton, _outputs, _predict, _step, _subset,
)
_SCREEN_STEPS = 25  # Newton converges in a few steps from the prediction; a coset still moving after
# this many is heading for the boundary of its simplex, where the split does not apply


def _tilt(sig: np.ndarray, kap: np.ndarray, real: np.ndarray, B: float) -> np.ndarray | None:
    """sigma exp(-tau kappa), normalised, with mean cost B (tau of either sign); None if B is out of range.

    Arrays are one coset (or the whole grid): ``sig`` positive where ``real``.
    The mean cost m(tau) decreases with derivative -Var(kappa), so Newton's
    method in tau, kept inside a bracket [lo, hi] with m(lo) >= B >= m(hi)
    (a bisection when a step leaves it), finds tau to rounding in a few steps.
    """
    kr = kap[real]
    if not (kr.min() < B < kr.max()):
        return None
    ls = np.log(sig[real])

    def tilted(tau: float):
        a = ls - tau * kr
        w = np.exp(a - a.max())
        return w / w.sum()

    def moments(tau: float) -> tuple[float, float]:
        w = tilted(tau)
        mean = float(w @ kr)
        return mean, float(w @ (kr - mean) ** 2)

    lo, hi = -1.0, 1.0
    while moments(lo)[0] < B:
        lo *= 2.0
    while moments(hi)[0] > B:
        hi *= 2.0
    tau = 0.0 if lo < 0.0 < hi else 0.5 * (lo + hi)
    for _ in range(200):
        mean, var = moments(tau)
        if mean == B:
            break
        if mean > B:
            lo = tau
        else:
            hi = tau
        if hi - lo <= 1e-15 * max(1.0, abs(tau)):
            break
        step = tau + (mean - B) / var if var > 0.0 else math.nan
        tau = step if lo < step < hi else 0.5 * (lo + hi)
    out = np.zeros_like(sig)
    out[real] = tilted(tau)
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
    for _ in range(_SCREEN_STEPS):
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
