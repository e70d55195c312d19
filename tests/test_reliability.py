"""Divergence, interruption, reproducibility and persistence.

A diverging or interrupted fit keeps a usable model with finite parameters
and predictions; a fixed seed gives bit-identical models; a saved model
(pickle, joblib, skops) predicts the same and continues ``partial_fit``
exactly as if it had never been saved.
"""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skoptim import (
    MLPClassifier,
    MLPRegressor,
    TrainingDivergedError,
    TrainingDivergedWarning,
)
from skoptim.neural_network._safeguards import LossGuard, predictions_are_finite
from skoptim.optimizers import (
    LBFGS,
    SGD,
    SOLVERS,
    AdaBelief,
    Adam,
    GradientClipping,
    Lookahead,
    Momentum,
)
from skoptim.schedules import ExponentialDecay, LinearWarmup, ReduceOnPlateau

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

STEP_SOLVERS = sorted(name for name in SOLVERS if name != "lbfgs")


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=120, n_features=5, noise=0.5, random_state=0)
    return StandardScaler().fit_transform(X), y / y.std()


def _all_finite(estimator):
    return all(np.isfinite(a).all() for a in estimator.coefs_ + estimator.intercepts_)


# ----------------------------------------------------------------------
# divergence
class CountingSGD(SGD):
    """SGD that counts its updates across clones (class attribute)."""

    steps = [0]

    def step(self, params, grad, state):
        CountingSGD.steps[0] += 1
        super().step(params, grad, state)


def test_divergence_stops_at_once_restores_and_explains(regression):
    X, y = regression
    CountingSGD.steps[0] = 0
    reg = MLPRegressor((8,), solver=CountingSGD(1e3), batch_size=1, random_state=0)
    with pytest.raises(TrainingDivergedError) as error:
        reg.fit(X, y)
    message = str(error.value)
    assert "diverged at epoch 1" in message
    assert "smaller learning rate (solver__learning_rate)" in message
    # stopped at the first non-finite batch loss, not at the end of the epoch
    assert CountingSGD.steps[0] < X.shape[0]
    assert _all_finite(reg) and np.isfinite(reg.predict(X)).all()
    # restored to the start (epoch 0): the initial weights, the curves empty
    assert reg.n_iter_ == 0 and reg.loss_curve_ == []
    initial = MLPRegressor((8,), solver=InterruptedSGD(interrupt_at=1))
    _interrupted_fit(initial.set_params(batch_size=1, random_state=0), X, y)
    np.testing.assert_array_equal(reg._params, initial._params)


def test_divergence_after_some_epochs_keeps_the_last_finite_epoch(regression):
    X, y = regression
    reg = MLPRegressor((8,), solver=SGD(1e3), random_state=0, max_iter=50)
    with pytest.raises(TrainingDivergedError, match=r"diverged at epoch (\d+)"):
        reg.fit(X, y)
    assert reg.n_iter_ >= 1 and len(reg.loss_curve_) == reg.n_iter_
    assert np.isfinite(reg.loss_curve_).all()
    # the kept model is the one of epoch n_iter_: refit that many epochs
    again = MLPRegressor((8,), solver=SGD(1e3), random_state=0, max_iter=reg.n_iter_)
    again.fit(X, y)
    np.testing.assert_array_equal(again._params, reg._params)
    assert np.isfinite(reg.predict(X)).all()


def test_on_divergence_warn_keeps_the_last_finite_model(regression, classification):
    X, y = regression
    reg = MLPRegressor(
        (8,), solver=SGD(1e3), random_state=0, max_iter=50, on_divergence="warn"
    )
    with pytest.warns(TrainingDivergedWarning, match="diverged at epoch"):
        assert reg.fit(X, y) is reg
    assert _all_finite(reg) and np.isfinite(reg.predict(X)).all()
    Xc, yc = classification
    clf = MLPClassifier(
        (8,), solver=SGD(1e30), random_state=0, max_iter=50, on_divergence="warn"
    )
    with pytest.warns(TrainingDivergedWarning, match="smaller learning rate"):
        clf.fit(Xc, yc)
    proba = clf.predict_proba(Xc)
    assert np.isfinite(proba).all() and np.allclose(proba.sum(axis=1), 1)


