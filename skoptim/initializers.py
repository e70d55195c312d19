"""Weight initializers.

An initializer draws the weight matrix of one layer, of shape
``(fan_in, fan_out)``; biases always start at zero. Random weights break the
symmetry between the units of a layer; the scale keeps the variance of the
pre-activations about constant from layer to layer:

==================  =====================================================
``glorot_uniform``  :math:`U(-l, l)`, :math:`l = g\\sqrt{6/(n_{in}+n_{out})}`
``glorot_normal``   :math:`N(0, s^2)`, :math:`s = g\\sqrt{2/(n_{in}+n_{out})}`
``he_uniform``      :math:`U(-l, l)`, :math:`l = g\\sqrt{6/n_{in}}`
``he_normal``       :math:`N(0, s^2)`, :math:`s = g\\sqrt{2/n_{in}}`
``lecun_normal``    :math:`N(0, s^2)`, :math:`s = g\\sqrt{1/n_{in}}`
``zeros``           all weights 0: every unit of a layer stays identical
==================  =====================================================

References: Glorot & Bengio (2010), "Understanding the difficulty of training
deep feedforward neural networks"; He et al. (2015), "Delving deep into
rectifiers"; LeCun et al. (1998), "Efficient BackProp". The normal variants
are plain (not truncated) normals, as in ``torch.nn.init``; Keras truncates.
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval

__all__ = [
    "Initializer",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "LeCunNormal",
    "Zeros",
    "INITIALIZERS",
    "RELU_FAMILY",
    "resolve_initializer",
]


class Initializer(BaseEstimator):
    """Base class: draws one layer's weights.

    Parameters
    ----------
    gain : float, default=1.0
        Multiplies the scale (standard deviation or bound) of the draw.
    """

    _parameter_constraints = {"gain": [Interval(Real, 0, None, closed="neither")]}

    def __init__(self, gain=1.0):
        self.gain = gain

    def initialize(self, fan_in, fan_out, random_state, dtype=np.float64):
        """Draw a ``(fan_in, fan_out)`` weight matrix.

        Parameters
        ----------
        fan_in, fan_out : int
            Number of inputs and outputs of the layer.
        random_state : numpy.random.RandomState
            Source of randomness (already checked by the estimator).
        dtype : numpy dtype, default=np.float64

        Returns
        -------
        weights : ndarray of shape (fan_in, fan_out)
        """
        raise NotImplementedError


class _UniformInitializer(Initializer):
    def _bound(self, fan_in, fan_out):
        raise NotImplementedError

    def initialize(self, fan_in, fan_out, random_state, dtype=np.float64):
        bound = self.gain * self._bound(fan_in, fan_out)
        w = random_state.uniform(-bound, bound, size=(fan_in, fan_out))
        return w.astype(dtype, copy=False)


class _NormalInitializer(Initializer):
    def _std(self, fan_in, fan_out):
        raise NotImplementedError

    def initialize(self, fan_in, fan_out, random_state, dtype=np.float64):
        std = self.gain * self._std(fan_in, fan_out)
        w = random_state.normal(0.0, std, size=(fan_in, fan_out))
        return w.astype(dtype, copy=False)


class GlorotUniform(_UniformInitializer):
    """Glorot/Xavier uniform: bound ``gain * sqrt(6 / (fan_in + fan_out))``."""

    def _bound(self, fan_in, fan_out):
        return np.sqrt(6.0 / (fan_in + fan_out))


class GlorotNormal(_NormalInitializer):
    """Glorot/Xavier normal: std ``gain * sqrt(2 / (fan_in + fan_out))``."""

    def _std(self, fan_in, fan_out):
        return np.sqrt(2.0 / (fan_in + fan_out))


class HeUniform(_UniformInitializer):
    """He/Kaiming uniform for ReLU layers: bound ``gain * sqrt(6 / fan_in)``."""

    def _bound(self, fan_in, fan_out):
        return np.sqrt(6.0 / fan_in)


class HeNormal(_NormalInitializer):
    """He/Kaiming normal for ReLU layers: std ``gain * sqrt(2 / fan_in)``."""

    def _std(self, fan_in, fan_out):
        return np.sqrt(2.0 / fan_in)


class LeCunNormal(_NormalInitializer):
    """LeCun normal: std ``gain * sqrt(1 / fan_in)``."""

    def _std(self, fan_in, fan_out):
        return np.sqrt(1.0 / fan_in)


class Zeros(Initializer):
    """All weights zero.

    Every unit of a hidden layer then computes the same function and receives
    the same gradient, so they stay identical: the symmetry problem that
    random initialization solves. ``gain`` is ignored.
    """

    def initialize(self, fan_in, fan_out, random_state, dtype=np.float64):
        return np.zeros((fan_in, fan_out), dtype=dtype)


INITIALIZERS = {
    "glorot_uniform": GlorotUniform,
    "xavier_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "xavier_normal": GlorotNormal,
    "he_uniform": HeUniform,
    "he_normal": HeNormal,
    "lecun_normal": LeCunNormal,
    "zeros": Zeros,
}

#: Hidden activations for which ``init="auto"`` picks He initialization.
RELU_FAMILY = ("relu", "leaky_relu", "elu")


def resolve_initializer(init, activation):
    """The initializer object for a layer followed by ``activation``.

    ``init="auto"`` gives :class:`HeUniform` before an activation of the ReLU
    family and :class:`GlorotUniform` otherwise (including the output layer).
    """
    if init == "auto":
        return HeUniform() if activation in RELU_FAMILY else GlorotUniform()
    if isinstance(init, str):
        return INITIALIZERS[init]()
    return init
