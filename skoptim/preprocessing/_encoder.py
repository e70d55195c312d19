"""One-hot encoding of nominal features, equal to scikit-learn's ``OneHotEncoder``.

The encoder learns the sorted categories of each column, then turns every
value into a column index with whole-array operations:

- numeric columns: a lookup table over the integer range when it is small,
  ``np.searchsorted`` on the sorted categories otherwise;
- string and other object columns: the Python hash of every value, looked up
  in an open-addressing table of the categories' hashes that is probed with
  array operations, and an equality check that makes hash collisions
  harmless. ``None`` is an ordinary category; NaN, which equals nothing, is
  matched by a NaN test.

No Python code runs once per row.
"""

import numbers
import warnings
from numbers import Integral

import numpy as np
from scipy import sparse
from sklearn import get_config
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

__all__ = ["OneHotEncoder"]

#: Name of the output column that groups a feature's infrequent categories.
INFREQUENT_NAME = "infrequent_sklearn"

_NUMERIC_KINDS = "biuf"
_MAX_LISTED = 10  # values and sample indices listed in an error message
_MAX_TABLE = 1 << 22  # largest integer lookup table (int32 entries)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # multiplier of Fibonacci hashing


# ----------------------------------------------------------------------------
# Input
# ----------------------------------------------------------------------------


def _is_dataframe(X):
    """Whether X is a pandas-like DataFrame, whose columns keep their dtype."""
    return hasattr(X, "iloc") and getattr(X, "ndim", 0) == 2


def _split_columns(X):
    """Validate X and return one 1-D array per feature, and the sample count.

    pandas columns are validated one by one so each keeps its dtype (a
    column of ints stays int64 next to a column of strings). Other input is
    validated as one array; a list of strings becomes an object array so
    long labels are never truncated.
    """
    finite = "allow-nan"
    if _is_dataframe(X):
        columns = [
            check_array(
                X.iloc[:, i], ensure_2d=False, dtype=None, ensure_all_finite=finite
            )
            for i in range(X.shape[1])
        ]
        return columns, X.shape[0]
    array = check_array(X, dtype=None, ensure_all_finite=finite)
    if not hasattr(X, "dtype") and array.dtype.kind == "U":
        array = check_array(X, dtype=object, ensure_all_finite=finite)
    return [array[:, i] for i in range(array.shape[1])], array.shape[0]


# ----------------------------------------------------------------------------
# Missing values and value listings
# ----------------------------------------------------------------------------


def _is_nan(value):
    """Whether a scalar is a real NaN (``None`` and ``pd.NA`` are not)."""
    return isinstance(value, numbers.Real) and value != value


def _nan_mask(values):
    """Which entries of a 1-D array are a real NaN."""
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind != "O":
        return np.zeros(values.shape, dtype=bool)
    try:
        # only NaN compares unequal to itself among strings, numbers and None
        candidates = np.asarray(values != values, dtype=bool)
    except (TypeError, ValueError):  # e.g. pd.NA, whose truth value is ambiguous
        candidates = np.ones(values.shape, dtype=bool)
    where = np.flatnonzero(candidates)
    if where.size and not all(
        issubclass(t, numbers.Real) for t in set(map(type, values[where]))
    ):  # something else unequal to itself: test each candidate
        exact = np.frompyfunc(_is_nan, 1, 1)(values[where]).astype(bool)
        candidates[where[~exact]] = False
    return candidates


def _describe_values(values):
    """A short, sorted listing of distinct values for an error message."""
    if values.dtype.kind == "O":
        distinct = list(set(values[~_nan_mask(values)].tolist()))
        regular = [v for v in distinct if v is not None]
        try:
            regular.sort()
        except TypeError:
            regular.sort(key=repr)
        listed = regular + [None] * (len(regular) < len(distinct))
        listed += [np.nan] * bool(_nan_mask(values).any())
    else:
        listed = np.unique(values).tolist()
    shown = repr(listed[:_MAX_LISTED])
    if len(listed) > _MAX_LISTED:
        shown = f"{shown[:-1]}, ...] ({len(listed)} distinct values)"
    return shown


def _describe_rows(rows):
    """A short listing of sample indices for an error message."""
    shown = rows[:_MAX_LISTED].tolist()
    more = f" and {rows.size - _MAX_LISTED} more" if rows.size > _MAX_LISTED else ""
    return f"{shown}{more}"


# ----------------------------------------------------------------------------
# Categories
# ----------------------------------------------------------------------------


def _type_error(values, label):
    """The error for a column whose values cannot be sorted into categories."""
    types = sorted({type(v).__qualname__ for v in values.tolist()})
    return TypeError(
        f"Cannot sort the values of {label} into categories: the input argument "
        "must be uniformly strings or numbers (None and NaN are allowed as "
        f"missing values). Got values of types {types}."
    )


def _object_categories(values, label):
    """Sorted distinct values of an object column; then None, then NaN."""
    try:
        distinct = set(values.tolist())
        has_none = None in distinct
        regular = [v for v in distinct if v is not None and not _is_nan(v)]
        has_nan = len(regular) + has_none < len(distinct)
        regular.sort()
    except TypeError:
        raise _type_error(values, label) from None
    categories = np.empty(len(regular) + has_none + has_nan, dtype=object)
    categories[: len(regular)] = regular
    if has_none:
        categories[len(regular)] = None
    if has_nan:
        categories[-1] = np.nan
    return categories


