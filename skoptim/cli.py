"""The ``skoptim`` command line.

``skoptim compare`` trains :class:`~skoptim.MLPClassifier` on scikit-learn's
bundled digits data once with each available solver and prints a table.
"""

import argparse
import sys
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from . import MLPClassifier
from .optimizers import SOLVERS

__all__ = ["main", "compare_solvers", "format_table"]


def compare_solvers(solvers=None, random_state=0):
    """Fit one classifier per solver on digits and measure it.

    Parameters
    ----------
    solvers : list of str, default=None
        Solver names; all available solvers when None.
    random_state : int, default=0
        Seeds the split and every fit, so the solvers start from the same
        weights and see the same batches.

    Returns
    -------
    rows : list of dict
        One row per solver: ``solver``, ``epochs``, ``train_loss``,
        ``test_accuracy``, ``fit_seconds``.
    """
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=random_state
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    rows = []
    for name in solvers or list(SOLVERS):
        clf = MLPClassifier(solver=name, random_state=random_state)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        rows.append(
            {
                "solver": name,
                "epochs": clf.n_iter_,
                "train_loss": clf.loss_,
                "test_accuracy": clf.score(X_test, y_test),
                "fit_seconds": seconds,
            }
        )
    return rows


def format_table(rows):
    """The rows of :func:`compare_solvers` as an aligned text table."""
    header = f"{'solver':<10} {'epochs':>6} {'train loss':>11} "
    header += f"{'test acc':>9} {'fit s':>7}"
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['solver']:<10} {row['epochs']:>6d} {row['train_loss']:>11.5f} "
            f"{row['test_accuracy']:>9.4f} {row['fit_seconds']:>7.2f}"
        )
    return "\n".join(lines)


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skoptim",
        description="Deep-learning optimizers as scikit-learn parts.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "compare",
        help="train MLPClassifier on digits with each solver and print a table",
        description="Train MLPClassifier (hidden layer of 100 relu units, "
        "default hyperparameters) on scikit-learn's digits data, standardized, "
        "with a stratified 75/25 split, once per solver.",
    )
    return parser


def main(argv=None):
    """Entry point of the ``skoptim`` console script."""
    args = _build_parser().parse_args(argv)
    if args.command == "compare":
        print("MLPClassifier on digits (1347 train / 450 test samples)")
        print(format_table(compare_solvers()))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
