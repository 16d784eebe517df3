r"""Compiled loops of the blind attacker's set-up and result (private module; imports numba).

Imported by :mod:`mi_lib._blind` and :mod:`mi_lib._blind_lattice` on the
first call of :func:`mi_lib.discrete.blind_attack`, so that ``import
mi_lib`` does not load numba. They replace sequences of small numpy calls
whose cost per call (about a microsecond each) was most of the solver's
fixed cost on small grids (issue 10, ``blind_S2``; ``notes/discrete_solvers.md``,
round 8). Each loop does the same floating-point operations, in the same
order, as the numpy expressions it replaces, so the results are bit for bit
the same (tested).

* :func:`lattice`: the spacing :math:`h = (e_{n-1} - e_0)/(n - 1)` of the
  sorted grid, the largest deviation :math:`\max_i |e_{i+1} - e_i - h|` and
  the extreme spacings, and for every letter its lattice coordinate
  :math:`r = \operatorname{round}((x - e_0)/h)` and distance
  :math:`|(x - e_0)/h - r|\,h` from it.
* :func:`rows`: the letters :math:`(u, x)` with :math:`p(u, x) > 0`, group by
  group, with their output offsets.
* :func:`spread`: the output laws :math:`V_u(o_x + j) = \sum_x p(x|u)\,\pi_j`.
* :func:`law_mi`: :math:`I(U; X + E)` of a law on the whole grid, by the
  coset split's output loop (:func:`mi_lib._blind_coset_kernels._outputs1`).
* :func:`scan`: everything the set-up needs in one call (the stable sort of
  the grid, repeated values, :func:`lattice`, :func:`rows` and the extremes
  that fix the unit), since each compiled call has a fixed cost of its own.
"""

from __future__ import annotations

import numba
import numpy as np

from ._blind_coset_kernels import _outputs1

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")  # x / 0 gives inf or NaN, as in numpy


@_jit
def lattice(x, es):
    """Spacing test of the sorted grid ``es`` (n >= 2) and the lattice coordinates of the letters ``x``.

    Returns ``(h, dev, dmin, dmax, round_ok, offmax, iworst, rmin, rmax, ixr)``:
    ``dev`` = max |e_(i+1) - e_i - h|, ``dmin``/``dmax`` the extreme spacings,
    ``round_ok`` whether round((e_i - e_0)/h) = i for every i, ``offmax`` the
    largest distance of a letter from its lattice point (at ``iworst``, the
    first such letter), ``rmin``/``rmax`` the extreme coordinates (floats)
    and ``ixr`` the coordinates less ``rmin`` (int64; left at 0 when the
    coordinates span 10^7 points or more, which the caller rejects).
    """
    n = es.size
    e0 = es[0]
    h = (es[n - 1] - e0) / (n - 1)
    dev, dmin, dmax = 0.0, np.inf, -np.inf
    for i in range(n - 1):
        d = es[i + 1] - es[i]
        dmin = min(dmin, d)
        dmax = max(dmax, d)
        a = abs(d - h)
        if a > dev or a != a:
            dev = a
    round_ok = True
    for i in range(n):
        if np.round((es[i] - e0) / h) != i:
            round_ok = False
            break
    m = x.size
    r = np.empty(m)
    offmax, iworst = -1.0, 0
    rmin, rmax = np.inf, -np.inf
    for i in range(m):
        t = (x[i] - e0) / h
        rr = np.round(t)
        off = abs(t - rr) * h
        if off > offmax or (off != off and offmax == offmax):  # NaN propagates, as in max / argmax
            offmax, iworst = off, i
        r[i] = rr
        rmin = min(rmin, rr)
        rmax = max(rmax, rr)
    ixr = np.zeros(m, dtype=np.int64)
    if rmax - rmin + n <= 10_000_000:
        for i in range(m):
            ixr[i] = np.int64(r[i] - rmin)
    return h, dev, dmin, dmax, round_ok, offmax, iworst, rmin, rmax, ixr


