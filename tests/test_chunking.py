"""Large batches go through the network in chunks of rows.

The gradient of a batch is the sum of its chunks' gradients, so a chunked
pass must give the whole batch's value and gradient up to the order of the
sums; and a full-batch fit must not copy its input every epoch.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification

from skoptim import MLPClassifier, MLPRegressor
from skoptim.losses import get_loss
from skoptim.neural_network import _network
from skoptim.neural_network._layout import ParamLayout
from skoptim.neural_network._network import Network, Workspace
from skoptim.optimizers import Adam
from skoptim.penalties import L2

LOSSES = [
    ("log_loss", "softmax", 4),
    ("log_loss", "logistic", 2),
    ("squared_error", "identity", 3),
]


def _targets(out_act, n, n_outputs, rng):
    if out_act == "softmax":
        return np.eye(n_outputs)[rng.integers(0, n_outputs, n)]
    if out_act == "logistic":
        return rng.integers(0, 2, (n, n_outputs)).astype(float)
    return rng.normal(size=(n, n_outputs))


@pytest.mark.parametrize("loss, out_act, n_outputs", LOSSES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_chunked_batch_gives_the_whole_batch_gradient(
    loss, out_act, n_outputs, weighted, sparse, activation
):
    rng = np.random.default_rng(0)
    n = 53  # chunks of 8 rows: six full ones and a last of 5
    X = rng.normal(size=(n, 6))
    Y = _targets(out_act, n, n_outputs, rng)
    scale = rng.random(n) / n if weighted else 1.0 / n
    if sparse:
        X[rng.random(X.shape) < 0.5] = 0.0
        X = sp.csr_matrix(X)
    layout = ParamLayout((6, 7, 5, n_outputs))
    net = Network(layout, activation, get_loss(loss, out_act), L2(), alpha=0.1)
    params = rng.normal(size=layout.n_params) * 0.5

    whole = Workspace(layout, params, n)
    value = net.loss_and_gradient(whole, X, Y, scale)
    chunked = Workspace(layout, params, 8)
    chunked_value = net.loss_and_gradient(chunked, X, Y, scale)

    assert chunked.chunk_grad is not None  # it did go through in chunks
    np.testing.assert_allclose(chunked_value, value, rtol=1e-13)
    np.testing.assert_allclose(chunked.grad, whole.grad, rtol=1e-12, atol=1e-15)
    # a second call starts afresh rather than adding to the last gradient
    net.loss_and_gradient(chunked, X, Y, scale)
    np.testing.assert_allclose(chunked.grad, whole.grad, rtol=1e-12, atol=1e-15)


def test_workspace_rows_chunk_only_networks_without_batch_statistics():
    layout = ParamLayout((3, 4, 2))
    loss = get_loss("squared_error", "identity")
    plain = Network(layout, "relu", loss)
    assert plain.workspace_rows(100_000) == _network.CHUNK_ROWS
    assert plain.workspace_rows(200) == 200
    # batch norm needs the whole batch's statistics, dropout its masks
    bn = Network(ParamLayout((3, 4, 2), batch_norm=True), "relu", loss)
    assert bn.workspace_rows(100_000) == 100_000
    dropped = Network(layout, "relu", loss, dropout=(0.5,))
    assert dropped.workspace_rows(100_000) == 100_000


@pytest.mark.parametrize("solver", [Adam(0.01), "lbfgs"])
def test_full_batch_fit_matches_unchunked_fit(solver, monkeypatch):
    X, y = make_classification(n_samples=300, n_features=8, random_state=0)

    def fit():
        return MLPClassifier(
            (12,), solver=solver, batch_size="full", max_iter=15, random_state=0
        ).fit(X, y)

    chunked = fit()
    monkeypatch.setattr(_network, "CHUNK_ROWS", 10**9)
    whole = fit()
    # only the order of the sums differs
    np.testing.assert_allclose(chunked.loss_curve_, whole.loss_curve_, rtol=1e-9)
    for a, b in zip(chunked.coefs_, whole.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)


def test_full_batch_fit_copies_no_input_per_epoch():
    # A shuffled single batch used to be gathered into a fresh copy of X
    # every epoch, and its activations held n rows per layer: the peak was
    # 3.8 times the input. What is left is a chunk's buffers and the
    # n-by-1 outputs and targets.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 50))
    y = X[:, 0] - 2 * X[:, 1] + rng.normal(scale=0.1, size=20_000)
    model = MLPRegressor(
        (64,), batch_size="full", shuffle=True, max_iter=3, random_state=0
    )
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        model.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert model.n_iter_ == 3
    assert peak < 0.2 * X.nbytes, f"{peak / X.nbytes:.2f} of the input"


def test_batch_statistics_refuse_a_workspace_too_small():
    layout = ParamLayout((3, 4, 2), batch_norm=True)
    net = Network(layout, "relu", get_loss("squared_error", "identity"))
    params = np.random.default_rng(0).normal(size=layout.n_params)
    ws = Workspace(layout, params, 8)
    X, Y = np.ones((20, 3)), np.ones((20, 2))
    with pytest.raises(ValueError, match="workspace_rows"):
        net.loss_and_gradient(ws, X, Y, 1 / 20)
