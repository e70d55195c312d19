"""What a fit reports after each epoch: validation curves and callbacks.

scikit-learn 1.9 introduced an experimental callback API,
:mod:`sklearn.callback`. When it is available the estimators inherit its
``CallbackSupportMixin`` (hence ``set_callbacks``); otherwise the mixin below
is an empty placeholder and the feature is simply absent.

The epoch loop (:func:`._training.run_epochs`) sees one :class:`EpochHook`
object: ``epoch_begin()`` before an epoch and ``epoch_end(gradient)`` after it,
which returns whether a callback asked to stop.
"""

import numpy as np

from ._targets import OneHotLabels

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # pragma: no cover - exercised in a subprocess test
    CALLBACKS_AVAILABLE = False

    class CallbackSupportMixin:
        """Placeholder: this scikit-learn has no ``sklearn.callback``."""

else:
    CALLBACKS_AVAILABLE = True

__all__ = [
    "CALLBACKS_AVAILABLE",
    "CallbackSupportMixin",
    "EpochHook",
    "ValidationCurves",
    "ValidationSet",
    "start_fit_task",
]


class ValidationSet:
    """Held-out data scored in inference mode after each epoch.

    Parameters
    ----------
    estimator : BaseMLP
        Gives the running statistics (``_buffers``) and the score.
    network : Network
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
        Encoded targets (for the loss).
    y : ndarray
        Targets as given (for the score).
    sample_weight : ndarray of shape (n_samples,) or None
    """

    def __init__(self, estimator, network, X, Y, y, sample_weight):
        self.estimator = estimator
        self.network = network
        if isinstance(Y, OneHotLabels):  # the loss needs the dense rows
            Y = Y.toarray()
        self.X, self.Y, self.y = X, Y, y
        self.sample_weight = sample_weight
        if sample_weight is None:
            self.scale = 1.0 / X.shape[0]
        else:
            self.scale = sample_weight / sample_weight.sum()
        self._latest = None

    def evaluate(self, params):
        """``(loss, score)`` of ``params``; the loss is the training objective.

        The loss is the mean loss plus the weight penalty, as ``loss_curve_``,
        so both curves are comparable. Predictions that overflow give
        ``(inf, -inf)``, which the training loop treats as divergence.
        """
        network = self.network
        logits, out = network.predict_raw(params, self.X, self.estimator._buffers)
        if not np.isfinite(logits).all():  # overflowed: the worst of scores
            self._latest = (np.inf, -np.inf)
            return self._latest
        with np.errstate(over="ignore", invalid="ignore"):
            loss = network.loss.value(self.Y, logits, out, self.scale)
            if network.penalty is not None and network.alpha > 0:
                weights = network.layout.weight_slice(params)
                loss += network.alpha * network.penalty.value(weights)
        score = self.estimator._score_outputs(logits, out, self.y, self.sample_weight)
        self._latest = (float(loss), float(score))
        return self._latest

    def score(self, params):
        """The score alone (early stopping); the loss is kept for the hook."""
        return self.evaluate(params)[1]

    def take(self, params):
        """The evaluation of this epoch, computing it if not done yet."""
        latest = self._latest if self._latest is not None else self.evaluate(params)
        self._latest = None
        return latest


class ValidationCurves:
    """Validation loss and score per epoch, aligned with ``loss_curve_``.

    Epochs trained without a validation set (``partial_fit``, or a warm start
    without one) hold NaN.
    """

    def __init__(self):
        self.losses = []
        self.scores = []

    def pad(self, n_epochs):
        """Fill epochs up to ``n_epochs`` that had no validation with NaN."""
        missing = n_epochs - len(self.losses)
        self.losses.extend([np.nan] * missing)
        self.scores.extend([np.nan] * missing)

    def append(self, epoch_index, loss, score):
        """Record the validation of the epoch at position ``epoch_index``."""
        self.pad(epoch_index)
        self.losses.append(loss)
        self.scores.append(score)

    def __bool__(self):
        return bool(self.losses)


def start_fit_task(estimator, task_name, max_subtasks, X, y, metadata):
    """Open the root callback task of a fit; None without callback support."""
    if not CALLBACKS_AVAILABLE:
        return None
    context = estimator._init_callback_context(
        task_name=task_name, max_subtasks=max_subtasks
    )
    context.call_on_fit_task_begin(estimator=estimator, X=X, y=y, metadata=metadata)
    return context


def end_fit_task(estimator, context, X, y, metadata):
    """Close the root task; the estimator itself is the fitted model."""
    if context is not None:
        context.call_on_fit_task_end(
            estimator=estimator,
            X=X,
            y=y,
            metadata=metadata,
            reconstruction_attributes={},
        )


def snapshot_attributes(estimator, gradient=None):
    """Fitted attributes of ``estimator`` as they stand now, copied.

    ``sklearn.callback`` sets them on a shallow copy of the estimator, which
    is then a model of the current epoch ready to predict or score.
    """
    history = estimator._history
    curves = estimator._validation_curves
    n_epochs = len(history.loss_curve)
    attributes = {
        "_params": estimator._params.copy(),
        "_buffers": estimator._buffers.copy(),
        "n_iter_": n_epochs,
        "loss_curve_": list(history.loss_curve),
        "loss_": history.loss_curve[-1] if history.loss_curve else None,
        "learning_rate_curve_": list(history.learning_rates),
        "validation_loss_curve_": None,
        "_epoch_gradient": None if gradient is None else gradient.copy(),
    }
    if curves:
        curves.pad(n_epochs)
        attributes["validation_loss_curve_"] = list(curves.losses)
    if history.validation_scores is not None:
        attributes["validation_scores_"] = list(history.validation_scores)
    else:
        attributes["validation_scores_"] = list(curves.scores) if curves else None
    return attributes


class EpochHook:
    """Reports each epoch: validation curves, then callback sub-tasks.

    Parameters
    ----------
    estimator : BaseMLP
    context : sklearn.callback.CallbackContext or None
        The root task of the fit (None: no callbacks to report to).
    validation : ValidationSet or None
    X, y, metadata :
        What the callbacks receive with each task (the data given to fit).
    """

    def __init__(self, estimator, context, validation, X, y, metadata):
        self.estimator = estimator
        self.context = context if getattr(estimator, "_skl_callbacks", None) else None
        self.validation = validation
        self.data = dict(X=X, y=y, metadata=metadata)
        self.stopped = False
        self._task = None

    @property
    def active(self):
        """Whether the hook has anything to do (else the loop skips it)."""
        return self.context is not None or self.validation is not None

    def epoch_begin(self):
        """Open the epoch's sub-task."""
        if self.context is None:
            return
        self._task = self.context.subcontext(task_name="epoch")
        self._task.call_on_fit_task_begin(
            estimator=self.estimator,
            reconstruction_attributes=lambda: snapshot_attributes(self.estimator),
            **self.data,
        )

    def epoch_end(self, gradient=None):
        """Record the validation, close the sub-task; return whether to stop."""
        estimator = self.estimator
        if self.validation is not None:
            loss, score = self.validation.take(estimator._params)
            n_before = len(estimator._history.loss_curve) - 1
            estimator._validation_curves.append(n_before, loss, score)
        if self._task is None:
            return False
        task, self._task = self._task, None
        stop = task.call_on_fit_task_end(
            estimator=estimator,
            reconstruction_attributes=lambda: snapshot_attributes(estimator, gradient),
            **self.data,
        )
        self.stopped = bool(stop)
        return self.stopped
