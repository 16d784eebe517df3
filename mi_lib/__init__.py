"""mi_lib: mutual-information tools for optimal adversarial attacks.

The executable companion to J. Yi, R. Mudumbai and W. Xu, *Derivation of
Information-Theoretically Optimal Adversarial Attacks with Applications to
Robust Machine Learning*, arXiv:2007.14042 (2020).

All information quantities are in nats unless a ``base`` argument says
otherwise. Nothing in this package prints, touches global random state or has
import-time side effects; randomness enters only through ``rng`` arguments.

Modules
-------
measures
    Entropy, mutual information and KL divergence of pmfs; Gaussian closed
    forms; the mutual information of a discrete input in Gaussian noise; Fano's
    inequality.
estimators
    Sample-based estimators: KSG, mixed discrete/continuous (Ross 2014) and
    plug-in.
plotting
    The one helper through which notebooks style and save figures.
"""

from .measures import (
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

__version__ = "0.1.0"
