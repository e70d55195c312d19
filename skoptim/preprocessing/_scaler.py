"""StandardScaler: scikit-learn's standardization, exact chunk by chunk.

The statistics of each block of rows are summarized as per-feature moments
``(count, mean, M2)``, where ``M2`` is the (weighted) sum of squared
deviations from the mean, and merged with the pairwise update of Chan, Golub
and LeVeque (1979)::

    n = n_a + n_b
    delta = mean_b - mean_a
    mean = mean_a + delta * n_b / n
    M2 = M2_a + M2_b + delta**2 * n_a * n_b / n

Each mean is kept as an unevaluated sum ``hi + lo`` of two float64 numbers
(``hi`` is ``mean_``, ``lo`` a private correction): the ``delta`` between two
means of 1e8 that differ in their 12th digit is then exact instead of
rounded to the spacing of float64 numbers near 1e8. Within a call the block
moments are merged as a balanced binary tree, so rounding errors grow with
the logarithm of the number of blocks.
"""

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils.validation import (
    FLOAT_DTYPES,
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

__all__ = ["StandardScaler"]

_EPS = np.finfo(np.float64).eps

# Elements per block of rows: a float64 block and its deviations fit in the
# L2 cache, so each row is read from memory once per pass over the data.
_BLOCK_ELEMENTS = 1 << 16

# Values per row of the wide view that C-ordered transforms work on.
_FOLD_ELEMENTS = 1024

# What the fit has to compute: counts only, counts and means, or all three.
_COUNT, _MEAN, _VAR = 0, 1, 2

_SPARSE_CENTER_MSG = (
    "Cannot {verb} sparse matrices: pass `with_mean=False` instead, which "
    "only scales the columns. {Verb}ing would turn every implicit zero into a "
    "non-zero value and make the matrix dense."
)


# ----------------------------------------------------------------------
# moments


class _Moments(NamedTuple):
    """Per-feature summary of some rows: weight, mean ``hi + lo`` and M2.

    ``hi``, ``lo`` and ``m2`` are None when not computed; features with zero
    count have ``hi = lo = m2 = 0``.
    """

    count: np.ndarray
    hi: np.ndarray | None = None
    lo: np.ndarray | None = None
    m2: np.ndarray | None = None


def _two_sum(a, b):
    """Return ``s = fl(a + b)`` and the exact rounding error ``a + b - s``."""
    s = a + b
    b_virtual = s - a
    a_virtual = s - b_virtual
    return s, (a - a_virtual) + (b - b_virtual)


def _safe_divide(num, den):
    """``num / den`` with 0 where ``den`` is 0."""
    return np.divide(num, den, out=np.zeros(np.shape(num)), where=den != 0)


def _from_sums(count, shift, dev_sum, sq_sum, need):
    """Moments from sums of the deviations ``d = x - shift`` of some rows.

    ``mean = shift + sum(d) / count`` and ``M2 = sum(d**2) - sum(d)**2 /
    count``: the corrected two-pass formula, exact to first order in the
    error of ``shift``.
    """
    if need == _COUNT:
        return _Moments(count)
    offset = _safe_divide(dev_sum, count)
    hi, lo = _two_sum(shift, offset)
    m2 = None if need < _VAR else np.maximum(sq_sum - dev_sum * offset, 0.0)
    return _Moments(count, hi, lo, m2)


def _merge(a, b):
    """Chan, Golub and LeVeque's pairwise merge of two moment summaries."""
    if a.hi is None:
        return _Moments(a.count + b.count)
    count = a.count + b.count
    frac = _safe_divide(b.count, count)
    delta = (b.hi - a.hi) + (b.lo - a.lo)
    hi, lo = _two_sum(a.hi, a.lo + delta * frac)
    m2 = None
    if a.m2 is not None:
        m2 = a.m2 + b.m2 + delta * delta * a.count * frac
    # A side with zero count must not perturb the other one, not even by the
    # rounding of ``hi + lo`` above.
    only_a, only_b = b.count == 0, a.count == 0
    return _Moments(
        count,
        np.where(only_a, a.hi, np.where(only_b, b.hi, hi)),
        np.where(only_a, a.lo, np.where(only_b, b.lo, lo)),
        None if m2 is None else np.where(only_a, a.m2, np.where(only_b, b.m2, m2)),
    )


def _weighted_sum(a, weights):
    """Column sums of ``a``, weighted by ``weights`` (None: unweighted)."""
    return a.sum(axis=0) if weights is None else weights @ a


def _raise_if_infinite(X):
    """Raise scikit-learn's error if ``X`` holds an infinite value."""
    if np.isinf(X).any():
        raise ValueError(
            f"Input X contains infinity or a value too large for {X.dtype!r}."
        )


def _weighted_square_sum(dev, weights):
    """Column sums of ``dev**2`` (weighted); may overwrite ``dev``."""
    if weights is None:
        return np.einsum("ij,ij->j", dev, dev)
    np.multiply(dev, dev, out=dev)
    return weights @ dev


def _deviation_moments(dev, weights, count, shift, need):
    """Moments from the deviations ``dev = block - shift`` (overwritten)."""
    dev_sum = _weighted_sum(dev, weights)
    sq_sum = _weighted_square_sum(dev, weights) if need == _VAR else None
    return _from_sums(count, shift, dev_sum, sq_sum, need)


def _block_moments(block, weights, need, work):
    """Moments of a float64 block of rows (``weights``: float64 or None).

    The column sums double as the finite check: they are finite unless the
    block holds a NaN or an infinite value (or overflows, which the NaN
    path handles too). ``work`` is scratch space for the deviations.
    """
    with np.errstate(invalid="ignore", over="ignore"):  # inf or huge values
        sums = _weighted_sum(block, weights)
    if not np.isfinite(sums).all():
        _raise_if_infinite(block)
        return _nan_block_moments(block, weights, need, work)
    total = block.shape[0] if weights is None else weights.sum()
    count = np.full(block.shape[1], float(total))
    if need == _COUNT:
        return _Moments(count)
    shift = _safe_divide(sums, count)
    dev = np.subtract(block, shift, out=work[: block.shape[0]])
    return _deviation_moments(dev, weights, count, shift, need)


def _nan_block_moments(block, weights, need, work):
    """Moments of a block with missing values, which are left out."""
    missing = np.isnan(block)
    count = _weighted_sum(~missing, weights).astype(np.float64)
    if need == _COUNT:
        return _Moments(count)
    filled = np.where(missing, 0.0, block)
    shift = _safe_divide(_weighted_sum(filled, weights), count)
    dev = np.subtract(filled, shift, out=work[: block.shape[0]])
    dev[missing] = 0.0
    return _deviation_moments(dev, weights, count, shift, need)


def _block_rows(n_features):
    """Rows per block: about ``_BLOCK_ELEMENTS`` values."""
    return max(1, _BLOCK_ELEMENTS // max(n_features, 1))


def _tree_merge(moments):
    """Merge an iterable of moments as a balanced binary tree.

    A binary counter: the stack holds at most one summary per level, so the
    memory is logarithmic in the number of blocks.
    """
    stack = []
    for item in moments:
        level = 0
        while stack and stack[-1][0] == level:
            item = _merge(stack.pop()[1], item)
            level += 1
        stack.append((level, item))
    total = stack.pop()[1]
    while stack:
        total = _merge(stack.pop()[1], total)
    return total


def _dense_moments(X, weights, need):
    """Moments of a dense array, one cache-sized block of rows at a time.

    Blocks of float32 (or float16) input are converted to float64 in a
    reused buffer before any arithmetic.
    """
    n_rows, n_features = X.shape
    step = _block_rows(n_features)
    work = np.empty((min(step, n_rows), n_features))
    as64 = None if X.dtype == np.float64 else np.empty_like(work)

    def blocks():
        for start in range(0, n_rows, step):
            rows = slice(start, start + step)
            block = X[rows]
            if as64 is not None:
                block = as64[: block.shape[0]]
                block[...] = X[rows]
            w = None if weights is None else weights[rows]
            yield _block_moments(block, w, need, work)

    return _tree_merge(blocks())


def _sparse_coordinates(X):
    """Row and column index of every stored value of a CSR or CSC matrix."""
    major = X.shape[0] if X.format == "csr" else X.shape[1]
    outer = np.repeat(np.arange(major), np.diff(X.indptr))
    if X.format == "csr":
        return outer, X.indices
    return X.indices, outer


def _sparse_moments(X, weights, need):
    """Moments of a CSR or CSC matrix, implicit zeros included."""
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    n_rows, n_features = X.shape
    rows, cols = _sparse_coordinates(X)
    data = X.data.astype(np.float64)
    entry_w = np.ones_like(data) if weights is None else weights[rows]
    total = float(n_rows if weights is None else weights.sum())
    missing = np.isnan(data)
    nan_w = np.bincount(cols[missing], weights=entry_w[missing], minlength=n_features)
    count = total - nan_w
    if need == _COUNT:
        return _Moments(count)
    # Weight of the implicit zeros: exactly 0 when a column is fully stored.
    n_implicit = n_rows - np.bincount(cols, minlength=n_features)
    stored_w = np.bincount(cols, weights=entry_w, minlength=n_features)
    implicit_w = np.where(n_implicit > 0, total - stored_w, 0.0)
    keep = ~missing
    data, cols, entry_w = data[keep], cols[keep], entry_w[keep]

    def column_sums(values):
        return np.bincount(cols, weights=entry_w * values, minlength=n_features)

    shift = _safe_divide(column_sums(data), count)
    dev = data - shift[cols]
    dev_sum = column_sums(dev) - implicit_w * shift
    sq_sum = column_sums(dev * dev) + implicit_w * shift * shift
    return _from_sums(count, shift, dev_sum, sq_sum, need)


def _is_constant(var, mean, count):
    """Features whose variance is indistinguishable from rounding noise.

    The bound is the one scikit-learn uses: the error of a float64 variance
    computed from ``count`` samples is at most about
    ``count * eps * var + (count * eps * |mean|)**2``.
    """
    bound = count * _EPS * var + (count * mean * _EPS) ** 2
    return var <= bound


# ----------------------------------------------------------------------
# transforms on dense blocks


def _check_finite_block(block):
    """Raise on infinite values; a cheap sum screens blocks without any."""
    if not np.isfinite(block.sum()):
        _raise_if_infinite(block)


def _standardize_block(src, dst, mean, scale):
    """``dst = (src - mean) / scale``, in the order scikit-learn rounds it."""
    if mean is not None:
        src = np.subtract(src, mean, out=dst)
    if scale is not None:
        src = np.divide(src, scale, out=dst)
    if src is not dst:
        np.copyto(dst, src)


def _unstandardize_block(src, dst, mean, scale):
    """``dst = src * scale + mean``, in the order scikit-learn rounds it."""
    if scale is not None:
        src = np.multiply(src, scale, out=dst)
    if mean is not None:
        src = np.add(src, mean, out=dst)
    if src is not dst:
        np.copyto(dst, src)


def _fold_rows(X, out):
    """How many rows to view as one when both arrays are C-ordered.

    A block of ``k`` rows of ``n_features`` values is then processed as
    ``k / fold`` rows of ``fold * n_features`` values against parameters
    tiled ``fold`` times: numpy's inner loop runs over about
    ``_FOLD_ELEMENTS`` values instead of ``n_features``.
    """
    if not (X.flags.c_contiguous and out.flags.c_contiguous):
        return 1
    return max(1, _FOLD_ELEMENTS // X.shape[1])


def _map_blocks(X, X_in, copy, func, mean, scale):
    """Apply ``func`` block by block, writing in place when allowed.

    In place when ``copy`` is False, or when validation already made ``X`` a
    new array (a dtype conversion of the ndarray ``X_in``); otherwise into a
    new array of the same layout.
    """
    fresh = isinstance(X_in, np.ndarray) and not np.may_share_memory(X, X_in)
    out = X if (not copy or fresh) else np.empty_like(X)
    n_rows, n_features = X.shape
    fold = _fold_rows(X, out)
    step = max(fold, _block_rows(n_features) // fold * fold)
    tiled = [None if p is None else np.tile(p, fold) for p in (mean, scale)]
    for start in range(0, n_rows, step):
        src, dst = X[start : start + step], out[start : start + step]
        _check_finite_block(src)
        if src.shape[0] % fold == 0:
            wide = (-1, fold * n_features)
            func(src.reshape(wide), dst.reshape(wide), *tiled)
        else:
            func(src, dst, mean, scale)
    return out


def _float64_weights(sample_weight, X):
    """Validated sample weights in float64, or None.

    As in scikit-learn, the weights are first rounded to the dtype of ``X``
    (float32 data, float32 weights); unlike it, negative ones are refused.
    """
    if sample_weight is None:
        return None
    weights = _check_sample_weight(
        sample_weight, X, dtype=X.dtype, ensure_non_negative=True
    )
    return weights.astype(np.float64)


def _scale_sparse_columns(X, factors):
    """Multiply each column of a CSR or CSC matrix by ``factors``, in place."""
    X.data *= factors[_sparse_coordinates(X)[1]]
    return X


# ----------------------------------------------------------------------
# the estimator


class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardize features by removing the mean and scaling to unit variance.

    The standard score of a sample ``x`` is::

        z = (x - mean) / scale

    where ``mean`` is the (weighted) mean of the training samples, or 0 with
    ``with_mean=False``, and ``scale`` their (weighted, population) standard
    deviation, or 1 with ``with_std=False``. Missing values (NaN) are left out
    of the statistics and kept as NaN by :meth:`transform`.

    A drop-in equivalent of :class:`sklearn.preprocessing.StandardScaler`:
    same parameters, attributes and outputs (equal to about 1e-12 relative),
    and better at streams: :meth:`partial_fit` summarizes every chunk by its
    per-feature ``(count, mean, M2)``, ``M2`` the sum of squared deviations
    from the chunk's mean, and merges summaries with the pairwise formula of
    Chan, Golub and LeVeque, keeping each mean as a float64 pair ``hi + lo``.
    Fitting chunk by chunk therefore gives the one-shot statistics to
    rounding, whatever the chunking, even when the mean is large against the
    spread (1e8 plus noise of 1e-3); float32 input is accumulated in float64.
    scikit-learn merges sums instead, whose difference loses digits there.
    One pass reads every row once, block by block in cache, so fitting a
    large array is also faster.

    Parameters
    ----------
    copy : bool, default=True
        If False, :meth:`transform` and :meth:`inverse_transform` overwrite a
        float ndarray or sparse matrix in place instead of copying it (input
        that must be converted is still copied).
    with_mean : bool, default=True
        Center the data before scaling. Must be False for sparse input:
        centering would make every implicit zero non-zero.
    with_std : bool, default=True
        Scale the data to unit variance.

    Attributes
    ----------
    scale_ : ndarray of shape (n_features,) or None
        Per-feature scale, ``sqrt(var_)``, or 1 for features whose variance
        is zero up to rounding (constant features). None when
        ``with_std=False``. Float64, also for float32 input.
    mean_ : ndarray of shape (n_features,) or None
        Per-feature mean of the training samples; None when both
        ``with_mean`` and ``with_std`` are False. NaN for a feature with no
        non-missing value.
    var_ : ndarray of shape (n_features,) or None
        Per-feature population variance; None when ``with_std=False``.
    n_samples_seen_ : int, float or ndarray of shape (n_features,)
        Number of samples seen (an integer) or, when ``sample_weight`` was
        given, the sum of their weights (a float). An array of the
        per-feature counts when missing values made them differ. Reset by
        :meth:`fit`, incremented by :meth:`partial_fit`.
    n_features_in_ : int
        Number of features seen during :meth:`fit`.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :meth:`fit`, when ``X`` has feature
        names that are all strings.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The reference implementation.

    Notes
    -----
    Deliberate differences from scikit-learn 1.9:

    - CSC input gives CSC output (scikit-learn converts it to CSR);
    - sparse float32 input is accumulated in float64, like dense input
      (scikit-learn's sparse path accumulates it in float32, to about 1e-8);
    - without sample weights ``n_samples_seen_`` is an integer (scikit-learn
      returns an integer-valued float when it computes statistics); with
      ``with_mean=False, with_std=False`` it sums the sample weights, as in
      every other setting (scikit-learn counts rows there);
    - negative sample weights are rejected: they can make a variance
      negative;
    - a feature entirely missing in earlier chunks takes its statistics from
      later ones (scikit-learn's stay NaN).

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.preprocessing import StandardScaler
    >>> X = np.array([[0.0, 10.0], [2.0, 10.0], [4.0, 10.0]])
    >>> scaler = StandardScaler().fit(X)
    >>> scaler.mean_
    array([ 2., 10.])
    >>> scaler.scale_  # the constant feature keeps scale 1
    array([1.63299316, 1.        ])
    >>> scaler.transform([[2.0, 10.0], [6.0, 12.0]])
    array([[0.        , 0.        ],
           [2.44948974, 2.        ]])

    Chunk by chunk gives the same statistics:

    >>> stream = StandardScaler()
    >>> for chunk in np.array_split(X, 3):
    ...     stream = stream.partial_fit(chunk)
    >>> np.allclose(stream.var_, scaler.var_, rtol=1e-12), stream.n_samples_seen_
    (True, np.int64(3))
    """

    _parameter_constraints: dict = {
        "copy": ["boolean"],
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
    }

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    # ------------------------------------------------------------------
    # fitting

    def _reset(self):
        """Forget the statistics of earlier calls."""
        for name in ("mean_", "var_", "scale_", "n_samples_seen_", "_mean_lo"):
            if hasattr(self, name):
                delattr(self, name)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Compute the mean and standard deviation of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; NaNs are left out of the statistics. Sparse input
            (CSR or CSC) needs ``with_mean=False``.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : StandardScaler
            The fitted scaler.
        """
        self._reset()
        return self._partial_fit(X, sample_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the mean and standard deviation with one chunk of samples.

        The statistics after any sequence of chunks equal those of one
        :meth:`fit` on their concatenation, to rounding.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A chunk of training data; NaNs are left out of the statistics.
            Sparse input (CSR or CSC) needs ``with_mean=False``.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : StandardScaler
            The updated scaler.
        """
        return self._partial_fit(X, sample_weight)

    def _partial_fit(self, X, sample_weight):
        first_call = not hasattr(self, "n_samples_seen_")
        X = validate_data(
            self,
            X,
            reset=first_call,
            accept_sparse=("csr", "csc"),
            dtype=FLOAT_DTYPES,
            ensure_all_finite="allow-nan" if sp.issparse(X) else False,
        )
        if sp.issparse(X):
            self._refuse_sparse_centering("center")
        weights = _float64_weights(sample_weight, X)
        need = _VAR if self.with_std else (_MEAN if self.with_mean else _COUNT)
        compute = _sparse_moments if sp.issparse(X) else _dense_moments
        moments = compute(X, weights, need)
        weighted = weights is not None
        if not first_call:
            moments = _merge(self._previous_moments(need), moments)
            weighted = weighted or np.asarray(self.n_samples_seen_).dtype.kind == "f"
        self._store(moments, weighted)
        return self

    def _previous_moments(self, need):
        """The moments of earlier calls, rebuilt from the fitted attributes."""
        count = np.broadcast_to(
            np.asarray(self.n_samples_seen_, dtype=np.float64), (self.n_features_in_,)
        ).copy()
        if need == _COUNT:
            return _Moments(count)
        seen = count > 0
        hi = np.where(seen, self.mean_, 0.0)
        lo = np.where(seen, self._mean_lo, 0.0)
        m2 = np.where(seen, self.var_ * count, 0.0) if need == _VAR else None
        return _Moments(count, hi, lo, m2)

    def _store(self, moments, weighted):
        """Set the fitted attributes from the merged moments."""
        count = moments.count
        seen = count if weighted else count.astype(np.int64)
        self.n_samples_seen_ = seen[0] if np.ptp(seen) == 0 else seen
        self.mean_ = self.var_ = self.scale_ = None
        if moments.hi is None:
            return
        empty = count == 0
        self.mean_ = np.where(empty, np.nan, moments.hi)
        self._mean_lo = moments.lo
        if moments.m2 is None:
            return
        self.var_ = np.where(empty, np.nan, moments.m2 / np.where(empty, 1.0, count))
        constant = _is_constant(self.var_, self.mean_, count)
        self.scale_ = np.where(constant, 1.0, np.sqrt(self.var_))

    # ------------------------------------------------------------------
    # transforming

    def transform(self, X, copy=None):
        """Standardize ``X``: ``(X - mean_) / scale_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to scale; NaNs stay NaN. Sparse input (CSR or CSC, kept in
            its format) needs ``with_mean=False``.
        copy : bool, default=None
            Copy the input; None uses the ``copy`` parameter.

        Returns
        -------
        X_tr : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Standardized data, float32 for float32 input.
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        if sp.issparse(X):
            X = validate_data(self, X, reset=False, **self._sparse_checks(copy))
            self._refuse_sparse_centering("center")
            if self.scale_ is not None:
                _scale_sparse_columns(X, 1.0 / self.scale_)
            return X
        X_in = X
        X = validate_data(self, X, reset=False, **self._dense_checks(copy))
        return _map_blocks(X, X_in, copy, _standardize_block, *self._params_as(X))

    def inverse_transform(self, X, copy=None):
        """Undo the standardization: ``X * scale_ + mean_``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Standardized data. Sparse input (CSR or CSC, kept in its format)
            needs ``with_mean=False``.
        copy : bool, default=None
            Copy the input; None uses the ``copy`` parameter.

        Returns
        -------
        X_original : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Data in the original units.
        """
        check_is_fitted(self)
        copy = self.copy if copy is None else copy
        X_in = X
        if sp.issparse(X):
            X = check_array(X, **self._sparse_checks(copy))
        else:
            X = check_array(X, **self._dense_checks(copy))
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )
        if sp.issparse(X):
            self._refuse_sparse_centering("uncenter")
            if self.scale_ is not None:
                _scale_sparse_columns(X, self.scale_)
            return X
        return _map_blocks(X, X_in, copy, _unstandardize_block, *self._params_as(X))

    def _params_as(self, X):
        """Mean (None without centering) and scale in the dtype of ``X``.

        float32 data is transformed in float32 arithmetic, as scikit-learn
        does, so the outputs agree to the last bit.
        """
        mean = self.mean_ if self.with_mean else None
        return [None if p is None else p.astype(X.dtype) for p in (mean, self.scale_)]

    def _refuse_sparse_centering(self, verb):
        """Sparse input cannot be centered: raise if ``with_mean``."""
        if self.with_mean:
            raise ValueError(
                _SPARSE_CENTER_MSG.format(verb=verb, Verb=verb.capitalize())
            )

    @staticmethod
    def _sparse_checks(copy):
        """Validation of sparse input: finite check done by scikit-learn."""
        return dict(
            accept_sparse=("csr", "csc"),
            copy=copy,
            dtype=FLOAT_DTYPES,
            ensure_all_finite="allow-nan",
        )

    @staticmethod
    def _dense_checks(copy):
        """Validation of dense input: the finite check is fused in the pass."""
        return dict(
            dtype=FLOAT_DTYPES,
            copy=False,
            force_writeable=not copy,
            ensure_all_finite=False,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = not self.with_mean
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
