"""Wrappers that compose with any solver: gradient clipping and Lookahead."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils._param_validation import HasMethods, Interval

__all__ = ["GradientClipping", "Lookahead"]


class _StepSolver(HasMethods):
    """The wrapped solver: a step-based solver's name or object (not L-BFGS)."""

    def __init__(self):
        super().__init__(["init_state", "step"])

    @staticmethod
    def _names():
        from . import SOLVERS

        return sorted(name for name, cls in SOLVERS.items() if not cls.full_batch)

    def is_satisfied_by(self, val):
        if isinstance(val, str):
            return val in self._names()
        return super().is_satisfied_by(val) and not getattr(val, "full_batch", False)

    def __str__(self):
        return (
            f"a step-based solver: a str among {self._names()} or a solver "
            "object other than LBFGS (which is full-batch)"
        )


_OPTIMIZER = [_StepSolver()]


def _resolve(optimizer):
    from . import resolve_solver

    return clone(resolve_solver(optimizer))


class _Wrapper(BaseEstimator):
    """A solver that changes the gradient or the iterates of another solver."""

    full_batch = False

    @property
    def learning_rate(self):
        """The wrapped solver's learning rate (or schedule)."""
        return _resolve(self.optimizer).learning_rate

    @property
    def initial_learning_rate(self):
        return _resolve(self.optimizer).initial_learning_rate

    def init_state(self, params):
        inner = _resolve(self.optimizer)
        state = {"t": 0, "epoch": 0, "inner_solver": inner}
        state["inner"] = inner.init_state(params)
        state.update(self._init_buffers(params))
        return state

    def _init_buffers(self, params):
        return {}

    def learning_rate_at(self, state):
        return state["inner_solver"].learning_rate_at(state["inner"])

    def step_sizes(self, state):
        return state["inner_solver"].step_sizes(state["inner"])

    def end_epoch(self, state, loss=None, validation_score=None):
        state["epoch"] += 1
        state["inner_solver"].end_epoch(state["inner"], loss, validation_score)


class GradientClipping(_Wrapper):
    r"""Clip the gradient by its global norm before the wrapped solver's step.

    .. math::

        g_t \leftarrow g_t
        \min\left(1, \frac{c}{\lVert g_t \rVert_2 + 10^{-6}}\right)

    over all parameters at once, as ``torch.nn.utils.clip_grad_norm_``.
    Reference: Pascanu, Mikolov & Bengio (2013), "On the difficulty of
    training recurrent neural networks".

    Parameters
    ----------
    optimizer : str or solver, default="sgd"
        The solver that takes the step.
    max_norm : float, default=1.0
        :math:`c`.

    Examples
    --------
    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import SGD, GradientClipping
    >>> clipped = GradientClipping(SGD(learning_rate=0.1), max_norm=5.0)
    >>> clipped
    GradientClipping(max_norm=5.0, optimizer=SGD(learning_rate=0.1))
    >>> clf = MLPClassifier((64,), solver=clipped, max_iter=100, random_state=0)
    >>> clf.get_params()["solver__optimizer__learning_rate"]
    0.1
    """

    _parameter_constraints = {
        "optimizer": _OPTIMIZER,
        "max_norm": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, optimizer="sgd", max_norm=1.0):
        self.optimizer = optimizer
        self.max_norm = max_norm

    def _init_buffers(self, params):
        return {"clipped": np.zeros_like(params)}

    def step(self, params, grad, state):
        state["t"] += 1
        norm = float(np.sqrt(grad @ grad))
        coefficient = self.max_norm / (norm + 1e-6)
        if coefficient < 1.0:
            grad = np.multiply(grad, coefficient, out=state["clipped"])
        state["inner_solver"].step(params, grad, state["inner"])


class Lookahead(_Wrapper):
    r"""Lookahead: fast weights explore, slow weights follow every ``k`` steps.

    The wrapped solver updates the fast weights :math:`\theta`; after every
    ``k`` of its steps the slow weights move towards them and the fast weights
    restart there:

    .. math::

        \phi \leftarrow \phi + \alpha (\theta - \phi), \qquad
        \theta \leftarrow \phi

    with :math:`\phi_0 = \theta_0`. Reference: Zhang, Lucas, Hinton & Ba
    (2019), "Lookahead Optimizer: k steps forward, 1 step back".

    Parameters
    ----------
    optimizer : str or solver, default="adam"
        The inner ("fast") solver.
    k : int, default=5
        Inner steps between synchronizations.
    alpha : float in (0, 1], default=0.5
        Slow-weights step size :math:`\alpha`.

    Examples
    --------
    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import Adam, Lookahead
    >>> Lookahead(Adam(learning_rate=1e-3), k=5, alpha=0.5)
    Lookahead(optimizer=Adam())
    >>> clf = MLPClassifier((64,), solver=Lookahead(Adam()), max_iter=100)
    >>> clf.set_params(solver__k=10).solver
    Lookahead(k=10, optimizer=Adam())
    """

    _parameter_constraints = {
        "optimizer": _OPTIMIZER,
        "k": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, 1, closed="right")],
    }

    def __init__(self, optimizer="adam", k=5, alpha=0.5):
        self.optimizer = optimizer
        self.k = k
        self.alpha = alpha

    def _init_buffers(self, params):
        return {"slow": params.copy()}

    def step(self, params, grad, state):
        state["t"] += 1
        state["inner_solver"].step(params, grad, state["inner"])
        if state["t"] % self.k == 0:
            slow = state["slow"]
            slow += self.alpha * (params - slow)
            params[...] = slow
