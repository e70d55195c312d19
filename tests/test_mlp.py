"""The estimators' contract: fitting modes, attributes, dtypes, state, errors."""

import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor, TrainingDivergedError
from skoptim.initializers import GlorotUniform, HeUniform, Zeros
from skoptim.optimizers import SGD, Adam, Momentum, Nesterov
from skoptim.penalties import L1, ElasticNet

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(
        n_samples=150, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=120, n_features=5, noise=0.5, random_state=0)
    return StandardScaler().fit_transform(X), y / y.std()


def test_parameters_live_in_one_flat_buffer(classification):
    X, y = classification
    clf = MLPClassifier((7, 5), max_iter=3, random_state=0).fit(X, y)
    views = clf.coefs_ + clf.intercepts_
    assert [w.shape for w in clf.coefs_] == [(6, 7), (7, 5), (5, 3)]
    assert [b.shape for b in clf.intercepts_] == [(7,), (5,), (3,)]
    assert all(np.shares_memory(v, clf._params) for v in views)
    assert sum(v.size for v in views) == clf._params.size
    assert clf._params.flags.c_contiguous
    # writing through a view changes the model
    before = clf.predict_proba(X)
    clf.coefs_[-1][...] = 0
    clf.intercepts_[-1][...] = 0
    np.testing.assert_allclose(clf.predict_proba(X), 1 / 3)
    assert not np.allclose(before, 1 / 3)


def test_fitted_attributes_like_scikit_learn(classification):
    X, y = classification
    clf = MLPClassifier((8,), max_iter=5, random_state=0).fit(X, y)
    assert clf.n_iter_ == 5 == len(clf.loss_curve_)
    assert clf.t_ == 5 * X.shape[0]
    assert clf.n_layers_ == 3 and clf.n_outputs_ == 3
    assert clf.out_activation_ == "softmax"
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.loss_ == clf.loss_curve_[-1]
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.n_features_in_ == 6
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert isinstance(clf.solver_, Adam) and clf.solver_ is not clf.solver


@pytest.mark.parametrize(
    "batch_size, steps_per_epoch", [("auto", 1), ("full", 1), (1, 120), (32, 4)]
)
def test_batch_size_sets_updates_per_epoch(regression, batch_size, steps_per_epoch):
    X, y = regression
    reg = MLPRegressor(
        (4,), solver=SGD(0.001), batch_size=batch_size, max_iter=3, random_state=0
    ).fit(X, y)
    assert reg._solver_state["t"] == 3 * steps_per_epoch


def test_linear_model_with_empty_hidden_layers(classification, regression):
    X, y = regression
    reg = MLPRegressor((), max_iter=5, random_state=0).fit(X, y)
    assert [w.shape for w in reg.coefs_] == [(5, 1)] and reg.n_layers_ == 2
    X, y = classification
    clf = MLPClassifier((), max_iter=5, random_state=0).fit(X, y)
    assert [w.shape for w in clf.coefs_] == [(6, 3)]


def test_fit_does_not_mutate_parameter_objects(classification):
    X, y = classification
    solver, penalty, init = Nesterov(0.05), ElasticNet(0.3), HeUniform(gain=0.5)
    snapshots = [pickle.dumps(o) for o in (solver, penalty, init)]
    clf = MLPClassifier(
        (5,), solver=solver, penalty=penalty, init=init, max_iter=3, random_state=0
    )
    clf.fit(X, y).partial_fit(X, y)
    assert clf.solver is solver and clf.penalty is penalty and clf.init is init
    assert [pickle.dumps(o) for o in (solver, penalty, init)] == snapshots


def test_same_seed_same_model_and_clone(classification):
    X, y = classification
    clf = MLPClassifier((6,), max_iter=4, random_state=3)
    a = clf.fit(X, y)._params.copy()
    b = clone(clf).fit(X, y)._params
    np.testing.assert_array_equal(a, b)
    c = clone(clf).set_params(random_state=4).fit(X, y)._params
    assert not np.array_equal(a, c)


def test_pickle_round_trip_keeps_predictions_and_solver_state(classification):
    X, y = classification
    clf = MLPClassifier((6,), solver=Adam(0.01), max_iter=3, random_state=0)
    clf.fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.coefs_[0].base is not None  # views rebuilt on the new buffer
    clf.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_array_equal(restored._params, clf._params)