def _auto_categories(values, label):
    """Sorted distinct values of a column, missing values last."""
    if values.dtype.kind == "O":
        return _object_categories(values, label)
    if values.dtype.kind in "US":
        # Python orders str and bytes like numpy, and a set is faster than a sort
        return np.array(sorted(set(values.tolist())), dtype=values.dtype)
    if values.dtype.kind in "iu":
        return _integer_categories(values)
    if values.dtype.kind == "f":
        return _float_categories(values)
    return np.unique(values)  # sorts NaN last and merges the NaNs


def _integer_categories(values, return_counts=False):
    """Sorted distinct integers: by counting when their range is small."""
    low, high = int(values.min()), int(values.max())
    if high - low >= min(_MAX_TABLE, 4 * values.size + (1 << 16)):
        return np.unique(values, return_counts=return_counts)
    wide = np.int64 if values.dtype.kind == "i" else np.uint64
    counts = np.bincount(values.astype(wide) - wide(low), minlength=high - low + 1)
    offsets = np.flatnonzero(counts)
    categories = (offsets.astype(wide) + wide(low)).astype(values.dtype)
    return (categories, counts[offsets]) if return_counts else categories


def _float_categories(values):
    """Sorted distinct floats, NaN last.

    The distinct bit patterns are found by hashing (numpy >= 2.3), then only
    those few are sorted; np.unique merges the NaNs. With both 0.0 and -0.0
    present, which one np.unique keeps depends on the order of the data, so
    that case sorts the whole column as scikit-learn does.
    """
    bits = {2: np.int16, 4: np.int32, 8: np.int64}.get(values.dtype.itemsize)
    if bits is None:
        return np.unique(values)
    try:
        patterns = np.unique(
            np.ascontiguousarray(values).view(bits), sorted=False
        ).view(values.dtype)
    except TypeError:  # numpy < 2.3
        return np.unique(values)
    if np.count_nonzero(patterns == 0) > 1:
        return np.unique(values)
    return np.unique(patterns)


def _auto_categories_and_counts(values, label):
    """Sorted distinct values of a column and how often each occurs."""
    if values.dtype.kind in "iu":
        return _integer_categories(values, return_counts=True)
    if values.dtype.kind == "f":
        return np.unique(values, return_counts=True)  # counts all NaNs as one
    categories = _auto_categories(values, label)
    return categories, _category_counts(values, categories)


def _category_counts(values, categories):
    """How often each category occurs in values."""
    codes, known = _encode(values, categories)
    return np.bincount(codes[known], minlength=categories.size)


# ----------------------------------------------------------------------------
# Encoding: the position of each value in a column's categories
# ----------------------------------------------------------------------------


def _encode(values, categories):
    """Position of each value among categories, and which values are known.

    Unknown values get position 0. Numbers and numbers, or numpy strings and
    sorted numpy strings, are matched by sorting order; anything else by
    hashing with Python's equality, like a ``set``.
    """
    kinds = values.dtype.kind + categories.dtype.kind
    if categories.size == 0:
        return np.zeros(values.size, dtype=np.intp), np.zeros(values.size, bool)
    if kinds[0] in _NUMERIC_KINDS and kinds[1] in _NUMERIC_KINDS:
        return _encode_numbers(values, categories)
    if kinds in ("UU", "SS") and _is_sorted(categories):
        return _encode_sorted(values, categories)
    return _encode_objects(
        values.astype(object, copy=False), categories.astype(object, copy=False)
    )


def _is_sorted(categories):
    """Whether a 1-D array is in ascending order."""
    return bool(np.all(categories[:-1] <= categories[1:]))


def _encode_numbers(values, categories):
    """Encode numbers against sorted numeric categories (NaN last, if any)."""
    table = _integer_table(values, categories)
    if table is not None:
        return _encode_by_table(values, categories[0], table)
    codes, known = _encode_sorted(values, categories)
    if values.dtype.kind == "f" and categories.dtype.kind == "f":
        if np.isnan(categories[-1]):
            nan_rows = np.isnan(values)
            codes[nan_rows] = categories.size - 1
            known |= nan_rows
    return codes, known


def _integer_table(values, categories):
    """A table from integer value to category position, when it is small."""
    kinds = values.dtype.kind + categories.dtype.kind
    if kinds not in ("ii", "uu") or categories.size == 0:
        return None
    low, high = int(categories[0]), int(categories[-1])
    if high - low >= min(_MAX_TABLE, 4 * values.size + (1 << 16)):
        return None
    table = np.full(high - low + 1, -1, dtype=np.int32)
    wide = np.int64 if categories.dtype.kind == "i" else np.uint64
    table[categories.astype(wide) - wide(low)] = np.arange(categories.size)
    return table


