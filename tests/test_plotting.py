"""Tests of skoptim.plotting: the artists hold the data they claim to show."""

import sys
import warnings

import matplotlib
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline

from skoptim import MLPClassifier, MLPRegressor, lr_find, minimize
from skoptim.plotting import (
    LossCurveDisplay,
    LRFinderDisplay,
    OptimizerPathDisplay,
    WeightDisplay,
)
from skoptim.preprocessing import StandardScaler
from skoptim.test_functions import MINIMA, STARTS, beale, rosenbrock, scaled_quadratic

matplotlib.use("Agg")  # no display in CI
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16.0, y[:300]


def fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.fixture(scope="module")
def fitted(digits):
    X, y = digits
    common = dict(hidden_layer_sizes=(16,), max_iter=8, tol=0, random_state=0)
    return {
        "sgd": fit_quietly(MLPClassifier(solver="sgd", **common), X, y),
        "adam early": fit_quietly(
            MLPClassifier(solver="adam", early_stopping=True, **common), X, y
        ),
    }


# ----------------------------------------------------------------------
# LossCurveDisplay
def test_loss_curve_lines_hold_the_loss_curves(fitted):
    display = LossCurveDisplay.from_estimator(fitted)
    assert len(display.line_) == 2
    assert len(display.ax_.get_lines()) == 2
    for line, (name, est) in zip(display.line_, fitted.items()):
        assert line.get_label() == name
        np.testing.assert_array_equal(line.get_ydata(), est.loss_curve_)
        np.testing.assert_array_equal(
            line.get_xdata(), np.arange(1, len(est.loss_curve_) + 1)
        )
    assert display.figure_ is display.ax_.figure


def test_validation_scores_drawn_only_where_recorded(fitted):
    display = LossCurveDisplay.from_estimator(fitted)
    no_validation, validation = display.validation_line_
    assert no_validation is None
    np.testing.assert_array_equal(
        validation.get_ydata(), fitted["adam early"].validation_scores_
    )
    assert validation.axes is display.validation_ax_
    assert validation.get_color() == display.line_[1].get_color()
    legend = display.validation_ax_.get_legend()  # above the twin axes
    texts = [text.get_text() for text in legend.get_texts()]
    assert texts == ["sgd", "adam early", "validation score"]


def test_validation_can_be_switched_off(fitted):
    display = LossCurveDisplay.from_estimator(fitted, validation=False)
    assert display.validation_ax_ is None
    assert display.validation_line_ is None


def test_single_estimator_gives_single_line_and_class_name(fitted):
    display = LossCurveDisplay.from_estimator(fitted["sgd"])
    assert isinstance(display.line_, matplotlib.lines.Line2D)
    assert display.line_.get_label() == "MLPClassifier"
    assert display.validation_line_ is None


def test_log_scale_and_given_axes(fitted):
    _, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(
        list(fitted.values()), log_scale=True, ax=ax
    )
    assert display.ax_ is ax
    assert ax.get_yscale() == "log"
    assert LossCurveDisplay.from_estimator(fitted["sgd"]).ax_.get_yscale() == "linear"


def test_plot_again_on_other_axes_reuses_the_data(fitted):
    display = LossCurveDisplay.from_estimator(fitted)
    _, ax = plt.subplots()
    display.plot(ax=ax)
    assert display.ax_ is ax
    np.testing.assert_array_equal(
        display.line_[0].get_ydata(), fitted["sgd"].loss_curve_
    )


def test_pipeline_and_scikit_learn_mlp_are_accepted(digits):
    X, y = digits
    pipe = fit_quietly(
        make_pipeline(StandardScaler(), MLPRegressor((4,), max_iter=3)), X, y
    )
    sk = fit_quietly(SklearnMLPClassifier((4,), max_iter=3), X, y)
    display = LossCurveDisplay.from_estimator({"pipe": pipe, "sklearn": sk})
    np.testing.assert_array_equal(display.line_[0].get_ydata(), pipe[-1].loss_curve_)
    np.testing.assert_array_equal(display.line_[1].get_ydata(), sk.loss_curve_)


def test_validation_of_a_warm_start_aligns_with_the_last_epochs():
    display = LossCurveDisplay([[3.0, 2.0, 1.0, 0.5]], [[0.7, 0.8]], ["warm"]).plot()
    np.testing.assert_array_equal(display.validation_line_.get_xdata(), [3, 4])


def test_loss_curve_rejects_unfitted_and_curveless_estimators(digits):
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(MLPClassifier())
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator({"a": MLPClassifier()})
    logistic = fit_quietly(LogisticRegression(max_iter=50), *digits)
    with pytest.raises(TypeError, match="loss_curve_"):
        LossCurveDisplay.from_estimator(logistic)
    with pytest.raises(ValueError, match="estimator is empty"):
        LossCurveDisplay.from_estimator([])