def test_partial_fit_requires_classes_then_carries_state(classification):
    X, y = classification
    clf = MLPClassifier((5,), solver=Adam(0.01), batch_size=50, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:75], y[:75], classes=[0, 1, 2])
    assert clf._solver_state["t"] == 2 and clf.n_iter_ == 1
    clf.partial_fit(X[75:], y[75:])
    assert clf._solver_state["t"] == 4 and clf.n_iter_ == 2
    assert clf.t_ == 150
    with pytest.raises(ValueError, match="not seen in the first"):
        clf.partial_fit(X[:5], np.array([0, 1, 2, 3, 3]))
    with pytest.raises(ValueError, match="differs from the classes"):
        clf.partial_fit(X[:5], y[:5], classes=[0, 1, 2, 3])
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:5, :4], y[:5])


def test_partial_fit_equals_one_epoch_of_fit(regression):
    X, y = regression
    params = dict(solver=Momentum(0.01), batch_size=30, shuffle=False, random_state=0)
    fitted = MLPRegressor((4,), max_iter=1, **params).fit(X, y)
    streamed = MLPRegressor((4,), **params)
    for start in range(0, 120, 30):
        streamed.partial_fit(X[start : start + 30], y[start : start + 30])
    np.testing.assert_allclose(streamed._params, fitted._params, rtol=1e-12)


def test_warm_start_continues_solver_state(regression):
    X, y = regression
    reg = MLPRegressor((4,), solver=Adam(0.01), max_iter=3, warm_start=True)
    reg.set_params(random_state=0).fit(X, y)
    assert reg._solver_state["t"] == 3
    reg.fit(X, y)
    assert reg._solver_state["t"] == 6 and reg.n_iter_ == 6
    # changing the solver starts a fresh state on the same weights
    weights = reg._params.copy()
    reg.set_params(solver=SGD(0.001), max_iter=1).fit(X, y)
    assert reg._solver_state["t"] == 1
    assert np.abs(reg._params - weights).max() < 0.1
    with pytest.raises(ValueError, match="network shape"):
        reg.set_params(hidden_layer_sizes=(3,)).fit(X, y)


def test_float32_end_to_end(classification, regression):
    X, y = classification
    clf = MLPClassifier((5,), max_iter=3, random_state=0).fit(X.astype(np.float32), y)
    assert clf._params.dtype == np.float32
    assert all(w.dtype == np.float32 for w in clf.coefs_)
    assert all(
        v.dtype == np.float32
        for v in clf._solver_state.values()
        if isinstance(v, np.ndarray)
    )
    assert clf.predict_proba(X).dtype == np.float32
    X, y = regression
    reg = MLPRegressor((5,), max_iter=3, random_state=0).fit(X.astype(np.float32), y)
    assert reg.predict(X).dtype == np.float32
    ref = MLPRegressor((5,), max_iter=3, random_state=0).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), ref.predict(X), rtol=1e-3, atol=1e-3)


def test_sparse_input_matches_dense(classification):
    X, y = classification
    params = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    dense = MLPClassifier(**params).fit(X, y)
    sparse = MLPClassifier(**params).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse._params, dense._params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(
        sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), rtol=1e-10
    )


def test_multioutput_regression_and_multilabel(regression):
    X, y = regression
    Y = np.c_[y, -y, 2 * y]
    reg = MLPRegressor((5,), max_iter=5, random_state=0).fit(X, Y)
    assert reg.predict(X).shape == (120, 3) and reg.n_outputs_ == 3
    labels = (Y > 0).astype(int)
    clf = MLPClassifier((5,), max_iter=5, random_state=0).fit(X, labels)
    assert clf.out_activation_ == "logistic"
    assert clf.predict(X).shape == (120, 3)
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 3) and ((proba > 0) & (proba < 1)).all()
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-10)


def test_binary_probabilities_and_stable_log_proba(classification):
    X, y = classification
    clf = MLPClassifier((5,), max_iter=20, random_state=0).fit(X, y == 1)
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 2) and clf.coefs_[-1].shape == (5, 1)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-10)
    # log-probabilities stay finite where the probability rounds to 0
    clf.coefs_[-1][...] = 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(clf.predict_log_proba(X)).all()


def test_class_weight(classification):
    X, y = classification
    plain = MLPClassifier((5,), max_iter=30, random_state=0).fit(X, y)
    weighted = MLPClassifier(
        (5,), max_iter=30, class_weight={0: 10.0}, random_state=0
    ).fit(X, y)
    assert (weighted.predict(X) == 0).sum() > (plain.predict(X) == 0).sum()
    balanced = MLPClassifier((5,), max_iter=2, class_weight="balanced")
    balanced.fit(X, y)
    with pytest.raises(ValueError, match="not supported by partial_fit"):
        clone(balanced).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"class_weight names classes \[7\]"):
        MLPClassifier((5,), class_weight={7: 2.0}).fit(X, y)