def _encode_by_table(values, low, table):
    """Encode integers by indexing a table that starts at value ``low``."""
    wide = np.int64 if values.dtype.kind == "i" else np.uint64
    values = values.astype(wide, copy=False)
    low = values.dtype.type(low)
    high = low + values.dtype.type(table.size - 1)
    inside = (values >= low) & (values <= high)
    if inside.all():
        codes = table[values - low].astype(np.intp)
    else:
        codes = np.full(values.size, -1, dtype=np.intp)
        codes[inside] = table[values[inside] - low]
    known = codes >= 0
    codes[~known] = 0
    return codes, known


def _encode_sorted(values, categories):
    """Encode by binary search in sorted categories of a comparable dtype."""
    codes = np.searchsorted(categories, values)
    np.minimum(codes, categories.size - 1, out=codes)
    known = np.asarray(categories[codes] == values, dtype=bool)
    codes[~known] = 0
    return codes, known


def _hashes(values):
    """Python hash of every element of an object array, as int64."""
    return np.fromiter(map(hash, values), dtype=np.int64, count=values.size)


def _home_slots(hashes, bits):
    """First slot of each hash in a table of ``2**bits`` slots."""
    mixed = hashes.view(np.uint64) * _GOLDEN
    return (mixed >> np.uint64(64 - bits)).astype(np.intp)


def _build_hash_table(hashes):
    """Open-addressing (linear probing) table of hash positions.

    Returns the table (slot -> position in ``hashes``, -1 when empty) and its
    size exponent. Keys are inserted in rounds: every key still pending
    tries its current slot, one key wins each free slot and the others move
    on to the next slot, so no key passes an empty slot.
    """
    bits = max(3, int(hashes.size).bit_length() + 2)  # load factor <= 1/4
    mask = (1 << bits) - 1
    table = np.full(1 << bits, -1, dtype=np.intp)
    pending = np.arange(hashes.size)
    slots = _home_slots(hashes, bits)
    while pending.size:
        free = np.flatnonzero(table[slots] < 0)
        won_slots, first = np.unique(slots[free], return_index=True)
        winners = free[first]
        table[won_slots] = pending[winners]
        lost = np.ones(pending.size, dtype=bool)
        lost[winners] = False
        pending, slots = pending[lost], (slots[lost] + 1) & mask
    return table, bits


def _probe(table, bits, keys, hashes):
    """Position of each hash among ``keys`` (the table's hashes), or -1."""
    mask = (1 << bits) - 1
    slot_keys = np.where(table >= 0, keys[table], 0)
    slots = _home_slots(hashes, bits)
    positions = table[slots]
    collided = np.flatnonzero((positions >= 0) & (slot_keys[slots] != hashes))
    positions[collided] = -1
    rows, slots = collided, (slots[collided] + 1) & mask
    while rows.size:  # linear probing, for the few rows that collided
        entry = table[slots]
        hit = (entry >= 0) & (slot_keys[slots] == hashes[rows])
        positions[rows[hit]] = entry[hit]
        more = (entry >= 0) & ~hit
        rows, slots = rows[more], (slots[more] + 1) & mask
    return positions


def _encode_objects(values, categories):
    """Encode an object column with Python equality (as ``set`` does).

    NaN, which equals nothing, can only be the last category.
    """
    n_hashable = categories.size - _is_nan(categories[-1])
    if n_hashable:
        codes, known = _encode_hashable(values, categories[:n_hashable])
    else:
        codes = np.zeros(values.size, dtype=np.intp)
        known = np.zeros(values.size, dtype=bool)
    if n_hashable < categories.size:
        unknown = np.flatnonzero(~known)
        nan_rows = unknown[_nan_mask(values[unknown])]
        codes[nan_rows] = n_hashable
        known[nan_rows] = True
    return codes, known


def _encode_hashable(values, categories):
    """Encode values against categories that equal themselves (no NaN)."""
    keys = _hashes(categories)
    table, bits = _build_hash_table(keys)
    hashes = _hashes(values)
    codes = _probe(table, bits, keys, hashes)
    known = codes >= 0
    if known.all():
        known = _equal_elements(categories[codes], values)
    else:
        rows = np.flatnonzero(known)
        equal = _equal_elements(categories[codes[rows]], values[rows])
        known[rows[~equal]] = False
    codes[~known] = 0
    _resolve_equal_hashes(values, categories, keys, hashes, codes, known)
    return codes, known


def _equal_elements(a, b):
    """Elementwise equality of object arrays, as a ``set`` decides it.

    Like ``set`` membership, an object is equal to itself even when its
    ``==`` is not a bool (e.g. ``pd.NA``).
    """
    try:
        return np.asarray(a == b, dtype=bool)
    except (TypeError, ValueError):
        return np.frompyfunc(_same, 2, 1)(a, b).astype(bool)


def _same(a, b):
    """``a is b or a == b`` as a bool, False when ``==`` cannot decide."""
    return a is b or _equals(a, b)


