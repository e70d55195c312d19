"""Equivalences between solvers, wrappers, L-BFGS, and every solver on digits."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, make_regression
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import (
    LBFGS,
    SGD,
    SOLVERS,
    AdaBound,
    Adam,
    AdamW,
    GradientClipping,
    Lookahead,
    Momentum,
    Nesterov,
    RAdam,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _trajectory(solver, grads, x0):
    x = np.array(x0, dtype=float)
    state = solver.init_state(x)
    path = [x.copy()]
    for g in grads:
        solver.step(x, g, state)
        path.append(x.copy())
    return np.array(path)


@pytest.fixture(scope="module")
def gradients():
    return np.random.RandomState(0).normal(size=(50, 4))


@pytest.mark.parametrize(
    "solver, same_as",
    [
        (Momentum(0.05, momentum=0.0), SGD(0.05)),
        (Nesterov(0.05, momentum=0.0), SGD(0.05)),
        (AdamW(0.01, weight_decay=0.0), Adam(0.01)),
        (Momentum(0.05, weight_decay=0.0), Momentum(0.05)),
    ],
    ids=["momentum0=sgd", "nesterov0=sgd", "adamw0=adam", "wd0"],
)
def test_solver_equivalences(gradients, solver, same_as):
    np.testing.assert_allclose(
        _trajectory(solver, gradients, np.ones(4)),
        _trajectory(same_as, gradients, np.ones(4)),
        rtol=1e-14,
    )


def test_coupled_weight_decay_is_gradient_plus_decay(gradients):
    """SGD(weight_decay=wd) is SGD on g + wd * theta."""
    x, y = np.ones(4), np.ones(4)
    decayed, plain = SGD(0.1, weight_decay=0.3), SGD(0.1)
    sd, sp = decayed.init_state(x), plain.init_state(y)
    for g in gradients:
        decayed.step(x, g, sd)
        plain.step(y, g + 0.3 * y, sp)
    np.testing.assert_allclose(x, y, rtol=1e-14)


def test_adabound_step_tends_to_sgd_with_final_lr():
    """Once the bounds close in, each step is final_lr * m_t (SGD with momentum)."""
    solver = AdaBound(learning_rate=1e-3, final_lr=0.05, gamma=0.5)
    x = np.zeros(3)
    state = solver.init_state(x)
    g = np.array([1.0, -0.01, 1e-4])
    for _ in range(5000):
        before = x.copy()
        solver.step(x, g, state)
    np.testing.assert_allclose(before - x, 0.05 * state["m"], rtol=1e-3)


def test_radam_first_steps_are_sgd_with_momentum_then_rectified():
    """With beta_2=0.999, rho_t <= 5 for t <= 5: step = lr * m_hat; at t=6 the
    rectified adaptive step starts."""
    lr, b1 = 0.1, 0.9
    solver = RAdam(learning_rate=lr, beta_1=b1)
    x = np.zeros(2)
    state = solver.init_state(x)
    g = np.array([2.0, -0.5])
    m = np.zeros(2)
    for t in range(1, 6):
        before = x.copy()
        solver.step(x, g, state)
        m = b1 * m + (1 - b1) * g
        np.testing.assert_allclose(before - x, lr * m / (1 - b1**t), rtol=1e-12)
    before = x.copy()
    solver.step(x, g, state)
    m_hat = (b1 * m + (1 - b1) * g) / (1 - b1**6)
    assert not np.allclose(before - x, lr * m_hat, rtol=1e-3)
    # with a constant gradient the adaptive part is ~ sign(g): steps shrink to
    # lr * r_6 (rectification term) per coordinate
    # (equal up to epsilon / |g|)
    np.testing.assert_allclose(np.abs(before - x)[0], np.abs(before - x)[1], rtol=1e-6)


def test_gradient_clipping_limits_the_global_norm():
    clipped = GradientClipping(SGD(0.1), max_norm=1.0)
    x = np.zeros(2)
    state = clipped.init_state(x)
    clipped.step(x, np.array([30.0, 40.0]), state)
    np.testing.assert_allclose(x, -0.1 * np.array([0.6, 0.8]), rtol=1e-5)
    clipped.step(x, np.array([0.3, 0.4]), state)  # below the limit: unchanged
    np.testing.assert_allclose(x, -0.1 * np.array([0.9, 1.2]), rtol=1e-5)


def test_lookahead_synchronizes_every_k_steps(gradients):
    inner = SGD(0.1)
    look = Lookahead(inner, k=3, alpha=0.5)
    x = np.ones(4)
    state = look.init_state(x)
    fast = _trajectory(inner, gradients[:3], np.ones(4))[-1]
    for g in gradients[:3]:
        look.step(x, g, state)
    np.testing.assert_allclose(x, 1 + 0.5 * (fast - 1))
    np.testing.assert_allclose(state["slow"], x)
    look.step(x, gradients[3], state)
    np.testing.assert_allclose(x, _trajectory(inner, gradients[3:4], state["slow"])[-1])


def test_wrappers_in_the_estimator_and_nested_validation():
    X, y = make_regression(n_samples=60, n_features=3, random_state=0)
    y = y / y.std()
    reg = MLPRegressor(
        (4,), solver=Lookahead(GradientClipping(Adam(0.01), max_norm=5.0)), max_iter=5
    ).fit(X, y)
    assert reg.n_iter_ == 5 and reg.learning_rate_curve_ == [0.01] * 5
    bad = MLPRegressor(solver=Lookahead(Adam(beta_1=2.0)), max_iter=1)
    with pytest.raises(ValueError, match="'solver__optimizer__beta_1' parameter"):
        bad.fit(X, y)


def test_lbfgs_linear_model_matches_ridge():
    X, y = make_regression(n_samples=200, n_features=8, noise=5.0, random_state=0)
    X, y = StandardScaler().fit_transform(X), y / y.std()
    alpha = 0.01
    reg = MLPRegressor(
        (), solver=LBFGS(), alpha=alpha, batch_size="full", tol=1e-12, max_iter=1000
    ).fit(X, y)
    ridge = Ridge(alpha=alpha * len(y), tol=1e-14).fit(X, y)
    np.testing.assert_allclose(reg.coefs_[0].ravel(), ridge.coef_, rtol=1e-8)
    np.testing.assert_allclose(reg.intercepts_[0], ridge.intercept_, atol=1e-10)
    assert len(reg.loss_curve_) == reg.n_iter_ > 1
    assert np.isnan(reg.learning_rate_curve_).all()


def test_lbfgs_refuses_what_it_cannot_do():
    X, y = make_regression(n_samples=50, n_features=3, random_state=0)
    with pytest.raises(ValueError, match="batch_size=10 is smaller"):
        MLPRegressor(solver="lbfgs", batch_size=10).fit(X, y)
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'"):
        MLPRegressor(solver="lbfgs").partial_fit(X, y)
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    with pytest.raises(ValueError, match="L1 part"):
        MLPRegressor(solver="lbfgs", penalty="l1").fit(X, y)
    with pytest.raises(TypeError, match="full-batch"):
        LBFGS().step(np.zeros(2), np.zeros(2), {})
    MLPRegressor((3,), solver="lbfgs", max_iter=5).fit(X, y / y.std())


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


# The setting each solver's docstring example shows: its defaults (by name),
# except the SGD family, whose torch default rate 1e-3 is too slow here.
DOCSTRING_SETTINGS = {
    "sgd": SGD(learning_rate=0.1),
    "momentum": Momentum(learning_rate=0.01),
    "nesterov": Nesterov(learning_rate=0.01),
}


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_every_solver_trains_digits_to_90_percent(digits, name):
    """The setting of each solver's docstring example reaches 90%."""
    X_train, X_test, y_train, y_test = digits
    solver = DOCSTRING_SETTINGS.get(name, name)
    clf = MLPClassifier((64,), solver=solver, max_iter=100, random_state=0)
    before = clone(clf).get_params()
    clf.fit(X_train, y_train)
    assert clf.score(X_test, y_test) >= 0.9
    assert isinstance(clf.solver_, SOLVERS[name])
    assert clone(clf).get_params().keys() == before.keys()
