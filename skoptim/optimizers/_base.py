"""The solver interface shared by every optimizer, and moment helpers."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import HasMethods, Interval

__all__ = [
    "Solver",
    "LEARNING_RATE_CONSTRAINT",
    "WEIGHT_DECAY_CONSTRAINT",
    "update_ema",
    "update_ema_of_square",
]

#: A positive float or a schedule object from :mod:`skoptim.schedules`.
LEARNING_RATE_CONSTRAINT = [
    Interval(Real, 0, None, closed="neither"),
    HasMethods(["rate", "init_memory", "observe"]),
]
WEIGHT_DECAY_CONSTRAINT = [Interval(Real, 0, None, closed="left")]


def update_ema(average, value, decay, scratch):
    r"""In place :math:`a \leftarrow a + (1 - \beta)(x - a)`, torch's ``lerp_``.

    Equal to :math:`\beta a + (1 - \beta) x` up to rounding.
    """
    np.subtract(value, average, out=scratch)
    scratch *= 1 - decay
    average += scratch
    return average


def update_ema_of_square(average, value, decay, scratch):
    r"""In place :math:`v \leftarrow \beta v + (1 - \beta) x^2`."""
    np.multiply(value, value, out=scratch)
    scratch *= 1 - decay
    average *= decay
    average += scratch
    return average


class Solver(BaseEstimator):
    """Base class of the optimizers.

    A solver object holds hyperparameters only and is never changed by a fit.
    Its mutable state is explicit, as in optax::

        state = solver.init_state(params)
        for grad in gradients:
            solver.step(params, grad, state)   # updates params in place
        solver.end_epoch(state, loss)          # epoch-based schedules

    ``state`` is a dict of arrays shaped like ``params`` plus the update
    count ``state["t"]`` (1 at the first update), the count of finished
    epochs ``state["epoch"]`` and the memory of a reacting schedule
    (:class:`~skoptim.schedules.ReduceOnPlateau`), so it pickles with the
    estimator and ``partial_fit`` continues where the last call stopped.

    Weight decay, where a solver has it, acts on every parameter it is given
    (biases too, as in ``torch.optim``). It is *coupled* (``g += wd * theta``
    before the update) unless the solver says it is decoupled. The
    estimators' ``alpha`` and ``penalty`` penalize the weights only.

    Subclasses implement :meth:`_init_buffers` and :meth:`_update`.
    """

    _parameter_constraints = {"learning_rate": LEARNING_RATE_CONSTRAINT}

    #: Whether the solver needs the full batch (L-BFGS).
    full_batch = False
    #: Whether weight decay shrinks the parameters directly (AdamW).
    decoupled_weight_decay = False

    def learning_rate_at(self, state):
        """The learning rate of the latest update ``state["t"]``.

        A float is constant; a schedule gives the rate of update ``t - 1``
        counted from 0 (or of the current epoch), as
        ``torch.optim.lr_scheduler`` stepped once per update (per epoch).
        """
        lr = self.learning_rate
        if isinstance(lr, Real):
            return float(lr)
        step = max(state["t"] - 1, 0)
        return float(lr.rate(step, state["epoch"], state["schedule"]))

    @property
    def initial_learning_rate(self):
        """The learning rate at the first update (a schedule's start)."""
        lr = self.learning_rate
        return float(lr) if isinstance(lr, Real) else lr.initial_learning_rate

    def init_state(self, params):
        """A fresh state for the flat parameter vector ``params``."""
        lr = self.learning_rate
        state = {
            "t": 0,
            "epoch": 0,
            "schedule": None if isinstance(lr, Real) else lr.init_memory(),
            "scratch": np.zeros_like(params),
        }
        if getattr(self, "weight_decay", 0) and not self.decoupled_weight_decay:
            state["decayed_grad"] = np.zeros_like(params)
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
        lr = self.learning_rate_at(state)
        grad = self._apply_weight_decay(params, grad, state, lr)
        self._update(params, grad, state, lr)

    def end_epoch(self, state, loss=None, validation_score=None):
        """Count a finished epoch and let a reacting schedule see its loss."""
        state["epoch"] += 1
        if state["schedule"] is not None:
            self.learning_rate.observe(
                state["schedule"], loss=loss, validation_score=validation_score
            )

    def step_sizes(self, state):
        """The step size of the last update, a scalar or one per coordinate.

        The proximal step of an L1 penalty scales its threshold by it, so the
        soft-threshold matches the step the solver took: for plain SGD it is
        the learning rate, for adaptive solvers the diagonal preconditioner.
        """
        return self.learning_rate_at(state)

    def _apply_weight_decay(self, params, grad, state, lr):
        weight_decay = getattr(self, "weight_decay", 0)
        if not weight_decay:
            return grad
        if self.decoupled_weight_decay:
            params *= 1 - lr * weight_decay
            return grad
        decayed = np.multiply(params, weight_decay, out=state["decayed_grad"])
        decayed += grad
        return decayed

    def _init_buffers(self, params):
        return {}

    def _update(self, params, grad, state, lr):
        raise NotImplementedError
