"""Callbacks for skoptim's MLPs, in the protocol of :mod:`sklearn.callback`.

scikit-learn (1.9 and later) ships ``ScoringMonitor`` and ``ProgressBar``;
these add what it lacks for neural networks:

- :class:`EarlyStopping` stops on any monitored quantity (validation loss,
  validation score, training loss or a function of the model) with a
  patience, and restores the best epoch's parameters;
- :class:`TrainingDiagnostics` records, after each epoch, the learning rate
  and, per layer, the gradient norm and the update-to-weight ratio: what
  practitioners look at to diagnose a bad learning rate or initialization.

Set them with the estimator's ``set_callbacks`` (present when scikit-learn
provides :mod:`sklearn.callback`)::

    clf = MLPClassifier().set_callbacks(EarlyStopping(patience=5))

They act on the tasks the MLPs report: the root task ``"fit"`` and one
sub-task ``"epoch"`` per epoch. Their state is that of the most recent fit
run in this process (with ``GridSearchCV(n_jobs=1)``, the refit comes last).
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

__all__ = ["EarlyStopping", "TrainingDiagnostics"]

_MONITORS = {
    "validation_loss": ("validation_loss_curve_", "min"),
    "validation_score": ("validation_scores_", "max"),
    "loss": ("loss_curve_", "min"),
}


def _is_epoch(estimator, context):
    """Whether ``context`` is an epoch task of a skoptim MLP."""
    return context.task_name == "epoch" and hasattr(estimator, "_history")


def _is_mlp_fit(estimator, context):
    """Whether ``context`` is the root task of a skoptim MLP's fit."""
    return context.task_name == "fit" and hasattr(estimator, "_history")


