"""Forward and backward passes over a flat parameter vector.

The network is a sequence of dense layers ``z = a W + b``; each hidden layer
then optionally batch-normalizes ``z`` (scale and shift learned), applies its
activation and optionally drops units. :class:`Workspace` holds the per-layer
buffers for the largest batch plus the flat gradient; it is allocated once
per fit and every batch writes into (row slices of) it.

The mode is explicit: ``forward(..., training=True)`` normalizes with the
batch's statistics (and updates the running ones) and applies the dropout
masks the workspace holds; ``training=False`` normalizes with the running
statistics and drops nothing.
"""

import numpy as np
import scipy.sparse as sp

from .._fused import bias_relu, relu_backward_colsum
from ..activations import get_activation
from ._data_parallel import halves_in_parallel, make_plan, worth_two_threads

__all__ = ["CHUNK_ROWS", "Network", "Workspace"]

#: Rows of a chunk when a large batch's gradient is summed over chunks: the
#: activations and deltas of 512 rows of a few hundred units stay in cache
#: between the layers, where a whole batch of 20000 rows streams through
#: main memory at every element-wise pass (full-batch epochs of config R in
#: benchmarks/ took 0.9x to 1.1x the time of the unchunked products alone,
#: against 1.3x to 1.4x unchunked; 512 and 1024 rows did about as well).
CHUNK_ROWS = 512


def _matmul_into(a, b, out):
    """``out[...] = a @ b`` for dense or sparse ``a``, without temporaries
    when ``a`` is dense."""
    if sp.issparse(a):
        out[...] = a @ b
    else:
        np.matmul(a, b, out=out)
    return out


