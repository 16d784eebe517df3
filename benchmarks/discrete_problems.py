"""Problem instances shared by the finite-alphabet benchmark scripts.

Imported by ``make_reference_discrete.py`` and ``suite.py``
(both run as scripts from this folder, so a plain ``import discrete_problems``
finds it). The tests build their own instances on purpose, so that a mistake
here cannot hide in both the reference data and the checks against it.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

FIG6 = {
    "a": [(0.45, 0.05, 0.05, 0.45), (0.40, 0.10, 0.10, 0.40), (0.30, 0.20, 0.20, 0.30), (0.25, 0.25, 0.25, 0.25)],
    "b": [(0.94, 0.02, 0.02, 0.02), (0.70, 0.10, 0.10, 0.10), (0.40, 0.20, 0.20, 0.20), (0.22, 0.26, 0.26, 0.26)],
    "c": [(0.47, 0.47, 0.03, 0.03), (0.40, 0.40, 0.10, 0.10), (0.30, 0.30, 0.20, 0.20), (0.28, 0.28, 0.22, 0.22)],
}
"""The twelve joint pmfs (a, b, c, d) of Figure 6, by panel."""


def pm1_informed(A: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """U = X uniform on {-1, +1}; E on an n-point grid of [-A, A]; cost (y - x)^2.

    Y runs over the lattice x + e for both x (the grid spacing must divide 1),
    and moves longer than A are not allowed (cost inf). Returns ``(p_ux, cost)``
    for :func:`mi_lib.discrete_attack`.
    """
    e = np.linspace(-A, A, n)
    h = e[1] - e[0]
    k = int(round(1.0 / h))
    y = -1.0 - A + h * np.arange(n + 2 * k)
    x = np.array([-1.0, 1.0])
    c = (y[None, :] - x[:, None]) ** 2
    c[np.abs(y[None, :] - x[:, None]) > A + 1e-9] = np.inf
    return np.diag([0.5, 0.5]), c


def gauss_pm1_informed(h: float, sigma: float, half_width: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """U uniform on {-1, +1}; X = U + N(0, sigma^2) quantised to the grid h Z on [-L, L]; cost (y - x)^2.

    The grid points are ``x_j = -L + j h`` (``L = half_width``), each the
    centre of its cell; the outer cells extend to infinity, so the masses
    are exact Gaussian cell probabilities (the tails reach 1e-30 and far
    below; some underflow to zero). Outputs Y live on the same grid. Returns
    ``(p_ux, cost)`` for :func:`mi_lib.discrete_attack`.
    """
    x = np.round(np.arange(-half_width, half_width + 1e-9, h), 10)
    edges = np.concatenate([[-np.inf], (x[:-1] + x[1:]) / 2, [np.inf]])
    p = np.array([0.5 * np.diff(norm.cdf((edges - u) / sigma)) for u in (-1.0, 1.0)])
    return p, (x[None, :] - x[:, None]) ** 2
