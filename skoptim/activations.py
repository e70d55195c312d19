"""Activation functions for hidden and output layers.

Each activation works in place on a pre-activation buffer ``z`` and gives its
derivative in terms of its own output ``a = f(z)``, so the backward pass needs
no copy of the pre-activations.
"""

import numpy as np
from scipy.special import expit

from ._fused import relu_backward

__all__ = ["ACTIVATIONS", "HIDDEN_ACTIVATIONS", "get_activation"]


class Activation:
    """An element-wise activation ``a = f(z)``.

    Subclasses implement :meth:`forward` (in place) and
    :meth:`multiply_derivative`, which multiplies a back-propagated ``delta``
    in place by ``f'(z)`` expressed through the output ``a``.
    """

    name = None

    def forward(self, z):
        """Replace ``z`` by ``f(z)`` in place and return it."""
        raise NotImplementedError

    def multiply_derivative(self, a, delta):
        """Multiply ``delta`` in place by ``f'(z)`` where ``a = f(z)``."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Activation):
    r"""Identity, :math:`f(z) = z`."""

    name = "identity"

    def forward(self, z):
        return z

    def multiply_derivative(self, a, delta):
        return delta


class Logistic(Activation):
    r"""Logistic sigmoid, :math:`f(z) = 1 / (1 + e^{-z})`, :math:`f' = a (1 - a)`."""

    name = "logistic"

    def forward(self, z):
        return expit(z, out=z)

    def multiply_derivative(self, a, delta):
        delta *= a
        delta *= 1 - a
        return delta


class Tanh(Activation):
    r"""Hyperbolic tangent, :math:`f' = 1 - a^2`."""

    name = "tanh"

    def forward(self, z):
        return np.tanh(z, out=z)

    def multiply_derivative(self, a, delta):
        delta *= 1 - a * a
        return delta


class ReLU(Activation):
    r"""Rectified linear unit, :math:`f(z) = \max(z, 0)`."""

    name = "relu"

    def forward(self, z):
        return np.maximum(z, 0, out=z)

    def multiply_derivative(self, a, delta):
        return relu_backward(delta, a)


class LeakyReLU(Activation):
    r"""Leaky ReLU, :math:`f(z) = z` for :math:`z > 0`, else :math:`0.01 z`."""

    name = "leaky_relu"
    negative_slope = 0.01

    def forward(self, z):
        return np.maximum(z, self.negative_slope * z, out=z)

    def multiply_derivative(self, a, delta):
        delta[a <= 0] *= self.negative_slope
        return delta


class ELU(Activation):
    r"""Exponential linear unit, :math:`f(z) = z` for :math:`z > 0`, else
    :math:`e^z - 1`; :math:`f' = a + 1` where :math:`z \le 0`."""

    name = "elu"

    def forward(self, z):
        negative = z < 0
        z[negative] = np.expm1(z[negative])
        return z

    def multiply_derivative(self, a, delta):
        negative = a < 0
        delta[negative] *= a[negative] + 1
        return delta


class Softplus(Activation):
    r"""Softplus, :math:`f(z) = \log(1 + e^z)`; :math:`f' = \sigma(z) = 1 - e^{-a}`."""

    name = "softplus"

    def forward(self, z):
        return np.logaddexp(z, 0, out=z)

    def multiply_derivative(self, a, delta):
        delta *= -np.expm1(-a)
        return delta


class Softmax(Activation):
    r"""Softmax over the last axis (output layer only)."""

    name = "softmax"

    def forward(self, z):
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def multiply_derivative(self, a, delta):
        # Jacobian-vector product: a * (delta - sum(a * delta)).
        inner = np.einsum("ij,ij->i", a, delta)[:, None]
        delta -= inner
        delta *= a
        return delta


ACTIVATIONS = {
    cls.name: cls()
    for cls in (Identity, Logistic, Tanh, ReLU, LeakyReLU, ELU, Softplus, Softmax)
}
HIDDEN_ACTIVATIONS = (
    "identity",
    "logistic",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "softplus",
)


def get_activation(name):
    """Return the activation object registered under ``name``."""
    return ACTIVATIONS[name]
