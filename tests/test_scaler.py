"""StandardScaler: equal to scikit-learn's, and exact on streams.

Tolerances. Statistics are compared to scikit-learn's to ``RTOL = 1e-12``
relative. Near zero a relative bound means nothing, so each comparison adds
an absolute term derived from the same 1e-12 and the magnitude ``a`` of the
feature's values (the largest ``|x|``):

- ``mean_``: ``atol = RTOL * a``. A float64 sum of values of magnitude
  ``a`` is only known to about ``eps * a`` per term, so a mean that cancels
  to about 0 (values of +-1e8) has no meaningful relative accuracy.
- ``var_``: ``atol = (RTOL * a) ** 2``, the square of the mean's tolerance:
  a constant feature's variance is rounding noise of order ``(eps * a)**2``
  in both implementations (scikit-learn can even return -1e-46), far below
  this and far below scikit-learn's own constant-feature bound.
- ``scale_``: ``atol = RTOL * a`` (the square root of the above).
- ``transform``: ``z = (x - mean) / scale`` moves by ``d(mean) / scale``
  when the mean moves, so ``atol = RTOL * a / scale``: the 1e-12 of
  ``mean_`` carried through. With a mean of 1e8 and a scale of 1e-3 that is
  1e-1: standardizing such a feature is that ill-conditioned, whoever
  computes it (scikit-learn's own ``z`` is off by about 1e-5 there).
- ``inverse_transform``: ``x = z * scale + mean``, so ``atol = RTOL * (a +
  |z| * scale)``.

float32 input: the statistics are accumulated in float64 by both, so they
are compared as above. ``transform`` and ``inverse_transform`` of float32
data run in float32 arithmetic in both (``mean_`` and ``scale_`` rounded to
float32 first). Two float64 means equal to 1e-12 can round to adjacent
float32 numbers, which moves ``z`` by one float32 spacing of ``mean /
scale``; the result itself is rounded once more. So float32 outputs are
compared with ``rtol = 4 * EPS32`` and ``atol = 2 * EPS32 * a / scale``
(``EPS32 = 2**-23``, the float32 spacing at 1), the same formulas with the
float32 rounding unit in place of 1e-12.
"""

import math
import pickle
import warnings
from unittest import mock

import numpy as np
import pandas as pd
import polars as pl
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler as SkStandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from skoptim.preprocessing import StandardScaler, _scaler

RTOL = 1e-12
EPS32 = float(np.finfo(np.float32).eps)
SETTINGS = [(True, True), (False, True), (True, False), (False, False)]


# ----------------------------------------------------------------------
# helpers


def assert_close(actual, desired, rtol, atol, what):
    """``|actual - desired| <= atol + rtol * |desired|``, NaN equal to NaN.

    ``atol`` may be an array broadcast against the values (per feature).
    """
    actual = np.asarray(actual, dtype=np.float64)
    desired = np.asarray(desired, dtype=np.float64)
    assert actual.shape == desired.shape, what
    both_nan = np.isnan(actual) & np.isnan(desired)
    with np.errstate(invalid="ignore"):
        error = np.abs(actual - desired)
        bound = atol + rtol * np.abs(desired)
    ok = both_nan | (error <= bound)
    if not ok.all():
        index = np.argwhere(~ok)[0]
        raise AssertionError(
            f"{what}: {(~ok).sum()} values differ, first at {tuple(index)}: "
            f"{actual[tuple(index)]!r} vs {desired[tuple(index)]!r} "
            f"(bound {np.broadcast_to(bound, ok.shape)[tuple(index)]!r})"
        )


def magnitude(X):
    """Largest ``|x|`` of each feature, NaNs left out (0 if all NaN)."""
    X = np.abs(np.asarray(X, dtype=np.float64))
    return np.where(np.isnan(X), 0.0, X).max(axis=0)


