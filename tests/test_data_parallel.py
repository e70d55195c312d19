"""The two-way data-parallel passes: same gradients as numpy's one-pass code
(to rounding), the same bits whatever the number of threads."""

import multiprocessing
import os
import platform
import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from threadpoolctl import threadpool_info, threadpool_limits

from skoptim import MLPClassifier, MLPRegressor, _fused
from skoptim.losses import get_loss
from skoptim.neural_network import _data_parallel
from skoptim.neural_network._layout import ParamLayout
from skoptim.neural_network._network import Network, Workspace
from skoptim.optimizers import LBFGS, SGD, Adam
from skoptim.penalties import L1

needs_compiled = pytest.mark.skipif(
    not _data_parallel.data_parallel_available(),
    reason="skoptim._data_parallel is not built",
)

needs_kernels = pytest.mark.skipif(
    not _fused.kernels_available(), reason="skoptim._kernels is not built"
)

RTOL = {np.float64: 1e-12, np.float32: 2e-5}


def assert_same_weights(a, b):
    for x, y in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(x, y)


@pytest.fixture
def one_pass():
    """Run a callable with the two-way passes switched off, then restore."""

    def run(func):
        old = _data_parallel.use_data_parallel(False)
        try:
            return func()
        finally:
            _data_parallel.use_data_parallel(old)

    return run


@pytest.fixture
def threads():
    """Run a callable with the halves on ``n`` threads (1: one after the
    other), as halves_in_parallel would set them, then restore."""

    def run(n, func):
        old = _data_parallel._compiled.set_threads(n)
        try:
            with threadpool_limits(1, user_api="blas"):
                return func()
        finally:
            _data_parallel._compiled.set_threads(old)

    return run


@pytest.mark.skipif(
    os.environ.get("SKOPTIM_ALLOW_NO_KERNELS") == "1",
    reason="SKOPTIM_ALLOW_NO_KERNELS=1: testing an install without a compiler",
)
def test_data_parallel_is_built_on_this_install():
    assert _data_parallel.data_parallel_available()


def _network(units, activation, loss, dtype, seed=0, **kwargs):
    layout = ParamLayout(units, batch_norm=kwargs.pop("batch_norm", False))
    network = Network(layout, activation, loss, **kwargs)
    rng = np.random.default_rng(seed)
    params = (rng.standard_normal(layout.n_params) * 0.3).astype(dtype)
    return network, params


def _loss_and_gradient(network, params, X, Y, scale):
    ws = network.training_workspace(params, X.shape[0])
    value = network.loss_and_gradient(ws, X, Y, scale)
    return value, ws.grad.copy(), ws.plan


LOSSES = [
    (get_loss("log_loss", "softmax"), 4),
    (get_loss("log_loss", "logistic"), 1),
    (get_loss("squared_error", "identity"), 3),
]


@needs_compiled
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("loss, n_out", LOSSES)
@pytest.mark.parametrize("n", [1, 2, 7, 200, 1100])  # 1100: chunks of 512
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_matches_one_pass(
    dtype, activation, loss, n_out, n, weighted, one_pass
):
    rng = np.random.default_rng(n)
    network, params = _network((5, 9, 6, n_out), activation, loss, dtype)
    X = rng.standard_normal((n, 5)).astype(dtype)
    if n_out == 4:
        Y = np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, n)]
    elif loss.output_activation == "logistic":
        Y = rng.integers(0, 2, (n, 1)).astype(dtype)
    else:
        Y = rng.standard_normal((n, n_out)).astype(dtype)
    scale = rng.random(n).astype(dtype) / n if weighted else 1.0 / n
    value, grad, plan = _loss_and_gradient(network, params, X, Y, scale)
    assert plan is not None
    value_np, grad_np, plan_np = one_pass(
        lambda: _loss_and_gradient(network, params, X, Y, scale)
    )
    assert plan_np is None
    np.testing.assert_allclose(value, value_np, rtol=RTOL[dtype])
    np.testing.assert_allclose(
        grad, grad_np, rtol=RTOL[dtype], atol=RTOL[dtype] * np.abs(grad_np).max()
    )


def _worker_jobs():
    return _data_parallel._compiled.worker_jobs()