def _resolve_equal_hashes(values, categories, keys, hashes, codes, known):
    """Match values against categories that share a hash with another one.

    The table finds one category per hash (for example ``-1`` and ``-2``
    have the same hash); values equal to another category with that hash
    are matched here, one such category at a time.
    """
    _, group, counts = np.unique(keys, return_inverse=True, return_counts=True)
    shared = np.flatnonzero(counts[group] > 1)
    for position in shared:
        rows = np.flatnonzero(~known & (hashes == keys[position]))
        equal = _equal_elements(values[rows], categories[position : position + 1])
        codes[rows[equal]] = position
        known[rows[equal]] = True


# ----------------------------------------------------------------------------
# Infrequent categories
# ----------------------------------------------------------------------------


def _infrequent_positions(counts, n_samples, min_frequency, max_categories):
    """Positions of the infrequent categories of a feature, or None.

    A category is infrequent when it occurs fewer than ``min_frequency``
    times (a fraction of ``n_samples`` when a float). With
    ``max_categories``, only the ``max_categories - 1`` most frequent
    categories stay; among equal counts the later category stays.
    """
    if isinstance(min_frequency, Integral):
        rare = counts < min_frequency
    elif min_frequency is not None:
        rare = counts < min_frequency * n_samples
    else:
        rare = np.zeros(counts.size, dtype=bool)
    n_outputs = counts.size - rare.sum() + 1  # frequent ones and the group
    if max_categories is not None and max_categories < n_outputs:
        n_frequent = max_categories - 1
        if n_frequent == 0:
            rare[:] = True
        else:
            rare[np.argsort(counts, kind="stable")[:-n_frequent]] = True
    positions = np.flatnonzero(rare)
    return positions if positions.size else None


def _grouping(n_categories, infrequent):
    """Map category position -> output position, infrequent ones last."""
    rare = np.zeros(n_categories, dtype=bool)
    rare[infrequent] = True
    grouping = np.cumsum(~rare) - 1
    grouping[rare] = n_categories - infrequent.size
    return grouping


# ----------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------


def _index_dtype(*sizes):
    """int32 when every index fits, like scikit-learn's sparse output."""
    return np.int32 if max(sizes) < np.iinfo(np.int32).max else np.int64


def _one_hot(columns, known, n_outputs, dtype, sparse_output):
    """One-hot matrix from the output column of every cell.

    ``columns`` (n_samples, n_features) holds output column indices;
    ``known`` marks the cells that get a one (None when all do).
    """
    n_samples = columns.shape[0]
    if not sparse_output:
        out = np.zeros((n_samples, n_outputs), dtype=dtype)
        flat = columns + (np.arange(n_samples, dtype=np.int64) * n_outputs)[:, None]
        out.reshape(-1)[flat if known is None else flat[known]] = 1
        return out
    if known is None:
        indices = columns.reshape(-1)
        step = columns.shape[1]
        indptr = np.arange(0, n_samples * step + 1, step, dtype=columns.dtype)
    else:
        indices = columns[known]
        indptr = np.zeros(n_samples + 1, dtype=columns.dtype)
        np.cumsum(known.sum(axis=1), out=indptr[1:])
    data = np.ones(indices.size, dtype=dtype)
    shape = (n_samples, n_outputs)
    if get_config().get("sparse_interface", "spmatrix") == "sparray":
        return sparse.csr_array((data, indices, indptr), shape=shape)
    return sparse.csr_matrix((data, indices, indptr), shape=shape)


# ----------------------------------------------------------------------------
# The estimator
# ----------------------------------------------------------------------------


