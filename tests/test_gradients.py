"""Backpropagation against central finite differences, and loss values.

Criterion: for every case the backprop gradient ``g`` and the central
finite-difference gradient ``g_fd`` (step ``h = 1e-6``, float64) must satisfy

* ``||g - g_fd||_2 / ||g_fd||_2 < 1e-6`` (the relative error in norm), and
* coordinatewise ``|g_i - g_fd_i| <= 1e-6 * ||g_fd||_inf``, so a wrong block
  of small coordinates (e.g. the first-layer biases) cannot hide behind a
  large, correct norm.

The truncation error of central differences is O(h^2) ~ 1e-12 and the
round-off error is about ``eps * |f| / h`` ~ 1e-10 here, far below both bounds.
Piecewise-linear activations are only tested where no hidden pre-activation
lies within ``_KINK_MARGIN`` of 0 (parameters are re-drawn otherwise), so the
``+-h`` perturbations never cross a kink.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import log_expit, log_softmax, logsumexp, softmax
from sklearn.metrics import log_loss as sklearn_log_loss

from skoptim.activations import HIDDEN_ACTIVATIONS, get_activation
from skoptim.losses import get_loss
from skoptim.neural_network._layout import ParamLayout
from skoptim.neural_network._network import Network, Workspace
from skoptim.penalties import L2, ElasticNet

N_SAMPLES = 12
N_FEATURES = 4
STEP = 1e-6
RTOL = 1e-6
ALPHA = 0.3
_KINK_MARGIN = 1e-4
_KINKED = {"relu", "leaky_relu", "elu"}

# (loss, output activation, number of outputs, kind of target)
LOSS_CASES = [
    pytest.param("squared_error", "identity", 1, "real", id="se-identity-1"),
    pytest.param("squared_error", "identity", 3, "real", id="se-identity-3"),
    pytest.param("log_loss", "logistic", 1, "binary", id="ll-logistic-binary"),
    pytest.param("log_loss", "logistic", 3, "multilabel", id="ll-logistic-multilabel"),
    pytest.param("log_loss", "softmax", 4, "onehot", id="ll-softmax-4"),
    pytest.param("squared_error", "logistic", 3, "multilabel", id="se-logistic-3"),
    pytest.param("squared_error", "softmax", 4, "onehot", id="se-softmax-4"),
]


# ----------------------------------------------------------------------------
# helpers
def _targets(kind, n_samples, n_outputs, rng):
    """A 2-D target matrix ``Y`` of the given kind."""
    if kind == "real":
        return rng.normal(size=(n_samples, n_outputs))
    if kind in ("binary", "multilabel"):
        return rng.integers(0, 2, size=(n_samples, n_outputs)).astype(float)
    labels = rng.integers(0, n_outputs, size=n_samples)
    return np.eye(n_outputs)[labels]


def _hidden_pre_activations(layout, params, X, hidden):
    """Pre-activations of every hidden layer, computed independently."""
    act = get_activation(hidden)
    a = X.toarray() if sp.issparse(X) else X
    pre = []
    weights, biases = layout.weights(params), layout.biases(params)
    for W, b in zip(weights[:-1], biases[:-1]):
        z = a @ W + b
        pre.append(z)
        a = act.forward(z.copy())
    return pre


def _draw_params(layout, X, hidden, rng, scale=0.5):
    """Random parameters with no hidden pre-activation near a kink."""
    for _ in range(100):
        params = rng.normal(size=layout.n_params) * scale
        if hidden not in _KINKED:
            return params
        pre = _hidden_pre_activations(layout, params, X, hidden)
        if all(np.abs(z).min() > _KINK_MARGIN for z in pre):
            return params
    raise RuntimeError("could not draw parameters away from the kinks")


def _fd_gradient(f, params, h=STEP):
    """Central finite-difference gradient of ``f`` at ``params``."""
    grad = np.empty_like(params)
    p = params.copy()
    for j in range(params.size):
        p[j] = params[j] + h
        f_plus = f(p)
        p[j] = params[j] - h
        f_minus = f(p)
        p[j] = params[j]
        grad[j] = (f_plus - f_minus) / (2 * h)
    return grad


def _assert_gradient_close(g, g_fd):
    assert np.all(np.isfinite(g))
    assert np.linalg.norm(g_fd) > 0
    rel = np.linalg.norm(g - g_fd) / np.linalg.norm(g_fd)
    assert rel < RTOL, f"relative gradient error {rel:.3e}"
    worst = np.abs(g - g_fd).max() / np.abs(g_fd).max()
    assert worst < RTOL, f"worst coordinate error {worst:.3e} (relative to max)"


def _check_gradient(net, X, Y, scale, params, smooth_objective=None):
    """Backprop gradient at ``params`` against finite differences.

    ``smooth_objective(p)`` defaults to ``net.objective(p, X, Y, scale)``.
    Also checks that the returned value is the objective and that the
    parameters are left unchanged.
    """
    original = params.copy()
    ws = Workspace(net.layout, params, batch_size=X.shape[0])
    value = net.loss_and_gradient(ws, X, Y, scale)
    g = ws.grad.copy()
    np.testing.assert_array_equal(params, original)
    objective = net.objective(params.copy(), X, Y, scale)
    np.testing.assert_allclose(value, objective, rtol=1e-12)
    if smooth_objective is None:

        def smooth_objective(p):
            return net.objective(p, X, Y, scale)

    _assert_gradient_close(g, _fd_gradient(smooth_objective, params))
    return g


def _problem(hidden_sizes, loss, out_act, n_outputs, kind, hidden, penalty, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = _targets(kind, N_SAMPLES, n_outputs, rng)
    layout = ParamLayout((N_FEATURES, *hidden_sizes, n_outputs))
    net = Network(layout, hidden, get_loss(loss, out_act), penalty=penalty, alpha=ALPHA)
    params = _draw_params(layout, X, hidden, rng)
    return net, X, Y, params, rng


# ----------------------------------------------------------------------------
# gradients
@pytest.mark.parametrize("penalty", [None, "l2"])
@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_gradient_one_hidden_layer(hidden, loss, out_act, n_outputs, kind, penalty):
    """Backprop through one hidden layer equals finite differences for every
    hidden activation, loss/output pair, without and with an L2 penalty."""
    pen = L2() if penalty == "l2" else None
    net, X, Y, params, _ = _problem(
        (6,), loss, out_act, n_outputs, kind, hidden, pen, seed=1
    )
    _check_gradient(net, X, Y, 1.0 / N_SAMPLES, params)


@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_gradient_two_hidden_layers(hidden, loss, out_act, n_outputs, kind):
    """Backprop through two hidden layers (the deltas of a middle layer go
    through the hidden activation twice) equals finite differences."""
    net, X, Y, params, _ = _problem(
        (5, 3), loss, out_act, n_outputs, kind, hidden, L2(), seed=2
    )
    _check_gradient(net, X, Y, 1.0 / N_SAMPLES, params)


@pytest.mark.parametrize("penalty", [None, "l2"])
@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES)
def test_gradient_linear_model(loss, out_act, n_outputs, kind, penalty):
    """With no hidden layer (``hidden_layer_sizes=()``) the network is a
    generalized linear model and its gradient equals finite differences."""
    pen = L2() if penalty == "l2" else None
    net, X, Y, params, _ = _problem(
        (), loss, out_act, n_outputs, kind, "identity", pen, seed=3
    )
    _check_gradient(net, X, Y, 1.0 / N_SAMPLES, params)


@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES)
@pytest.mark.parametrize("hidden", ["tanh", "relu"])
def test_gradient_sample_weights(hidden, loss, out_act, n_outputs, kind):
    """A per-sample ``scale`` array (sample weights over ``n * mean``) weights
    each sample's loss and gradient; backprop equals finite differences."""
    net, X, Y, params, rng = _problem(
        (6,), loss, out_act, n_outputs, kind, hidden, L2(), seed=4
    )
    w = rng.uniform(0.1, 3.0, size=N_SAMPLES)
    scale = w / (N_SAMPLES * w.mean())
    _check_gradient(net, X, Y, scale, params)


