"""The figure of ``skoptim compare --plot``: loss and validation curves."""

__all__ = ["plot_curves"]


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
