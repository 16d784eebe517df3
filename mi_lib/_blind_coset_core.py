r"""Coset split of the blind problem: layout and the batched per-coset Newton (private module).

When every letter offset is a multiple of :math:`g > 1` grid steps, grid
points :math:`j` and :math:`j'` share outputs only if :math:`j \equiv j'
\pmod g`, so :math:`I(U;Y) = \sum_c w_c I_c(\sigma_c)` over the cosets
(:func:`_structure` lays them out as a padded batch, :func:`_outputs` gives
their output laws). Algorithm: :math:`F_c(s) = \min_{\sigma_c} I_c + s\,
\mathbb{E}_{\sigma_c}\kappa` for all cosets at once by damped Newton steps on
the bordered, :math:`\sqrt{\sigma}`-scaled system (:func:`_step`,
:func:`_newton`), warm-started by a log-linear prediction in the slope
(:func:`_predict`). Bound: :func:`_bound` is the one-step Blahut–Arimoto
certificate :math:`L_c(s) \le F_c(s)` of each coset, valid at any
full-support law. Derivation: ``notes/discrete_solvers.md``, "The coset
split of the blind problem".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np

from ._logdomain import _lse

_MAX_M = 64  # dense Newton per coset up to this many points
_MAX_ROWS = 64  # letters (u, x) with positive mass
_MAX_PLAN = 40_000  # entries of the Hessian plan of :func:`_hessian_plan`; larger layouts use the loop


@dataclass(frozen=True, slots=True)
class _Rows:
    d: np.ndarray  # offsets of the letters in coset units
    cond: np.ndarray  # p(x | u)
    pa: np.ndarray  # p(u, x)
    grp: np.ndarray  # group index of each letter
    gp: np.ndarray  # p(u) per group
    dmax: int
    pairs: tuple  # per (a, b) sharing an output: (a, b, shift d_a - d_b)
    hplan: tuple | None = None  # (m, A): the Hessian as one product, see :func:`_hessian_plan`


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
    q = r.gp @ V
    with np.errstate(divide="ignore", invalid="ignore"):
        lV = np.log(V)
        lq = np.log(q)
        t = np.where(V > 0, V * (lV - lq[:, None, :]), 0.0)
    info = (r.gp @ t).sum(axis=1)
    return V, q, lV, lq, info


def _gradient(r: _Rows, lV: np.ndarray, lq: np.ndarray, real: np.ndarray) -> np.ndarray:
    m = real.shape[1]
    grad = np.zeros(real.shape)
    with np.errstate(invalid="ignore"):
        for a in range(r.d.size):
            da = int(r.d[a])
            grad += r.pa[a] * (lV[:, r.grp[a], da : da + m] - lq[:, da : da + m])
    return np.where(real, grad, 0.0)


def _hessian_plan(d, pa, grp, gp, pairs, m: int) -> np.ndarray:
    """Coefficients A, shape ((1 + G)(m + dmax), m^2), with vec H = [1/q, 1/V_1, ..., 1/V_G] A.

    H[k, k + sh] gets -p(a) p(b) / q(y) for every pair (a, b) with shift sh
    and y = k + d_a, plus p(a) p(b) / (p(u) V_u(y)) when a and b are letters
    of the same u: the loop of :func:`_hessian_loop` written once per coset
    length, so that each Newton step forms H by one matrix product.
    """
    ny = m + int(d.max())
    G = gp.size
    A = np.zeros(((1 + G) * ny, m * m))
    for a, b, sh in pairs:
        k = np.arange(max(0, -sh), min(m, m - sh))
        y = k + int(d[a])
        cell = k * m + k + sh
        np.add.at(A, (y, cell), -pa[a] * pa[b])
        if grp[a] == grp[b]:
            g = int(grp[a])
            np.add.at(A, ((1 + g) * ny + y, cell), pa[a] * pa[b] / gp[g])
    return A


def _hessian(r: _Rows, V: np.ndarray, q: np.ndarray, real: np.ndarray) -> np.ndarray:
    C, m = real.shape
    if r.hplan is None or r.hplan[0] != m:
        return _hessian_loop(r, V, q, real)
    with np.errstate(divide="ignore"):
        iq = np.where(q > 0, 1.0 / q, 0.0)  # zero outputs are reached only from the padding
        iV = np.where(V > 0, 1.0 / V, 0.0)
    # masses so small that 1 / q overflows give inf * 0 = NaN here: the Newton solve then reports a
    # non-finite decrement and the caller returns None (the general method takes over), without a warning
    with np.errstate(invalid="ignore"):
        H = (np.concatenate([iq, iV.reshape(C, -1)], axis=1) @ r.hplan[1]).reshape(C, m, m)
    both = real[:, :, None] & real[:, None, :]
    return np.where(both, H, 0.0)


def _hessian_loop(r: _Rows, V: np.ndarray, q: np.ndarray, real: np.ndarray) -> np.ndarray:
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
    """Rows in coset units and the cosets, or None when the split does not apply.

    It applies when every letter offset is a multiple of g > 1 grid steps,
    with at most ``_MAX_ROWS`` letters and ``_MAX_M`` points per coset.
    """
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
    # the offset of the coset of grid point j is (j + min roff) mod g, but coset membership
    # only needs j mod g: points j and j + g share outputs, other pairs never do
    lengths = np.array([len(range(c, n, g)) for c in range(ncos)])
    mlen = int(lengths.max())
    small = (1 + gp.size) * (mlen + int(d.max())) * mlen * mlen <= _MAX_PLAN
    plan = (mlen, _hessian_plan(d, pa, grp, gp, pairs, mlen)) if small else None
    rows = _Rows(d=d, cond=cond, pa=pa, grp=grp, gp=gp, dmax=int(d.max()), pairs=tuple(pairs), hplan=plan)
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
