"""Learning-rate schedules: closed forms, statelessness, and use in the estimators.

Their rates are also checked step for step against torch's schedulers in
``test_optimizers.py`` (fixture cases with a ``schedule``)."""

import inspect
import math
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.model_selection import GridSearchCV

from skoptim import MLPRegressor, schedules
from skoptim.optimizers import SGD, AdaBound, Adam, Momentum
from skoptim.schedules import (
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    InverseScaling,
    LinearWarmup,
    OneCycle,
    PolynomialDecay,
    ReduceOnPlateau,
    Schedule,
    StepDecay,
    WarmRestarts,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ALL_SCHEDULES = [
    Constant(0.1),
    StepDecay(0.1, step_size=3, gamma=0.5),
    ExponentialDecay(0.1, gamma=0.9),
    InverseScaling(0.1, power_t=0.5),
    PolynomialDecay(0.1, total_steps=10, power=2.0),
    CosineAnnealing(0.1, T_max=10, eta_min=0.01),
    WarmRestarts(0.1, T_0=4, T_mult=2),
    LinearWarmup(CosineAnnealing(0.1, T_max=10), warmup_steps=5),
    OneCycle(0.1, total_steps=20),
    ReduceOnPlateau(0.1),
]


@pytest.fixture(scope="module")
def data():
    X, y = make_regression(n_samples=90, n_features=4, noise=1.0, random_state=0)
    return X / X.std(axis=0), y / y.std()


def test_every_schedule_is_listed():
    found = {
        name
        for name, obj in inspect.getmembers(schedules, inspect.isclass)
        if issubclass(obj, Schedule) and obj is not Schedule
    }
    assert found == {type(s).__name__ for s in ALL_SCHEDULES}


@pytest.mark.parametrize("schedule", ALL_SCHEDULES, ids=lambda s: type(s).__name__)
def test_schedules_are_stateless_and_clone(schedule):
    before = pickle.dumps(schedule)
    memory = schedule.init_memory()
    rates = [schedule.rate(t, t, memory) for t in range(30)]
    assert all(np.isfinite(rates)) and all(r >= 0 for r in rates)
    assert pickle.dumps(schedule) == before
    assert pickle.dumps(clone(schedule)) == before
    assert schedule.rate(0, 0, schedule.init_memory()) == pytest.approx(
        schedule.value(0)
    )


def test_closed_forms():
    assert StepDecay(0.1, step_size=3, gamma=0.5).value(7) == pytest.approx(0.025)
    assert ExponentialDecay(0.1, gamma=0.9).value(3) == pytest.approx(0.1 * 0.9**3)
    # scikit-learn's invscaling counts t from 1: eta0 / t**power_t
    assert InverseScaling(0.1, power_t=0.25).value(15) == pytest.approx(0.05)
    assert PolynomialDecay(0.1, total_steps=10, power=2.0).value(5) == pytest.approx(
        0.025
    )
    assert PolynomialDecay(0.1, total_steps=10).value(50) == 0.0
    cosine = CosineAnnealing(0.1, T_max=10, eta_min=0.01)
    assert cosine.value(0) == pytest.approx(0.1)
    assert cosine.value(10) == pytest.approx(0.01)
    assert cosine.value(20) == pytest.approx(0.1)  # torch's cosine continues
    restarts = WarmRestarts(0.1, T_0=4, T_mult=2)
    assert [restarts.value(t) == pytest.approx(0.1) for t in (0, 4, 12, 28)] == [
        True
    ] * 4
    assert restarts.value(8) == pytest.approx(0.05)  # middle of the 8-long period
    warmup = LinearWarmup(Constant(0.1), warmup_steps=4, start_factor=0.2)
    assert [warmup.value(t) for t in range(6)] == pytest.approx(
        [0.02, 0.04, 0.06, 0.08, 0.1, 0.1]
    )
    cycle = OneCycle(0.1, total_steps=100, pct_start=0.3)
    assert cycle.value(0) == pytest.approx(0.004)
    assert max(cycle.value(t) for t in range(100)) == pytest.approx(0.1)
    assert cycle.value(99) == pytest.approx(0.004 / 1e4)
    assert cycle.value(500) == cycle.value(99)
    assert OneCycle(0.1, total_steps=100, anneal="linear").value(14.5) == pytest.approx(
        0.052
    )


def test_reduce_on_plateau_memory():
    """patience=1, factor=0.2, absolute threshold: scikit-learn's documented
    'adaptive' rule (divide by 5 after two epochs without progress)."""
    schedule = ReduceOnPlateau(
        1.0, factor=0.2, patience=1, threshold=1e-4, threshold_mode="abs"
    )
    memory = schedule.init_memory()
    for loss in [1.0, 0.5, 0.5, 0.49999, 0.5, 0.1]:
        schedule.observe(memory, loss=loss)
    # two epochs in a row without an improvement of 1e-4 divide the rate by 5
    assert memory["learning_rate"] == pytest.approx(0.2)
    for loss in [0.1] * 4:
        schedule.observe(memory, loss=loss)
    assert memory["learning_rate"] == pytest.approx(0.2 * 0.2 * 0.2)
    floor = ReduceOnPlateau(1.0, factor=0.1, patience=0, min_learning_rate=0.05)
    memory = floor.init_memory()
    for _ in range(5):
        floor.observe(memory, loss=1.0)
    assert memory["learning_rate"] == 0.05


def test_reduce_on_plateau_watches_validation_score_when_given():
    schedule = ReduceOnPlateau(1.0, factor=0.5, patience=0)
    memory = schedule.init_memory()
    for loss, score in [(1.0, 0.5), (0.5, 0.5), (0.2, 0.9)]:
        schedule.observe(memory, loss=loss, validation_score=score)
    # the score stalled once (epoch 2) although the loss kept falling
    assert memory["learning_rate"] == 0.5


def test_step_schedule_in_the_estimator_counts_updates(data):
    X, y = data
    schedule = ExponentialDecay(0.05, gamma=0.9)
    reg = MLPRegressor(
        (4,), solver=Momentum(schedule), batch_size=30, max_iter=4, random_state=0
    ).fit(X, y)
    # 3 updates per epoch; the curve holds the rate of each epoch's last update
    expected = [0.05 * 0.9 ** (3 * e + 2) for e in range(4)]
    np.testing.assert_allclose(reg.learning_rate_curve_, expected)


def test_epoch_schedule_in_the_estimator(data):
    X, y = data
    schedule = StepDecay(0.05, step_size=2, gamma=0.5, unit="epoch")
    reg = MLPRegressor(
        (4,), solver=SGD(schedule), batch_size=10, max_iter=6, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(
        reg.learning_rate_curve_, [0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125]
    )
    assert reg.solver_.learning_rate is not schedule


def test_reduce_on_plateau_in_the_estimator(data):
    X, y = data
    schedule = ReduceOnPlateau(0.5, factor=0.5, patience=0, threshold=0.5)
    before = pickle.dumps(schedule)
    reg = MLPRegressor(
        (4,),
        solver=SGD(schedule),
        max_iter=5,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X, y)
    rates = reg.learning_rate_curve_
    assert rates[0] == 0.5 and rates[-1] < rates[0]
    assert all(a >= b for a, b in zip(rates, rates[1:]))
    assert pickle.dumps(schedule) == before


def test_adabound_bounds_follow_the_schedule(data):
    """With a schedule, final_lr is scaled by lr_t / lr_0 (the reference)."""
    X, y = data
    solver = AdaBound(StepDecay(0.01, step_size=1, gamma=0.5), final_lr=0.1)
    params = np.zeros(3)
    state = solver.init_state(params)
    for _ in range(3):
        solver.step(params, np.array([1.0, -2.0, 0.5]), state)
    sizes = state["denom"]  # clipped step sizes of the last update
    final_lr = 0.1 * 0.0025 / 0.01
    upper = final_lr * (1 + 1 / (1e-3 * 3))
    assert (sizes <= upper + 1e-15).all()
    assert solver.initial_learning_rate == 0.01


def test_schedule_parameters_are_validated_with_their_path(data):
    X, y = data
    bad = MLPRegressor(solver=Adam(ExponentialDecay(0.1, gamma=-1.0)), max_iter=1)
    with pytest.raises(ValueError, match="'solver__learning_rate__gamma' parameter"):
        bad.fit(X, y)
    warm = LinearWarmup(CosineAnnealing(0.1, T_max=0), warmup_steps=3)
    with pytest.raises(
        ValueError, match="'solver__learning_rate__schedule__T_max' parameter"
    ):
        MLPRegressor(solver=SGD(warm), max_iter=1).fit(X, y)


def test_grid_search_over_schedule_parameters(data):
    X, y = data
    grid = GridSearchCV(
        MLPRegressor((4,), solver=SGD(ExponentialDecay(0.05)), max_iter=5),
        {"solver__learning_rate__gamma": [0.9, 0.99]},
        cv=2,
    ).fit(X, y)
    assert grid.best_params_["solver__learning_rate__gamma"] in (0.9, 0.99)
    assert math.isfinite(grid.best_score_)


def test_warmup_keeps_a_reacting_schedule_reacting(data):
    X, y = data
    plateau = ReduceOnPlateau(0.5, factor=0.5, patience=0, threshold=0.5)
    reg = MLPRegressor(
        (4,),
        solver=SGD(LinearWarmup(plateau, warmup_steps=1, start_factor=0.1)),
        max_iter=6,
        n_iter_no_change=100,
        random_state=0,
    ).fit(X, y)
    rates = reg.learning_rate_curve_
    assert rates[0] < rates[1] == 0.5 and rates[-1] < 0.5


def test_reduce_on_plateau_restarts_when_the_monitored_quantity_changes():
    schedule = ReduceOnPlateau(1.0, factor=0.5, patience=0)
    memory = schedule.init_memory()
    for score in (0.7, 0.75):
        schedule.observe(memory, loss=0.6, validation_score=score)
    # then training losses only (partial_fit): compared among themselves
    for loss in (0.6, 0.5, 0.4):
        schedule.observe(memory, loss=loss)
    assert memory["learning_rate"] == 1.0 and memory["best"] == 0.4


def test_validation_score_schedule_needs_early_stopping(data):
    X, y = data
    watching = ReduceOnPlateau(0.1, monitor="validation_score")
    with pytest.raises(ValueError, match="needs early_stopping=True"):
        MLPRegressor((4,), solver=SGD(watching), max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="needs early_stopping=True"):
        MLPRegressor((4,), solver=SGD(LinearWarmup(watching, 2))).partial_fit(X, y)
    reg = MLPRegressor((4,), solver=SGD(watching), early_stopping=True, max_iter=3)
    assert reg.fit(X, y).n_iter_ == 3
