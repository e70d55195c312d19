"""The epoch loop: batches, solver steps, curves, stopping, divergence guard."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import gen_batches

from .._fused import take_rows
from .._progress import epoch_progress
from ._data_parallel import halves_in_parallel
from ._safeguards import Checkpoint, LossGuard, predictions_are_finite
from ._targets import OneHotLabels

__all__ = ["History", "TrainingDivergedError", "run_epochs", "run_full_batch"]


class TrainingDivergedError(ValueError, ArithmeticError):
    """The loss or a parameter became non-finite during training."""


class History:
    """What the loop records across epochs, calls and warm starts.

    Attributes mirror scikit-learn's MLP: ``loss_curve``, ``best_loss``,
    ``validation_scores``, ``best_validation_score``, the count of epochs
    without improvement and the best parameters seen (early stopping).
    """

    def __init__(self, early_stopping):
        self.loss_curve = []
        self.learning_rates = []
        self.best_loss = np.inf
        self.validation_scores = [] if early_stopping else None
        self.best_validation_score = -np.inf if early_stopping else None
        self.best_params = None
        self.best_buffers = None
        self.no_improvement_count = 0

    def restart(self, early_stopping):
        """Start a new fit (warm start): keep the curves, reset the bests."""
        if early_stopping != (self.validation_scores is not None):
            self.validation_scores = [] if early_stopping else None
        self.best_loss = np.inf
        self.best_validation_score = -np.inf if early_stopping else None
        self.best_params = None
        self.best_buffers = None
        self.no_improvement_count = 0

    def record(self, loss, params, tol, validation_score=None, buffers=None):
        """Record one epoch; return whether it improved on the best."""
        self.loss_curve.append(loss)
        if validation_score is not None:
            self.validation_scores.append(validation_score)
            improved = validation_score >= self.best_validation_score + tol
            if validation_score > self.best_validation_score:
                self.best_validation_score = validation_score
                self.best_params = params.copy()
                self.best_buffers = None if buffers is None else buffers.copy()
        else:
            improved = loss <= self.best_loss - tol
            self.best_loss = min(self.best_loss, loss)
        self.no_improvement_count = 0 if improved else self.no_improvement_count + 1
        return improved


class _BatchSource:
    """Draws batches of rows, into preallocated buffers when shuffling."""

    def __init__(self, X, Y, sample_weight, batch_size, shuffle, rng):
        self.X, self.Y = X, Y
        self.n = X.shape[0]
        self.batch_size = batch_size
        self.shuffle = shuffle
        # One batch of all rows: its order would only reorder a sum (and
        # which row gets which dropout mask), at the price of a copy of X per
        # epoch. The permutation is still drawn, so the random stream is that
        # of a shuffled fit.
        self.reorder = shuffle and batch_size < self.n
        self.rng = rng
        if sample_weight is None:
            self.scale = None
        else:
            self.scale = sample_weight / sample_weight.mean()
        if self.reorder and not sp.issparse(X):
            self.X_buf = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
        else:
            self.X_buf = None
        self.Y_buf = None
        if self.X_buf is not None or isinstance(Y, OneHotLabels):
            self.Y_buf = np.empty((min(batch_size, self.n), Y.shape[1]), Y.dtype)

    def epoch(self):
        """Yield ``(X_batch, Y_batch, scale)`` for one pass over the data."""
        order = self.rng.permutation(self.n) if self.shuffle else None
        for batch in gen_batches(self.n, self.batch_size):
            rows = order[batch] if self.reorder else batch
            Xb, Yb = self._take(rows)
            nb = Yb.shape[0]
            scale = 1.0 / nb if self.scale is None else self.scale[rows] / nb
            yield Xb, Yb, scale

    def _take(self, rows):
        Xb = self._rows(self.X, rows, self.X_buf)
        if isinstance(self.Y, OneHotLabels):
            return Xb, self.Y.take(rows, out=self.Y_buf[: Xb.shape[0]])
        return Xb, self._rows(self.Y, rows, self.Y_buf)

    def _rows(self, array, rows, buffer):
        """``array`` itself for all rows, a slice of it, or the indexed rows
        gathered into ``buffer`` (a copy when there is none)."""
        if isinstance(rows, slice):
            return array if rows == slice(0, self.n) else array[rows]
        if buffer is None:
            return array[rows]
        return take_rows(array, rows, buffer[: len(rows)])


def _apply_prox(network, solver, params, state):
    """Proximal step of the penalty's non-smooth part after a solver step."""
    penalty = network.penalty
    if penalty is None or not penalty.has_prox or network.alpha == 0:
        return
    n_weights = network.layout.n_weights
    steps = solver.step_sizes(state)
    if not np.isscalar(steps):
        steps = steps[:n_weights]
    penalty.prox(params[:n_weights], network.alpha * steps)