@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES)
def test_integer_sample_weights_equal_repeated_rows(loss, out_act, n_outputs, kind):
    """Integer sample weights give the value and gradient of the data set
    with each row repeated that many times (the meaning of ``scale``)."""
    net, X, Y, params, rng = _problem(
        (6,), loss, out_act, n_outputs, kind, "tanh", L2(), seed=5
    )
    w = rng.integers(1, 4, size=N_SAMPLES)
    ws = Workspace(net.layout, params, batch_size=N_SAMPLES)
    value = net.loss_and_gradient(ws, X, Y, w / (N_SAMPLES * w.mean()))
    g = ws.grad.copy()

    X_rep, Y_rep = np.repeat(X, w, axis=0), np.repeat(Y, w, axis=0)
    ws_rep = Workspace(net.layout, params, batch_size=X_rep.shape[0])
    value_rep = net.loss_and_gradient(ws_rep, X_rep, Y_rep, 1.0 / X_rep.shape[0])
    np.testing.assert_allclose(value, value_rep, rtol=1e-12)
    np.testing.assert_allclose(g, ws_rep.grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("hidden_sizes", [(), (6,)], ids=["linear", "hidden"])
@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES)
def test_gradient_sparse_csr(loss, out_act, n_outputs, kind, hidden_sizes):
    """A sparse CSR ``X`` gives the finite-difference gradient and the same
    value and gradient as the dense array."""
    net, X, Y, params, rng = _problem(
        hidden_sizes, loss, out_act, n_outputs, kind, "tanh", L2(), seed=6
    )
    X[rng.random(X.shape) < 0.5] = 0.0
    X_csr = sp.csr_matrix(X)
    g = _check_gradient(net, X_csr, Y, 1.0 / N_SAMPLES, params)

    ws = Workspace(net.layout, params, batch_size=N_SAMPLES)
    value_dense = net.loss_and_gradient(ws, X, Y, 1.0 / N_SAMPLES)
    np.testing.assert_allclose(
        net.objective(params, X_csr, Y, 1.0 / N_SAMPLES), value_dense, rtol=1e-12
    )
    np.testing.assert_allclose(g, ws.grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES)
