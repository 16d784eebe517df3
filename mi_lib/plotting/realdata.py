r"""Figures of the lecture on real data (notebook 10).

Each function takes what the notebook has computed and checked (sandwiches,
attacked images, radii of trained classifiers) and returns a new Figure; nothing
is saved or printed here.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import matplotlib.figure
import numpy as np

__all__ = ["accuracy_curves", "attacked_digits", "sandwich_figure", "sparsity_figure"]

MODEL_COLORS = {"LDA (Bayes rule)": "C0", "nearest mean": "C7", "l2 logistic": "C2", "l1 logistic": "C3",
                "MLP (32 ReLU)": "C1"}
"""Colour of each classifier of notebook 10 (others cycle through the palette)."""


def _tasks(mapping: Any, name: str) -> dict:
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValueError(f"{name} must be a non-empty mapping from task names")
    return dict(mapping)


def _sandwich_arrays(sw: Sequence) -> tuple[np.ndarray, ...]:
    try:
        D = np.array([s.budget for s in sw], dtype=float)
        up = np.array([s.upper_mi for s in sw], dtype=float)
        low = np.array([s.lower_mi for s in sw], dtype=float)
        low_w = np.array([s.lower_by_ridge[0] for s in sw], dtype=float)
        bayes = np.array([s.upper.bayes_error for s in sw], dtype=float)
    except AttributeError as exc:
        raise ValueError("sandwiches must hold mi_lib.realdata.Sandwich results") from exc
    if D.size == 0 or np.any(D <= 0) or not np.all(np.isfinite(np.r_[up, low, low_w, bayes])):
        raise ValueError("sandwiches need positive budgets (log axis) and finite values")
    return D, up, low, low_w, bayes


def sandwich_figure(sandwiches: Mapping[str, Sequence], clean: Mapping[str, float]) -> matplotlib.figure.Figure:
    r"""Draw the certified sandwich of :math:`\min I(U; X+E)` against the average budget, one panel per task.

    Parameters
    ----------
    sandwiches : mapping of str to sequence of Sandwich
        Task name → the results of :func:`mi_lib.realdata.mi_sandwich` (ridge 0 first).
    clean : mapping of str to float
        Task name → clean information :math:`I(U; X)` [nats].

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    sws = _tasks(sandwiches, "sandwiches")
    if set(sws) - set(clean):
        raise ValueError("clean must give the clean information of every task")
    fig, axes = plt.subplots(1, len(sws), figsize=(6 * len(sws), 4.3), sharey=True, squeeze=False)
    for ax, (name, sw) in zip(axes[0], sws.items()):
        D, up, low, low_w, _ = _sandwich_arrays(sw)
        ax.fill_between(D, low, up, color="C0", alpha=0.2, label="minimum lies here (tightened)")
        ax.plot(D, up, "o-", color="C0", label=r"upper: attack along $\mu$")
        ax.plot(D, low, "s-", color="C2", label=r"lower: best ridge projection $b_\lambda$")
        ax.plot(D, low_w, "^--", color="C3", label=r"lower: $b = w$ (basic)")
        ax.axhline(float(clean[name]), color="0.5", lw=0.8, ls=":", label="clean I(U; X)")
        ax.set_xscale("log")
        ax.set_xlabel(r"average budget $D$ on $\mathbb{E}\|E\|^2$ [pixel$^2$]")
        ax.set_title(f"{name}: certified sandwich of min I(U; X+E)")
    axes[0, 0].set_ylabel("information [nats]")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def attacked_digits(images: Any, attacked: Any, shifts: Any, labels: Sequence[str],
                    title: str) -> matplotlib.figure.Figure:
    r"""Show 8×8 test images, their attacked versions and the perturbations (one column per image).

    Parameters
    ----------
    images, attacked : array_like, shape (n, 64)
        Clean and attacked images, pixels nominally in [0, 1].
    shifts : array_like, shape (n,)
        How far each attack moved the statistic :math:`T`.
    labels : sequence of str, length n
        Column titles.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    X, Xa = np.asarray(images, dtype=float), np.asarray(attacked, dtype=float)
    s = np.asarray(shifts, dtype=float)
    if X.ndim != 2 or X.shape[1] != 64 or Xa.shape != X.shape or s.shape != (X.shape[0],) or len(labels) != X.shape[0]:
        raise ValueError("images and attacked must have shape (n, 64), shifts (n,) and labels n entries")
    if X.shape[0] == 0 or not np.all(np.isfinite(np.r_[X.ravel(), Xa.ravel(), s])):
        raise ValueError("need at least one image and finite values")
    n = X.shape[0]
    fig, axes = plt.subplots(3, n, figsize=(10 * n / 6, 5.4), squeeze=False)
    for j in range(n):
        axes[0, j].imshow(X[j].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[0, j].set_title(str(labels[j]), fontsize=9)
        axes[1, j].imshow(Xa[j].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        axes[1, j].set_title(f"T moved by {s[j]:+.1f}", fontsize=9)
        pert = Xa[j] - X[j]
        axes[2, j].imshow(pert.reshape(8, 8), cmap="RdBu_r", vmin=-0.6, vmax=0.6)
        axes[2, j].set_title(f"E, norm {np.linalg.norm(pert):.2f}", fontsize=9)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    for row, text in enumerate(("test image", "attacked", "perturbation")):
        axes[row, 0].set_ylabel(text)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def accuracy_curves(results: Mapping[str, Mapping[str, Mapping[str, Any]]], sandwiches: Mapping[str, Sequence],
                    d_half: Mapping[str, float], eps: Any, budgets: Any) -> matplotlib.figure.Figure:
    r"""Accuracy of trained classifiers under a radius and under an average budget, beside the information limit.

    Left column: accuracy when every image may move by :math:`\lVert E\rVert \le \varepsilon`
    (:func:`mi_lib.realdata.accuracy_under_radius`). Right column: accuracy under
    :math:`\frac1n\sum\lVert E_i\rVert^2 \le D`, cheapest images first
    (:func:`mi_lib.realdata.accuracy_under_budget`), with the model's best accuracy
    of any classifier under the information-optimal attack (1 − its Bayes error) and
    1 − Fano's bound, and a vertical line at the information-halving budget.

    Parameters
    ----------
    results : mapping task → mapping model → mapping
        Each model's ``"correct"`` (bool per test image) and ``"radius"`` (0 when misclassified).
    sandwiches : mapping task → sequence of Sandwich
        From :func:`mi_lib.realdata.mi_sandwich`.
    d_half : mapping task → float
        Budget at which the upper-bound attack halves the information.
    eps, budgets : array_like
        Radii and average budgets (positive, for the log axis) of the curves.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from ..classifier_attacks import accuracy_under_budget, accuracy_under_radius
    from ..measures import fano_error_bound

    res = _tasks(results, "results")
    if set(res) - set(sandwiches) or set(res) - set(d_half):
        raise ValueError("sandwiches and d_half must cover every task of results")
    fig, axes = plt.subplots(len(res), 2, figsize=(12, 4.2 * len(res)), squeeze=False)
    for row, (name, models) in enumerate(res.items()):
        ax1, ax2 = axes[row]
        for i, (model, r) in enumerate(models.items()):
            color = MODEL_COLORS.get(model, f"C{i % 10}")
            ax1.plot(eps, accuracy_under_radius(r["correct"], r["radius"], eps), color=color, label=model)
            ax2.plot(budgets, accuracy_under_budget(r["correct"], r["radius"], budgets), color=color,
                     label=f"{model}: flip cheapest first")
        D, up, _, _, bayes = _sandwich_arrays(sandwiches[name])
        ax2.plot(D, 1 - bayes, "ko-", lw=1.5,
                 label="model: best accuracy of ANY classifier under the MI-optimal attack")
        ax2.plot(D, 1 - fano_error_bound(up), "k:", lw=1.5, label="model: 1 - Fano bound")
        ax2.axvline(float(d_half[name]), color="0.6", lw=0.8, ls="-.")
        ax1.set_xlabel(r"per-image radius $\varepsilon$ on $\|E\|_2$ [pixels]")
        ax1.set_ylabel("test accuracy under attack")
        ax1.set_title(f"{name}: exact (linear) and verified (MLP) minimal attacks")
        ax2.set_xscale("log")
        ax2.set_xlabel(r"average budget $D$ on $\frac{1}{n}\sum\|E_i\|^2$ [pixel$^2$]")
        ax2.set_title(f"{name}: average budget (dash-dot: $D_{{1/2}}$)")
    axes[0, 0].legend(fontsize=8)
    axes[0, 1].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def sparsity_figure(summary: Mapping[str, Sequence[Mapping]], l1_path: Sequence[float],
                    d: int = 64) -> matplotlib.figure.Figure:
    r"""Robustness against the number of features kept, beside :math:`\sqrt{k/d}` and :math:`1/\sqrt d`.

    Parameters
    ----------
    summary : mapping task → sequence of mapping (one per split)
        Each split's median radius relative to LDA's: ``"nearest mean"``, ``"l2 logistic"``,
        ``"MLP (32 ReLU)"``, and ``("l1", C)`` → ``(pixels kept, ratio, accuracy)`` for each C
        of ``l1_path``. Ratios are drawn relative to the nearest-mean rule.
    l1_path : sequence of float
        The ℓ1 strengths C.
    d : int, default 64
        Number of features.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    tasks = _tasks(summary, "summary")
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"d must be a positive integer; got {d!r}")
    if not l1_path:
        raise ValueError("l1_path must hold at least one C")
    fig, ax = plt.subplots(figsize=(7.5, 4.6))
    for (name, rows), marker in zip(tasks.items(), ("o", "s", "^", "D")):
        try:
            ref = np.array([r["nearest mean"] for r in rows], dtype=float)
            for C in l1_path:
                k = np.array([r[("l1", C)][0] for r in rows], dtype=float)
                ax.scatter(k, np.array([r[("l1", C)][1] for r in rows]) / ref, marker=marker, color="C3",
                           alpha=0.6, s=22)
            for m, c in (("l2 logistic", "C2"), ("MLP (32 ReLU)", "C1"), ("LDA (Bayes rule)", "C0")):
                v = 1.0 / ref if m == "LDA (Bayes rule)" else np.array([r[m] for r in rows]) / ref
                ax.scatter(np.full(len(rows), d), v, marker=marker, color=c, alpha=0.6, s=22)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"summary[{name!r}] lacks a ratio the figure needs: {exc}") from exc
    kk = np.linspace(1, d, 200)
    ax.plot(kk, np.sqrt(kk / d), "k--", lw=1, label=r"$\sqrt{k/d}$ (k of d equally informative features)")
    ax.axhline(1 / np.sqrt(d), color="0.5", lw=0.8, ls=":", label=rf"$1/\sqrt{{d}}$, $d = {d}$")
    for color, label in (("C3", "l1 logistic (path over C)"), ("C2", "l2 logistic"), ("C1", "MLP"),
                         ("C0", "LDA (Bayes rule of the model)")):
        ax.scatter([], [], color=color, label=label)
    for (name, _), marker in zip(tasks.items(), ("o", "s", "^", "D")):
        ax.scatter([], [], marker=marker, color="0.4", label=name)
    ax.set_xlabel("pixels the classifier uses, k")
    ax.set_ylabel("median radius / nearest-mean median radius")
    n_splits = max(len(rows) for rows in tasks.values())
    ax.set_title(f"Robustness against the number of features kept ({n_splits} splits, {len(tasks)} tasks)")
    ax.set_ylim(0, 1.2)
    ax.legend(fontsize=7.5, loc="lower right")
    fig.tight_layout()
    return fig
