"""Every bad input gets a ValueError or TypeError that says what is wrong.

Hyperparameters: every constraint of the estimators and of every public
solver, schedule, penalty and initializer class (found by introspection) is
broken at least once, and the error, raised at ``fit``, must name the full
parameter path (``solver__beta_2``, ``solver__learning_rate__gamma``) and
what is allowed. Data: every case listed in the reliability issue.
"""

import inspect
import math
from numbers import Integral

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    generate_invalid_param_val,
    make_constraint,
)

from skoptim import MLPClassifier, MLPRegressor, initializers, penalties, schedules
from skoptim import optimizers as optim
from skoptim.optimizers import SGD, Adam, GradientClipping, Lookahead, Momentum

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.standard_normal((30, 3))
Y_CLASS = np.arange(30) % 3
Y_REG = X[:, 0] - X[:, 1]


def _public_classes(module, base):
    """The concrete classes a user picks from ``module`` (not the base)."""
    return [
        getattr(module, name)
        for name in module.__all__
        if inspect.isclass(getattr(module, name))
        and issubclass(getattr(module, name), base)
        and getattr(module, name) is not base
    ]


SOLVERS = [
    getattr(optim, name)
    for name in optim.__all__
    if inspect.isclass(getattr(optim, name))
    and hasattr(getattr(optim, name), "init_state")
    and getattr(optim, name) is not optim.Solver
]
WRAPPERS = [GradientClipping, Lookahead]
SCHEDULES = _public_classes(schedules, schedules.Schedule)
PENALTIES = _public_classes(penalties, penalties.Penalty)
INITIALIZERS = _public_classes(initializers, initializers.Initializer)


class WrongType:
    """A value of a type no hyperparameter accepts."""

    def __repr__(self):
        return "WrongType()"


def _violates_all(value, constraints):
    return not any(make_constraint(c).is_satisfied_by(value) for c in constraints)


def _candidates(constraint):
    """Values just outside one constraint (both ends of an interval)."""
    values = []
    if not isinstance(constraint, StrOptions):  # its invalid value lists a set
        try:
            values.append(generate_invalid_param_val(make_constraint(constraint)))
        except NotImplementedError:
            pass
    if isinstance(constraint, Interval):
        if constraint.right is not None:
            at_right = constraint.closed in ("neither", "left")
            values.append(constraint.right if at_right else constraint.right + 1)
        if constraint.type is Integral:
            values.append(max(constraint.left or 1, 1) + 0.5)  # not an int
        else:
            values += [math.nan, "0.5"]
    if isinstance(constraint, StrOptions):
        values.append(sorted(constraint.options)[0].upper() + "_unknown")
    return values


def invalid_values(constraints):
    """Values that break every constraint of one parameter, with a wrong type."""
    values = [WrongType()]
    for constraint in constraints:
        for value in _candidates(constraint):
            if _violates_all(value, constraints) and not any(
                type(value) is type(v) and repr(value) == repr(v) for v in values
            ):
                values.append(value)
    return values


def _label(value):
    """A test id that is the same in every process (no object addresses)."""
    if value is None or isinstance(value, (bool, int, float, str, tuple)):
        return repr(value)
    return type(value).__name__


def _cases(classes, place, prefix):
    """``(estimator, path, constraints, value)`` for each bad value."""
    cases = []
    for cls in classes:
        for name, constraints in getattr(cls, "_parameter_constraints", {}).items():
            for value in invalid_values(constraints):
                estimator = place(cls(**{name: value}))
                path = f"{prefix}__{name}"
                cases.append(
                    pytest.param(
                        estimator,
                        path,
                        constraints,
                        id=f"{cls.__name__}-{name}={_label(value)}",
                    )
                )
    return cases


def _estimator_cases():
    cases = []
    for cls in (MLPClassifier, MLPRegressor):
        for name, constraints in cls._parameter_constraints.items():
            for value in invalid_values(constraints):
                cases.append(
                    pytest.param(
                        cls(**{"max_iter": 2, name: value}),
                        name,
                        constraints,
                        id=f"{cls.__name__}-{name}={_label(value)}",
                    )
                )
    return cases


