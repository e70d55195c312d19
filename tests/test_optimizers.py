"""Solvers: step for step against torch.optim, hand-computed first steps,
and properties every solver must have (found by introspection)."""

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from skoptim import MLPRegressor, schedules
from skoptim.optimizers import (
    SGD,
    SOLVERS,
    Adam,
    GradientClipping,
    Lookahead,
    Momentum,
    Nesterov,
    Solver,
)

FIXTURE = Path(__file__).parent / "fixtures" / "optimizer_reference.json"
REFERENCE = json.loads(FIXTURE.read_text())
CASES = REFERENCE["cases"]

# The first fixture cases used short schedule names.
_SCHEDULE_ALIASES = {"step": "StepDecay", "exponential": "ExponentialDecay"}


def _build_schedule(name, spec, initial_rate):
    if "schedule" in spec:
        inner = dict(spec["schedule"])
        inner_name = inner.pop("name")
        spec["schedule"] = _build_schedule(inner_name, inner, initial_rate)
    elif "learning_rate" not in spec:
        spec["learning_rate"] = initial_rate
    return getattr(schedules, name)(**spec)


def _make_solver(case):
    params = {k: v for k, v in case["params"].items() if k != "nesterov"}
    solver = SOLVERS[case["solver"]](**params)
    if case["schedule"] is not None:
        spec = dict(case["schedule"])
        name = spec.pop("name")
        name = _SCHEDULE_ALIASES.get(name, name)
        schedule = _build_schedule(name, spec, params["learning_rate"])
        solver.set_params(learning_rate=schedule)
    return solver


def _replay(solver, case):
    grads = np.array(case["grads"])
    expected = np.array(case["params_trajectory"])
    params = expected[0].copy()
    state = solver.init_state(params)
    trajectory = [params.copy()]
    for grad in grads:
        solver.step(params, grad, state)
        trajectory.append(params.copy())
    return np.array(trajectory), expected


def test_fixture_covers_every_solver():
    names = {case["solver"] for case in CASES}
    assert names == set(SOLVERS) - {"lbfgs"}
    assert {case["name"] for case in CASES if "weight_decay" in case["params"]}
    assert sum(case["schedule"] is not None for case in CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_matches_reference_trajectory(case):
    """120 steps equal the reference's iterates to 1e-10 relative (float64):
    torch.optim, adabelief-pytorch 0.2.1 and adabound 0.0.5, with weight
    decay and with learning-rate schedules."""
    solver = _make_solver(case)
    trajectory, expected = _replay(solver, case)
    assert len(trajectory) == len(expected) > 100
    np.testing.assert_allclose(trajectory, expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["schedule"]], ids=lambda c: c["name"]
)
def test_schedules_match_torch_learning_rates(case):
    schedule = _make_solver(case).learning_rate
    rates = [schedule.value(t) for t in range(len(case["learning_rates"]))]
    np.testing.assert_allclose(rates, case["learning_rates"], rtol=1e-12, atol=1e-15)


def test_reference_replay_detects_a_wrong_rule():
    """The comparison is sharp: Nesterov is not Momentum on the same data."""
    case = next(c for c in CASES if c["solver"] == "nesterov")
    wrong = Momentum(case["params"]["learning_rate"], case["params"]["momentum"])
    trajectory, expected = _replay(wrong, case)
    assert not np.allclose(trajectory, expected, rtol=1e-6)


def test_sgd_first_step_by_hand():
    params = np.array([1.0, -2.0])
    grad = np.array([0.5, 4.0])
    solver = SGD(learning_rate=0.1)
    solver.step(params, grad, solver.init_state(params))
    np.testing.assert_allclose(params, [1.0 - 0.05, -2.0 - 0.4])


def test_momentum_and_nesterov_first_steps_by_hand():
    g1, g2 = np.array([1.0, -1.0]), np.array([0.5, 2.0])
    lr, mu = 0.1, 0.9
    # Momentum: b1 = g1, b2 = mu*b1 + g2.
    params = np.zeros(2)
    solver = Momentum(lr, mu)
    state = solver.init_state(params)
    solver.step(params, g1, state)
    np.testing.assert_allclose(params, -lr * g1)
    solver.step(params, g2, state)
    np.testing.assert_allclose(params, -lr * g1 - lr * (mu * g1 + g2))
    # Nesterov: theta -= lr * (g + mu * b).
    params = np.zeros(2)
    solver = Nesterov(lr, mu)
    state = solver.init_state(params)
    solver.step(params, g1, state)
    np.testing.assert_allclose(params, -lr * (g1 + mu * g1))
    b2 = mu * g1 + g2
    solver.step(params, g2, state)
    np.testing.assert_allclose(params, -lr * (g1 + mu * g1) - lr * (g2 + mu * b2))


