"""Fuzz the estimators: thousands of random configurations on tiny data.

Each trial draws an estimator (architecture, activation, loss, solver with
wrappers and schedules, penalty, batch size, dropout, batch normalization,
early stopping, divergence policy) and tiny data (dtype, shape, scale,
sample weights, targets), then runs ``fit``, ``predict`` (and
``predict_proba``), ``score`` and ``partial_fit``. A trial passes when every
call returns finite arrays of the right shape and dtype, or raises one of the
documented errors listed in ``DOCUMENTED``. One trial in five first corrupts
a hyperparameter anywhere in the nest (``solver__optimizer__beta_2=nan``)
or the data (a NaN, a short ``y``, a negative sample weight), and may then
also raise a ``ValueError`` or ``TypeError``, but nothing else. Anything
else is reported with the configuration that caused it. The run ends with
the count of unexpected outcomes and exits with status 1 if there is any.

Usage::

    python benchmarks/fuzz.py --trials 3000 --seed 0
    python benchmarks/fuzz.py --seed 0 --replay 17   # one trial, traceback

Trial ``i`` draws from ``numpy.random.default_rng([seed, i])``, so any
reported trial replays on its own.
"""

import argparse
import re
import time
import traceback
import warnings

import numpy as np

from skoptim import MLPClassifier, MLPRegressor, TrainingDivergedError
from skoptim.activations import HIDDEN_ACTIVATIONS
from skoptim.optimizers import SOLVERS, GradientClipping, Lookahead
from skoptim.schedules import (
    CosineAnnealing,
    ExponentialDecay,
    InverseScaling,
    LinearWarmup,
    OneCycle,
    PolynomialDecay,
    ReduceOnPlateau,
    StepDecay,
    WarmRestarts,
)

#: Errors the documentation promises for some settings (message patterns).
DOCUMENTED = [
    "needs a deterministic objective",  # L-BFGS with dropout
    "is full-batch: batch_size",  # L-BFGS with a small batch
    "needs a smooth objective",  # L-BFGS with an L1 penalty
    "batch_normalization needs batches of 2",
    "needs samples of at least 2 classes",
    "leaves none to train on",  # early stopping on too few samples
    "at least one non-zero",  # sample weights all zero
    "positive sum",  # class_weight times sample_weight all zero
    "'balanced' is not supported by partial_fit",
    "names classes .* that are not in the data",  # class_weight dict
    "class_weight as a dict is not supported for multilabel",
]

SCHEDULES = [
    lambda lr, rng: lr,
    lambda lr, rng: StepDecay(lr, step_size=int(rng.integers(1, 5))),
    lambda lr, rng: ExponentialDecay(lr, gamma=float(rng.uniform(0.5, 1.0))),
    lambda lr, rng: InverseScaling(lr),
    lambda lr, rng: PolynomialDecay(lr, total_steps=int(rng.integers(1, 20))),
    lambda lr, rng: CosineAnnealing(lr, T_max=int(rng.integers(1, 10))),
    lambda lr, rng: WarmRestarts(lr, T_0=int(rng.integers(1, 5)), T_mult=2),
    lambda lr, rng: LinearWarmup(ExponentialDecay(lr), warmup_steps=3),
    lambda lr, rng: OneCycle(lr, total_steps=int(rng.integers(2, 30))),
    lambda lr, rng: ReduceOnPlateau(lr, patience=0, monitor="training_loss"),
]


def pick(rng, options):
    """One of ``options``, keeping its Python type (``rng.choice`` would
    turn a mixed list into numpy strings)."""
    return options[int(rng.integers(len(options)))]


def draw_solver(rng):
    """A solver object: any solver, a random learning rate or schedule, and
    sometimes gradient clipping or Lookahead around it."""
    name = pick(rng, sorted(SOLVERS))
    solver = SOLVERS[name]()
    if name == "lbfgs":
        return solver
    lr = float(10 ** rng.uniform(-4, 1.5))
    schedule = SCHEDULES[int(rng.integers(len(SCHEDULES)))](lr, rng)
    solver.set_params(learning_rate=schedule)
    if rng.random() < 0.15:
        solver = GradientClipping(solver, max_norm=float(10 ** rng.uniform(-2, 2)))
    if rng.random() < 0.15:
        solver = Lookahead(solver, k=int(rng.integers(1, 6)))
    return solver


