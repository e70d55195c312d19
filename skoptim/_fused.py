"""Fused element-wise updates of the training loop, with numpy fallbacks.

The compiled module ``skoptim._kernels`` (built from ``_kernels.c`` when a C
compiler is present at install time) does each update in one pass over
memory. Without it, the numpy code below does the same operations in the
same order, several passes each; both give bit-identical results, which the
test suite checks. ``use_kernels(False)`` switches to numpy (tests,
debugging).
"""

import numpy as np

try:
    from . import _kernels
except ImportError:  # pragma: no cover - built on every supported install
    _kernels = None
else:
    try:  # long Adam steps split over the two threads of the two-way passes
        from . import _data_parallel

        _kernels.set_runner(_data_parallel.run_parts)
    except ImportError:  # pragma: no cover
        pass

__all__ = [
    "adam_kernel",
    "add_scaled",
    "bias_relu",
    "kernels_available",
    "relu_backward",
    "relu_backward_colsum",
    "softmax_log_loss",
    "take_rows",
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


_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def _fits_kernel(*arrays):
    """Whether every array is C-contiguous and of one float dtype."""
    dtype = arrays[0].dtype
    if dtype not in _FLOATS:
        return False
    for a in arrays:  # a loop, not all(genexpr): called several times a batch
        if a.dtype != dtype or not a.flags.c_contiguous:
            return False
    return True


def adam_kernel(
    params, grad, m, v, v_max, beta_1, beta_2, inv_bias2_sqrt, epsilon, step_scale
):
    """One Adam step in place by the compiled kernel; returns whether it ran.

    The update rule, and the numpy code the kernel reproduces bit for bit
    when it cannot run, are :meth:`skoptim.optimizers.Adam._update`'s. The
    scalars are Python floats, rounded to the arrays' precision as numpy
    rounds them; ``v_max`` is None without AMSGrad. The denominator is not
    stored (one stream less over memory): :meth:`Adam.step_sizes` recomputes
    it from the second moment when a proximal step needs it.
    """
    arrays = (params, grad, m, v) + (() if v_max is None else (v_max,))
    if not (_enabled and _fits_kernel(*arrays)):
        return False
    _kernels.adam_update(
        params,
        grad,
        m,
        v,
        v_max,
        1 - beta_1,
        1 - beta_2,
        beta_2,
        inv_bias2_sqrt,
        epsilon,
        step_scale,
    )
    return True


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


def take_rows(array, rows, out):
    """``out[...] = array[rows]`` for a 2-D array and an index array: the
    rows of a shuffled batch. The kernel copies the two halves of the rows
    on two threads inside a fit that lends it the second one."""
    if (
        _enabled
        and array.ndim == 2
        and array.flags.c_contiguous
        and out.flags.c_contiguous
        and out.dtype == array.dtype
        and out.shape == (len(rows), array.shape[1])
        and rows.dtype == np.intp
        and rows.flags.c_contiguous
    ):
        _kernels.take_rows(array, rows, out, array.shape[1] * array.itemsize)
        return out
    # mode="clip": rows are valid indices, and "raise" buffers `out`
    return np.take(array, rows, axis=0, out=out, mode="clip")


def _row_sums(terms, out):
    """Sums along rows, left to right (numpy's ``sum`` adds pairwise), as
    the kernel does."""
    np.copyto(out, terms[:, 0])
    for k in range(1, terms.shape[1]):
        out += terms[:, k]
    return out


def softmax_log_loss(y, z, out, delta, scale):
    r"""Softmax cross-entropy of each row, its softmax and its gradient.

    Writes :math:`\mathrm{softmax}(z)` into ``out`` and
    :math:`(\mathrm{softmax}(z) - y) \cdot \mathrm{scale}` into ``delta``,
    and returns the per-row losses
    :math:`\log \sum_k e^{z_k} - \sum_k y_k z_k`, computed from ``z`` with
    the row maximum shifted out (no overflow). ``scale`` is a float or one
    per row. The kernel does the passes around the exponential (numpy's
    ``exp`` and ``log``, on both paths); row sums run left to right.
    """
    n = z.shape[0]
    shift = np.empty(n, dtype=z.dtype)
    total = np.empty(n, dtype=z.dtype)
    zy = np.empty(n, dtype=z.dtype)
    scalar = np.isscalar(scale)
    cols = z.shape[1]
    if _enabled and n > 0 and cols > 0 and _fits_kernel(z, y, out, delta):
        _kernels.softmax_shift(z, out, shift, cols)
        np.exp(out, out=out)
        _kernels.softmax_finish(
            out, y, z, delta, float(scale) if scalar else None, total, zy, cols
        )
    else:
        np.max(z, axis=1, out=shift)
        np.subtract(z, shift[:, None], out=out)
        np.exp(out, out=out)
        _row_sums(out, total)
        out /= total[:, None]
        np.subtract(out, y, out=delta)
        if scalar:
            delta *= float(scale)
        _row_sums(y * z, zy)
    if not scalar:
        delta *= scale[:, None]
    per_sample = np.log(total, out=total)
    per_sample += shift
    per_sample -= zy
    return per_sample