@needs_compiled
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [64, 200, 513])
def test_gradient_is_the_same_on_one_or_two_threads(dtype, n, threads):
    # big enough for the worker (rows x parameters >= 2**20)
    rng = np.random.default_rng(0)
    network, params = _network((100, 128, 64, 10), "relu", LOSSES[0][0], dtype)
    X = rng.standard_normal((n, 100)).astype(dtype)
    Y = np.eye(10, dtype=dtype)[rng.integers(0, 10, n)]

    def run():
        return _loss_and_gradient(network, params, X, Y, 1.0 / n)[:2]

    (v1, g1) = threads(1, run)
    before = _worker_jobs()
    (v2, g2) = threads(2, run)
    assert _worker_jobs() > before  # the second half ran on the worker
    assert v1 == v2
    np.testing.assert_array_equal(g1, g2)


def _blas_threads():
    return [
        lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
    ]


@needs_compiled
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_is_bit_identical_whatever_the_blas_threads(dtype):
    X, y = make_classification(n_samples=600, n_features=100, random_state=0)
    X = X.astype(dtype)

    def fit():
        return MLPClassifier(
            (128, 64), solver=Adam(), batch_size=128, max_iter=3, random_state=0
        ).fit(X, y)

    before = _worker_jobs()
    default = fit()
    if max(_blas_threads()) >= 2:
        assert _worker_jobs() > before
    with threadpool_limits(1):  # the halves one after the other
        before = _worker_jobs()
        single = fit()
        assert _worker_jobs() == before
    for a, b in zip(
        default.coefs_ + default.intercepts_, single.coefs_ + single.intercepts_
    ):
        np.testing.assert_array_equal(a, b)


@needs_compiled
@pytest.mark.parametrize(
    "make_model",
    [
        lambda: MLPClassifier((16, 8), solver=Adam(), batch_size=40, max_iter=5),
        lambda: MLPClassifier((16,), activation="tanh", solver=LBFGS(), max_iter=20),
        lambda: MLPClassifier(
            (12,), activation="logistic", penalty=L1(), alpha=1e-3, max_iter=5
        ),
        lambda: MLPRegressor((), solver=SGD(learning_rate=0.01), max_iter=5),
        lambda: MLPRegressor((10,), solver=Adam(), batch_size="full", max_iter=5),
    ],
)
def test_fit_matches_one_pass(make_model, one_pass):
    X, y = make_classification(n_samples=700, n_features=8, random_state=1)
    if isinstance(make_model(), MLPRegressor):
        X, y = make_regression(n_samples=700, n_features=8, random_state=1)
        y = y / y.std()

    def fit():
        return make_model().set_params(random_state=0).fit(X, y)

    fast, slow = fit(), one_pass(fit)
    for a, b in zip(fast.coefs_ + fast.intercepts_, slow.coefs_ + slow.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fast.loss_curve_, slow.loss_curve_, rtol=1e-9)


@needs_compiled
def test_blas_threads_are_restored_after_fit():
    X, y = make_classification(n_samples=200, n_features=8, random_state=0)
    before = _blas_threads()
    MLPClassifier((8,), max_iter=2, random_state=0).fit(X, y)
    assert _blas_threads() == before


@needs_compiled
def test_only_qualifying_networks_get_a_plan():
    loss = LOSSES[0][0]
    cases = {
        "relu": _network((3, 4, 4), "relu", loss, np.float64),
        "elu": _network((3, 4, 4), "elu", loss, np.float64),
        "batch norm": _network((3, 4, 4), "relu", loss, np.float64, batch_norm=True),
        "dropout": _network((3, 4, 4), "relu", loss, np.float64, dropout=(0.5,)),
    }
    planned = {
        name: network.training_workspace(params, 8).plan is not None
        for name, (network, params) in cases.items()
    }
    assert planned == {
        "relu": True,
        "elu": False,
        "batch norm": False,
        "dropout": False,
    }


@needs_compiled
def test_batches_it_cannot_read_take_the_one_pass_code(one_pass):
    # Fortran-ordered rows and sparse input: the numpy passes, same result
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    network, params = _network((6, 8, 3), "relu", LOSSES[0][0], np.float64)
    X = np.asfortranarray(rng.standard_normal((50, 6)))
    Y = np.eye(3)[rng.integers(0, 3, 50)]
    for batch in (X, sp.csr_matrix(X)):
        value, grad, _ = _loss_and_gradient(network, params, batch, Y, 0.02)
        value_np, grad_np, _ = one_pass(
            lambda b=batch: _loss_and_gradient(network, params, b, Y, 0.02)
        )
        assert value == value_np
        np.testing.assert_array_equal(grad, grad_np)


