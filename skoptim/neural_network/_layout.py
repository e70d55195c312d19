"""One flat parameter buffer with per-layer views."""

import numpy as np

__all__ = ["ParamLayout"]


def _offsets(start, sizes):
    return start + np.concatenate([[0], np.cumsum(sizes)]).astype(int)


def _split(flat, offsets):
    return [flat[a:b] for a, b in zip(offsets[:-1], offsets[1:])]


class ParamLayout:
    """Where each layer's parameters live in one flat vector.

    All weight matrices come first (layer by layer, row-major), then all bias
    vectors, then (with batch normalization) the scales and then the shifts
    of the hidden layers, so the penalty, which acts on the weights only,
    takes the single slice ``flat[:n_weights]``. Batch normalization's
    running means and variances are not parameters: they live in a second
    flat vector, the *buffers* (means first, then variances).

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input first, output last.
    batch_norm : bool, default=False
        Whether the hidden layers have batch normalization.
    """

    def __init__(self, layer_units, batch_norm=False):
        self.layer_units = tuple(int(u) for u in layer_units)
        shapes = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.weight_shapes = shapes
        sizes = [fan_in * fan_out for fan_in, fan_out in shapes]
        self.weight_offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.n_weights = int(self.weight_offsets[-1])
        bias_sizes = [fan_out for _, fan_out in shapes]
        self.bias_offsets = self.n_weights + np.concatenate(
            [[0], np.cumsum(bias_sizes)]
        ).astype(int)
        self.batch_norm = bool(batch_norm)
        hidden = list(self.layer_units[1:-1]) if batch_norm else []
        self.scale_offsets = _offsets(int(self.bias_offsets[-1]), hidden)
        self.shift_offsets = _offsets(int(self.scale_offsets[-1]), hidden)
        self.n_params = int(self.shift_offsets[-1])
        self.mean_offsets = _offsets(0, hidden)
        self.var_offsets = _offsets(int(self.mean_offsets[-1]), hidden)
        self.n_buffers = int(self.var_offsets[-1])

    def bn_scales(self, flat):
        """Views of the batch-norm scales (gamma) of the hidden layers."""
        return _split(flat, self.scale_offsets)

    def bn_shifts(self, flat):
        """Views of the batch-norm shifts (beta) of the hidden layers."""
        return _split(flat, self.shift_offsets)

    def running_means(self, buffers):
        """Views of the running means in the buffer vector."""
        return _split(buffers, self.mean_offsets)

    def running_vars(self, buffers):
        """Views of the running variances in the buffer vector."""
        return _split(buffers, self.var_offsets)

    def initial_buffers(self, dtype):
        """Running means 0 and variances 1, as torch's BatchNorm1d."""
        buffers = np.zeros(self.n_buffers, dtype=dtype)
        buffers[self.var_offsets[0] :] = 1
        return buffers

    @property
    def n_layers(self):
        """Number of weight layers (hidden layers + output layer)."""
        return len(self.weight_shapes)

    def weights(self, flat):
        """Views of ``flat`` as the list of weight matrices."""
        return [
            flat[start:stop].reshape(shape)
            for start, stop, shape in zip(
                self.weight_offsets[:-1], self.weight_offsets[1:], self.weight_shapes
            )
        ]

    def biases(self, flat):
        """Views of ``flat`` as the list of bias vectors."""
        return _split(flat, self.bias_offsets)

    def weight_slice(self, flat):
        """The view of all weights (what a penalty acts on)."""
        return flat[: self.n_weights]

    def pack(self, coefs, intercepts, dtype=None):
        """A new flat vector holding ``coefs`` and ``intercepts``."""
        dtype = dtype if dtype is not None else coefs[0].dtype
        flat = np.zeros(self.n_params, dtype=dtype)
        for view, value in zip(self.weights(flat), coefs):
            view[...] = value
        for view, value in zip(self.biases(flat), intercepts):
            view[...] = value
        return flat

    def __repr__(self):
        return f"ParamLayout({self.layer_units}, batch_norm={self.batch_norm})"
