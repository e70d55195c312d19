"""Multiclass targets kept as class indices, one-hot only batch by batch.

A one-hot matrix of the training targets costs ``n_samples * n_classes``
floats, as much as ten input features for ten classes. The training loop
only ever needs the rows of one batch, so the estimators keep the class
index of each sample and write the one-hot rows of a batch into the batch's
buffer.
"""

import numpy as np

__all__ = ["OneHotLabels"]


class OneHotLabels:
    """Stand-in for a one-hot target matrix, stored as class indices.

    Indexing rows (a slice or an index array, as ``train_test_split`` does)
    returns another :class:`OneHotLabels`; :meth:`take` writes dense rows
    into a buffer and :meth:`toarray` builds the whole matrix.

    Parameters
    ----------
    codes : ndarray of shape (n_samples,)
        Class index of each sample, in ``[0, n_classes)``.
    n_classes : int
    dtype : numpy dtype
        Dtype of the dense rows (the dtype of the network).
    """

    ndim = 2

    def __init__(self, codes, n_classes, dtype):
        self.codes = codes
        self.n_classes = int(n_classes)
        self.dtype = np.dtype(dtype)

    @property
    def shape(self):
        return (self.codes.shape[0], self.n_classes)

    def __len__(self):
        return self.codes.shape[0]

    def __getitem__(self, rows):
        return OneHotLabels(self.codes[rows], self.n_classes, self.dtype)

    def take(self, rows, out=None):
        """Dense one-hot rows ``rows`` (slice or indices), into ``out``."""
        codes = self.codes[rows]
        if out is None:
            out = np.empty((codes.shape[0], self.n_classes), dtype=self.dtype)
        out[...] = 0
        out[np.arange(codes.shape[0]), codes] = 1
        return out

    def toarray(self):
        """The whole one-hot matrix."""
        return self.take(slice(None))
