"""AdaBelief."""

import math
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._adam import rectification
from ._base import WEIGHT_DECAY_CONSTRAINT, Solver, update_ema

__all__ = ["AdaBelief"]

_BETA = [Interval(Real, 0, 1, closed="left")]


class AdaBelief(Solver):
    r"""AdaBelief, in the form of the authors' ``adabelief-pytorch`` 0.2.

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        s_t &= \beta_2 s_{t-1} + (1 - \beta_2) (g_t - m_t)^2 + \epsilon \\
        \theta_t &= \theta_{t-1} - \frac{\eta_t}{1 - \beta_1^t}
            \frac{m_t}{\sqrt{s_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    The step is scaled by the "belief" in the gradient: the deviation of
    :math:`g_t` from its running mean :math:`m_t`, instead of Adam's raw
    second moment. As in the reference, :math:`\epsilon` is added to
    :math:`s_t` in place every step, so it accumulates into the state.

    With ``rectify=True`` (the reference default) RAdam's rectification is
    used: when :math:`\rho_t \ge 5`,
    :math:`\theta_t = \theta_{t-1} - \eta_t \frac{r_t \sqrt{1-\beta_2^t}}
    {1-\beta_1^t} \frac{m_t}{\sqrt{s_t} + \epsilon}`; below the threshold an
    SGD-with-momentum step :math:`\eta_t m_t / (1 - \beta_1^t)` when
    ``degenerated_to_sgd``, else no step. With ``amsgrad=True`` the running
    maximum of :math:`s_t` replaces it in the non-rectified denominator.
    Weight decay is decoupled (:math:`\theta \leftarrow \theta(1 - \eta_t
    \lambda)`, or :math:`\theta(1 - \lambda)` with ``fixed_decay``) when
    ``weight_decouple``, else added to the gradient.

    Reference: Zhuang et al. (2020), "AdaBelief Optimizer: Adapting Stepsizes
    by the Belief in Observed Gradients". The paper's :math:`\epsilon` is
    1e-8 for most tasks; the package's default (used here) is 1e-16.

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float, default=1e-16
    weight_decay : float, default=0.0
    amsgrad : bool, default=False
    weight_decouple : bool, default=True
    fixed_decay : bool, default=False
    rectify : bool, default=True
    degenerated_to_sgd : bool, default=True

    Examples
    --------
    With its defaults (``solver="adabelief"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import AdaBelief
    >>> clf = MLPClassifier((64,), solver=AdaBelief(), max_iter=100, random_state=0)
    >>> clf.solver
    AdaBelief()
    >>> AdaBelief(learning_rate=1e-3, rectify=False)
    AdaBelief(rectify=False)
    """

    _parameter_constraints = {
        **Solver._parameter_constraints,
        "beta_1": _BETA,
        "beta_2": _BETA,
        "epsilon": [Interval(Real, 0, None, closed="left")],
        "weight_decay": WEIGHT_DECAY_CONSTRAINT,
        "amsgrad": ["boolean"],
        "weight_decouple": ["boolean"],
        "fixed_decay": ["boolean"],
        "rectify": ["boolean"],
        "degenerated_to_sgd": ["boolean"],
    }

    def __init__(
        self,
        learning_rate=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-16,
        weight_decay=0.0,
        amsgrad=False,
        weight_decouple=True,
        fixed_decay=False,
        rectify=True,
        degenerated_to_sgd=True,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.amsgrad = amsgrad
        self.weight_decouple = weight_decouple
        self.fixed_decay = fixed_decay
        self.rectify = rectify
        self.degenerated_to_sgd = degenerated_to_sgd

    @property
    def decoupled_weight_decay(self):
        return self.weight_decouple

    def _apply_weight_decay(self, params, grad, state, lr):
        if self.weight_decay and self.weight_decouple and self.fixed_decay:
            params *= 1 - self.weight_decay
            return grad
        return super()._apply_weight_decay(params, grad, state, lr)

    def _init_buffers(self, params):
        buffers = {
            "m": np.zeros_like(params),
            "s": np.zeros_like(params),
            "denom": np.zeros_like(params),
        }
        if self.amsgrad:
            buffers["s_max"] = np.zeros_like(params)
        return buffers

    def _update_belief(self, grad, state):
        m, s, scratch = state["m"], state["s"], state["scratch"]
        update_ema(m, grad, self.beta_1, scratch)
        np.subtract(grad, m, out=scratch)
        np.multiply(scratch, scratch, out=scratch)
        scratch *= 1 - self.beta_2
        s *= self.beta_2
        s += scratch
        s += self.epsilon
        if self.amsgrad:
            return np.maximum(state["s_max"], s, out=state["s_max"])
        return s

    def _rectified_scale(self, t):
        """Step multiplier of the rectified update, or None below threshold."""
        rho_t, rect = rectification(t, self.beta_2)
        if rho_t >= 5:
            return rect * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        return None

    def _update(self, params, grad, state, lr):
        t = state["t"]
        s = self._update_belief(grad, state)
        denom, step = state["denom"], state["scratch"]
        if not self.rectify:
            np.sqrt(s, out=denom)
            denom /= math.sqrt(1 - self.beta_2**t)
            denom += self.epsilon
            np.divide(state["m"], denom, out=step)
            step *= lr / (1 - self.beta_1**t)
            params -= step
            return
        scale = self._rectified_scale(t)
        if scale is not None:
            np.sqrt(state["s"], out=denom)
            denom += self.epsilon
            np.divide(state["m"], denom, out=step)
            step *= lr * scale
            params -= step
        elif self.degenerated_to_sgd:
            np.multiply(state["m"], lr / (1 - self.beta_1**t), out=step)
            params -= step

    def step_sizes(self, state):
        t, lr = state["t"], self.learning_rate_at(state)
        if not self.rectify:
            return lr / state["denom"]
        scale = self._rectified_scale(t)
        if scale is not None:
            return lr * scale * (1 - self.beta_1**t) / state["denom"]
        return lr if self.degenerated_to_sgd else 0.0
