"""The compiled kernels and their numpy fallback give bit-identical results.

The two-way data-parallel passes (tests/test_data_parallel.py) are switched
off here, so whole fits go through the kernels this file is about.
"""

import os

import numpy as np
import pytest
from scipy.special import logsumexp, softmax
from sklearn.datasets import make_classification, make_regression

from skoptim import MLPClassifier, MLPRegressor, _fused
from skoptim.neural_network._data_parallel import use_data_parallel
from skoptim.optimizers import Adam, AdamW
from skoptim.penalties import L2, ElasticNet

needs_kernels = pytest.mark.skipif(
    not _fused.kernels_available(), reason="skoptim._kernels is not built"
)


@pytest.fixture(autouse=True)
def one_pass_network():
    """The one-pass numpy forward and backward, which use the kernels."""
    old = use_data_parallel(False)
    yield
    use_data_parallel(old)


@pytest.fixture
def numpy_path():
    """Run the body of a test on the numpy fallback, then restore."""

    def run(func):
        old = _fused.use_kernels(False)
        try:
            return func()
        finally:
            _fused.use_kernels(old)

    return run


def assert_same_weights(fast, slow, dtype=None):
    """Both fitted models hold the same weights, bit for bit (of ``dtype``)."""
    for a, b in zip(fast.coefs_ + fast.intercepts_, slow.coefs_ + slow.intercepts_):
        if dtype is not None:
            assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.skipif(
    os.environ.get("SKOPTIM_ALLOW_NO_KERNELS") == "1",
    reason="SKOPTIM_ALLOW_NO_KERNELS=1: testing an install without a compiler",
)
def test_kernels_are_built_on_this_install():
    # setup.py builds them wherever a C compiler exists, as on CI; a failed
    # build must not pass unnoticed as a skip of the tests below.
    assert _fused.kernels_available()


@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_update_matches_numpy(dtype, amsgrad, numpy_path):
    rng = np.random.default_rng(0)
    n = 1001

    def run():
        params = rng.standard_normal(n).astype(dtype)
        solver = Adam(learning_rate=1e-2, amsgrad=amsgrad)
        state = solver.init_state(params)
        for _ in range(5):
            grad = rng.standard_normal(n).astype(dtype)
            solver.step(params, grad, state)
        return params, state["m"], state["v"], solver.step_sizes(state)

    rng = np.random.default_rng(0)
    fast = run()
    rng = np.random.default_rng(0)
    slow = numpy_path(run)
    for a, b in zip(fast, slow):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)


@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_relu_kernels_match_numpy_with_nan_and_signed_zero(dtype, numpy_path):
    z = np.array([[-1.0, 0.0, np.nan, 2.0], [-0.0, 3.0, -np.inf, np.inf]], dtype)
    b = np.array([0.5, -0.0, 1.0, -3.0], dtype)
    delta = np.array([[1.0, -2.0, 3.0, np.nan], [-4.0, 5.0, -6.0, 7.0]], dtype)
    fast = _fused.bias_relu(z.copy(), b), _fused.relu_backward(delta.copy(), z)
    slow = numpy_path(
        lambda: (_fused.bias_relu(z.copy(), b), _fused.relu_backward(delta.copy(), z))
    )
    for a, s in zip(fast, slow):
        np.testing.assert_array_equal(a, s)
        np.testing.assert_array_equal(np.signbit(a), np.signbit(s))


@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("rows", [1, 7, 300])
def test_relu_backward_colsum_matches_numpy(dtype, rows, numpy_path):
    rng = np.random.default_rng(2)
    a = np.maximum(rng.standard_normal((rows, 33)), 0).astype(dtype)
    delta = rng.standard_normal((rows, 33)).astype(dtype)

    def run():
        d, total = delta.copy(), np.empty(33, dtype)
        _fused.relu_backward_colsum(d, a, total)
        return d, total

    (d_fast, s_fast), (d_slow, s_slow) = run(), numpy_path(run)
    np.testing.assert_array_equal(d_fast, d_slow)
    np.testing.assert_array_equal(s_fast, s_slow)
    np.testing.assert_allclose(s_fast, (delta * (a > 0)).sum(axis=0), rtol=1e-5)


@needs_kernels
def test_add_scaled_matches_numpy(numpy_path):
    rng = np.random.default_rng(1)
    y, x = rng.standard_normal(37), rng.standard_normal(37)
    fast = _fused.add_scaled(y.copy(), x, 0.3)
    slow = numpy_path(lambda: _fused.add_scaled(y.copy(), x, 0.3))
    np.testing.assert_array_equal(fast, slow)
    np.testing.assert_allclose(fast, y + 0.3 * x)


@needs_kernels
def test_kernel_refuses_mismatched_arrays():
    from skoptim import _kernels

    with pytest.raises(ValueError, match="differ"):
        _kernels.axpy(np.zeros(3), np.zeros(4), 1.0)
    with pytest.raises(ValueError, match="shapes"):
        _kernels.bias_relu(np.zeros((2, 3)), np.zeros(4))
    z = np.zeros((2, 3))
    with pytest.raises(ValueError, match="shapes"):
        _kernels.softmax_shift(z, z.copy(), np.zeros(4), 3)
    with pytest.raises(ValueError, match="shapes"):  # columns that don't fit
        _kernels.softmax_shift(z, z.copy(), np.zeros(2), 2)
    with pytest.raises(ValueError, match="shapes"):  # no columns: no maximum
        _kernels.softmax_shift(np.zeros((2, 0)), np.zeros((2, 0)), np.zeros(2), 0)
    with pytest.raises(ValueError, match="differ"):
        _kernels.softmax_finish(
            z, z, z, np.zeros((3, 2), np.float32), 1.0, *np.zeros((2, 2)), 3
        )


