r"""Figures of notebook 05 (the binary flip attack): Figure 6 regenerated.

The function takes the pmfs and budgets it draws, computes the certified optimum
of problem (21) and its dual lower bound with :func:`mi_lib.binary_flip_attack`,
and returns a new Figure; the notebook saves it with
:func:`mi_lib.plotting.save_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.figure
import numpy as np

__all__ = ["figure6_panels"]


def _pmf_name(joint) -> str:
    return "-".join(f"{x:.2f}"[1:] if 0 <= x < 1 else f"{x:.2f}" for x in joint)


def figure6_panels(panels: Mapping, eps, *, paper: Mapping | None = None) -> matplotlib.figure.Figure:
    r"""Figure 6 of the paper regenerated: the minimum of I(U; Y) against the flip budget.

    One panel per entry of ``panels``, one line per joint pmf: the certified
    optimum of problem (21) (solid) with its dual lower bound at every fourth
    budget (circles) and, if given, the paper's plotted points (crosses).

    Parameters
    ----------
    panels : mapping of str to sequence of pmfs
        Panel label (e.g. ``"a"``) to its joint pmfs :math:`(a, b, c, d)` of
        :math:`(U, X)` at (0,0), (0,1), (1,0), (1,1); 1 to 4 panels of 1 to 10 pmfs.
    eps : array_like
        Flip budgets in :math:`[0, 1]`, increasing, at least two.
    paper : mapping, optional
        pmf tuple to ``(budgets, plotted values)``, the paper's points; pmfs that
        are not keys are drawn without points.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from .._validation import finite_array, pmf
    from ..discrete import binary_flip_attack

    if not isinstance(panels, Mapping) or not 1 <= len(panels) <= 4:
        raise TypeError("panels must be a mapping of 1 to 4 panel labels to lists of pmfs")
    checked = {}
    for key, pmfs in panels.items():
        if isinstance(pmfs, (str, bytes)) or not 1 <= len(pmfs) <= 10:
            raise ValueError(f"panel {key!r} must hold 1 to 10 pmfs")
        checked[str(key)] = [tuple(pmf(j, "pmf", ndim=1)) for j in pmfs]
        if any(len(j) != 4 for j in checked[str(key)]):
            raise ValueError(f"panel {key!r}: every pmf must have 4 entries")
    eps = finite_array(eps, "eps", ndim=1)
    if eps.size < 2 or np.any(np.diff(eps) <= 0) or eps[0] < 0 or eps[-1] > 1:
        raise ValueError("eps must be increasing in [0, 1] with at least two budgets")
    if paper is not None and not isinstance(paper, Mapping):
        raise TypeError("paper must be a mapping of pmf tuples to (budgets, values)")
    fig, axes = plt.subplots(1, len(checked), figsize=(14 * len(checked) / 3, 4.2), squeeze=False)
    for ax, (key, pmfs), orig in zip(axes[0], checked.items(), panels.values()):
        for i, (joint, key_joint) in enumerate(zip(pmfs, orig)):
            col = f"C{i}"
            res = [binary_flip_attack(joint, e) for e in eps]
            ax.plot(eps, [r.mi for r in res], color=col, lw=1.8, label=_pmf_name(joint))
            ax.plot(eps[::4], [r.lower_bound for r in res][::4], "o", ms=3.5, mfc="none", color=col)
            if paper is not None and tuple(key_joint) in paper:
                ax.plot(*paper[tuple(key_joint)], "x", ms=6, mew=1.2, color=col)
        if paper is not None:
            ax.plot([], [], "x", color="0.3", label="paper (PDF)")
        ax.set_title(f"({key})")
        ax.set_xlabel(r"flip budget $\varepsilon$ [expected flips per sample]")
        ax.set_ylabel(r"min $I(U;Y)$ [nats]")
        ax.set_xlim(0, eps[-1] + 0.01)
        ax.legend(fontsize=8, loc="upper right")
        top = max(max(line.get_ydata().max() for line in ax.lines if len(line.get_ydata())), 0.0)
        if top < 0.04:  # a (nearly) flat panel: show it on the scale of the others' tails
            ax.set_ylim(-0.005, 0.05)
    fig.suptitle("Figure 6 regenerated: lines = certified optimum, circles = dual lower bound, crosses = the paper's points",
                 fontsize=11)
    fig.tight_layout()
    return fig