def sk_fit(X, sample_weight=None, **params):
    """scikit-learn's scaler; all-NaN features make it warn, not us."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return SkStandardScaler(**params).fit(X, sample_weight=sample_weight)


def assert_stats_equal(ours, ref, a):
    """The fitted statistics of ``ours`` equal ``ref``'s (see module doc)."""
    for name, atol in (("mean_", RTOL * a), ("var_", (RTOL * a) ** 2)):
        if getattr(ref, name) is None:
            assert getattr(ours, name) is None, name
        else:
            assert_close(getattr(ours, name), getattr(ref, name), RTOL, atol, name)
    if ref.scale_ is None:
        assert ours.scale_ is None
    else:
        assert_close(ours.scale_, ref.scale_, RTOL, RTOL * a, "scale_")
    for name in ("mean_", "var_", "scale_"):
        if getattr(ours, name) is not None:
            assert getattr(ours, name).dtype == np.float64, name


def exact_moments(X):
    """Mean and variance of each column of float64 ``X``, correctly rounded.

    ``math.fsum`` sums exactly; the deviations from the rounded mean are
    exact (Sterbenz) and the corrected formula removes its rounding.
    """
    n = X.shape[0]
    mean, var = [], []
    for column in X.T:
        m = math.fsum(column) / n
        dev = column - m
        c = math.fsum(dev) / n
        mean.append(m + c)
        var.append(math.fsum(dev * dev) / n - c * c)
    return np.array(mean), np.array(var)


# ----------------------------------------------------------------------
# scikit-learn's estimator checks


@parametrize_with_checks(
    [
        StandardScaler(),
        StandardScaler(with_mean=False),
        StandardScaler(with_std=False),
        StandardScaler(with_mean=False, with_std=False),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ----------------------------------------------------------------------
# property test against scikit-learn

OFFSETS = [0.0, 1.0, -3.5, 1e3, 1e8, -1e8]
NOISES = [1e-3, 1.0, 1e3]


@st.composite
def cases(draw):
    """Random data, chunking, weights and settings."""
    n = draw(st.integers(1, 200))
    d = draw(st.integers(1, 6))
    cuts = draw(st.lists(st.integers(1, max(n - 1, 1)), max_size=8, unique=True))
    return dict(
        n=n,
        d=d,
        dtype=draw(st.sampled_from([np.float64, np.float32])),
        seed=draw(st.integers(0, 2**32 - 1)),
        offsets=draw(st.lists(st.sampled_from(OFFSETS), min_size=d, max_size=d)),
        noises=draw(st.lists(st.sampled_from(NOISES), min_size=d, max_size=d)),
        constant=draw(st.lists(st.booleans(), min_size=d, max_size=d)),
        nan_fraction=draw(st.sampled_from([0.0, 0.0, 0.1, 0.5])),
        weighted=draw(st.booleans()),
        bounds=[0, *sorted(c for c in cuts if c < n), n],
        setting=draw(st.sampled_from(SETTINGS)),
        as_frame=draw(st.booleans()),
        # Small blocks exercise the tree of merges and the folded transform.
        block_elements=draw(st.sampled_from([5, 64, _scaler._BLOCK_ELEMENTS])),
        fold_elements=draw(st.sampled_from([1, 12, _scaler._FOLD_ELEMENTS])),
    )


def make_data(case):
    """The array and weights of a case (weights: some zeros, never a chunk
    of zeros only, which both implementations refuse)."""
    rng = np.random.default_rng(case["seed"])
    n, d = case["n"], case["d"]
    noise = rng.normal(size=(n, d))
    noise[:, case["constant"]] = rng.normal(size=(1, d))[:, case["constant"]]
    X = np.asarray(case["offsets"]) + np.asarray(case["noises"]) * noise
    X[rng.random((n, d)) < case["nan_fraction"]] = np.nan
    X = X.astype(case["dtype"])
    if not case["weighted"]:
        return X, None
    w = rng.uniform(0.1, 5.0, size=n)
    w[rng.random(n) < 0.2] = 0.0
    for start, stop in zip(case["bounds"][:-1], case["bounds"][1:]):
        if not w[start:stop].any():
            w[start] = 1.0
    return X, w


def as_input(X, as_frame):
    return (
        pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])]) if as_frame else X
    )


