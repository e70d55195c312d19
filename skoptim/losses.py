"""Loss functions of the output layer.

A loss pairs an output activation with a per-sample loss. Values are computed
from the raw output ``z`` (the logits) where that is the stable way, so large
logits give no overflow warnings; gradients are taken with respect to ``z``.

* ``squared_error``: :math:`\\tfrac12 \\lVert y - o \\rVert^2` per sample.
* ``log_loss`` with a logistic output (binary and multilabel):
  :math:`\\sum_k \\log(1 + e^{z_k}) - y_k z_k`, the binary cross-entropy.
* ``log_loss`` with a softmax output (multiclass):
  :math:`\\log \\sum_k e^{z_k} - z_y`, the softmax cross-entropy, which is the
  negative log-likelihood of the true class.
"""

import numpy as np

from ._fused import softmax_log_loss
from .activations import get_activation

__all__ = ["LOSSES", "get_loss"]


def _weighted_sum(per_sample, scale):
    """``sum_i scale_i * per_sample_i`` for a scalar or per-sample ``scale``."""
    if np.isscalar(scale):
        return float(scale * per_sample.sum())
    return float(per_sample @ scale)


def _logsumexp_rows(z):
    """``log(sum(exp(z), axis=1))`` computed stably (max shifted)."""
    shift = z.max(axis=1)
    total = np.exp(z - shift[:, None]).sum(axis=1)
    return np.log(total) + shift


class Loss:
    """A per-sample loss on the output layer, averaged with sample scales.

    Parameters
    ----------
    output_activation : str
        Name of the output activation, see :mod:`skoptim.activations`.
    """

    name = None

    def __init__(self, output_activation):
        self.output_activation = output_activation
        self.activation = get_activation(output_activation)

    def per_sample(self, y, z, out):
        """Loss of each sample, shape ``(n_samples,)``."""
        raise NotImplementedError

    def value(self, y, z, out, scale):
        """Weighted sum of the per-sample losses.

        ``scale`` is ``1 / n`` or an array of per-sample weights that already
        contains the normalization.
        """
        return _weighted_sum(self.per_sample(y, z, out), scale)

    def raw_gradient(self, y, out, delta):
        """Write d(per-sample loss)/dz into ``delta`` (shape of ``out``)."""
        raise NotImplementedError

    def value_and_gradient(self, y, z, out, delta, scale):
        """The weighted loss of a training batch, and its gradient.

        Fills ``out`` with the output activation of the logits ``z`` and
        ``delta`` with the gradient of the weighted loss with respect to
        ``z``; returns the value of :meth:`value`.
        """
        np.copyto(out, z)
        self.activation.forward(out)
        value = self.value(y, z, out, scale)
        self.raw_gradient(y, out, delta)
        delta *= scale if np.isscalar(scale) else scale[:, None]
        return value

    def __repr__(self):
        return f"{type(self).__name__}({self.output_activation!r})"


class SquaredError(Loss):
    r"""Half squared error :math:`\tfrac12 \lVert y - o \rVert^2`, ``o = f(z)``.

    With a logistic or softmax output this is the "MSE with sigmoid" setting
    whose gradient :math:`(o - y) f'(z)` vanishes when the output saturates.
    """

    name = "squared_error"

    def per_sample(self, y, z, out):
        residual = out - y
        return 0.5 * np.einsum("ij,ij->i", residual, residual)

    def raw_gradient(self, y, out, delta):
        np.subtract(out, y, out=delta)
        return self.activation.multiply_derivative(out, delta)


class BinaryLogLoss(Loss):
    r"""Binary cross-entropy on logistic outputs, summed over outputs.

    .. math:: \ell = \sum_k \log(1 + e^{z_k}) - y_k z_k,
              \quad \partial \ell / \partial z = \sigma(z) - y
    """

    name = "log_loss"

    def per_sample(self, y, z, out):
        return (np.logaddexp(0, z) - y * z).sum(axis=1)

    def raw_gradient(self, y, out, delta):
        return np.subtract(out, y, out=delta)


class SoftmaxLogLoss(Loss):
    r"""Softmax cross-entropy (negative log-likelihood of the true class).

    .. math:: \ell = \log \sum_k e^{z_k} - \sum_k y_k z_k,
              \quad \partial \ell / \partial z = \mathrm{softmax}(z) - y
    """

    name = "log_loss"

    def per_sample(self, y, z, out):
        return _logsumexp_rows(z) - np.einsum("ij,ij->i", y, z)

    def raw_gradient(self, y, out, delta):
        return np.subtract(out, y, out=delta)

    def value_and_gradient(self, y, z, out, delta, scale):
        # One exponential for the softmax, the loss and the gradient, and the
        # passes around it fused (skoptim._fused).
        return _weighted_sum(softmax_log_loss(y, z, out, delta, scale), scale)


def get_loss(name, output_activation):
    """The loss object for a loss ``name`` and an output activation."""
    if name == "squared_error":
        return SquaredError(output_activation)
    if name == "log_loss":
        if output_activation == "logistic":
            return BinaryLogLoss(output_activation)
        if output_activation == "softmax":
            return SoftmaxLogLoss(output_activation)
    raise ValueError(
        f"loss={name!r} is not defined for a {output_activation!r} output; "
        "'log_loss' needs a logistic or softmax output (a classifier)."
    )


LOSSES = ("squared_error", "log_loss")