def _run_epoch(network, params, solver, state, ws, batches, rng, guard):
    """One pass over the batches; returns the sum of batch objectives x size.

    Overflow on the way is not warned about: a diverging epoch ends at its
    first non-finite or exploding batch loss (the ``guard`` says which),
    returning None, and the caller turns it into a clear error.
    """
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for Xb, Yb, scale in batches.epoch():
            if network.has_dropout:
                ws.draw_masks(rng, Yb.shape[0])
            value = network.loss_and_gradient(ws, Xb, Yb, scale)
            if not guard.batch_ok(value):
                return None  # diverged: stop at once, not at the epoch's end
            total += value * Yb.shape[0]
            solver.step(params, ws.grad, state)
            _apply_prox(network, solver, params, state)
    return total


def run_epochs(
    network,
    params,
    solver,
    state,
    X,
    Y,
    *,
    sample_weight,
    batch_size,
    shuffle,
    rng,
    max_epochs,
    history,
    tol,
    n_iter_no_change,
    validation_score=None,
    buffers=None,
    epoch_offset=0,
    verbose=0,
    hook=None,
):
    """Train ``params`` in place for up to ``max_epochs`` epochs.

    Parameters
    ----------
    network : Network
    params : ndarray of shape (n_params,)
        Updated in place.
    solver : Solver
    state : dict
        The solver state, updated in place.
    X, Y : training data, ``Y`` of shape (n_samples, n_outputs).
    sample_weight : ndarray of shape (n_samples,) or None
    batch_size : int
    shuffle : bool
    rng : numpy.random.RandomState
    max_epochs : int
    history : History
    tol : float
    n_iter_no_change : int or None
        Stop after this many epochs without improvement (None: never).
    validation_score : callable or None
        ``validation_score(params) -> float``, when early stopping.
    buffers : ndarray or None
        Running statistics of batch normalization, updated in place.
    epoch_offset : int
        Epochs run before this call, for messages.
    verbose : int
        0: silent; 1: a progress bar; 2: a line per epoch
        (:func:`skoptim._progress.epoch_progress`).
    hook : object or None
        ``hook.epoch_begin()`` before each epoch and ``hook.epoch_end(grad)``
        after it is recorded (``grad``: the gradient of its last batch);
        training stops when ``epoch_end`` returns True.

    Returns
    -------
    n_epochs : int
        Epochs completed.
    converged : bool
        Whether training stopped for lack of improvement.

    Raises
    ------
    TrainingDivergedError
        When the loss or a parameter becomes non-finite, the loss explodes
        (see :class:`._safeguards.LossGuard`), or the final model
        predicts non-finite values on ``X`` (or, when early stopping, on the
        validation set); ``params`` then hold the latest
        epoch whose model predicts finite values (the curves in ``history``
        are trimmed to it).
    KeyboardInterrupt
        Re-raised after ``params`` and ``history`` go back to the last
        completed epoch.
    """
    ws = network.training_workspace(params, min(batch_size, X.shape[0]), buffers, X)
    batches = _BatchSource(X, Y, sample_weight, batch_size, shuffle, rng)
    n = X.shape[0]
    checkpoint = Checkpoint(params, ws.buffers, history, epoch_offset)
    guard = LossGuard()
    progress = epoch_progress(verbose, max_epochs, epoch_offset)
    epochs, converged = max_epochs, False
    try:
        for epoch in range(1, max_epochs + 1):
            if hook is not None:
                hook.epoch_begin()
            with halves_in_parallel(ws.plan):
                total = _run_epoch(
                    network, params, solver, state, ws, batches, rng, guard
                )
            loss = None if total is None else total / n
            reason = guard.epoch_reason(loss, params)
            if reason is not None:
                at = epoch_offset + epoch
                _diverged(network, params, ws, history, X, checkpoint, at, reason)
            score = validation_score(params) if validation_score is not None else None
            if score is not None and not np.isfinite(score):
                reason = "its predictions on the validation set overflow"
                at = epoch_offset + epoch
                _diverged(network, params, ws, history, X, checkpoint, at, reason)
            history.learning_rates.append(solver.learning_rate_at(state))
            solver.end_epoch(state, loss=loss, validation_score=score)
            history.record(loss, params, tol, score, ws.buffers)
            checkpoint.commit(params, ws.buffers, history, epoch_offset + epoch)
            progress.update(loss, score)
            if hook is not None and hook.epoch_end(ws.grad):
                epochs = epoch
                break
            if n_iter_no_change is not None and history.no_improvement_count > (
                n_iter_no_change
            ):
                epochs, converged = epoch, True
                break
    except KeyboardInterrupt:
        checkpoint.restore_last(params, ws.buffers, history)
        raise
    finally:
        progress.close()
    if not predictions_are_finite(network, params, X, ws.buffers):
        reason = "its predictions on the training data overflow"
        at = epoch_offset + epochs
        _diverged(network, params, ws, history, X, checkpoint, at, reason)
    return epochs, converged


