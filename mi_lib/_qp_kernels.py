r"""Compiled active-set QP of the informed Newton methods (private module; numba).

The scaled Newton subproblem of the fixed-slope mixing problem and of the
bordered budget Newton method is the bound-constrained convex QP
``min q'z + z' diag(sigma) M z / 2`` over ``z >= lb``; :func:`qp` solves it by
the primal active-set method of :func:`mi_lib._mixing._informed_qp` (same
working-set rules, ridge and tolerances), each free-set system by LU with
partial pivoting (:func:`lu_solve`; a zero pivot stops the method as the
LAPACK ``info`` did). Derivation and measurements: ``notes/discrete_solvers.md``
("Round 6 (issue 10): compiled inner loops").
"""

from __future__ import annotations

import numpy as np
from numba import njit

_INF = np.inf

_jit = njit(cache=True, error_model="numpy")  # numpy's IEEE semantics: x / 0 is inf or NaN, never an exception


@_jit
def top(v, m, largest):
    """Indices of the ``m`` largest (or smallest) entries of v, best first.

    Ties as numpy's sort of a short array (stable ascending): among equal
    values the smallest are taken first by index, the largest last by index.
    """
    n = v.size
    m = min(m, n)
    out = np.empty(m, dtype=np.intp)
    used = np.zeros(n, dtype=np.bool_)
    for r in range(m):
        b = -1
        for i in range(n):
            if used[i]:
                continue
            if b < 0:
                b = i
            elif largest:
                if v[i] >= v[b]:
                    b = i
            elif v[i] < v[b]:
                b = i
        used[b] = True
        out[r] = b
    return out


@_jit
def lu_solve(A, b):
    """Solve A x = b by LU with partial pivoting (A and b overwritten); ok = False on a zero pivot."""
    n = b.size
    for c in range(n):
        p = c
        big = abs(A[c, c])
        for r in range(c + 1, n):
            if abs(A[r, c]) > big:
                big = abs(A[r, c])
                p = r
        if big == 0.0 or big != big:
            return b, False
        if p != c:
            for t in range(n):
                A[c, t], A[p, t] = A[p, t], A[c, t]
            b[c], b[p] = b[p], b[c]
        inv = 1.0 / A[c, c]
        for r in range(c + 1, n):
            f = A[r, c] * inv
            if f != 0.0:
                for t in range(c + 1, n):
                    A[r, t] -= f * A[c, t]
                b[r] -= f * b[c]
    for c in range(n - 1, -1, -1):
        acc = b[c]
        for t in range(c + 1, n):
            acc -= A[c, t] * b[t]
        b[c] = acc / A[c, c]
    return b, True


@_jit
def qp(M, q, lb, z0, rank):
    """Primal active-set method for ``min q'z + z' diag(sigma) M z / 2`` over ``z >= lb`` from ``z0``.

    See :func:`mi_lib._mixing._informed_qp` (same working-set rules, ridge and tolerances).
    """
    tiny = 1e-14
    J = q.size
    z = z0.copy()
    F = z > lb
    first = True
    Fi = np.empty(J, dtype=np.intp)
    Bi = np.empty(J, dtype=np.intp)
    for _ in range(4 * J + 20):
        nF = 0
        nB = 0
        for j in range(J):
            if F[j]:
                Fi[nF] = j
                nF += 1
            else:
                Bi[nB] = j
                nB += 1
        if nF:
            MF = np.empty((nF, nF))
            rhs = np.empty(nF)
            for a in range(nF):
                ia = Fi[a]
                acc = 0.0
                for j in range(J):
                    if not F[j]:
                        acc += M[ia, j] * z[j]
                rhs[a] = -(q[ia] + acc)
                for c in range(nF):
                    MF[a, c] = M[ia, Fi[c]]
                MF[a, a] *= 1.0 + 1e-12  # a tiny ridge (relative to the diagonal)
            zF, ok = lu_solve(MF, rhs)
            for a in range(nF):
                if not np.isfinite(zF[a]):
                    ok = False
            if not ok:
                break
            blocked = False
            for a in range(nF):
                if zF[a] < lb[Fi[a]] - tiny:
                    blocked = True
            if blocked:
                i = 0
                best = _INF
                for a in range(nF):
                    ia = Fi[a]
                    d = zF[a] - z[ia]
                    r = (lb[ia] - z[ia]) / d if (zF[a] < lb[ia] - tiny and d < 0) else _INF
                    if r < best:
                        best = r
                        i = a
                step = min(max(best, 0.0), 1.0)
                for a in range(nF):
                    ia = Fi[a]
                    zc = z[ia] + step * (zF[a] - z[ia])
                    if zc <= lb[ia] + tiny or a == i:
                        z[ia] = lb[ia]
                        F[ia] = False
                    else:
                        z[ia] = zc
                continue
            for a in range(nF):
                z[Fi[a]] = zF[a]
        if nB == 0:
            break
        rho = np.empty(nB)
        for a in range(nB):
            ib = Bi[a]
            acc = 0.0
            for j in range(J):
                acc += M[ib, j] * z[j]
            rho[a] = q[ib] + acc
        i = 0
        for a in range(1, nB):
            if rho[a] < rho[i]:
                i = a
        if rho[i] >= -1e-13:
            break
        if first:  # release the steepest descent variables at once (as many as the rank leaves room for)
            room = max(rank - nF, 1)
            nneg = 0
            for a in range(nB):
                if rho[a] < -1e-13:
                    nneg += 1
            neg = np.empty(nneg, dtype=np.intp)
            vals = np.empty(nneg)
            c = 0
            for a in range(nB):
                if rho[a] < -1e-13:
                    neg[c] = a
                    vals[c] = rho[a]
                    c += 1
            for a in top(vals, room, False):  # numpy: neg[rho[neg].argsort()[:room]]
                F[Bi[neg[a]]] = True
            first = False
        else:
            F[Bi[i]] = True
    return z