def test_gradient_workspace_larger_than_batch(loss, out_act, n_outputs, kind):
    """A workspace allocated for a larger batch (the last, short batch of an
    epoch) gives the same value and gradient as an exact-size one, even
    when its buffers hold stale values from a previous batch."""
    net, X, Y, params, rng = _problem(
        (6, 3), loss, out_act, n_outputs, kind, "tanh", L2(), seed=7
    )
    big = Workspace(net.layout, params, batch_size=3 * N_SAMPLES)
    X_big = rng.normal(size=(3 * N_SAMPLES, N_FEATURES))
    Y_big = _targets(kind, 3 * N_SAMPLES, n_outputs, rng)
    net.loss_and_gradient(big, X_big, Y_big, 1.0 / (3 * N_SAMPLES))  # stale state
    value_big = net.loss_and_gradient(big, X, Y, 1.0 / N_SAMPLES)

    exact = Workspace(net.layout, params, batch_size=N_SAMPLES)
    value = net.loss_and_gradient(exact, X, Y, 1.0 / N_SAMPLES)
    assert value_big == value
    np.testing.assert_array_equal(big.grad, exact.grad)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES[::2])
def test_gradient_elastic_net_smooth_part(loss, out_act, n_outputs, kind, l1_ratio):
    """ElasticNet adds only its smooth part ``alpha (1 - rho) w`` to the
    gradient: backprop equals the finite-difference gradient of the objective
    minus ``alpha * rho * ||w||_1`` (the L1 part is applied by the solver's
    proximal step, not through the gradient)."""
    pen = ElasticNet(l1_ratio=l1_ratio)
    net, X, Y, params, _ = _problem(
        (6,), loss, out_act, n_outputs, kind, "tanh", pen, seed=8
    )
    layout = net.layout

    def smooth_objective(p):
        l1 = np.abs(layout.weight_slice(p)).sum()
        return net.objective(p, X, Y, 1.0 / N_SAMPLES) - ALPHA * l1_ratio * l1

    g = _check_gradient(net, X, Y, 1.0 / N_SAMPLES, params, smooth_objective)

    # and the smooth part is exactly alpha * (1 - rho) * w on top of no penalty
    bare = Network(layout, "tanh", net.loss, penalty=None)
    ws = Workspace(layout, params, batch_size=N_SAMPLES)
    bare.loss_and_gradient(ws, X, Y, 1.0 / N_SAMPLES)
    expected = ws.grad.copy()
    expected[: layout.n_weights] += ALPHA * (1 - l1_ratio) * params[: layout.n_weights]
    np.testing.assert_allclose(g, expected, rtol=1e-12, atol=1e-15)