def test_loss_curve_display_rejects_inconsistent_data():
    with pytest.raises(ValueError, match="one entry per estimator"):
        LossCurveDisplay([[1.0, 0.5]], names=["a", "b"]).plot()
    with pytest.raises(ValueError, match="1-D"):
        LossCurveDisplay([[[1.0, 0.5]]]).plot()
    with pytest.raises(ValueError, match="more epochs"):
        LossCurveDisplay([[1.0]], [[0.1, 0.2]]).plot()


# ----------------------------------------------------------------------
# OptimizerPathDisplay
@pytest.fixture(scope="module")
def rosenbrock_runs():
    start = STARTS["rosenbrock"]
    return {
        "sgd": minimize(rosenbrock, start, solver="sgd", max_iter=300),
        "adam": minimize(rosenbrock, start, solver="adam", max_iter=1200),
        "lbfgs": minimize(rosenbrock, start, solver="lbfgs"),
    }


def test_paths_are_drawn_with_their_coordinates(rosenbrock_runs):
    display = OptimizerPathDisplay.from_results(
        rosenbrock, rosenbrock_runs, max_points=10_000
    )
    assert [line.get_label() for line in display.line_] == list(rosenbrock_runs)
    for line, result in zip(display.line_, rosenbrock_runs.values()):
        np.testing.assert_array_equal(line.get_xydata(), result.path)


def test_long_paths_are_thinned_keeping_both_ends(rosenbrock_runs):
    path = rosenbrock_runs["adam"].path
    assert len(path) > 50
    display = OptimizerPathDisplay.from_results(
        rosenbrock, {"adam": rosenbrock_runs["adam"]}, max_points=50
    )
    drawn = display.line_.get_xydata()
    assert len(drawn) <= 50
    np.testing.assert_array_equal(drawn[0], path[0])
    np.testing.assert_array_equal(drawn[-1], path[-1])


def test_contours_of_the_function_and_known_minimum(rosenbrock_runs):
    display = OptimizerPathDisplay.from_results(
        rosenbrock, rosenbrock_runs, resolution=40, xlim=(-2, 2), ylim=(-1, 3)
    )
    assert isinstance(display.contour_, matplotlib.contour.QuadContourSet)
    assert len(display.contour_.levels) == 30
    assert display.zz.shape == (40, 40)
    i, j = 7, 31
    point = np.array([display.xx[i, j], display.yy[i, j]])
    assert display.zz[i, j] == pytest.approx(rosenbrock(point)[0])
    np.testing.assert_array_equal(display.minima_.get_xydata(), MINIMA["rosenbrock"])
    assert display.ax_.get_xlim() == (-2.0, 2.0)
    assert display.ax_.get_ylim() == (-1.0, 3.0)


def test_default_limits_cover_the_paths(rosenbrock_runs):
    display = OptimizerPathDisplay.from_results(rosenbrock, rosenbrock_runs)
    points = np.vstack([r.path for r in rosenbrock_runs.values()])
    (x_low, x_high), (y_low, y_high) = display.ax_.get_xlim(), display.ax_.get_ylim()
    assert x_low < points[:, 0].min() and points[:, 0].max() < x_high
    assert y_low < points[:, 1].min() and points[:, 1].max() < y_high


def test_a_function_returning_only_a_value_and_given_minima():
    result = minimize(beale, STARTS["beale"], solver="adam", max_iter=50)
    display = OptimizerPathDisplay.from_results(
        lambda x: beale(x)[0], [result], minima=[[3.0, 0.5]], resolution=20
    )
    assert display.line_.get_label() == "run 0"
    np.testing.assert_array_equal(display.minima_.get_xydata(), [[3.0, 0.5]])


def test_unknown_function_has_no_minima_marked():
    result = minimize(beale, STARTS["beale"], solver="adam", max_iter=20)
    display = OptimizerPathDisplay.from_results(
        lambda x: beale(x), result, resolution=10
    )
    assert display.minima_ is None


def test_path_display_rejects_non_2d_input():
    three = minimize(rosenbrock, np.array([-1.2, 1.0, 1.0]), max_iter=5)
    with pytest.raises(ValueError, match="two variables"):
        OptimizerPathDisplay.from_results(rosenbrock, three)
    two = minimize(rosenbrock, STARTS["rosenbrock"], max_iter=5)

    def three_variables(x):
        return scaled_quadratic(x, scales=(1.0, 2.0, 3.0))

    with pytest.raises(ValueError, match="function of two variables"):
        OptimizerPathDisplay.from_results(three_variables, two, resolution=5)
    with pytest.raises(TypeError, match="callable"):
        OptimizerPathDisplay.from_results("rosenbrock", two)
    with pytest.raises(TypeError, match="path"):
        OptimizerPathDisplay.from_results(rosenbrock, [object()])
    with pytest.raises(ValueError, match="resolution"):
        OptimizerPathDisplay.from_results(rosenbrock, two, resolution=1)
    with pytest.raises(ValueError, match="xlim"):
        OptimizerPathDisplay.from_results(rosenbrock, two, xlim=(1, -1))
    with pytest.raises(ValueError, match="not finite anywhere"):
        OptimizerPathDisplay.from_results(
            lambda x: np.inf, two, resolution=5, minima=None
        )


