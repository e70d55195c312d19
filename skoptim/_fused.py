"""Fused element-wise updates of the training loop, with numpy fallbacks.

The compiled module ``skoptim._kernels`` (built from ``_kernels.c`` when a C
compiler is present at install time) does each update in one pass over
memory. Without it, the numpy code below does the same operations in the
same order, several passes each; both give bit-identical results, which the
test suite checks. ``use_kernels(False)`` switches to numpy (tests,
debugging).
"""

import math

import numpy as np

try:
    from . import _kernels
except ImportError:  # pragma: no cover - built on every supported install
    _kernels = None

__all__ = [
    "adam_update",
    "add_scaled",
    "bias_relu",
    "kernels_available",
    "relu_backward",
    "relu_backward_colsum",
    "use_kernels",
]

_enabled = _kernels is not None


def kernels_available():
    """Whether the compiled kernels are built and in use."""
    return _enabled


def use_kernels(enabled):
    """Use the compiled kernels (when built) or numpy; returns the old setting."""
    global _enabled
    old = _enabled
    _enabled = bool(enabled) and _kernels is not None
    return old


def _fits_kernel(*arrays):
    """Whether every array is C-contiguous and of one float dtype."""
    dtype = arrays[0].dtype
    return dtype in (np.float64, np.float32) and all(
        a.dtype == dtype and a.flags.c_contiguous for a in arrays
    )


def adam_update(params, grad, state, lr, beta_1, beta_2, epsilon, amsgrad):
    """One Adam step in place (torch's form), with the moments in ``state``.

    ``state`` holds ``m``, ``v``, ``denom``, ``scratch`` (and ``v_max`` with
    AMSGrad) and the update count ``t``; see :class:`skoptim.optimizers.Adam`.
    """
    # Python floats on both paths: a numpy float64 hyperparameter (from a
    # np.linspace grid) would make numpy compute float32 arrays in float64.
    lr, beta_1, beta_2 = float(lr), float(beta_1), float(beta_2)
    epsilon = float(epsilon)
    t = state["t"]
    m, v, denom = state["m"], state["v"], state["denom"]
    v_max = state["v_max"] if amsgrad else None
    bias2_sqrt = math.sqrt(1 - beta_2**t)
    step_scale = lr / (1 - beta_1**t)
    arrays = (params, grad, m, v, denom) + ((v_max,) if amsgrad else ())
    if _enabled and _fits_kernel(*arrays):
        _kernels.adam_update(
            params,
            grad,
            m,
            v,
            denom,
            v_max,
            1 - beta_1,
            1 - beta_2,
            beta_2,
            bias2_sqrt,
            epsilon,
            step_scale,
        )
        return
    scratch = state["scratch"]
    np.subtract(grad, m, out=scratch)  # m <- m + (1 - b1)(g - m), torch's lerp
    scratch *= 1 - beta_1
    m += scratch
    np.multiply(grad, grad, out=scratch)  # v <- b2 v + (1 - b2) g^2
    scratch *= 1 - beta_2
    v *= beta_2
    v += scratch
    if amsgrad:
        v = np.maximum(v_max, v, out=v_max)
    np.sqrt(v, out=denom)
    denom /= bias2_sqrt
    denom += epsilon
    step = np.divide(m, denom, out=scratch)
    step *= step_scale
    params -= step


def bias_relu(z, b):
    """``z <- max(z + b, 0)`` in place, ``b`` added to every row."""
    if _enabled and z.ndim == 2 and z.shape[1:] == b.shape and _fits_kernel(z, b):
        _kernels.bias_relu(z, b)
        return z
    z += b
    return np.maximum(z, 0, out=z)


def relu_backward(delta, a):
    """``delta <- delta * (a > 0)`` in place."""
    if _enabled and _fits_kernel(delta, a):
        _kernels.relu_backward(delta, a)
        return delta
    return np.multiply(delta, a > 0, out=delta)


def relu_backward_colsum(delta, a, colsum):
    """``delta <- delta * (a > 0)`` in place and ``colsum <- delta.sum(0)``."""
    # One column: numpy sums a contiguous column pairwise, not row by row.
    if (
        _enabled
        and delta.ndim == 2
        and delta.shape[1] > 1
        and delta.shape[1:] == colsum.shape
        and delta.shape[0] > 0
        and _fits_kernel(delta, a, colsum)
    ):
        _kernels.relu_backward_colsum(delta, a, colsum)
        return delta
    np.multiply(delta, a > 0, out=delta)
    np.sum(delta, axis=0, out=colsum)
    return delta


def add_scaled(y, x, alpha):
    """``y <- y + alpha * x`` in place, without a temporary array."""
    alpha = float(alpha)  # rounded to y's precision on both paths
    if _enabled and _fits_kernel(y, x):
        _kernels.axpy(y, x, alpha)
        return y
    y += alpha * x
    return y
