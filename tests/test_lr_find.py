"""skoptim.lr_find: the learning-rate range test."""

import sys

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.validation import check_is_fitted

from skoptim import LRFinderResult, MLPClassifier, MLPRegressor, lr_find
from skoptim._lr_find import _suggestions
from skoptim.optimizers import SGD, SOLVERS, Adam, GradientClipping, Lookahead
from skoptim.plotting import LRFinderDisplay
from skoptim.preprocessing import StandardScaler
from skoptim.schedules import CosineAnnealing


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def test_adam_on_digits_suggests_a_sensible_rate_and_leaves_the_input(digits):
    X, y = digits
    solver = Adam()
    estimator = MLPClassifier((32,), solver=solver, random_state=0)
    before = clone(estimator).get_params(deep=True)
    result = lr_find(estimator, X, y)
    for name, rate in result.suggestions.items():
        assert 1e-4 < rate < 1e-1, name
    assert result.suggestion == result.suggestions["valley"]
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)
    assert estimator.solver is solver and solver.learning_rate == 1e-3
    after = estimator.get_params(deep=True)
    assert {k: repr(v) for k, v in after.items()} == {
        k: repr(v) for k, v in before.items()
    }


def test_rates_grow_exponentially_from_start_to_end(digits):
    X, y = digits
    result = lr_find(
        MLPClassifier((8,), solver=SGD(), random_state=0),
        X,
        y,
        start=1e-5,
        end=1e-2,
        num_iter=40,
    )
    rates = result.learning_rates
    assert not result.diverged and rates.size == 40
    assert rates[0] == pytest.approx(1e-5) and rates[-1] == pytest.approx(1e-2)
    np.testing.assert_allclose(rates[1:] / rates[:-1], (1e3) ** (1 / 39))
    assert result.losses.shape == result.raw_losses.shape == (40,)


def test_stops_when_the_loss_diverges(digits):
    X, y = digits
    result = lr_find(
        MLPClassifier((16,), solver=SGD(), random_state=0),
        X,
        y,
        start=1e-3,
        end=1e4,
        num_iter=200,
        diverge=3.0,
    )
    assert result.diverged and result.learning_rates.size < 200
    last, before = result.losses[-1], result.losses[:-1]
    assert not np.isfinite(last) or last > 3.0 * before.min()
    assert np.all(before <= 3.0 * np.minimum.accumulate(before))


def test_smoothing_zero_records_the_raw_losses(digits):
    X, y = digits
    result = lr_find(MLPClassifier((8,), random_state=0), X, y, smoothing=0.0)
    np.testing.assert_array_equal(result.losses, result.raw_losses)


@pytest.mark.parametrize("name", sorted(set(SOLVERS) - {"lbfgs"}))
def test_every_solver_with_a_learning_rate(name, digits):
    X, y = digits
    result = lr_find(
        MLPClassifier((8,), solver=name, random_state=0), X, y, num_iter=30
    )
    assert isinstance(result, LRFinderResult)
    assert result.learning_rates[0] == pytest.approx(1e-7)
    assert all(np.isfinite(rate) for rate in result.suggestions.values())


@pytest.mark.parametrize(
    "solver",
    [
        GradientClipping(SGD(0.1), max_norm=1.0),
        Lookahead("adam"),
        SGD(CosineAnnealing(0.1, T_max=10)),
    ],
)
def test_wrappers_and_schedules_get_the_ramp(solver, digits):
    X, y = digits
    estimator = MLPRegressor((8,), solver=solver, random_state=0)
    result = lr_find(estimator, X, y.astype(float), start=1e-4, end=1.0, num_iter=20)
    assert result.learning_rates[0] == pytest.approx(1e-4)
    assert result.learning_rates[5] > result.learning_rates[0]
    assert repr(estimator.solver) == repr(solver)


def test_lbfgs_is_refused_clearly(digits):
    with pytest.raises(ValueError, match="line search"):
        lr_find(MLPClassifier(solver="lbfgs"), *digits)


def test_pipeline_is_fitted_on_copies(digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), MLPClassifier((16,), random_state=0))
    result = lr_find(pipe, X * 16, y)
    assert 1e-4 < result.suggestion < 1.0
    with pytest.raises(NotFittedError):
        check_is_fitted(pipe[0])
    with pytest.raises(TypeError, match="ends in LogisticRegression"):
        lr_find(make_pipeline(StandardScaler(), LogisticRegression()), X, y)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"start": 1.0, "end": 0.1}, "start must be smaller than end"),
        ({"num_iter": 1}, "num_iter"),
        ({"smoothing": 1.0}, "smoothing"),
        ({"diverge": 1.0}, "diverge"),
    ],
)
def test_bad_parameters_are_refused(kwargs, match, digits):
    with pytest.raises(ValueError, match=match):
        lr_find(MLPClassifier(), *digits, **kwargs)


def test_not_an_mlp_is_refused(digits):
    with pytest.raises(ValueError, match="estimator"):
        lr_find(LogisticRegression(), *digits)


def test_suggestions_on_a_known_curve():
    rates = np.logspace(-6, 1, 71)
    x = np.log10(rates)
    # flat at 1 until 1e-3, falls linearly to 0.2 at 1e-1, then climbs
    losses = np.where(x < -3, 1.0, np.where(x < -1, 1.0 - 0.4 * (x + 3), 0.2))
    losses = np.where(x > -1, 0.2 + 2 * (x + 1), losses)
    found = _suggestions(rates, losses)
    assert found["minimum"] == pytest.approx(1e-2)
    assert 1e-3 <= found["steepest"] <= 1e-1
    assert 1e-3 < found["valley"] < 1e-1
    assert found["valley"] == pytest.approx(np.sqrt(10**-2.8 * 1e-1), rel=0.3)


def test_plot_returns_the_plotting_display(digits):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    result = lr_find(MLPClassifier((8,), random_state=0), *digits, num_iter=30)
    display = result.plot()
    assert isinstance(display, LRFinderDisplay)
    np.testing.assert_array_equal(display.line_.get_xdata(), result.learning_rates)
    np.testing.assert_array_equal(display.line_.get_ydata(), result.losses)
    assert display.suggestions == result.suggestions
    plt.close(display.figure_)


def test_plot_without_matplotlib_says_how_to_install(monkeypatch, digits):
    result = lr_find(MLPClassifier((8,), random_state=0), *digits, num_iter=10)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'pip install "skoptim\[plot\]"'):
        result.plot()