@settings(max_examples=100, deadline=None)
@given(case=cases())
def test_matches_sklearn_chunk_by_chunk(case):
    X, w = make_data(case)
    X_in = as_input(X, case["as_frame"])
    with_mean, with_std = case["setting"]
    params = dict(with_mean=with_mean, with_std=with_std)
    ref = sk_fit(X_in, w, **params)
    ours = StandardScaler(**params)
    bounds = case["bounds"]
    with (
        mock.patch.object(_scaler, "_BLOCK_ELEMENTS", case["block_elements"]),
        mock.patch.object(_scaler, "_FOLD_ELEMENTS", case["fold_elements"]),
    ):
        for start, stop in zip(bounds[:-1], bounds[1:]):
            chunk = X_in[start:stop]
            ours.partial_fit(chunk, sample_weight=None if w is None else w[start:stop])
        one_shot = clone(ours).fit(X_in, sample_weight=w)
        Z = ours.transform(X_in)
        X_back = ours.inverse_transform(ref.transform(X_in))
    a = magnitude(X)
    assert_stats_equal(ours, ref, a)
    assert_stats_equal(one_shot, ref, a)
    check_counts(ours, ref, X, w, with_mean or with_std)
    check_names(ours, ref, case["as_frame"])
    check_outputs(ours, ref, X_in, Z, X_back, a)


def check_counts(ours, ref, X, w, stats):
    """``n_samples_seen_``: scikit-learn's, but integer without weights.

    With neither centering nor scaling, scikit-learn counts rows even when
    weighted; we sum the weights, as it documents and does elsewhere.
    """
    seen = ours.n_samples_seen_
    if w is None:
        assert np.asarray(seen).dtype.kind == "i"
        np.testing.assert_array_equal(seen, ref.n_samples_seen_)
    elif stats:
        assert_close(seen, ref.n_samples_seen_, RTOL, 0.0, "n_samples_seen_")
    else:
        w = w.astype(X.dtype).astype(np.float64)  # rounded as X, summed exactly
        weight = (w[:, None] * ~np.isnan(X)).sum(axis=0)
        expected = weight[0] if np.ptp(weight) == 0 else weight
        assert_close(seen, expected, RTOL, 0.0, "n_samples_seen_")


def check_names(ours, ref, as_frame):
    assert ours.n_features_in_ == ref.n_features_in_
    assert hasattr(ours, "feature_names_in_") == as_frame
    if as_frame:
        np.testing.assert_array_equal(ours.feature_names_in_, ref.feature_names_in_)
    np.testing.assert_array_equal(
        ours.get_feature_names_out(), ref.get_feature_names_out()
    )


def check_outputs(ours, ref, X_in, Z, X_back, a):
    """transform and inverse_transform with the tolerances of the module doc."""
    Z_ref = ref.transform(X_in)
    assert Z.dtype == Z_ref.dtype
    scale = np.ones_like(a) if ref.scale_ is None else ref.scale_
    if Z.dtype == np.float32:
        rtol, unit = 4 * EPS32, 2 * EPS32
    else:
        rtol, unit = RTOL, RTOL
    assert_close(Z, Z_ref, rtol, unit * a / scale, "transform")
    back_ref = ref.inverse_transform(Z_ref)
    assert X_back.dtype == back_ref.dtype
    atol = unit * (a + np.abs(np.nan_to_num(Z_ref)) * scale)
    assert_close(X_back, back_ref, rtol, atol, "inverse_transform")
    # Features without any (positively weighted) value have NaN statistics.
    known = np.isfinite(ours.mean_ if ours.mean_ is not None else a)
    round_trip = ours.inverse_transform(Z)[:, known]
    expected = np.asarray(X_in)[:, known]
    assert_close(round_trip, expected, rtol, 2 * atol[:, known], "round trip")


# ----------------------------------------------------------------------
# streams


