"""AdaBound."""

import math
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._adam import _AdamBase

__all__ = ["AdaBound"]


class AdaBound(_AdamBase):
    r"""AdaBound, in the form of the authors' ``adabound`` 0.0.5.

    .. math::

        m_t, v_t &\text{ as in Adam (coupled weight decay in } g_t) \\
        f_t &= \text{final\_lr} \cdot \eta_t / \eta_0 \\
        \ell_t &= f_t \left(1 - \frac{1}{\gamma t + 1}\right), \qquad
        u_t = f_t \left(1 + \frac{1}{\gamma t}\right) \\
        \theta_t &= \theta_{t-1} - \operatorname{clip}\left(
            \frac{\eta_t \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)}
                 {\sqrt{v_t} + \epsilon}, \ell_t, u_t\right) m_t

    Adam's per-coordinate step is clipped into bounds that both converge to
    ``final_lr``, so training moves from Adam to SGD. :math:`\eta_0` is the
    initial learning rate: a schedule scales both bounds, as in the
    reference. :math:`\epsilon` is added before the bias correction of the
    step size (the reference's form, unlike torch's Adam). With
    ``amsbound=True`` the running maximum of :math:`v_t` is used.

    Reference: Luo et al. (2019), "Adaptive Gradient Methods with Dynamic
    Bound of Learning Rate".

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    final_lr : float, default=0.1
        The SGD learning rate the bounds converge to.
    gamma : float, default=1e-3
        Convergence speed of the bounds.
    epsilon : float, default=1e-8
    weight_decay : float, default=0.0
        Coupled L2 decay.
    amsbound : bool, default=False

    Examples
    --------
    With its defaults (``solver="adabound"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import AdaBound
    >>> clf = MLPClassifier((64,), solver=AdaBound(), max_iter=100, random_state=0)
    >>> clf.solver
    AdaBound()
    >>> AdaBound(learning_rate=1e-3, final_lr=0.1).gamma
    0.001
    """

    _parameter_constraints = {
        **_AdamBase._parameter_constraints,
        "final_lr": [Interval(Real, 0, None, closed="neither")],
        "gamma": [Interval(Real, 0, None, closed="neither")],
        "amsbound": ["boolean"],
    }

    def __init__(
        self,
        learning_rate=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        final_lr=0.1,
        gamma=1e-3,
        epsilon=1e-8,
        weight_decay=0.0,
        amsbound=False,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.final_lr = final_lr
        self.gamma = gamma
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.amsbound = amsbound

    def _init_buffers(self, params):
        buffers = super()._init_buffers(params)
        if self.amsbound:
            buffers["v_max"] = np.zeros_like(params)
        return buffers

    def _bounded_step_sizes(self, state, lr):
        """Clip Adam's step sizes into the bounds, into ``state["denom"]``."""
        t = state["t"]
        final_lr = self.final_lr * lr / self.initial_learning_rate
        lower = final_lr * (1 - 1 / (self.gamma * t + 1))
        upper = final_lr * (1 + 1 / (self.gamma * t))
        step_size = lr * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        sizes = state["denom"]
        np.divide(step_size, sizes, out=sizes)
        return np.clip(sizes, lower, upper, out=sizes)

    def _update(self, params, grad, state, lr):
        self._update_moments(grad, state)
        v = state["v"]
        if self.amsbound:
            v = np.maximum(state["v_max"], v, out=state["v_max"])
        denom = np.sqrt(v, out=state["denom"])
        denom += self.epsilon
        sizes = self._bounded_step_sizes(state, lr)
        step = np.multiply(sizes, state["m"], out=state["scratch"])
        params -= step

    def step_sizes(self, state):
        # the clipped sizes multiply m_t; relative to m_hat = m_t / (1 - beta_1^t)
        return state["denom"] * (1 - self.beta_1 ** state["t"])
