"""The solver interface shared by every optimizer."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval

__all__ = ["Solver"]


class Solver(BaseEstimator):
    """Base class of the optimizers.

    A solver object holds hyperparameters only and is never changed by a fit.
    Its mutable state is explicit, as in optax::

        state = solver.init_state(params)
        for grad in gradients:
            solver.step(params, grad, state)   # updates params in place

    ``state`` is a dict of arrays shaped like ``params`` plus the update
    count ``state["t"]`` (1 at the first update), so it pickles with the
    estimator and ``partial_fit`` continues where the last call stopped.

    Subclasses implement :meth:`_init_buffers` and :meth:`_update`.
    """

    _parameter_constraints = {
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
    }

    def learning_rate_at(self, t):
        """The learning rate of update ``t`` (counted from 1).

        A float learning rate is constant; a schedule object (any object with
        a ``value(step)`` method, ``step`` counted from 0 as in
        ``torch.optim.lr_scheduler``) gives the rate of each update.
        """
        lr = self.learning_rate
        if hasattr(lr, "value"):
            return float(lr.value(t - 1))
        return float(lr)

    def init_state(self, params):
        """A fresh state for the flat parameter vector ``params``."""
        state = {"t": 0, "scratch": np.zeros_like(params)}
        state.update(self._init_buffers(params))
        return state

    def step(self, params, grad, state):
        """Apply one update to ``params`` in place and advance ``state``.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            Flat parameters, updated in place.
        grad : ndarray of shape (n_params,)
            Gradient of the objective at ``params``; left unchanged.
        state : dict
            As returned by :meth:`init_state`; updated in place.
        """
        state["t"] += 1
        lr = self.learning_rate_at(state["t"])
        self._update(params, grad, state, lr)

    def step_sizes(self, state):
        """The step size of the last update, a scalar or one per coordinate.

        The proximal step of an L1 penalty uses it, so that the
        soft-threshold matches the step the solver took: for plain and
        momentum SGD it is the learning rate, for adaptive solvers the
        diagonal preconditioner ``lr / denominator``.
        """
        return self.learning_rate_at(state["t"])

    def _init_buffers(self, params):
        return {}

    def _update(self, params, grad, state, lr):
        raise NotImplementedError