def test_sample_weight_errors(regression):
    X, y = regression
    reg = MLPRegressor((3,), max_iter=2)
    with pytest.raises(ValueError, match="non-zero|positive sum"):
        reg.fit(X, y, sample_weight=np.zeros(120))
    with pytest.raises(ValueError, match="[Nn]egative"):
        reg.fit(X, y, sample_weight=-np.ones(120))
    with pytest.raises(ValueError, match="120"):
        reg.fit(X, y, sample_weight=np.ones(7))


def test_sample_weight_equals_repetition_full_batch(regression):
    X, y = regression
    weights = np.random.RandomState(0).randint(0, 3, size=120)
    params = dict(hidden_layer_sizes=(4,), batch_size="full", max_iter=20)
    weighted = MLPRegressor(**params, random_state=0).fit(X, y, sample_weight=weights)
    repeated = MLPRegressor(**params, random_state=0).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    np.testing.assert_allclose(weighted._params, repeated._params, rtol=1e-8)


def test_l1_gives_exact_zeros_l2_does_not(regression):
    """Ten pure-noise features: L1 cuts every weight leaving them, exactly."""
    X, y = regression
    X = np.c_[X, np.random.RandomState(1).normal(size=(120, 10))]
    common = dict(
        hidden_layer_sizes=(8,),
        alpha=0.01,
        solver=Adam(0.01),
        max_iter=400,
        random_state=0,
    )
    l1 = MLPRegressor(penalty=L1(), **common).fit(X, y)
    l2 = MLPRegressor(penalty="l2", **common).fit(X, y)
    assert (l1.coefs_[0][5:] == 0).all()
    assert (l1.coefs_[0] == 0).mean() > 0.5
    assert (l2.coefs_[0] == 0).sum() == 0
    assert l1.score(X, y) > 0.99


def test_zero_initialization_keeps_hidden_units_identical(classification):
    """The symmetry problem: units that start equal get equal gradients."""
    X, y = classification
    clf = MLPClassifier((4,), activation="tanh", init="zeros", max_iter=20).fit(X, y)
    w = clf.coefs_[0]
    np.testing.assert_allclose(w, np.repeat(w[:, :1], 4, axis=1))
    assert isinstance(Zeros(), type(Zeros()))


@pytest.mark.parametrize(
    "activation, bound",
    [
        ("relu", lambda fi, fo: np.sqrt(6 / fi)),
        ("tanh", lambda fi, fo: np.sqrt(6 / (fi + fo))),
    ],
)
def test_auto_init_picks_he_for_relu_and_glorot_otherwise(activation, bound):
    X, y = np.random.RandomState(0).normal(size=(50, 400)), np.arange(50.0)
    reg = MLPRegressor((300,), activation=activation, max_iter=1, solver=SGD(1e-9))
    reg.set_params(random_state=0).fit(X, y)
    w = reg.coefs_[0]
    limit = bound(400, 300)
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    np.testing.assert_allclose(w.std(), limit / np.sqrt(3), rtol=0.02)
    # output layer (identity) uses Glorot in both cases
    w_out = reg.coefs_[1]
    assert np.abs(w_out).max() <= np.sqrt(6 / 301)
    assert isinstance(HeUniform(), type(HeUniform())) and GlorotUniform().gain == 1.0


def test_cross_entropy_gradient_does_not_vanish_when_saturated():
    """With a confidently wrong logistic output, MSE's gradient is tiny."""
    X = np.array([[1.0]])
    y = np.array([1])
    grads = {}
    for loss in ("log_loss", "squared_error"):
        clf = MLPClassifier((), loss=loss, solver=SGD(1e-12), max_iter=1)
        clf.fit(np.r_[X, -X], np.r_[y, 0])
        clf.coefs_[0][...] = -10.0  # sigmoid(-10) ~ 4.5e-5 for the true class 1
        clf.intercepts_[0][...] = 0.0
        from skoptim.neural_network._network import Workspace

        ws = Workspace(clf._layout, clf._params, 1)
        clf._network.loss_and_gradient(ws, X, np.array([[1.0]]), 1.0)
        grads[loss] = abs(ws.grad[0]) - clf.alpha * 10.0
    assert grads["log_loss"] > 0.99
    assert grads["squared_error"] < 1e-3