HYPERPARAMETER_CASES = (
    _estimator_cases()
    + _cases(
        [s for s in SOLVERS if s not in WRAPPERS],
        lambda s: MLPRegressor((3,), solver=s, max_iter=2),
        "solver",
    )
    + _cases(WRAPPERS, lambda s: MLPRegressor((3,), solver=s, max_iter=2), "solver")
    + _cases(
        [s for s in SOLVERS if s not in WRAPPERS and not s.full_batch],
        lambda s: MLPRegressor((3,), solver=Lookahead(s), max_iter=2),
        "solver__optimizer",
    )
    + _cases(
        SCHEDULES,
        lambda sched: MLPRegressor((3,), solver=SGD(sched), max_iter=2),
        "solver__learning_rate",
    )
    + _cases(
        [s for s in SCHEDULES if s is not schedules.LinearWarmup],
        lambda sched: MLPRegressor(
            (3,), solver=Adam(schedules.LinearWarmup(sched)), max_iter=2
        ),
        "solver__learning_rate__schedule",
    )
    + _cases(PENALTIES, lambda p: MLPRegressor((3,), penalty=p, max_iter=2), "penalty")
    + _cases(INITIALIZERS, lambda i: MLPRegressor((3,), init=i, max_iter=2), "init")
)


@pytest.mark.parametrize("estimator, path, constraints", HYPERPARAMETER_CASES)
def test_invalid_hyperparameter_names_its_path_and_the_allowed_values(
    estimator, path, constraints
):
    y = Y_CLASS if isinstance(estimator, MLPClassifier) else Y_REG
    with pytest.raises((ValueError, TypeError)) as error:
        estimator.fit(X, y)
    message = str(error.value)
    assert f"'{path}' parameter of {type(estimator).__name__} must be" in message
    for constraint in constraints:
        constraint = make_constraint(constraint)
        if not constraint.hidden:
            assert str(constraint) in message


def test_every_hyperparameter_of_every_public_class_is_validated():
    """No public class leaves a constructor argument without a constraint."""
    for cls in (
        SOLVERS
        + SCHEDULES
        + PENALTIES
        + INITIALIZERS
        + [
            MLPClassifier,
            MLPRegressor,
        ]
    ):
        names = {
            name
            for name, p in inspect.signature(cls).parameters.items()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        }
        missing = names - set(getattr(cls, "_parameter_constraints", {}))
        assert not missing, f"{cls.__name__} does not validate {sorted(missing)}"


def test_every_public_class_is_covered():
    assert len(SOLVERS) == 16 and len(SCHEDULES) >= 10
    assert len(PENALTIES) == 3 and len(INITIALIZERS) >= 6


@pytest.mark.parametrize(
    "solver, path, allowed",
    [
        (SGD(learning_rate=-0.1), "solver__learning_rate", r"range \(0.0, inf\)"),
        (Adam(beta_1=1.0), "solver__beta_1", r"range \[0.0, 1.0\)"),
        (Adam(beta_2=1.5), "solver__beta_2", r"range \[0.0, 1.0\)"),
        (Momentum(momentum=1.1), "solver__momentum", r"range \[0.0, 1.0\)"),
        (
            SGD(schedules.ExponentialDecay(gamma=-1.0)),
            "solver__learning_rate__gamma",
            r"range \(0.0, inf\)",
        ),
        (
            Lookahead(GradientClipping(Adam(beta_2=1.0))),
            "solver__optimizer__optimizer__beta_2",
            r"range \[0.0, 1.0\)",
        ),
        (GradientClipping("adamz"), "solver__optimizer", "step-based solver"),
        (Lookahead("lbfgs"), "solver__optimizer", "other than LBFGS"),
        (GradientClipping(optim.LBFGS()), "solver__optimizer", "other than LBFGS"),
        (Adam(amsgrad="yes"), "solver__amsgrad", "bool"),
    ],
)
def test_the_issue_examples(solver, path, allowed):
    clf = MLPClassifier((3,), solver=solver, max_iter=2)  # constructing is fine
    with pytest.raises(ValueError, match=f"'{path}' parameter.*{allowed}"):
        clf.fit(X, Y_CLASS)


@pytest.mark.parametrize(
    "hidden_layer_sizes", [(2.5,), (-1,), (True,), [[3]], (3, 0), "abc", None, 0]
)
def test_hidden_layer_sizes_must_be_positive_integers(hidden_layer_sizes):
    reg = MLPRegressor(hidden_layer_sizes, max_iter=2)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        reg.fit(X, Y_REG)


@pytest.mark.parametrize("hidden_layer_sizes", [4, (4,), [4, 3], np.array([2]), ()])
def test_valid_hidden_layer_sizes_are_accepted(hidden_layer_sizes):
    reg = MLPRegressor(hidden_layer_sizes, max_iter=2).fit(X, Y_REG)
    assert reg.predict(X).shape == (30,)