@pytest.mark.parametrize("on_divergence", ["raise", "warn"])
def test_partial_fit_divergence(regression, on_divergence):
    X, y = regression
    reg = MLPRegressor((8,), solver=SGD(1e-2), batch_size=10, random_state=0)
    reg.set_params(on_divergence=on_divergence).partial_fit(X, y)
    before = reg._params.copy()
    reg.set_params(solver=SGD(1e6))
    if on_divergence == "raise":
        with pytest.raises(TrainingDivergedError, match="diverged at epoch 2"):
            reg.partial_fit(X, y * 1e3)
    else:
        with pytest.warns(TrainingDivergedWarning, match="diverged at epoch 2"):
            reg.partial_fit(X, y * 1e3)
    np.testing.assert_array_equal(reg._params, before)
    assert reg.n_iter_ == 1
    # a sane learning rate continues from the kept model
    reg.set_params(solver=SGD(1e-2)).partial_fit(X, y)
    assert reg.n_iter_ == 2 and _all_finite(reg)


def test_weights_that_overflow_predict_count_as_divergence(regression):
    """One full-batch step with a huge rate leaves finite but enormous
    weights after an epoch whose loss was finite; their predictions
    overflow, so the guard goes back to a model that predicts finite
    values."""
    X, y = regression
    reg = MLPRegressor(
        (8, 8), solver=SGD(1e200), batch_size="full", max_iter=1, random_state=0
    )
    with pytest.raises(TrainingDivergedError, match="predictions on the training"):
        reg.fit(X, y)
    assert np.isfinite(reg.predict(X)).all()
    reg.set_params(on_divergence="warn")
    with pytest.warns(TrainingDivergedWarning):
        reg.fit(X, y)
    assert np.isfinite(reg.predict(X)).all() and _all_finite(reg)


def test_validation_predictions_that_overflow_count_as_divergence():
    """Found by the property tests: the training loss and weights stay
    finite, but the held-out rows (features of order 1e3 through batch norm
    and elu) overflow; r2_score then refused them with a bare ValueError."""
    X = np.array([[1393.38, 839.25397], [857.4443, 324.20175]], np.float32)
    y = np.array([0.61494202, 1.08464369])
    reg = MLPRegressor(
        (1, 1),
        activation="elu",
        alpha=0.0,
        batch_normalization=True,
        early_stopping=True,
        max_iter=1,
        random_state=165,
        shuffle=False,
        solver=AdaBelief(learning_rate=2.0),
    )
    with pytest.raises(TrainingDivergedError, match="on the validation set"):
        reg.fit(X, y)
    assert _all_finite(reg)


def test_an_exploding_but_finite_loss_is_divergence(regression):
    """Least squares with too large a step grows geometrically: the loss is
    still finite after an epoch, but ten orders of magnitude up."""
    X, y = regression
    reg = MLPRegressor((), solver=SGD(5.0), batch_size=10, alpha=0, random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"batch loss=.*over 1e\+10"):
        reg.fit(X, y)
    assert reg.n_iter_ == 0 and np.abs(reg.predict(X)).max() < 100


def test_loss_guard_batches_and_epochs():
    guard = LossGuard()
    params = np.zeros(3)
    assert guard.batch_ok(0.5) and guard.reference == 0.5
    assert guard.batch_ok(1e10) and not guard.batch_ok(1.1e10)
    assert "over 1e+10 times 1" in guard.reason
    assert guard.epoch_reason(None, params) == guard.reason
    guard = LossGuard()
    assert guard.batch_ok(200.0)
    assert guard.epoch_reason(100.0, params) is None and guard.reference == 100.0
    assert guard.epoch_reason(2e12, params).startswith("loss=2e+12, over")
    assert guard.epoch_reason(np.inf, params) == "loss=inf"
    assert guard.epoch_reason(1.0, np.array([np.nan])) == "non-finite parameters"
    assert not LossGuard().batch_ok(np.nan)


@pytest.mark.parametrize("solver", STEP_SOLVERS)
def test_no_solver_ever_leaves_nan_in_the_model(regression, solver):
    """Absurd learning rates, every solver: finite weights and predictions."""
    X, y = regression
    reg = MLPRegressor((8,), solver=SOLVERS[solver](), max_iter=5, random_state=0)
    reg.set_params(solver__learning_rate=1e12, on_divergence="warn")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TrainingDivergedWarning)
        reg.fit(X, y * 1e6)
    assert _all_finite(reg) and np.isfinite(reg.predict(X)).all()


