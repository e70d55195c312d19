"""Dropout and batch normalization: gradients, definitions, modes, estimators."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification

from skoptim import MLPClassifier, MLPRegressor
from skoptim.activations import HIDDEN_ACTIVATIONS
from skoptim.losses import get_loss
from skoptim.neural_network._layout import ParamLayout
from skoptim.neural_network._network import Network, Workspace
from skoptim.penalties import L2

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N = 12
KINKED = {"relu", "leaky_relu", "elu"}


def _network(activation, loss_name, out_activation, n_out, dropout=(), bn=True):
    layout = ParamLayout((4, 5, 3, n_out), batch_norm=bn)
    loss = get_loss(loss_name, out_activation)
    return Network(layout, activation, loss, L2(), 0.1, dropout=dropout)


def _setup(net, seed, dropout):
    """Parameters, data, a workspace with fixed masks; away from kinks."""
    rng = np.random.RandomState(seed)
    layout = net.layout
    for _ in range(100):
        params = rng.normal(scale=0.7, size=layout.n_params)
        X = rng.normal(size=(N, 4))
        ws = Workspace(layout, params, N, dropout=dropout)
        ws.draw_masks(rng, N)
        net.forward(ws, X, N, training=True)
        # pre-activations: gamma * z_hat + beta
        pre = [ws.bn_scales[i] * ws.normalized[i] + ws.bn_shifts[i] for i in (0, 1)]
        if net.hidden.name not in KINKED or all(np.abs(p).min() > 1e-4 for p in pre):
            return params, X, ws
    raise AssertionError("no kink-free draw")


def _targets(loss_name, out_activation, n_out, rng):
    if out_activation == "softmax":
        return np.eye(n_out)[rng.randint(n_out, size=N)]
    if out_activation == "logistic":
        return rng.randint(2, size=(N, n_out)).astype(float)
    return rng.normal(size=(N, n_out))


CASES = [
    ("squared_error", "identity", 2),
    ("log_loss", "logistic", 1),
    ("log_loss", "softmax", 3),
]


@pytest.mark.parametrize("dropout", [(), (0.3, 0.5)], ids=["bn", "bn+dropout"])
@pytest.mark.parametrize("loss_name, out_activation, n_out", CASES)
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_backprop_with_batch_norm_equals_finite_differences(
    activation, loss_name, out_activation, n_out, dropout
):
    """Training mode, dropout masks held fixed; central differences, 1e-6."""
    net = _network(activation, loss_name, out_activation, n_out, dropout)
    params, X, ws = _setup(net, 0, dropout)
    Y = _targets(loss_name, out_activation, n_out, np.random.RandomState(1))
    net.loss_and_gradient(ws, X, Y, 1.0 / N)
    grad = ws.grad.copy()
    numeric = np.empty_like(grad)
    h = 1e-6
    for k in range(params.size):
        saved = params[k]
        params[k] = saved + h
        plus = net.loss_and_gradient(ws, X, Y, 1.0 / N)
        params[k] = saved - h
        minus = net.loss_and_gradient(ws, X, Y, 1.0 / N)
        params[k] = saved
        numeric[k] = (plus - minus) / (2 * h)
    error = np.linalg.norm(grad - numeric) / np.linalg.norm(numeric)
    assert error < 1e-6, error
    # gamma and beta have gradients (they are trained) and are not penalized
    n_bn = net.layout.n_params - net.layout.bias_offsets[-1]
    assert n_bn == 2 * (5 + 3) and np.abs(grad[-n_bn:]).max() > 0


def test_batch_norm_output_matches_its_definition():
    net = _network("tanh", "squared_error", "identity", 2)
    layout = net.layout
    rng = np.random.RandomState(0)
    params = rng.normal(size=layout.n_params)
    X = rng.normal(loc=3.0, scale=2.0, size=(50, 4))
    ws = Workspace(layout, params, 50)
    net.forward(ws, X, 50, training=True)
    z = X @ ws.weights[0] + ws.biases[0]
    z_hat = ws.normalized[0]
    np.testing.assert_allclose(z_hat.mean(axis=0), 0, atol=1e-12)
    var = z.var(axis=0)
    np.testing.assert_allclose(z_hat.var(axis=0), var / (var + 1e-5), rtol=1e-12)
    expected = np.tanh(ws.bn_scales[0] * z_hat + ws.bn_shifts[0])
    np.testing.assert_allclose(ws.activations[0], expected, rtol=1e-12)
    # running statistics: torch's update with the unbiased batch variance
    np.testing.assert_allclose(ws.running_means[0], 0.1 * z.mean(axis=0))
    np.testing.assert_allclose(ws.running_vars[0], 0.9 + 0.1 * var * 50 / 49)


def _manual_predict(clf, X):
    a = X
    for i, (W, b) in enumerate(zip(clf.coefs_, clf.intercepts_)):
        z = a @ W + b
        if i == len(clf.coefs_) - 1:
            return z
        mean = clf.batch_norm_running_means_[i]
        var = clf.batch_norm_running_vars_[i]
        z = (z - mean) / np.sqrt(var + 1e-5)
        z = clf.batch_norm_scales_[i] * z + clf.batch_norm_shifts_[i]
        a = np.maximum(z, 0)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=201, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return X, y


def test_inference_uses_running_statistics(data):
    X, y = data
    clf = MLPClassifier(
        (16, 8), batch_normalization=True, batch_size=50, max_iter=30, random_state=0
    ).fit(X, y)
    assert len(clf.batch_norm_running_means_) == 2
    assert not np.allclose(clf.batch_norm_running_vars_[0], 1.0)
    logits = _manual_predict(clf, X)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[logits.argmax(axis=1)])
    # one row alone predicts as in a batch: no batch statistics at inference
    np.testing.assert_allclose(clf.predict_proba(X[:1]), clf.predict_proba(X)[:1])


def test_single_sample_last_batch_uses_running_statistics(data):
    X, y = data  # 201 samples, batch 200: the last batch has one row
    clf = MLPClassifier(
        (8,), batch_normalization=True, batch_size=200, max_iter=5, random_state=0
    ).fit(X, y)
    assert np.isfinite(clf.loss_curve_).all()


def test_dropout_is_seeded_and_off_at_predict(data):
    X, y = data
    params = dict(hidden_layer_sizes=(32,), dropout=0.5, max_iter=20)
    a = MLPClassifier(**params, random_state=0).fit(X, y)
    b = clone(a).fit(X, y)
    np.testing.assert_array_equal(a._params, b._params)
    c = MLPClassifier(**params, random_state=1).fit(X, y)
    assert not np.array_equal(a._params, c._params)
    np.testing.assert_array_equal(a.predict_proba(X), a.predict_proba(X))
    plain = MLPClassifier((32,), max_iter=20, random_state=0).fit(X, y)
    assert a.loss_curve_ != plain.loss_curve_


def test_dropout_masks_are_inverted_and_per_layer():
    layout = ParamLayout((3, 400, 300, 1))
    ws = Workspace(layout, np.zeros(layout.n_params), 200, dropout=(0.2, 0.0))
    ws.draw_masks(np.random.RandomState(0), 200)
    mask = ws.masks[0]
    assert set(np.unique(mask)) == {0.0, 1.25}
    assert abs(mask.mean() - 1.0) < 0.01 and abs((mask == 0).mean() - 0.2) < 0.01
    assert ws.masks[1] is None


def test_partial_fit_warm_start_pickle_and_float32(data):
    X, y = data
    clf = MLPClassifier(
        (8,), dropout=(0.2,), batch_normalization=True, batch_size=50, random_state=0
    )
    clf.partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    clf.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_array_equal(restored._params, clf._params)
    np.testing.assert_array_equal(restored._buffers, clf._buffers)
    warm = clone(clf).set_params(warm_start=True, max_iter=3).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_ == 6
    with pytest.raises(ValueError, match="batch_normalization=False"):
        warm.set_params(batch_normalization=False).fit(X, y)
    reg = MLPRegressor(
        (8,), batch_normalization=True, dropout=0.1, max_iter=3, random_state=0
    ).fit(X.astype(np.float32), y)
    assert reg._buffers.dtype == np.float32 and reg.predict(X).dtype == np.float32
    assert all(g.dtype == np.float32 for g in reg.batch_norm_scales_)


def test_early_stopping_restores_running_statistics_with_the_weights(data):
    X, y = data
    clf = MLPClassifier(
        (16,),
        batch_normalization=True,
        early_stopping=True,
        max_iter=40,
        random_state=0,
    ).fit(X, y)
    logits = _manual_predict(clf, X)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[logits.argmax(axis=1)])


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(batch_normalization=True, batch_size=1), "batch_size=1"),
        (dict(dropout=(0.1, 0.2)), "one such float per hidden layer"),
        (dict(dropout=1.0), "'dropout' parameter"),
        (dict(dropout=-0.1), "'dropout' parameter"),
        (dict(dropout=0.3, solver="lbfgs"), "deterministic objective"),
        (dict(batch_norm_momentum=1.5), "'batch_norm_momentum' parameter"),
    ],
)
def test_bad_settings_are_explained(data, params, message):
    X, y = data
    with pytest.raises(ValueError, match=message):
        MLPClassifier((8,), max_iter=1, **params).fit(X, y)
