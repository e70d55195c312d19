"""The Adam family: Adam, AdamW, NAdam, Adamax and RAdam."""

import math
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from .._fused import adam_kernel
from ._base import (
    WEIGHT_DECAY_CONSTRAINT,
    Solver,
    update_ema,
    update_ema_of_square,
)

__all__ = ["Adam", "AdamW", "NAdam", "Adamax", "RAdam"]

_BETA = [Interval(Real, 0, 1, closed="left")]
_EPSILON = [Interval(Real, 0, None, closed="left")]


def rectification(t, beta_2):
    r"""RAdam's variance rectification term at update ``t``.

    Returns ``(rho_t, r_t)`` with :math:`\rho_\infty = 2/(1-\beta_2) - 1`,
    :math:`\rho_t = \rho_\infty - 2 t \beta_2^t / (1 - \beta_2^t)` and
    :math:`r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}
    {(\rho_\infty-4)(\rho_\infty-2)\rho_t}}` (``nan`` while
    :math:`\rho_t \le 4`).
    """
    rho_inf = 2 / (1 - beta_2) - 1
    rho_t = rho_inf - 2 * t * beta_2**t / (1 - beta_2**t)
    if rho_t <= 4:
        return rho_t, math.nan
    ratio = (
        (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
    )
    return rho_t, math.sqrt(ratio)


class _AdamBase(Solver):
    """Moments shared by the Adam family."""

    _parameter_constraints = {
        **Solver._parameter_constraints,
        "beta_1": _BETA,
        "beta_2": _BETA,
        "epsilon": _EPSILON,
        "weight_decay": WEIGHT_DECAY_CONSTRAINT,
    }

    def _init_buffers(self, params):
        return {
            "m": np.zeros_like(params),
            "v": np.zeros_like(params),
            "denom": np.zeros_like(params),
        }

    def _update_moments(self, grad, state):
        update_ema(state["m"], grad, self.beta_1, state["scratch"])
        update_ema_of_square(state["v"], grad, self.beta_2, state["scratch"])


class Adam(_AdamBase):
    r"""Adam, in the form of ``torch.optim.Adam``.

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \theta_t &= \theta_{t-1} - \frac{\eta_t}{1 - \beta_1^t}
            \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    with :math:`m_0 = v_0 = 0` and :math:`g_t` including the coupled weight
    decay :math:`\lambda \theta_{t-1}`. :math:`\epsilon` is added *after* the
    bias correction, as in PyTorch. scikit-learn's MLP, Keras and the
    "efficient" form of the paper fold the correction into the step size,
    :math:`\eta \sqrt{1-\beta_2^t}/(1-\beta_1^t) \cdot m/(\sqrt{v} + \hat\epsilon)`,
    which equals this rule with :math:`\epsilon = \hat\epsilon / \sqrt{1-\beta_2^t}`.
    With ``amsgrad=True`` the running maximum :math:`\bar v_t =
    \max(\bar v_{t-1}, v_t)` replaces :math:`v_t` in the denominator.

    Reference: Kingma & Ba (2015), "Adam: A Method for Stochastic
    Optimization"; Reddi et al. (2018) for AMSGrad.

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
        :math:`\eta`.
    beta_1 : float in [0, 1), default=0.9
        Decay of the first-moment estimate.
    beta_2 : float in [0, 1), default=0.999
        Decay of the second-moment estimate.
    epsilon : float, default=1e-8
        Added to the bias-corrected root of the second moment.
    weight_decay : float, default=0.0
        Coupled L2 decay (added to the gradient); see :class:`AdamW` for the
        decoupled form.
    amsgrad : bool, default=False
        Use the running maximum of the second moment.

    Examples
    --------
    With its defaults (``solver="adam"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import Adam
    >>> clf = MLPClassifier((64,), solver=Adam(), max_iter=100, random_state=0)
    >>> clf.solver
    Adam()
    >>> Adam(learning_rate=3e-4, amsgrad=True)
    Adam(amsgrad=True, learning_rate=0.0003)
    """

    _parameter_constraints = {
        **_AdamBase._parameter_constraints,
        "amsgrad": ["boolean"],
    }

    def __init__(
        self,
        learning_rate=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.0,
        amsgrad=False,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.amsgrad = amsgrad

    def _init_buffers(self, params):
        buffers = super()._init_buffers(params)
        if self.amsgrad:
            buffers["v_max"] = np.zeros_like(params)
        return buffers

    def _update(self, params, grad, state, lr):
        # Python floats: a numpy float64 hyperparameter (from a np.linspace
        # grid) would make numpy compute float32 arrays in float64, unlike
        # the compiled kernel.
        lr, beta_1, beta_2 = float(lr), float(self.beta_1), float(self.beta_2)
        t = state["t"]
        v_max = state["v_max"] if self.amsgrad else None
        step_scale = lr / (1 - beta_1**t)
        m, v = state["m"], state["v"]
        if adam_kernel(
            params,
            grad,
            m,
            v,
            v_max,
            beta_1,
            beta_2,
            self._inv_bias2_sqrt(t),
            float(self.epsilon),
            step_scale,
        ):
            return
        update_ema(m, grad, beta_1, state["scratch"])
        update_ema_of_square(v, grad, beta_2, state["scratch"])
        if self.amsgrad:
            np.maximum(v_max, v, out=v_max)
        denom = self._denominator(state)
        step = np.divide(m, denom, out=state["scratch"])
        step *= step_scale
        params -= step

    def _inv_bias2_sqrt(self, t):
        # a product by the reciprocal, not a division: the square root and
        # the divisions bound the update's speed, not memory
        return 1.0 / math.sqrt(1 - float(self.beta_2) ** t)

    def _denominator(self, state):
        """``sqrt(v_t) / sqrt(1 - beta_2^t) + eps`` into ``state["denom"]``
        (``v_max`` for ``v_t`` with AMSGrad), by the operations of the update
        (the kernel does them in its loop); defined once a step was taken."""
        v = state["v_max"] if self.amsgrad else state["v"]
        denom = np.sqrt(v, out=state["denom"])
        denom *= self._inv_bias2_sqrt(state["t"])
        denom += float(self.epsilon)
        return denom

    def step_sizes(self, state):
        """Per-coordinate step ``lr / (sqrt(v_hat) + eps)`` applied to the
        bias-corrected first moment ``m_hat``: the diagonal preconditioner
        the L1 proximal step scales its threshold by."""
        return self.learning_rate_at(state) / self._denominator(state)


class AdamW(Adam):
    r"""Adam with decoupled weight decay, in the form of ``torch.optim.AdamW``.

    .. math::

        \theta_{t-1} &\leftarrow \theta_{t-1} (1 - \eta_t \lambda) \\
        \theta_t &= \theta_{t-1} - \frac{\eta_t}{1 - \beta_1^t}
            \frac{m_t}{\sqrt{v_t} / \sqrt{1 - \beta_2^t} + \epsilon}

    with :math:`m_t, v_t` as in :class:`Adam` on the raw gradient. The decay
    is scaled by the scheduled learning rate :math:`\eta_t`, as in PyTorch;
    the paper scales it by a separate schedule multiplier. Keras's AdamW is
    the same rule. Reference: Loshchilov & Hutter (2019), "Decoupled Weight
    Decay Regularization".

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float, default=1e-8
    weight_decay : float, default=1e-2
        :math:`\lambda`, torch's default.
    amsgrad : bool, default=False

    Examples
    --------
    With its defaults (``solver="adamw"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import AdamW
    >>> clf = MLPClassifier((64,), solver=AdamW(), max_iter=100, random_state=0)
    >>> clf.solver
    AdamW()
    >>> AdamW(learning_rate=1e-3, weight_decay=0.05)
    AdamW(weight_decay=0.05)
    """

    decoupled_weight_decay = True

    def __init__(
        self,
        learning_rate=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, weight_decay, amsgrad)


class NAdam(_AdamBase):
    r"""Adam with Nesterov momentum, in the form of ``torch.optim.NAdam``.

    .. math::

        \mu_t &= \beta_1 \left(1 - \tfrac12 \, 0.96^{t \psi}\right), \qquad
        \Pi_t = \prod_{i=1}^{t} \mu_i \\
        d_t &= \sqrt{v_t / (1 - \beta_2^t)} + \epsilon \\
        \theta_t &= \theta_{t-1}
            - \eta_t \frac{1 - \mu_t}{1 - \Pi_t} \frac{g_t}{d_t}
            - \eta_t \frac{\mu_{t+1}}{1 - \Pi_t \mu_{t+1}} \frac{m_t}{d_t}

    with :math:`m_t, v_t` as in :class:`Adam` and :math:`\psi` the
    ``momentum_decay``. Dozat's momentum schedule :math:`\mu_t` warms the
    momentum up; an old PyTorch release multiplied :math:`\mu` into
    :math:`\Pi` twice (fixed). Keras's Nadam uses the same schedule.
    Reference: Dozat (2016), "Incorporating Nesterov Momentum into Adam".

    Parameters
    ----------
    learning_rate : float or schedule, default=2e-3
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float, default=1e-8
    weight_decay : float, default=0.0
        Coupled L2 decay.
    momentum_decay : float, default=4e-3
        :math:`\psi`.

    Examples
    --------
    With its defaults (``solver="nadam"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import NAdam
    >>> clf = MLPClassifier((64,), solver=NAdam(), max_iter=100, random_state=0)
    >>> clf.solver
    NAdam()
    >>> NAdam(learning_rate=2e-3).momentum_decay
    0.004
    """

    _parameter_constraints = {
        **_AdamBase._parameter_constraints,
        "momentum_decay": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        learning_rate=2e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.0,
        momentum_decay=4e-3,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.momentum_decay = momentum_decay

    def _init_buffers(self, params):
        return {**super()._init_buffers(params), "mu_product": 1.0}

    def _mu(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))

    def _update(self, params, grad, state, lr):
        t = state["t"]
        mu, mu_next = self._mu(t), self._mu(t + 1)
        state["mu_product"] *= mu
        mu_product = state["mu_product"]
        self._update_moments(grad, state)
        denom = np.divide(state["v"], 1 - self.beta_2**t, out=state["denom"])
        np.sqrt(denom, out=denom)
        denom += self.epsilon
        step = np.divide(grad, denom, out=state["scratch"])
        step *= lr * (1.0 - mu) / (1.0 - mu_product)
        params -= step
        step = np.divide(state["m"], denom, out=state["scratch"])
        step *= lr * mu_next / (1.0 - mu_product * mu_next)
        params -= step

    def step_sizes(self, state):
        """``lr / d_t``: the two coefficients sum to about 1 once the
        momentum product has decayed, so the step is ``lr * g / d`` there."""
        return self.learning_rate_at(state) / state["denom"]


class Adamax(_AdamBase):
    r"""Adamax, Adam with the infinity norm, in the form of ``torch.optim.Adamax``.

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        u_t &= \max(\beta_2 u_{t-1}, |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta_t}{1 - \beta_1^t} \frac{m_t}{u_t}

    PyTorch adds :math:`\epsilon` inside the maximum; the paper has none and
    Keras adds it to :math:`u_t` in the denominator. Reference: Kingma & Ba
    (2015), section 7.1.

    Parameters
    ----------
    learning_rate : float or schedule, default=2e-3
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float, default=1e-8
    weight_decay : float, default=0.0
        Coupled L2 decay.

    Examples
    --------
    With its defaults (``solver="adamax"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import Adamax
    >>> clf = MLPClassifier((64,), solver=Adamax(), max_iter=100, random_state=0)
    >>> clf.solver
    Adamax()
    >>> Adamax().learning_rate
    0.002
    """

    def __init__(
        self,
        learning_rate=2e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.0,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.weight_decay = weight_decay

    def _update(self, params, grad, state, lr):
        t = state["t"]
        update_ema(state["m"], grad, self.beta_1, state["scratch"])
        u = state["v"]
        u *= self.beta_2
        bound = np.abs(grad, out=state["scratch"])
        bound += self.epsilon
        np.maximum(u, bound, out=u)
        step = np.divide(state["m"], u, out=state["scratch"])
        step *= lr / (1 - self.beta_1**t)
        params -= step

    def step_sizes(self, state):
        return self.learning_rate_at(state) / state["v"]


class RAdam(_AdamBase):
    r"""Rectified Adam, in the form of ``torch.optim.RAdam``.

    .. math::

        \hat m_t &= m_t / (1 - \beta_1^t) \\
        \theta_t &= \theta_{t-1} - \eta_t \hat m_t \, r_t
            \frac{\sqrt{1 - \beta_2^t}}{\sqrt{v_t} + \epsilon}
            \quad \text{if } \rho_t > 5, \qquad
        \theta_t = \theta_{t-1} - \eta_t \hat m_t \quad \text{otherwise}

    with :math:`\rho_t, r_t` from :func:`rectification`. While the variance
    of the adaptive rate is intractable (:math:`\rho_t \le 5`) it takes an
    SGD-with-momentum step. The paper's threshold is 4 and its original code
    makes no update at all before the threshold; PyTorch (followed here)
    uses 5 and the SGD step. Reference: Liu et al. (2020), "On the Variance
    of the Adaptive Learning Rate and Beyond".

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-3
    beta_1 : float in [0, 1), default=0.9
    beta_2 : float in [0, 1), default=0.999
    epsilon : float, default=1e-8
    weight_decay : float, default=0.0
        Coupled L2 decay.

    Examples
    --------
    With its defaults (``solver="radam"``) a 64-unit MLP reaches over 90%
    test accuracy on the standardized digits data in 100 epochs (the test
    suite checks it):

    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import RAdam
    >>> clf = MLPClassifier((64,), solver=RAdam(), max_iter=100, random_state=0)
    >>> clf.solver
    RAdam()
    >>> RAdam(learning_rate=1e-3).beta_2
    0.999
    """

    threshold = 5.0

    def __init__(
        self,
        learning_rate=1e-3,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        weight_decay=0.0,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.weight_decay = weight_decay

    def _update(self, params, grad, state, lr):
        t = state["t"]
        self._update_moments(grad, state)
        rho_t, rect = rectification(t, self.beta_2)
        scale = lr / (1 - self.beta_1**t)
        step = state["scratch"]
        if rho_t > self.threshold:
            denom = np.sqrt(state["v"], out=state["denom"])
            denom += self.epsilon
            np.divide(state["m"], denom, out=step)
            step *= scale * rect * math.sqrt(1 - self.beta_2**t)
        else:
            np.multiply(state["m"], scale, out=step)
        params -= step

    def step_sizes(self, state):
        t = state["t"]
        rho_t, rect = rectification(t, self.beta_2)
        lr = self.learning_rate_at(state)
        if rho_t > self.threshold:
            return lr * rect * math.sqrt(1 - self.beta_2**t) / state["denom"]
        return lr