def test_early_stopping_keeps_the_best_epoch(classification):
    X, y = classification
    clf = MLPClassifier(
        (16,), early_stopping=True, max_iter=60, random_state=0, solver=Adam(0.05)
    ).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


def test_convergence_warning_and_tol():
    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        MLPRegressor((3,), max_iter=2).fit(X, y / y.std())
    # no epoch improves by tol: stop once n_iter_no_change is exceeded
    reg = MLPRegressor((3,), max_iter=500, tol=1e3, n_iter_no_change=2).fit(X, y)
    assert reg.n_iter_ == 4


def test_divergence_is_caught_and_weights_stay_finite(regression):
    X, y = regression
    reg = MLPRegressor((8,), solver=SGD(learning_rate=1e3), random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"diverged at epoch \d+"):
        reg.fit(X, y * 1e3)
    assert all(np.isfinite(w).all() for w in reg.coefs_ + reg.intercepts_)


def test_verbose_prints_the_loss(regression, capsys):
    X, y = regression
    MLPRegressor((3,), max_iter=2, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out and "Iteration 2, loss = " in out


@pytest.mark.parametrize(
    "params, path",
    [
        (dict(hidden_layer_sizes=(0,)), "hidden_layer_sizes"),
        (dict(activation="sigmoid"), "'activation' parameter"),
        (dict(solver="adamz"), "'solver' parameter"),
        (dict(penalty="l3"), "'penalty' parameter"),
        (dict(init="he"), "'init' parameter"),
        (dict(batch_size=0), "'batch_size' parameter"),
        (dict(batch_size="half"), "'batch_size' parameter"),
        (dict(alpha=-1.0), "'alpha' parameter"),
        (dict(penalty=ElasticNet(l1_ratio=2.0)), "'penalty__l1_ratio' parameter"),
        (dict(init=HeUniform(gain=0)), "'init__gain' parameter"),
        (dict(loss="hinge"), "'loss' parameter"),
    ],
)
def test_invalid_parameters_are_named(regression, params, path):
    X, y = regression
    with pytest.raises(ValueError, match=path):
        MLPRegressor(max_iter=1, **params).fit(X, y)


def test_regressor_refuses_string_targets(regression):
    X, _ = regression
    with pytest.raises(ValueError):
        MLPRegressor(max_iter=1).fit(X, np.array(["a", "b"] * 60))


def test_grid_search_over_solver_objects_and_alpha_in_a_pipeline(classification):
    X, y = classification
    pipe = make_pipeline(StandardScaler(), MLPClassifier((8,), max_iter=30))
    grid = GridSearchCV(
        pipe,
        {
            "mlpclassifier__solver": [SGD(0.1), Nesterov(0.05), Adam(0.01)],
            "mlpclassifier__alpha": [1e-5, 1e-3],
        },
        cv=3,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 6
    assert grid.best_score_ > 0.6
    best = grid.best_estimator_[-1]
    assert isinstance(best.solver_, (SGD, Nesterov, Adam))
    grid_lr = GridSearchCV(
        MLPClassifier((8,), solver=Adam(), max_iter=20, random_state=0),
        {"solver__learning_rate": [1e-3, 1e-2]},
        cv=2,
    ).fit(X, y)
    assert grid_lr.best_params_["solver__learning_rate"] in (1e-3, 1e-2)


def test_digits_accuracy_matches_scikit_learn():
    """Default configuration vs scikit-learn's MLPClassifier with the same
    hidden layers, solver (Adam, lr 1e-3) and alpha: test accuracy within 1
    percentage point, median over 3 seeds."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    ours, theirs = [], []
    for seed in range(3):
        ours.append(
            MLPClassifier(random_state=seed).fit(X_train, y_train).score(X_test, y_test)
        )
        theirs.append(
            SklearnMLPClassifier(random_state=seed)
            .fit(X_train, y_train)
            .score(X_test, y_test)
        )
    assert np.median(ours) >= np.median(theirs) - 0.01, (ours, theirs)
    assert np.median(ours) > 0.95


def test_samples_seen_after_a_divergence_counts_this_call_only(regression):
    X, y = regression
    reg = MLPRegressor((8,), solver=SGD(0.01), max_iter=5, warm_start=True)
    reg.set_params(random_state=0).fit(X, y)
    assert reg.t_ == 5 * 120
    reg.set_params(solver=SGD(learning_rate=1e3))
    with pytest.raises(TrainingDivergedError):
        reg.fit(X, y * 1e3)
    assert reg.t_ == reg.n_iter_ * 120
