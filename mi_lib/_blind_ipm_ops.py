r"""Blind interior-point method: the index arrays of one problem (private module).

Everything the iteration of :mod:`mi_lib._blind_ipm` evaluates at a
full-support law is indexed once per solve (:class:`_Ops`) and then computed
by the compiled loops of :mod:`mi_lib._blind_ipm_kernel`:

* outputs in the linear domain, :math:`V_u(y) = \sum_x p(x|u)\,\pi(y - x)`
  (one shifted copy of :math:`\pi` per letter row), :math:`q = \sum_u p(u) V_u`;
  positions an output can never reach are padded with 1 so that logarithms and
  reciprocals need no mask (their weight is 0 everywhere);
* :math:`I = \sum_u p(u) \sum_y V_u \log(V_u/q)` and the gradient
  :math:`g_e = \sum_{u,x} p(u,x) \log(V_u(x+e)/q(x+e))`;
* the Hessian diagonals (offsets :math:`k = x - x'`): entry :math:`(e, e+k)` is
  :math:`\sum_{g,i} W_{k,(g,i)} / V_g(O_i + e) - \sum_i W^q_{k,i} / q(O_i + e)`
  with the pair weights of :func:`mi_lib._blind_barrier._plan` summed per
  diagonal in advance (built by :func:`mi_lib._blind_ipm_blocks._ops_arrays`);
* the scaled block :math:`K = \Pi H \Pi + \operatorname{diag}(\pi z)` is
  symmetric positive definite (:math:`I` is convex, :math:`\pi z > 0`): one
  Cholesky factorisation of :math:`K + \pi\pi^\top` (or of the blocks of
  :math:`K`, :mod:`mi_lib._blind_ipm_blocks`), and the one or two border
  rows (:math:`\pi`, :math:`\Pi\kappa`) by their Schur complement.

The law must have full support (the interior-point iterates do); the linear
domain is then exact to rounding (no cancellation: every term is positive).
Derivation: ``notes/discrete_solvers.md``.
"""

from __future__ import annotations

import numpy as np

from ._blind_lattice import _Blind


class _Ops:
    """Index arrays of one blind problem for the interior-point kernels (built once per solve).

    ``arrays`` is the tuple the kernels take: letter rows (group, output
    offset, p(x|u), p(u, x)), pads and weights of the outputs, and the Hessian
    plan (pair weights per diagonal, their offsets into the stacked
    reciprocals [1/V; 1/q], the diagonal offsets).
    """

    def __init__(self, m: _Blind):
        from . import _blind_ipm_blocks as kb  # numba: loaded by the interior-point method's first call anyway

        n, G, ny = m.ne, m.gp.size, m.ny
        self.n, self.G, self.ny = n, G, ny
        rg = np.ascontiguousarray(m.rg, dtype=np.int64)
        ro = np.ascontiguousarray(m.roff, dtype=np.int64)
        rp = np.ascontiguousarray(m.rp, dtype=float)
        gp = np.ascontiguousarray(m.gp, dtype=float)
        rc, pad, gpw, qpad, W, hbase, offs = kb._ops_arrays(rg, ro, rp, gp, n, ny)
        self.arrays = (rg, ro, rc, rp, pad, gp, gpw, qpad, W, hbase, offs)
        self.ndiag = offs.size

    def workspace(self):
        """Arrays the kernels fill: V, q, L, g, the stacked reciprocals, the K diagonals, the factor."""
        G, ny, n = self.G, self.ny, self.n
        return (np.empty((G, ny)), np.empty(ny), np.empty((G, ny)), np.empty(n), np.empty((G + 1) * ny),
                np.empty((self.ndiag, n)), np.empty((n, n)))
