r"""Figures of the lecture on discrete signals (notebook 09).

Each function takes what it draws (solver outputs the notebook has computed and
checked) or the parameters it solves for, and returns a new Figure; nothing is
saved or printed here.
"""

from __future__ import annotations

from typing import Any, Mapping

import matplotlib.figure
import numpy as np

from .diagrams import _blind_law_panel, _check_positive

__all__ = ["binary_bayes_errors", "binary_mi_curves", "blind_noise_laws", "informed_binary_law", "pam_curves"]


def _curve(x: Any, name: str, n: int | None = None) -> np.ndarray:
    arr = np.asarray(x)
    if np.iscomplexobj(arr) or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real array; got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a non-empty finite 1-D array; got shape {arr.shape}")
    if n is not None and arr.size != n:
        raise ValueError(f"{name} has {arr.size} entries; expected {n}")
    return arr


def informed_binary_law(y_values: Any, channel: Any, D: float, budgets: Any, shrink: Any,
                        flip: Any) -> matplotlib.figure.Figure:
    r"""Draw the informed optimum against :math:`\pm 1`: the solver's law, the channel, its parameters.

    Panel (a): the law of Y given :math:`X = \pm 1` at budget D (bars side by side).
    Panel (b): the channel :math:`Y = aXS` with :math:`a = \sqrt{1-D}` and flip
    probability :math:`p = (1 - a)/2`. Panel (c): the closed forms of a and p over
    the budget as lines, with the solver's values (points) at ``budgets``.

    Parameters
    ----------
    y_values : array_like, shape (n,)
        Output lattice.
    channel : array_like, shape (2, n)
        :math:`W(y \mid x)` for :math:`x = -1, +1` at budget D.
    D : float
        Budget of panels (a) and (b), :math:`0 \le D \le 1`.
    budgets, shrink, flip : array_like, shape (k,)
        Budgets and the solver's :math:`\mathbb E[|Y| \mid X = 1]` and
        :math:`P(Y < 0 \mid X = 1)` there.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    y = _curve(y_values, "y_values")
    W = np.asarray(channel, dtype=float)
    if W.shape != (2, y.size) or not np.all(np.isfinite(W)) or np.any(W < 0):
        raise ValueError(f"channel must be a non-negative array of shape (2, {y.size}); got {W.shape}")
    D = _check_positive("D", D, allow_zero=True)
    if D > 1:
        raise ValueError(f"D must not exceed 1; got {D!r}")
    Ds = _curve(budgets, "budgets")
    a_s, p_s = _curve(shrink, "shrink", Ds.size), _curve(flip, "flip", Ds.size)
    a, p = np.sqrt(1 - D), (1 - np.sqrt(1 - D)) / 2
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(13, 3.8), gridspec_kw={"width_ratios": [1.3, 1.0, 1.2]})
    keep = W.max(axis=0) > 1e-6
    for row, (xv, color) in enumerate(((-1, "C3"), (1, "C0"))):
        shift = 0.012 * xv  # the two inputs share output points: draw their bars side by side
        ax1.vlines(y[keep] + shift, 0, W[row, keep], color=color, lw=3, label=f"Y given X = {xv:+d}")
        ax1.plot([xv], [0], "^", color=color, ms=9, clip_on=False)
    for s in (-1, 1):
        ax1.axvline(s * a, color="0.5", ls=":", lw=1)
    ax1.set_xlim(-1.3, 1.3)
    ax1.set_xlabel("output y (triangles: the inputs ±1; dotted: ±a)")
    ax1.set_ylabel("probability")
    ax1.set_title(f"(a) solver's optimal law, D = {D:g}")
    ax1.legend(fontsize=8, loc="upper center")

    ax2.axis("off")
    ax2.set_xlim(-0.35, 1.35)
    ax2.set_ylim(-1.35, 1.35)
    for xv, color in ((-1, "C3"), (1, "C0")):
        ax2.plot([0], [xv], "o", color=color, ms=10)
        ax2.text(-0.08, xv, f"X = {xv:+d}", ha="right", va="center")
        for yv, prob, text in ((a * xv, 1 - p, f"1 − p = {1 - p:.3f}"), (-a * xv, p, f"p = {p:.3f}")):
            ax2.annotate("", xy=(1, yv), xytext=(0, xv),
                         arrowprops={"arrowstyle": "-|>", "lw": 0.6 + 5 * prob, "color": color,
                                     "shrinkA": 6, "shrinkB": 6})
            ax2.text(0.5, 0.5 * (xv + yv) + 0.12 * xv, text, ha="center", color=color, fontsize=9)
    for yv in (a, -a):
        ax2.plot([1], [yv], "s", color="0.3", ms=8)
        ax2.text(1.08, yv, f"y = {yv:+.3f}", va="center")
    ax2.set_title("(b) the channel: shrink to ±a, flip w.p. p")

    line = np.linspace(0, 1, 201)
    ax3.plot(line, np.sqrt(1 - line), color="C0", label="shrink a = √(1 − D)")
    ax3.plot(line, (1 - np.sqrt(1 - line)) / 2, color="C1", label="flip probability p")
    ax3.plot(Ds, a_s, ".", color="C0", ms=5, label="E[|Y| | X = +1] (solver)")
    ax3.plot(Ds, p_s, ".", color="C1", ms=5, label="P(Y < 0 | X = +1) (solver)")
    ax3.set_xlabel("power budget D")
    ax3.set_title("(c) the two parameters over the budget")
    ax3.legend(fontsize=8)
    fig.tight_layout()
    return fig


def blind_noise_laws(budgets: Any = (0.25, 1.0, 2.0, 4.0), h: float = 0.05,
                     e_max: float = 6.0) -> matplotlib.figure.Figure:
    r"""Draw the worst blind noise against :math:`\pm 1` at several budgets, one panel each.

    The panels are those of :func:`mi_lib.plotting.blind_noise_law` (the solver
    :func:`mi_lib.blind_attack` on :math:`h\mathbb Z \cap [-e_{\max}, e_{\max}]`).

    Parameters
    ----------
    budgets : array_like of float, default (0.25, 1, 2, 4)
        Positive power budgets.
    h, e_max : float
        Lattice step and largest perturbation.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    Ds = _curve(budgets, "budgets")
    if np.any(Ds <= 0):
        raise ValueError("budgets must be positive")
    h, e_max = _check_positive("h", h), _check_positive("e_max", e_max)
    fig, axes = plt.subplots(1, Ds.size, figsize=(3.0 * Ds.size, 3.0), sharey=True, squeeze=False)
    for ax, D in zip(axes[0], Ds):
        res = _blind_law_panel(ax, D, h, e_max)
        ax.set_title(f"D = {D:g}, I = {res.mi:.4f} nats")
        ax.set_xticks(np.arange(-2 * int(e_max // 2), 2 * int(e_max // 2) + 1, 2))
    axes[0, 0].set_ylabel("probability")
    fig.suptitle(f"Worst blind noise against ±1 (lattice h = {h:g}, |e| ≤ {e_max:g})")
    fig.tight_layout()
    return fig


def _curves_axes(figsize, xlabel, ylabel):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def binary_mi_curves(budgets: Any, informed: Any, blind: Any, gaussian: Any, solver_budgets: Any,
                     solver_informed: Any) -> matplotlib.figure.Figure:
    r"""Draw :math:`I(U;Y)` against the power budget for :math:`\pm 1`: informed, blind, Gaussian noise.

    Parameters
    ----------
    budgets : array_like, shape (k,)
        Budgets of the curves.
    informed, blind, gaussian : array_like, shape (k,)
        Informed optimum (closed form), blind optimum, Gaussian noise of the same power [nats].
    solver_budgets, solver_informed : array_like, shape (m,)
        The informed solver's values, drawn as points.

    Returns
    -------
    matplotlib.figure.Figure
    """
    D = _curve(budgets, "budgets")
    curves = [_curve(c, n, D.size) for c, n in ((informed, "informed"), (blind, "blind"), (gaussian, "gaussian"))]
    Ds = _curve(solver_budgets, "solver_budgets")
    Is = _curve(solver_informed, "solver_informed", Ds.size)
    fig, ax = _curves_axes((7, 4.2), "power budget D [signal power units]", "I(U; Y) [nats]")
    ax.plot(D, curves[0], label="informed (closed form)")
    ax.plot(Ds, Is, ".", ms=4, label="informed (solver, h = 0.025)")
    ax.plot(D, curves[1], label="blind worst noise (solver)")
    ax.plot(D, curves[2], "--", label="Gaussian noise, same power")
    ax.set_ylim(0, np.log(2.0) * 1.02)
    ax.legend()
    fig.tight_layout()
    return fig


def binary_bayes_errors(informed_budgets: Any, informed_error: Any, informed_closed: Any, informed_fano: Any,
                        budgets: Any, blind_error: Any, blind_fano: Any,
                        gaussian_error: Any) -> matplotlib.figure.Figure:
    r"""Draw the Bayes error and Fano's bound under the informed, blind and Gaussian attacks on :math:`\pm 1`.

    Parameters
    ----------
    informed_budgets : array_like, shape (m,)
        Budgets of the informed solver.
    informed_error, informed_closed, informed_fano : array_like, shape (m,)
        Its Bayes error (points), the closed form :math:`(1 - \sqrt{1-D})/2` (line) and Fano's bound.
    budgets : array_like, shape (k,)
        Budgets of the blind and Gaussian curves.
    blind_error, blind_fano, gaussian_error : array_like, shape (k,)
        Bayes error and Fano bound under the worst blind noise; Bayes error under Gaussian noise.

    Returns
    -------
    matplotlib.figure.Figure
    """
    Di = _curve(informed_budgets, "informed_budgets")
    inf = [_curve(c, n, Di.size) for c, n in ((informed_error, "informed_error"),
                                              (informed_closed, "informed_closed"), (informed_fano, "informed_fano"))]
    D = _curve(budgets, "budgets")
    bl = [_curve(c, n, D.size) for c, n in ((blind_error, "blind_error"), (blind_fano, "blind_fano"),
                                            (gaussian_error, "gaussian_error"))]
    fig, ax = _curves_axes((7, 4.2), "power budget D [signal power units]", "error probability")
    ax.plot(Di, inf[0], "o", ms=3, color="C0", label="informed: Bayes error (solver)")
    ax.plot(Di, inf[1], color="C0", lw=1)
    ax.plot(Di, inf[2], ":", color="C0", label="informed: Fano bound")
    ax.plot(D, bl[0], color="C1", label="blind: Bayes error")
    ax.plot(D, bl[1], ":", color="C1", label="blind: Fano bound")
    ax.plot(D, bl[2], "--", color="C2", label="Gaussian noise: Bayes error")
    ax.set_xlim(0, max(D.max(), Di.max()))
    ax.set_ylim(0, 0.52)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def pam_curves(budgets: Any, curves: Mapping[str, Any], gaussian: Any, ba_points: Any,
               alt_points: Any) -> matplotlib.figure.Figure:
    r"""Draw the 4-PAM curves: up to four attackers, Gaussian noise and the two second routes.

    Parameters
    ----------
    budgets : array_like, shape (k,)
        Power budgets.
    curves : mapping of str to array_like, shape (k,)
        Name → minimum of :math:`I(U;Y)` [nats], at most four (drawn solid, solid, dashed, dashed).
    gaussian : array_like, shape (k,)
        Gaussian noise of the same power.
    ba_points, alt_points : array_like, shape (m, >= 2)
        Points (budget, information) of Blahut–Arimoto (column 2 is its value) and of the
        alternating minimisation (column 1); drawn as open markers.

    Returns
    -------
    matplotlib.figure.Figure
    """
    D = _curve(budgets, "budgets")
    if not isinstance(curves, Mapping) or not 1 <= len(curves) <= 4:
        raise ValueError("curves must map at most four names to arrays")
    vals = {str(k): _curve(c, f"curves[{k!r}]", D.size) for k, c in curves.items()}
    g = _curve(gaussian, "gaussian", D.size)
    ba, alt = np.asarray(ba_points, dtype=float), np.asarray(alt_points, dtype=float)
    if ba.ndim != 2 or ba.shape[1] < 3 or alt.ndim != 2 or alt.shape[1] < 2:
        raise ValueError("ba_points needs columns (D, lower, upper, ...); alt_points (D, I, ...)")
    fig, ax = _curves_axes((7.5, 4.4), "power budget D [signal power units]", "I(U; Y) [nats]")
    for (name, v), (color, ls) in zip(vals.items(), (("C0", "-"), ("C1", "-"), ("C0", "--"), ("C1", "--"))):
        ax.plot(D, v, color=color, ls=ls, label=name.replace("<=", "≤"))
    ax.plot(D, g, color="C2", ls=":", label="Gaussian noise, same power")
    ax.plot(ba[:, 0], ba[:, 2], "o", mfc="none", color="C0", ms=8, label="Blahut–Arimoto (second route)")
    ax.plot(alt[:, 0], alt[:, 1], "s", mfc="none", color="C1", ms=8, label="alternating minimisation (second route)")
    ax.axhline(np.log(2.0), color="0.6", lw=0.8)
    ax.set_ylim(0, np.log(4.0) * 1.02)
    ax.set_title("4-PAM: informed and blind attackers, with and without |E| ≤ d/2")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
