"""Penalties on the weights (never the biases).

The objective of a fit is

.. math:: \\frac{1}{n} \\sum_i \\ell_i + \\alpha R(W)

where :math:`\\alpha` is the estimator's ``alpha`` and the penalty object
gives the shape of :math:`R`. This is the objective of
:class:`~sklearn.linear_model.SGDRegressor`, of
:class:`~sklearn.linear_model.Lasso` (same ``alpha``),
:class:`~sklearn.linear_model.Ridge` (``alpha_ridge = alpha * n``) and
:class:`~sklearn.linear_model.LogisticRegression` (``C = 1 / (alpha * n)``),
independent of the batch size.

A penalty splits into a smooth part, added to the gradient, and a
non-smooth part applied after each solver step as a proximal operator.
The L1 proximal operator is soft-thresholding, so weights whose gradient
never outweighs :math:`\\alpha` land on exactly zero.
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval

from ._fused import add_scaled

__all__ = ["Penalty", "L1", "L2", "ElasticNet", "PENALTIES", "resolve_penalty"]


def soft_threshold(w, threshold):
    """In place :math:`w \\leftarrow \\mathrm{sign}(w) \\max(|w| - t, 0)`.

    ``threshold`` is a scalar or an array of the shape of ``w``.
    """
    shrunk = np.abs(w)
    shrunk -= threshold
    np.maximum(shrunk, 0, out=shrunk)
    np.copysign(shrunk, w, out=w)
    return w


class Penalty(BaseEstimator):
    """Base class of penalties :math:`R(W)` on the weights."""

    #: Whether :meth:`prox` does anything (an L1 part).
    has_prox = False

    def value(self, w):
        """:math:`R(w)` for the flat vector of weights ``w``."""
        raise NotImplementedError

    def add_gradient(self, w, grad, alpha):
        """Add ``alpha`` times the gradient of the smooth part to ``grad``."""

    def prox(self, w, step):
        """Apply the proximal operator of ``step * R_nonsmooth`` in place.

        ``step`` is ``alpha`` times the solver's step size, a scalar or an
        array of per-coordinate step sizes (adaptive solvers).
        """


class L2(Penalty):
    """Ridge penalty :math:`R(W) = \\tfrac12 \\lVert W \\rVert_2^2`.

    Its gradient :math:`\\alpha W` is added to the loss gradient (coupled
    weight decay). It shrinks every weight and zeroes none.
    """

    def value(self, w):
        return 0.5 * float(w @ w)

    def add_gradient(self, w, grad, alpha):
        add_scaled(grad, w, alpha)


class L1(Penalty):
    """Lasso penalty :math:`R(W) = \\lVert W \\rVert_1`.

    Applied as a proximal step (soft-thresholding) after each solver step,
    as in proximal gradient descent (ISTA), so irrelevant weights become
    exactly zero, as with ``SGDRegressor(penalty="l1")`` and ``Lasso``.
    """

    has_prox = True

    def value(self, w):
        return float(np.abs(w).sum())

    def prox(self, w, step):
        soft_threshold(w, step)


class ElasticNet(Penalty):
    """Elastic net :math:`R(W) = \\rho \\lVert W \\rVert_1 + \\frac{1 - \\rho}{2}
    \\lVert W \\rVert_2^2`, as in scikit-learn's ``SGDRegressor``.

    Parameters
    ----------
    l1_ratio : float in [0, 1], default=0.15
        :math:`\\rho`, the share of L1.
    """

    has_prox = True
    _parameter_constraints = {"l1_ratio": [Interval(Real, 0, 1, closed="both")]}

    def __init__(self, l1_ratio=0.15):
        self.l1_ratio = l1_ratio

    def value(self, w):
        rho = self.l1_ratio
        return rho * float(np.abs(w).sum()) + 0.5 * (1 - rho) * float(w @ w)

    def add_gradient(self, w, grad, alpha):
        add_scaled(grad, w, alpha * (1 - self.l1_ratio))

    def prox(self, w, step):
        soft_threshold(w, step * self.l1_ratio)


PENALTIES = {"l2": L2, "l1": L1, "elasticnet": ElasticNet}


def resolve_penalty(penalty):
    """The penalty object for a string, an object or None (no penalty)."""
    if penalty is None:
        return None
    if isinstance(penalty, str):
        return PENALTIES[penalty]()
    return penalty
