"""The ``skoptim`` command line.

``skoptim compare`` trains an MLP once with each solver (by default
:class:`~skoptim.MLPClassifier` on scikit-learn's bundled digits data) and
prints a table, CSV or JSON of the results; ``--plot`` draws their loss and
validation curves; ``--lr-find`` trains each solver at the learning rate that
:func:`skoptim.lr_find` suggests.
"""

import argparse
import csv
import io
import json
import os
import sys

from ._compare import LR_FIND_ITER, compare_solvers, metric_key
from ._compare_data import BUNDLED, load_bundled, read_csv
from .optimizers import SOLVERS
from .penalties import PENALTIES

__all__ = ["main", "compare_solvers", "format_table", "format_csv", "format_json"]

#: Defaults of ``skoptim compare``: the estimators' own.
DEFAULT_HIDDEN = (100,)
DEFAULT_EPOCHS = 200
PLOT_INSTALL_HINT = 'pip install "skoptim[plot]"'

_COLUMNS = ("solver", "epochs", "train_loss", None, "fit_seconds")


def _columns(rows):
    metric = "test_r2" if rows and "test_r2" in rows[0] else "test_accuracy"
    columns = [metric if column is None else column for column in _COLUMNS]
    if rows and "learning_rate" in rows[0]:  # compare --lr-find
        columns.insert(1, "learning_rate")
    return columns


def _rate_cell(rate):
    return f"{'-':>9}" if rate is None else f"{rate:>9.3g}"


def format_table(rows):
    """The rows of :func:`compare_solvers` as an aligned text table.

    With ``--lr-find`` rows, a learning rate column follows the solver, and
    a note below the table names the solvers that kept their default rate.
    """
    columns = _columns(rows)
    tuned = "learning_rate" in columns
    score = "test R^2" if "test_r2" in columns else "test acc"
    header = f"{'solver':<10} " + (f"{'lr':>9} " if tuned else "")
    header += f"{'epochs':>6} {'train loss':>11} {score:>9} {'fit s':>7}"
    lines = [header, "-" * len(header)]
    for row in rows:
        values = {column: row[column] for column in columns}
        solver, *_, epochs, loss, metric, seconds = values.values()
        rate = _rate_cell(values["learning_rate"]) + " " if tuned else ""
        lines.append(
            f"{solver:<10} {rate}{epochs:>6d} {loss:>11.5f} {metric:>9.4f} "
            f"{seconds:>7.2f}"
        )
    if tuned:
        lines.append("lr: the valley suggestion of skoptim.lr_find")
        lines += [
            f"{row['solver']}: {row['lr_note']}" for row in rows if "lr_note" in row
        ]
    return "\n".join(lines)