@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_log_loss_matches_numpy(dtype, weighted, numpy_path):
    rng = np.random.default_rng(3)
    z = (10 * rng.standard_normal((57, 7))).astype(dtype)
    z[0] = 1e4  # large logits: no overflow, the maximum is shifted out
    z[1, 2] = -np.inf
    codes = rng.integers(0, 7, 57)
    y = np.eye(7, dtype=dtype)[codes]
    scale = rng.random(57) / 57 if weighted else 1 / 57

    def run():
        out, delta = np.empty_like(z), np.empty_like(z)
        return _fused.softmax_log_loss(y, z, out, delta, scale), out, delta

    fast, slow = run(), numpy_path(run)
    for a, b in zip(fast, slow):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)
    per_sample, out, delta = fast
    z64 = z.astype(np.float64)
    expected = logsumexp(z64, axis=1) - z64[np.arange(57), codes]
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    # shifting by the row maximum costs digits relative to the largest logit
    magnitude = np.abs(np.where(np.isfinite(z64), z64, 0)).max(axis=1)
    finite = np.arange(57) != 1  # row 1: the true class's logit may be -inf
    error = np.abs(per_sample[finite] - expected[finite])
    assert (error <= rtol * (1 + magnitude[finite])).all()
    if codes[1] == 2:
        assert per_sample[1] == np.inf
    np.testing.assert_allclose(out, softmax(z64, axis=1), rtol=rtol, atol=1e-30)
    weights = scale[:, None] if weighted else scale
    np.testing.assert_allclose(delta, (out - y) * weights, rtol=rtol)


@needs_kernels
def test_softmax_log_loss_of_no_columns_fails_on_both_paths(numpy_path):
    z = np.zeros((4, 0))

    def run():
        return _fused.softmax_log_loss(z, z, np.empty_like(z), np.empty_like(z), 0.25)

    with pytest.raises(ValueError):
        run()
    with pytest.raises(ValueError):
        numpy_path(run)


@needs_kernels
def test_softmax_log_loss_propagates_nan(numpy_path):
    z = np.array([[0.0, np.nan, 1.0], [1.0, 2.0, 3.0]])
    y = np.eye(3)[[0, 2]]

    def run():
        out, delta = np.empty_like(z), np.empty_like(z)
        return _fused.softmax_log_loss(y, z, out, delta, 0.5), out

    (loss, out), (loss_np, out_np) = run(), numpy_path(run)
    assert np.isnan(loss[0]) and np.isnan(out[0]).all()
    assert np.isfinite(loss[1])
    np.testing.assert_array_equal(loss, loss_np)
    np.testing.assert_array_equal(out, out_np)


@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "solver, penalty",
    [(Adam(), L2()), (Adam(amsgrad=True), ElasticNet()), (AdamW(), None)],
)
@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("n_classes", [2, 3])  # logistic and softmax outputs
def test_fit_is_bit_identical_on_both_paths(
    dtype, solver, penalty, activation, n_classes, numpy_path
):
    X, y = make_classification(
        n_samples=300,
        n_features=12,
        n_informative=4,
        n_classes=n_classes,
        random_state=0,
    )
    X = X.astype(dtype)

    def fit():
        return MLPClassifier(
            (16, 8),
            activation=activation,
            solver=solver,
            penalty=penalty,
            alpha=1e-3,
            batch_size=50,
            max_iter=4,
            random_state=0,
        ).fit(X, y)

    assert_same_weights(fit(), numpy_path(fit), dtype)


@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_signed_zeros_match_numpy(dtype, numpy_path):
    # bias_relu(-0.0) is +0.0 as numpy.maximum gives it; a column of -0.0
    # deltas sums to +0.0 as numpy's sum starting from +0 does.
    z = np.array([[-0.0, 1.0, -2.0]], dtype)
    b = np.array([-0.0, 0.0, 0.0], dtype)
    delta = np.array([[-0.0, -1.0, 2.0]], dtype)
    a = np.array([[1.0, -1.0, 0.0]], dtype)

    def run():
        relu = _fused.bias_relu(z.copy(), b)
        total = np.empty(3, dtype)
        _fused.relu_backward_colsum(delta.copy(), a, total)
        return relu, total

    for fast, slow in zip(run(), numpy_path(run)):
        np.testing.assert_array_equal(np.signbit(fast), np.signbit(slow))
        assert not np.signbit(fast).any()


@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("hidden", [(1,), (8, 1)])
def test_width_one_layers_are_bit_identical(dtype, hidden, numpy_path):
    # numpy sums a single contiguous column pairwise, not row by row
    X, y = make_regression(n_samples=400, n_features=5, random_state=0)
    X = (X + 3).astype(dtype)

    def fit():
        return MLPRegressor(hidden, max_iter=5, random_state=3).fit(X, y)

    assert_same_weights(fit(), numpy_path(fit))


@needs_kernels
def test_numpy_float64_hyperparameters_on_float32_are_bit_identical(numpy_path):
    # a grid from np.linspace gives numpy float64 scalars
    X, y = make_classification(n_samples=300, n_features=12, random_state=0)
    X = X.astype(np.float32)

    def fit():
        return MLPClassifier(
            (16,),
            solver=Adam(beta_1=np.float64(0.9), learning_rate=np.float64(0.01)),
            penalty=ElasticNet(l1_ratio=np.float64(0.3)),
            alpha=np.float64(0.1),
            batch_size=64,
            max_iter=3,
            random_state=0,
        ).fit(X, y)

    assert_same_weights(fit(), numpy_path(fit), np.float32)