def draw_estimator(rng, classifier):
    n_layers = int(rng.integers(0, 3))
    params = dict(
        hidden_layer_sizes=tuple(int(u) for u in rng.integers(1, 6, n_layers)),
        activation=pick(rng, sorted(HIDDEN_ACTIVATIONS)),
        solver=draw_solver(rng),
        alpha=pick(rng, [0.0, float(10 ** rng.uniform(-6, 0))]),
        penalty=pick(rng, ["l2", "l1", "elasticnet", None]),
        batch_size=pick(rng, ["auto", "full", int(rng.integers(1, 12))]),
        init=pick(rng, ["auto", "glorot_uniform", "he_normal", "zeros"]),
        max_iter=int(rng.integers(1, 6)),
        tol=pick(rng, [0.0, 1e-4, 1.0]),
        n_iter_no_change=int(rng.integers(1, 4)),
        early_stopping=bool(rng.random() < 0.2),
        validation_fraction=float(rng.uniform(0.1, 0.5)),
        shuffle=bool(rng.random() < 0.7),
        random_state=int(rng.integers(1000)),
        dropout=pick(rng, [0.0, 0.0, 0.5]),
        batch_normalization=bool(rng.random() < 0.2),
        on_divergence=pick(rng, ["raise", "warn"]),
    )
    if classifier:
        params["loss"] = pick(rng, ["log_loss", "squared_error"])
        params["class_weight"] = pick(rng, [None, "balanced", {0: 2.0}])
        return MLPClassifier(**params)
    return MLPRegressor(**params)


def draw_data(rng, classifier):
    n = int(rng.integers(1, 25))
    d = int(rng.integers(1, 5))
    dtype = pick(rng, [np.float32, np.float64])
    scale = 10 ** rng.uniform(-3, 3)
    X = (rng.standard_normal((n, d)) * scale).astype(dtype)
    if rng.random() < 0.1:
        X[:, 0] = 1.0  # a constant feature
    if classifier:
        kind = pick(rng, ["binary", "multiclass", "multilabel", "strings"])
        if kind == "binary":
            y = rng.integers(0, 2, n)
        elif kind == "multiclass":
            y = rng.integers(0, int(rng.integers(3, 6)), n)
        elif kind == "multilabel":
            y = rng.integers(0, 2, (n, int(rng.integers(2, 4))))
        else:
            y = rng.choice(np.array(["cat", "dog", "emu"]), n)
    else:
        n_out = pick(rng, [1, 1, 2])
        y = rng.standard_normal((n, n_out)) * 10 ** rng.uniform(-2, 2)
        y = y.ravel() if n_out == 1 and rng.random() < 0.8 else y
    sample_weight = None
    if rng.random() < 0.2:
        sample_weight = rng.choice([0.0, 0.5, 1.0, 3.0], n)
    return X, y, sample_weight


def check_outputs(estimator, X, y):
    """Raise AssertionError when a prediction breaks the contract."""
    n = X.shape[0]
    pred = estimator.predict(X)
    assert pred.shape == np.shape(y), (pred.shape, np.shape(y))
    if isinstance(estimator, MLPRegressor):
        assert pred.dtype == X.dtype, (pred.dtype, X.dtype)
        assert np.isfinite(pred).all(), "non-finite predictions"
    else:
        assert set(np.unique(pred)) <= set(np.unique(y)) | {0, 1}, "unknown label"
        proba = estimator.predict_proba(X)
        assert proba.shape[0] == n and proba.dtype == X.dtype
        assert np.isfinite(proba).all(), "non-finite probabilities"
        assert np.all((proba >= 0) & (proba <= 1)), "probabilities out of [0, 1]"
        log_proba = estimator.predict_log_proba(X)
        assert not np.isnan(log_proba).any(), "NaN log-probabilities"
    for coef in estimator.coefs_ + estimator.intercepts_:
        assert np.isfinite(coef).all(), "non-finite parameters"
    if n > 1:  # R^2 of a single sample is undefined (NaN)
        assert np.isfinite(estimator.score(X, y)), "non-finite score"