def test_predictions_are_finite_bound_and_forward_pass(regression):
    X, y = regression
    reg = MLPRegressor((4,), activation="tanh", max_iter=2, random_state=0).fit(X, y)
    network, params, buffers = reg._network, reg._params.copy(), reg._buffers
    assert predictions_are_finite(network, params, X, buffers)
    # huge first-layer weights: the bound is infinite, but tanh saturates
    reg.coefs_[0][...] *= 1e306
    assert predictions_are_finite(network, reg._params, X, buffers)
    params[0] = np.nan
    assert not predictions_are_finite(network, params, X, buffers)
    linear = MLPRegressor((4,), activation="identity", max_iter=2, random_state=0)
    linear.fit(X, y)
    linear.coefs_[0][...] *= 1e300
    assert predictions_are_finite(linear._network, linear._params, X, buffers)
    linear.coefs_[1][...] *= 1e10  # now the outputs overflow
    assert not predictions_are_finite(linear._network, linear._params, X, buffers)


def test_lbfgs_divergence_keeps_finite_parameters(regression):
    X, y = regression
    reg = MLPRegressor((4,), solver=LBFGS(), max_iter=5, random_state=0)
    with pytest.raises(TrainingDivergedError, match="non-finite"):
        reg.fit(X, np.full_like(y, 1e200))
    assert _all_finite(reg)


# ----------------------------------------------------------------------
# interruption
class InterruptedSGD(SGD):
    """SGD whose user presses Ctrl-C at a given update."""

    def __init__(self, learning_rate=1e-2, interrupt_at=None):
        super().__init__(learning_rate)
        self.interrupt_at = interrupt_at

    def step(self, params, grad, state):
        if state["t"] + 1 == self.interrupt_at:
            raise KeyboardInterrupt
        super().step(params, grad, state)


class InterruptedAtEpochEnd(Momentum):
    def __init__(self, learning_rate=1e-2, momentum=0.9, interrupt_epoch=3):
        super().__init__(learning_rate, momentum)
        self.interrupt_epoch = interrupt_epoch

    def end_epoch(self, state, loss=None, validation_score=None):
        if state["epoch"] + 1 == self.interrupt_epoch:
            raise KeyboardInterrupt
        super().end_epoch(state, loss, validation_score)


def _interrupted_fit(estimator, *args, method="fit"):
    with pytest.warns(RuntimeWarning, match="interrupted"):
        with pytest.raises(KeyboardInterrupt):
            getattr(estimator, method)(*args)
    return estimator


@pytest.mark.parametrize("interrupt_at", [1, 9, 10, 11])
def test_interrupt_mid_epoch_keeps_the_last_completed_epoch(
    classification, interrupt_at
):
    X, y = classification
    # 4 updates per epoch: update 9 is the first of epoch 3
    params = dict(batch_size=30, max_iter=20, random_state=0)
    clf = MLPClassifier((6,), solver=InterruptedSGD(0.05, interrupt_at), **params)
    _interrupted_fit(clf, X, y)
    completed = (interrupt_at - 1) // 4
    assert clf.n_iter_ == completed and len(clf.loss_curve_) == completed
    assert len(clf.learning_rate_curve_) == completed
    assert clf.predict(X).shape == (120,)
    if completed:
        reference = MLPClassifier((6,), solver=SGD(0.05), **params)
        reference.set_params(max_iter=completed).fit(X, y)
        np.testing.assert_array_equal(clf._params, reference._params)
        assert clf.loss_curve_ == reference.loss_curve_


def test_interrupt_at_the_end_of_an_epoch(regression):
    X, y = regression
    solver = InterruptedAtEpochEnd(interrupt_epoch=3)
    reg = MLPRegressor((5,), solver=solver, max_iter=10, random_state=0)
    _interrupted_fit(reg, X, y)
    reference = MLPRegressor((5,), solver=Momentum(1e-2), max_iter=2, random_state=0)
    reference.fit(X, y)
    assert reg.n_iter_ == 2
    np.testing.assert_array_equal(reg._params, reference._params)
    # the interrupted model continues training
    reg.set_params(solver=Momentum(1e-2), warm_start=True, max_iter=1).fit(X, y)
    assert reg.n_iter_ == 3 and _all_finite(reg)