# ----------------------------------------------------------------------
# WeightDisplay
@pytest.fixture(scope="module")
def l1_and_l2(digits):
    X, y = digits
    common = dict(hidden_layer_sizes=(9,), max_iter=15, alpha=3e-3, random_state=0)
    return {
        penalty: fit_quietly(MLPClassifier(penalty=penalty, **common), X, y)
        for penalty in ("l1", "l2")
    }


def test_histograms_count_every_weight_of_each_layer(l1_and_l2):
    clf = l1_and_l2["l2"]
    display = WeightDisplay.from_estimator(clf, bins=20)
    assert len(display.patches_) == len(clf.coefs_) == 2
    for counts, weights in zip(display.counts_, clf.coefs_):
        assert counts.sum() == weights.size
        expected, _ = np.histogram(weights, bins=display.bin_edges_)
        np.testing.assert_array_equal(counts, expected)
    assert len(display.bin_edges_) == 21


def test_l1_zeros_show_and_l2_has_none(l1_and_l2):
    l1 = WeightDisplay.from_estimator(l1_and_l2["l1"], layers=[0], log_scale=True)
    l2 = WeightDisplay.from_estimator(l1_and_l2["l2"], layers=[0])
    w1 = l1_and_l2["l1"].coefs_[0]
    assert l1.zero_fractions_ == [np.mean(w1 == 0)]
    assert l1.zero_fractions_[0] > 0.1
    assert l2.zero_fractions_ == [0.0]
    assert l1.ax_.get_yscale() == "log"
    assert "exactly 0" in l1.patches_[0][0].get_label()


def test_first_layer_images_tile_each_unit(l1_and_l2):
    clf = l1_and_l2["l1"]
    display = WeightDisplay.from_estimator(
        clf, kind="image", name="L1", image_shape=(8, 8), n_cols=4
    )
    mosaic = display.image_.get_array()
    assert mosaic.shape == (3 * 9 - 1, 4 * 9 - 1)  # 9 units in 3 rows of 4
    np.testing.assert_array_equal(mosaic[:8, :8], clf.coefs_[0][:, 0].reshape(8, 8))
    np.testing.assert_array_equal(mosaic[9:17, 9:17], clf.coefs_[0][:, 5].reshape(8, 8))
    assert np.ma.getmaskarray(mosaic)[8, 0] or np.isnan(mosaic[8, 0])
    low, high = display.image_.get_clim()
    assert low == -high == -np.abs(clf.coefs_[0]).max()
    assert display.ax_.get_title() == "L1"


def test_image_shape_is_inferred_or_checked(l1_and_l2):
    display = WeightDisplay.from_estimator(l1_and_l2["l2"], kind="image", n_units=2)
    assert display.image_.get_array().shape == (8, 17)
    with pytest.raises(ValueError, match="image_shape"):
        WeightDisplay.from_estimator(l1_and_l2["l2"], kind="image", image_shape=(4, 4))
    square_less = WeightDisplay([np.ones((10, 3))])
    with pytest.raises(ValueError, match="not a square image"):
        square_less.plot(kind="image")


def test_weight_display_rejects_bad_input(l1_and_l2, digits):
    with pytest.raises(NotFittedError):
        WeightDisplay.from_estimator(MLPClassifier())
    logistic = fit_quietly(LogisticRegression(max_iter=50), *digits)
    with pytest.raises(TypeError, match="coefs_"):
        WeightDisplay.from_estimator(logistic)
    clf = l1_and_l2["l2"]
    with pytest.raises(ValueError, match="kind"):
        WeightDisplay.from_estimator(clf, kind="violin")
    with pytest.raises(ValueError, match="layers"):
        WeightDisplay.from_estimator(clf, layers=[2])
    with pytest.raises(ValueError, match="bins"):
        WeightDisplay.from_estimator(clf, bins=0)
    with pytest.raises(ValueError, match="n_units"):
        WeightDisplay.from_estimator(clf, kind="image", n_units=0)
    with pytest.raises(ValueError, match="2-D weight matrices"):
        WeightDisplay([np.ones(3)]).plot()


# ----------------------------------------------------------------------
# LRFinderDisplay
@pytest.fixture(scope="module")
def lr_result(digits):
    return lr_find(MLPClassifier((8,), random_state=0), *digits, num_iter=40)