@needs_compiled
def test_nan_weights_give_a_nan_loss():
    # ReLU keeps NaN (as numpy.maximum), so divergence is still seen
    network, params = _network((4, 6, 3), "relu", LOSSES[0][0], np.float64)
    params[:24] = np.nan  # every first-layer weight
    X = np.ones((10, 4))
    Y = np.eye(3)[np.arange(10) % 3]
    value, grad, plan = _loss_and_gradient(network, params, X, Y, 0.1)
    assert plan is not None
    assert np.isnan(value)


@needs_compiled
def test_plan_refuses_a_batch_of_another_dtype_or_size():
    network, params = _network((4, 6, 3), "relu", LOSSES[0][0], np.float64)
    ws = network.training_workspace(params, 8)
    with pytest.raises(ValueError, match="does not fit"):
        ws.plan.forward(np.ones((8, 4), np.float32), 8)
    with pytest.raises(ValueError, match="does not fit"):
        ws.plan.forward(np.ones((9, 4)), 9)  # more rows than the workspace


def _fit_in_child(queue):
    X, y = make_classification(n_samples=300, n_features=10, random_state=0)
    model = MLPClassifier((16,), batch_size=50, max_iter=3, random_state=0)
    queue.put(model.fit(X, y).score(X, y))


@needs_compiled
@pytest.mark.skipif(sys.platform != "linux", reason="fork start method")
def test_a_forked_child_can_fit_after_the_parent_did():
    # the worker thread does not survive fork; the child must start its own
    X, y = make_classification(n_samples=300, n_features=10, random_state=0)
    parent = MLPClassifier((16,), batch_size=50, max_iter=3, random_state=0)
    expected = parent.fit(X, y).score(X, y)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_fit_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == expected


@needs_compiled
def test_fits_in_several_python_threads_at_once():
    # one fit has the worker thread, the others run both halves themselves:
    # the same results as one fit at a time, and the BLAS setting restored
    from concurrent.futures import ThreadPoolExecutor

    X, y = make_classification(n_samples=400, n_features=50, random_state=0)
    before = _blas_threads()

    def fit(seed):
        model = MLPClassifier((256,), batch_size=100, max_iter=4, random_state=seed)
        return model.fit(X, y).coefs_[0]

    expected = [fit(seed) for seed in range(4)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(fit, range(4)))
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
    assert _blas_threads() == before


@needs_compiled
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("dropout", [0.0, 0.3])  # inference drops nothing
def test_predict_matches_one_pass(dtype, dropout, one_pass):
    X, y = make_classification(n_samples=2500, n_features=100, random_state=0)
    X = X.astype(dtype)  # 2500 rows: chunks of 1024 and a last one of 452
    model = MLPClassifier((256,), dropout=dropout, max_iter=2, random_state=0)
    model.fit(X, y)
    network, params = model._network, model._params
    assert (network.training_workspace(params, 8).plan is None) == (dropout > 0)
    before = _worker_jobs()
    logits, out = network.predict_raw(params, X)
    if max(_blas_threads()) >= 2:
        assert _worker_jobs() > before  # the two-way forward pass ran
    logits_np, out_np = one_pass(lambda: network.predict_raw(params, X))
    np.testing.assert_allclose(logits, logits_np, rtol=RTOL[dtype], atol=1e-6)
    np.testing.assert_allclose(out, out_np, rtol=RTOL[dtype], atol=1e-6)
    with threadpool_limits(1):
        single, _ = network.predict_raw(params, X, outputs=False)
    np.testing.assert_array_equal(single, logits)


