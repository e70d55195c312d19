"""Adam."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import Solver

__all__ = ["Adam"]


class Adam(Solver):
    r"""Adam, in the form of ``torch.optim.Adam``.

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \theta_t &= \theta_{t-1} - \frac{\eta_t}{1 - \beta_1^t}
            \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    with :math:`m_0 = v_0 = 0`. :math:`\epsilon` is added *after* the bias
    correction, as in PyTorch. scikit-learn's MLP, Keras and the "efficient"
    form of the paper fold the correction into the step size,
    :math:`\eta \sqrt{1-\beta_2^t}/(1-\beta_1^t) \cdot m/(\sqrt{v} + \hat\epsilon)`,
    which equals this rule with :math:`\epsilon = \hat\epsilon / \sqrt{1-\beta_2^t}`.
    With ``amsgrad=True`` the running maximum :math:`\bar v_t =
    \max(\bar v_{t-1}, v_t)` replaces :math:`v_t` in the denominator.

    Reference: Kingma & Ba (2015), "Adam: A Method for Stochastic
    Optimization"; Reddi et al. (2018) for AMSGrad.

    Parameters
    ----------
    learning_rate : float, default=1e-3
        :math:`\eta`.
    beta_1 : float in [0, 1), default=0.9
        Decay of the first-moment estimate.
    beta_2 : float in [0, 1), default=0.999
        Decay of the second-moment estimate.
    epsilon : float, default=1e-8
        Added to the bias-corrected root of the second moment.
    amsgrad : bool, default=False
        Use the running maximum of the second moment.
    """

    _parameter_constraints = {
        **Solver._parameter_constraints,
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="left")],
        "amsgrad": ["boolean"],
    }

    def __init__(
        self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8, amsgrad=False
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def _init_buffers(self, params):
        buffers = {
            "m": np.zeros_like(params),
            "v": np.zeros_like(params),
            "denom": np.zeros_like(params),
        }
        if self.amsgrad:
            buffers["v_max"] = np.zeros_like(params)
        return buffers

    def _update(self, params, grad, state, lr):
        t = state["t"]
        m, v, denom, scratch = state["m"], state["v"], state["denom"], state["scratch"]
        m *= self.beta_1
        m += np.multiply(grad, 1 - self.beta_1, out=scratch)
        v *= self.beta_2
        np.multiply(grad, grad, out=scratch)
        scratch *= 1 - self.beta_2
        v += scratch
        if self.amsgrad:
            np.maximum(state["v_max"], v, out=state["v_max"])
            v = state["v_max"]
        np.sqrt(v, out=denom)
        denom /= np.sqrt(1 - self.beta_2**t)
        denom += self.epsilon
        np.divide(m, denom, out=scratch)
        scratch *= lr / (1 - self.beta_1**t)
        params -= scratch

    def step_sizes(self, state):
        """Per-coordinate step ``lr / (sqrt(v_hat) + eps)`` applied to the
        bias-corrected first moment ``m_hat``: the diagonal preconditioner
        the L1 proximal step scales its threshold by."""
        return self.learning_rate_at(state["t"]) / state["denom"]
