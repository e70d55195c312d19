"""The ``skoptim compare`` command."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skoptim import _progress, lr_find
from skoptim._compare import build_model, split
from skoptim._compare_data import infer_task, load_bundled, read_csv
from skoptim._compare_plot import lr_plot_path, plot_curves, plot_lr_find
from skoptim.cli import compare_solvers, format_table, main
from skoptim.optimizers import SOLVERS, Adam
from skoptim.preprocessing import OneHotEncoder, StandardScaler


@pytest.fixture(scope="module")
def compare_output():
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["compare"])
    return status, buffer.getvalue()


def test_compare_prints_one_row_per_solver(compare_output):
    status, out = compare_output
    assert status == 0
    lines = out.strip().splitlines()
    assert "digits" in lines[0]
    assert lines[1].split() == [
        "solver",
        "epochs",
        "train",
        "loss",
        "test",
        "acc",
        "fit",
        "s",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:]}
    assert set(rows) == set(SOLVERS)
    for name, (epochs, loss, accuracy, seconds) in rows.items():
        assert 1 <= int(epochs) <= 200
        assert float(loss) > 0 and float(seconds) > 0
        # plain SGD at torch's default rate (1e-3) is the slow learner here
        assert float(accuracy) > (0.6 if name == "sgd" else 0.9), name


def test_compare_solvers_rows_are_measured():
    rows = compare_solvers(["nesterov"])
    assert [row["solver"] for row in rows] == ["nesterov"]
    row = rows[0]
    assert row["test_accuracy"] > 0.9 and row["fit_seconds"] > 0
    table = format_table(rows)
    assert table.splitlines()[2].startswith("nesterov")


def test_unknown_command_exits_with_usage(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["frobnicate"])
    assert excinfo.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_is_installed():
    """The ``skoptim`` entry point sits beside the interpreter running tests."""
    script = Path(sys.executable).parent / "skoptim"
    result = subprocess.run(
        [str(script), "compare", "--help"], capture_output=True, text=True, check=True
    )
    assert "digits" in result.stdout


# ----------------------------------------------------------------------
# options of ``skoptim compare``: small, fast fits on small data

FAST = ["--hidden", "8", "--epochs", "5"]


def run(capsys, *argv):
    status = main(["compare", *argv])
    captured = capsys.readouterr()
    assert status == 0
    return captured.out, captured.err


def expect_usage_error(capsys, *argv):
    with pytest.raises(SystemExit) as excinfo:
        main(["compare", *argv])
    assert excinfo.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: skoptim compare")
    return err.splitlines()[-1]


@pytest.fixture
def mixed_csv(tmp_path):
    """120 rows: a categorical column, two numeric ones (one with a gap),
    a text label and a continuous numeric column."""
    rng = np.random.RandomState(0)
    lines = ["color,x1,x2,label,amount"]
    for i in range(120):
        color = ["red", "green", "blue"][i % 3]
        x1, x2 = rng.normal(size=2)
        label = "yes" if x1 + (color == "red") > 0.5 else "no"
        amount = 3 * x1 + 2 * (color == "blue") + 0.1 * rng.normal()
        x2_cell = "" if i == 5 else f"{x2:.4f}"
        lines.append(f"{color},{x1:.4f},{x2_cell},{label},{amount:.4f}")
    path = tmp_path / "mixed.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_solvers_option_keeps_the_order_given(capsys):
    out, _ = run(capsys, "--dataset", "iris", "--solvers", "lbfgs,adam", *FAST)
    lines = out.splitlines()
    assert lines[0] == "MLPClassifier on iris (112 train / 38 test samples)"
    assert [line.split()[0] for line in lines[3:]] == ["lbfgs", "adam"]


def test_options_reach_the_estimator(capsys):
    out, _ = run(
        capsys,
        *("--dataset", "wine", "--solvers", "sgd", "--hidden", "4,3"),
        *("--epochs", "3", "--batch-size", "16", "--penalty", "l1"),
        *("--alpha", "0.5", "--seed", "7", "--format", "json"),
    )
    result = json.loads(out)["results"][0]
    dataset = load_bundled("wine")
    model = build_model(
        dataset,
        hidden_layer_sizes=(4, 3),
        max_iter=3,
        batch_size=16,
        penalty="l1",
        alpha=0.5,
        solver="sgd",
        random_state=7,
    )
    X_train, X_test, y_train, y_test = split(dataset, 7)
    with pytest.warns(ConvergenceWarning):
        model.fit(X_train, y_train)
    assert result["epochs"] == 3
    assert result["train_loss"] == pytest.approx(model[-1].loss_, rel=1e-12)
    assert result["test_accuracy"] == model.score(X_test, y_test)


def test_format_csv_has_a_header_and_one_line_per_solver(capsys):
    out, _ = run(
        capsys, "--dataset", "iris", "--solvers", "adam,sgd", "--format", "csv", *FAST
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "solver",
        "epochs",
        "train_loss",
        "test_accuracy",
        "fit_seconds",
    ]
    assert [row["solver"] for row in rows] == ["adam", "sgd"]
    assert all(0 <= float(row["test_accuracy"]) <= 1 for row in rows)


def test_format_json_describes_the_run(capsys):
    out, _ = run(
        capsys,
        "--dataset",
        "breast_cancer",
        "--solvers",
        "nadam",
        "--format",
        "json",
        *FAST,
    )
    report = json.loads(out)
    assert report["estimator"] == "MLPClassifier"
    assert report["task"] == "classification"
    assert (report["n_train"], report["n_test"]) == (426, 143)
    (result,) = report["results"]
    assert result["solver"] == "nadam" and result["epochs"] == 5
    assert set(result) == {
        "solver",
        "epochs",
        "train_loss",
        "test_accuracy",
        "fit_seconds",
    }


def test_diabetes_is_a_regression_scored_by_r2(capsys):
    out, _ = run(
        capsys, "--dataset", "diabetes", "--solvers", "lbfgs", "--epochs", "50"
    )
    lines = out.splitlines()
    assert lines[0].startswith("MLPRegressor on diabetes")
    assert lines[1].split()[4:6] == ["test", "R^2"]
    r2 = float(lines[3].split()[3])
    # a standardized target and 50 L-BFGS iterations explain some variance
    assert 0 < r2 < 1


def test_jobs_give_the_same_results_as_one_process(capsys):
    argv = [
        "--dataset",
        "iris",
        "--solvers",
        "adam,rmsprop,lbfgs",
        "--format",
        "json",
        *FAST,
    ]
    serial = json.loads(run(capsys, *argv)[0])["results"]
    parallel = json.loads(run(capsys, *argv, "--jobs", "2")[0])["results"]
    for one, other in zip(serial, parallel):
        one.pop("fit_seconds"), other.pop("fit_seconds")
    assert serial == parallel


def test_csv_features_are_encoded_with_skoptims_transformers(mixed_csv):
    dataset = read_csv(str(mixed_csv), "label")
    assert dataset.task == "classification"
    assert sorted(set(dataset.y)) == ["no", "yes"]
    transformers = dict(
        (name, columns) for name, _, columns in dataset.preprocessor.transformers
    )
    # features: color, x1, x2, amount (the target column is dropped)
    assert transformers == {"numeric": [1, 2, 3], "categorical": [0]}
    Z = dataset.preprocessor.fit_transform(dataset.X)
    assert Z.shape == (120, 3 + 3)  # three standardized numbers, three colors
    np.testing.assert_allclose(Z[:, :3].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(np.sort(np.unique(Z[:, 3:])), [0, 1])
    fitted = dict(dataset.preprocessor.named_transformers_)
    assert isinstance(fitted["categorical"], OneHotEncoder)
    assert isinstance(fitted["numeric"][-1], StandardScaler)


def test_csv_classification_end_to_end(mixed_csv, capsys):
    out, _ = run(
        capsys,
        "--dataset",
        str(mixed_csv),
        "--target",
        "label",
        "--solvers",
        "lbfgs",
        "--epochs",
        "50",
    )
    lines = out.splitlines()
    assert (
        lines[0]
        == "MLPClassifier on mixed.csv (target 'label') (90 train / 30 test samples)"
    )
    assert float(lines[3].split()[3]) > 0.8


def test_csv_numeric_target_with_many_values_is_a_regression(mixed_csv, capsys):
    out, _ = run(
        capsys,
        "--dataset",
        str(mixed_csv),
        "--target",
        "amount",
        "--solvers",
        "lbfgs",
        "--epochs",
        "50",
    )
    lines = out.splitlines()
    assert lines[0].startswith("MLPRegressor on mixed.csv (target 'amount')")
    # amount is nearly linear in x1 and the blue indicator
    assert float(lines[3].split()[3]) > 0.9


def test_task_option_overrides_the_guess(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    rows = [f"{i % 7},{i % 30}" for i in range(90)]
    path.write_text("x,count\n" + "\n".join(rows) + "\n")
    common = ["--dataset", str(path), "--target", "count", "--solvers", "adam"]
    out, _ = run(capsys, *common, "--hidden", "none", "--epochs", "2")
    assert out.startswith("MLPRegressor")  # 30 distinct numbers
    out, _ = run(capsys, *common, "--task", "classification", "--epochs", "2")
    assert out.startswith("MLPClassifier")


def test_task_option_refuses_what_cannot_be_done(mixed_csv, capsys):
    common = ["--dataset", str(mixed_csv), "--target"]
    err = expect_usage_error(capsys, *common, "color", "--task", "regression")
    assert err.endswith("target column 'color' is not numeric: no regression")
    err = expect_usage_error(capsys, *common, "x1", "--task", "classification")
    assert err.endswith("column 'x1' holds non-integer numbers, not class labels")


def test_infer_task_threshold():
    assert infer_task(np.arange(20.0), True) == "classification"
    assert infer_task(np.arange(21.0), True) == "regression"
    assert (
        infer_task(np.array([str(i) for i in range(50)], dtype=object), False)
        == "classification"
    )


def test_error_for_a_missing_file(capsys, tmp_path):
    missing = tmp_path / "absent.csv"
    err = expect_usage_error(capsys, "--dataset", str(missing), "--target", "y")
    assert (
        err
        == f"skoptim compare: error: argument --dataset: no such file: {str(missing)!r}"
    )


def test_error_for_an_unknown_dataset_name(capsys):
    err = expect_usage_error(capsys, "--dataset", "mnist")
    assert (
        "neither a bundled data set (digits, breast_cancer, iris, wine, diabetes)"
        in err
    )


def test_error_for_a_missing_target_column(capsys, mixed_csv):
    err = expect_usage_error(capsys, "--dataset", str(mixed_csv), "--target", "price")
    assert "no column 'price'" in err
    assert err.endswith("its columns are: color, x1, x2, label, amount")


def test_error_for_a_csv_without_target(capsys, mixed_csv):
    err = expect_usage_error(capsys, "--dataset", str(mixed_csv))
    assert "--target COLUMN is required" in err


def test_error_for_a_target_with_a_bundled_dataset(capsys):
    assert "--target is for CSV files" in expect_usage_error(capsys, "--target", "y")


def test_error_for_an_unknown_solver_lists_the_known_ones(capsys):
    err = expect_usage_error(capsys, "--solvers", "adam,adamz")
    assert "argument --solvers: unknown solver 'adamz'; known solvers: " in err
    assert err.split("known solvers: ")[1].split(", ") == list(SOLVERS)


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--hidden", "8,x", "not a comma list of positive layer sizes"),
        ("--hidden", "8,0", "not a comma list of positive layer sizes"),
        ("--epochs", "0", "'0' is not a positive integer"),
        ("--batch-size", "big", "'big' is not a positive integer, 'auto' or 'full'"),
        ("--alpha", "-1", "'-1' is not a number >= 0"),
        ("--format", "xml", "invalid choice: 'xml'"),
    ],
)
def test_error_for_bad_values(capsys, option, value, message):
    err = expect_usage_error(capsys, option, value)
    assert f"argument {option}" in err and message in err


def test_error_for_a_malformed_csv(capsys, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,y\n1,2,0\n1,2\n")
    err = expect_usage_error(capsys, "--dataset", str(path), "--target", "y")
    assert "line 3 has 2 cells; the header has 3" in err


def test_plot_saves_loss_and_validation_curves(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    run(
        capsys,
        "--dataset",
        "iris",
        "--solvers",
        "adam,sgd",
        "--early-stopping",
        "--plot",
        str(path),
        *FAST,
    )
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_curves_draws_one_line_per_solver(tmp_path):
    pytest.importorskip("matplotlib")
    rows = compare_solvers(
        ["adam", "lbfgs"],
        dataset="iris",
        hidden_layer_sizes=(8,),
        max_iter=6,
        early_stopping=True,
    )
    figure = plot_curves(rows, tmp_path / "c.svg", title="t")
    loss_axes, score_axes = figure.axes
    assert [line.get_label() for line in loss_axes.lines] == ["adam", "lbfgs"]
    np.testing.assert_allclose(loss_axes.lines[0].get_ydata(), rows[0]["loss_curve"])
    assert loss_axes.get_yscale() == "log"
    # L-BFGS ignores early stopping: its validation line is empty
    np.testing.assert_allclose(
        score_axes.lines[0].get_ydata(), rows[0]["validation_scores"]
    )
    assert len(rows[0]["validation_scores"]) == rows[0]["epochs"]
    assert len(score_axes.lines[1].get_ydata()) == 0
    assert (tmp_path / "c.svg").read_text().startswith("<?xml")


def test_plot_without_early_stopping_has_only_the_loss_panel(tmp_path):
    pytest.importorskip("matplotlib")
    rows = compare_solvers(
        ["adam"], dataset="iris", hidden_layer_sizes=(8,), max_iter=3
    )
    assert rows[0]["validation_scores"] == []
    assert len(plot_curves(rows, tmp_path / "c.png").axes) == 1


def test_plot_without_matplotlib_says_what_to_install(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    err = expect_usage_error(capsys, "--plot", str(tmp_path / "c.png"))
    assert err.endswith('--plot needs matplotlib: pip install "skoptim[plot]"')
    assert not (tmp_path / "c.png").exists()


def test_progress_bar_on_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(_progress, "_tqdm_class", lambda: None)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    out, err = run(capsys, "--dataset", "iris", "--solvers", "adam,sgd", *FAST)
    frame = err.rstrip("\n").split("\r")[-1]
    assert frame.startswith("compare: 100%|") and " 2/2 " in frame
    assert frame.rstrip().endswith("sgd")
    assert out.startswith("MLPClassifier on iris")  # the bar stays off stdout


def test_no_progress_bar_with_quiet_or_off_a_terminal(capsys, monkeypatch):
    _, err = run(capsys, "--dataset", "iris", "--solvers", "adam", *FAST)
    assert err == ""  # captured stderr is not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    _, err = run(capsys, "--dataset", "iris", "--solvers", "adam", "--quiet", *FAST)
    assert err == ""


# ----------------------------------------------------------------------
# --lr-find: each solver trains at the rate skoptim.lr_find suggests

LR_FAST = [*FAST, "--lr-find", "--lr-find-iter", "30"]


@pytest.fixture(scope="module")
def tuned_rows():
    return compare_solvers(
        ["adam", "lbfgs"],
        dataset="iris",
        hidden_layer_sizes=(8,),
        max_iter=5,
        lr_find=True,
        lr_find_iter=30,
    )


def iris_model(solver):
    return build_model(
        load_bundled("iris"),
        hidden_layer_sizes=(8,),
        max_iter=5,
        solver=solver,
        random_state=0,
    )


def test_lr_find_trains_at_the_suggested_rate(tuned_rows):
    X_train, _, y_train, _ = split(load_bundled("iris"), 0)
    # the range test on the same pipeline and training split
    result = lr_find(iris_model("adam"), X_train, y_train, num_iter=30)
    adam = tuned_rows[0]
    assert adam["learning_rate"] == result.suggestion
    assert adam["lr_find_suggestion"] == result.suggestion
    np.testing.assert_array_equal(adam["lr_find_losses"], result.losses)
    assert result.suggestion != Adam().learning_rate
    # the fit used it: same curve as a fit at that rate
    with pytest.warns(ConvergenceWarning):
        tuned = iris_model(Adam(learning_rate=result.suggestion)).fit(X_train, y_train)
    np.testing.assert_array_equal(adam["loss_curve"], tuned[-1].loss_curve_)


def test_lr_find_leaves_lbfgs_at_its_defaults(tuned_rows):
    lbfgs = tuned_rows[1]
    assert lbfgs["learning_rate"] is None
    assert "line search" in lbfgs["lr_note"]
    assert "lr_find_rates" not in lbfgs
    plain = compare_solvers(
        ["lbfgs"], dataset="iris", hidden_layer_sizes=(8,), max_iter=5
    )[0]
    assert lbfgs["loss_curve"] == plain["loss_curve"]
    assert "learning_rate" not in plain


def test_lr_find_sets_the_rate_of_a_regression_on_its_scaled_target():
    rows = compare_solvers(
        ["sgd"],
        dataset="diabetes",
        hidden_layer_sizes=(8,),
        max_iter=3,
        lr_find=True,
        lr_find_iter=20,
    )
    dataset = load_bundled("diabetes")
    X_train, _, y_train, _ = split(dataset, 0)
    model = build_model(
        dataset, hidden_layer_sizes=(8,), max_iter=3, solver="sgd", random_state=0
    )
    y_scaled = StandardScaler().fit_transform(y_train.reshape(-1, 1)).ravel()
    result = lr_find(model.regressor, X_train, y_scaled, num_iter=20)
    assert rows[0]["learning_rate"] == result.suggestion


def test_lr_find_adds_a_learning_rate_column(capsys):
    out, _ = run(capsys, "--dataset", "iris", "--solvers", "adam,lbfgs", *LR_FAST)
    lines = out.splitlines()
    assert lines[1].split()[:3] == ["solver", "lr", "epochs"]
    adam, lbfgs = lines[3].split(), lines[4].split()
    assert adam[0] == "adam" and float(adam[1]) > 0
    assert lbfgs[:2] == ["lbfgs", "-"]
    assert "valley" in lines[5]
    assert lines[6].startswith("lbfgs: no learning rate (line search)")

    out, _ = run(
        capsys,
        "--dataset",
        "iris",
        "--solvers",
        "adam,lbfgs",
        "--format",
        "csv",
        *LR_FAST,
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:2] == ["solver", "learning_rate"]
    assert float(rows[0]["learning_rate"]) == pytest.approx(float(adam[1]), rel=1e-2)
    assert rows[1]["learning_rate"] == ""


def test_lr_find_json_says_how_rates_were_chosen(capsys):
    out, _ = run(
        capsys,
        "--dataset",
        "iris",
        "--solvers",
        "nadam,lbfgs",
        "--format",
        "json",
        *LR_FAST,
    )
    report = json.loads(out)
    assert report["lr_find"]["rule"] == "valley"
    assert report["lr_find"]["num_iter"] == 30
    assert list(report["lr_find"]["default_kept"]) == ["lbfgs"]
    nadam, lbfgs = report["results"]
    assert nadam["learning_rate"] > 0 and lbfgs["learning_rate"] is None
    assert "lr_find_rates" not in nadam  # the curves stay out of the output


def test_lr_find_with_plot_saves_the_range_tests(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "curves.png"
    run(
        capsys,
        "--dataset",
        "iris",
        "--solvers",
        "adam,lbfgs",
        "--plot",
        str(path),
        *LR_FAST,
    )
    assert (tmp_path / "curves_lr.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.exists()


def test_plot_lr_find_draws_one_panel_per_tested_solver(tuned_rows, tmp_path):
    pytest.importorskip("matplotlib")
    figure = plot_lr_find(tuned_rows, tmp_path / "lr.svg")
    (ax,) = [ax for ax in figure.axes if ax.get_visible()]
    assert ax.get_title() == "adam" and ax.get_xscale() == "log"
    np.testing.assert_array_equal(
        ax.lines[0].get_xdata(), tuned_rows[0]["lr_find_rates"]
    )
    np.testing.assert_array_equal(
        ax.lines[0].get_ydata(), tuned_rows[0]["lr_find_losses"]
    )
    assert ax.lines[1].get_xdata()[0] == tuned_rows[0]["learning_rate"]
    assert plot_lr_find(tuned_rows[1:], tmp_path / "none.svg") is None
    assert lr_plot_path("out/c.png") == "out/c_lr.png"


def test_lr_find_iter_needs_two_updates(capsys):
    err = expect_usage_error(capsys, "--lr-find", "--lr-find-iter", "1")
    assert "--lr-find-iter" in err and "at least 2" in err