def test_stream_of_float32_chunks_is_exact():
    """100 float32 chunks, mean 1e4: the float64 statistics of all rows.

    Measured on this data (relative error of ``var_``, worst feature):
    ours about 4e-15, scikit-learn's partial_fit about 2.6e-13 and its
    one-shot fit about 6.4e-13.
    """
    rng = np.random.default_rng(0)
    X = (1e4 + rng.normal(size=(100_000, 3)) * [1.0, 0.1, 0.01]).astype(np.float32)
    mean, var = exact_moments(X.astype(np.float64))
    ours, sk = StandardScaler(), SkStandardScaler()
    for chunk in np.array_split(X, 100):
        ours.partial_fit(chunk)
        sk.partial_fit(chunk)
    assert ours.mean_.dtype == np.float64 and ours.n_samples_seen_ == 100_000
    assert_close(ours.mean_, mean, 1e-15, 0.0, "mean_")
    assert_close(ours.var_, var, 1e-14, 0.0, "var_")
    one_shot = SkStandardScaler().fit(X.astype(np.float64))
    assert_close(ours.var_, one_shot.var_, RTOL, 0.0, "var_ vs one-shot float64")
    assert_close(ours.mean_, one_shot.mean_, RTOL, 0.0, "mean_ vs one-shot float64")
    ours_error = np.abs(ours.var_ / var - 1)
    sk_error = np.abs(sk.var_ / var - 1)
    assert np.all(ours_error <= sk_error)


def test_stream_with_large_offset_is_exact():
    """1e8 plus noise of 1e-4 in float64, 100 chunks.

    scikit-learn merges running sums, whose difference loses the noise:
    its partial_fit ``var_`` is off by about 9e-6 relative here; ours by
    less than 1e-15.
    """
    rng = np.random.default_rng(0)
    X = 1e8 + rng.normal(size=(100_000, 3)) * [1.0, 1e-2, 1e-4]
    mean, var = exact_moments(X)
    ours, sk = StandardScaler(), SkStandardScaler()
    for chunk in np.array_split(X, 100):
        ours.partial_fit(chunk)
        sk.partial_fit(chunk)
    assert_close(ours.mean_, mean, 1e-15, 0.0, "mean_")
    assert_close(ours.var_, var, 1e-14, 0.0, "var_")
    assert np.abs(sk.var_ / var - 1).max() > 1e-6