@pytest.mark.parametrize(
    "dropout", [1.0, -0.1, [0.1, 0.2, 0.3], "a", [0.1, 1.0]], ids=repr
)
def test_dropout_rates(dropout):
    with pytest.raises(ValueError, match="dropout"):
        MLPRegressor((3, 3), dropout=dropout, max_iter=2).fit(X, Y_REG)


# ----------------------------------------------------------------------
# data
def _with_nan(a):
    a = np.array(a, dtype=float)
    a.flat[3] = np.nan
    return a


def _with_inf(a):
    a = np.array(a, dtype=float)
    a.flat[3] = np.inf
    return a


DATA_CASES = [
    # (estimator class, X, y, match)
    (MLPClassifier, _with_nan(X), Y_CLASS, "Input X contains NaN"),
    (MLPRegressor, _with_inf(X), Y_REG, "Input X contains infinity"),
    (MLPRegressor, X, _with_nan(Y_REG), "Input y contains NaN"),
    (MLPRegressor, X, _with_inf(Y_REG), "Input y contains infinity"),
    (MLPClassifier, X, _with_nan(Y_CLASS), "Input y contains NaN"),
    (MLPRegressor, np.empty((0, 3)), np.empty(0), r"0 sample\(s\)"),
    (MLPRegressor, np.empty((30, 0)), Y_REG, r"0 feature\(s\)"),
    (MLPClassifier, X[:1], Y_CLASS[:1], "at least 2 classes.*only one class"),
    (MLPClassifier, X, np.zeros(30), "at least 2 classes.*only one class"),
    (MLPClassifier, X + 1j, Y_CLASS, "Complex data not supported"),
    (
        MLPClassifier,
        np.array([["a", "b", "c"]] * 30, dtype=object),
        Y_CLASS,
        "needs numeric X.*OneHotEncoder",
    ),
    (MLPClassifier, X[:, 0], Y_CLASS, "Expected 2D array, got 1D array"),
    (MLPClassifier, X[:, :, None], Y_CLASS, "dim 3"),
    (MLPClassifier, X, Y_CLASS[:10], "inconsistent numbers of samples"),
    (MLPRegressor, X, Y_REG[:29], "inconsistent numbers of samples"),
    (
        MLPRegressor,
        X,
        np.array(["a", "b", "c"] * 10),
        "needs numeric X and the targets y.*MLPClassifier",
    ),
    (
        MLPRegressor,
        X,
        np.array(["a", "b", "c"] * 10, dtype=object),
        "needs numeric X and the targets y",
    ),
    (MLPClassifier, X, Y_REG, "Unknown label type: continuous"),
    (MLPClassifier, X, None, "requires y to be passed"),
]


@pytest.mark.parametrize("cls, X_bad, y_bad, match", DATA_CASES)
def test_bad_training_data(cls, X_bad, y_bad, match):
    with pytest.raises(ValueError, match=match):
        cls((3,), max_iter=2).fit(X_bad, y_bad)


def test_one_sample_regression_fits_or_says_why():
    """One sample is a valid (if degenerate) regression problem; with early
    stopping nothing would be left to train on, which is said."""
    reg = MLPRegressor((3,), max_iter=2).fit(X[:1], Y_REG[:1])
    assert np.isfinite(reg.predict(X)).all()
    with pytest.raises(ValueError, match="leaves none to train on"):
        MLPRegressor((3,), early_stopping=True, max_iter=2).fit(X[:1], Y_REG[:1])
    with pytest.raises(ValueError, match="validation_fraction=0.9"):
        MLPRegressor(
            (3,), early_stopping=True, validation_fraction=0.9, max_iter=2
        ).fit(X[:5], Y_REG[:5])


@pytest.mark.parametrize("method", ["predict", "predict_proba", "score"])
def test_wrong_number_of_features_at_predict(method):
    clf = MLPClassifier((3,), max_iter=2).fit(X, Y_CLASS)
    args = (X[:, :2],) if method != "score" else (X[:, :2], Y_CLASS)
    with pytest.raises(ValueError, match="X has 2 features, but MLPClassifier is "):
        getattr(clf, method)(*args)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.predict(_with_nan(X))


def test_sparse_input_with_nan_is_refused():
    X_sparse = sp.csr_matrix(_with_nan(X))
    with pytest.raises(ValueError, match="Input X contains NaN"):
        MLPRegressor((3,), max_iter=2).fit(X_sparse, Y_REG)