def _diverged(network, params, ws, history, X, checkpoint, diverged_at, reason):
    """Restore the latest finite model and raise :class:`TrainingDivergedError`."""
    restored = checkpoint.restore_finite(network, params, ws.buffers, history, X)
    raise TrainingDivergedError(
        f"The training loss diverged at epoch {diverged_at} ({reason}): "
        f"training stopped and the parameters were restored to epoch {restored}, "
        "the last with finite parameters and predictions. Try a smaller "
        "learning rate (solver__learning_rate), gradient clipping "
        "(solver=GradientClipping(...)) or standardized inputs."
    )


def run_full_batch(
    network,
    params,
    solver,
    X,
    Y,
    *,
    sample_weight,
    max_iter,
    history,
    tol,
    buffers=None,
    epoch_offset=0,
    verbose=0,
    hook=None,
):
    """Train ``params`` in place with a full-batch solver (L-BFGS).

    Each iteration of the solver is one entry of the history, and one epoch
    for ``hook`` (see :func:`run_epochs`; no gradient is passed).

    Returns
    -------
    n_iter : int
        Iterations run.
    converged : bool
        Whether the solver met its tolerance.
    """
    ws = network.training_workspace(params, X.shape[0], buffers, X)
    if isinstance(Y, OneHotLabels):
        Y = Y.toarray()
    if sample_weight is None:
        scale = 1.0 / X.shape[0]
    else:
        scale = sample_weight / (sample_weight.sum())

    def objective(x):
        params[...] = x
        value = network.loss_and_gradient(ws, X, Y, scale)
        return value, ws.grad.astype(np.float64)

    progress = epoch_progress(verbose, max_iter, epoch_offset)
    start = params.astype(np.float64)
    last = start.copy()

    def record(x, value):
        params[...] = x  # the iterate, not the last line-search point
        last[...] = x
        history.record(value, params, tol)
        history.learning_rates.append(np.nan)
        progress.update(value)
        if hook is not None:
            if hook.epoch_end():
                raise StopIteration
            hook.epoch_begin()

    if hook is not None:
        hook.epoch_begin()
    try:
        with halves_in_parallel(ws.plan):
            result = solver.run(
                objective, start, max_iter=max_iter, tol=tol, callback=record
            )
    except KeyboardInterrupt:
        params[...] = last  # the last completed iteration
        raise
    finally:
        progress.close()
    x = result.x if np.isfinite(result.x).all() else start
    params[...] = x
    if not (np.isfinite(result.fun) and np.isfinite(params).all()):
        params[...] = start
        raise TrainingDivergedError(
            f"L-BFGS produced a non-finite loss ({result.fun!r}); the parameters "
            "were restored to their starting values."
        )
    return int(result.nit), bool(result.success)
