r"""Figures of notebook 06 (attacking a subset of coordinates, Theorem 4.1 corrected).

:func:`subset_which_coordinate` draws the two-coordinate counterexample in which
the better coordinate to attack changes with the budget; :func:`subset_budget_curves`
draws the optimal minimum :math:`I(U;Y)` for every number :math:`k` of attacked
coordinates and the cost of the paper's "largest variances" rule. Both take the
curves the notebook computed with :func:`mi_lib.subset_attack` and
:func:`mi_lib.fixed_subset_attack` (and checked there), and return a new Figure;
the notebook saves it with :func:`mi_lib.plotting.save_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.figure
import numpy as np

from .._validation import finite_array, finite_scalar

__all__ = ["subset_budget_curves", "subset_which_coordinate"]


def _budgets(budgets) -> np.ndarray:
    D = finite_array(budgets, "budgets", ndim=1)
    if D.size < 2 or np.any(D < 0):
        raise ValueError("budgets must hold at least two non-negative values")
    return D


def subset_which_coordinate(s, n, budgets, curves, D_star: float, *, label_y: float = 1.55) -> matplotlib.figure.Figure:
    r"""Minimum :math:`I(U;Y)` when one of two coordinates is attacked, against the budget.

    One line per choice of the attacked coordinate, the better of the two
    dotted, and a dashed vertical line with an arrow label at the crossing
    budget :math:`D^*`.

    Parameters
    ----------
    s, n : array_like of 2 floats
        Signal and noise variances of the two coordinates (shown in the legend).
    budgets : array_like, 1-D
        Budgets :math:`D \ge 0`, increasing; the x-axis ends at the last one.
    curves : array_like, shape (2, len(budgets))
        Row :math:`j`: minimum :math:`I(U;Y)` [nats] when coordinate :math:`j` is attacked.
    D_star : float
        The crossing budget, inside the range of ``budgets``.
    label_y : float, default 1.55
        Height [nats] at which the arrow labelling :math:`D^*` points.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For NaN, inf, wrong shapes, or ``D_star`` outside the budgets.
    """
    import matplotlib.pyplot as plt

    s = finite_array(s, "s", ndim=1)
    n = finite_array(n, "n", ndim=1)
    if s.shape != (2,) or n.shape != (2,):
        raise ValueError(f"s and n must hold two variances each; got shapes {s.shape} and {n.shape}")
    D = _budgets(budgets)
    curve = finite_array(curves, "curves", ndim=2)
    if curve.shape != (2, D.size):
        raise ValueError(f"curves must have shape (2, {D.size}); got {curve.shape}")
    D_star, label_y = finite_scalar(D_star, "D_star"), finite_scalar(label_y, "label_y")
    if not (np.isfinite(D_star) and D[0] <= D_star <= D[-1]) or not np.isfinite(label_y):
        raise ValueError(f"D_star must lie in [{D[0]}, {D[-1]}] and label_y be finite; got {D_star}, {label_y}")
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for j in (0, 1):
        ax.plot(D, curve[j], label=f"attack coordinate {j} ($s={s[j]:g}$, $n={n[j]:g}$)")
    ax.plot(D, np.minimum(curve[0], curve[1]), color="k", lw=1, ls=":", label="best of the two")
    ax.axvline(D_star, color="0.5", lw=1, ls="--")
    ax.annotate(f"$D^* = {D_star:.3f}$", xy=(D_star, label_y), xytext=(D_star + 0.06, label_y + 0.07), fontsize=10,
                arrowprops=dict(arrowstyle="->", color="0.4"))
    ax.set_xlabel(r"budget $D = \mathbb{E}[E_i^2]$ [squared signal units]")
    ax.set_ylabel(r"minimum $I(U;Y)$ [nats]")
    ax.set_title(r"$k = 1$: the better coordinate to attack depends on the budget")
    ax.set_xlim(0, D[-1])
    ax.legend(loc="upper right", fontsize=9)
    return fig


def subset_budget_curves(budgets, optimal: Mapping, loss: Mapping) -> matplotlib.figure.Figure:
    r"""Optimal attack on :math:`k` of :math:`m` coordinates (left) and the cost of the paper's rule (right).

    Parameters
    ----------
    budgets : array_like, 1-D
        Budgets :math:`D \ge 0`.
    optimal : mapping of int to array_like
        For :math:`k = 1, \dots, m`: minimum :math:`I(U;Y)` [nats] at each budget.
    loss : mapping of int to array_like
        For :math:`k = 1, \dots, m - 1`: MI left by attacking the :math:`k` largest
        variances (optimal split) minus the optimum [nats], at each budget.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, one line per :math:`k`, coloured along viridis.

    Raises
    ------
    TypeError
        If ``optimal`` or ``loss`` is not a mapping.
    ValueError
        If the keys are not :math:`1, \dots, m` and :math:`1, \dots, m-1`, or a
        curve has the wrong shape or holds NaN or inf.
    """
    import matplotlib.pyplot as plt

    D = _budgets(budgets)
    if not isinstance(optimal, Mapping) or not isinstance(loss, Mapping):
        raise TypeError("optimal and loss must be mappings of k to curves")
    m = len(optimal)
    if m < 2 or sorted(optimal) != list(range(1, m + 1)) or sorted(loss) != list(range(1, m)):
        raise ValueError("optimal needs the keys 1..m (m >= 2) and loss the keys 1..m-1")
    opt = {k: finite_array(optimal[k], f"optimal[{k}]", ndim=1) for k in range(1, m + 1)}
    lost = {k: finite_array(loss[k], f"loss[{k}]", ndim=1) for k in range(1, m)}
    if any(v.shape != D.shape for v in (*opt.values(), *lost.values())):
        raise ValueError(f"every curve must have the shape of budgets {D.shape}")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11.5, 4.3))
    colors = plt.cm.viridis(np.linspace(0.0, 0.9, m))
    for k in range(1, m + 1):
        ax1.plot(D, opt[k], marker=".", ms=4, color=colors[k - 1], label=f"k = {k}")
        if k < m:
            ax2.plot(D, lost[k], marker=".", ms=4, color=colors[k - 1], label=f"k = {k}")
    ax1.set_xlabel(r"budget $D$ [squared signal units]")
    ax1.set_ylabel(r"minimum $I(U;Y)$ [nats]")
    ax1.set_title(f"Optimal attack on k of m = {m} coordinates")
    ax1.legend(ncol=2, fontsize=8, loc="upper right")
    ax2.set_xlabel(r"budget $D$ [squared signal units]")
    ax2.set_ylabel(r"$I_{\mathrm{paper\ rule}} - I_{\mathrm{optimal}}$ [nats]")
    ax2.set_title("Cost of attacking the k largest variances")
    ax2.legend(ncol=2, fontsize=8, loc="center right")
    fig.tight_layout()
    return fig
