r"""Figures of notebook 01 (information measures and estimators).

:func:`estimator_bias_spread` draws the bias and spread of sample-based MI
estimators against the sample size; :func:`estimator_redundancy_failure` draws
how a nearest-neighbour estimate collapses on many redundant copies while the
same estimator on a one-dimensional sufficient statistic stays accurate. Both
take the numbers the notebook computed (they come from random samples drawn
with the notebook's generator) and return a new Figure; the notebook saves it
with :func:`mi_lib.plotting.save_figure`.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.figure
import numpy as np

from .._validation import finite_array, integer

__all__ = ["estimator_bias_spread", "estimator_redundancy_failure"]


def estimator_bias_spread(sizes, errors: Mapping) -> matplotlib.figure.Figure:
    r"""Bias (points) and spread (bars, one standard deviation) of MI estimators against the sample size.

    Parameters
    ----------
    sizes : array_like, 1-D
        The sample sizes :math:`N` (positive, finite), drawn on a log axis.
    errors : mapping of str to array_like
        For each estimator (the legend label), a ``(len(sizes), reps)`` array of
        estimate minus exact MI, one row per sample size, ``reps >= 2``
        repetitions per row (the same for every estimator).

    Returns
    -------
    matplotlib.figure.Figure
        One axis; markers of the estimators are offset slightly in :math:`N` so
        that the bars stay readable.

    Raises
    ------
    TypeError
        If ``errors`` is not a non-empty mapping.
    ValueError
        If ``sizes`` is not 1-D, finite and positive, or an array of ``errors``
        has the wrong shape or holds NaN or inf.
    """
    import matplotlib.pyplot as plt

    n = finite_array(sizes, "sizes", ndim=1)
    if n.size == 0 or np.any(n <= 0):
        raise ValueError("sizes must hold at least one positive sample size")
    if not isinstance(errors, Mapping) or not errors:
        raise TypeError("errors must be a non-empty mapping of estimator name to a (len(sizes), reps) array")
    arrays = {str(k): finite_array(v, f"errors[{k!r}]", ndim=2) for k, v in errors.items()}
    shapes = {a.shape for a in arrays.values()}
    if len(shapes) != 1 or next(iter(shapes))[0] != n.size or next(iter(shapes))[1] < 2:
        raise ValueError(f"every errors array must have shape ({n.size}, reps) with one reps >= 2; got {shapes}")
    reps = next(iter(shapes))[1]
    middle = (len(arrays) - 1) / 2
    fig, ax = plt.subplots()
    for j, (kind, err) in enumerate(arrays.items()):
        mean, sd = err.mean(axis=1), err.std(axis=1, ddof=1)
        shift = 1 + 0.04 * (j - middle)  # offset markers so the bands stay readable
        ax.errorbar(n * shift, mean, yerr=sd, marker="o", ms=4, capsize=3, label=kind)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("sample size N")
    ax.set_ylabel("estimate minus exact MI [nats]")
    ax.set_title(f"Bias (points) and spread (bars, 1 sd) over {reps} repetitions")
    ax.legend(fontsize=9)
    return fig


def estimator_redundancy_failure(copies, exact, ksg_copies, ksg_mean, n_samples: int) -> matplotlib.figure.Figure:
    r"""The exact :math:`I(U;X)` of :math:`n` noisy copies against KSG estimates, on a log2 axis in :math:`n`.

    Parameters
    ----------
    copies : array_like, 1-D
        Numbers of copies :math:`n` (positive).
    exact : array_like, 1-D
        Exact mutual information at each :math:`n` [nats].
    ksg_copies : array_like, 1-D
        KSG estimate on all :math:`n` copies [nats].
    ksg_mean : array_like, 1-D
        KSG estimate on the sufficient statistic (the mean of the copies) [nats].
    n_samples : int
        Sample size of the estimates (shown in the legend), at least 1.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If an array is not 1-D and finite, the lengths differ, or ``copies``
        has a non-positive entry.
    """
    import matplotlib.pyplot as plt

    n = finite_array(copies, "copies", ndim=1)
    curves = [finite_array(v, name, ndim=1) for v, name in
              ((exact, "exact"), (ksg_copies, "ksg_copies"), (ksg_mean, "ksg_mean"))]
    if n.size == 0 or np.any(n <= 0):
        raise ValueError("copies must hold at least one positive number")
    if any(c.shape != n.shape for c in curves):
        raise ValueError(f"exact, ksg_copies and ksg_mean must have the shape of copies {n.shape}")
    n_samples = integer(n_samples, "n_samples", minimum=1)
    exact, ksg_copies, ksg_mean = curves
    fig, ax = plt.subplots()
    ax.plot(n, exact, "k-", label=r"exact $\frac{1}{2}\log(1+n)$")
    ax.plot(n, ksg_mean, "o--", label="KSG on the sufficient statistic (1-D)")
    ax.plot(n, ksg_copies, "s-", label=f"KSG on all n copies (N = {n_samples})")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("number of redundant copies n")
    ax.set_ylabel(r"$I(U; X)$ [nats]")
    ax.set_title("Nearest-neighbour estimates collapse in many dimensions")
    ax.legend(fontsize=9)
    return fig