class OneHotEncoder(TransformerMixin, BaseEstimator):
    """Encode categorical features as a one-hot numeric array.

    A drop-in equal of :class:`sklearn.preprocessing.OneHotEncoder`: same
    parameters, attributes, outputs, infrequent-category grouping and
    errors, with vectorized encoding (no Python loop over rows) and error
    messages that name the column.

    Parameters
    ----------
    categories : 'auto' or list of array-like, default='auto'
        Categories per feature. ``'auto'`` takes the sorted distinct values
        seen in ``fit`` (``None`` then NaN last). A list gives the
        categories of feature ``i`` in ``categories[i]``; numeric categories
        must be sorted, NaN may only come last.
    drop : {'first', 'if_binary'} or array-like of shape (n_features,), \
            default=None
        A category to drop per feature, whose rows become all zeros:
        ``'first'``, ``'if_binary'`` (the first, only for features with
        two output columns) or one given category per feature. If the first
        category is infrequent, ``'first'`` drops the first frequent one
        (or the infrequent group if all are infrequent).
    sparse_output : bool, default=True
        Return a SciPy CSR matrix; otherwise a dense array.
    dtype : number type, default=np.float64
        Data type of the output.
    handle_unknown : {'error', 'ignore', 'infrequent_if_exist', 'warn'}, \
            default='error'
        What ``transform`` does with a category not seen in ``fit``:
        ``'error'`` raises; ``'ignore'`` encodes it as all zeros;
        ``'infrequent_if_exist'`` encodes it as the infrequent group of its
        feature if there is one, else as all zeros; ``'warn'`` does the same
        as ``'infrequent_if_exist'`` and warns. With ``drop``, ``'ignore'``
        and ``'infrequent_if_exist'`` warn too, since all zeros then also
        mean the dropped category.
    min_frequency : int or float, default=None
        Categories seen fewer than ``min_frequency`` times (a fraction of the
        samples when a float in (0, 1)) are grouped as infrequent.
    max_categories : int, default=None
        Most output columns per feature, the infrequent group included; the
        least frequent categories are grouped (ties: the earlier category
        is grouped first).
    feature_name_combiner : 'concat' or callable, default='concat'
        Builds an output feature name from an input feature name and a
        category: ``'concat'`` gives ``f"{feature}_{category}"``; a callable
        ``(feature, category) -> str``.

    Attributes
    ----------
    categories_ : list of ndarray
        The categories of each feature, in output order (before dropping
        and grouping).
    drop_idx_ : ndarray of shape (n_features,) or None
        Position in ``categories_[i]`` of the dropped category of feature
        ``i`` (None for a feature without one); None when ``drop=None``.
    infrequent_categories_ : list of ndarray or None
        The infrequent categories of each feature (None where there are
        none). Only defined when ``min_frequency`` or ``max_categories`` is
        set.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen in ``fit``, when they are all strings.

    See Also
    --------
    sklearn.preprocessing.OneHotEncoder : The encoder this one equals.
    skoptim.preprocessing.StandardScaler : Standardizes numeric features.

    Examples
    --------
    >>> from skoptim.preprocessing import OneHotEncoder
    >>> X = [["red", 1], ["green", 2], ["red", 3], ["blue", 2]]
    >>> enc = OneHotEncoder(sparse_output=False).fit(X)
    >>> enc.categories_
    [array(['blue', 'green', 'red'], dtype=object), array([1, 2, 3], dtype=object)]
    >>> enc.transform([["green", 3]])
    array([[0., 1., 0., 0., 0., 1.]])
    >>> enc.get_feature_names_out(["color", "size"]).tolist()
    ['color_blue', 'color_green', 'color_red', 'size_1', 'size_2', 'size_3']
    >>> enc.inverse_transform([[0, 0, 1, 1, 0, 0]])
    array([['red', 1]], dtype=object)

    Rare categories share one column, and unknown ones can go there too:

    >>> enc = OneHotEncoder(
    ...     min_frequency=2, handle_unknown="infrequent_if_exist", sparse_output=False
    ... ).fit([["a"], ["a"], ["b"], ["c"], ["c"]])
    >>> enc.infrequent_categories_
    [array(['b'], dtype=object)]
    >>> enc.get_feature_names_out().tolist()
    ['x0_a', 'x0_c', 'x0_infrequent_sklearn']
    >>> enc.transform([["b"], ["z"]])
    array([[0., 0., 1.],
           [0., 0., 1.]])
    """

    _parameter_constraints = {
        "categories": [StrOptions({"auto"}), list],
        "drop": [StrOptions({"first", "if_binary"}), "array-like", None],
        "dtype": "no_validation",  # numpy validates it
        "handle_unknown": [
            StrOptions({"error", "ignore", "infrequent_if_exist", "warn"})
        ],
        "max_categories": [Interval(Integral, 1, None, closed="left"), None],
        "min_frequency": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
            None,
        ],
        "sparse_output": ["boolean"],
        "feature_name_combiner": [StrOptions({"concat"}), callable],
    }

    def __init__(
        self,
        *,
        categories="auto",
        drop=None,
        sparse_output=True,
        dtype=np.float64,
        handle_unknown="error",
        min_frequency=None,
        max_categories=None,
        feature_name_combiner="concat",
    ):
        self.categories = categories
        self.drop = drop
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.min_frequency = min_frequency
        self.max_categories = max_categories
        self.feature_name_combiner = feature_name_combiner

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = True
        return tags

    # -- fit ---------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the categories of each feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data; pandas and polars DataFrames are accepted.
        y : None
            Ignored.

        Returns
        -------
        self : OneHotEncoder
            The fitted encoder.
        """
        self._infrequent_enabled = (
            self.max_categories is not None or self.min_frequency is not None
        )
        validate_data(self, X=X, reset=True, skip_check_array=True)
        columns, n_samples = _split_columns(X)
        self.n_features_in_ = len(columns)
        if self.categories != "auto" and len(self.categories) != len(columns):
            raise ValueError(
                f"categories has {len(self.categories)} lists but X has "
                f"{len(columns)} features: give one list of categories per "
                "feature (shape mismatch: categories must have shape "
                "(n_features,))."
            )
        counts = self._learn_categories(columns)
        if self._infrequent_enabled:
            self._learn_infrequent(counts, n_samples)
        self._learn_drop()
        self._n_outputs = [self._output_categories(i).size for i in range(len(columns))]
        return self

    def _column_label(self, i, word="column"):
        """'column i', with the feature name when there is one."""
        names = getattr(self, "feature_names_in_", None)
        return f"{word} {i}" if names is None else f"{word} {i} ({names[i]!r})"

    def _learn_categories(self, columns):
        """Set ``categories_``; return the category counts when needed."""
        self.categories_, counts = [], []
        for i, values in enumerate(columns):
            label = self._column_label(i)
            if self.categories != "auto":
                categories = self._given_categories(i, values, label)
                if self._infrequent_enabled:
                    counts.append(_category_counts(values, categories))
            elif self._infrequent_enabled:
                categories, count = _auto_categories_and_counts(values, label)
                counts.append(count)
            else:
                categories = _auto_categories(values, label)
            self.categories_.append(categories)
        return counts

    def _given_categories(self, i, values, label):
        """The user's categories of feature i, validated against its values."""
        dtype = object if values.dtype.kind == "U" else values.dtype
        try:
            categories = np.array(self.categories[i], dtype=dtype)
        except (TypeError, ValueError) as error:
            raise type(error)(
                f"categories[{i}] cannot be converted to the dtype {dtype} of "
                f"{label}: {error}"
            ) from error
        if categories.ndim != 1 or categories.size == 0:
            raise ValueError(
                f"categories[{i}] must be a non-empty 1-D list of the "
                f"categories of {label}; got shape {categories.shape}."
            )
        _check_given_categories(categories, values, label)
        if self.handle_unknown == "error":
            _, known = _encode(values, categories)
            if not known.all():
                raise ValueError(
                    f"Found unknown categories {_describe_values(values[~known])} "
                    f"in {label} during fit: they are not in categories[{i}]. "
                    "Add them, or set handle_unknown to 'ignore', "
                    "'infrequent_if_exist' or 'warn'."
                )
        return categories

    def _learn_infrequent(self, counts, n_samples):
        """Find the infrequent categories and the grouping of each feature."""
        self._infrequent_indices = [
            _infrequent_positions(
                count, n_samples, self.min_frequency, self.max_categories
            )
            for count in counts
        ]
        self._groupings = [
            None if rare is None else _grouping(cats.size, rare)
            for cats, rare in zip(self.categories_, self._infrequent_indices)
        ]

    def _grouping_of(self, i):
        """Category -> output position map of feature i, or None."""
        return self._groupings[i] if self._infrequent_enabled else None

    def _n_grouped(self, i):
        """Number of output columns of feature i before dropping."""
        grouping = self._grouping_of(i)
        return self.categories_[i].size if grouping is None else grouping.max() + 1

    def _learn_drop(self):
        """Set ``drop_idx_`` and the dropped output position of each feature."""
        n_features = len(self.categories_)
        if self.drop is None:
            self._drop_after_grouping = self.drop_idx_ = None
            return
        if isinstance(self.drop, str) and self.drop == "first":
            dropped = [0] * n_features
        elif isinstance(self.drop, str):  # "if_binary"
            dropped = [
                0 if self._n_grouped(i) == 2 else None for i in range(n_features)
            ]
        else:
            dropped = self._given_drops()
        self._drop_after_grouping = _object_array(dropped)
        self.drop_idx_ = _object_array(
            [self._dropped_category(i, d) for i, d in enumerate(dropped)]
        )

    def _given_drops(self):
        """Output positions of the categories given in ``drop``."""
        drops = np.asarray(self.drop, dtype=object)
        n_features = len(self.categories_)
        if drops.ndim == 0 or len(drops) != n_features:
            got = 1 if drops.ndim == 0 else len(drops)
            raise ValueError(
                "`drop` should have length equal to the number of features "
                f"({n_features}), got {got}"
            )
        positions, missing = [], []
        for i, value in enumerate(drops):
            position = _position_of(self.categories_[i], value)
            if position is None:
                missing.append(f"category {value!r} of {self._column_label(i)}")
                continue
            positions.append(self._grouped_drop(i, position))
        if missing:
            raise ValueError(
                "The following categories were supposed to be dropped, but "
                "were not found in the training data: " + "; ".join(missing)
            )
        return positions

    def _grouped_drop(self, i, position):
        """Output position of a category given in ``drop``."""
        grouping = self._grouping_of(i)
        if grouping is None:
            return position
        if position in self._infrequent_indices[i]:
            raise ValueError(
                f"Unable to drop category {self.categories_[i][position]!r} from "
                f"{self._column_label(i, 'feature')} because it is infrequent: "
                "it is grouped with the other infrequent categories."
            )
        return grouping[position]

    def _dropped_category(self, i, dropped):
        """Position in ``categories_[i]`` of the dropped output column."""
        grouping = self._grouping_of(i)
        if dropped is None or grouping is None:
            return dropped
        return np.flatnonzero(grouping == dropped)[0]

    def _dropped_output(self, i):
        """Output position dropped from feature i, or None."""
        if self._drop_after_grouping is None:
            return None
        return self._drop_after_grouping[i]

    def _output_categories(self, i, remove_dropped=True):
        """Category of each output column of feature i."""
        categories = self.categories_[i]
        grouping = self._grouping_of(i)
        if grouping is not None:
            frequent = categories[grouping < grouping.max()]
            group = np.array([INFREQUENT_NAME], dtype=object)
            categories = np.concatenate((frequent, group))
        dropped = self._dropped_output(i)
        if remove_dropped and dropped is not None:
            categories = np.delete(categories, dropped)
        return categories

    @property
    def infrequent_categories_(self):
        """Infrequent categories of each feature (None where there are none)."""
        positions = getattr(self, "_infrequent_indices", None)
        if positions is None or not self._infrequent_enabled:
            raise AttributeError(
                "infrequent_categories_ is only defined after fit with "
                "min_frequency or max_categories set."
            )
        return [
            None if rare is None else categories[rare]
            for categories, rare in zip(self.categories_, positions)
        ]

    # -- transform ---------------------------------------------------------

    def transform(self, X):
        """One-hot encode X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data to encode.

        Returns
        -------
        X_out : {ndarray, sparse matrix} of shape (n_samples, n_encoded_features)
            The encoding: a SciPy CSR matrix if ``sparse_output=True``.
        """
        check_is_fitted(self)
        self._check_output_container()
        columns, n_samples = _split_columns(X)
        validate_data(self, X=X, reset=False, skip_check_array=True)
        cells, known = self._output_cells(columns, n_samples)
        width = sum(self._n_outputs)
        return _one_hot(cells, known, width, self.dtype, self.sparse_output)

    def _output_cells(self, columns, n_samples):
        """Output column of every cell, and which cells get a one (None: all).

        Raises or warns about unknown categories as ``handle_unknown`` says.
        """
        index_dtype = _index_dtype(sum(self._n_outputs), n_samples * len(columns))
        cells = np.empty((n_samples, len(columns)), dtype=index_dtype)
        known_cells = None
        with_unknown = []
        offset = 0
        for i, values in enumerate(columns):
            codes, known = _encode(values, self.categories_[i])
            if not known.all():
                self._check_unknown_allowed(i, values[~known])
                with_unknown.append(i)
            codes, known = self._output_codes(i, codes, known)
            cells[:, i] = codes + offset
            offset += self._n_outputs[i]
            if not known.all():
                if known_cells is None:
                    known_cells = np.ones(cells.shape, dtype=bool)
                known_cells[:, i] = known
        self._warn_unknown(with_unknown)
        return cells, known_cells

    def _check_output_container(self):
        """DataFrame output needs dense output."""
        container = _get_output_config("transform", estimator=self)["dense"]
        if container != "default" and self.sparse_output:
            name = container.capitalize()
            raise ValueError(
                f"{name} output does not support sparse data. Set "
                f"sparse_output=False to output {container} dataframes or "
                f"disable {name} output via "
                '`ohe.set_output(transform="default")`.'
            )

    def _check_unknown_allowed(self, i, unknown_values):
        """Raise on unknown categories when handle_unknown='error'."""
        if self.handle_unknown != "error":
            return
        raise ValueError(
            f"Found unknown categories {_describe_values(unknown_values)} in "
            f"{self._column_label(i)} during transform. Set handle_unknown to "
            "'ignore' (encode them as all zeros), 'infrequent_if_exist' or "
            "'warn' to encode them instead of raising."
        )

    def _warn_unknown(self, columns):
        """Warn about unknown categories when handle_unknown asks for it."""
        ambiguous = self.drop is not None and self.handle_unknown in {
            "ignore",
            "infrequent_if_exist",
        }
        if not columns or not (self.handle_unknown == "warn" or ambiguous):
            return
        grouped = self.handle_unknown != "ignore"
        to_group = [i for i in columns if grouped and self._grouping_of(i) is not None]
        to_zero = [i for i in columns if i not in to_group]
        parts = [f"as all zeros in columns {to_zero}"] if to_zero else []
        if to_group:
            parts.append(f"as the infrequent category in columns {to_group}")
        warnings.warn(
            f"Found unknown categories in columns {columns} during transform. "
            f"These unknown categories will be encoded {' and '.join(parts)}.",
            UserWarning,
            stacklevel=2,
        )

    def _output_codes(self, i, codes, known):
        """Group infrequent categories and drop; return output positions.

        Cells with ``known`` False are left out of the output.
        """
        grouping = self._grouping_of(i)
        if grouping is not None:
            codes[~known] = self._infrequent_indices[i][0]
            if self.handle_unknown in ("infrequent_if_exist", "warn"):
                known = np.ones_like(known)
            codes = grouping[codes]
        dropped = self._dropped_output(i)
        if dropped is not None:
            known = known & (codes != dropped)
            codes = codes - (codes > dropped)
        return codes, known

    # -- inverse -----------------------------------------------------------

    def inverse_transform(self, X):
        """Convert one-hot data back to categories.

        An all-zero block decodes to the dropped category if its feature has
        one, else to None when unknown categories were ignored at transform
        (``handle_unknown='ignore'``, or 'infrequent_if_exist'/'warn' on a
        feature without infrequent categories). Otherwise it is an error.
        The infrequent group decodes to ``'infrequent_sklearn'``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_encoded_features)
            One-hot encoded data.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            The categories.
        """
        check_is_fitted(self)
        X = check_array(X, accept_sparse="csr")
        width = sum(self._n_outputs)
        if X.shape[1] != width:
            raise ValueError(
                "Shape of the passed X data is not correct. Expected "
                f"{width} columns, got {X.shape[1]}."
            )
        labels = [
            self._output_categories(i, remove_dropped=False)
            for i in range(len(self.categories_))
        ]
        result = np.empty(
            (X.shape[0], len(labels)), dtype=np.result_type(*[c.dtype for c in labels])
        )
        unknown = {}
        start = 0
        for i, names in enumerate(labels):
            block = X[:, start : start + self._n_outputs[i]]
            start += self._n_outputs[i]
            rows = self._decode_feature(i, names, block, result)
            if rows is not None:
                unknown[i] = rows
        if unknown:
            result = result.astype(object, copy=False)
            for i, rows in unknown.items():
                result[rows, i] = None
        return result

    def _decode_feature(self, i, names, block, result):
        """Fill column i of result; return the rows that decode to None."""
        dropped = self._dropped_output(i)
        kept = names if dropped is None else np.delete(names, dropped)
        if kept.size == 0:  # a single output, dropped
            result[:, i] = self.categories_[i][dropped]
            return None
        result[:, i] = kept[np.asarray(block.argmax(axis=1)).ravel()]
        zero = np.flatnonzero(np.asarray(block.sum(axis=1)).ravel() == 0)
        if zero.size == 0:
            return None
        if dropped is not None:
            result[zero, i] = names[dropped]
            return None
        if self._zeros_mean_unknown(i):
            return zero
        if self.drop is not None and names.size == 1:
            # drop='if_binary' kept the only output of a one-category feature
            result[zero, i] = names[:1]  # an array, converted like the others
            return None
        raise ValueError(self._undecodable_message(i, zero))

    def _zeros_mean_unknown(self, i):
        """Whether transform encodes unknown categories of feature i as zeros."""
        if self.handle_unknown == "ignore":
            return True
        grouped = self._grouping_of(i) is not None
        return self.handle_unknown in ("infrequent_if_exist", "warn") and not grouped

    def _undecodable_message(self, i, rows):
        """Error for all-zero blocks that name no category."""
        if self.drop is None:
            why = f"drop=None and handle_unknown={self.handle_unknown!r}"
        else:
            why = (
                f"{self._column_label(i)} has no dropped category "
                f"(drop={self.drop!r}) and handle_unknown={self.handle_unknown!r}"
            )
        return (
            f"Samples {_describe_rows(rows)} can not be inverted when {why} "
            f"because they contain all zeros in the columns of "
            f"{self._column_label(i)}: such a row names no category."
        )

    # -- names -------------------------------------------------------------

    def get_feature_names_out(self, input_features=None):
        """Output feature names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; by default ``feature_names_in_`` or
            ``["x0", "x1", ...]``. If given, they must match
            ``feature_names_in_`` when it is defined.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per output column.
        """
        check_is_fitted(self)
        input_features = _check_feature_names_in(self, input_features)
        combine = self._name_combiner()
        names = [
            combine(feature, category)
            for i, feature in enumerate(input_features)
            for category in self._output_categories(i)
        ]
        return np.array(names, dtype=object)

    def _name_combiner(self):
        """The function (feature, category) -> output feature name."""
        if self.feature_name_combiner == "concat":
            return _concat_name
        if not isinstance(self.feature_name_combiner("feature", "category"), str):
            returned = type(self.feature_name_combiner("feature", "category"))
            raise TypeError(
                "When `feature_name_combiner` is a callable, it should return a "
                f"Python string. Got {returned} instead."
            )
        return self.feature_name_combiner


