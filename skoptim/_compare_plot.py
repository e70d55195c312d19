"""The figures of ``skoptim compare --plot``: loss and validation curves, and
with ``--lr-find`` the learning-rate range tests."""

import math
import os

__all__ = ["lr_plot_path", "plot_curves", "plot_lr_find"]


def plot_curves(rows, path, title=""):
    """Save the training loss (and validation score) per epoch of each solver.

    Parameters
    ----------
    rows : list of dict
        Rows of :func:`skoptim._compare.compare_solvers`, with their
        ``loss_curve`` and ``validation_scores``.
    path : str
        The image file; its extension picks the format (png, svg, pdf).
    title : str, default=""

    Returns
    -------
    figure : matplotlib.figure.Figure
        Drawn without pyplot, so no display or backend is needed.
    """
    from matplotlib.figure import Figure

    with_scores = any(row["validation_scores"] for row in rows)
    figure = Figure(figsize=(12 if with_scores else 7, 5), layout="constrained")
    axes = figure.subplots(1, 2 if with_scores else 1, squeeze=False)[0]
    for row in rows:
        epochs = range(1, len(row["loss_curve"]) + 1)
        axes[0].plot(epochs, row["loss_curve"], label=row["solver"])
    axes[0].set(
        xlabel="epoch (L-BFGS: iteration)",
        ylabel="training loss",
        yscale="log",
        title="Training loss",
    )
    if with_scores:
        for row in rows:
            scores = row["validation_scores"]
            axes[1].plot(range(1, len(scores) + 1), scores, label=row["solver"])
        axes[1].set(xlabel="epoch", ylabel="validation score", title="Validation score")
    axes[0].legend(ncols=2, fontsize="small")
    if title:
        figure.suptitle(title)
    figure.savefig(path)
    return figure


def lr_plot_path(path):
    """Where ``--lr-find`` saves its figure beside ``path``: FILE_lr.EXT."""
    root, extension = os.path.splitext(os.fspath(path))
    return f"{root}_lr{extension}"


def plot_lr_find(rows, path, title=""):
    """Save the range test of each solver that had one, one panel each.

    Parameters
    ----------
    rows : list of dict
        Rows of :func:`skoptim._compare.compare_solvers` run with
        ``lr_find=True``; rows without ``lr_find_rates`` (L-BFGS) are left
        out.
    path : str
        The image file; its extension picks the format (png, svg, pdf).
    title : str, default=""

    Returns
    -------
    figure : matplotlib.figure.Figure or None
        None, and no file, when no solver had a range test.
    """
    from matplotlib.figure import Figure

    from .plotting import LRFinderDisplay

    tested = [row for row in rows if row.get("lr_find_rates")]
    if not tested:
        return None
    n_cols = min(3, len(tested))
    n_rows = math.ceil(len(tested) / n_cols)
    figure = Figure(figsize=(4.5 * n_cols, 3.5 * n_rows), layout="constrained")
    axes = figure.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax, row in zip(axes, tested):
        suggestion = {"valley": row["lr_find_suggestion"]}
        display = LRFinderDisplay(
            row["lr_find_rates"], row["lr_find_losses"], suggestion
        )
        display.plot(ax=ax)
        ax.set_title(row["solver"])
    for ax in axes[len(tested) :]:
        ax.set_visible(False)
    if title:
        figure.suptitle(f"Learning-rate range tests: {title}")
    figure.savefig(path)
    return figure
