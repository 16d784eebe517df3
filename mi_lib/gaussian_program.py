r"""Program (4) by search: the numerical routes that check the closed form of :mod:`mi_lib.gaussian`.

Program (4) of the paper (§3.1) minimises the squared correlation

.. math::

    \rho^2(x, y) = \frac{(a^2 + x)^2}{a^2\,(a^2 + \sigma^2 + D + 2x + 2y)}
    \quad\text{subject to}\quad \frac{x^2}{a^2} + \frac{y^2}{\sigma^2} \le D,

over :math:`x = \mathrm{Cov}(U, E)`, :math:`y = \mathrm{Cov}(W, E)`.
:func:`mi_lib.gaussian_attack` solves it in closed form; this module solves it
without that formula, as notebook 02 needs for an independent check:

* :func:`solve_program4`: a boundary search in the angle of the ellipse with
  local refinement, plus an optional uniform sample of the interior;
* :func:`program4_meshgrid`: the grid search of the paper's §5 (a meshgrid with a
  fixed step or a fixed number of points per axis), which reproduces the
  plotted points of Figure 3;
* :func:`half_information_budgets`: the budgets at which the informed and the
  blind attacker leave half of the clean information (closed forms);
* :func:`paper_figure3`: the paper's 490 plotted points of Figure 3, extracted
  from its PDF into ``notebooks/data/paper_figures/figure3.csv``.

All information values are in nats.
"""

from __future__ import annotations

import csv
import math

import numpy as np

from ._validation import integer, nonnegative, positive, real_array, rng_from

__all__ = [
    "half_information_budgets",
    "mi_from_rho2",
    "paper_figure3",
    "program4_meshgrid",
    "program4_objective",
    "solve_program4",
]


def program4_objective(x, y, a2: float, s2: float, D: float) -> np.ndarray:
    r"""The objective of program (4): the squared correlation of U and Y = U + W + E.

    Parameters
    ----------
    x, y : array_like
        :math:`\mathrm{Cov}(U, E)` and :math:`\mathrm{Cov}(W, E)` (broadcast together).
    a2, s2, D : float
        Signal variance :math:`a^2 > 0`, noise variance :math:`\sigma^2 \ge 0`, budget :math:`D \ge 0`.

    Returns
    -------
    numpy.ndarray
        :math:`(a^2 + x)^2 / (a^2 (a^2 + \sigma^2 + D + 2x + 2y))`, elementwise (feasibility is not checked).
    """
    a2, s2, D = positive(a2, "a2"), nonnegative(s2, "s2"), nonnegative(D, "D")
    x, y = real_array(x, "x"), real_array(y, "y")
    return (a2 + x) ** 2 / (a2 * (a2 + s2 + D + 2 * x + 2 * y))


def mi_from_rho2(rho2) -> np.ndarray:
    r"""Mutual information :math:`-\tfrac12\log(1 - \rho^2)` of a jointly Gaussian pair, in nats.

    Parameters
    ----------
    rho2 : array_like
        Squared correlations in :math:`[0, 1)`.

    Returns
    -------
    numpy.ndarray
    """
    r = real_array(rho2, "rho2")
    if np.any(~np.isfinite(r)) or np.any((r < 0) | (r >= 1)):
        raise ValueError("rho2 must lie in [0, 1)")
    return -0.5 * np.log1p(-r)


def solve_program4(a2: float, s2: float, D: float, *, n_angles: int = 4001, n_refine: int = 3,
                   n_interior: int = 0, rng=None) -> tuple[float, float]:
    r"""Minimum of program (4) by search, without the closed form.

    For fixed :math:`x` the objective decreases in :math:`y`, so a minimiser lies on
    the boundary :math:`x = a\sqrt D\cos\theta`, :math:`y = \sigma\sqrt D\sin\theta`.
    The objective is evaluated at ``n_angles`` angles in :math:`[-\pi, \pi)`, the
    ``n_refine`` best local minima are refined by bounded scalar minimisation
    (tolerance :math:`10^{-12}` in :math:`\theta`), and, as a check of the boundary
    argument, ``n_interior`` points drawn uniformly from the ellipse are evaluated too.

    Parameters
    ----------
    a2, s2, D : float
        :math:`a^2 > 0`, :math:`\sigma^2 \ge 0`, :math:`D \ge 0`.
    n_angles : int, default 4001
        Angles of the coarse boundary scan (at least 8).
    n_refine : int, default 3
        Local minima refined (at least 1).
    n_interior : int, default 0
        Interior sample size; 0 skips the sample.
    rng : numpy.random.Generator, int or None
        Source of the interior sample. It draws ``n_interior`` radii, then
        ``n_interior`` angles.

    Returns
    -------
    (float, float)
        The boundary minimum of :math:`\rho^2` and the smallest objective over the
        interior sample (``inf`` when ``n_interior == 0``).
    """
    from scipy.optimize import minimize_scalar

    a2, s2, D = positive(a2, "a2"), nonnegative(s2, "s2"), nonnegative(D, "D")
    n_angles = integer(n_angles, "n_angles", minimum=8)
    n_refine = integer(n_refine, "n_refine", minimum=1)
    n_interior = integer(n_interior, "n_interior", minimum=0)
    rx, ry = math.sqrt(a2 * D), math.sqrt(s2 * D)

    def f(t):
        return (a2 + rx * np.cos(t)) ** 2 / (a2 * (a2 + s2 + D + 2 * rx * np.cos(t) + 2 * ry * np.sin(t)))

    theta = np.linspace(-np.pi, np.pi, n_angles, endpoint=False)
    vals = f(theta)
    local = np.flatnonzero((vals <= np.roll(vals, 1)) & (vals <= np.roll(vals, -1)))
    step = theta[1] - theta[0]
    best = float(vals.min())
    for i in local[np.argsort(vals[local])][:n_refine]:
        res = minimize_scalar(f, bounds=(theta[i] - step, theta[i] + step), method="bounded",
                              options={"xatol": 1e-12, "maxiter": 1000})
        best = min(best, float(res.fun))
    if n_interior == 0:
        return best, math.inf
    gen = rng_from(rng)
    r, t = np.sqrt(gen.uniform(size=n_interior)), gen.uniform(-np.pi, np.pi, n_interior)
    interior = (a2 + rx * r * np.cos(t)) ** 2 / (a2 * (a2 + s2 + D + 2 * rx * r * np.cos(t) + 2 * ry * r * np.sin(t)))
    return best, float(interior.min())