def test_one_shot_fit_over_many_blocks():
    """A fit spanning many cache blocks (NaNs and weights) equals sklearn's."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60_000, 4)) * [1, 1e-3, 10, 1] + [0, 1e8, -5, 3]
    X[rng.random(X.shape) < 0.05] = np.nan
    w = rng.uniform(0, 2, size=len(X))
    for weights in (None, w):
        ours = StandardScaler().fit(X, sample_weight=weights)
        assert_stats_equal(ours, sk_fit(X, weights), magnitude(X))


def test_all_missing_feature_recovers_in_later_chunks():
    X = np.random.default_rng(0).normal(size=(10, 2))
    first = X[:5].copy()
    first[:, 0] = np.nan
    ours = StandardScaler().fit(first)
    assert np.isnan(ours.mean_[0]) and np.isnan(ours.var_[0])
    assert np.isnan(ours.scale_[0]) and list(ours.n_samples_seen_) == [0, 5]
    assert np.isnan(ours.transform(X)[:, 0]).all()
    ours.partial_fit(X[5:])
    mean, var = exact_moments(X[5:, :1])
    assert_close(ours.mean_[0], mean[0], 1e-15, 0.0, "mean_")
    assert_close(ours.var_[0], var[0], 1e-15, 0.0, "var_")
    np.testing.assert_array_equal(ours.n_samples_seen_, [5, 10])


def test_state_survives_pickle_between_chunks():
    rng = np.random.default_rng(0)
    X = 1e8 + rng.normal(size=(1000, 2)) * 1e-3
    straight = StandardScaler().partial_fit(X[:500]).partial_fit(X[500:])
    restored = pickle.loads(pickle.dumps(StandardScaler().partial_fit(X[:500])))
    restored.partial_fit(X[500:])
    np.testing.assert_array_equal(restored.mean_, straight.mean_)
    np.testing.assert_array_equal(restored.var_, straight.var_)


# ----------------------------------------------------------------------
# attributes


def test_n_samples_seen_types():
    X = np.random.default_rng(0).normal(size=(6, 3))
    seen = StandardScaler().fit(X).n_samples_seen_
    assert seen == 6 and np.asarray(seen).dtype.kind == "i" and np.ndim(seen) == 0
    X[0, 0] = np.nan
    seen = StandardScaler().fit(X).n_samples_seen_
    assert seen.dtype.kind == "i"
    np.testing.assert_array_equal(seen, [5, 6, 6])
    seen = StandardScaler().fit(X, sample_weight=np.full(6, 0.5)).n_samples_seen_
    assert seen.dtype.kind == "f"
    np.testing.assert_array_equal(seen, [2.5, 3.0, 3.0])
    X[0] = np.nan
    seen = StandardScaler().fit(X).n_samples_seen_
    assert seen == 5 and np.ndim(seen) == 0


@pytest.mark.parametrize("with_mean, with_std", SETTINGS)
def test_attributes_none_as_sklearn(with_mean, with_std):
    X = np.random.default_rng(0).normal(size=(20, 3))
    ours = StandardScaler(with_mean=with_mean, with_std=with_std).fit(X)
    ref = sk_fit(X, with_mean=with_mean, with_std=with_std)
    for name in ("mean_", "var_", "scale_"):
        assert (getattr(ours, name) is None) == (getattr(ref, name) is None), name


def test_constant_and_near_constant_features_get_scale_one():
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [
            np.full(100, 0.1),  # constant, its mean not exact in binary
            1e8 + 1e-9 * rng.normal(size=100),  # variance below rounding noise
            1e8 + 1e-3 * rng.normal(size=100),  # small but real variance
        ]
    )
    ours, ref = StandardScaler().fit(X), SkStandardScaler().fit(X)
    np.testing.assert_array_equal(ours.scale_[:2], [1.0, 1.0])
    assert ours.scale_[2] < 1e-2
    assert_stats_equal(ours, ref, magnitude(X))


def test_tags():
    tags = StandardScaler().__sklearn_tags__()
    assert tags.input_tags.allow_nan and not tags.input_tags.sparse
    assert tags.transformer_tags.preserves_dtype == ["float64", "float32"]
    assert StandardScaler(with_mean=False).__sklearn_tags__().input_tags.sparse


# ----------------------------------------------------------------------
# transform details


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("order", ["C", "F"])
def test_transform_rounds_like_sklearn(dtype, order):
    """Given the same statistics, outputs are equal to the last bit.

    2500 rows in blocks of 1024: two blocks take the folded path (rows of
    256 samples), the last one the plain one.
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2500, 4)) * [1, 3, 1e-2, 7] + [1e3, 0, 2, -1]
    X = np.asarray(X, dtype=dtype, order=order)
    ref = SkStandardScaler().fit(X)
    ours = StandardScaler().fit(X)
    for name in ("mean_", "var_", "scale_"):
        setattr(ours, name, getattr(ref, name))
    with mock.patch.object(_scaler, "_BLOCK_ELEMENTS", 4096):
        Z = ours.transform(X)
        back = ours.inverse_transform(Z)
    assert Z.dtype == dtype
    np.testing.assert_array_equal(Z, ref.transform(X))
    np.testing.assert_array_equal(back, ref.inverse_transform(Z))


def test_nan_kept_in_transform():
    X = np.random.default_rng(0).normal(size=(8, 2))
    X[3, 1] = np.nan
    Z = StandardScaler().fit(X).transform(X)
    assert np.isnan(Z[3, 1]) and np.isfinite(np.delete(Z.ravel(), 7)).all()


@pytest.mark.parametrize("order", ["C", "F"])
def test_copy_false_works_in_place(order):
    X = np.asarray(np.random.default_rng(0).normal(size=(30, 3)), order=order)
    original = X.copy()
    scaler = StandardScaler().fit(X)
    Z = scaler.transform(X)
    np.testing.assert_array_equal(X, original)
    assert StandardScaler(copy=False).fit(X).transform(X) is X
    np.testing.assert_allclose(X, Z, rtol=1e-15, atol=1e-15)
    assert scaler.inverse_transform(X, copy=False) is X
    np.testing.assert_allclose(X, original, rtol=1e-14, atol=1e-15)


def test_copy_false_with_conversion_or_read_only_input():
    X = np.arange(12, dtype=np.int64).reshape(4, 3)
    scaler = StandardScaler(copy=False).fit(X)
    Z = scaler.transform(X)
    assert Z.dtype == np.float64 and X.dtype == np.int64
    Xr = X.astype(np.float64)
    Xr.setflags(write=False)
    np.testing.assert_array_equal(scaler.transform(Xr), Z)