def test_interrupt_during_partial_fit_keeps_the_previous_call(regression):
    X, y = regression
    reg = MLPRegressor((5,), solver=InterruptedSGD(1e-2, 6), batch_size=60)
    reg.set_params(random_state=0).partial_fit(X, y)  # updates 1, 2
    reg.partial_fit(X, y)  # updates 3, 4
    kept = reg._params.copy()
    _interrupted_fit(reg, X, y, method="partial_fit")  # update 6 never happens
    np.testing.assert_array_equal(reg._params, kept)
    assert reg.n_iter_ == 2 and reg.t_ == 240


class InterruptedLBFGS(LBFGS):
    def __init__(self, interrupt_after=5):
        super().__init__()
        self.interrupt_after = interrupt_after

    def run(self, fun, x0, **kwargs):
        calls = [0]

        def interrupting(x):
            calls[0] += 1
            if calls[0] > self.interrupt_after:
                raise KeyboardInterrupt
            return fun(x)

        return super().run(interrupting, x0, **kwargs)


def test_interrupt_during_lbfgs(regression):
    X, y = regression
    reg = MLPRegressor((5,), solver=InterruptedLBFGS(8), max_iter=50, random_state=0)
    _interrupted_fit(reg, X, y)
    assert reg.n_iter_ >= 1 and _all_finite(reg)
    reference = MLPRegressor((5,), solver="lbfgs", max_iter=reg.n_iter_)
    reference.set_params(random_state=0).fit(X, y)
    np.testing.assert_array_equal(reg._params, reference._params)


# ----------------------------------------------------------------------
# same seed, same model
CONFIGURATIONS = [
    dict(solver=Adam(0.01)),
    dict(solver=SGD(ExponentialDecay(0.1, gamma=0.9)), batch_size=16),
    dict(solver=Lookahead(GradientClipping(Momentum(0.05))), dropout=0.2),
    dict(solver="nadam", batch_normalization=True, batch_size=32),
    dict(solver=Adam(ReduceOnPlateau(0.01, patience=1)), early_stopping=True),
    dict(solver="lbfgs"),
    dict(solver="adabelief", penalty="l1", alpha=1e-3),
]


@pytest.mark.parametrize("params", CONFIGURATIONS, ids=repr)
def test_same_seed_gives_bit_identical_models(classification, params):
    X, y = classification
    clf = MLPClassifier((7, 5), max_iter=6, random_state=42, **params)
    first = clf.fit(X, y)._params.copy()
    curve = list(clf.loss_curve_)
    np.testing.assert_array_equal(clf.fit(X, y)._params, first)  # refit
    twin = clone(clf).fit(X, y)
    np.testing.assert_array_equal(twin._params, first)
    assert twin.loss_curve_ == curve
    np.testing.assert_array_equal(twin.predict_proba(X), clf.predict_proba(X))
    other = clone(clf).set_params(random_state=7).fit(X, y)
    assert not np.array_equal(other._params, first)


@pytest.mark.parametrize("solver", [SGD(0.05), Adam(0.01), LinearWarmup(0.01, 3)])
def test_partial_fit_over_chunks_equals_one_epoch_of_fit(classification, solver):
    """With shuffle=False and batch_size equal to the chunk size, one epoch
    of ``fit`` and ``partial_fit`` over the same chunks in the same order
    are the same computation, bit for bit."""
    if isinstance(solver, LinearWarmup):
        solver = Adam(solver)
    X, y = classification
    params = dict(solver=solver, batch_size=40, shuffle=False, random_state=0)
    fitted = MLPClassifier((6,), max_iter=1, **params).fit(X, y)
    streamed = MLPClassifier((6,), **params)
    for start in range(0, 120, 40):
        chunk = slice(start, start + 40)
        streamed.partial_fit(X[chunk], y[chunk], classes=[0, 1, 2])
    np.testing.assert_array_equal(streamed._params, fitted._params)
    assert streamed._solver_state["t"] == fitted._solver_state["t"] == 3
    assert streamed.t_ == fitted.t_ == 120


# ----------------------------------------------------------------------
# persistence
def _pickle(estimator):
    return pickle.loads(pickle.dumps(estimator))