def program4_meshgrid(a2: float, s2: float, D: float, *, step: float | None = None,
                      n: int | None = None) -> tuple[float, int, int]:
    r"""Program (4) on a meshgrid of the box :math:`|x| \le \sqrt{a^2D}`, :math:`|y| \le \sqrt{\sigma^2D}`.

    The paper's §5 solves (4) "by a grid search". Either a fixed ``step`` on both
    axes, starting at :math:`-r` (MATLAB's ``-r:step:r``), or ``n`` points per axis
    spanning :math:`[-r, r]`. Grid points on the ellipse up to rounding (relative
    :math:`10^{-12}`) count as feasible.

    Parameters
    ----------
    a2, s2, D : float
        :math:`a^2 > 0`, :math:`\sigma^2 > 0`, :math:`D > 0`.
    step : float, optional
        Grid step (positive); give exactly one of ``step`` and ``n``.
    n : int, optional
        Points per axis (at least 2).

    Returns
    -------
    (float, int, int)
        The smallest objective over the feasible grid points and the numbers of
        grid points on the x and y axes.
    """
    a2, s2, D = positive(a2, "a2"), positive(s2, "s2"), positive(D, "D")
    if (step is None) == (n is None):
        raise ValueError("give exactly one of step and n")
    rx, ry = math.sqrt(a2 * D), math.sqrt(s2 * D)
    if step is None:
        n = integer(n, "n", minimum=2)
        gx, gy = np.linspace(-rx, rx, n), np.linspace(-ry, ry, n)
    else:
        step = positive(step, "step")
        gx, gy = (-r + step * np.arange(np.floor(2 * r / step + 1e-9) + 1) for r in (rx, ry))
    x, y = np.meshgrid(gx, gy)
    ok = x**2 / a2 + y**2 / s2 <= D * (1 + 1e-12)
    vals = (a2 + x[ok]) ** 2 / (a2 * (a2 + s2 + D + 2 * x[ok] + 2 * y[ok]))
    return float(vals.min()), int(gx.size), int(gy.size)


def half_information_budgets(a2: float, s2: float) -> tuple[float, float, float]:
    r"""Budgets at which the informed and the blind attacker leave half of the clean information.

    With the clean information :math:`c = \tfrac12\log(1 + a^2/\sigma^2)`,
    :math:`R^2 = a^2 + \sigma^2` and :math:`\sin\varphi_0 = \sigma/R`:

    .. math::

        D_{1/2}^{\rm inf} = R^2\sin^2\bigl(\arcsin\sqrt{\sigma/R} - \varphi_0\bigr), \qquad
        D_{1/2}^{\rm blind} = \frac{a^2}{\sqrt{1 + a^2/\sigma^2} - 1} - \sigma^2 .

    Parameters
    ----------
    a2, s2 : float
        :math:`a^2 > 0`, :math:`\sigma^2 > 0`.

    Returns
    -------
    (float, float, float)
        The clean information (nats), :math:`D_{1/2}^{\rm inf}` and :math:`D_{1/2}^{\rm blind}`.
    """
    a2, s2 = positive(a2, "a2"), positive(s2, "s2")
    R = math.sqrt(a2 + s2)
    clean = 0.5 * math.log1p(a2 / s2)
    d_blind = a2 / (math.sqrt(1 + a2 / s2) - 1) - s2
    phi0 = math.asin(math.sqrt(s2) / R)
    d_inf = R**2 * math.sin(math.asin(math.sqrt(math.sqrt(s2) / R)) - phi0) ** 2
    return clean, d_inf, d_blind


def paper_figure3() -> dict[str, np.ndarray]:
    r"""The paper's 490 plotted points of Figure 3, extracted from its PDF.

    Reads ``notebooks/data/paper_figures/figure3.csv`` (written by
    ``tools/extract_paper_figures.py``; calibration and provenance in
    ``provenance.json`` beside it).

    Returns
    -------
    dict of numpy.ndarray
        ``"a2"`` (panel), ``"s2"`` (curve), ``"D_page"`` (budget as stored on the
        page, single precision), ``"D"`` (that budget rounded to :math:`10^{-6}`)
        and ``"y"`` (plotted value), one entry per point.
    """
    from .paths import data_dir

    with open(data_dir() / "paper_figures" / "figure3.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cols = {"a2": "panel_value", "s2": "curve_value", "D_page": "x", "y": "y"}
    out = {key: np.array([float(r[col]) for r in rows]) for key, col in cols.items()}
    out["D"] = np.round(out["D_page"], 6)  # budgets are stored at single precision (0.099999989 for 0.1)
    return out