def test_penalty_leaves_biases_alone():
    """The L2 penalty adds ``alpha * w`` to the weight gradients only: the
    bias gradients are those of the unpenalized network."""
    net, X, Y, params, _ = _problem(
        (6, 3), "log_loss", "softmax", 4, "onehot", "tanh", L2(), seed=9
    )
    layout = net.layout
    ws = Workspace(layout, params, batch_size=N_SAMPLES)
    net.loss_and_gradient(ws, X, Y, 1.0 / N_SAMPLES)
    bare = Network(layout, "tanh", net.loss, penalty=None)
    ws_bare = Workspace(layout, params, batch_size=N_SAMPLES)
    bare.loss_and_gradient(ws_bare, X, Y, 1.0 / N_SAMPLES)
    nw = layout.n_weights
    np.testing.assert_array_equal(ws.grad[nw:], ws_bare.grad[nw:])
    np.testing.assert_allclose(
        ws.grad[:nw], ws_bare.grad[:nw] + ALPHA * params[:nw], rtol=1e-12
    )


# ----------------------------------------------------------------------------
# loss values
def _linear_net(loss, out_act, Z):
    """A network whose logits on ``X = I`` are exactly ``Z``."""
    n, k = Z.shape
    layout = ParamLayout((n, k))
    net = Network(layout, "identity", get_loss(loss, out_act))
    params = layout.pack([Z], [np.zeros(k)])
    return net, np.eye(n), params


def test_binary_log_loss_matches_scipy_reference():
    """Logistic log_loss is the binary cross-entropy summed over outputs and
    averaged over samples: it equals ``logaddexp(0, z) - y z`` and
    ``-(y log sigma(z) + (1 - y) log sigma(-z))`` (scipy), and for one output
    scikit-learn's ``log_loss`` of the probabilities."""
    Z = np.array([[2.0, -1.0, 0.5], [-3.0, 0.0, 4.0], [0.25, 1.5, -0.75]])
    Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
    net, X, params = _linear_net("log_loss", "logistic", Z)
    value = net.objective(params, X, Y, 1.0 / 3)
    ref_logaddexp = (np.logaddexp(0, Z) - Y * Z).sum(axis=1).mean()
    ref_log_expit = -(Y * log_expit(Z) + (1 - Y) * log_expit(-Z)).sum(axis=1).mean()
    np.testing.assert_allclose(value, ref_logaddexp, rtol=1e-14)
    np.testing.assert_allclose(value, ref_log_expit, rtol=1e-13)

    net1, X1, params1 = _linear_net("log_loss", "logistic", Z[:, :1])
    p = 1 / (1 + np.exp(-Z[:, 0]))
    np.testing.assert_allclose(
        net1.objective(params1, X1, Y[:, :1], 1.0 / 3),
        sklearn_log_loss(Y[:, 0], p),
        rtol=1e-12,
    )


def test_softmax_log_loss_is_mean_negative_log_likelihood():
    """Softmax log_loss equals ``logsumexp(z) - z_true`` (scipy), the mean
    negative log-likelihood ``-log softmax(z)[true]`` and scikit-learn's
    ``log_loss`` of the softmax probabilities; with per-sample ``scale`` it is
    the weighted mean."""
    Z = np.array(
        [[2.0, -1.0, 0.5, 0.0], [-3.0, 0.0, 4.0, 1.0], [0.25, 1.5, -0.75, 2.0]]
    )
    labels = np.array([0, 3, 1])
    Y = np.eye(4)[labels]
    net, X, params = _linear_net("log_loss", "softmax", Z)
    value = net.objective(params, X, Y, 1.0 / 3)
    rows = np.arange(3)
    ref_lse = (logsumexp(Z, axis=1) - Z[rows, labels]).mean()
    ref_nll = -np.log(softmax(Z, axis=1)[rows, labels]).mean()
    np.testing.assert_allclose(value, ref_lse, rtol=1e-14)
    np.testing.assert_allclose(value, ref_nll, rtol=1e-13)
    np.testing.assert_allclose(
        value, sklearn_log_loss(labels, softmax(Z, axis=1), labels=range(4)), rtol=1e-12
    )

    w = np.array([1.0, 2.0, 5.0])
    weighted = net.objective(params, X, Y, w / (3 * w.mean()))
    ref = -(w * log_softmax(Z, axis=1)[rows, labels]).sum() / w.sum()
    np.testing.assert_allclose(weighted, ref, rtol=1e-13)