class Network:
    """A dense feed-forward network: the maths, not the scikit-learn contract.

    Parameters
    ----------
    layout : ParamLayout
        Shapes of the layers and where they live in the flat vector; with
        ``layout.batch_norm`` the hidden layers are batch-normalized.
    hidden_activation : str
        Activation of every hidden layer.
    loss : skoptim.losses.Loss
        Loss of the output layer; it carries the output activation.
    penalty : skoptim.penalties.Penalty or None
        Shape of the weight penalty.
    alpha : float
        Strength of the penalty.
    dropout : sequence of float, default=()
        Drop probability of each hidden layer (empty: no dropout).
    batch_norm_momentum : float, default=0.1
        Weight of the batch statistics in the running ones (torch's form).
    batch_norm_epsilon : float, default=1e-5
        Added to the variance before its square root.
    """

    def __init__(
        self,
        layout,
        hidden_activation,
        loss,
        penalty=None,
        alpha=0.0,
        dropout=(),
        batch_norm_momentum=0.1,
        batch_norm_epsilon=1e-5,
    ):
        self.layout = layout
        self.hidden = get_activation(hidden_activation)
        self.loss = loss
        self.penalty = penalty
        self.alpha = float(alpha)
        n_hidden = layout.n_layers - 1
        self.dropout = tuple(float(p) for p in dropout) or (0.0,) * n_hidden
        self.batch_norm_momentum = float(batch_norm_momentum)
        self.batch_norm_epsilon = float(batch_norm_epsilon)
        # bias and ReLU run as one fused pass when no batch norm sits between
        self._fuse_bias_relu = self.hidden.name == "relu" and not layout.batch_norm
        #: Whether any hidden layer drops units (set once: read every batch).
        self.has_dropout = any(p > 0 for p in self.dropout)

    # ------------------------------------------------------------------
    # forward
    def forward(self, ws, X, n, training=False, output_activation=True):
        """Fill the workspace's activations for the first ``n`` rows.

        Returns the raw output (logits) and the output activations, both
        views of shape ``(n, n_outputs)``; without ``output_activation`` the
        second is None.
        """
        a = X
        last = self.layout.n_layers - 1
        for i, (W, b) in enumerate(zip(ws.weights, ws.biases)):
            z = ws.logits[:n] if i == last else ws.activations[i][:n]
            if i == 0:
                _matmul_into(a, W, z)  # X may be sparse
            else:
                np.matmul(a, W, out=z)
            if i < last:
                a = self._hidden_forward(ws, i, z, b, n, training)
            else:
                z += b
        return self._output(ws, n, output_activation)

    def _output(self, ws, n, output_activation):
        """The logits of the first ``n`` rows and, with ``output_activation``,
        their output activations (else None), from the workspace's logits."""
        if not output_activation:
            return ws.logits[:n], None
        out = ws.activations[-1][:n]
        np.copyto(out, ws.logits[:n])
        self.loss.activation.forward(out)
        return ws.logits[:n], out

    def _hidden_forward(self, ws, i, z, b, n, training):
        """Bias, batch norm, activation and dropout of hidden layer ``i``, in
        place."""
        if self._fuse_bias_relu:
            a = bias_relu(z, b)
        else:
            z += b
            if self.layout.batch_norm:
                self._batch_norm_forward(ws, i, z, n, training)
            a = self.hidden.forward(z)
        if training and self.dropout[i] > 0:
            np.copyto(ws.kept[i][:n], a)
            a *= ws.masks[i][:n]
        return a

    def _batch_norm_forward(self, ws, i, z, n, training):
        """Replace ``z`` by ``gamma * z_hat + beta``; keep ``z_hat`` and
        ``1 / std`` for the backward pass."""
        batch_stats = training and n > 1
        if batch_stats:
            mean = z.mean(axis=0)
            var = z.var(axis=0)
            self._update_running_stats(ws, i, mean, var, n)
        else:  # inference, or a single-sample batch: running statistics
            mean, var = ws.running_means[i], ws.running_vars[i]
        inv_std = ws.inv_std[i]
        np.add(var, self.batch_norm_epsilon, out=inv_std)
        np.sqrt(inv_std, out=inv_std)
        np.divide(1.0, inv_std, out=inv_std)
        ws.batch_stats[i] = batch_stats
        z -= mean
        z *= inv_std
        if training:
            np.copyto(ws.normalized[i][:n], z)
        z *= ws.bn_scales[i]
        z += ws.bn_shifts[i]

    def _update_running_stats(self, ws, i, mean, var, n):
        """Exponential averages of the batch statistics (unbiased variance),
        as ``torch.nn.BatchNorm1d``."""
        m = self.batch_norm_momentum
        running_mean, running_var = ws.running_means[i], ws.running_vars[i]
        running_mean *= 1 - m
        running_mean += m * mean
        running_var *= 1 - m
        running_var += (m * n / (n - 1)) * var

    # ------------------------------------------------------------------
    # loss and backward
    def loss_and_gradient(self, ws, X, Y, scale):
        """Objective on a batch and its gradient, written to ``ws.grad``.

        Runs in training mode: batch statistics for batch normalization and
        the dropout masks currently in ``ws`` (see :meth:`Workspace.draw_masks`).
        A batch of more rows than the workspace has (see
        :meth:`workspace_rows`) is taken in chunks of ``ws.rows`` rows whose
        gradients are summed.

        Parameters
        ----------
        ws : Workspace
        X : ndarray or sparse matrix of shape (n, n_features)
        Y : ndarray of shape (n, n_outputs)
        scale : float or ndarray of shape (n,)
            Weight of each sample's loss: ``1 / n``, or the sample weights
            divided by ``n`` times their mean over the training set.

        Returns
        -------
        objective : float
            ``sum_i scale_i * loss_i + alpha * R(W)``.
        """
        n, rows = X.shape[0], ws.rows
        if n > rows and not self.can_chunk():
            raise ValueError(
                f"A batch of {n} rows does not fit a workspace of {rows} rows, "
                "and batch statistics or dropout masks need the whole batch "
                "at once: size the workspace with workspace_rows."
            )
        if n <= rows:
            value = self._data_loss_and_gradient(ws, X, Y, scale, ws.grad_target)
        else:  # in chunks of rows, each chunk's work staying in cache
            value = 0.0
            for k, start in enumerate(range(0, n, rows)):
                chunk = slice(start, min(start + rows, n))
                chunk_scale = scale if np.isscalar(scale) else scale[chunk]
                target = ws.grad_target if k == 0 else ws.chunk_target()
                value += self._data_loss_and_gradient(
                    ws, X[chunk], Y[chunk], chunk_scale, target
                )
                if k > 0:
                    ws.grad += ws.chunk_grad
        if self.penalty is not None and self.alpha > 0:
            w = self.layout.weight_slice(ws.params)
            value += self.alpha * self.penalty.value(w)
            self.penalty.add_gradient(w, self.layout.weight_slice(ws.grad), self.alpha)
        return value

    def can_chunk(self):
        """Whether a batch's gradient may be summed over chunks of its rows:
        not with batch statistics (batch norm) or dropout masks."""
        return not (self.layout.batch_norm or self.has_dropout)

    def workspace_rows(self, batch_rows):
        """Rows of the workspace for batches of up to ``batch_rows`` rows:
        larger batches go through in chunks of :data:`CHUNK_ROWS` when
        :meth:`can_chunk`."""
        if self.can_chunk():
            return min(batch_rows, CHUNK_ROWS)
        return batch_rows

    def training_workspace(self, params, batch_rows, buffers=None, X=None):
        """The :class:`Workspace` of a fit in batches of up to ``batch_rows``
        rows: sized by :meth:`workspace_rows`, with this network's dropout
        masks and, when the network and the training data ``X`` (dense when
        None) qualify, the plan of the two-way data-parallel passes
        (:mod:`._data_parallel`)."""
        ws = Workspace(
            self.layout,
            params,
            self.workspace_rows(batch_rows),
            buffers,
            dropout=self.dropout,
        )
        ws.plan = make_plan(self, ws, X)
        if ws.plan is not None:
            ws.partial_grad = np.empty_like(ws.grad)
        return ws

    def _data_loss_and_gradient(self, ws, X, Y, scale, target):
        """Loss of the rows ``X`` (at most ``ws.rows``) and its gradient,
        written to ``target``: a flat vector and its weight and bias views
        (``ws.grad_target`` or ``ws.chunk_target()``); no penalty."""
        grad, grad_views = target
        n = X.shape[0]
        out = ws.activations[-1][:n]
        delta = ws.deltas[-1][:n]
        if ws.plan is not None and self._plan_takes(X, ws.params.dtype):
            ws.plan.forward(X, n)
            logits = ws.logits[:n]
            value = self.loss.value_and_gradient(Y, logits, out, delta, scale)
            ws.plan.backward(X, n, grad, ws.partial_grad)
            return value
        logits, _ = self.forward(ws, X, n, training=True, output_activation=False)
        value = self.loss.value_and_gradient(Y, logits, out, delta, scale)
        self._backward(ws, X, n, delta, *grad_views)
        return value

    def _plan_takes(self, X, dtype):
        """Whether the two-way passes can read the batch ``X`` as it is."""
        return (
            isinstance(X, np.ndarray)
            and X.dtype == dtype
            and X.ndim == 2
            and X.shape[1] == self.layout.layer_units[0]
            and X.flags.c_contiguous
            and X.flags.aligned
        )

    def _backward(self, ws, X, n, delta, grad_weights, grad_biases):
        summed = False  # whether the bias gradient of layer i is already in
        for i in range(self.layout.n_layers - 1, -1, -1):
            if i == 0:
                _matmul_into(X.T, delta, grad_weights[i])
            else:
                np.matmul(ws.activations[i - 1][:n].T, delta, out=grad_weights[i])
            if not summed:  # add.reduce is np.sum without its wrapper
                np.add.reduce(delta, axis=0, out=grad_biases[i])
            if i > 0:
                delta_prev = ws.deltas[i - 1][:n]
                np.matmul(delta, ws.weights[i].T, out=delta_prev)
                delta, summed = self._hidden_backward(
                    ws, i - 1, delta_prev, n, grad_biases[i - 1]
                )

    def _hidden_backward(self, ws, i, delta, n, grad_bias):
        """From d(loss)/d(output of hidden layer i) to d(loss)/dz, in place.

        Returns ``delta`` and whether the bias gradient of layer ``i`` was
        summed (into ``grad_bias``) on the way, as the fused ReLU pass does.
        """
        if self._fuse_bias_relu and self.dropout[i] == 0:
            relu_backward_colsum(delta, ws.activations[i][:n], grad_bias)
            return delta, True
        if self.dropout[i] > 0:
            delta *= ws.masks[i][:n]
            self.hidden.multiply_derivative(ws.kept[i][:n], delta)
        else:
            self.hidden.multiply_derivative(ws.activations[i][:n], delta)
        if self.layout.batch_norm:
            self._batch_norm_backward(ws, i, delta, n)
        return delta, False

    def _batch_norm_backward(self, ws, i, delta, n):
        r"""Gradients of gamma and beta, and ``delta`` to d(loss)/dz.

        With :math:`\hat z = (z - \mu) / \sigma` over the batch:
        :math:`\partial z = \frac{1}{n\sigma}(n \partial\hat z - \sum
        \partial\hat z - \hat z \sum \partial\hat z \, \hat z)`; with
        running statistics (constants) simply :math:`\partial\hat z / \sigma`.
        """
        z_hat = ws.normalized[i][:n]
        np.einsum("ij,ij->j", delta, z_hat, out=ws.grad_bn_scales[i])
        np.sum(delta, axis=0, out=ws.grad_bn_shifts[i])
        delta *= ws.bn_scales[i]  # now d(loss)/d(z_hat)
        if ws.batch_stats[i]:
            mean_delta = delta.mean(axis=0)
            mean_delta_z = np.einsum("ij,ij->j", delta, z_hat) / n
            delta -= mean_delta
            delta -= z_hat * mean_delta_z
        delta *= ws.inv_std[i]

    # ------------------------------------------------------------------
    # inference
    def predict_raw(self, params, X, buffers=None, chunk_size=1024, outputs=True):
        """Logits and outputs for all rows of ``X`` in inference mode.

        Rows go through in chunks, so the hidden activations of a chunk stay
        in cache between the layers; with ``outputs=False`` the output
        activation is skipped and None returned in its place.
        """
        n = X.shape[0]
        n_out = self.layout.layer_units[-1]
        logits = np.empty((n, n_out), dtype=params.dtype)
        out = np.empty((n, n_out), dtype=params.dtype) if outputs else None
        ws = Workspace(
            self.layout, params, min(max(n, 1), chunk_size), buffers, grad=False
        )
        # small inputs: the one-pass numpy code, no thread setting to change
        big = worth_two_threads(self, min(n, chunk_size))
        plan = make_plan(self, ws, X, training=False) if big else None
        with halves_in_parallel(plan):
            for start in range(0, n, chunk_size):
                stop = min(start + chunk_size, n)
                z, o = self._inference_forward(
                    ws, plan, X[start:stop], stop - start, outputs
                )
                logits[start:stop] = z
                if outputs:
                    out[start:stop] = o
        return logits, out

    def _inference_forward(self, ws, plan, X, n, outputs):
        """:meth:`forward` in inference mode, by the two-way passes when
        ``plan`` can read ``X``."""
        if plan is None or not self._plan_takes(X, ws.params.dtype):
            return self.forward(ws, X, n, output_activation=outputs)
        plan.forward(X, n)
        return self._output(ws, n, outputs)

    def objective(self, params, X, Y, scale, buffers=None):
        """Objective value in inference mode (allocates; for tests and checks)."""
        logits, out = self.predict_raw(params, X, buffers)
        value = self.loss.value(Y, logits, out, scale)
        if self.penalty is not None and self.alpha > 0:
            value += self.alpha * self.penalty.value(self.layout.weight_slice(params))
        return value