#: The errors a corrupted input may raise (InvalidParameterError is both).
_REFUSALS = {"ValueError", "TypeError", "InvalidParameterError"}


def is_documented(error):
    if isinstance(error, TrainingDivergedError):
        return True
    message = str(error)
    return isinstance(error, ValueError) and any(
        re.search(pattern, message) for pattern in DOCUMENTED
    )


#: Values a corrupted hyperparameter takes (some happen to be valid).
JUNK = [-1, 0, 1.5, 1e300, float("nan"), "junk", None, True, (), [0, -1]]


def corrupt(rng, estimator, X, y, sample_weight):
    """Break one hyperparameter (anywhere in the nest) or the data."""
    what = pick(rng, ["parameter", "parameter", "X", "y", "sample_weight"])
    if what == "parameter":
        names = sorted(set(estimator.get_params(deep=True)) - {"verbose"})
        name = pick(rng, names)
        value = pick(rng, JUNK + [object()])
        estimator.set_params(**{name: value})
        return f"{name}={value!r}", X, y, sample_weight
    if what == "X":
        X = X.copy()
        X.flat[int(rng.integers(X.size))] = pick(rng, [np.nan, np.inf])
        return "X with a non-finite value", X, y, sample_weight
    if what == "y":
        return "y one sample short", X, y[:-1], sample_weight
    sample_weight = np.ones(X.shape[0])
    sample_weight[0] = pick(rng, [-1.0, np.nan, np.inf])
    return f"sample_weight[0]={sample_weight[0]}", X, y, sample_weight


def trial(rng):
    """One random configuration; returns (description, error or None).

    One trial in five corrupts a hyperparameter or the data: it must then
    succeed as a valid run would or raise a ValueError or TypeError.
    """
    classifier = bool(rng.random() < 0.5)
    estimator = draw_estimator(rng, classifier)
    X, y, sample_weight = draw_data(rng, classifier)
    corrupted = None
    if rng.random() < 0.2:
        corrupted, X, y, sample_weight = corrupt(rng, estimator, X, y, sample_weight)
    description = f"{estimator!r} on X{X.shape} {X.dtype}, y{np.shape(y)}"
    if corrupted is not None:
        description += f", corrupted: {corrupted}"
    stage = "fit"
    try:
        estimator.fit(X, y, sample_weight=sample_weight)
        stage = "predict"
        check_outputs(estimator, X, y)
        if hasattr(estimator, "partial_fit"):
            stage = "partial_fit"
            estimator.partial_fit(X, y, sample_weight=sample_weight)
            stage = "predict after partial_fit"
            check_outputs(estimator, X, y)
    except Exception as error:
        if is_documented(error):
            return description, None
        if corrupted is not None and type(error).__name__ in _REFUSALS:
            return description, None
        summary = "".join(traceback.format_exception_only(type(error), error))
        where = traceback.extract_tb(error.__traceback__)[-1]
        return (
            f"{description}\n    during {stage}: {summary.strip()}\n"
            f"    at {where.filename}:{where.lineno}",
            error,
        )
    return description, None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--replay", type=int, help="run only this trial, with its traceback"
    )
    args = parser.parse_args(argv)
    if args.replay is not None:
        description, error = trial(np.random.default_rng([args.seed, args.replay]))
        print(description)
        if error is not None:
            raise error
        return 0
    unexpected = 0
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(args.trials):
            description, error = trial(np.random.default_rng([args.seed, i]))
            if error is not None:
                unexpected += 1
                print(f"[trial {i}] {description}")
    elapsed = time.perf_counter() - start
    print(
        f"{args.trials} trials in {elapsed:.0f} s (seed {args.seed}): "
        f"{unexpected} unexpected"
    )
    return 1 if unexpected else 0


if __name__ == "__main__":
    raise SystemExit(main())