def test_lr_finder_line_holds_loss_against_learning_rate(lr_result):
    display = LRFinderDisplay.from_result(lr_result)
    np.testing.assert_array_equal(display.line_.get_xdata(), lr_result.learning_rates)
    np.testing.assert_array_equal(display.line_.get_ydata(), lr_result.losses)
    assert display.ax_.get_xscale() == "log"
    assert display.ax_.get_xlabel() == "learning rate"
    assert display.figure_ is display.ax_.figure


def test_lr_finder_marks_each_suggestion_on_the_curve(lr_result):
    display = LRFinderDisplay.from_result(lr_result)
    assert set(display.suggestion_lines_) == set(lr_result.suggestions)
    log_rates = np.log(lr_result.learning_rates)
    for name, rate in lr_result.suggestions.items():
        marker = display.suggestion_lines_[name]
        assert marker.get_xdata()[0] == rate
        on_curve = np.interp(np.log(rate), log_rates, lr_result.losses)
        assert marker.get_ydata()[0] == pytest.approx(on_curve)
        assert marker.get_label() == f"{name}: {rate:.2g}"
        assert marker.get_linestyle() == "None"
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert legend[0] == "loss" and len(legend) == 4


def test_lr_finder_result_plot_draws_on_the_given_axes(lr_result):
    _, ax = plt.subplots()
    display = lr_result.plot(ax=ax)
    assert isinstance(display, LRFinderDisplay) and display.ax_ is ax
    np.testing.assert_array_equal(display.line_.get_ydata(), lr_result.losses)


def test_lr_finder_from_estimator_runs_the_range_test(digits, lr_result):
    estimator = MLPClassifier((8,), random_state=0)
    display = LRFinderDisplay.from_estimator(
        estimator, *digits, lr_find_params={"num_iter": 40}, color="k"
    )
    np.testing.assert_array_equal(display.line_.get_ydata(), lr_result.losses)
    assert display.line_.get_color() == "k"
    assert display.suggestions == lr_result.suggestions
    with pytest.raises(NotFittedError):
        estimator.predict(digits[0])


def test_lr_finder_skips_non_finite_losses_and_suggestions():
    display = LRFinderDisplay(
        [1e-3, 1e-2, 1e-1, 1.0], [2.0, 1.0, 3.0, np.inf], {"a": 0.1, "b": np.nan}
    ).plot()
    assert set(display.suggestion_lines_) == {"a"}
    assert display.suggestion_lines_["a"].get_ydata()[0] == pytest.approx(3.0)
    assert LRFinderDisplay([1e-3, 1e-2], [1.0, 0.5]).plot().suggestion_lines_ == {}


def test_lr_finder_y_axis_is_not_flattened_by_the_explosion():
    rates = np.logspace(-4, 0, 5)
    display = LRFinderDisplay(rates, [2.0, 1.8, 1.0, 1.5, 50.0]).plot()
    bottom, top = display.ax_.get_ylim()
    assert bottom < 1.0 and 2.0 < top < 50.0
    flat = LRFinderDisplay(rates[:2], [1.0, 1.0]).plot()  # autoscaled
    assert flat.ax_.get_ylim()[0] < 1.0 < flat.ax_.get_ylim()[1]


@pytest.mark.parametrize(
    "rates, losses, match",
    [
        ([1e-3, 1e-2], [1.0], "same length"),
        ([[1e-3, 1e-2]], [[1.0, 0.5]], "1-D"),
        ([0.0, 1e-2], [1.0, 0.5], "positive"),
        ([], [], "positive"),
    ],
)
def test_lr_finder_rejects_bad_data(rates, losses, match):
    with pytest.raises(ValueError, match=match):
        LRFinderDisplay(rates, losses).plot()


# ----------------------------------------------------------------------
# without matplotlib
@pytest.fixture
def no_matplotlib(monkeypatch):
    """Make ``import matplotlib`` fail, as when it is not installed."""
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)


def test_plots_without_matplotlib_say_how_to_install_it(
    no_matplotlib, fitted, rosenbrock_runs
):
    hint = r'pip install "skoptim\[plot\]"'
    with pytest.raises(ImportError, match=hint):
        LossCurveDisplay.from_estimator(fitted)
    with pytest.raises(ImportError, match=hint):
        LossCurveDisplay([[1.0, 0.5]]).plot()
    with pytest.raises(ImportError, match=hint):
        OptimizerPathDisplay.from_results(rosenbrock, rosenbrock_runs)
    with pytest.raises(ImportError, match=hint):
        WeightDisplay.from_estimator(fitted["sgd"])
    with pytest.raises(ImportError, match=hint):
        LRFinderDisplay([1e-3, 1e-2], [1.0, 0.5]).plot()
    with pytest.raises(ImportError, match=hint):  # before running the test
        LRFinderDisplay.from_estimator(MLPClassifier(), [[0.0]], [0])