class Workspace:
    """Buffers of one fit: activations, deltas, masks and the flat gradient.

    Parameters
    ----------
    layout : ParamLayout
    params : ndarray of shape (n_params,)
        The flat parameters the views point into; solvers update it in place,
        so the views stay valid for the whole fit.
    batch_size : int
        Rows of the buffers: the largest batch, or the chunk size in which
        :meth:`Network.loss_and_gradient` takes larger batches.
    buffers : ndarray of shape (layout.n_buffers,), default=None
        Running statistics of batch normalization (updated in place in
        training mode); fresh ones when None.
    grad : bool, default=True
        Allocate the gradient and backward buffers (not needed to predict).
    dropout : sequence of float, default=()
        Drop probability per hidden layer; masks are allocated where > 0.
    """

    def __init__(self, layout, params, batch_size, buffers=None, grad=True, dropout=()):
        dtype = params.dtype
        units = layout.layer_units[1:]
        hidden = units[:-1]
        self.rows = batch_size
        self.layout = layout
        self.plan = None  # set by Network.training_workspace
        self.partial_grad = None
        self.params = params
        self.weights = layout.weights(params)
        self.biases = layout.biases(params)
        self.activations = [np.empty((batch_size, u), dtype=dtype) for u in units]
        self.logits = np.empty((batch_size, units[-1]), dtype=dtype)
        if buffers is None:
            buffers = layout.initial_buffers(dtype)
        self.buffers = buffers
        self.bn_scales = layout.bn_scales(params)
        self.bn_shifts = layout.bn_shifts(params)
        self.running_means = layout.running_means(buffers)
        self.running_vars = layout.running_vars(buffers)
        self.inv_std = [np.empty(u, dtype=dtype) for u in hidden]
        self.batch_stats = [False] * len(hidden)
        self.deltas = None
        if grad:
            self.deltas = [np.empty((batch_size, u), dtype=dtype) for u in units]
            self.grad = np.zeros_like(params)
            self.grad_weights = layout.weights(self.grad)
            self.grad_biases = layout.biases(self.grad)
            #: The gradient and its weight and bias views, as
            #: Network._data_loss_and_gradient writes them.
            self.grad_target = (self.grad, (self.grad_weights, self.grad_biases))
            self.chunk_grad = None
            self.grad_bn_scales = layout.bn_scales(self.grad)
            self.grad_bn_shifts = layout.bn_shifts(self.grad)
            bn = layout.batch_norm
            self.normalized = [
                np.empty((batch_size, u), dtype=dtype) if bn else None for u in hidden
            ]
            rates = tuple(dropout) or (0.0,) * len(hidden)
            self.dropout = rates
            self.masks = [
                np.ones((batch_size, u), dtype=dtype) if p > 0 else None
                for u, p in zip(hidden, rates)
            ]
            self.kept = [
                np.empty((batch_size, u), dtype=dtype) if p > 0 else None
                for u, p in zip(hidden, rates)
            ]

    def chunk_target(self):
        """A second flat gradient, ``chunk_grad``, with its weight and bias
        views, where the chunks of a large batch after the first go
        (allocated on first use)."""
        if self.chunk_grad is None:
            self.chunk_grad = np.zeros_like(self.grad)
            views = (
                self.layout.weights(self.chunk_grad),
                self.layout.biases(self.chunk_grad),
            )
            self._chunk_target = (self.chunk_grad, views)
        return self._chunk_target

    def draw_masks(self, rng, n):
        """Draw inverted-dropout masks (0 or 1/(1-p)) for the next ``n`` rows."""
        for mask, p in zip(self.masks, self.dropout):
            if mask is not None:
                keep = rng.random_sample(mask[:n].shape) >= p
                np.multiply(keep, 1.0 / (1.0 - p), out=mask[:n])
