"""Compile the finite-alphabet solvers' numba kernels ahead of use (private module).

numba compiles a kernel on its first call and caches the machine code (in
``mi_lib/__pycache__``, or ``NUMBA_CACHE_DIR``); with an empty cache the first
solves of a process take about half a minute, with a filled one about 0.3 s.
:func:`warm_up` makes those first calls on small problems that take every
solver path (informed Newton loops, the bordered budget Newton, the blind
interior-point method, the coset split, the binary-flip reduction), so that
``make env`` pays the compilation once instead of the first notebook cell.
It returns the solver results so that a caller can check them; it prints nothing.
"""

from __future__ import annotations

import numpy as np


def warm_up() -> list:
    """Call each finite-alphabet solver once on a small problem; returns the results."""
    from . import binary_flip_attack, blind_attack, discrete_attack

    p23 = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
    y = np.linspace(-2.0, 2.0, 41)
    cost = (y[None, :] - np.array([-1.0, 0.0, 1.0])[:, None]) ** 2
    return [
        discrete_attack(p23, cost, 0.3),
        discrete_attack(np.diag([0.5, 0.5]), 1.0 - np.eye(2), 0.1),
        blind_attack(p23, [-1.0, 0.0, 1.0], np.linspace(-1.0, 1.0, 21), 0.3),  # interior-point method
        blind_attack(np.diag([0.5, 0.5]), [-1.0, 1.0], np.linspace(-4.0, 4.0, 161), 1.0),  # coset split
        binary_flip_attack([0.4, 0.1, 0.1, 0.4], 0.1),
    ]
