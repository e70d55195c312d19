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
from ._lr_find import _with_learning_rate
from ._lr_find import lr_find as range_test
from ._progress import ProgressBar
from .neural_network import MLPClassifier, MLPRegressor
from .optimizers import SOLVERS, resolve_solver
from .preprocessing import StandardScaler

__all__ = ["build_model", "split", "compare_solvers", "metric_key"]

#: Updates of the learning-rate range test of ``compare --lr-find``.
LR_FIND_ITER = 100


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


def _mlp_param(model, name):
    """``name`` prefixed with the path of the MLP inside ``build_model``'s model."""
    if hasattr(model, "regressor"):
        return f"regressor__mlpregressor__{name}"
    return f"mlpclassifier__{name}"


def _has_learning_rate(name):
    """Whether solver ``name`` takes steps of a learning rate (not L-BFGS)."""
    return not getattr(resolve_solver(name), "full_batch", False)


def _suggested_rate(model, X_train, y_train, num_iter):
    """The range test of ``model``'s MLP on the training split.

    It runs on the very pipeline that is fitted next (preprocessing, and
    for a regression the standardized target), so the rates match.

    Returns
    -------
    result : LRFinderResult
        Its ``suggestion`` is the valley rule.
    """
    if hasattr(model, "regressor"):  # TransformedTargetRegressor
        y = np.asarray(y_train, dtype=np.float64)
        scaled = clone(model.transformer).fit_transform(y.reshape(len(y), -1))
        y_train = scaled.reshape(y.shape)
        model = model.regressor
    return range_test(model, X_train, y_train, num_iter=num_iter)


def _tune_learning_rate(model, name, X_train, y_train, num_iter):
    """Set the solver's learning rate to the range test's suggestion.

    Returns
    -------
    info : dict
        ``learning_rate`` (the rate set, or None when the solver keeps its
        default), ``lr_note`` (why, when it does), and the curve of the test
        (``lr_find_rates``, ``lr_find_losses``, ``lr_find_suggestion``).
    """
    if not _has_learning_rate(name):
        return {
            "learning_rate": None,
            "lr_note": "no learning rate (line search): fitted with its defaults",
        }
    result = _suggested_rate(model, X_train, y_train, num_iter)
    info = {
        "lr_find_rates": [float(v) for v in result.learning_rates],
        "lr_find_losses": [float(v) for v in result.losses],
        "lr_find_suggestion": result.suggestion,
    }
    if not np.isfinite(result.suggestion):
        return {
            **info,
            "learning_rate": None,
            "lr_note": "the range test found no finite loss: default rate kept",
        }
    solver = _with_learning_rate(name, result.suggestion)
    model.set_params(**{_mlp_param(model, "solver"): solver})
    return {**info, "learning_rate": result.suggestion}


def _fit_one(model, name, X_train, y_train, X_test, y_test, metric, lr_find_iter):
    model.set_params(**{_mlp_param(model, "solver"): name})
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tuned = (
            {}
            if lr_find_iter is None
            else _tune_learning_rate(model, name, X_train, y_train, lr_find_iter)
        )
        start = time.perf_counter()
        # One BLAS thread: these matrices are small, and BLAS threads
        # fighting over the cores (or over the other jobs' cores) make them
        # many times slower.
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
        **tuned,
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
    lr_find=False,
    lr_find_iter=LR_FIND_ITER,
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
    lr_find : bool, default=False
        Before each fit, run :func:`skoptim.lr_find` (the range test) on the
        training split, with the same pipeline, and train at its
        ``suggestion`` (the valley rule). Solvers without a learning rate
        (L-BFGS) keep their defaults.
    lr_find_iter : int, default=100
        Updates of each range test (its ``num_iter``).
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
        ``validation_scores`` (empty without early stopping). With
        ``lr_find``, also ``learning_rate`` (the rate trained with, or None
        where the solver kept its default, with the reason in ``lr_note``)
        and the range test's ``lr_find_rates``, ``lr_find_losses`` and
        ``lr_find_suggestion``.
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
    data = (X_train, y_train, X_test, y_test, metric)
    num_iter = lr_find_iter if lr_find else None
    jobs = (delayed(_fit_one)(clone(model), name, *data, num_iter) for name in names)
    bar = ProgressBar(len(names), "compare") if progress else None
    rows = []
    for row in Parallel(n_jobs=n_jobs, return_as="generator")(jobs):
        rows.append(row)
        if bar is not None:
            bar.update(postfix=row["solver"])
    if bar is not None:
        bar.close()
    return rows
