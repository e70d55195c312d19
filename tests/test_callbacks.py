"""scikit-learn's callback API (sklearn.callback) and skoptim.callbacks."""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skoptim import MLPClassifier, MLPRegressor
from skoptim.callbacks import EarlyStopping, TrainingDiagnostics
from skoptim.neural_network._monitor import CALLBACKS_AVAILABLE
from skoptim.optimizers import SGD, Adam
from skoptim.preprocessing import StandardScaler

requires_callbacks = pytest.mark.skipif(
    not CALLBACKS_AVAILABLE, reason="scikit-learn < 1.9 has no sklearn.callback"
)
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16.0, y[:600], X[1200:] / 16.0, y[1200:]


class Recorder:
    """Records every hook call; stops at epoch ``stop_at`` when given."""

    max_propagation_depth = None

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.calls = []

    def setup(self, estimator, context):
        self.calls.append(("setup", type(estimator).__name__, None))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", type(estimator).__name__, None))

    def on_fit_task_begin(self, estimator, context):
        self.calls.append(("begin", type(estimator).__name__, context))

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        self.calls.append(("end", type(estimator).__name__, context))
        return (
            self.stop_at is not None
            and context.task_name == "epoch"
            and fitted_estimator.n_iter_ == self.stop_at
        )

    def ends(self, task_name):
        return [
            c for hook, _, c in self.calls if hook == "end" and c.task_name == task_name
        ]


class AutoRecorder(Recorder):
    """The same, propagated from a meta-estimator to its sub-estimators."""


def _path(context):
    names = []
    while context is not None:
        names.append(f"{context.estimator_name}:{context.task_name}")
        context = context.parent
    return names[::-1]


@requires_callbacks
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_scoring_monitor_logs_one_row_per_epoch(Estimator, digits):
    from sklearn.callback import ScoringMonitor

    X, y = digits[:2]
    scoring = "accuracy"
    if Estimator is MLPRegressor:
        X, y = make_regression(n_samples=200, n_features=5, random_state=0)
        y, scoring = y / y.std(), "r2"
    # scoring=None fails inside scikit-learn 1.9.1's ScoringMonitor
    monitor = ScoringMonitor(scoring=scoring)
    model = Estimator((8,), max_iter=7, random_state=0).set_callbacks(monitor)
    model.fit(X, y)
    rows = monitor.get_logs().data
    epochs = [row for row in rows if row["task_name"] == "epoch"]
    assert len(epochs) == model.n_iter_ == 7
    assert sorted(row["task_id"] for row in epochs) == list(range(7))
    assert all(row["parent_task_id_path"] == (0,) for row in epochs)
    # the last epoch's model is the fitted model (no early stopping)
    assert epochs[-1][scoring] == pytest.approx(model.score(X, y), abs=1e-12)
    # the per-epoch models differ: the score moves over the epochs
    assert len({row[scoring] for row in epochs}) > 1
    roots = [row for row in rows if row["task_name"] == "fit"]
    assert len(roots) == 1 and len(rows) == 8


@requires_callbacks
def test_stopping_callback_ends_training_at_that_epoch(digits):
    X, y = digits[:2]
    stopper = Recorder(stop_at=4)
    params = dict(solver=Adam(0.01), batch_size=50, random_state=0)
    clf = MLPClassifier((16,), max_iter=50, **params).set_callbacks(stopper)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == 4 and len(clf.loss_curve_) == 4
    assert len(stopper.ends("epoch")) == 4
    reference = MLPClassifier((16,), max_iter=4, **params).fit(X, y)
    np.testing.assert_array_equal(clf.coefs_[0], reference.coefs_[0])
    np.testing.assert_array_equal(clf.predict(X), reference.predict(X))
    assert clf.score(X, y) > 0.7


