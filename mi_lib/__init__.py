"""mi_lib: mutual-information tools for optimal adversarial attacks.

The executable companion to J. Yi, R. Mudumbai and W. Xu, *Derivation of
Information-Theoretically Optimal Adversarial Attacks with Applications to
Robust Machine Learning*, arXiv:2007.14042 (2020).

All information quantities are in nats unless a ``base`` argument says
otherwise. Nothing in this package prints, touches global random state or has
import-time side effects; randomness enters only through ``rng`` arguments.

``__all__`` lists the public API (functions and their frozen result classes).
Every public function rejects complex numbers, booleans and strings where a
real number is meant with a ``TypeError`` (``mi_lib._validation.ArgumentTypeError``,
which is also a ``ValueError``), and NaN, inf, wrong shapes and out-of-range
values with a ``ValueError``. Integer arguments accept any Python or numpy
integer, but neither ``bool`` nor an integral float such as ``2.0``.

Modules
-------
measures
    Entropy, mutual information and KL divergence of pmfs; Gaussian closed
    forms; the mutual information of a discrete input in Gaussian noise; Fano's
    inequality.
estimators
    Sample-based estimators: KSG, mixed discrete/continuous (Ross 2014) and
    plug-in.
gaussian
    Scalar Gaussian source with observation noise (Theorem 3.1, program (4)
    in closed form), informed and blind attackers, samplers.
gaussian_program
    Second routes for program (4): its objective, a numerical solver, the
    paper's meshgrid search, the rho^2-to-MI conversion and the paper's
    Figure 3 points.
projection
    Linear projections of Gaussian vectors (Theorem 3.2), the falling-bar
    Algorithm 1, the Marchenko–Pastur limit.
projection_routes
    Second, independent routes for the projection results (water level by
    bisection, the attack as matrices, the log-det route, Marchenko–Pastur
    quadrature) and loaders for the cached spectra and the paper's points.
discrete
    Certified solvers for finite alphabets: the informed attacker of problem
    (1), the binary flip attack of problem (21), the blind attacker. A result
    whose certified gap misses ``tol`` has ``converged=False`` and is
    accompanied by a :class:`ConvergenceWarning` (the package's warning class).
binary_signals
    Small helpers of the discrete-signal lecture: the mirror-averaged channel,
    Bayes errors, the coset information check, sampling from a joint law.
redundancy
    n noisy copies of a Gaussian source under total and per-copy budgets.
compression
    Feature compression against trained classifiers: the synthetic
    redundant-feature experiment, margins, breaking radii and the
    transplanted information-optimal attack.
subset
    Attacks on a subset of coordinates (Theorem 4.1, corrected).
subset_routes
    Second, independent routes for the subset attack (closed form of the
    scalar optimum, program (4) solved numerically, brute force over every
    subset); shares no code with ``subset``.
plotting
    The one helper through which notebooks style and save figures.
paths
    Where figures, cached data and result records live, from any working
    directory (``$MI_LIB_OUTPUT_DIR`` redirects the outputs during tests).
checks
    Assert-then-report helpers that print portable verdicts
    (``agree to < 1e-12``) instead of rounding-level digits.
records
    Result records of the notebooks, read by the claims ledger.
"""

from .measures import (
    WaterFilling,
    binary_entropy,
    binary_entropy_inverse,
    discrete_gaussian_mi,
    entropy,
    fano_error_bound,
    gaussian_mi,
    gaussian_rate_distortion,
    kl_divergence,
    mutual_information,
    reverse_water_filling,
)
from ._warnings import ConvergenceWarning
from .discrete import BinaryFlipAttack, BlindAttack, DiscreteAttack, binary_flip_attack, blind_attack, discrete_attack
from .estimators import ksg_mi, mixed_mi, plugin_mi
from .gaussian import (
    BlindGaussianAttack,
    GaussianAttack,
    blind_gaussian_attack,
    gaussian_attack,
    gaussian_attack_budget,
    sample_gaussian_attack,
)
from .projection import (
    ProjectionAttack,
    falling_bar,
    marchenko_pastur_pdf,
    mp_limit_mi_per_m,
    projection_attack,
    projection_attack_from_spectrum,
    sample_projection_attack,
)
from .redundancy import CopiesAttack, copies_attack, copies_attack_budget
from .subset import SubsetAttack, fixed_subset_attack, paper_theorem41_value, subset_attack

__version__ = "0.1.0"

__all__ = [
    # measures
    "WaterFilling",
    "binary_entropy",
    "binary_entropy_inverse",
    "discrete_gaussian_mi",
    "entropy",
    "fano_error_bound",
    "gaussian_mi",
    "gaussian_rate_distortion",
    "kl_divergence",
    "mutual_information",
    "reverse_water_filling",
    # discrete
    "BinaryFlipAttack",
    "BlindAttack",
    "DiscreteAttack",
    "binary_flip_attack",
    "blind_attack",
    "discrete_attack",
    # estimators
    "ksg_mi",
    "mixed_mi",
    "plugin_mi",
    # gaussian
    "BlindGaussianAttack",
    "GaussianAttack",
    "blind_gaussian_attack",
    "gaussian_attack",
    "gaussian_attack_budget",
    "sample_gaussian_attack",
    # projection
    "ProjectionAttack",
    "falling_bar",
    "marchenko_pastur_pdf",
    "mp_limit_mi_per_m",
    "projection_attack",
    "projection_attack_from_spectrum",
    "sample_projection_attack",
    # redundancy
    "CopiesAttack",
    "copies_attack",
    "copies_attack_budget",
    # subset
    "SubsetAttack",
    "fixed_subset_attack",
    "paper_theorem41_value",
    "subset_attack",
    # warnings
    "ConvergenceWarning",
]