@needs_compiled
@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_kernel_split_over_two_threads_is_bit_identical(dtype, amsgrad, threads):
    # a long step is cut in two ranges, the second on the worker thread;
    # tests/test_fused.py checks the kernel against numpy on one thread
    rng = np.random.default_rng(0)
    n = 100_003
    start = [rng.standard_normal(n).astype(dtype) for _ in range(3)]
    start.append(np.abs(rng.standard_normal(n)).astype(dtype))
    start.append(np.abs(rng.standard_normal(n)).astype(dtype))

    def step():
        p, g, m, v, v_max = (a.copy() for a in start)
        args = (0.9, 0.999, 1.05, 1e-8, 1e-3)
        assert _fused.adam_kernel(p, g, m, v, v_max if amsgrad else None, *args)
        return p, m, v, v_max

    one = threads(1, step)
    before = _worker_jobs()
    two = threads(2, step)
    assert _worker_jobs() > before
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)


@needs_compiled
@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_axpy_kernel_split_over_two_threads_is_bit_identical(dtype, threads):
    # the L2 penalty's gradient, y += alpha * x, over 100,003 elements
    rng = np.random.default_rng(1)
    y, x = (rng.standard_normal(100_003).astype(dtype) for _ in range(2))

    def run():
        return _fused.add_scaled(y.copy(), x, 1e-4)

    one = threads(1, run)
    before = _worker_jobs()
    two = threads(2, run)
    assert _worker_jobs() > before
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(one, y + np.asarray(1e-4, dtype) * x)


@needs_compiled
def test_networks_the_compiled_code_cannot_hold_take_numpy():
    # more layers than the plan holds, byte-swapped parameters, sparse data
    import scipy.sparse as sp

    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    deep = MLPClassifier((3,) * 70, max_iter=2, random_state=0).fit(X, y)
    assert deep.predict(X).shape == (60,)
    network, params = _network((4, 6, 3), "relu", LOSSES[0][0], np.float64)
    swapped = params.astype(params.dtype.newbyteorder())
    assert network.training_workspace(swapped, 8).plan is None
    assert network.training_workspace(params, 8, X=sp.csr_matrix(X)).plan is None
    assert network.training_workspace(params, 8, X=X).plan is not None


@needs_compiled
def test_an_inference_plan_refuses_backward():
    network, params = _network((4, 6, 3), "relu", LOSSES[0][0], np.float64)
    ws = network.training_workspace(params, 8)
    plan = _data_parallel.make_plan(
        network, Workspace(network.layout, params, 8, grad=False), None, training=False
    )
    with pytest.raises(RuntimeError, match="no backward"):
        plan.backward(np.ones((8, 4)), 8, ws.grad, ws.partial_grad)


@needs_compiled
@needs_kernels
@pytest.mark.skipif(
    not (sys.platform == "linux" and platform.machine() == "x86_64"),
    reason="fesetround through ctypes, x86-64 glibc values",
)
def test_the_worker_takes_the_callers_rounding_mode(threads):
    # a result must not depend on which thread computed it, even when the
    # caller changed its floating-point environment after the worker started
    import ctypes

    libm = ctypes.CDLL("libm.so.6")
    rng = np.random.default_rng(0)
    start = [rng.standard_normal(100_003) for _ in range(3)]
    start.append(np.abs(rng.standard_normal(100_003)))

    def step():
        p, g, m, v = (a.copy() for a in start)
        _fused.adam_kernel(p, g, m, v, None, 0.9, 0.999, 1.05, 1e-8, 1e-3)
        return p

    threads(2, step)  # the worker exists, created under round-to-nearest
    nearest = threads(1, step)
    libm.fesetround(0x400)  # FE_DOWNWARD
    try:
        one, two = threads(1, step), threads(2, step)
    finally:
        libm.fesetround(0)  # FE_TONEAREST
    assert not np.array_equal(one, nearest)  # the mode does change the bits
    np.testing.assert_array_equal(one, two)


@needs_compiled
@needs_kernels
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_take_rows_split_over_two_threads_copies_the_rows(dtype, threads):
    # the rows of a shuffled batch, gathered by the kernel on two threads
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 101)).astype(dtype)
    rows = rng.permutation(3000)[:777]
    out = np.empty((777, 101), dtype)
    before = _worker_jobs()
    threads(2, lambda: _fused.take_rows(X, rows, out))
    assert _worker_jobs() > before
    np.testing.assert_array_equal(out, X[rows])
    with pytest.raises(ValueError, match="index"):
        _fused._kernels.take_rows(X, np.array([0, 3000]), out, 101 * X.itemsize)
