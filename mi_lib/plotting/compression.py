"""Drawing of notebook 08 (Feature compression): accuracy of trained models under exact attacks."""

from __future__ import annotations

import matplotlib.figure
import numpy as np

__all__ = ["compression_accuracy_curves"]

_KEYS = ("k", "acc_eps", "acc_eps_theory", "acc_D", "acc_D_theory", "fano_acc")


def compression_accuracy_curves(curves: dict, *, eps, budgets, n: int, sigma: float) -> matplotlib.figure.Figure:
    r"""Accuracy against the per-sample radius and against the average budget, for several models.

    Left: accuracy under the optimal :math:`\ell_2` attack with
    :math:`\lVert E\rVert_2 \le \varepsilon` (test set and population formula). Right:
    accuracy under the flip-cheapest attack with :math:`\mathbb E\lVert E\rVert^2 \le D`
    (test set and population formula), the information bound
    :math:`1 - \text{Fano}(I_A)` for any classifier on the same features, and the
    erasing budget :math:`D = k` (dash-dot).

    Parameters
    ----------
    curves : dict
        Model name to a dict with ``k`` (features used) and arrays
        ``acc_eps``, ``acc_eps_theory`` (on ``eps``), ``acc_D``,
        ``acc_D_theory``, ``fano_acc`` (on ``budgets``).
    eps, budgets : array_like
        The radius and budget grids.
    n : int
        Number of available features (for the title).
    sigma : float
        Noise standard deviation per feature (for the title).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    eps, budgets = np.asarray(eps, dtype=float), np.asarray(budgets, dtype=float)
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict")
    for name, c in curves.items():
        missing = [key for key in _KEYS if key not in c]
        if missing:
            raise ValueError(f"curves[{name!r}] lacks {missing}")
        for key, grid in (("acc_eps", eps), ("acc_eps_theory", eps), ("acc_D", budgets),
                          ("acc_D_theory", budgets), ("fano_acc", budgets)):
            if np.shape(c[key]) != grid.shape:
                raise ValueError(f"curves[{name!r}][{key!r}] must have shape {grid.shape}")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    for i, (name, c) in enumerate(curves.items()):
        color = ("C3", "C0", "C2", "C4")[i % 4]
        ax1.plot(eps, c["acc_eps_theory"], color=color, lw=6, alpha=0.25, label=f"{name}: population formula")
        ax1.plot(eps, c["acc_eps"], color=color, lw=1.5, label=f"{name}, k = {c['k']} features: test set")
        ax2.plot(budgets, c["acc_D_theory"], color=color, lw=6, alpha=0.25, label=f"{name}: population formula")
        ax2.plot(budgets, c["acc_D"], color=color, lw=1.5, label=f"{name}: flip cheapest first (test set)")
        ax2.plot(budgets, c["fano_acc"], color=color, lw=1.5, ls=":", label=f"{name}: 1 - Fano bound, any classifier")
        ax2.axvline(c["k"], color=color, lw=0.8, ls="-.")
    ax1.axhline(0.5, color="0.5", lw=0.8)
    ax1.set_xlabel(r"per-sample budget $\varepsilon$ on $\|E\|_2$ [signal units]")
    ax1.set_ylabel("accuracy under the optimal $\\ell_2$ attack")
    ax1.set_title(f"Per-sample budget ($n = {n}$ copies, $\\sigma = {sigma:g}$)")
    ax1.legend(fontsize=8, loc="lower left")
    ax2.set_xscale("log")
    ax2.set_xlabel(r"average budget $D$ on $\mathbb{E}\|E\|^2$ [squared signal units]")
    ax2.set_ylabel("accuracy under attack")
    ax2.set_title("Average budget; dash-dot lines: erasing budget D = k")
    ax2.legend(fontsize=7.5, loc="lower left")
    fig.tight_layout()
    return fig
