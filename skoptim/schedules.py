"""Learning-rate schedules.

A schedule is a solver's ``learning_rate``: ``SGD(learning_rate=
ExponentialDecay(0.1, gamma=0.96))``. Schedules hold hyperparameters only and
are pure functions of the update count (or of the epoch count, with
``unit="epoch"``) counted from 0, as ``torch.optim.lr_scheduler`` stepped
once per update (per epoch): the first update uses the initial rate. They
clone and grid-search like any scikit-learn parameter
(``solver__learning_rate__gamma``).

:class:`ReduceOnPlateau` reacts to the loss; its counters live in the
solver's state, not in the object, so it clones cleanly too.
"""

import math
from numbers import Integral, Real

from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

__all__ = [
    "Schedule",
    "Constant",
    "StepDecay",
    "ExponentialDecay",
    "InverseScaling",
    "PolynomialDecay",
    "CosineAnnealing",
    "WarmRestarts",
    "LinearWarmup",
    "OneCycle",
    "ReduceOnPlateau",
]

_POSITIVE = [Interval(Real, 0, None, closed="neither")]
_NON_NEGATIVE = [Interval(Real, 0, None, closed="left")]
_COUNT = [Interval(Integral, 1, None, closed="left")]
_UNIT = [StrOptions({"step", "epoch"})]


class Schedule(BaseEstimator):
    """Base class: a learning rate as a function of the update count.

    Subclasses implement :meth:`value`. ``unit`` says whether ``t`` counts
    updates (``"step"``) or finished epochs (``"epoch"``).
    """

    _parameter_constraints = {"learning_rate": _POSITIVE, "unit": _UNIT}

    def value(self, t):
        """The learning rate at ``t`` (updates or epochs, counted from 0)."""
        raise NotImplementedError

    @property
    def initial_learning_rate(self):
        """The nominal initial rate (AdaBound scales its bounds by it)."""
        return float(self.learning_rate)

    def rate(self, step, epoch, memory=None):
        """The rate of update ``step`` during epoch ``epoch`` (both from 0)."""
        return self.value(epoch if self.unit == "epoch" else step)

    def init_memory(self):
        """Mutable memory for schedules that react to the loss (None here)."""
        return None

    def observe(self, memory, loss=None, validation_score=None):
        """See the loss of a finished epoch (only ReduceOnPlateau reacts)."""


class Constant(Schedule):
    """A constant learning rate.

    Parameters
    ----------
    learning_rate : float
    unit : {"step", "epoch"}, default="step"

    Examples
    --------
    >>> from skoptim.schedules import Constant
    >>> Constant(0.1).value(1000)
    0.1
    """

    def __init__(self, learning_rate=0.01, unit="step"):
        self.learning_rate = learning_rate
        self.unit = unit

    def value(self, t):
        return float(self.learning_rate)


class StepDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` units.

    .. math:: \eta_t = \eta_0 \gamma^{\lfloor t / s \rfloor}

    As ``torch.optim.lr_scheduler.StepLR``.

    Parameters
    ----------
    learning_rate : float
        :math:`\eta_0`.
    step_size : int
        :math:`s`.
    gamma : float, default=0.1
    unit : {"step", "epoch"}, default="step"

    Examples
    --------
    >>> from skoptim.schedules import StepDecay
    >>> StepDecay(0.1, step_size=10, gamma=0.5).value(25)
    0.025
    """

    _parameter_constraints = {
        **Schedule._parameter_constraints,
        "step_size": _COUNT,
        "gamma": _POSITIVE,
    }

    def __init__(self, learning_rate=0.01, step_size=10, gamma=0.1, unit="step"):
        self.learning_rate = learning_rate
        self.step_size = step_size
        self.gamma = gamma
        self.unit = unit

    def value(self, t):
        return self.learning_rate * self.gamma ** (t // self.step_size)


class ExponentialDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every unit.

    .. math:: \eta_t = \eta_0 \gamma^t

    As ``torch.optim.lr_scheduler.ExponentialLR``.

    Parameters
    ----------
    learning_rate : float
    gamma : float, default=0.99
    unit : {"step", "epoch"}, default="step"

    Examples
    --------
    >>> from skoptim.schedules import ExponentialDecay
    >>> round(ExponentialDecay(0.1, gamma=0.96).value(2), 6)
    0.09216

    As any solver's learning rate, decaying once per update:

    >>> from skoptim.optimizers import SGD
    >>> SGD(learning_rate=ExponentialDecay(0.1, gamma=0.96))
    SGD(learning_rate=ExponentialDecay(gamma=0.96, learning_rate=0.1))
    >>> SGD(ExponentialDecay(0.1, gamma=0.5, unit="epoch")).learning_rate.unit
    'epoch'
    """

    _parameter_constraints = {**Schedule._parameter_constraints, "gamma": _POSITIVE}

    def __init__(self, learning_rate=0.01, gamma=0.99, unit="step"):
        self.learning_rate = learning_rate
        self.gamma = gamma
        self.unit = unit

    def value(self, t):
        return self.learning_rate * self.gamma**t


class InverseScaling(Schedule):
    r"""Inverse scaling, as ``SGDRegressor(learning_rate="invscaling")``.

    .. math:: \eta_t = \eta_0 / (t + 1)^{p}

    (scikit-learn counts :math:`t` from 1). ``SGDRegressor`` updates the rate
    every sample, as ``unit="step"`` with ``batch_size=1`` does; scikit-learn's
    MLP changes it once per epoch with :math:`t` the number of samples seen.
    ``power_t=0.5`` is the MLP's default, 0.25 ``SGDRegressor``'s.

    Parameters
    ----------
    learning_rate : float
    power_t : float, default=0.5
    unit : {"step", "epoch"}, default="step"

    Examples
    --------
    >>> from skoptim.schedules import InverseScaling
    >>> InverseScaling(0.1, power_t=0.5).value(3)
    0.05
    """

    _parameter_constraints = {
        **Schedule._parameter_constraints,
        "power_t": _NON_NEGATIVE,
    }

    def __init__(self, learning_rate=0.01, power_t=0.5, unit="step"):
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.unit = unit

    def value(self, t):
        return self.learning_rate / (t + 1) ** self.power_t


class PolynomialDecay(Schedule):
    r"""Polynomial decay to ``end_learning_rate`` over ``total_steps`` units.

    .. math:: \eta_t = (\eta_0 - \eta_{end})
              \left(1 - \frac{\min(t, T)}{T}\right)^p + \eta_{end}

    As ``torch.optim.lr_scheduler.PolynomialLR`` (which has
    :math:`\eta_{end} = 0`) and Keras's ``PolynomialDecay``.

    Parameters
    ----------
    learning_rate : float
    total_steps : int
        :math:`T`.
    power : float, default=1.0
    end_learning_rate : float, default=0.0
    unit : {"step", "epoch"}, default="step"

    Examples
    --------
    >>> from skoptim.schedules import PolynomialDecay
    >>> PolynomialDecay(0.1, total_steps=10, power=1.0).value(5)
    0.05
    """

    _parameter_constraints = {
        **Schedule._parameter_constraints,
        "total_steps": _COUNT,
        "power": _NON_NEGATIVE,
        "end_learning_rate": _NON_NEGATIVE,
    }

    def __init__(
        self,
        learning_rate=0.01,
        total_steps=1000,
        power=1.0,
        end_learning_rate=0.0,
        unit="step",
    ):
        self.learning_rate = learning_rate
        self.total_steps = total_steps
        self.power = power
        self.end_learning_rate = end_learning_rate
        self.unit = unit

    def value(self, t):
        remaining = 1 - min(t, self.total_steps) / self.total_steps
        span = self.learning_rate - self.end_learning_rate
        return span * remaining**self.power + self.end_learning_rate


def _cosine(start, end, fraction):
    """Cosine interpolation from ``start`` (fraction 0) to ``end`` (1)."""
    return end + (start - end) * (1 + math.cos(math.pi * fraction)) / 2


class CosineAnnealing(Schedule):
    r"""Cosine annealing from the initial rate to ``eta_min`` over ``T_max``.

    .. math:: \eta_t = \eta_{min} + (\eta_0 - \eta_{min})
              \frac{1 + \cos(\pi t / T_{max})}{2}

    As ``torch.optim.lr_scheduler.CosineAnnealingLR``: past :math:`T_{max}`
    the cosine continues, so the rate rises again (use :class:`WarmRestarts`
    for restarts). Reference: Loshchilov & Hutter (2017), "SGDR".

    Parameters
    ----------
    learning_rate : float
    T_max : int
    eta_min : float, default=0.0
    unit : {"step", "epoch"}, default="step"

    Examples
    --------
    >>> from skoptim.schedules import CosineAnnealing
    >>> CosineAnnealing(0.1, T_max=10).value(5)
    0.05
    """

    _parameter_constraints = {
        **Schedule._parameter_constraints,
        "T_max": _COUNT,
        "eta_min": _NON_NEGATIVE,
    }

    def __init__(self, learning_rate=0.01, T_max=100, eta_min=0.0, unit="step"):
        self.learning_rate = learning_rate
        self.T_max = T_max
        self.eta_min = eta_min
        self.unit = unit

    def value(self, t):
        return _cosine(self.learning_rate, self.eta_min, t / self.T_max)


class WarmRestarts(Schedule):
    r"""Cosine annealing with warm restarts (SGDR).

    .. math:: \eta_t = \eta_{min} + (\eta_0 - \eta_{min})
              \frac{1 + \cos(\pi T_{cur} / T_i)}{2}

    where :math:`T_{cur}` counts units since the last restart and the period
    :math:`T_i` starts at ``T_0`` and is multiplied by ``T_mult`` at each
    restart. As ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.
    Reference: Loshchilov & Hutter (2017), "SGDR: Stochastic Gradient
    Descent with Warm Restarts".

    Parameters
    ----------
    learning_rate : float
    T_0 : int
    T_mult : int, default=1
    eta_min : float, default=0.0
    unit : {"step", "epoch"}, default="step"

    Examples
    --------
    >>> from skoptim.schedules import WarmRestarts
    >>> WarmRestarts(0.1, T_0=10).value(10)
    0.1
    """

    _parameter_constraints = {
        **Schedule._parameter_constraints,
        "T_0": _COUNT,
        "T_mult": _COUNT,
        "eta_min": _NON_NEGATIVE,
    }

    def __init__(self, learning_rate=0.01, T_0=10, T_mult=1, eta_min=0.0, unit="step"):
        self.learning_rate = learning_rate
        self.T_0 = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self.unit = unit

    def value(self, t):
        period, position = self.T_0, t
        while position >= period:
            position -= period
            period *= self.T_mult
        return _cosine(self.learning_rate, self.eta_min, position / period)


class LinearWarmup(Schedule):
    r"""Linear warm-up in front of another schedule.

    .. math::

        \eta_t = \eta^{s}_0 \left(f + (1 - f) \frac{t}{W}\right)
        \quad (t < W), \qquad \eta_t = \eta^{s}_{t - W} \quad (t \ge W)

    where :math:`\eta^s` is the wrapped schedule (which starts after the
    warm-up) and :math:`f` the ``start_factor``. As
    ``SequentialLR([LinearLR(start_factor, total_iters=W), schedule],
    milestones=[W])`` in PyTorch. Reference: Goyal et al. (2017), "Accurate,
    Large Minibatch SGD".

    Parameters
    ----------
    schedule : Schedule or float
        The schedule after the warm-up (a float is a constant rate).
    warmup_steps : int
        :math:`W`, in the wrapped schedule's unit.
    start_factor : float in (0, 1], default=0.1
        :math:`f`.

    Examples
    --------
    >>> from skoptim.schedules import Constant, LinearWarmup
    >>> warmup = LinearWarmup(Constant(0.1), warmup_steps=10, start_factor=0.1)
    >>> round(warmup.value(5), 6), warmup.value(10)
    (0.055, 0.1)
    """

    _parameter_constraints = {
        "schedule": [Interval(Real, 0, None, closed="neither"), HasMethods(["value"])],
        "warmup_steps": _COUNT,
        "start_factor": [Interval(Real, 0, 1, closed="right")],
    }

    def __init__(self, schedule=0.01, warmup_steps=100, start_factor=0.1):
        self.schedule = schedule
        self.warmup_steps = warmup_steps
        self.start_factor = start_factor

    def _after(self):
        if isinstance(self.schedule, Real):
            return Constant(self.schedule)
        return self.schedule

    @property
    def unit(self):
        return self._after().unit

    @property
    def initial_learning_rate(self):
        return self._after().initial_learning_rate

    def value(self, t):
        after = self._after()
        if t >= self.warmup_steps:
            return after.value(t - self.warmup_steps)
        return self._warming(after, t)

    def _warming(self, after, t):
        f = self.start_factor
        return after.value(0) * (f + (1 - f) * t / self.warmup_steps)

    def rate(self, step, epoch, memory=None):
        """The wrapped schedule's rate, shifted by the warm-up; a reacting
        schedule (ReduceOnPlateau) keeps its memory through the wrapper."""
        after = self._after()
        if self.unit == "epoch":
            if epoch < self.warmup_steps:
                return self._warming(after, epoch)
            return after.rate(step, epoch - self.warmup_steps, memory)
        if step < self.warmup_steps:
            return self._warming(after, step)
        return after.rate(step - self.warmup_steps, epoch, memory)

    def init_memory(self):
        return self._after().init_memory()

    def observe(self, memory, loss=None, validation_score=None):
        self._after().observe(memory, loss=loss, validation_score=validation_score)


class OneCycle(Schedule):
    r"""The 1cycle policy: warm up to the maximum rate, then anneal far below.

    From :math:`\eta_{max}/d` the rate rises to :math:`\eta_{max}` over the
    first ``pct_start`` of ``total_steps`` and then falls to
    :math:`\eta_{max} / (d \cdot d_{final})` (cosine or linear), as
    ``torch.optim.lr_scheduler.OneCycleLR`` (without momentum cycling).
    With ``three_phase`` it first returns to :math:`\eta_{max}/d`
    symmetrically and then anneals. Past ``total_steps`` the rate stays at
    its final value (PyTorch raises). Reference: Smith & Topin (2019),
    "Super-Convergence".

    Parameters
    ----------
    learning_rate : float
        :math:`\eta_{max}`, the peak rate.
    total_steps : int
    pct_start : float in (0, 1), default=0.3
    div_factor : float, default=25.0
        :math:`d`.
    final_div_factor : float, default=1e4
        :math:`d_{final}`.
    anneal : {"cos", "linear"}, default="cos"
    three_phase : bool, default=False
    unit : {"step", "epoch"}, default="step"

    Examples
    --------
    >>> from skoptim.schedules import OneCycle
    >>> schedule = OneCycle(0.1, total_steps=100)
    >>> round(schedule.value(0), 6), round(schedule.value(29), 6)
    (0.004, 0.1)
    """

    _parameter_constraints = {
        **Schedule._parameter_constraints,
        "total_steps": [Interval(Integral, 2, None, closed="left")],
        "pct_start": [Interval(Real, 0, 1, closed="neither")],
        "div_factor": _POSITIVE,
        "final_div_factor": _POSITIVE,
        "anneal": [StrOptions({"cos", "linear"})],
        "three_phase": ["boolean"],
    }

    def __init__(
        self,
        learning_rate=0.01,
        total_steps=1000,
        pct_start=0.3,
        div_factor=25.0,
        final_div_factor=1e4,
        anneal="cos",
        three_phase=False,
        unit="step",
    ):
        self.learning_rate = learning_rate
        self.total_steps = total_steps
        self.pct_start = pct_start
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.anneal = anneal
        self.three_phase = three_phase
        self.unit = unit

    @property
    def initial_learning_rate(self):
        return self.learning_rate / self.div_factor

    def _phases(self):
        peak = float(self.learning_rate)
        start = peak / self.div_factor
        final = start / self.final_div_factor
        rise_end = float(self.pct_start * self.total_steps) - 1
        last = self.total_steps - 1
        if self.three_phase:
            return [
                (rise_end, start, peak),
                (2 * rise_end, peak, start),
                (last, start, final),
            ]
        return [(rise_end, start, peak), (last, peak, final)]

    def _interpolate(self, start, end, fraction):
        if self.anneal == "cos":
            return _cosine(start, end, fraction)
        return (end - start) * fraction + start

    def value(self, t):
        t = min(t, self.total_steps - 1)
        phase_start = 0.0
        phases = self._phases()
        for i, (phase_end, start, end) in enumerate(phases):
            if t <= phase_end or i == len(phases) - 1:
                fraction = (t - phase_start) / (phase_end - phase_start)
                return self._interpolate(start, end, fraction)
            phase_start = phase_end
        raise AssertionError("unreachable")  # pragma: no cover


class ReduceOnPlateau(Schedule):
    """Divide the rate when the monitored quantity stops improving.

    After each epoch the monitored quantity (training loss, or validation
    score when the estimator early-stops, with ``monitor="auto"``) is
    compared with its best value; after more than ``patience`` epochs
    without an improvement of ``threshold`` the rate is multiplied by
    ``factor`` (not below ``min_learning_rate``) and a ``cooldown`` of
    epochs follows. The defaults are
    ``torch.optim.lr_scheduler.ReduceLROnPlateau``'s. ``factor=0.2,
    patience=1, threshold=tol, threshold_mode="abs"`` is scikit-learn's
    *documented* ``learning_rate="adaptive"`` ("two consecutive epochs");
    its code waits ``n_iter_no_change`` epochs instead, tracks the plain
    minimum of the loss, and trains on until the rate falls below 1e-6. The
    estimator's own ``n_iter_no_change`` stop still applies, so set it well
    above ``patience``. The counters live in the solver's state, so the
    object is never changed.

    Parameters
    ----------
    learning_rate : float
    factor : float in (0, 1), default=0.1
    patience : int, default=10
    threshold : float, default=1e-4
    threshold_mode : {"rel", "abs"}, default="rel"
        Improvement relative to the best value, or absolute.
    cooldown : int, default=0
    min_learning_rate : float, default=0.0
    monitor : {"auto", "training_loss", "validation_score"}, default="auto"

    Examples
    --------
    >>> from skoptim.schedules import ReduceOnPlateau
    >>> schedule = ReduceOnPlateau(0.1, factor=0.5, patience=0)
    >>> memory = schedule.init_memory()
    >>> for loss in [1.0, 1.0]:
    ...     schedule.observe(memory, loss=loss)
    >>> schedule.rate(0, 2, memory)
    0.05
    """

    _parameter_constraints = {
        "learning_rate": _POSITIVE,
        "factor": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "threshold": _NON_NEGATIVE,
        "threshold_mode": [StrOptions({"rel", "abs"})],
        "cooldown": [Interval(Integral, 0, None, closed="left")],
        "min_learning_rate": _NON_NEGATIVE,
        "monitor": [StrOptions({"auto", "training_loss", "validation_score"})],
    }

    unit = "epoch"

    def __init__(
        self,
        learning_rate=0.01,
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_learning_rate=0.0,
        monitor="auto",
    ):
        self.learning_rate = learning_rate
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.min_learning_rate = min_learning_rate
        self.monitor = monitor

    def value(self, t):
        """Without memory (no epoch seen yet) the rate is the initial one."""
        return float(self.learning_rate)

    def rate(self, step, epoch, memory=None):
        if memory is None:
            return self.value(epoch)
        return memory["learning_rate"]

    def init_memory(self):
        return {
            "learning_rate": float(self.learning_rate),
            "best": math.inf,
            "bad_epochs": 0,
            "cooldown": 0,
            "monitored": None,
        }

    def _improves(self, value, best):
        if math.isinf(best):
            return value < best
        if self.threshold_mode == "rel":
            # torch's best * (1 - threshold), made sign-aware for scores
            return value < best - abs(best) * self.threshold
        return value < best - self.threshold

    def observe(self, memory, loss=None, validation_score=None):
        """Update the memory with the epoch's loss (or validation score)."""
        use_score = self.monitor == "validation_score" or (
            self.monitor == "auto" and validation_score is not None
        )
        if use_score:
            if validation_score is None:
                return
            value = -validation_score  # higher scores are better
        elif loss is None:
            return
        else:
            value = loss
        kind = "validation_score" if use_score else "training_loss"
        if memory.get("monitored") != kind:
            # e.g. partial_fit after an early-stopping fit: a new quantity
            memory.update(monitored=kind, best=math.inf, bad_epochs=0)
        if self._improves(value, memory["best"]):
            memory["best"] = value
            memory["bad_epochs"] = 0
        else:
            memory["bad_epochs"] += 1
        if memory["cooldown"] > 0:
            memory["cooldown"] -= 1
            memory["bad_epochs"] = 0
        if memory["bad_epochs"] > self.patience:
            reduced = max(memory["learning_rate"] * self.factor, self.min_learning_rate)
            memory["learning_rate"] = reduced
            memory["cooldown"] = self.cooldown
            memory["bad_epochs"] = 0