def format_csv(rows):
    """The rows as CSV with a header line (full precision)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = _columns(rows)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[column] for column in columns])
    return buffer.getvalue().rstrip("\n")


def format_json(rows, **about):
    """The rows as a JSON object: ``about`` fields, then ``results``."""
    columns = _columns(rows)
    results = [{column: row[column] for column in columns} for row in rows]
    return json.dumps({**about, "results": results}, indent=2)


# ----------------------------------------------------------------------
# argument types: argparse turns their ArgumentTypeError into "error: ..."


def _solver_list(text):
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one solver name")
    unknown = [name for name in names if name not in SOLVERS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown solver {', '.join(map(repr, unknown))}; known solvers: "
            + ", ".join(SOLVERS)
        )
    return list(dict.fromkeys(names))


def _hidden_sizes(text):
    if text.strip().lower() in {"", "none", "0"}:
        return ()
    try:
        sizes = tuple(int(size) for size in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma list of positive layer sizes such as 64,32 "
            "(or 'none' for a linear model)"
        )
    return sizes


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return value


def _batch_size(text):
    if text in {"auto", "full"}:
        return text
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a positive integer, 'auto' or 'full'"
        ) from None


def _alpha(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number >= 0")
    return value


def _dataset(text):
    if text in BUNDLED:
        return text
    if os.path.isfile(text):
        return text
    if text.lower().endswith(".csv") or os.sep in text:
        raise argparse.ArgumentTypeError(f"no such file: {text!r}")
    raise argparse.ArgumentTypeError(
        f"{text!r} is neither a bundled data set ({', '.join(BUNDLED)}) nor a CSV file"
    )


def _add_compare(commands):
    compare = commands.add_parser(
        "compare",
        help="train an MLP once per solver (digits by default), print a table",
        description="Train an MLP once per solver on the same standardized data, "
        "split 75/25 (stratified for classes), from the same initial weights, "
        f"and report each fit. Defaults: digits, a hidden layer of "
        f"{DEFAULT_HIDDEN[0]} relu units, {DEFAULT_EPOCHS} epochs, every solver "
        "with its default hyperparameters.",
    )
    add = compare.add_argument
    add(
        "--dataset",
        type=_dataset,
        default="digits",
        metavar="NAME|FILE.csv",
        help=f"bundled data set ({', '.join(BUNDLED)}; default: digits) or a CSV "
        "file with a header line (then --target is required): categorical "
        "columns are one-hot encoded, numeric ones standardized",
    )
    add("--target", metavar="COLUMN", help="the CSV column to predict")
    add(
        "--task",
        choices=("auto", "classification", "regression"),
        default="auto",
        help="for a CSV file; auto: regression when the target is numeric with "
        "more than 20 distinct values (default: auto)",
    )
    add(
        "--solvers",
        type=_solver_list,
        metavar="NAMES",
        help="comma list of solvers (default: all): " + ", ".join(SOLVERS),
    )
    add(
        "--hidden",
        type=_hidden_sizes,
        default=DEFAULT_HIDDEN,
        metavar="SIZES",
        help="hidden layer sizes, e.g. 64,32; 'none' for a linear model "
        f"(default: {DEFAULT_HIDDEN[0]})",
    )
    add(
        "--epochs",
        type=_positive_int,
        default=DEFAULT_EPOCHS,
        help=f"maximum epochs, or L-BFGS iterations (default: {DEFAULT_EPOCHS})",
    )
    add(
        "--batch-size",
        type=_batch_size,
        default="auto",
        metavar="N|auto|full",
        help="mini-batch size (default: auto, min(200, n_samples))",
    )
    add(
        "--penalty",
        choices=(*PENALTIES, "none"),
        default="l2",
        help="weight penalty (default: l2)",
    )
    add("--alpha", type=_alpha, default=1e-4, help="penalty strength (default: 1e-4)")
    add(
        "--early-stopping",
        action="store_true",
        help="hold out 10%% of the training data, stop when its score stops "
        "improving, and record the validation curves",
    )
    add("--seed", type=int, default=0, help="split and fit seed (default: 0)")
    add(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="solvers fitted in parallel, -1 for all cores (default: 1)",
    )
    add(
        "--lr-find",
        action="store_true",
        help="before each fit, run the learning-rate range test (skoptim.lr_find) "
        "on the training split and train at its suggestion (the valley rule); "
        "L-BFGS, without a learning rate, keeps its defaults. With --plot, the "
        "range tests are saved too, as FILE_lr.png",
    )
    add(
        "--lr-find-iter",
        type=_positive_int,
        default=LR_FIND_ITER,
        metavar="N",
        help=f"updates of each range test (default: {LR_FIND_ITER}; at least 2)",
    )
    add(
        "--plot",
        metavar="FILE.png",
        help="save the loss curves (and validation curves with --early-stopping), "
        f"one line per solver; needs matplotlib: {PLOT_INSTALL_HINT}",
    )
    add(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default: table)",
    )
    compare.set_defaults(parser=compare)
    add(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar (drawn on standard error when it is a terminal)",
    )


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skoptim",
        description="Deep-learning optimizers as scikit-learn parts.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_compare(commands)
    return parser


def _load_dataset(args, parser):
    """The data set of ``args``; argparse errors (exit 2) for bad input."""
    if args.dataset in BUNDLED:
        if args.target is not None:
            parser.error(f"--target is for CSV files, not the {args.dataset} data")
        return load_bundled(args.dataset)
    if args.target is None:
        parser.error(f"--target COLUMN is required with a CSV file ({args.dataset})")
    try:
        return read_csv(args.dataset, args.target, task=args.task)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        parser.error(str(error))


def _check_plot_backend(parser):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        parser.error(f"--plot needs matplotlib: {PLOT_INSTALL_HINT}")


def _estimator_name(dataset):
    return "MLPClassifier" if dataset.task == "classification" else "MLPRegressor"


def _header(dataset, n_train, n_test):
    estimator = _estimator_name(dataset)
    return f"{estimator} on {dataset.name} ({n_train} train / {n_test} test samples)"


def _lr_find_about(args, rows):
    """The JSON fields of ``--lr-find``: how the rates were chosen."""
    if not args.lr_find:
        return {}
    notes = {row["solver"]: row["lr_note"] for row in rows if "lr_note" in row}
    return {
        "lr_find": {
            "rule": "valley",
            "num_iter": args.lr_find_iter,
            "default_kept": notes,
        }
    }


def run_compare(args, parser):
    """Run ``skoptim compare`` for parsed ``args``; returns the output text."""
    dataset = _load_dataset(args, parser)
    if args.plot:
        _check_plot_backend(parser)
    if args.lr_find and args.lr_find_iter < 2:
        parser.error("argument --lr-find-iter: the range test needs at least 2")
    rows = compare_solvers(
        args.solvers,
        args.seed,
        dataset=dataset,
        hidden_layer_sizes=args.hidden,
        max_iter=args.epochs,
        batch_size=args.batch_size,
        penalty=None if args.penalty == "none" else args.penalty,
        alpha=args.alpha,
        early_stopping=args.early_stopping,
        lr_find=args.lr_find,
        lr_find_iter=args.lr_find_iter,
        n_jobs=args.jobs,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    n_test = -(-len(dataset.y) // 4)  # train_test_split's ceil(0.25 * n)
    n_train = len(dataset.y) - n_test
    if args.plot:
        from ._compare_plot import lr_plot_path, plot_curves, plot_lr_find

        title = _header(dataset, n_train, n_test)
        plot_curves(rows, args.plot, title=title)
        if args.lr_find:
            plot_lr_find(rows, lr_plot_path(args.plot), title=title)
    if args.format == "csv":
        return format_csv(rows)
    if args.format == "json":
        return format_json(
            rows,
            dataset=dataset.name,
            estimator=_estimator_name(dataset),
            task=dataset.task,
            metric=metric_key(dataset.task),
            n_train=n_train,
            n_test=n_test,
            **_lr_find_about(args, rows),
        )
    return _header(dataset, n_train, n_test) + "\n" + format_table(rows)


def main(argv=None):
    """Entry point of the ``skoptim`` console script."""
    args = _build_parser().parse_args(argv)
    if args.command == "compare":
        print(run_compare(args, args.parser))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
