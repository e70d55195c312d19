"""Per-coordinate adaptive rates: Adagrad, RMSprop and Adadelta."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import (
    WEIGHT_DECAY_CONSTRAINT,
    Solver,
    update_ema,
    update_ema_of_square,
)

__all__ = ["Adagrad", "RMSprop", "Adadelta"]

_NON_NEGATIVE = [Interval(Real, 0, None, closed="left")]
_RHO = [Interval(Real, 0, 1, closed="both")]


class Adagrad(Solver):
    r"""Adagrad, in the form of ``torch.optim.Adagrad``.

    .. math::

        G_t &= G_{t-1} + g_t^2, \qquad G_0 = G_{\text{init}} \\
        \tilde\eta_t &= \eta_t / (1 + (t - 1) \delta) \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t \frac{g_t}{\sqrt{G_t} + \epsilon}

    Each coordinate's step shrinks with the sum of its squared gradients,
    so rarely updated coordinates keep large steps. Keras 3 puts
    :math:`\epsilon` inside the square root and starts :math:`G` at 0.1.
    Reference:
    Duchi, Hazan & Singer (2011), "Adaptive Subgradient Methods for Online
    Learning and Stochastic Optimization".

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-2
        :math:`\eta`.
    lr_decay : float, default=0.0
        :math:`\delta`, torch's built-in inverse decay of the rate.
    weight_decay : float, default=0.0
        Coupled L2 decay.
    initial_accumulator_value : float, default=0.0
        :math:`G_{\text{init}}`.
    epsilon : float, default=1e-10

    Examples
    --------
    With its defaults (``solver="adagrad"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import Adagrad
    >>> clf = MLPClassifier((64,), solver=Adagrad(), max_iter=100, random_state=0)
    >>> clf.solver
    Adagrad()
    >>> Adagrad(learning_rate=0.05)
    Adagrad(learning_rate=0.05)
    """

    _parameter_constraints = {
        **Solver._parameter_constraints,
        "lr_decay": _NON_NEGATIVE,
        "weight_decay": WEIGHT_DECAY_CONSTRAINT,
        "initial_accumulator_value": _NON_NEGATIVE,
        "epsilon": _NON_NEGATIVE,
    }

    def __init__(
        self,
        learning_rate=1e-2,
        lr_decay=0.0,
        weight_decay=0.0,
        initial_accumulator_value=0.0,
        epsilon=1e-10,
    ):
        self.learning_rate = learning_rate
        self.lr_decay = lr_decay
        self.weight_decay = weight_decay
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _init_buffers(self, params):
        return {
            "sum_squares": np.full_like(params, self.initial_accumulator_value),
            "denom": np.zeros_like(params),
        }

    def _decayed_rate(self, state, lr):
        return lr / (1 + (state["t"] - 1) * self.lr_decay)

    def _update(self, params, grad, state, lr):
        sum_squares, denom = state["sum_squares"], state["denom"]
        sum_squares += np.multiply(grad, grad, out=state["scratch"])
        np.sqrt(sum_squares, out=denom)
        denom += self.epsilon
        step = np.divide(grad, denom, out=state["scratch"])
        step *= self._decayed_rate(state, lr)
        params -= step

    def step_sizes(self, state):
        return self._decayed_rate(state, self.learning_rate_at(state)) / state["denom"]


class RMSprop(Solver):
    r"""RMSprop, in the form of ``torch.optim.RMSprop``.

    .. math::

        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \bar g_t &= \rho \bar g_{t-1} + (1 - \rho) g_t
            \quad (\text{centered}), \qquad
        d_t = \sqrt{v_t - \bar g_t^2} + \epsilon
            \quad (\text{else } \sqrt{v_t} + \epsilon) \\
        b_t &= \mu b_{t-1} + g_t / d_t, \quad \theta_t = \theta_{t-1} - \eta_t b_t
            \quad (\mu > 0), \qquad
        \theta_t = \theta_{t-1} - \eta_t g_t / d_t \quad (\mu = 0)

    :math:`\rho` is torch's ``alpha`` (renamed so that ``alpha`` stays the
    penalty strength). Keras and optax put :math:`\epsilon` inside the square
    root; PyTorch (followed here) outside. Reference: Hinton, Srivastava &
    Swersky (2012), Lecture 6e of "Neural Networks for Machine Learning";
    Graves (2013) for the centered form.

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-2
    rho : float in [0, 1], default=0.99
        Decay of the mean square.
    epsilon : float, default=1e-8
    weight_decay : float, default=0.0
        Coupled L2 decay.
    momentum : float in [0, 1), default=0.0
        :math:`\mu`.
    centered : bool, default=False
        Normalize by the estimated variance instead of the raw second moment.

    Examples
    --------
    With its defaults (``solver="rmsprop"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import RMSprop
    >>> clf = MLPClassifier((64,), solver=RMSprop(), max_iter=100, random_state=0)
    >>> clf.solver
    RMSprop()
    >>> RMSprop(learning_rate=1e-3, centered=True)
    RMSprop(centered=True, learning_rate=0.001)
    """

    _parameter_constraints = {
        **Solver._parameter_constraints,
        "rho": _RHO,
        "epsilon": _NON_NEGATIVE,
        "weight_decay": WEIGHT_DECAY_CONSTRAINT,
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "centered": ["boolean"],
    }

    def __init__(
        self,
        learning_rate=1e-2,
        rho=0.99,
        epsilon=1e-8,
        weight_decay=0.0,
        momentum=0.0,
        centered=False,
    ):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.momentum = momentum
        self.centered = centered

    def _init_buffers(self, params):
        buffers = {"square_avg": np.zeros_like(params), "denom": np.zeros_like(params)}
        if self.centered:
            buffers["grad_avg"] = np.zeros_like(params)
        if self.momentum > 0:
            buffers["velocity"] = np.zeros_like(params)
        return buffers

    def _update(self, params, grad, state, lr):
        scratch, denom = state["scratch"], state["denom"]
        update_ema_of_square(state["square_avg"], grad, self.rho, scratch)
        if self.centered:
            grad_avg = update_ema(state["grad_avg"], grad, self.rho, scratch)
            np.multiply(grad_avg, grad_avg, out=denom)
            np.subtract(state["square_avg"], denom, out=denom)
            np.sqrt(denom, out=denom)
        else:
            np.sqrt(state["square_avg"], out=denom)
        denom += self.epsilon
        step = np.divide(grad, denom, out=scratch)
        if self.momentum > 0:
            velocity = state["velocity"]
            velocity *= self.momentum
            velocity += step
            step = np.multiply(velocity, lr, out=scratch)
        else:
            step *= lr
        params -= step

    def step_sizes(self, state):
        lr = self.learning_rate_at(state) / (1 - self.momentum)
        return lr / state["denom"]


class Adadelta(Solver):
    r"""Adadelta, in the form of ``torch.optim.Adadelta``.

    .. math::

        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} g_t \\
        u_t &= \rho u_{t-1} + (1 - \rho) \Delta_t^2 \\
        \theta_t &= \theta_{t-1} - \eta_t \Delta_t

    The ratio of the root mean squared updates to the root mean squared
    gradients gives each coordinate a step with the units of the parameter;
    the paper has no learning rate (:math:`\eta = 1`, the default here and in
    PyTorch; Keras defaults to 1e-3). Reference: Zeiler (2012), "ADADELTA:
    An Adaptive Learning Rate Method".

    Parameters
    ----------
    learning_rate : float or schedule, default=1.0
    rho : float in [0, 1], default=0.9
    epsilon : float, default=1e-6
    weight_decay : float, default=0.0
        Coupled L2 decay.

    Examples
    --------
    With its defaults (``solver="adadelta"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import Adadelta
    >>> clf = MLPClassifier((64,), solver=Adadelta(), max_iter=100, random_state=0)
    >>> clf.solver
    Adadelta()
    >>> Adadelta().learning_rate
    1.0
    """

    _parameter_constraints = {
        **Solver._parameter_constraints,
        "rho": _RHO,
        "epsilon": _NON_NEGATIVE,
        "weight_decay": WEIGHT_DECAY_CONSTRAINT,
    }

    def __init__(self, learning_rate=1.0, rho=0.9, epsilon=1e-6, weight_decay=0.0):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon
        self.weight_decay = weight_decay

    def _init_buffers(self, params):
        return {
            "square_avg": np.zeros_like(params),
            "delta_avg": np.zeros_like(params),
            "denom": np.zeros_like(params),
            "ratio": np.zeros_like(params),
        }

    def _update(self, params, grad, state, lr):
        scratch, denom, ratio = state["scratch"], state["denom"], state["ratio"]
        update_ema_of_square(state["square_avg"], grad, self.rho, scratch)
        np.add(state["square_avg"], self.epsilon, out=denom)
        np.sqrt(denom, out=denom)
        np.add(state["delta_avg"], self.epsilon, out=ratio)
        np.sqrt(ratio, out=ratio)
        ratio /= denom  # per-coordinate step size, kept for step_sizes
        delta = np.multiply(ratio, grad, out=denom)
        update_ema_of_square(state["delta_avg"], delta, self.rho, scratch)
        step = np.multiply(delta, lr, out=scratch)
        params -= step

    def step_sizes(self, state):
        return self.learning_rate_at(state) * state["ratio"]