def _joblib(estimator):
    buffer = io.BytesIO()
    joblib.dump(estimator, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


def _skops(estimator):
    sio = pytest.importorskip("skops.io")
    from skoptim.io import trusted_types

    data = sio.dumps(estimator)
    untrusted = sio.get_untrusted_types(data=data)
    assert set(untrusted) <= set(trusted_types())
    return sio.loads(data, trusted=trusted_types())


PERSISTED = [
    dict(solver=Adam(0.01)),
    dict(solver=Lookahead(GradientClipping(Momentum(0.05), max_norm=1.0), k=3)),
    dict(solver=SGD(ReduceOnPlateau(0.05, patience=1)), dropout=0.1),
    dict(solver="adabound", batch_normalization=True, batch_size=32),
    dict(solver="rmsprop", penalty="elasticnet", alpha=1e-3),
]


@pytest.mark.parametrize("round_trip", [_pickle, _joblib, _skops])
@pytest.mark.parametrize("params", PERSISTED, ids=repr)
def test_round_trip_predicts_the_same_and_continues_exactly(
    classification, round_trip, params
):
    X, y = classification
    clf = MLPClassifier((6,), max_iter=3, random_state=0, **params).fit(X, y)
    restored = round_trip(clf)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))
    assert restored.loss_curve_ == clf.loss_curve_
    for _ in range(2):
        clf.partial_fit(X, y)
        restored.partial_fit(X, y)
    np.testing.assert_array_equal(restored._params, clf._params)
    assert restored._solver_state["t"] == clf._solver_state["t"]


@pytest.mark.parametrize("round_trip", [_pickle, _joblib, _skops])
def test_round_trip_regressor_with_lbfgs_and_warm_start(regression, round_trip):
    X, y = regression
    reg = MLPRegressor((4,), solver="lbfgs", max_iter=5, random_state=0).fit(X, y)
    restored = round_trip(reg)
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))
    reg.set_params(warm_start=True).fit(X, y)
    restored.set_params(warm_start=True).fit(X, y)
    np.testing.assert_array_equal(restored._params, reg._params)


def test_trusted_types_cover_every_fitted_configuration(classification):
    sio = pytest.importorskip("skops.io")
    from skoptim.io import trusted_types

    X, y = classification
    trusted = set(trusted_types())
    for params in CONFIGURATIONS + PERSISTED:
        clf = MLPClassifier((3,), max_iter=2, random_state=0, **params).fit(X, y)
        assert set(sio.get_untrusted_types(data=sio.dumps(clf))) <= trusted
    assert all(name.startswith("skoptim.") for name in trusted)


# ----------------------------------------------------------------------
# read-only memory-mapped input
def test_read_only_memmap_input(tmp_path, classification):
    X, y = classification
    np.save(tmp_path / "X.npy", X)
    X_map = np.load(tmp_path / "X.npy", mmap_mode="r")
    assert not X_map.flags.writeable
    for solver in ("adam", "lbfgs"):
        clf = MLPClassifier((4,), solver=solver, max_iter=3, random_state=0)
        clf.fit(X_map, y)
        reference = clone(clf).fit(X, y)
        np.testing.assert_array_equal(clf._params, reference._params)
        np.testing.assert_array_equal(clf.predict_proba(X_map), clf.predict_proba(X))
    clf = MLPClassifier((4,), batch_size=16, early_stopping=True, random_state=0)
    clf.set_params(max_iter=3).fit(X_map, y)
    clf.partial_fit(X_map, y)
    np.testing.assert_array_equal(np.load(tmp_path / "X.npy"), X)


def _fit_and_check_memmap(X, y):
    assert isinstance(X, np.memmap) and not X.flags.writeable
    reg = MLPRegressor((4,), batch_size=16, max_iter=2, random_state=0).fit(X, y)
    return reg.predict(X)


def test_joblib_memmapped_input_in_workers(regression):
    X, y = regression
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        results = joblib.Parallel(n_jobs=2, max_nbytes=1)(
            joblib.delayed(_fit_and_check_memmap)(X, y) for _ in range(2)
        )
    expected = MLPRegressor((4,), batch_size=16, max_iter=2, random_state=0)
    expected = expected.fit(X, y).predict(X)
    for predictions in results:
        np.testing.assert_array_equal(predictions, expected)