def test_partial_fit_bad_input():
    clf = MLPClassifier((3,), solver="sgd")
    with pytest.raises(ValueError, match="classes must be passed on the first"):
        clf.partial_fit(X, Y_CLASS)
    with pytest.raises(ValueError, match=r"labels \[2\] that are not in classes"):
        clf.partial_fit(X, Y_CLASS, classes=[0, 1])
    clf.partial_fit(X, Y_CLASS, classes=[0, 1, 2])
    with pytest.raises(ValueError, match=r"labels \[7\] that were not seen"):
        clf.partial_fit(X[:3], [0, 1, 7])
    with pytest.raises(ValueError, match=r"classes=\[0, 1\] differs from the classes"):
        clf.partial_fit(X, Y_CLASS % 2, classes=[0, 1])
    with pytest.raises(ValueError, match="X has 2 features, but MLPClassifier"):
        clf.partial_fit(X[:, :2], Y_CLASS)
    reg = MLPRegressor((3,), solver="sgd").partial_fit(X, Y_REG)
    with pytest.raises(ValueError, match="X has 4 features, but MLPRegressor"):
        reg.partial_fit(np.c_[X, X[:, 0]], Y_REG)
    with pytest.raises(ValueError, match=r"y has 2 output\(s\), the model was"):
        reg.partial_fit(X, np.c_[Y_REG, Y_REG])


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize(
    "sample_weight, match",
    [
        (-np.ones(30), "Negative values in data passed to `sample_weight`"),
        (_with_nan(np.ones(30)), "Input sample_weight contains NaN"),
        (_with_inf(np.ones(30)), "Input sample_weight contains infinity"),
        (np.ones(29), r"sample_weight.shape == \(29,\), expected \(30,\)"),
        (np.ones((30, 2)), "Sample weights must be 1D array or scalar"),
        (np.zeros(30), "at least one non-zero"),
        (np.array(["a"] * 30), "could not convert string to float"),
    ],
    ids=["negative", "nan", "inf", "length", "2d", "all-zero", "strings"],
)
def test_bad_sample_weight(method, sample_weight, match):
    clf = MLPClassifier((3,), solver="sgd", max_iter=2)
    kwargs = {"classes": [0, 1, 2]} if method == "partial_fit" else {}
    with pytest.raises(ValueError, match=match):
        getattr(clf, method)(X, Y_CLASS, sample_weight=sample_weight, **kwargs)


def test_sample_weight_leaving_one_class_is_refused():
    weights = (Y_CLASS == 0).astype(float)
    with pytest.raises(ValueError, match=r"only class \[0\] has any weight"):
        MLPClassifier((3,), max_iter=2).fit(X, Y_CLASS, sample_weight=weights)


@pytest.mark.parametrize(
    "class_weight, match",
    [
        ({5: 1.0}, r"class_weight names classes \[5\] that are not in the data"),
        ({"a": 1.0, 0: 2.0}, r"names classes \['a'\]"),
        ({0: -1.0, 1: 1.0}, "finite non-negative numbers; got {0: -1.0}"),
        ({0: np.nan}, "finite non-negative numbers"),
        ({0: "heavy"}, "finite non-negative numbers"),
        ({0: 0.0, 1: 0.0, 2: 0.0}, "positive sum"),
        ("often", "'class_weight' parameter of MLPClassifier must be"),
    ],
)
def test_bad_class_weight(class_weight, match):
    with pytest.raises(ValueError, match=match):
        MLPClassifier((3,), class_weight=class_weight, max_iter=2).fit(X, Y_CLASS)


def test_balanced_class_weight_is_refused_by_partial_fit():
    clf = MLPClassifier((3,), class_weight="balanced")
    with pytest.raises(ValueError, match="'balanced' is not supported by partial"):
        clf.partial_fit(X, Y_CLASS, classes=[0, 1, 2])


def test_a_full_batch_solver_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="batch_size='full'"):
        MLPRegressor((3,), solver="lbfgs", batch_size=5).fit(X, Y_REG)
    with pytest.raises(ValueError, match="dropout=0"):
        MLPRegressor((3,), solver="lbfgs", dropout=0.5).fit(X, Y_REG)
    with pytest.raises(ValueError, match="penalty='l2'"):
        MLPRegressor((3,), solver="lbfgs", penalty="l1").fit(X, Y_REG)
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")


def test_errors_are_raised_at_fit_not_at_construction():
    reg = MLPRegressor(alpha=-1, solver=Adam(beta_1=2.0), max_iter=0)
    assert reg.get_params()["solver__beta_1"] == 2.0
    with pytest.raises(ValueError):
        reg.fit(X, Y_REG)