def test_squared_error_is_half_squared_residual():
    """squared_error is ``0.5 * ||y - f(z)||^2`` per sample, averaged."""
    Z = np.array([[2.0, -1.0, 0.5], [-3.0, 0.0, 4.0]])
    Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    for out_act, f in [
        ("identity", lambda z: z),
        ("logistic", lambda z: 1 / (1 + np.exp(-z))),
        ("softmax", lambda z: softmax(z, axis=1)),
    ]:
        net, X, params = _linear_net("squared_error", out_act, Z)
        ref = 0.5 * ((Y - f(Z)) ** 2).sum(axis=1).mean()
        np.testing.assert_allclose(net.objective(params, X, Y, 0.5), ref, rtol=1e-14)


# Logits of about +-1e3 saturate every output. Underflow (exp(-1000) -> 0) is
# the correct, benign result inside logaddexp/logsumexp/softmax, so only
# overflow, division by zero and invalid operations are turned into errors.
_STRICT = dict(over="raise", divide="raise", invalid="raise", under="ignore")


@pytest.mark.parametrize("loss, out_act, n_outputs, kind", LOSS_CASES)
@pytest.mark.parametrize("hidden_sizes", [(), (6,)], ids=["linear", "hidden"])
def test_huge_logits_no_overflow(loss, out_act, n_outputs, kind, hidden_sizes):
    """Weights scaled by 1e3 (logits of order 1e3) give finite values and
    gradients with no floating-point warning, and the log_loss value equals
    a stable reference computed from the logits."""
    net, X, Y, params, _ = _problem(
        hidden_sizes, loss, out_act, n_outputs, kind, "tanh", L2(), seed=10
    )
    layout = net.layout
    params[: layout.n_weights] *= 1e3
    with warnings.catch_warnings(), np.errstate(**_STRICT):
        warnings.simplefilter("error")
        ws = Workspace(layout, params, batch_size=N_SAMPLES)
        value = net.loss_and_gradient(ws, X, Y, 1.0 / N_SAMPLES)
        objective = net.objective(params, X, Y, 1.0 / N_SAMPLES)
        Z, _ = net.predict_raw(params, X)
    assert np.isfinite(value)
    assert np.all(np.isfinite(ws.grad))
    # to rounding: inference may take the two-way passes (C's tanh), this
    # workspace numpy's one-pass code
    np.testing.assert_allclose(value, objective, rtol=1e-13)
    assert np.abs(Z).max() > 100  # the logits really are huge

    penalty = ALPHA * 0.5 * params[: layout.n_weights] @ params[: layout.n_weights]
    if loss == "log_loss" and out_act == "logistic":
        ref = -(Y * log_expit(Z) + (1 - Y) * log_expit(-Z)).sum(axis=1).mean()
        np.testing.assert_allclose(value - penalty, ref, rtol=1e-8)
    elif loss == "log_loss":
        ref = -(Y * log_softmax(Z, axis=1)).sum(axis=1).mean()
        np.testing.assert_allclose(value - penalty, ref, rtol=1e-8)


def test_huge_logits_exact_values():
    """On saturated logits the losses take their exact limits: a logit of
    +-1000 on the wrong side costs 1000 (logistic) and the softmax cost is
    the gap to the largest logit; the right side costs 0."""
    Z = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    net, X, params = _linear_net("log_loss", "logistic", Z)
    with warnings.catch_warnings(), np.errstate(**_STRICT):
        warnings.simplefilter("error")
        per_sample = (
            net.objective(params, X, Y, np.eye(4)[0]),
            net.objective(params, X, Y, np.eye(4)[2]),
        )
        total = net.objective(params, X, Y, 1.0)
    assert per_sample == (1000.0, 0.0)
    assert total == 2000.0

    Z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    Y = np.eye(3)[[1, 2]]
    net, X, params = _linear_net("log_loss", "softmax", Z)
    with warnings.catch_warnings(), np.errstate(**_STRICT):
        warnings.simplefilter("error")
        value = net.objective(params, X, Y, 1.0)
        ws = Workspace(net.layout, params, batch_size=2)
        net.loss_and_gradient(ws, X, Y, 1.0)
    np.testing.assert_allclose(value, 2000.0 + np.logaddexp(0, 1.0), rtol=1e-15)
    assert np.all(np.isfinite(ws.grad))
