"""One flat parameter buffer with per-layer views."""

import numpy as np

__all__ = ["ParamLayout"]


class ParamLayout:
    """Where each layer's weights and biases live in one flat vector.

    All weight matrices come first (layer by layer, row-major), then all bias
    vectors, so the penalty, which skips the biases, acts on the single slice
    ``flat[:n_weights]``.

    Parameters
    ----------
    layer_units : sequence of int
        Units per layer, input first, output last.
    """

    def __init__(self, layer_units):
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
        self.n_params = int(self.bias_offsets[-1])

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
        return [
            flat[start:stop]
            for start, stop in zip(self.bias_offsets[:-1], self.bias_offsets[1:])
        ]

    def weight_slice(self, flat):
        """The view of all weights (what a penalty acts on)."""
        return flat[: self.n_weights]

    def pack(self, coefs, intercepts, dtype=None):
        """A new flat vector holding ``coefs`` and ``intercepts``."""
        dtype = dtype if dtype is not None else coefs[0].dtype
        flat = np.empty(self.n_params, dtype=dtype)
        for view, value in zip(self.weights(flat), coefs):
            view[...] = value
        for view, value in zip(self.biases(flat), intercepts):
            view[...] = value
        return flat

    def __repr__(self):
        return f"ParamLayout({self.layer_units})"
