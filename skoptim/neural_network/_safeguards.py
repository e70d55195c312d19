"""Safeguards of the epoch loop: checkpoints of the last good epochs.

A :class:`Checkpoint` keeps copies of the parameters (and batch-norm
buffers) at the start of a call and at the last two completed epochs, with
the lengths of the recorded curves. The loop goes back to one of them when
training diverges (:meth:`Checkpoint.restore_finite`, which also checks that
the model it restores predicts finite values on the training data) or is
interrupted (:meth:`Checkpoint.restore_last`).
"""

import math
import warnings

import numpy as np
import scipy.sparse as sp

__all__ = [
    "Checkpoint",
    "TrainingDivergedWarning",
    "LossGuard",
    "predictions_are_finite",
]

#: A loss this many times the reference (at least 1) is divergence.
EXPLOSION_FACTOR = 1e10

#: Hidden activations whose output lies in [-1, 1] whatever the input.
_BOUNDED_ACTIVATIONS = {"logistic", "tanh"}


class TrainingDivergedWarning(RuntimeWarning):
    """Training diverged and stopped; the last finite model was kept.

    Issued instead of :class:`~skoptim.TrainingDivergedError` when the
    estimator has ``on_divergence="warn"``.
    """


class _Snapshot:
    def __init__(self, params, buffers, history, epoch):
        self.params = params.copy()
        self.buffers = buffers.copy()
        self.epoch = epoch
        self.lengths = _curve_lengths(history)

    def save(self, params, buffers, history, epoch):
        self.params[...] = params
        self.buffers[...] = buffers
        self.epoch = epoch
        self.lengths = _curve_lengths(history)

    def restore(self, params, buffers, history):
        params[...] = self.params
        buffers[...] = self.buffers
        n_loss, n_rates, n_scores = self.lengths
        del history.loss_curve[n_loss:]
        del history.learning_rates[n_rates:]
        if n_scores is not None and history.validation_scores is not None:
            del history.validation_scores[n_scores:]


def _curve_lengths(history):
    scores = history.validation_scores
    return (
        len(history.loss_curve),
        len(history.learning_rates),
        None if scores is None else len(scores),
    )


class Checkpoint:
    """The parameters at the start of a call and at its last two epochs.

    Parameters
    ----------
    params, buffers : ndarray
        The flat parameters and batch-norm buffers at the start of the call.
    history : History
        The recorded curves; restoring trims them back to the checkpoint.
    epoch : int
        Epochs completed before the call.
    """

    def __init__(self, params, buffers, history, epoch):
        self._start = _Snapshot(params, buffers, history, epoch)
        self._last = _Snapshot(params, buffers, history, epoch)
        self._previous = None

    def commit(self, params, buffers, history, epoch):
        """Save a completed epoch, keeping the one before it too."""
        if self._previous is None:
            self._previous = self._last
            self._last = _Snapshot(params, buffers, history, epoch)
            return
        self._previous, self._last = self._last, self._previous
        self._last.save(params, buffers, history, epoch)

    def restore_last(self, params, buffers, history):
        """Go back to the last completed epoch (after an interruption)."""
        self._last.restore(params, buffers, history)
        return self._last.epoch

    def restore_finite(self, network, params, buffers, history, X):
        """Go back to the latest saved epoch whose model predicts finite values.

        Candidates are the last epoch, the one before and the start of the
        call, in this order; the start of the call is the last resort.

        Returns
        -------
        epoch : int
            The epoch count of the restored parameters.
        """
        for snapshot in (self._last, self._previous):
            if snapshot is not None and predictions_are_finite(
                network, snapshot.params, X, snapshot.buffers
            ):
                snapshot.restore(params, buffers, history)
                return snapshot.epoch
        self._start.restore(params, buffers, history)
        return self._start.epoch