@requires_callbacks
def test_stopping_callback_with_lbfgs(digits):
    X, y = digits[:2]
    clf = MLPClassifier((8,), solver="lbfgs", max_iter=100, random_state=0)
    stopper = Recorder(stop_at=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.set_callbacks(stopper).fit(X, y)
    assert clf.n_iter_ == 5
    assert len(stopper.ends("epoch")) == 5
    assert clf.predict(X).shape == y.shape


@requires_callbacks
def test_hooks_are_balanced_and_torn_down(digits):
    X, y = digits[:2]
    recorder = Recorder()
    MLPClassifier((4,), max_iter=3, random_state=0).set_callbacks(recorder).fit(X, y)
    hooks = [hook for hook, _, _ in recorder.calls]
    assert hooks[0] == "setup" and hooks[-1] == "teardown"
    assert hooks[1:-1] == ["begin"] + ["begin", "end"] * 3 + ["end"]


@requires_callbacks
def test_partial_fit_reports_one_task_per_call(digits):
    X, y = digits[:2]
    recorder = Recorder()
    clf = MLPClassifier((8,), random_state=0).set_callbacks(recorder)
    for _ in range(3):
        clf.partial_fit(X, y, classes=np.arange(10))
    assert len(recorder.ends("partial_fit")) == 3
    assert recorder.ends("epoch") == [] and recorder.ends("fit") == []
    assert [h for h, _, _ in recorder.calls].count("teardown") == 3


@requires_callbacks
def test_callbacks_inside_pipeline_and_grid_search(digits):
    from sklearn.callback import ScoringMonitor

    X, y = digits[:2]
    monitor = ScoringMonitor(scoring="accuracy")
    mlp = MLPClassifier((8,), max_iter=3, random_state=0).set_callbacks(monitor)
    grid = GridSearchCV(
        make_pipeline(StandardScaler(), mlp),
        {"mlpclassifier__alpha": [1e-4, 1e-2]},
        cv=2,
    )
    grid.fit(X, y)
    rows = monitor.get_logs().data
    epochs = [row for row in rows if row["task_name"] == "epoch"]
    # 2 candidates x 2 folds + the refit, 3 epochs each
    assert len(epochs) == 5 * 3
    # nested under the search's tasks: search root, search, candidate fit,
    # pipeline's final step (merged with the MLP's root), epoch; the refit
    # has no search level
    depths = [len(row["task_id_path"]) for row in epochs]
    assert depths.count(5) == 12 and depths.count(4) == 3
    assert {row["estimator_name"] for row in epochs} == {"MLPClassifier"}


@requires_callbacks
@pytest.mark.filterwarnings("ignore:The estimator StandardScaler does not support")
def test_auto_propagated_callback_reaches_the_epochs(digits):
    X, y = digits[:2]
    recorder = AutoRecorder()
    grid = GridSearchCV(
        make_pipeline(
            StandardScaler(), MLPClassifier((4,), max_iter=2, random_state=0)
        ),
        {"mlpclassifier__alpha": [1e-4, 1e-2]},
        cv=2,
    ).set_callbacks(recorder)
    grid.fit(X, y)
    epochs = recorder.ends("epoch")
    assert len(epochs) == 5 * 2
    path = _path(epochs[0])
    assert path[0] == "GridSearchCV:fit" and path[-1] == "MLPClassifier:epoch"
    assert any(step.startswith("Pipeline") for step in path)


@requires_callbacks
def test_progress_bar_draws_the_epochs(digits, capsys):
    from sklearn.callback import ProgressBar

    X, y = digits[:2]
    clf = MLPClassifier((4,), max_iter=3, random_state=0)
    clf.set_callbacks(ProgressBar()).fit(X, y)
    assert clf.n_iter_ == 3


@requires_callbacks
def test_callbacks_survive_clone(digits):
    recorder = Recorder()
    clf = MLPClassifier((4,), max_iter=2).set_callbacks(recorder)
    clone(clf).fit(*digits[:2])
    assert len(recorder.ends("epoch")) == 2


def test_fallback_without_sklearn_callback():
    """Importing skoptim works where scikit-learn has no sklearn.callback."""
    code = textwrap.dedent(
        """
        import sys

        # scikit-learn 1.9 imports sklearn.callback itself: load it, then
        # make the module look like an older scikit-learn's (no such names)
        import types

        import sklearn.datasets
        import sklearn.metrics
        import sklearn.model_selection
        import sklearn.pipeline
        import sklearn.preprocessing  # noqa: F401
        from sklearn.datasets import load_iris

        sys.modules["sklearn.callback"] = types.ModuleType("sklearn.callback")
        from skoptim import MLPClassifier
        from skoptim.neural_network import _monitor

        assert not _monitor.CALLBACKS_AVAILABLE
        assert not hasattr(MLPClassifier(), "set_callbacks")
        X, y = load_iris(return_X_y=True)
        clf = MLPClassifier((4,), max_iter=3).fit(X, y, X_val=X, y_val=y)
        assert len(clf.validation_loss_curve_) == 3
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# ----------------------------------------------------------------------
# skoptim.callbacks.EarlyStopping


@requires_callbacks
def test_early_stopping_stops_after_patience_and_restores_best(digits):
    X, y, X_val, y_val = digits
    stop = EarlyStopping(patience=3)
    clf = MLPClassifier((32,), max_iter=300, n_iter_no_change=300, random_state=0)
    clf.set_callbacks(stop).fit(X, y, X_val=X_val, y_val=y_val)
    curve = clf.validation_loss_curve_
    assert stop.stopped_epoch_ == clf.n_iter_ < 300
    assert stop.stopped_epoch_ - stop.best_epoch_ == 3
    assert stop.best_value_ == min(curve) == curve[stop.best_epoch_ - 1]
    # the kept parameters are those of the best epoch, not of the last
    assert clf.score(X_val, y_val) == clf.validation_scores_[stop.best_epoch_ - 1]


@requires_callbacks
def test_early_stopping_without_restore_keeps_the_last_epoch(digits):
    X, y, X_val, y_val = digits
    stop = EarlyStopping("validation_score", patience=2, restore_best=False)
    clf = MLPClassifier((32,), max_iter=300, n_iter_no_change=300, random_state=0)
    clf.set_callbacks(stop).fit(X, y, X_val=X_val, y_val=y_val)
    scores = clf.validation_scores_
    assert stop.best_value_ == max(scores)
    assert clf.score(X_val, y_val) == scores[-1]


@requires_callbacks
def test_early_stopping_on_a_callable_and_on_training_loss(digits):
    X, y, X_val, y_val = digits
    stop = EarlyStopping(lambda model: model.score(X_val, y_val), patience=2)
    clf = MLPClassifier((16,), max_iter=300, n_iter_no_change=300, random_state=0)
    clf.set_callbacks(stop).fit(X, y)
    assert clf.n_iter_ == stop.stopped_epoch_ < 300
    assert clf.score(X_val, y_val) == stop.best_value_

    stop = EarlyStopping("loss", patience=1, min_delta=1e9)
    clf.set_callbacks(stop).fit(X, y)
    assert clf.n_iter_ == 2 and stop.best_epoch_ == 1


@requires_callbacks
def test_early_stopping_needs_a_validation_set(digits):
    X, y = digits[:2]
    clf = MLPClassifier((4,), max_iter=5).set_callbacks(EarlyStopping())
    with pytest.raises(ValueError, match="needs a validation set"):
        clf.fit(X, y)


def test_early_stopping_validates_its_parameters():
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="monitor"):
        EarlyStopping("accuracy")


# ----------------------------------------------------------------------
# skoptim.callbacks.TrainingDiagnostics


@requires_callbacks
def test_diagnostics_record_every_epoch_and_layer(digits):
    X, y = digits[:2]
    diagnostics = TrainingDiagnostics()
    clf = MLPClassifier((16, 8), solver=SGD(0.05), max_iter=4, random_state=0)
    clf.set_callbacks(diagnostics).fit(X, y)
    history = diagnostics.history()
    assert history["gradient_norm"].shape == (4, 3)
    np.testing.assert_array_equal(history["epoch"], [1, 2, 3, 4])
    np.testing.assert_allclose(history["learning_rate"], clf.learning_rate_curve_)
    final_norms = [np.linalg.norm(w) for w in clf.coefs_]
    np.testing.assert_allclose(history["weight_norm"][-1], final_norms)
    assert np.all(history["gradient_norm"] > 0)
    assert np.all((history["update_ratio"] > 0) & (history["update_ratio"] < 1))
    assert len(diagnostics.records_) == 4 * 3


@requires_callbacks
def test_update_ratio_grows_with_the_learning_rate(digits):
    X, y = digits[:2]
    ratios = []
    for rate in (0.001, 0.1):
        diagnostics = TrainingDiagnostics()
        clf = MLPClassifier((16,), solver=SGD(rate), max_iter=1, random_state=0)
        clf.set_callbacks(diagnostics).fit(X, y)
        ratios.append(diagnostics.history()["update_ratio"][0])
    assert np.all(ratios[1] > 10 * ratios[0])


def test_diagnostics_history_before_any_fit():
    with pytest.raises(ValueError, match="Nothing recorded"):
        TrainingDiagnostics().history()