def test_float32_stays_float32():
    X = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)
    scaler = StandardScaler()
    Z = scaler.fit_transform(X)
    assert Z.dtype == np.float32 and scaler.mean_.dtype == np.float64
    assert scaler.inverse_transform(Z).dtype == np.float32


# ----------------------------------------------------------------------
# sparse input


def sparse_data(dtype, nan=True):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5)) * [1, 2, 1e-3, 5, 1] + [0, 3, 1e3, 0, -1]
    X[rng.random(X.shape) < 0.6] = 0.0
    X[:, 4] = 0.0  # an empty column
    if nan:
        X[rng.random(X.shape) < 0.05] = np.nan
    return X.astype(dtype)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("with_std", [True, False])
def test_sparse_matches_sklearn(fmt, dtype, weighted, with_std):
    """Sparse statistics equal scikit-learn's dense ones to 1e-12.

    scikit-learn's sparse path accumulates float32 input in float32 (its
    ``mean_`` is then off by about 1e-8 relative, and ``n_samples_seen_`` is
    a float32); ours accumulates in float64 like its dense path, so the
    dense fit is the 1e-12 reference and the sparse one is compared with
    the float32 tolerance.
    """
    X = sparse_data(dtype)
    A = sp.csr_matrix(X).asformat(fmt)
    w = np.random.default_rng(1).uniform(0, 2, size=X.shape[0]) if weighted else None
    params = dict(with_mean=False, with_std=with_std)
    ours = StandardScaler(**params).fit(A, sample_weight=w)
    dense_ref, ref = sk_fit(X, w, **params), sk_fit(A, w, **params)
    a = magnitude(X)
    assert_stats_equal(ours, dense_ref, a)
    if with_std or not weighted:  # else sklearn's dense path counts rows
        assert_close(ours.n_samples_seen_, dense_ref.n_samples_seen_, RTOL, 0, "n")
    rtol = RTOL if dtype == np.float64 else 4 * EPS32
    assert_close(ours.n_samples_seen_, ref.n_samples_seen_, rtol, 0, "seen")
    if with_std:
        assert_close(ours.scale_, ref.scale_, rtol, 0, "scale_ vs sparse sklearn")
    Z, Z_ref = ours.transform(A), ref.transform(A)
    assert Z.format == fmt and Z.dtype == dtype  # sklearn turns CSC into CSR
    assert_close(Z.toarray(), Z_ref.toarray(), rtol, 0.0, "transform")
    back = ours.inverse_transform(Z)
    assert back.format == fmt
    assert_close(back.toarray(), X, rtol, 0.0, "round trip")
    assert_close(back.toarray(), ref.inverse_transform(Z_ref).toarray(), rtol, 0, "inv")


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_partial_fit_equals_fit(fmt):
    X = sparse_data(np.float64)
    ours = StandardScaler(with_mean=False)
    for rows in np.array_split(np.arange(X.shape[0]), 7):
        ours.partial_fit(sp.csr_matrix(X[rows]).asformat(fmt))
    assert_stats_equal(ours, sk_fit(X, with_mean=False), magnitude(X))


def test_sparse_dense_agree_and_types_kept():
    X = sparse_data(np.float64, nan=False)
    dense = StandardScaler(with_mean=False).fit(X)
    for container in (sp.csr_array, sp.csc_array, sp.coo_matrix):
        A = container(X)
        scaler = StandardScaler(with_mean=False).fit(A)
        assert_stats_equal(scaler, dense, magnitude(X))
        Z = scaler.transform(A)
        assert sp.issparse(Z)
        np.testing.assert_allclose(Z.toarray(), dense.transform(X), rtol=1e-13)
    assert isinstance(scaler.transform(sp.csr_array(X)), sp.csr_array)


def test_sparse_copy_false_in_place():
    A = sp.csr_matrix(sparse_data(np.float64, nan=False))
    data = A.data.copy()
    scaler = StandardScaler(with_mean=False, copy=False).fit(A)
    assert scaler.transform(A) is A
    np.testing.assert_allclose(A.data * scaler.scale_[A.indices], data, rtol=1e-15)


