"""Scaling out with dask: a grid search on a cluster, partial_fit over chunks.

Needs the ``dask`` extra (``pip install "skoptim[dask]"``), which the
``test`` extra includes.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skoptim import MLPClassifier
from skoptim.optimizers import Momentum

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")


@pytest.fixture
def client():
    """Two single-threaded workers in this process: a real scheduler, and
    no worker processes to start on a 2-core CI machine."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def _grid(n_jobs=-1):
    return GridSearchCV(
        MLPClassifier((8,), max_iter=30, random_state=0),
        {"solver": ["sgd", "adam", "lbfgs"], "alpha": [1e-4, 1e-1]},
        cv=3,
        n_jobs=n_jobs,
    )


def test_grid_search_over_solvers_and_alpha_on_a_dask_cluster(client, iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local = _grid(n_jobs=1).fit(X, y)
        with (
            distributed.get_task_stream(client) as tasks,
            joblib.parallel_backend("dask"),
        ):
            remote = _grid().fit(X, y)
    # the 18 fits (6 candidates x 3 folds) ran as tasks on the cluster ...
    assert len(tasks.data) > 0
    assert {task["worker"] for task in tasks.data} <= set(
        client.scheduler_info()["workers"]
    )
    # ... and gave the same models as in one process: seeded fits are
    # deterministic wherever they run
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert remote.best_params_ == local.best_params_
    assert remote.best_score_ > 0.9


def _chunked(X, y, rows_per_chunk):
    return (
        da.from_array(X, chunks=(rows_per_chunk, X.shape[1])),
        da.from_array(y, chunks=rows_per_chunk),
    )


def _shuffled_iris(iris):
    X, y = iris
    order = np.random.RandomState(0).permutation(len(y))
    return (X[order] - X.mean(axis=0)) / X.std(axis=0), y[order]


class RecordingMLP(MLPClassifier):
    """An MLPClassifier that remembers the arguments of every partial_fit."""

    calls = []

    def partial_fit(self, X, y, classes=None, **kwargs):
        RecordingMLP.calls.append((len(X), None if classes is None else list(classes)))
        return super().partial_fit(X, y, classes=classes, **kwargs)


def _partial_fit_over_blocks(estimator, dX, dy, classes, n_passes):
    """What dask-ml's Incremental does, by hand: one partial_fit per block,
    each block computed (loaded) only when it is its turn."""
    for _ in range(n_passes):
        for X_block, y_block in zip(dX.to_delayed().ravel(), dy.to_delayed()):
            X_block, y_block = X_block.compute(), y_block.compute()
            estimator.partial_fit(X_block, y_block, classes=classes)
    return estimator


def test_partial_fit_over_the_blocks_of_a_dask_array(iris):
    X, y = _shuffled_iris(iris)
    dX, dy = _chunked(X, y, 40)
    assert dX.numblocks == (4, 1)
    RecordingMLP.calls = []
    estimator = RecordingMLP((16,), solver=Momentum(0.05), random_state=0)
    _partial_fit_over_blocks(estimator, dX, dy, [0, 1, 2], n_passes=30)
    assert [rows for rows, _ in RecordingMLP.calls[:4]] == [40, 40, 40, 30]
    assert all(classes == [0, 1, 2] for _, classes in RecordingMLP.calls)
    assert estimator.n_iter_ == 4 * 30
    assert estimator.score(X, y) > 0.9


def test_dask_ml_incremental_passes_classes_on_every_call(iris):
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y = _shuffled_iris(iris)
    dX, dy = _chunked(X, y, 40)
    RecordingMLP.calls = []
    base = RecordingMLP((16,), solver=Momentum(0.05), random_state=0)
    incremental = wrappers.Incremental(clone(base), shuffle_blocks=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # dask-ml must not complain either
        for _ in range(30):
            incremental.partial_fit(dX, dy, classes=[0, 1, 2])
    assert len(RecordingMLP.calls) == 4 * 30
    assert all(classes == [0, 1, 2] for _, classes in RecordingMLP.calls)
    fitted = incremental.estimator_
    assert fitted.n_iter_ == 4 * 30
    # the same blocks in the same order as the loop by hand: the same model
    by_hand = _partial_fit_over_blocks(clone(base), dX, dy, [0, 1, 2], n_passes=30)
    for ours, theirs in zip(fitted.coefs_, by_hand.coefs_):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert incremental.score(dX, dy) == pytest.approx(by_hand.score(X, y))
    assert incremental.score(dX, dy) > 0.9
