"""Forward and backward passes over a flat parameter vector.

The network is a sequence of dense layers ``z = a W + b`` each followed by an
activation. :class:`Workspace` holds the per-layer activation and delta
buffers for the largest batch plus the flat gradient; it is allocated once
per fit and every batch writes into (row slices of) it.
"""

import numpy as np
import scipy.sparse as sp

from ..activations import get_activation

__all__ = ["Network", "Workspace"]


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
        Shapes of the layers and where they live in the flat vector.
    hidden_activation : str
        Activation of every hidden layer.
    loss : skoptim.losses.Loss
        Loss of the output layer; it carries the output activation.
    penalty : skoptim.penalties.Penalty or None
        Shape of the weight penalty.
    alpha : float
        Strength of the penalty.
    """

    def __init__(self, layout, hidden_activation, loss, penalty=None, alpha=0.0):
        self.layout = layout
        self.hidden = get_activation(hidden_activation)
        self.loss = loss
        self.penalty = penalty
        self.alpha = float(alpha)

    def forward(self, ws, X, n):
        """Fill the workspace's activations for the first ``n`` rows.

        Returns the raw output (logits) and the output activations, both
        views of shape ``(n, n_outputs)``.
        """
        a = X
        last = self.layout.n_layers - 1
        for i, (W, b) in enumerate(zip(ws.weights, ws.biases)):
            z = ws.logits[:n] if i == last else ws.activations[i][:n]
            _matmul_into(a, W, z)
            z += b
            if i < last:
                a = self.hidden.forward(z)
        out = ws.activations[last][:n]
        np.copyto(out, ws.logits[:n])
        self.loss.activation.forward(out)
        return ws.logits[:n], out

    def loss_and_gradient(self, ws, X, Y, scale):
        """Objective on a batch and its gradient, written to ``ws.grad``.

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
        n = X.shape[0]
        logits, out = self.forward(ws, X, n)
        value = self.loss.value(Y, logits, out, scale)
        delta = self.loss.raw_gradient(Y, out, ws.deltas[-1][:n])
        delta *= scale if np.isscalar(scale) else scale[:, None]
        self._backward(ws, X, n, delta)
        if self.penalty is not None and self.alpha > 0:
            w = self.layout.weight_slice(ws.params)
            value += self.alpha * self.penalty.value(w)
            self.penalty.add_gradient(w, self.layout.weight_slice(ws.grad), self.alpha)
        return value

    def _backward(self, ws, X, n, delta):
        for i in range(self.layout.n_layers - 1, -1, -1):
            a_prev = X if i == 0 else ws.activations[i - 1][:n]
            _matmul_into(a_prev.T, delta, ws.grad_weights[i])
            np.sum(delta, axis=0, out=ws.grad_biases[i])
            if i > 0:
                delta_prev = ws.deltas[i - 1][:n]
                np.matmul(delta, ws.weights[i].T, out=delta_prev)
                delta = self.hidden.multiply_derivative(a_prev, delta_prev)

    def predict_raw(self, params, X, chunk_size=4096):
        """Logits and outputs for all rows of ``X`` (allocated, chunked)."""
        n = X.shape[0]
        n_out = self.layout.layer_units[-1]
        logits = np.empty((n, n_out), dtype=params.dtype)
        outputs = np.empty((n, n_out), dtype=params.dtype)
        ws = Workspace(self.layout, params, min(max(n, 1), chunk_size), grad=False)
        for start in range(0, n, chunk_size):
            stop = min(start + chunk_size, n)
            z, o = self.forward(ws, X[start:stop], stop - start)
            logits[start:stop] = z
            outputs[start:stop] = o
        return logits, outputs

    def objective(self, params, X, Y, scale):
        """Objective value only (allocates a workspace; for tests and checks)."""
        logits, out = self.predict_raw(params, X)
        value = self.loss.value(Y, logits, out, scale)
        if self.penalty is not None and self.alpha > 0:
            value += self.alpha * self.penalty.value(self.layout.weight_slice(params))
        return value


class Workspace:
    """Buffers of one fit: activations, deltas and the flat gradient.

    Parameters
    ----------
    layout : ParamLayout
    params : ndarray of shape (n_params,)
        The flat parameters the views point into; solvers update it in place,
        so the views stay valid for the whole fit.
    batch_size : int
        Largest number of rows a batch will have.
    grad : bool, default=True
        Allocate the gradient and delta buffers (not needed to predict).
    """

    def __init__(self, layout, params, batch_size, grad=True):
        dtype = params.dtype
        units = layout.layer_units[1:]
        self.params = params
        self.weights = layout.weights(params)
        self.biases = layout.biases(params)
        self.activations = [np.empty((batch_size, u), dtype=dtype) for u in units]
        self.logits = np.empty((batch_size, units[-1]), dtype=dtype)
        if grad:
            self.deltas = [np.empty((batch_size, u), dtype=dtype) for u in units]
            self.grad = np.zeros_like(params)
            self.grad_weights = layout.weights(self.grad)
            self.grad_biases = layout.biases(self.grad)
