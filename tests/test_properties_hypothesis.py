"""Property tests: random estimators on random tiny data.

Over random architectures, activations, losses, solvers (with schedules and
wrappers), penalties, batch sizes, dtypes and shapes, ``fit`` and
``predict`` return finite arrays of the right shape and dtype, or raise one
of the documented ``ValueError``s (settings a full-batch solver or batch
normalization cannot honour, data with a single class, divergence with
``on_divergence="raise"``).
"""

import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skoptim import MLPClassifier, MLPRegressor, TrainingDivergedError
from skoptim.activations import HIDDEN_ACTIVATIONS
from skoptim.optimizers import SOLVERS, GradientClipping, Lookahead
from skoptim.schedules import CosineAnnealing, ExponentialDecay, ReduceOnPlateau

pytestmark = pytest.mark.filterwarnings("ignore")

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: The documented refusals (see the estimators' docstrings).
DOCUMENTED = re.compile(
    "needs a deterministic objective|is full-batch: batch_size|"
    "needs a smooth objective|batch_normalization needs batches of 2|"
    "needs samples of at least 2 classes|leaves none to train on"
)


@st.composite
def solvers(draw):
    name = draw(st.sampled_from(sorted(SOLVERS)))
    solver = SOLVERS[name]()
    if name == "lbfgs":
        return solver
    lr = draw(st.floats(1e-4, 10.0))
    schedule = draw(
        st.sampled_from(
            [
                lr,
                ExponentialDecay(lr, gamma=0.9),
                CosineAnnealing(lr, T_max=5),
                ReduceOnPlateau(lr, patience=0, monitor="training_loss"),
            ]
        )
    )
    solver.set_params(learning_rate=schedule)
    wrapper = draw(st.sampled_from([None, "clip", "lookahead"]))
    if wrapper == "clip":
        return GradientClipping(solver, max_norm=1.0)
    if wrapper == "lookahead":
        return Lookahead(solver, k=2)
    return solver


@st.composite
def estimator_params(draw):
    return dict(
        hidden_layer_sizes=tuple(
            draw(st.lists(st.integers(1, 6), min_size=0, max_size=2))
        ),
        activation=draw(st.sampled_from(sorted(HIDDEN_ACTIVATIONS))),
        solver=draw(solvers()),
        penalty=draw(st.sampled_from(["l2", "l1", "elasticnet", None])),
        alpha=draw(st.sampled_from([0.0, 1e-4, 0.1])),
        batch_size=draw(
            st.one_of(st.sampled_from(["auto", "full"]), st.integers(1, 8))
        ),
        max_iter=draw(st.integers(1, 3)),
        batch_normalization=draw(st.booleans()),
        dropout=draw(st.sampled_from([0.0, 0.3])),
        early_stopping=draw(st.booleans()),
        shuffle=draw(st.booleans()),
        random_state=draw(st.integers(0, 2**16)),
        on_divergence=draw(st.sampled_from(["raise", "warn"])),
    )


@st.composite
def features(draw):
    n = draw(st.integers(2, 16))
    d = draw(st.integers(1, 4))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    seed = draw(st.integers(0, 2**16))
    X = np.random.default_rng(seed).standard_normal((n, d)) * scale
    return X.astype(dtype), seed


def _fit_or_documented_error(estimator, X, y):
    """Fit; return False when fit raised a documented error."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            estimator.fit(X, y)
    except TrainingDivergedError:
        assert estimator.on_divergence == "raise"
        return False
    except ValueError as error:
        assert DOCUMENTED.search(str(error)), repr(error)
        return False
    return True


def _check_parameters(estimator, dtype):
    for array in estimator.coefs_ + estimator.intercepts_:
        assert array.dtype == dtype and np.isfinite(array).all()


@SETTINGS
@given(params=estimator_params(), data=features(), n_outputs=st.sampled_from([0, 2]))
def test_regressor_predicts_finite_values_of_the_right_shape(params, data, n_outputs):
    X, seed = data
    rng = np.random.default_rng(seed + 1)
    shape = (X.shape[0],) if n_outputs == 0 else (X.shape[0], n_outputs)
    y = rng.standard_normal(shape)
    reg = MLPRegressor(**params)
    if not _fit_or_documented_error(reg, X, y):
        return
    pred = reg.predict(X)
    assert pred.shape == shape and pred.dtype == X.dtype
    assert np.isfinite(pred).all()
    _check_parameters(reg, X.dtype)


@SETTINGS
@given(
    params=estimator_params(),
    data=features(),
    loss=st.sampled_from(["log_loss", "squared_error"]),
    target=st.sampled_from(["binary", "multiclass", "multilabel", "strings"]),
)
def test_classifier_predicts_known_labels_and_probabilities(params, data, loss, target):
    X, seed = data
    rng = np.random.default_rng(seed + 1)
    n = X.shape[0]
    if target == "binary":
        y = rng.integers(0, 2, n)
    elif target == "multiclass":
        y = rng.integers(0, 4, n)
    elif target == "multilabel":
        y = rng.integers(0, 2, (n, 3))
    else:
        y = rng.choice(np.array(["ant", "bee", "cat"]), n)
    clf = MLPClassifier(loss=loss, **params)
    if not _fit_or_documented_error(clf, X, y):
        return
    pred = clf.predict(X)
    assert pred.shape == y.shape and pred.dtype == y.dtype
    if target != "multilabel":
        assert set(pred) <= set(clf.classes_)
    proba = clf.predict_proba(X)
    n_columns = 3 if target == "multilabel" else len(clf.classes_)
    assert proba.shape == (n, n_columns) and proba.dtype == X.dtype
    assert np.isfinite(proba).all() and (proba >= 0).all() and (proba <= 1).all()
    if target != "multilabel":
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-4)
    _check_parameters(clf, X.dtype)


@SETTINGS
@given(params=estimator_params(), data=features())
def test_partial_fit_keeps_a_finite_model(params, data):
    X, seed = data
    y = np.random.default_rng(seed + 1).standard_normal(X.shape[0])
    params["solver"] = (
        "adam" if getattr(params["solver"], "full_batch", False) else params["solver"]
    )
    reg = MLPRegressor(**params)
    for _ in range(2):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reg.partial_fit(X, y)
        except TrainingDivergedError:
            assert reg.on_divergence == "raise"
        except ValueError as error:
            assert DOCUMENTED.search(str(error)), repr(error)
            return
    pred = reg.predict(X)
    assert pred.shape == y.shape and np.isfinite(pred).all()
    _check_parameters(reg, X.dtype)
