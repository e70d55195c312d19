"""Stochastic gradient descent with and without momentum."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import WEIGHT_DECAY_CONSTRAINT, Solver

__all__ = ["SGD", "Momentum", "Nesterov"]


class SGD(Solver):
    r"""Plain (stochastic) gradient descent.

    .. math:: \theta_t = \theta_{t-1} - \eta_t (g_t + \lambda \theta_{t-1})

    Full-batch, mini-batch or single-sample gradient descent depending on the
    estimator's ``batch_size``. Reference: ``torch.optim.SGD`` (momentum 0).

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
        :math:`\eta`, the step size: ``torch.optim.SGD``'s default (and
        scikit-learn's MLP ``learning_rate_init``); ``SGDRegressor`` starts at
        ``eta0=0.01``. Plain SGD usually wants more: see the example.
    weight_decay : float, default=0.0
        :math:`\lambda`, coupled L2 decay of every parameter (torch's form).

    Examples
    --------
    With ``learning_rate=0.1`` a 64-unit MLP reaches over 90% test accuracy
    on the standardized digits data in 100 epochs (the test suite checks it;
    the default 1e-3 is far slower there):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import SGD
    >>> clf = MLPClassifier((64,), solver=SGD(0.1), max_iter=100, random_state=0)
    >>> clf.solver
    SGD(learning_rate=0.1)
    """

    _parameter_constraints = {
        **Solver._parameter_constraints,
        "weight_decay": WEIGHT_DECAY_CONSTRAINT,
    }

    def __init__(self, learning_rate=1e-3, weight_decay=0.0):
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay

    def _update(self, params, grad, state, lr):
        scaled = np.multiply(grad, lr, out=state["scratch"])
        params -= scaled


class Momentum(Solver):
    r"""Gradient descent with heavy-ball momentum, in the form of ``torch.optim``.

    .. math::

        b_1 = g_1, \qquad b_t = \mu b_{t-1} + g_t, \qquad
        \theta_t = \theta_{t-1} - \eta_t b_t

    The learning rate stays outside the velocity :math:`b` and the buffer
    starts at the first gradient, as in ``torch.optim.SGD(momentum=mu)``.
    scikit-learn's MLP keeps it inside (:math:`v = \mu v - \eta g`), which
    differs once :math:`\eta` changes over time.
    Reference: Polyak (1964); Sutskever et al. (2013).

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
        :math:`\eta` (torch's default).
    momentum : float in [0, 1), default=0.9
        :math:`\mu` (torch's SGD defaults to 0, plain SGD; 0.9 is the usual
        choice and scikit-learn's MLP default).
    weight_decay : float, default=0.0
        Coupled L2 decay: :math:`g_t \leftarrow g_t + \lambda \theta_{t-1}`.

    Notes
    -----
    With an L1 penalty the soft-threshold after each step uses the step size
    :math:`\eta_t / (1 - \mu)`, the length of the steady-state step (the
    velocity settles at :math:`g / (1 - \mu)`), so the fixed point is the
    exact Lasso solution whatever :math:`\mu`.

    Examples
    --------
    With ``learning_rate=0.01`` a 64-unit MLP reaches over 90% test accuracy
    on the standardized digits data in 100 epochs (the test suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import Momentum
    >>> clf = MLPClassifier((64,), solver=Momentum(0.01), max_iter=100, random_state=0)
    >>> clf.solver
    Momentum(learning_rate=0.01)
    >>> clf.solver.momentum
    0.9
    """

    _parameter_constraints = {
        **Solver._parameter_constraints,
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": WEIGHT_DECAY_CONSTRAINT,
    }

    def __init__(self, learning_rate=1e-3, momentum=0.9, weight_decay=0.0):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.weight_decay = weight_decay

    def _init_buffers(self, params):
        return {"velocity": np.zeros_like(params)}

    def _update_velocity(self, grad, state):
        velocity = state["velocity"]
        if state["t"] == 1:
            velocity[...] = grad
        else:
            velocity *= self.momentum
            velocity += grad
        return velocity

    def _update(self, params, grad, state, lr):
        velocity = self._update_velocity(grad, state)
        scaled = np.multiply(velocity, lr, out=state["scratch"])
        params -= scaled

    def step_sizes(self, state):
        return self.learning_rate_at(state) / (1 - self.momentum)


class Nesterov(Momentum):
    r"""Nesterov accelerated gradient, in the form of ``torch.optim``.

    .. math::

        b_1 = g_1, \qquad b_t = \mu b_{t-1} + g_t, \qquad
        \theta_t = \theta_{t-1} - \eta_t (g_t + \mu b_t)

    The step looks ahead along the velocity: the gradient is combined with
    where the momentum is about to carry the parameters. Reference:
    ``torch.optim.SGD(momentum=mu, nesterov=True)``; Nesterov (1983),
    Sutskever et al. (2013). scikit-learn's form keeps :math:`\eta` inside
    the velocity.

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
        :math:`\eta` (torch's default).
    momentum : float in [0, 1), default=0.9
        :math:`\mu`.
    weight_decay : float, default=0.0
        Coupled L2 decay: :math:`g_t \leftarrow g_t + \lambda \theta_{t-1}`.

    Examples
    --------
    With ``learning_rate=0.01`` a 64-unit MLP reaches over 90% test accuracy
    on the standardized digits data in 100 epochs (the test suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import Nesterov
    >>> clf = MLPClassifier((64,), solver=Nesterov(0.01), max_iter=100, random_state=0)
    >>> clf.solver
    Nesterov(learning_rate=0.01)
    """

    def _update(self, params, grad, state, lr):
        velocity = self._update_velocity(grad, state)
        lookahead = np.multiply(velocity, self.momentum, out=state["scratch"])
        lookahead += grad
        lookahead *= lr
        params -= lookahead
