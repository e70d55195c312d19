"""fit(..., X_val=, y_val=, sample_weight_val=): a user-given validation set."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_regression
from sklearn.metrics import log_loss, mean_squared_error

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import Adam

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    return X[:800], y[:800], X[800:1200], y[800:1200]


def _params(**extra):
    return dict(hidden_layer_sizes=(16,), solver=Adam(0.01), random_state=0, **extra)


def test_validation_set_changes_the_epoch_early_stopping_keeps(digits):
    X, y, X_val, y_val = digits
    settings = _params(early_stopping=True, n_iter_no_change=5, max_iter=100)
    internal = MLPClassifier(**settings).fit(X, y)
    # labels shifted by one: the better the model learns, the worse it
    # scores on them, so the best epoch is an early one
    shifted = (y_val + 1) % 10
    given = MLPClassifier(**settings).fit(X, y, X_val=X_val, y_val=shifted)
    best_internal = int(np.argmax(internal.validation_scores_))
    best_given = int(np.argmax(given.validation_scores_))
    assert best_given < best_internal
    # the kept parameters are those of the best epoch on the given set
    assert given.score(X_val, shifted) == given.best_validation_score_
    assert given.best_validation_score_ == max(given.validation_scores_)
    # and the whole of X trains (no internal split)
    assert given.t_ == given.n_iter_ * X.shape[0]
    assert internal.t_ < internal.n_iter_ * X.shape[0]


def test_validation_loss_curve_is_the_objective_on_the_validation_set(digits):
    X, y, X_val, y_val = digits
    alpha = 1e-3
    clf = MLPClassifier(**_params(max_iter=6, alpha=alpha))
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert len(clf.validation_loss_curve_) == len(clf.validation_scores_) == 6
    penalty = 0.5 * sum(float((w**2).sum()) for w in clf.coefs_)
    expected = log_loss(y_val, clf.predict_proba(X_val)) + alpha * penalty
    assert clf.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)
    assert clf.validation_scores_[-1] == clf.score(X_val, y_val)
    # the model learns: the validation loss falls over the first epochs
    assert clf.validation_loss_curve_[-1] < clf.validation_loss_curve_[0]
    assert clf.best_validation_score_ is None  # no early stopping


def test_regressor_validation_curves():
    X, y = make_regression(n_samples=300, n_features=5, noise=5.0, random_state=0)
    y = y / y.std()
    reg = MLPRegressor((8,), alpha=0.0, max_iter=5, random_state=0)
    reg.fit(X[:200], y[:200], X_val=X[200:], y_val=y[200:])
    mse = mean_squared_error(y[200:], reg.predict(X[200:]))
    assert reg.validation_loss_curve_[-1] == pytest.approx(mse / 2, rel=1e-10)
    assert reg.validation_scores_[-1] == pytest.approx(reg.score(X[200:], y[200:]))


def test_sample_weight_val_weights_the_validation_score(digits):
    X, y, X_val, y_val = digits
    weights = (y_val == 3).astype(float)
    clf = MLPClassifier(**_params(max_iter=3))
    clf.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights)
    only_threes = clf.score(X_val[y_val == 3], y_val[y_val == 3])
    assert clf.validation_scores_[-1] == pytest.approx(only_threes)
    assert clf.validation_scores_[-1] != pytest.approx(clf.score(X_val, y_val))


def test_internal_split_also_records_the_validation_loss(digits):
    X, y = digits[:2]
    clf = MLPClassifier(**_params(max_iter=4, early_stopping=True)).fit(X, y)
    assert len(clf.validation_loss_curve_) == clf.n_iter_ == 4
    assert np.all(np.isfinite(clf.validation_loss_curve_))


def test_no_validation_set_no_curve(digits):
    X, y = digits[:2]
    clf = MLPClassifier(**_params(max_iter=2)).fit(X, y)
    assert clf.validation_loss_curve_ is None and clf.validation_scores_ is None


def test_epochs_without_validation_hold_nan(digits):
    X, y, X_val, y_val = digits
    clf = MLPClassifier(**_params(max_iter=2, warm_start=True))
    clf.fit(X, y)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    clf.partial_fit(X, y)
    curve = np.asarray(clf.validation_loss_curve_)
    assert len(curve) == len(clf.loss_curve_) == 5
    np.testing.assert_array_equal(np.isnan(curve), [True, True, False, False, True])


def test_lbfgs_records_validation_per_iteration(digits):
    X, y, X_val, y_val = digits
    clf = MLPClassifier((8,), solver="lbfgs", max_iter=10, random_state=0)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert len(clf.validation_loss_curve_) == clf.n_iter_ == 10
    assert clf.validation_scores_[-1] == clf.score(X_val, y_val)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"X_val": "X"}, "X_val and y_val must be given together"),
        ({"y_val": "y"}, "X_val and y_val must be given together"),
        ({"sample_weight_val": "w"}, "sample_weight_val was given without"),
        ({"X_val": "X3", "y_val": "y"}, "features"),
        ({"X_val": "X", "y_val": "y_unknown"}, "not seen"),
        (
            {"X_val": "X", "y_val": "y", "sample_weight_val": "w0"},
            "non-zero|positive sum",
        ),
    ],
)
def test_bad_validation_sets_are_refused(digits, kwargs, match):
    X, y = digits[0][:50], digits[1][:50]
    values = {
        "X": X,
        "X3": X[:, :3],
        "y": y,
        "y_unknown": np.full(50, 42),
        "w": np.ones(50),
        "w0": np.zeros(50),
    }
    clf = MLPClassifier((4,), max_iter=1)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y, **{key: values[name] for key, name in kwargs.items()})