class EarlyStopping:
    """Stop training when a monitored quantity stops improving.

    Parameters
    ----------
    monitor : {"validation_loss", "validation_score", "loss"} or callable, \
default="validation_loss"
        The quantity checked after each epoch: the last entry of
        ``validation_loss_curve_``, ``validation_scores_`` (both need a
        validation set: ``fit(..., X_val=, y_val=)`` or
        ``early_stopping=True``) or ``loss_curve_`` (the training objective);
        or ``monitor(model) -> float`` of a model of the epoch, ready to
        predict.
    mode : {"auto", "min", "max"}, default="auto"
        Whether smaller or larger values are better. ``"auto"``: smaller for
        the losses, larger for the score and for a callable (a score, as
        scikit-learn's scorers).
    patience : int, default=10
        Stop after this many epochs in a row without improvement.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    restore_best : bool, default=True
        At the end of the fit, set the parameters to those of the best
        epoch. The curves and ``n_iter_`` still cover every epoch run.

    Attributes
    ----------
    best_epoch_ : int or None
        Epoch (counted from 1, as ``n_iter_``) with the best value, in the
        most recent fit.
    best_value_ : float or None
        The best value of the monitored quantity.
    stopped_epoch_ : int or None
        Epoch at which training was stopped, None if it ran to its end.

    Notes
    -----
    The estimator's own stopping rule (``n_iter_no_change`` epochs without
    ``tol`` progress) stays in force; raise ``n_iter_no_change`` to leave
    the decision to this callback.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skoptim import MLPClassifier
    >>> from skoptim.callbacks import EarlyStopping
    >>> X, y = load_digits(return_X_y=True)
    >>> stop = EarlyStopping(patience=3)
    >>> clf = MLPClassifier((16,), max_iter=200, n_iter_no_change=200,
    ...                     random_state=0).set_callbacks(stop)
    >>> clf = clf.fit(X[:1200] / 16, y[:1200], X_val=X[1200:] / 16,
    ...               y_val=y[1200:])  # doctest: +SKIP
    >>> clf.n_iter_ == stop.stopped_epoch_  # doctest: +SKIP
    True
    """

    @validate_params(
        {
            "monitor": [StrOptions(set(_MONITORS)), callable],
            "mode": [StrOptions({"auto", "min", "max"})],
            "patience": [Interval(Integral, 1, None, closed="left")],
            "min_delta": [Interval(Real, 0, None, closed="left")],
            "restore_best": ["boolean"],
        },
        prefer_skip_nested_validation=True,
    )
    def __init__(
        self,
        monitor="validation_loss",
        *,
        mode="auto",
        patience=10,
        min_delta=0.0,
        restore_best=True,
    ):
        self.monitor = monitor
        self.mode = mode
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best = restore_best
        self._reset()

    def __repr__(self):
        return (
            f"EarlyStopping(monitor={self.monitor!r}, mode={self.mode!r}, "
            f"patience={self.patience}, min_delta={self.min_delta}, "
            f"restore_best={self.restore_best})"
        )

    def _reset(self):
        self.best_epoch_ = None
        self.best_value_ = None
        self.stopped_epoch_ = None
        self._best_state = None
        self._wait = 0

    def _direction(self):
        """+1 when larger is better, -1 when smaller is."""
        mode = self.mode
        if mode == "auto":
            mode = "max" if callable(self.monitor) else _MONITORS[self.monitor][1]
        return 1.0 if mode == "max" else -1.0

    def _value(self, model):
        if callable(self.monitor):
            return float(self.monitor(model))
        attribute = _MONITORS[self.monitor][0]
        curve = getattr(model, attribute, None)
        value = np.nan if not curve else curve[-1]
        if not np.isfinite(value) and self.monitor != "loss":
            raise ValueError(
                f"EarlyStopping(monitor={self.monitor!r}) needs a validation "
                "set: pass X_val and y_val to fit, or set early_stopping=True."
            )
        return float(value)

    def setup(self, estimator, context):
        """Start a new fit: forget the previous one."""
        self._reset()

    def teardown(self, estimator, context):
        """Nothing to release."""

    def on_fit_task_begin(self, estimator, context):
        """Nothing to do before a task."""

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Check an epoch (return True to stop); restore the best at the end."""
        if _is_mlp_fit(estimator, context):
            self._restore(estimator)
            return False
        if not _is_epoch(estimator, context) or fitted_estimator is None:
            return False
        value = self._value(fitted_estimator)
        sign = self._direction()
        if self.best_value_ is None or sign * (value - self.best_value_) > (
            self.min_delta
        ):
            self.best_value_ = value
            self.best_epoch_ = fitted_estimator.n_iter_
            self._best_state = (fitted_estimator._params, fitted_estimator._buffers)
            self._wait = 0
            return False
        self._wait += 1
        if self._wait >= self.patience:
            self.stopped_epoch_ = fitted_estimator.n_iter_
            return True
        return False

    def _restore(self, estimator):
        if self.restore_best and self._best_state is not None:
            params, buffers = self._best_state
            estimator._params[...] = params
            estimator._buffers[...] = buffers
        self._best_state = None


class TrainingDiagnostics:
    """Record the learning rate, gradient norms and update ratios per epoch.

    After each epoch and for each layer's weight matrix :math:`W`:

    - ``gradient_norm``: :math:`\\lVert \\nabla_W \\rVert` (Frobenius) of the
      objective on the epoch's last mini-batch (penalty included); NaN for
      L-BFGS;
    - ``weight_norm``: :math:`\\lVert W \\rVert`;
    - ``update_ratio``: :math:`\\lVert W_{end} - W_{begin} \\rVert /
      \\lVert W_{begin} \\rVert`, the relative change of the weights over the
      epoch. Values near 1 mean the rate is too large for the layer, tiny
      values that it barely learns (a per-update ratio around 1e-3 is the
      usual rule of thumb; this is the sum of an epoch's updates).

    Attributes
    ----------
    records_ : list of dict
        One row per fit, epoch and layer, with keys ``fit`` (counted from 0
        over the fits this callback saw), ``epoch`` (from 1), ``layer`` (from
        0), ``learning_rate``, ``gradient_norm``, ``weight_norm`` and
        ``update_ratio``; ``pandas.DataFrame(records_)`` is a table.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skoptim import MLPClassifier
    >>> from skoptim.callbacks import TrainingDiagnostics
    >>> X, y = load_iris(return_X_y=True)
    >>> diagnostics = TrainingDiagnostics()
    >>> clf = MLPClassifier((8,), max_iter=5, random_state=0)
    >>> clf = clf.set_callbacks(diagnostics).fit(X, y)  # doctest: +SKIP
    >>> diagnostics.history()["update_ratio"].shape  # doctest: +SKIP
    (5, 2)
    """

    def __init__(self):
        self.records_ = []
        self._n_fits = 0
        self._begin_weights = {}

    def __repr__(self):
        return "TrainingDiagnostics()"

    def setup(self, estimator, context):
        """Count a new fit."""
        self._n_fits += 1

    def teardown(self, estimator, context):
        """Nothing to release."""

    def on_fit_task_begin(self, estimator, context, *, fitted_estimator=None):
        """Keep the weights at the start of an epoch."""
        if _is_epoch(estimator, context) and fitted_estimator is not None:
            self._begin_weights[id(estimator)] = fitted_estimator.coefs_

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Record one row per layer for the epoch that ended."""
        if not _is_epoch(estimator, context) or fitted_estimator is None:
            return False
        model = fitted_estimator
        before = self._begin_weights.pop(id(estimator), None)
        gradient = model._epoch_gradient
        grads = (
            model._layout.weights(gradient)
            if gradient is not None
            else [None] * len(model.coefs_)
        )
        rate = model.learning_rate_curve_[-1] if model.learning_rate_curve_ else None
        for layer, (weights, grad) in enumerate(zip(model.coefs_, grads)):
            norm = float(np.linalg.norm(weights))
            if before is None:
                ratio = np.nan
            else:
                start = float(np.linalg.norm(before[layer]))
                change = float(np.linalg.norm(weights - before[layer]))
                ratio = change / start if start > 0 else np.inf
            self.records_.append(
                {
                    "fit": self._n_fits - 1,
                    "epoch": model.n_iter_,
                    "layer": layer,
                    "learning_rate": np.nan if rate is None else float(rate),
                    "gradient_norm": (
                        np.nan if grad is None else float(np.linalg.norm(grad))
                    ),
                    "weight_norm": norm,
                    "update_ratio": ratio,
                }
            )
        return False

    def history(self, fit=-1):
        """The records of one fit as arrays.

        Parameters
        ----------
        fit : int, default=-1
            Which fit (as in ``records_``); -1 is the most recent.

        Returns
        -------
        history : dict of ndarray
            ``epoch`` and ``learning_rate`` of shape (n_epochs,);
            ``gradient_norm``, ``weight_norm`` and ``update_ratio`` of shape
            (n_epochs, n_layers).
        """
        if not self.records_:
            raise ValueError("Nothing recorded yet: fit an estimator first.")
        fits = sorted({row["fit"] for row in self.records_})
        if not -len(fits) <= fit < len(fits):
            raise ValueError(f"fit={fit} is out of range: {len(fits)} fit(s) seen.")
        rows = [row for row in self.records_ if row["fit"] == fits[fit]]
        epochs = sorted({row["epoch"] for row in rows})
        n_layers = max(row["layer"] for row in rows) + 1
        table = {key: np.full((len(epochs), n_layers), np.nan) for key in _LAYERED}
        rates = np.full(len(epochs), np.nan)
        index = {epoch: i for i, epoch in enumerate(epochs)}
        for row in rows:
            i = index[row["epoch"]]
            rates[i] = row["learning_rate"]
            for key in _LAYERED:
                table[key][i, row["layer"]] = row[key]
        return {"epoch": np.array(epochs), "learning_rate": rates, **table}


_LAYERED = ("gradient_norm", "weight_norm", "update_ratio")
