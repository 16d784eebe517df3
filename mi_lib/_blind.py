r"""Blind attacker, :func:`blind_attack` (public via :mod:`mi_lib.discrete`).

Algorithm: check the lattice, remove :math:`\min e^2` exactly and bring the
grid to unit scale (:func:`_unit_layout`); on fine grids try the coset split
(:mod:`mi_lib._blind_cosets`), else run the primal-dual interior-point method
(:mod:`mi_lib._blind_ipm`), and if that is not certified the log-barrier central
path (:mod:`mi_lib._blind_barrier`), until the one-step blind certificate
(:mod:`mi_lib._certificates`) meets ``tol``. Bound: :math:`I^*(B) \ge -\log
Z - \log R - sB` at the returned slope. Derivations:
``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from . import _scaling as _sc
from . import _validation as v
from ._blind_barrier import _blind_barrier, _purify
from ._blind_cosets import coset_blind_solve
from ._blind_ipm import _blind_ipm, _short_cosets
from ._blind_lattice import _LATTICE_ULPS, _Blind, _lattice_indices, _model_mi
from ._discrete_results import BlindAttack


# up to this many grid points the interior-point method is tried before the coset split (round 6, with both compiled:
# on +-1 grids of 81-121 points the split takes 0.5-0.7 ms against 1.2-3.3 ms, on the random suite's blind draws of
# 81-149 points the total drops 114 -> 102 ms; below 80 points a failing split (the S2 grids of 41-61 points) costs
# more than the interior-point method saves)
_IPM_FIRST = 80
# the same for grids of short cosets (_blind_ipm._short_cosets; round 8, with the split's active set): blind_S2 on
# 21 points below the uniform law's cost takes 1.34 ms over four budgets with the interior-point method first against
# 1.45 ms (0.33 against 0.46 ms at B = 0.1); on 41 points and more the split first is faster in total
_IPM_FIRST_SHORT = 30


def _blind_search(m: _Blind, B: float, tol: float):
    """Budget handling: the equality-constrained path, or the free problem when the budget does not bind.

    Grids of up to ``_IPM_FIRST`` points first go through the interior-point
    method (:mod:`mi_lib._blind_ipm`), larger ones first through the coset split
    (:mod:`mi_lib._blind_cosets`, used when its recomputed value meets the
    certified tolerance; faster on big fine grids); then the other one; the
    barrier path only when neither is certified. Grids with short cosets
    (:func:`mi_lib._blind_ipm._short_cosets`) go to the interior-point method
    first only up to ``_IPM_FIRST_SHORT`` points and below the uniform law's
    cost (round 8: with the active set the split certifies every budget there).
    """
    binds = max(float(m.kappa[0]), float(m.kappa[-1])) > B  # costs e^2 - min e^2 on the sorted grid: largest at an end
    if _short_cosets(m):
        small = m.ne <= _IPM_FIRST_SHORT and B < float(m.kappa.mean())
    else:
        small = m.ne <= _IPM_FIRST
    if small:
        pi, mi, lb, s, it = _blind_ipm(m, B, tol, budget=binds)
        if mi - lb <= tol:
            pi, mi = _purify(m, pi, mi, B)
            return pi, mi, lb, s, it, 1
    fast = coset_blind_solve(m, B, tol, binds)
    if fast is not None:
        pi, mi, lb, s, steps = fast  # mi recomputed on the whole grid
        if mi - lb <= tol and float(pi @ m.kappa) <= B * (1.0 + 1e-13):
            return pi, mi, lb, s, steps, 1
    if not small:
        pi, mi, lb, s, it = _blind_ipm(m, B, tol, budget=binds)
        if mi - lb <= tol:
            pi, mi = _purify(m, pi, mi, B)
            return pi, mi, lb, s, it, 1
    # not certified by the interior-point method: the barrier path (its bound is kept if better)
    pi2, mi2, lb2, s2, it2 = _blind_fallback(m, B, tol, binds)
    if lb2 >= lb:
        lb, s = lb2, s2
    if mi2 <= mi:
        pi, mi = pi2, mi2
    return pi, mi, lb, s, it + it2, 1


def _blind_fallback(m: _Blind, B: float, tol: float, binds: bool):
    """The log-barrier path (round 2): ``(pi, mi, lb, s, iterations)``."""
    if not binds:
        pi, mi, lb, s, it = _blind_barrier(m, B, tol, budget=False)
        pi, mi = _purify(m, pi, mi, B)
        return pi, mi, lb, 0.0, it
    pi, mi, lb, s, it = _blind_barrier(m, B, tol, budget=True, unbound_exit=True)
    if s is None:
        # negative multiplier on the path: the free optimum, if within budget, is optimal, and its
        # certificate bounds the budgeted problem too (a smaller feasible set has a larger minimum)
        pf, mf, lf, _, it2 = _blind_barrier(m, B, tol, budget=False)
        pf, mf = _purify(m, pf, mf, B)
        if float(pf @ m.kappa) <= B * (1.0 + 1e-13):
            return pf, mf, lf, 0.0, it + it2
        pi, mi, lb, s, it3 = _blind_barrier(m, B, tol, budget=True)
        it += it2 + it3
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
    return pi, mi, lb, s, it


@dataclass(frozen=True, slots=True)
class _Layout:
    """The problem at unit scale: sorted grid, reduced costs, the searched sub-grid and the outputs."""

    order: np.ndarray  # argsort of e_values
    ixr: np.ndarray  # lattice offsets of the letters, from 0
    k: int  # unit exponent: the grid was divided by 2^k
    kmin: float  # min e^2 in the caller's unit
    kap_all: np.ndarray  # reduced costs e^2 - min e^2 on the sorted grid, at unit scale
    budget: float  # reduced budget at unit scale (0 at the edge of feasibility)
    edge: bool  # budget = min e^2: only the cheapest points may carry mass
    sub: slice  # the searched part of the sorted grid
    ny: int
    y_values: np.ndarray
    rows: tuple = ()  # the letters with positive mass (mi_lib._blind_grid_kernels.rows at offset 0)
    slack: float = 0.0  # taken off the bound when a budget a hair above min e^2 is solved as the edge (_near_edge)


class _Scan(NamedTuple):
    """The compiled set-up pass over the inputs (:func:`mi_lib._blind_grid_kernels.scan`)."""

    order: np.ndarray  # stable argsort of e_values
    es: np.ndarray  # the grid sorted
    dup_x: bool
    dup_e: bool
    xlo: float  # min x
    xhi: float  # max x
    emin: float  # min |e|
    lat: tuple  # mi_lib._blind_grid_kernels.lattice of (x, es); zeros for a grid of one point
    rows: tuple  # mi_lib._blind_grid_kernels.rows at offset 0 (offsets valid for grids of 2 or more points)


def _check_inputs(p_ux, x_values, e_values, budget, tol):
    """Validated ``(p, x, e, B, tol, pu, scan)``: pmf, letters, grid, budget, tol, p(u) and the set-up pass."""
    from ._blind_grid_kernels import scan  # numba: loaded on first use only

    p = v.pmf(p_ux, "p_ux", ndim=2)
    x = v.finite_array(x_values, "x_values", ndim=1)
    e = v.finite_array(e_values, "e_values", ndim=1)
    B = v.nonnegative(budget, "budget")
    tol = v.positive(tol, "tol")
    if x.size != p.shape[1]:
        raise ValueError(f"shape mismatch: p_ux has {p.shape[1]} columns but x_values has {x.size} entries")
    if e.size == 0:
        raise ValueError("e_values is empty")
    # the compiled set-up takes C-contiguous, writable arrays (another layout would compile anew on first use)
    p, x, e = (a if a.flags.c_contiguous and a.flags.writeable else np.array(a) for a in (p, x, e))
    pu = _row_sums(p)
    sc = _Scan(*scan(p, pu, x, e))
    if sc.dup_x:
        raise ValueError("x_values contains repeated values")
    if sc.dup_e:
        raise ValueError("e_values contains repeated values")
    return p, x, e, B, tol, pu, sc


def _ldexp(x: float, k: int) -> float:
    """x * 2^k for a scalar, overflowing to +-inf silently (math.ldexp: no numpy error state to set up)."""
    try:
        return math.ldexp(x, k)
    except OverflowError:
        return math.copysign(math.inf, x)


def _exact_difference(B: float, emin: float) -> float:
    """B - emin^2 computed exactly and rounded once (Python's int / int is correctly rounded)."""
    a, da = B.as_integer_ratio()
    b, db = emin.as_integer_ratio()  # da, db are powers of two
    num = a * db * db - b * b * da
    try:
        return num / (da * db * db)
    except OverflowError:  # below -1.8e308: infeasible, reported by the caller
        return -math.inf


def _reduced_budget(B: float, emin: float, k: int) -> tuple[float, float]:
    """(min e^2, B - min e^2 at unit scale); raises when B is below min e^2 by more than rounding.

    ``emin`` is min |e| on the grid. The cheapest cost is removed exactly
    (B - emin^2 in exact arithmetic), then scaled by 2^-2k, so that no
    threshold depends on the unit of e. Below emin^2 by no more than
    rounding (relative to emin^2 and to the square of the grid scale, as for
    a grid point meant to be 0 and computed as 1e-17) is the edge; anything
    lower is infeasible.
    """
    kmin = emin * emin if emin < 1e154 else math.inf
    Bt = _exact_difference(B, emin) if emin != 0.0 else B
    emin_n = _ldexp(emin, -k)
    Bn = _ldexp(Bt, -2 * k)
    if Bn < -8.0 * _sc.EPS * max(emin_n * emin_n, 1e-16):
        raise ValueError(f"budget {B:.17g} is infeasible: the smallest e^2 on the grid is {kmin:.17g}")
    return kmin, max(Bn, 0.0)


def _unit_of(e_lo: float, e_hi: float, xabs: float, h: float) -> int:
    """The unit 2^k that brings the largest of |e| (at the ends of the sorted grid), max |x| and h into [1, 2).

    The costs are squares of the grid values, so the largest must stay near 1
    (a unit lowered to keep a tiny value representable, as
    :func:`mi_lib._scaling.unit_exponent` does for informed costs, would let
    the squares overflow). Nothing meaningful is lost: the grid's values that
    matter are at least the spacing h, and a lattice of more than 10^7 points
    is rejected; a value far below h (a grid point meant to be 0 and computed
    as a subnormal) is rounding noise of 0.
    """
    vmax = max(e_lo, e_hi, xabs, h if h < math.inf else 0.0)
    return _sc.pow2_exponent(vmax) if vmax > 0.0 else 0


def _unit_layout(x: np.ndarray, e: np.ndarray, B: float, sc: _Scan) -> _Layout:
    """Lattice check, exact removal of min e^2, unit scale, and the edge case B = min e^2.

    ``sc`` is the set-up pass of :func:`_check_inputs`.
    """
    es, emin = sc.es, sc.emin
    e0 = float(es[0])
    ixr, h = _lattice_indices(x, es, sc.xlo, sc.xhi, sc.lat)
    k = _unit_of(abs(e0), abs(float(es[-1])), max(abs(sc.xlo), abs(sc.xhi)), h)
    kmin, Bn = _reduced_budget(B, emin, k)
    en = np.ldexp(es, -k)  # exact barring underflow (the caller runs with under/overflow reports off)
    en_min = _ldexp(emin, -k)
    kap_all = en * en - en_min * en_min  # exactly 0 at the cheapest points
    ny = int(ixr.max()) + e.size
    if e.size == 1 and not np.allclose(x.min() + h * ixr, x, rtol=0,
                                       atol=_LATTICE_ULPS * _sc.EPS * float(np.abs(x).max())):
        y_values = np.empty(ny)  # distinct outputs x + e0, not on a common lattice
        y_values[ixr] = x + e0
    else:
        y_values = sc.xlo + e0 + h * np.arange(ny)
    # at the edge B = min e^2 only the cheapest grid points (one point, or the two adjacent points
    # -e_min, +e_min) may carry mass: the unbudgeted problem on them is solved
    edge = Bn <= 0.0
    if edge:
        cheap = np.flatnonzero(kap_all <= 0.0)
        sub = slice(int(cheap[0]), int(cheap[-1]) + 1)
    else:
        sub = slice(0, e.size)
    return _Layout(order=sc.order, ixr=ixr, k=k, kmin=kmin, kap_all=kap_all, budget=Bn, edge=edge,
                   sub=sub, ny=ny, y_values=y_values, rows=sc.rows)


def _row_sums(p: np.ndarray) -> np.ndarray:
    """p(u) = sum_x p(u, x), each correctly rounded (math.fsum): rows that are permutations of each other get
    equal sums, so an exact symmetry of the letters (used by the coset split) survives the rounding."""
    return np.array([math.fsum(row) for row in p.tolist()])


def _continuity(delta: float, ny: int) -> float:
    r"""2 (delta log(ny - 1) + h(delta)): how far I(U; X + E) can move when at most ``delta`` of the mass of
    the law of E moves (inf for delta > 1/2).

    Moving mass delta changes every output law (of Y, and of Y given U) by at
    most delta in total variation, and by the sharp continuity bound of the
    entropy (Fannes–Audenaert), :math:`|H(P) - H(Q)| \le T\log(d - 1) +
    h(T)` for :math:`T \le 1 - 1/d`, increasing in T; I = H(Y) - H(Y|U)
    adds two such terms.
    """
    if not 0.0 <= delta <= 0.5:
        return math.inf
    if delta == 0.0:
        return 0.0
    h = -delta * math.log(delta) - (1.0 - delta) * math.log1p(-delta)
    return 2.0 * (delta * math.log(max(ny - 1, 1)) + h)


def _near_edge(lay: _Layout, tol: float) -> _Layout:
    """The layout of the edge B = min e^2 when the budget is so little above it that the edge is within tol/100.

    Every law within the budget has at most delta = B / (least positive
    reduced cost) of its mass off the cheapest points, so its value is at
    least that of a law on them minus :func:`_continuity` (delta): the
    problem on the cheapest points is solved and that amount taken off its
    bound (``slack``). Budgets a few ulps above the edge are otherwise out of
    the interior-point method's reach (a law a hair inside such a budget has
    masses of 1e-200).
    """
    if lay.edge:
        return lay
    kap = lay.kap_all  # sorted grid: the largest cost sits at an end
    if lay.budget >= 0.01 * tol * max(float(kap[0]), float(kap[-1])):
        return lay  # delta >= 0.01 tol, so slack >= 2 h(delta) >= 1.38 delta > 0.01 tol: not near the edge
    pos = kap[kap > 0.0]
    if pos.size == 0:
        return lay
    slack = _continuity(lay.budget / float(pos.min()) * (1.0 + 4.0 * _sc.EPS), lay.ny)
    if not slack <= 0.01 * tol:
        return lay
    cheap = np.flatnonzero(lay.kap_all <= 0.0)
    return replace(lay, edge=True, sub=slice(int(cheap[0]), int(cheap[-1]) + 1), slack=slack)


def _model(p: np.ndarray, lay: _Layout, pu: np.ndarray) -> _Blind | None:
    """The lattice model on the searched sub-grid; None when U or X is constant (I = 0 for every law).

    ``pu`` is :func:`_row_sums` of ``p``; the rows are those of the set-up pass.
    """
    groups, ends, rows_u, rows_x, roff, rp, ncols = lay.rows
    if groups.size <= 1 or ncols <= 1:
        return None
    first = lay.sub.start
    if first or lay.kap_all.size == 1:  # the pass placed the rows at offset 0 of a grid of 2 or more points
        roff = lay.ixr[rows_x] + first
    nsub = lay.sub.stop - first
    kap = np.zeros(nsub) if lay.edge else lay.kap_all[lay.sub]
    return _Blind(ne=nsub, ny=lay.ny, kappa=kap, gp=pu[groups], roff=roff, rp=rp, rg=rows_u)


def _onto_budget(model: _Blind, pi: np.ndarray, mi: float, B: float) -> tuple[np.ndarray, float]:
    """Normalise; a rounding drift above the budget moves a sliver of mass to the cheapest point."""
    pi = pi / pi.sum()
    excess = float(pi @ model.kappa) - B
    if excess <= 0.0:
        return pi, mi
    j_lo, j_hi = int(np.argmin(model.kappa)), int(np.argmax(model.kappa))
    delta = min(excess / (model.kappa[j_hi] - model.kappa[j_lo]), pi[j_hi]) if j_hi != j_lo else 0.0
    pi = pi.copy()
    pi[j_hi] -= delta
    pi[j_lo] += delta
    pi = np.maximum(pi, 0.0)
    return pi, _model_mi(model, pi)


def _result(p, lay: _Layout, B: float, tol: float, pi_sub, mi, lb, s, iters, pu) -> BlindAttack:
    """The BlindAttack for the law ``pi_sub`` on the searched sub-grid (output laws, caller's order and unit).

    ``pu`` is :func:`_row_sums` of ``p``; the law in the caller's order and
    the output laws come from one compiled pass (:func:`mi_lib._blind_grid_kernels.spread`).
    """
    from ._blind_grid_kernels import spread  # numba: loaded on first use only

    pi_s, pmf, out = spread(p, pu, lay.ixr, np.ascontiguousarray(pi_sub, dtype=float), lay.sub.start, lay.order,
                            lay.ny)
    yv = lay.y_values  # made for this call
    for a in (pmf, out, yv):
        a.setflags(write=False)
    lb = min(lb, mi)
    gap = float(mi - lb)
    converged, message = _sc.report(gap, tol, "blind_attack", stacklevel=5)
    return BlindAttack(
        mi=float(mi), pmf=pmf, multiplier=float(s), lower_bound=float(lb), gap=gap,
        cost=lay.kmin + _sc.unscaled(float(pi_s @ lay.kap_all), 2 * lay.k), budget=B, y_values=yv,
        output_pmfs=out, iterations=int(iters), converged=converged, message=message,
    )


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
    problem without budget on them is solved; so is a budget so little above
    it that a law within budget can move at most :math:`\delta` of its mass
    off those points, with :math:`2(\delta\log(|Y|-1) + h(\delta)) \le`
    ``tol``/100 (the continuity bound of the entropy), which is then taken off
    the bound. The grid is brought to unit
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
    p, x, e, B, tol, pu, sc = _check_inputs(p_ux, x_values, e_values, budget, tol)
    lay = _near_edge(_unit_layout(x, e, B, sc), tol)
    model = _model(p, lay, pu)
    if model is None:
        pi = np.zeros(lay.sub.stop - lay.sub.start)
        pi[int(np.argmin(lay.kap_all[lay.sub]))] = 1.0
        return _result(p, lay, B, tol, pi, 0.0, 0.0, 0.0, 0, pu)
    B_in = 0.0 if lay.edge else lay.budget
    pi, mi, lb, s, iters, _ = _blind_search(model, B_in, tol)
    pi, mi = _onto_budget(model, pi, mi, B_in)
    s_out = math.inf if lay.edge else _sc.unscaled(s, -2 * lay.k)
    return _result(p, lay, B, tol, pi, mi, max(lb - lay.slack, 0.0), s_out, iters, pu)
