"""Progress reports of the estimators' ``verbose`` and the plain bar."""

import io
import re

import numpy as np
import pytest

from skoptim import MLPClassifier, MLPRegressor, _progress
from skoptim._progress import ProgressBar, epoch_progress


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, y


@pytest.fixture
def plain_bar(monkeypatch):
    """Force the built-in bar, as without the ``progress`` extra."""
    monkeypatch.setattr(_progress, "_tqdm_class", lambda: None)


def _last_frame(text):
    """The bar as last drawn: the text after the final carriage return."""
    return text.rstrip("\n").split("\r")[-1]


def test_verbose_0_prints_nothing(data, capfd):
    X, y = data
    MLPClassifier((3,), max_iter=3, verbose=0, random_state=0).fit(X, y)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_verbose_2_prints_a_line_per_epoch(data, capsys):
    X, y = data
    clf = MLPClassifier((3,), max_iter=4, verbose=2, random_state=0).fit(X, y)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        f"Iteration {i}" for i in range(1, 5)
    ]
    printed = [float(line.split("loss = ")[1]) for line in lines]
    np.testing.assert_allclose(printed, clf.loss_curve_, rtol=1e-6)
    assert err == ""


def test_verbose_2_counts_on_across_partial_fit(data, capsys):
    X, y = data
    clf = MLPClassifier((3,), verbose=2, random_state=0)
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "Iteration 1",
        "Iteration 2",
        "Iteration 3",
    ]


def test_verbose_2_shows_the_validation_score(data, capsys):
    X, y = data
    clf = MLPClassifier(
        (3,), max_iter=3, verbose=2, early_stopping=True, random_state=0
    ).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    scores = [float(line.split("validation score = ")[1]) for line in lines]
    np.testing.assert_allclose(scores, clf.validation_scores_, atol=1e-6)


def test_verbose_1_plain_bar_on_stderr(data, capsys, plain_bar):
    X, y = data
    clf = MLPClassifier(
        (3,), max_iter=5, verbose=1, early_stopping=True, random_state=0
    ).fit(X, y)
    out, err = capsys.readouterr()
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1
    frame = _last_frame(err)
    assert re.match(r"epochs: 100%\|#{20}\| 5/5 \[\d\d:\d\d\] ", frame), frame
    loss = float(re.search(r"loss=(\S+),", frame).group(1))
    score = float(re.search(r"val=(\S+)$", frame).group(1))
    assert loss == pytest.approx(clf.loss_curve_[-1], rel=1e-4)
    assert score == pytest.approx(clf.validation_scores_[-1], abs=1e-4)


def test_verbose_1_bar_closes_when_training_stops_early(data, capsys, plain_bar):
    X, y = data
    clf = MLPRegressor(
        (3,), max_iter=500, tol=10.0, n_iter_no_change=1, verbose=1, random_state=0
    ).fit(X, y.astype(float))
    assert clf.n_iter_ < 500
    frame = _last_frame(capsys.readouterr().err)
    assert f" {clf.n_iter_}/500 " in frame
    assert "val=" not in frame


def test_verbose_1_lbfgs_bar_counts_iterations(data, capsys, plain_bar):
    X, y = data
    clf = MLPClassifier((3,), solver="lbfgs", max_iter=7, verbose=1, random_state=0)
    clf.fit(X, y)
    frame = _last_frame(capsys.readouterr().err)
    assert f" {clf.n_iter_}/7 " in frame
    assert float(re.search(r"loss=(\S+)", frame).group(1)) == pytest.approx(
        clf.loss_curve_[-1], rel=1e-4
    )


def test_verbose_1_partial_fit_prints_a_line(data, capsys, plain_bar):
    X, y = data
    MLPClassifier((3,), verbose=1, random_state=0).partial_fit(X, y, classes=[0, 1])
    out, err = capsys.readouterr()
    assert out.startswith("Iteration 1, loss = ") and err == ""


def test_verbose_1_uses_tqdm_when_installed(data, capsys):
    pytest.importorskip("tqdm")
    X, y = data
    MLPClassifier((3,), max_iter=4, verbose=1, random_state=0).fit(X, y)
    frame = _last_frame(capsys.readouterr().err)
    # tqdm's own layout: counts, then elapsed<remaining and rate, then postfix
    assert re.search(r"epochs: 100%.*\| 4/4 \[\d\d:\d\d<\d\d:\d\d, .*loss=", frame)


def test_plain_bar_redraws_at_most_every_tenth_of_a_second(monkeypatch):
    clock = iter(np.arange(0, 100, 1 / 32))  # exact binary steps
    monkeypatch.setattr(_progress.time, "perf_counter", lambda: next(clock))
    out = io.StringIO()
    bar = ProgressBar(50, "x", file=out, use_tqdm=False)
    for _ in range(50):
        bar.update()
    bar.close()
    bar.close()
    frames = out.getvalue().split("\r")[1:]
    # 50 updates 1/32 s apart: a redraw every 4th (0.125 s), one on close
    assert len(frames) == 50 // 4 + 1
    assert frames[-1].startswith("x: 100%") and frames[-1].endswith("\n")
    assert out.getvalue().count("\n") == 1


def test_plain_bar_pads_over_a_longer_previous_frame():
    out = io.StringIO()
    bar = ProgressBar(2, "x", file=out, use_tqdm=False)
    bar.update(postfix="a long postfix")
    bar._bar._draw(0.0)
    bar.update(postfix="b")
    bar.close()
    frames = out.getvalue().rstrip("\n").split("\r")[1:]
    assert len(frames[-1]) == len(frames[-2])
    assert frames[-1].rstrip().endswith("b")


def test_epoch_progress_picks_the_report():
    assert isinstance(epoch_progress(0, 10), _progress._Silent)
    assert isinstance(epoch_progress(False, 10), _progress._Silent)
    assert isinstance(epoch_progress(2, 10), _progress._EpochLines)
    assert isinstance(epoch_progress(1, 1), _progress._EpochLines)
    bar = epoch_progress(True, 10)
    assert isinstance(bar, _progress._EpochBar)
    bar.close()


def test_verbose_2_lbfgs_lines_count_on_after_a_warm_start(data, capsys):
    # the line used to add the epochs before the call twice on a warm start
    X, y = data
    clf = MLPClassifier(
        (3,), solver="lbfgs", max_iter=3, warm_start=True, verbose=2, random_state=0
    )
    clf.fit(X, y)
    first = clf.n_iter_
    clf.fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    numbers = [int(line.split(",")[0].split()[1]) for line in lines]
    assert numbers == list(range(1, clf.n_iter_ + 1))
    assert first < clf.n_iter_