def test_adam_first_steps_by_hand():
    """Step 1 is lr * g / (|g| + eps); step 2 follows the bias-corrected rule
    with epsilon added after the correction (torch's form)."""
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-3
    g1, g2 = np.array([0.2, -3.0]), np.array([0.1, 1.0])
    params = np.zeros(2)
    solver = Adam(lr, b1, b2, eps)
    state = solver.init_state(params)
    solver.step(params, g1, state)
    np.testing.assert_allclose(params, -lr * g1 / (np.abs(g1) + eps))
    first = params.copy()
    solver.step(params, g2, state)
    m = b1 * (1 - b1) * g1 + (1 - b1) * g2
    v = b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2
    m_hat, v_hat = m / (1 - b1**2), v / (1 - b2**2)
    np.testing.assert_allclose(params, first - lr * m_hat / (np.sqrt(v_hat) + eps))
    # scikit-learn's form (epsilon inside, before correction) differs here.
    sklearn_form = first - lr * np.sqrt(1 - b2**2) / (1 - b1**2) * m / (
        np.sqrt(v) + eps
    )
    assert not np.allclose(params, sklearn_form, rtol=1e-6)


def test_adam_step_sizes_are_the_preconditioner():
    params = np.zeros(3)
    grad = np.array([1.0, -0.1, 0.01])
    solver = Adam(learning_rate=0.1, epsilon=0.0)
    state = solver.init_state(params)
    solver.step(params, grad, state)
    # The step is step_sizes * m_hat, and m_hat = g at the first step.
    np.testing.assert_allclose(solver.step_sizes(state) * grad, -params)


def _solver_instances():
    """Every step-based solver, found by introspection, and the wrappers."""
    solvers = [cls() for cls in SOLVERS.values() if not cls.full_batch]
    return solvers + [GradientClipping(Adam()), Lookahead(Momentum())]


@pytest.mark.parametrize("solver", _solver_instances(), ids=lambda s: type(s).__name__)
def test_every_solver_keeps_float32(solver):
    x = np.ones(4, dtype=np.float32)
    state = solver.init_state(x)
    solver.step(x, np.full(4, 0.5, dtype=np.float32), state)
    assert x.dtype == np.float32
    for value in state.values():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32


@pytest.mark.parametrize("solver", _solver_instances(), ids=lambda s: type(s).__name__)
def test_every_solver_is_a_hyperparameter_holder(solver):
    """Solvers clone, pickle and are not changed by stepping."""
    assert isinstance(solver, Solver) or hasattr(solver, "optimizer")
    before = pickle.dumps(solver)
    x = np.ones(3)
    state = solver.init_state(x)
    solver.step(x, np.ones(3), state)
    assert pickle.dumps(solver) == before
    assert pickle.dumps(clone(solver)) == before
    assert pickle.dumps(pickle.loads(pickle.dumps(state))) == pickle.dumps(state)
    assert state["t"] == 1


@pytest.mark.parametrize(
    "solver, path, allowed",
    [
        (Adam(beta_1=1.0), "solver__beta_1", r"range \[0.0, 1.0\)"),
        (Adam(beta_2=-0.1), "solver__beta_2", r"range \[0.0, 1.0\)"),
        (Adam(epsilon=-1.0), "solver__epsilon", r"range \[0.0, inf\)"),
        (SGD(learning_rate=-0.1), "solver__learning_rate", r"range \(0.0, inf\)"),
        (SGD(learning_rate="fast"), "solver__learning_rate", "float"),
        (Momentum(momentum=1.5), "solver__momentum", r"range \[0.0, 1.0\)"),
        (Nesterov(momentum=-0.5), "solver__momentum", r"range \[0.0, 1.0\)"),
    ],
)
def test_invalid_solver_hyperparameters_name_the_parameter(solver, path, allowed):
    X, y = np.random.RandomState(0).normal(size=(20, 3)), np.arange(20.0)
    with pytest.raises(ValueError, match=rf"'{path}' parameter .* {allowed}"):
        MLPRegressor((4,), solver=solver, max_iter=2).fit(X, y)
