"""The paper's grid search for problem (21): the comparison point of ``binary_flip_attack``.

Imported by ``bench_discrete_suite.py`` (run as a script from this folder).
"""

from __future__ import annotations

import numpy as np


def grid_search_21(joint, eps_list, n=100):
    """Minimum of (21) over the n^4 grid on [0,1]^4 for every epsilon, in one vectorised pass.

    The grid is evaluated in full once (chunks of n^3 points with p1 fixed);
    the values at all epsilons come from the same pass, because the paper's
    method re-runs the whole grid per plotted point.
    """
    a, b, c, d = joint
    t = np.linspace(0.0, 1.0, n)
    best = np.full(len(eps_list), np.inf)
    eps_arr = np.asarray(eps_list, float)
    p2, p3, p4 = (g.ravel() for g in np.meshgrid(t, t, t, indexing="ij"))
    pu0, pu1 = a + b, c + d
    j10 = c * (1 - p3) + d * p4
    j11 = c * p3 + d * (1 - p4)
    base_cost = b * p2 + c * p3 + d * p4
    for p1 in t:
        j00 = a * (1 - p1) + b * p2
        j01 = a * p1 + b * (1 - p2)
        q0, q1 = j00 + j10, j01 + j11
        mi = np.zeros_like(p2)
        with np.errstate(divide="ignore", invalid="ignore"):
            for val, pu, q in ((j00, pu0, q0), (j01, pu0, q1), (j10, pu1, q0), (j11, pu1, q1)):
                mi += np.where(val > 0, val * np.log(val / (pu * q)), 0.0)
        cost = a * p1 + base_cost
        order = np.argsort(cost)
        cum = np.minimum.accumulate(mi[order])
        idx = np.searchsorted(cost[order], eps_arr + 1e-15, side="right")
        has = idx > 0
        best[has] = np.minimum(best[has], cum[idx[has] - 1])
    return best