class LossGuard:
    """Tells when training diverges, batch by batch and epoch by epoch.

    Training diverges when a batch loss, an epoch loss or a parameter is
    non-finite, or when a loss exceeds ``EXPLOSION_FACTOR`` times the
    reference loss (or times 1 when that is smaller): a loss that grows by
    ten orders of magnitude is on its way to overflow, with predictions
    already useless. The reference is the smallest of the first batch loss
    of the call and the epoch losses since: losses of earlier calls are left
    out, as ``partial_fit`` or ``warm_start`` may bring data of another
    scale.
    """

    def __init__(self):
        self.reference = None
        self.reason = None

    def _limit(self):
        return EXPLOSION_FACTOR * max(self.reference, 1.0)

    def batch_ok(self, value):
        """Whether training may go on after a batch of loss ``value``."""
        if not math.isfinite(value):
            self.reason = f"batch loss={value!r}"
            return False
        if self.reference is None:
            self.reference = value
        if value > self._limit():
            self.reason = (
                f"batch loss={value:.3g}, over {EXPLOSION_FACTOR:.0e} times "
                f"{max(self.reference, 1.0):.3g}"
            )
            return False
        return True

    def epoch_reason(self, loss, params):
        """Why the epoch of mean loss ``loss`` diverged, or None.

        ``loss`` is None when a batch already stopped the epoch.
        """
        if loss is None:
            return self.reason
        if not math.isfinite(loss):
            return f"loss={loss!r}"
        if not np.isfinite(params).all():
            return "non-finite parameters"
        if loss > self._limit():
            return (
                f"loss={loss:.3g}, over {EXPLOSION_FACTOR:.0e} times "
                f"{max(self.reference, 1.0):.3g}"
            )
        self.reference = min(self.reference, loss)
        return None


def predictions_are_finite(network, params, X, buffers):
    """Whether the model predicts finite logits and outputs for every row of X.

    A bound on the largest pre-activation, computed from the largest
    absolute values of the data and of each layer's parameters, settles most
    cases without a forward pass; the forward pass decides the rest.
    """
    if not np.isfinite(params).all() or not np.isfinite(buffers).all():
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        if _output_bound(network, params, X, buffers) < _safe_limit(params.dtype):
            return True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            logits, outputs = network.predict_raw(params, X, buffers)
    return bool(np.isfinite(logits).all() and np.isfinite(outputs).all())


def _safe_limit(dtype):
    return float(np.finfo(dtype).max) / 1e6


def _max_abs(a):
    """``max |a|`` without the temporary copy ``np.abs`` would make of X."""
    if sp.issparse(a):
        a = a.data
    return float(max(np.max(a, initial=0.0), -np.min(a, initial=0.0)))


def _output_bound(network, params, X, buffers):
    """An upper bound of ``|z|`` over every layer's pre-activation ``z``.

    Each layer gives ``|z| <= fan_in * max|a| * max|W| + max|b|``; batch
    normalization at inference at most divides by ``sqrt(eps)`` after
    subtracting the running mean; logistic and tanh map to [-1, 1], the other
    activations grow at most like ``|z| + 1``.
    """
    layout = network.layout
    weights = layout.weights(params)
    biases = layout.biases(params)
    scales, shifts = layout.bn_scales(params), layout.bn_shifts(params)
    means = layout.running_means(buffers) if scales else []
    bound = _max_abs(X)
    n_hidden = len(weights) - 1
    for i, (W, b) in enumerate(zip(weights, biases)):
        bound = W.shape[0] * bound * _max_abs(W) + _max_abs(b)
        if i == n_hidden:
            break
        if scales:
            bound = (bound + _max_abs(means[i])) / np.sqrt(network.batch_norm_epsilon)
            bound = bound * _max_abs(scales[i]) + _max_abs(shifts[i])
        if network.hidden.name in _BOUNDED_ACTIVATIONS:
            bound = 1.0
        else:
            bound = bound + 1.0
    return float(bound) if np.isfinite(bound) else np.inf
