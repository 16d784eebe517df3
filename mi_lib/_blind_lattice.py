r"""Blind attacker: the lattice layout, the output laws and the input checks of the grid (private module).

:math:`Y = X + E` with :math:`E \sim \pi` on a uniform grid: every letter
:math:`x` sits at an integer offset of the lattice, so the output laws
:math:`V_u = p(\cdot|u) * \pi` are sums of shifted copies of :math:`\pi`
(:func:`_blind_outputs`). Letters and grid points must be on one lattice to
within ``_LATTICE_ULPS`` units of roundoff of the grid scale
(:func:`_lattice_indices`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import _scaling as _sc
from ._logdomain import _lse


@dataclass(frozen=True, slots=True)
class _Blind:
    """Lattice layout of the blind problem (grid in increasing order)."""

    ne: int
    ny: int
    kappa: np.ndarray  # e^2 on the sorted grid
    gp: np.ndarray  # p(u) per group
    roff: np.ndarray  # per row (u, x): y offset
    rp: np.ndarray  # per row: p(u, x), group by group
    rg: np.ndarray  # per row: group index (non-decreasing)


def _group_rows(m: _Blind) -> tuple[np.ndarray, tuple, tuple]:
    """``(log p(u), offsets, log p(x|u))``: per group, the y offsets of its letters and their log p(x | u).

    Only the log-domain routes (:func:`_blind_outputs`, the barrier path and its
    certificate) use them, so they are derived from the rows when needed.
    """
    ends = np.cumsum(np.bincount(m.rg, minlength=m.gp.size)).tolist()
    cuts = list(zip([0] + ends[:-1], ends))
    glp = np.log(m.rp) - np.array([math.log(w) for w in m.gp.tolist()])[m.rg]
    return np.log(m.gp), tuple(m.roff[a:b] for a, b in cuts), tuple(glp[a:b] for a, b in cuts)


def _blind_outputs(m: _Blind, ell: np.ndarray):
    """log V_u (G x |Y|), log q and I(U; Y) for the perturbation law exp(ell)."""
    G = m.gp.size
    loggp, goff, glp = _group_rows(m)
    logV = np.full((G, m.ny), -np.inf)
    for g in range(G):
        offs, lps = goff[g], glp[g]
        if offs.size == 1:
            o = int(offs[0])
            logV[g, o : o + m.ne] = lps[0] + ell
        else:
            for o, lp in zip(offs, lps):
                sl = slice(int(o), int(o) + m.ne)
                logV[g, sl] = np.logaddexp(logV[g, sl], lp + ell)
    logq = _lse(loggp[:, None] + logV, axis=0)
    fin = np.isfinite(logV)
    gi, yi = np.nonzero(fin)
    lv = logV[gi, yi]
    mi = float(np.sum(m.gp[gi] * np.exp(lv) * (lv - logq[yi])))
    return logV, logq, max(mi, 0.0)


def _model_mi(m: _Blind, pi: np.ndarray) -> float:
    """I(U; X + E) for the law ``pi`` (zeros allowed) on the (sub)grid of the model.

    In the linear domain, by the compiled output loop of the coset split
    (:func:`mi_lib._blind_grid_kernels.law_mi`, numba, imported on first
    use; the whole grid is one "coset" whose letters sit at ``roff``): every
    output mass is a sum of non-negative terms (no cancellation), so the value
    agrees with the log-domain :func:`_blind_outputs` to rounding; masses
    below the smallest double would contribute less than 1e-305 nats.
    """
    from ._blind_grid_kernels import law_mi  # numba: loaded on first use only

    return max(law_mi(m.roff, m.rg, m.rp, m.gp, np.ascontiguousarray(pi, dtype=float), m.ny), 0.0)


_LATTICE_ULPS = 64.0
"""Letters and grid points may sit off the lattice by this many units of roundoff of the grid scale
(``max |e|, |x|, h``): the rounding of a grid built by ``linspace`` or ``arange``, and no more."""


def _lattice_indices(x: np.ndarray, es: np.ndarray, xlo: float, xhi: float, lat: tuple) -> tuple[np.ndarray, float]:
    """Integer lattice coordinates of x (the smallest at 0) and the spacing h; raises when off the lattice.

    ``es`` is the grid sorted, ``xlo``/``xhi`` the extreme letters and ``lat``
    the result of :func:`mi_lib._blind_grid_kernels.lattice` (computed by the
    set-up's single compiled pass). The grid must be
    equally spaced; every x must differ from min(e) by an integer multiple of
    that spacing, both to within ``_LATTICE_ULPS`` units of roundoff of the
    grid scale (a letter off the lattice by more has outputs that never
    coincide with the others', a different problem, and is rejected). With a
    single e-value any distinct x are allowed (their outputs are distinct).
    """
    e0 = float(es[0])
    if es.size == 1:
        ix, h = _single_point_lattice(x, xlo)
        return ix - ix.min(), h
    n = es.size
    h, dev, dmin, dmax, round_ok, offmax, i, rmin, rmax, ixr = lat
    # es sorted: its largest |.| sits at an end
    span = max(abs(e0), abs(float(es[-1])), abs(xlo), abs(xhi), h)
    allowed = _LATTICE_ULPS * _sc.EPS * span
    if dev > allowed:
        raise ValueError(
            "e_values are not on one uniform lattice: they must be equally spaced to within rounding "
            f"(spacings range from {dmin:.17g} to {dmax:.17g}, a spread of "
            f"{dev / (_sc.EPS * span):.3g} units of roundoff of the grid scale; "
            f"at most {_LATTICE_ULPS:g} are allowed)"
        )
    if not round_ok:  # only when the spacing itself overflows (e = -1e308, 1e308: the deviation is NaN)
        raise ValueError("e_values must be equally spaced")
    if offmax > allowed:
        raise ValueError(
            f"x_values and e_values are not on one uniform lattice: x = {float(x[i]):.17g} is "
            f"{offmax:.3g} away from the nearest point min(e_values) + k * {h:.17g} "
            f"({offmax / h:.3g} spacings, {offmax / (_sc.EPS * span):.3g} units of roundoff "
            f"of the grid scale; at most {_LATTICE_ULPS:g} are allowed): its outputs would never "
            "coincide with those of the other letters"
        )
    if rmax - rmin + n > 10_000_000:
        raise ValueError("the lattice of Y = X + E would have more than 10^7 points; use a coarser grid")
    return ixr, h


def _single_point_lattice(x: np.ndarray, xlo: float) -> tuple[np.ndarray, float]:
    """:func:`_lattice_indices` for a grid of one point: x on its own lattice when it has one, else ranked."""
    if x.size == 1:
        return np.zeros(1, dtype=np.int64), 1.0
    h = float(np.diff(np.sort(x)).min())
    r = (x - xlo) / h
    span = float(max(np.max(np.abs(x)), h))
    if np.any(np.abs(r - np.round(r)) * h > _LATTICE_ULPS * _sc.EPS * span) or r.max() > 1e7:
        # outputs x + e0 are distinct anyway: place each x on its own lattice point
        order = np.argsort(x)
        ix = np.empty(x.size, dtype=np.int64)
        ix[order] = np.arange(x.size)
        return ix, 1.0
    return np.round(r).astype(np.int64), h
