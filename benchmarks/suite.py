"""The benchmark problem suite of the finite-alphabet solvers (issue 10).

Two kinds of problems, both generated here (nothing big is committed):

* named *families* (:data:`FAMILIES`), each one problem shape over a range of
  budgets that includes the ones where a solver used to be slowest;
* a *random suite* (:func:`random_suite`): several hundred small problems drawn
  from ``numpy.random.default_rng(seed)``, informed and blind, U != X, costs
  with forbidden (infinite) entries, boundary budgets.

A :class:`Problem` is plain data; :func:`solve_ours` runs the matching
``mi_lib`` solver and ``cvx_formulations.solve_cvx`` the independent conic
program. This module imports ``mi_lib`` only inside :func:`solve_ours`, so the
reference generator can build problems without it.

Run as scripts from this folder (``import suite``), so every worktree measures
its own ``mi_lib`` (whatever ``PYTHONPATH`` points at).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from discrete_problems import FIG6, pm1_informed

HAM = np.array([[0.0, 1.0], [1.0, 0.0]])
EPS21 = (0.01, 0.05, 0.09, 0.13, 0.17, 0.21, 0.25, 0.29, 0.33, 0.37)


@dataclass(frozen=True)
class Problem:
    """One attack problem.

    ``kind`` is ``"flip"`` (``data["joint"]``), ``"informed"`` (``p_ux``,
    ``cost`` with ``inf`` for forbidden pairs) or ``"blind"`` (``p_ux``,
    ``x_values``, ``e_values``; cost ``e**2``). ``label`` names the problem
    inside its family; ``budget`` is the budget ``B``.
    """

    family: str
    label: str
    kind: str
    budget: float
    data: dict = field(repr=False)

    @property
    def name(self) -> str:
        return f"{self.family}/{self.label}"

    def informed_form(self) -> tuple[np.ndarray, np.ndarray]:
        """``(p_ux, cost)`` of a flip or informed problem (flip: Hamming cost on 2 x 2)."""
        if self.kind == "flip":
            return np.asarray(self.data["joint"], float).reshape(2, 2), HAM
        return np.asarray(self.data["p_ux"], float), np.asarray(self.data["cost"], float)

    def entropy_u(self) -> float:
        """H(U) in nats: the scale of every value of the problem (0 <= I(U;Y) <= H(U))."""
        p = (self.informed_form()[0] if self.kind != "blind" else np.asarray(self.data["p_ux"])).sum(axis=1)
        p = p[p > 0]
        return float(-(p * np.log(p)).sum())

    def to_json(self) -> dict:
        """The problem as JSON-able data (``None`` for ``inf`` costs)."""
        out = {"family": self.family, "label": self.label, "kind": self.kind, "budget": self.budget}
        for key, val in self.data.items():
            arr = np.asarray(val, float)
            out[key] = [[None if not math.isfinite(v) else v for v in row] for row in arr] if arr.ndim == 2 \
                else arr.tolist()
        return out


def problem_from_json(d: dict) -> Problem:
    """Inverse of :meth:`Problem.to_json`."""
    data = {k: v for k, v in d.items() if k not in ("family", "label", "kind", "budget")}
    if "cost" in data:
        data["cost"] = np.array([[np.inf if v is None else v for v in row] for row in data["cost"]])
    return Problem(d["family"], d["label"], d["kind"], float(d["budget"]), data)


def solve_ours(pb: Problem, tol: float = 1e-10):
    """Solve ``pb`` with the matching ``mi_lib`` solver (imported here, from ``PYTHONPATH``)."""
    from mi_lib.discrete import binary_flip_attack, blind_attack, discrete_attack

    d = pb.data
    if pb.kind == "flip":
        return binary_flip_attack(d["joint"], pb.budget, tol=tol)
    if pb.kind == "informed":
        return discrete_attack(d["p_ux"], d["cost"], pb.budget, tol=tol)
    return blind_attack(d["p_ux"], d["x_values"], d["e_values"], pb.budget, tol=tol)


# --------------------------------------------------------------------------
# Families
# --------------------------------------------------------------------------


def _informed(family, label, p_ux, cost, budgets):
    return [Problem(family, f"{label}B={B:g}", "informed", float(B), {"p_ux": p_ux, "cost": cost}) for B in budgets]


def _blind(family, label, p_ux, x, e, budgets):
    data = {"p_ux": np.asarray(p_ux, float), "x_values": np.asarray(x, float), "e_values": np.asarray(e, float)}
    return [Problem(family, f"{label}B={B:g}", "blind", float(B), data) for B in budgets]


def fam_flip(quick):
    """Problem (21) on the twelve Figure 6 pmfs x 10 budgets 0.01 ... 0.37.

    Quick: one pmf per panel, 4 budgets.
    """
    pmfs = [p for panel in FIG6.values() for p in (panel[:1] if quick else panel)]
    eps = (0.01, 0.13, 0.25, 0.37) if quick else EPS21
    return [Problem("flip21", f"{'-'.join(f'{t:.2f}' for t in j)} B={e:g}", "flip", e, {"joint": j})
            for j in pmfs for e in eps]


def fam_informed_pm1_201(quick):
    """Informed +-1 (U = X), squared cost, 201-point perturbation grid on [-2, 2], budgets 0.02 ... 1.5."""
    p, c = pm1_informed(2.0, 201)
    budgets = (0.05, 0.3, 0.9) if quick else (0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9, 0.95, 1.0, 1.5)
    return _informed("informed_pm1_201", "", p, c, budgets)


def fam_informed_pm1_801(quick):
    """Informed +-1 (U = X), squared cost, 801-point perturbation grid on [-2, 2], budgets 0.02 ... 0.9."""
    p, c = pm1_informed(2.0, 801)
    budgets = (0.9,) if quick else (0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9)
    return _informed("informed_pm1_801", "", p, c, budgets)


def fam_blind_pm1_161(quick):
    """Blind +-1 (U = X), e on linspace(-4, 4, 161) (h = 0.05), budgets 0.05 ... 4."""
    budgets = (0.5, 1.75) if quick else (0.05, 0.2, 0.5, 1.0, 1.5, 1.75, 2.0, 2.5, 4.0)
    return _blind("blind_pm1_161", "", np.diag([0.5, 0.5]), [-1.0, 1.0], np.linspace(-4, 4, 161), budgets)


def fam_blind_pm1_1601(quick):
    """Blind +-1 (U = X), e on linspace(-4, 4, 1601) (h = 0.005), budgets 0.05 ... 2.5."""
    budgets = (1.75,) if quick else (0.05, 0.2, 0.5, 1.0, 1.5, 1.75, 2.5)
    return _blind("blind_pm1_1601", "", np.diag([0.5, 0.5]), [-1.0, 1.0], np.linspace(-4, 4, 1601), budgets)


P23 = np.array([[0.30, 0.15, 0.05], [0.05, 0.15, 0.30]])
"""A 2 x 3 joint pmf: U binary observed through X in {-1, 0, 1}."""


def fam_informed_3letter(quick):
    """Informed |U| = 2, |X| = 3 (x = -1, 0, 1), squared cost, Y = 81-point grid of [-2, 2], budgets 0.01 ... 0.9."""
    y = np.linspace(-2.0, 2.0, 81)
    c = (y[None, :] - np.array([-1.0, 0.0, 1.0])[:, None]) ** 2
    budgets = (0.05, 0.3) if quick else (0.01, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.9)
    return _informed("informed_3letter", "", P23, c, budgets)


def fam_amplitude(quick):
    """Amplitude-limited informed (+-1, A = 0.5, 0.8; 2 x 3, A = 0.6), budgets up to non-binding, optimum > 0 (S1)."""
    out = []
    for A, n in ((0.5, 101),) if quick else ((0.5, 101), (0.8, 81)):
        p, c = pm1_informed(A, n)
        out += _informed("amplitude_S1", f"pm1 A={A} n={n} ", p, c, (0.3, 2.0) if quick else (0.1, 0.3, 0.7, 2.0, 10.0))
    y = np.round(np.arange(-1.6, 1.6 + 1e-9, 0.05), 12)
    x = np.array([-1.0, 0.0, 1.0])
    c = (y[None, :] - x[:, None]) ** 2
    c[np.abs(y[None, :] - x[:, None]) > 0.6 + 1e-9] = np.inf
    out += _informed("amplitude_S1", "3letter A=0.6 ", P23, c, (0.36,) if quick else (0.1, 0.2, 0.36, 1.0, 5.0))
    return out


def fam_blind_small_S2(quick):
    """Blind U != X (2 x 3, x = -1, 0, 1), e = linspace(-1, 1, n), n = 21 ... 109, budgets 0.02 ... 0.8 (S2)."""
    out = []
    for n in (21, 109) if quick else (21, 41, 61, 81, 101, 109):
        budgets = (0.1, 0.5) if quick else (0.02, 0.1, 0.2, 0.35, 0.5, 0.8)
        out += _blind("blind_S2", f"n={n} ", P23, [-1.0, 0.0, 1.0], np.linspace(-1, 1, n), budgets)
    return out


FAMILIES = {
    "flip21": fam_flip,
    "informed_pm1_201": fam_informed_pm1_201,
    "informed_pm1_801": fam_informed_pm1_801,
    "informed_3letter": fam_informed_3letter,
    "amplitude_S1": fam_amplitude,
    "blind_pm1_161": fam_blind_pm1_161,
    "blind_pm1_1601": fam_blind_pm1_1601,
    "blind_S2": fam_blind_small_S2,
}
"""Family name -> function ``quick -> list[Problem]``."""


# --------------------------------------------------------------------------
# Random suite
# --------------------------------------------------------------------------

RANDOM_SEED = 20261210


def _random_pmf(rng, nU, nX):
    """Dirichlet joint pmf, sometimes with zero entries (every row and column kept non-empty)."""
    p = rng.dirichlet(np.full(nU * nX, rng.choice([0.3, 1.0, 3.0]))).reshape(nU, nX)
    if rng.random() < 0.3:
        p[rng.random((nU, nX)) < 0.25] = 0.0
        for u in range(nU):
            if p[u].sum() == 0:
                p[u, rng.integers(nX)] = rng.random()
        for x in range(nX):
            if p[:, x].sum() == 0:
                p[rng.integers(nU), x] = rng.random()
    return p / p.sum()


def _budgets(rng, lo, hi):
    """Boundary, near-boundary, interior and non-binding budgets on [lo, hi] (hi: every law feasible)."""
    choice = rng.integers(5)
    span = hi - lo
    if choice == 0:
        return lo, "min"
    if choice == 1:
        return lo + 1e-6 * max(span, 1e-300), "min+1e-6"
    if choice == 2:
        return hi * (1.0 + rng.random()), "large"
    t = rng.random() ** 2 * (0.5 if choice == 3 else 1.0)
    return lo + t * span, "interior"


def random_informed(rng, idx):
    """A random informed problem: 2 <= |U| <= 5, |X| <= 8, |Y| <= 400, some costs inf (each x keeps a finite one)."""
    nU, nX = int(rng.integers(2, 6)), int(rng.integers(2, 9))
    ny = int(round(math.exp(rng.uniform(math.log(2), math.log(400)))))
    p = _random_pmf(rng, nU, nX)
    if rng.random() < 0.5:
        cost = rng.uniform(0.0, 2.0, (nX, ny)) ** rng.choice([1.0, 3.0])
    else:  # squared distance between points of the line
        x = np.sort(rng.uniform(-1, 1, nX))
        cost = (np.linspace(-1.5, 1.5, ny)[None, :] - x[:, None]) ** 2
    cost *= 10.0 ** rng.uniform(-3, 3)  # scale invariance
    if rng.random() < 0.6:
        cost[rng.random(cost.shape) < rng.uniform(0.1, 0.8)] = np.inf
        for x in range(nX):
            if not np.isfinite(cost[x]).any():
                cost[x, rng.integers(ny)] = rng.uniform(0.0, 1.0)
    px = p.sum(axis=0)
    lo = float(px @ np.min(cost, axis=1))
    hi = float(px @ np.max(np.where(np.isfinite(cost), cost, -np.inf), axis=1))
    B, tag = _budgets(rng, lo, hi)
    return Problem("random", f"#{idx} informed {nU}x{nX}x{ny} {tag}", "informed", float(B), {"p_ux": p, "cost": cost})


def random_blind(rng, idx):
    """A random blind problem: x on the lattice h Z, e on a grid of spacing h, |Y| <= 400."""
    nU, nX = int(rng.integers(2, 6)), int(rng.integers(2, 9))
    h = float(rng.choice([0.05, 0.1, 0.25, 0.5, 1.0, 3.0]))
    kx = np.sort(rng.choice(np.arange(-12, 13), size=nX, replace=False))
    span = int(kx[-1] - kx[0])
    n = int(rng.integers(1, max(2, min(150, 400 - span))))
    k0 = int(rng.integers(-n, 1)) if rng.random() < 0.8 else int(rng.integers(1, 6))  # sometimes 0 not on the grid
    e = h * (k0 + np.arange(n))
    p = _random_pmf(rng, nU, nX)
    lo, hi = float(np.min(e * e)), float(np.max(e * e))
    B, tag = _budgets(rng, lo, hi)
    return Problem("random", f"#{idx} blind {nU}x{nX} n={n} h={h:g} {tag}", "blind", float(B),
                   {"p_ux": p, "x_values": h * kx, "e_values": e})


def random_suite(count: int = 300, seed: int = RANDOM_SEED) -> list[Problem]:
    """``count`` random problems (about 60 % informed), the same for a given ``(count, seed)`` prefix."""
    rng = np.random.default_rng(seed)
    return [(random_informed if rng.random() < 0.6 else random_blind)(rng, i) for i in range(count)]