@_jit
def rows(p, pu, ixr, first):
    """The letters with positive mass: ``(groups, ends, rows_u, rows_x, roff, rp, ncols)``.

    ``groups`` are the values of U with p(u) > 0; the rows (g, x) with
    p(groups[g], x) > 0 come group by group, letters in order (``rows_u`` is
    the group's position g, ``ends[g]`` one past its last row); ``roff`` =
    ``ixr[x] + first``, ``rp`` = p(u, x); ``ncols`` the number of letters with
    positive mass in some row (as ``count_nonzero(p.sum(axis=0) > 0)`` for a
    non-negative ``p``).
    """
    nu, nx = p.shape
    groups = np.empty(nu, dtype=np.int64)
    ng = 0
    for u in range(nu):
        if pu[u] > 0.0:
            groups[ng] = u
            ng += 1
    ends = np.empty(ng, dtype=np.int64)
    ru = np.empty(nu * nx, dtype=np.int64)
    rx = np.empty(nu * nx, dtype=np.int64)
    ro = np.empty(nu * nx, dtype=np.int64)
    rp = np.empty(nu * nx)
    k = 0
    for g in range(ng):
        u = groups[g]
        for j in range(nx):
            if p[u, j] > 0.0:
                ru[k], rx[k], ro[k], rp[k] = g, j, ixr[j] + first, p[u, j]
                k += 1
        ends[g] = k
    ncols = 0
    for j in range(nx):
        for u in range(nu):
            if p[u, j] > 0.0:
                ncols += 1
                break
    return groups[:ng], ends, ru[:k], rx[:k], ro[:k], rp[:k], ncols


@_jit
def spread(p, pu, ixr, pi_sub, start, order, ny):
    """The returned law and its output laws: ``(pi_s, pmf, out)``.

    ``pi_s`` is ``pi_sub`` placed at ``start`` of the sorted grid (zeros
    elsewhere), ``pmf`` the same in the caller's order (``pmf[order[i]] =
    pi_s[i]``), and ``out`` (|U| x ny) the output laws: row u adds
    (p(u, x) / p(u)) * pi_s at offset ixr[x], for every p(u, x) > 0, rows in
    order u = 0, 1, ..., letters in order (the same sums as the loop of slice
    additions it replaces).
    """
    nu, nx = p.shape
    n = order.size
    pi_s, pmf = np.zeros(n), np.zeros(n)
    for i in range(pi_sub.size):
        pi_s[start + i] = pi_sub[i]
    for i in range(n):
        pmf[order[i]] = pi_s[i]
    out = np.zeros((nu, ny))
    for u in range(nu):
        for j in range(nx):
            if p[u, j] > 0.0:
                c = p[u, j] / pu[u]
                o = ixr[j]
                for i in range(n):
                    out[u, o + i] += c * pi_s[i]
    return pi_s, pmf, out


@_jit
def scan(p, pu, x, e):
    """The set-up of :func:`mi_lib.discrete.blind_attack` in one pass over its finite inputs.

    Returns ``(order, es, dup_x, dup_e, xmin, xmax, emin, lat, rws)``:
    the stable argsort of ``e`` and the sorted grid, whether x or e repeat a
    value, min x, max x (max |x| is at one of them), min |e|, :func:`lattice` of (x, es) (zeros
    for a grid of one point, which the caller lays out itself) and
    :func:`rows` at offset 0.
    """
    order = np.argsort(e, kind="mergesort")
    n = e.size
    es = np.empty(n)
    for i in range(n):
        es[i] = e[order[i]]
    dup_e = False
    for i in range(n - 1):
        if es[i + 1] == es[i]:
            dup_e = True
    xs = np.sort(x)
    dup_x = False
    for i in range(xs.size - 1):
        if xs[i + 1] == xs[i]:
            dup_x = True
    emin = np.inf
    for i in range(n):
        emin = min(emin, abs(es[i]))
    if n >= 2:
        lat = lattice(x, es)
    else:
        lat = (0.0, 0.0, 0.0, 0.0, True, 0.0, 0, 0.0, 0.0, np.zeros(x.size, dtype=np.int64))
    rws = rows(p, pu, lat[9], 0)
    return order, es, dup_x, dup_e, xs[0], xs[xs.size - 1], emin, lat, rws


@_jit
def law_mi(roff, rg, rp, gp, pi, ny):
    """I(U; X + E) of the law ``pi`` on the grid: the rows (offset, group, p(u, x)) as one coset of all points.

    p(x|u) = p(u, x) / p(u) per row, then :func:`~mi_lib._blind_coset_kernels._outputs1` (linear domain).
    """
    G, R = gp.size, rp.size
    cond = np.empty(R)
    for r in range(R):
        cond[r] = rp[r] / gp[rg[r]]
    V, lV = np.empty((G, ny)), np.empty((G, ny))
    q, lq = np.empty(ny), np.empty(ny)
    return _outputs1((roff, rg, cond, cond, gp), pi, V, q, lV, lq)
