"""The learning-rate range test of Smith (2015): ``lr_find``.

On a copy of the estimator, with its own solver and batch size, the
learning rate grows exponentially from ``start`` to ``end``, one value per
update, while the (smoothed) loss of each mini-batch is recorded. The loss
first barely moves (rate too small), then falls, then explodes (rate too
large); good rates lie on the falling part.

References
----------
L. N. Smith, "Cyclical Learning Rates for Training Neural Networks",
WACV 2017 (arXiv:1506.01186, 2015), section 3.3.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import Interval, validate_params

from .neural_network._data_parallel import halves_in_parallel
from .neural_network._mlp import BaseMLP
from .neural_network._training import _apply_prox, _BatchSource
from .optimizers import resolve_solver
from .schedules import ExponentialDecay

__all__ = ["LRFinderResult", "lr_find"]


class LRFinderResult:
    """What :func:`lr_find` measured, and the rates it suggests.

    Attributes
    ----------
    learning_rates : ndarray of shape (n_updates,)
        The rate of each update, growing exponentially.
    losses : ndarray of shape (n_updates,)
        Smoothed (bias-corrected exponential moving average) training loss
        of the mini-batch of each update, computed before the update.
    raw_losses : ndarray of shape (n_updates,)
        The mini-batch losses before smoothing.
    suggestions : dict of str to float
        ``"steepest"``: the rate where the smoothed loss falls fastest
        against log(rate); ``"minimum"``: the rate of the lowest loss
        divided by 10; ``"valley"``: the middle, in log rate, of the valley
        over which the loss falls from its initial level to its minimum
        (from where a tenth of that fall is done).
    suggestion : float
        ``suggestions["valley"]``, a good default.
    diverged : bool
        Whether the test stopped early because the loss exceeded
        ``diverge`` times its minimum.
    """

    def __init__(self, learning_rates, losses, raw_losses, diverged):
        self.learning_rates = np.asarray(learning_rates, dtype=float)
        self.losses = np.asarray(losses, dtype=float)
        self.raw_losses = np.asarray(raw_losses, dtype=float)
        self.diverged = bool(diverged)
        self.suggestions = _suggestions(self.learning_rates, self.losses)

    @property
    def suggestion(self):
        """The valley suggestion, a good default learning rate."""
        return self.suggestions["valley"]

    def __repr__(self):
        rates = ", ".join(f"{k}={v:.3g}" for k, v in self.suggestions.items())
        return f"LRFinderResult(n_updates={self.learning_rates.size}, {rates})"

    def plot(self, ax=None):
        """Plot the loss against the learning rate (needs matplotlib).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : skoptim.plotting.LRFinderDisplay
            The drawn curve, with the suggested rates marked.
        """
        from .plotting import LRFinderDisplay

        return LRFinderDisplay.from_result(self, ax=ax)


def _steepest(rates, losses):
    """Rate where d loss / d log(rate) is most negative."""
    if rates.size < 3:
        return float(rates[np.argmin(losses)])
    slopes = np.gradient(losses, np.log(rates))
    return float(rates[int(np.nanargmin(slopes))])


def _valley(rates, losses):
    """Middle (in log rate) of the fall from the initial level to the minimum.

    The initial level is the median loss of the first tenth of the test;
    the fall starts where a tenth of the drop to the minimum is done.
    """
    lowest = int(np.argmin(losses))
    initial = float(np.median(losses[: max(1, losses.size // 10)]))
    drop = initial - losses[lowest]
    if not drop > 0:
        return float(rates[lowest])
    started = np.flatnonzero(losses[: lowest + 1] > initial - 0.1 * drop)
    begin = int(started[-1]) if started.size else 0
    return float(np.sqrt(rates[begin] * rates[lowest]))


def _suggestions(rates, losses):
    finite = np.isfinite(losses)
    rates, losses = rates[finite], losses[finite]
    if rates.size == 0:
        nan = float("nan")
        return {"steepest": nan, "minimum": nan, "valley": nan}
    return {
        "steepest": _steepest(rates, losses),
        "minimum": float(rates[np.argmin(losses)]) / 10,
        "valley": _valley(rates, losses),
    }


def _with_learning_rate(solver, schedule):
    """A copy of ``solver`` whose learning rate (or inner one's) is ``schedule``."""
    solver = clone(resolve_solver(solver))
    params = solver.get_params(deep=False)
    if "learning_rate" in params:
        return solver.set_params(learning_rate=schedule)
    if "optimizer" in params:  # a wrapper: GradientClipping, Lookahead
        inner = _with_learning_rate(params["optimizer"], schedule)
        return solver.set_params(optimizer=inner)
    raise ValueError(
        f"lr_find needs a solver with a learning rate; {type(solver).__name__} "
        "has none."
    )


def _prepare(model, X, y, sample_weight):
    """Validate the data and initialize ``model`` as its fit would."""
    model._validate_params()
    model._validate_components()
    X, y = model._validate_training_data(X, y, reset=True)
    Y = model._encode_targets(y, True, None, X.dtype)
    sample_weight = model._sample_weight(sample_weight, X, y, False)
    model._check_solver_fits_the_setting(X.shape[0])
    model._initialize(X, Y)
    return X, Y, sample_weight, model._build_network()


@validate_params(
    {
        "estimator": [BaseMLP, Pipeline],
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        "start": [Interval(Real, 0, None, closed="neither")],
        "end": [Interval(Real, 0, None, closed="neither")],
        "num_iter": [Interval(Integral, 2, None, closed="left")],
        "smoothing": [Interval(Real, 0, 1, closed="left")],
        "diverge": [Interval(Real, 1, None, closed="neither")],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def lr_find(
    estimator,
    X,
    y,
    start=1e-7,
    end=10.0,
    num_iter=100,
    *,
    smoothing=0.98,
    diverge=4.0,
    sample_weight=None,
):
    """Learning-rate range test (Smith, 2015) on a copy of ``estimator``.

    The copy trains with the estimator's solver, batch size, penalty and
    initialization, but its learning rate is ``start * q**t`` at update
    ``t`` (``q`` reaching ``end`` after ``num_iter`` updates; epochs repeat
    as needed). The test stops early once the smoothed loss exceeds
    ``diverge`` times its minimum. ``estimator`` itself is never fitted or
    modified.

    Parameters
    ----------
    estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
        Its solver must have a learning rate (not L-BFGS); a schedule is
        replaced by the exponential ramp. A pipeline's other steps are
        fitted (on copies) first and transform ``X``.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    start : float, default=1e-7
        First learning rate.
    end : float, default=10
        Last learning rate, reached at update ``num_iter``.
    num_iter : int, default=100
        Number of updates (fewer when the loss diverges).
    smoothing : float, default=0.98
        Weight of the past in the exponential moving average of the loss
        (0: no smoothing).
    diverge : float, default=4
        Stop once the smoothed loss exceeds this multiple of its minimum.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    result : LRFinderResult
        ``learning_rates``, ``losses`` and ``suggestions``; ``plot()``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skoptim import MLPClassifier, lr_find
    >>> X, y = load_digits(return_X_y=True)
    >>> result = lr_find(MLPClassifier((32,), random_state=0), X / 16, y)
    >>> 1e-4 < result.suggestion < 1e-1
    True
    """
    if not start < end:
        raise ValueError(f"start must be smaller than end; got {start} >= {end}.")
    if isinstance(estimator, Pipeline):
        X = clone(estimator[:-1]).fit_transform(X, y)
        estimator = estimator[-1]
        if not isinstance(estimator, BaseMLP):
            raise TypeError(
                "lr_find needs a skoptim MLPClassifier or MLPRegressor, or a "
                f"Pipeline ending in one; the pipeline ends in "
                f"{type(estimator).__name__}."
            )
    solver = resolve_solver(estimator.solver)
    if getattr(solver, "full_batch", False):
        raise ValueError(
            f"lr_find needs a solver with a learning rate; {type(solver).__name__} "
            "(solver='lbfgs') chooses its steps by line search. Use a first-"
            "order solver such as 'sgd' or 'adam'."
        )
    ramp = ExponentialDecay(start, gamma=(end / start) ** (1 / (num_iter - 1)))
    model = clone(estimator).set_params(
        solver=_with_learning_rate(solver, ramp), warm_start=False
    )
    X, Y, sample_weight, network = _prepare(model, X, y, sample_weight)
    return _range_test(
        model, network, X, Y, sample_weight, num_iter, smoothing, diverge
    )


def _range_test(model, network, X, Y, sample_weight, num_iter, smoothing, diverge):
    """Run up to ``num_iter`` updates; record rates and smoothed losses."""
    params, solver, state = model._params, model.solver_, model._solver_state
    batch_size = model._batch_size(X.shape[0])
    ws = network.training_workspace(
        params, min(batch_size, X.shape[0]), model._buffers, X
    )
    batches = _BatchSource(X, Y, sample_weight, batch_size, model.shuffle, model._rng)
    rates, losses, raw = [], [], []
    average, best = 0.0, np.inf
    with np.errstate(over="ignore", invalid="ignore"), halves_in_parallel(ws.plan):
        while len(rates) < num_iter:
            for Xb, Yb, scale in batches.epoch():
                if network.has_dropout:
                    ws.draw_masks(model._rng, Yb.shape[0])
                loss = network.loss_and_gradient(ws, Xb, Yb, scale)
                solver.step(params, ws.grad, state)
                _apply_prox(network, solver, params, state)
                average = smoothing * average + (1 - smoothing) * loss
                smoothed = average / (1 - smoothing ** (len(rates) + 1))
                rates.append(solver.learning_rate_at(state))
                raw.append(loss)
                losses.append(smoothed)
                if not np.isfinite(smoothed) or smoothed > diverge * best:
                    return LRFinderResult(rates, losses, raw, diverged=True)
                best = min(best, smoothed)
                if len(rates) == num_iter:
                    break
    return LRFinderResult(rates, losses, raw, diverged=False)