def _object_array(items):
    """1-D object array of the given items."""
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def _concat_name(feature, category):
    """Default output name: ``feature_category``."""
    return feature + "_" + str(category)


def _position_of(categories, value):
    """Position of value in categories (NaN matches NaN), or None."""
    if _is_nan(value):
        last = categories.size - 1
        return last if categories.size and _is_nan(categories[last]) else None
    try:
        equal = np.asarray(categories == value, dtype=bool)
    except (TypeError, ValueError):
        equal = None
    if equal is None or equal.shape != categories.shape:
        equal = np.array([_equals(c, value) for c in categories], dtype=bool)
    found = np.flatnonzero(equal)
    return found[0] if found.size else None


def _equals(a, b):
    """``a == b`` as a bool, False when it cannot be decided."""
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _check_given_categories(categories, values, label):
    """Validate user-given categories of a column (see ``categories``)."""
    if (
        categories.dtype == object
        and isinstance(categories[0], bytes)
        and values.dtype.kind != "S"
    ):
        raise ValueError(
            f"In {label}, the predefined categories have type 'bytes' which is "
            f"incompatible with values of type '{type(values[0]).__name__}'."
        )
    nan_at = [j for j, c in enumerate(categories[:-1]) if _is_nan(c)]
    if nan_at:
        raise ValueError(
            "Nan should be the last element in user provided categories, see "
            f"categories {categories} of {label} (NaN at position {nan_at[0]})."
        )
    if _auto_categories(categories, label).size != categories.size:
        raise ValueError(
            f"In {label}, the predefined categories contain duplicate elements."
        )
    if values.dtype.kind not in "OUS":
        ordered = np.sort(categories)
        stop = -1 if ordered.dtype.kind == "f" and np.isnan(ordered[-1]) else None
        if np.any(ordered[:stop] != categories[:stop]):
            raise ValueError(
                "Unsorted categories are not supported for numerical "
                f"categories: sort the categories of {label}."
            )
