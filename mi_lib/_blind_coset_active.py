r"""Active set of the coset split's per-coset Newton method (private module; imports numba).

Imported by the coset kernels (:mod:`mi_lib._blind_coset_kernels`,
:mod:`mi_lib._blind_coset_budget_kernels`), which the coset split loads on
first use, so ``import mi_lib`` does not load numba. Plain loops,
``numba.njit(cache=True)``; layouts and notation as in
:mod:`mi_lib._blind_coset_kernels` (letter rows ``R = (d, grp, cond, pa, gp)``).

A coset optimum may sit on a face of its simplex (issue 10, blind_S2: coset 0
collapses onto its cost-0 point). The Newton step then works on the support
:math:`S = \{k: \sigma_k > 0\}` only, and the points off it are governed by the
optimality (KKT) condition of :math:`\min_\sigma I_c(\sigma) + s\,\mathbb{E}_\sigma
\kappa` on the simplex,

.. math::

    g_k + s\kappa_k \ge \lambda = \sum_{j \in S} \sigma_j (g_j + s\kappa_j)
    \quad (k \notin S),

with :math:`g_k` the one-sided derivative of :math:`I_c` along the vertex
:math:`e_k` (:func:`limit_gradient`). A support point whose mass falls below
``DROP`` times the largest mass while its condition says it should leave is
dropped (mass exactly 0); a dropped point re-enters with mass ``ENTER`` when its
condition fails by more than the stationarity tolerance (:func:`drop_enter`).
The one-step bound needs a full-support law: it is taken at
:math:`(1 - \varepsilon)\sigma + \varepsilon u` (:func:`mixed`), a proof for
any :math:`\varepsilon \in (0, 1]`. At a face optimum it is tight when every
output reached from a zero-mass point is also reached from the support (S2's
coset 0); when two zero-mass points share outputs that the support does not
reach, the uniform mix can leave it short (an audit found 0.034 nats), and the
split then gives way to the interior-point method. Derivation:
``notes/discrete_solvers.md``, round 8.
"""

from __future__ import annotations

import math

import numba

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")
_jit_inline = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")

DROP = 1e-10  # a support point below this fraction of the largest mass may leave the support
ENTER = 1e-6  # mass given to a point that re-enters the support
MIX = 1e-14  # weight of the uniform law in the law at which the one-step bound is taken


@_jit_inline
def support(real, sig, sup):
    """sup <- real & (sig > 0); returns the number of real points with zero mass."""
    nz = 0
    for k in range(real.size):
        sup[k] = real[k] and sig[k] > 0.0
        if real[k] and not sup[k]:
            nz += 1
    return nz


@_jit
def limit_gradient(R, sig, q, lV, lq, real, grad):
    r"""grad[k] <- the derivative of I_c along e_k at the real points with sig[k] = 0.

    :math:`g_k = \sum_a p(a)\,\ell_a(k + d_a)` with :math:`\ell_a(y) = \log
    V_{u_a}(y) - \log q(y)` where :math:`q(y) > 0`; an output with
    :math:`q(y) = 0` is reached from point k only through the letters at
    offset :math:`d_a = y - k` (one per group), so its ratio is the ratio of
    their rates, :math:`\ell_a = \log\bigl(p(x_a|u_a) / \sum_{b:\,d_b = d_a}
    p(b)\bigr)`. (``-inf`` when :math:`q(y) > 0 = V_{u_a}(y)`: the point must enter.)
    """
    d, grp, cond, pa = R[0], R[1], R[2], R[3]
    for k in range(sig.size):
        if not (real[k] and sig[k] == 0.0):
            continue
        t = 0.0
        for a in range(d.size):
            y = k + d[a]
            if q[y] > 0.0:
                t += pa[a] * (lV[grp[a], y] - lq[y])
            else:
                px = 0.0
                for b in range(d.size):
                    if d[b] == d[a]:
                        px += pa[b]
                t += pa[a] * math.log(cond[a] / px)
        grad[k] = t


@_jit_inline
def drop_enter(real, sig, grad, lam, tol, new):
    """Apply the active set to the stepped law ``new`` (normalised again); returns the number of changes.

    A point of ``new`` below DROP x max(new) whose (cost-shifted) gradient
    ``grad`` at ``sig`` exceeds the support's mean ``lam`` is dropped; a point
    with zero mass in ``sig`` whose gradient is below lam - tol enters with mass ENTER.
    """
    top = 0.0
    for k in range(new.size):
        top = max(top, new[k])
    changed = 0
    for k in range(new.size):
        if not real[k]:
            continue
        if sig[k] > 0.0:
            if new[k] < DROP * top and grad[k] > lam:
                new[k] = 0.0
                changed += 1
        elif grad[k] < lam - tol:
            new[k] = ENTER * top
            changed += 1
    if changed:
        tot = 0.0
        for k in range(new.size):
            tot += new[k]
        for k in range(new.size):
            new[k] = new[k] / tot
    return changed


@_jit_inline
def mixed(real, sig, out):
    """out <- (1 - MIX) sig + MIX x uniform on the real points when sig has a zero real mass; returns whether it had."""
    full = True
    for k in range(real.size):
        full = full and not (real[k] and not sig[k] > 0.0)
    if full:
        return False
    n = 0
    for k in range(real.size):
        n += 1 if real[k] else 0
    for k in range(real.size):
        out[k] = (1.0 - MIX) * sig[k] + MIX / n if real[k] else 0.0
    return True
