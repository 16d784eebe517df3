r"""Blind attacker, :func:`blind_attack` (public via :mod:`mi_lib.discrete`).

Algorithm: check the lattice, remove :math:`\min e^2` exactly and bring the
grid to unit scale; on fine grids try the coset split
(:mod:`mi_lib._blind_cosets`), else follow the log-barrier central path with
sparse bordered Newton steps (:func:`_blind_barrier`) until the one-step
blind certificate (:mod:`mi_lib._certificates`) meets ``tol``. Derivations:
``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
from scipy.sparse import csc_matrix
from scipy.sparse.linalg import splu

from . import _scaling as _sc
from . import _validation as v
from ._blind_cosets import _tilt, coset_blind_solve
from ._blind_lattice import _LATTICE_ULPS, _Blind, _blind_outputs, _lattice_indices, _model_mi
from ._certificates import _blind_step
from ._discrete_results import BlindAttack


def _blind_hessian(m: _Blind, logV: np.ndarray, logq: np.ndarray):
    """Hessian of I at a full-support law, as a sparse matrix with a few diagonals.

    I(pi) = sum_u p(u) sum_y V_u log(V_u / q) with V_u(y) = sum_x p(x|u) pi(y - x);
    d2I / dpi(e) dpi(e') = sum_u p(u) sum_y A_u(y,e) A_u(y,e') / V_u(y)
    - sum_y A(y,e) A(y,e') / q(y), nonzero only for e' - e in {x - x'}.
    """
    n = m.ne
    terms: dict[int, np.ndarray] = {}
    invV = np.zeros_like(logV)
    fin = np.isfinite(logV)
    invV[fin] = np.exp(-logV[fin])
    invq = np.zeros_like(logq)
    finq = np.isfinite(logq)
    invq[finq] = np.exp(-logq[finq])
    for a in range(m.rp.size):
        oa = int(m.roff[a])
        for b in range(m.rp.size):
            ob = int(m.roff[b])
            off = ob - oa  # entry (e, e') with output y = oa + e = ob + e' -> e' = e - off
            k = -off  # diagonal index: column - row
            lo_e = max(0, -k)
            hi_e = min(n, n - k)
            if hi_e <= lo_e:
                continue
            y = oa + np.arange(lo_e, hi_e)
            vals = -m.rp[a] * m.rp[b] * invq[y]
            if m.rg[a] == m.rg[b]:
                g = int(m.rg[a])
                vals = vals + m.rp[a] * m.rp[b] / m.gp[g] * invV[g, y]
            if k in terms:
                terms[k] = terms[k] + vals
            else:
                terms[k] = vals
    offs = sorted(terms)
    return offs, [terms[k] for k in offs]


class _KKT:
    """Fixed sparsity pattern of the bordered matrix [[K, C'], [C, 0]] (K with a few diagonals).

    Building the compressed-column arrays once and refilling only the values
    avoids the general sparse-assembly overhead at every Newton step.
    """

    def __init__(self, n: int, offs: list[int], C: np.ndarray):
        rows, cols, src = [], [], []
        start = 0
        self.slices = []
        for k in offs:  # entry (e, e + k)
            e = np.arange(max(0, -k), min(n, n - k))
            rows.append(e)
            cols.append(e + k)
            src.append(start + np.arange(e.size))
            self.slices.append((start, start + e.size))
            start += e.size
        nc = C.shape[0]
        for r in range(nc):  # border rows n + r and columns n + r
            rows.append(np.full(n, n + r))
            cols.append(np.arange(n))
            src.append(start + np.arange(n))
            start += n
            rows.append(np.arange(n))
            cols.append(np.full(n, n + r))
            src.append(start + np.arange(n))
            start += n
        rows_a, cols_a, src_a = np.concatenate(rows), np.concatenate(cols), np.concatenate(src)
        order = np.lexsort((rows_a, cols_a))
        self.perm = src_a[order]
        self.indices = rows_a[order].astype(np.int32)
        counts = np.bincount(cols_a, minlength=n + nc)
        self.indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        self.shape = (n + nc, n + nc)
        self.border = np.concatenate([np.concatenate([C[r], C[r]]) for r in range(nc)])
        self.nd = start - 2 * nc * n

    def matrix(self, diags: list[np.ndarray]):
        vals = np.concatenate(list(diags) + [self.border])
        return csc_matrix((vals[self.perm], self.indices, self.indptr), shape=self.shape)


def _blind_barrier(m: _Blind, B: float, tol: float, budget: bool, maxiter: int = 300):
    """Barrier path following for the blind problem; returns (pi, mi, lower bound, slope, iterations).

    Minimises I(pi) - tau sum_e log pi_e subject to sum pi = 1 (and
    sum pi kappa = B when ``budget``) for tau decreasing to ~0. At a centred
    point every grid point carries mass ~ tau / slack off the support, which is
    the off-support profile the one-step certificate (``notes/discrete_solvers.md``) needs: with
    s the multiplier of the budget it is within ~ n tau of the value. The path
    is followed until the certified gap is below ``tol``. Newton systems: the
    Hessian of I has a few diagonals (offsets x - x'), plus tau / pi^2 on the
    diagonal: one sparse LU per step and a 2 x 2 Schur complement.
    """
    n = m.ne
    kmean, kmin = float(m.kappa.mean()), float(m.kappa.min())
    if budget:
        if kmean > B:
            # strictly positive start on the budget plane: a tilt of the uniform law mixed with it
            theta = min(0.5, 0.5 * (B - kmin) / max(kmean - kmin, 1e-300))
            target = (B - theta * kmean) / (1.0 - theta)
            tilt = _tilt(np.full(n, 1.0 / n), m.kappa, np.ones(n, dtype=bool), target)
            pi = (1.0 - theta) * tilt + theta / n
        else:
            j = int(np.argmax(m.kappa))
            lam = 0.5 * (B - kmean) / (m.kappa[j] - kmean)
            pi = np.full(n, (1.0 - lam) / n)
            pi[j] += lam
            # now mean < B strictly inside; tilt towards dearer points is not needed: fix below
        C = np.vstack([np.ones(n), m.kappa])
        bvec = np.array([1.0, B])
    else:
        pi = np.full(n, 1.0 / n)
        C = np.ones((1, n))
        bvec = np.array([1.0])
    tau = 1e-2 / n
    best = (math.inf, -math.inf, pi.copy(), 0.0)  # (mi, lb, pi, s)
    it = 0
    lam_b = 0.0
    dec = math.inf

    def merit(x: np.ndarray, t: float) -> float:
        lx = np.log(x)
        return _blind_outputs(m, lx)[2] - t * float(np.sum(lx))

    pattern = None

    while it < maxiter:
        for _ in range(40):
            ell = np.log(pi)
            logV, logq, mi = _blind_outputs(m, ell)
            gI = np.zeros(n)
            for k in range(m.rp.size):
                o = int(m.roff[k])
                gI += m.rp[k] * (logV[m.rg[k], o : o + n] - logq[o : o + n])
            g = gI - tau / pi
            offs, dg = _blind_hessian(m, logV, logq)
            k0 = offs.index(0)
            dg[k0] = dg[k0] + (tau / pi) / pi
            # bordered (KKT) system [[K, C'], [C, 0]]: K alone is nearly singular along pi because
            # I is 1-homogeneous (its Hessian annihilates pi); the bordered matrix is not
            if pattern is None:
                pattern = _KKT(n, offs, C)
            kkt = pattern.matrix(dg)
            resid = C @ pi - bvec  # infeasible start: C d = -resid
            try:
                sol = splu(kkt).solve(np.concatenate([-g, -resid]))
            except RuntimeError:  # pragma: no cover - nonsingular for tau > 0
                break
            d, lam = sol[:n], sol[n:]
            lam_b = float(lam[1]) if budget else 0.0
            it += 1
            dec = -float(g @ d)
            # the sum constraint is kept by renormalising (I is 1-homogeneous); the solves are accurate
            # to ~1e-12 along the homogeneity direction, so feasibility is judged at that level
            feas = abs(float(resid[0])) <= 1e-13 and (not budget or abs(float(resid[1])) <= 1e-13 * B)
            if feas and dec <= max(1e-2 * tau, 1e-17):
                break
            neg = d < 0
            t = min(1.0, 0.99 * float(np.min(-pi[neg] / d[neg]))) if np.any(neg) else 1.0
            if feas and dec > 1e-9:  # far from the centre: Armijo line search on the barrier merit
                f0 = merit(pi, tau)
                while t > 1e-14:
                    xt = pi + t * d
                    if np.all(xt > 0) and merit(xt, tau) <= f0 - 1e-4 * t * dec:
                        break
                    t *= 0.5
                if t <= 1e-14:
                    break
            pi = pi + t * d
            pi = pi / pi.sum()
            if it >= maxiter:
                break
        # certificate at the centred point, slope = multiplier of the budget (s = 0 without budget)
        s = max(lam_b, 0.0)
        pin = pi / pi.sum()
        st = _blind_step(m, np.log(pin), s)
        lb = st.value - s * B
        feasible = (not budget) or float(pin @ m.kappa) <= B * (1.0 + 1e-13)
        if feasible and st.mi - lb < best[0] - best[1]:
            best = (st.mi, lb, pin.copy(), s)
        if best[0] - best[1] <= tol or tau < 1e-20:
            break
        tau *= 0.02
    return best[2], best[0], best[1], best[3], it


def _purify(m: _Blind, pi: np.ndarray, mi: float, B: float) -> tuple[np.ndarray, float]:
    """Drop barrier residues (masses below 1e-9 of the largest) if that keeps the budget and lowers I."""
    keep = pi > 1e-9 * pi.max()
    if np.all(keep):
        return pi, mi
    q = np.where(keep, pi, 0.0)
    q /= q.sum()
    if float(q @ m.kappa) > B * (1.0 + 1e-13):
        return pi, mi
    mq = _model_mi(m, q)
    return (q, mq) if mq < mi else (pi, mi)


def _blind_search(m: _Blind, B: float, tol: float):
    """Budget handling: the equality-constrained path, or the free problem when the budget does not bind.

    Fine grids first go through the coset split (:mod:`mi_lib._blind_cosets`),
    which is used when its recomputed value meets the certified tolerance.
    """
    binds = float(m.kappa.max()) > B
    fast = coset_blind_solve(m, B, tol, binds)
    if fast is not None:
        pi, lb, s, steps = fast
        mi = _model_mi(m, pi)
        if mi - lb <= tol and float(pi @ m.kappa) <= B * (1.0 + 1e-13):
            return pi, mi, lb, s, steps, 1
    if not binds:
        pi, mi, lb, s, it = _blind_barrier(m, B, tol, budget=False)
        pi, mi = _purify(m, pi, mi, B)
        return pi, mi, lb, 0.0, it, 1
    pi, mi, lb, s, it = _blind_barrier(m, B, tol, budget=True)
    pi, mi = _purify(m, pi, mi, B)
    if mi - lb > tol:
        # the budget may not bind (negative multiplier): the free optimum, if within budget, is optimal
        pf, mf, lf, _, it2 = _blind_barrier(m, B, tol, budget=False)
        it += it2
        pf, mf = _purify(m, pf, mf, B)
        if float(pf @ m.kappa) <= B * (1.0 + 1e-13):
            lb = max(lb, lf)
            if mf - lb < mi - lb:
                pi, mi, s = pf, mf, 0.0
    return pi, mi, lb, s, it, 1


@_sc.quiet_range
def blind_attack(p_ux, x_values, e_values, budget, *, tol: float = 1e-10) -> BlindAttack:
    r"""Blind attacker: the best perturbation law independent of the signal.

    Primal problem (extension B2/B3): :math:`E \sim \pi` on the grid
    ``e_values``, independent of :math:`(U, X)`, :math:`Y = X + E`,

    .. math::

        I^*(B) = \min_{\pi} I(U; X + E) \quad\text{s.t.}\quad
        \sum_e \pi(e)\, e^2 \le B .

    It is convex in :math:`\pi` (the output laws are linear in :math:`\pi`).
    An amplitude limit is the range of ``e_values``.

    Parameters
    ----------
    p_ux : array_like, shape (|U|, |X|)
        Joint pmf of :math:`(U, X)`.
    x_values : array_like, shape (|X|,)
        Distinct real values of :math:`X`.
    e_values : array_like, shape (n,)
        Distinct, equally spaced perturbation values; every :math:`x` must lie
        on the same lattice (``min(e_values) + k h``), both to within 64 units
        of roundoff of the grid scale ``max(|e|, |x|, h)`` (the rounding of
        ``linspace`` or ``arange``); a letter further off would have outputs
        that never coincide with the others' and is rejected.
    budget : float
        Power budget :math:`B \ge \min_e e^2`.
    tol : float, default 1e-10
        Target for the certified gap, in nats.

    Returns
    -------
    BlindAttack
        ``mi``, ``pmf`` (on ``e_values`` in the order given), ``multiplier``,
        ``lower_bound``, ``gap``, and the output lattice and laws.

    Raises
    ------
    ValueError
        For a malformed pmf, shape mismatch, non-finite or repeated values,
        values off one uniform lattice, or a negative or infeasible budget.

    Notes
    -----
    Dual bound used: for any full-support :math:`\pi` and :math:`s \ge 0`,
    one Blahut–Arimoto-type step gives :math:`Z` and :math:`R` with

    .. math::

        I^*(B) \ge -\log Z - \log R - sB,

    valid because :math:`a_u(y) = \frac{V_u(y)}{q(y)} \max_x \rho(y-x) / R`
    satisfies :math:`\sum_u p(u) a_u(y) \le 1`, so that
    :math:`I(U;Y) \ge \mathbb{E}\log a_U(Y)` for *every* admissible law, and
    :math:`\sum_{u,x} p(u,x)\log a_u(x+e) \ge -\log Z - \log R - s e^2` at
    every grid point (``notes/discrete_solvers.md``). It is tight at the fixed point, including
    the general case :math:`U \ne X`. At the infeasibility edge
    :math:`B = \min_e e^2` the law is confined to the cheapest points and the
    problem without budget on them is solved. The grid is brought to unit
    scale by a power of two and :math:`\min e^2` is removed from the costs and
    (exactly) from the budget before any tolerance is applied, so the result
    is the same for ``x * g, e * g, budget * g**2`` up to rounding.

    Examples
    --------
    >>> e = np.linspace(-2.0, 2.0, 41)
    >>> res = blind_attack([[0.5, 0.0], [0.0, 0.5]], [-1.0, 1.0], e, 0.5)
    >>> res.gap < 1e-9
    True
    """
    p = v.pmf(p_ux, "p_ux", ndim=2)
    x = v.finite_array(x_values, "x_values", ndim=1)
    e = v.finite_array(e_values, "e_values", ndim=1)
    B = v.nonnegative(budget, "budget")
    tol = v.positive(tol, "tol")
    if x.size != p.shape[1]:
        raise ValueError(f"shape mismatch: p_ux has {p.shape[1]} columns but x_values has {x.size} entries")
    if e.size == 0:
        raise ValueError("e_values is empty")
    if np.unique(x).size != x.size:
        raise ValueError("x_values contains repeated values")
    if np.unique(e).size != e.size:
        raise ValueError("e_values contains repeated values")
    ix, je, h, e0 = _lattice_indices(x, e)
    # the cheapest cost emin^2 is removed exactly (B - emin^2 in exact arithmetic), and the grid is
    # brought to unit scale by a power of two, so that no threshold depends on the unit of e
    emin = float(np.min(np.abs(e)))
    kmin = emin * emin if emin < 1e154 else math.inf
    Bt = float(Fraction(B) - Fraction(emin) ** 2)
    k = _sc.unit_exponent(np.abs(np.concatenate([e, x, [h]])))
    # below emin^2 by no more than rounding (relative to emin^2 and to the square of the grid scale,
    # as for a grid point meant to be 0 and computed as 1e-17): the edge; anything lower is infeasible
    emin_n = float(_sc.scaled(emin, k))
    if float(_sc.scaled(Bt, 2 * k)) < -8.0 * _sc.EPS * max(emin_n * emin_n, 1e-16):
        raise ValueError(f"budget {B:.17g} is infeasible: the smallest e^2 on the grid is {kmin:.17g}")
    Bt = max(Bt, 0.0)

    order = np.argsort(e)
    e_sorted = e[order]
    je_s = je[order] - je.min()
    if e.size > 1 and not np.array_equal(je_s, np.arange(e.size)):  # pragma: no cover - guarded above
        raise ValueError("e_values must be equally spaced")
    en = _sc.scaled(e_sorted, k)
    en_min = float(np.min(np.abs(en)))
    kap_all = en * en - en_min * en_min  # reduced costs at unit scale; exactly 0 at the cheapest points
    Bn = float(_sc.scaled(Bt, 2 * k))
    ixr = ix - ix.min()
    ny = int(ixr.max()) + e.size
    if e.size == 1 and not np.allclose(x.min() + h * (ix - ix.min()), x, rtol=0,
                                       atol=_LATTICE_ULPS * _sc.EPS * float(np.abs(x).max())):
        y_values = np.empty(ny)  # distinct outputs x + e0, not on a common lattice
        y_values[ix - ix.min()] = x + e0
    else:
        y_values = x.min() + float(e.min()) + h * np.arange(ny)

    # At the edge of feasibility B = min e^2 only the cheapest grid points (one point, or the
    # two adjacent points -e_min, +e_min) may carry mass: solve the unbudgeted problem on them.
    edge = Bn <= 0.0
    if edge:
        cheap = np.nonzero(kap_all <= 0.0)[0]
        first, last = int(cheap[0]), int(cheap[-1])
    else:
        first, last = 0, e.size - 1
    sub = slice(first, last + 1)
    nsub = last - first + 1
    kap = np.zeros(nsub) if edge else kap_all[sub]
    B_in = 0.0 if edge else Bn

    pu = p.sum(axis=1)
    groups = [u for u in range(p.shape[0]) if pu[u] > 0]
    goff, glp, roff, rp, rg = [], [], [], [], []
    for g, u in enumerate(groups):
        xs_u = np.nonzero(p[u] > 0)[0]
        offs = (ixr[xs_u] + first).astype(np.int64)
        goff.append(offs)
        glp.append(np.log(p[u, xs_u]) - math.log(pu[u]))
        for xx, o in zip(xs_u, offs):
            roff.append(o)
            rp.append(p[u, xx])
            rg.append(g)
    gp = pu[groups]

    def assemble(pi_sorted_sub, mi, lb, s, iters):
        pi_s = np.zeros(e.size)
        pi_s[sub] = pi_sorted_sub
        pmf = np.zeros(e.size)
        pmf[order] = pi_s
        out = np.zeros((p.shape[0], ny))
        for u in range(p.shape[0]):
            if pu[u] > 0:
                for xx in np.nonzero(p[u] > 0)[0]:
                    o = int(ixr[xx])
                    out[u, o : o + e.size] += (p[u, xx] / pu[u]) * pi_s
        pmf.setflags(write=False)
        out.setflags(write=False)
        yv = y_values.copy()
        yv.setflags(write=False)
        lb = min(lb, mi)
        gap = float(mi - lb)
        converged, message = _sc.report(gap, tol, "blind_attack", stacklevel=5)
        return BlindAttack(
            mi=float(mi), pmf=pmf, multiplier=float(s), lower_bound=float(lb), gap=gap,
            cost=kmin + _sc.unscaled(float(pi_s @ kap_all), 2 * k), budget=B, y_values=yv, output_pmfs=out,
            iterations=int(iters), converged=converged, message=message,
        )

    if len(groups) <= 1 or np.count_nonzero(p.sum(axis=0) > 0) <= 1:
        # U is constant or X is constant: I(U; Y) = 0 for every law
        pi = np.zeros(nsub)
        pi[int(np.argmin(kap))] = 1.0
        return assemble(pi, 0.0, 0.0, 0.0, 0)

    model = _Blind(
        ne=nsub, ny=ny, kappa=kap, gp=gp, loggp=np.log(gp), goff=tuple(goff), glp=tuple(glp),
        roff=np.array(roff, dtype=np.int64), rp=np.array(rp), rg=np.array(rg, dtype=np.intp),
    )
    pi, mi, lb, s, iters, _ = _blind_search(model, B_in, tol)
    pi = pi / pi.sum()
    excess = float(pi @ model.kappa) - B_in
    if excess > 0.0:  # rounding drift off the budget plane: move a sliver of mass to the cheapest point
        j_lo, j_hi = int(np.argmin(model.kappa)), int(np.argmax(model.kappa))
        delta = min(excess / (model.kappa[j_hi] - model.kappa[j_lo]), pi[j_hi]) if j_hi != j_lo else 0.0
        pi = pi.copy()
        pi[j_hi] -= delta
        pi[j_lo] += delta
        pi = np.maximum(pi, 0.0)
        mi = _model_mi(model, pi)
    return assemble(pi, mi, max(lb, 0.0), math.inf if edge else _sc.unscaled(s, -2 * k), iters)
