"""Plots of training curves, optimizer paths and weights (needs matplotlib).

The displays follow scikit-learn's Display API: a class method
(``from_estimator``, ``from_result`` or ``from_results``) computes what to
draw from fitted objects and calls ``plot(ax=...)``, which draws on ``ax``
(a new figure when None) and keeps the matplotlib objects in attributes
ending in ``_`` (``ax_``, ``figure_``, ``line_``, ...). ``plot`` can be called again on
another axes without recomputing anything.

matplotlib is an optional dependency: ``pip install "skoptim[plot]"``.
Importing this module works without it; drawing raises an
:class:`ImportError` that says how to install it.
"""

from ._loss_curve import LossCurveDisplay
from ._lr_finder import LRFinderDisplay
from ._optimizer_path import OptimizerPathDisplay
from ._weights import WeightDisplay

__all__ = [
    "LossCurveDisplay",
    "LRFinderDisplay",
    "OptimizerPathDisplay",
    "WeightDisplay",
]
