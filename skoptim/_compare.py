"""The solver comparison behind ``skoptim compare``: one fit per solver.

Every fit starts from the same split, the same initial weights and the
same batches (one seed), so the rows differ by the solver alone.
"""

import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.utils.parallel import Parallel, delayed
from threadpoolctl import threadpool_limits

from ._compare_data import load_bundled
from ._progress import ProgressBar
from .neural_network import MLPClassifier, MLPRegressor
from .optimizers import SOLVERS
from .preprocessing import StandardScaler

__all__ = ["build_model", "split", "compare_solvers", "metric_key"]


def metric_key(task):
    """The row key of the test score: accuracy or R^2."""
    return "test_accuracy" if task == "classification" else "test_r2"


def build_model(dataset, **mlp_params):
    """The preprocessing and MLP for ``dataset``, unfitted.

    A regression's target is standardized too
    (:class:`~sklearn.compose.TransformedTargetRegressor`), so the network
    fits values of unit scale; its score is still the R^2 of the original
    target.
    """
    if dataset.task == "classification":
        return make_pipeline(clone(dataset.preprocessor), MLPClassifier(**mlp_params))
    return TransformedTargetRegressor(
        make_pipeline(clone(dataset.preprocessor), MLPRegressor(**mlp_params)),
        transformer=StandardScaler(),
    )


def _network(model):
    """The fitted MLP inside ``build_model``'s model."""
    pipeline = getattr(model, "regressor_", model)
    return pipeline[-1]


def split(dataset, random_state):
    """A 75/25 train/test split, stratified when every class can be on both
    sides (seen twice or more, and no more classes than test samples)."""
    stratify = None
    if dataset.task == "classification":
        _, counts = np.unique(dataset.y, return_counts=True)
        n_test = -(-len(dataset.y) // 4)
        if counts.min() >= 2 and counts.size <= n_test:
            stratify = dataset.y
    return train_test_split(
        dataset.X,
        dataset.y,
        test_size=0.25,
        stratify=stratify,
        random_state=random_state,
    )


def _fit_one(model, name, X_train, y_train, X_test, y_test, metric):
    if hasattr(model, "regressor"):
        model.set_params(regressor__mlpregressor__solver=name)
    else:
        model.set_params(mlpclassifier__solver=name)
    start = time.perf_counter()
    # One BLAS thread: these matrices are small, and BLAS threads fighting
    # over the cores (or over the other jobs' cores) make them many times
    # slower.
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    network = _network(model)
    return {
        "solver": name,
        "epochs": network.n_iter_,
        "train_loss": float(network.loss_),
        metric: float(model.score(X_test, y_test)),
        "fit_seconds": seconds,
        "loss_curve": [float(v) for v in network.loss_curve_],
        "validation_scores": [
            float(v) for v in (getattr(network, "validation_scores_", None) or [])
        ],
    }


def compare_solvers(
    solvers=None,
    random_state=0,
    *,
    dataset="digits",
    hidden_layer_sizes=(100,),
    max_iter=200,
    batch_size="auto",
    penalty="l2",
    alpha=1e-4,
    early_stopping=False,
    n_jobs=None,
    progress=False,
):
    """Fit one MLP per solver on a data set and measure it.

    Parameters
    ----------
    solvers : list of str, default=None
        Solver names; all available solvers when None.
    random_state : int, default=0
        Seeds the split and every fit, so the solvers start from the same
        weights and see the same batches.
    dataset : str or Dataset, default="digits"
        A bundled data set's name or a :class:`~skoptim._compare_data.Dataset`.
    hidden_layer_sizes, max_iter, batch_size, penalty, alpha, early_stopping
        The MLP's parameters.
    n_jobs : int, default=None
        Solvers fitted in parallel (joblib; -1: all cores).
    progress : bool, default=False
        Draw a progress bar over the solvers on standard error.

    Returns
    -------
    rows : list of dict
        One row per solver, in the order given: ``solver``, ``epochs``,
        ``train_loss``, ``test_accuracy`` (classification) or ``test_r2``
        (regression), ``fit_seconds``, and the curves ``loss_curve`` and
        ``validation_scores`` (empty without early stopping).
    """
    if isinstance(dataset, str):
        dataset = load_bundled(dataset)
    names = list(solvers or SOLVERS)
    model = build_model(
        dataset,
        hidden_layer_sizes=hidden_layer_sizes,
        max_iter=max_iter,
        batch_size=batch_size,
        penalty=penalty,
        alpha=alpha,
        early_stopping=early_stopping,
        random_state=random_state,
    )
    X_train, X_test, y_train, y_test = split(dataset, random_state)
    metric = metric_key(dataset.task)
    jobs = (
        delayed(_fit_one)(clone(model), name, X_train, y_train, X_test, y_test, metric)
        for name in names
    )
    bar = ProgressBar(len(names), "compare") if progress else None
    rows = []
    for row in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
        rows.append(row)
        if bar is not None:
            bar.update(postfix=row["solver"])
    if bar is not None:
        bar.close()
    return rows