def test_sparse_centering_refused():
    A = sp.csr_matrix(sparse_data(np.float64, nan=False))
    with pytest.raises(ValueError, match="Cannot center sparse.*with_mean=False"):
        StandardScaler().fit(A)
    with pytest.raises(ValueError, match="Cannot center sparse.*with_mean=False"):
        StandardScaler().partial_fit(A)
    scaler = StandardScaler().fit(A.toarray())
    with pytest.raises(ValueError, match="Cannot center sparse.*with_mean=False"):
        scaler.transform(A)
    with pytest.raises(ValueError, match="Cannot uncenter sparse.*with_mean=False"):
        scaler.inverse_transform(A)


# ----------------------------------------------------------------------
# data frames, set_output, pickle, clone


def frame_data():
    X = np.random.default_rng(0).normal(size=(20, 3)) * [1, 10, 0.1]
    return X, ["a", "b", "c"]


def test_pandas_input_and_output():
    X, names = frame_data()
    df = pd.DataFrame(X, columns=names, index=np.arange(100, 120))
    ours, ref = StandardScaler().fit(df), SkStandardScaler().fit(df)
    np.testing.assert_array_equal(ours.feature_names_in_, names)
    np.testing.assert_array_equal(ours.get_feature_names_out(), names)
    np.testing.assert_allclose(ours.transform(df), ref.transform(df), rtol=1e-13)
    out = ours.set_output(transform="pandas").transform(df)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == names
    assert list(out.index) == list(df.index)
    fitted = StandardScaler().set_output(transform="pandas").fit_transform(df)
    pd.testing.assert_frame_equal(fitted, out)
    with pytest.raises(ValueError, match="feature names should match"):
        ours.transform(df.rename(columns={"a": "z"}))


def test_polars_input_and_output():
    X, names = frame_data()
    frame = pl.DataFrame(X, schema=names)
    ours = StandardScaler().fit(frame)
    np.testing.assert_array_equal(ours.feature_names_in_, names)
    out = ours.set_output(transform="polars").transform(frame)
    assert isinstance(out, pl.DataFrame) and out.columns == names
    np.testing.assert_allclose(
        out.to_numpy(), SkStandardScaler().fit(X).transform(X), rtol=1e-13
    )


def test_pickle_and_clone():
    X, _ = frame_data()
    scaler = StandardScaler(with_std=False).fit(X)
    restored = pickle.loads(pickle.dumps(scaler))
    np.testing.assert_array_equal(restored.transform(X), scaler.transform(X))
    fresh = clone(scaler)
    assert fresh.get_params() == scaler.get_params()
    assert not hasattr(fresh, "mean_")


# ----------------------------------------------------------------------
# bad input


def test_wrong_number_of_features_names_the_counts():
    X = np.random.default_rng(0).normal(size=(10, 3))
    scaler = StandardScaler().fit(X)
    message = "X has 2 features, but StandardScaler is expecting 3 features"
    for method in (scaler.transform, scaler.inverse_transform, scaler.partial_fit):
        with pytest.raises(ValueError, match=message):
            method(X[:, :2])


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_values_raise(value):
    X = np.random.default_rng(0).normal(size=(10, 3))
    X[0, 1] = np.nan  # NaN is fine, infinity is not
    scaler = StandardScaler().fit(X)
    X[4, 2] = value
    for call in (
        lambda: StandardScaler().fit(X),
        lambda: StandardScaler().partial_fit(X.astype(np.float32)),
        lambda: StandardScaler(with_mean=False, with_std=False).fit(X),
        lambda: StandardScaler().fit(X, sample_weight=(np.arange(10) != 4) * 1.0),
        lambda: scaler.transform(X),
        lambda: scaler.inverse_transform(X),
        lambda: StandardScaler(with_mean=False).fit(sp.csr_matrix(X)),
    ):
        with pytest.raises(ValueError, match="infinity"):
            call()


def test_bad_parameters_and_weights():
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(InvalidParameterError, match="with_mean"):
        StandardScaler(with_mean="yes").fit(X)
    with pytest.raises(ValueError, match="Negative values"):
        StandardScaler().fit(X, sample_weight=-np.ones(10))
    with pytest.raises(ValueError, match="non-zero"):
        StandardScaler().fit(X, sample_weight=np.zeros(10))
    with pytest.raises(ValueError, match="2D array"):
        StandardScaler().fit(X[:, 0])
