"""Training loss and validation score per epoch of fitted estimators."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._base import (
    axes_or_new,
    final_estimator,
    import_pyplot,
    named_items,
    single_or_list,
)

__all__ = ["LossCurveDisplay"]


class LossCurveDisplay:
    """Training loss (and validation score) per epoch of one or more estimators.

    Create it with :meth:`from_estimator`; all parameters are stored as
    attributes of the same name.

    Parameters
    ----------
    loss_curves : list of array-like of shape (n_epochs,)
        The training objective of each epoch, one curve per estimator
        (an estimator's ``loss_curve_``).
    validation_scores : list of (array-like or None), default=None
        The held-out score of each epoch per estimator
        (``validation_scores_``, recorded with ``early_stopping=True``), or
        None for an estimator without one. When shorter than its loss curve
        (a warm start that switched early stopping on), the scores belong to
        the last epochs.
    names : list of str, default=None
        One legend label per curve; ``"estimator 0"``, ... when None.

    Attributes
    ----------
    line_ : matplotlib Line2D or list of Line2D
        The loss curve, or one per estimator when there are several.
    validation_line_ : matplotlib Line2D, list of (Line2D or None), or None
        The validation curves, drawn dashed in the loss curve's color on a
        second y-axis; None where an estimator has no validation score.
    ax_ : matplotlib Axes
        The axes of the loss curves.
    validation_ax_ : matplotlib Axes or None
        The twin axes (right y-axis) of the validation scores, when drawn.
    figure_ : matplotlib Figure

    See Also
    --------
    WeightDisplay : The weights of a fitted network.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skoptim import MLPClassifier
    >>> from skoptim.plotting import LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> models = {
    ...     solver: MLPClassifier(
    ...         (8,), solver=solver, max_iter=20, tol=0, random_state=0
    ...     ).fit(X, y)
    ...     for solver in ["sgd", "adam"]
    ... }
    >>> display = LossCurveDisplay.from_estimator(models, log_scale=True)
    >>> [line.get_label() for line in display.line_]
    ['sgd', 'adam']
    """

    def __init__(self, loss_curves, validation_scores=None, names=None):
        self.loss_curves = loss_curves
        self.validation_scores = validation_scores
        self.names = names

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        log_scale=False,
        validation=True,
        ax=None,
        **kwargs,
    ):
        """Plot the curves recorded by fitted estimators.

        Parameters
        ----------
        estimator : estimator, list of estimators or dict of str -> estimator
            Fitted estimators with a ``loss_curve_`` (skoptim's or
            scikit-learn's MLPs, or a Pipeline ending in one). A dict's keys
            are the legend labels; otherwise the class names are used.
        log_scale : bool, default=False
            Logarithmic y-axis for the loss.
        validation : bool, default=True
            Draw ``validation_scores_`` where an estimator recorded them.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Passed to matplotlib's ``plot`` for the loss curves.

        Returns
        -------
        display : LossCurveDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If an estimator is not fitted.
        TypeError
            If an estimator records no ``loss_curve_``.
        """
        import_pyplot(f"{cls.__name__}.from_estimator")
        names, estimators = named_items(
            estimator, "estimator", lambda est, i: type(est).__name__
        )
        losses, scores = zip(*(_recorded_curves(est) for est in estimators))
        display = cls(list(losses), list(scores), names)
        return display.plot(ax=ax, log_scale=log_scale, validation=validation, **kwargs)

    def plot(self, ax=None, *, log_scale=False, validation=True, **kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        log_scale : bool, default=False
            Logarithmic y-axis for the loss.
        validation : bool, default=True
            Draw the validation scores (dashed, right y-axis) where there are
            some.
        **kwargs : dict
            Passed to matplotlib's ``plot`` for the loss curves.

        Returns
        -------
        display : LossCurveDisplay
            This object, with the matplotlib artists as attributes.
        """
        losses, scores, names = self._checked_data()
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        lines = []
        for name, loss in zip(names, losses):
            epochs = np.arange(1, len(loss) + 1)
            (line,) = ax.plot(epochs, loss, label=name, **kwargs)
            lines.append(line)
        if log_scale:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss (mean loss + penalty)")
        shown = validation and any(s is not None for s in scores)
        validation_ax = ax.twinx() if shown else None
        validation_lines = [
            _draw_validation(validation_ax, loss, score, line)
            if shown and score is not None
            else None
            for loss, score, line in zip(losses, scores, lines)
        ]
        if shown:
            validation_ax.set_ylabel("validation score (dashed)")
        _add_legend(ax, validation_ax, lines)
        self.ax_, self.figure_, self.validation_ax_ = ax, figure, validation_ax
        self.line_ = single_or_list(lines)
        self.validation_line_ = single_or_list(validation_lines) if shown else None
        return self

    def _checked_data(self):
        """The curves as float arrays, scores padded with None, and names."""
        losses = [_as_curve(loss, "loss_curves") for loss in self.loss_curves]
        if not losses:
            raise ValueError("loss_curves is empty: pass at least one curve.")
        scores = self.validation_scores
        scores = [None] * len(losses) if scores is None else list(scores)
        names = self.names
        names = (
            [f"estimator {i}" for i in range(len(losses))] if names is None else names
        )
        if not len(scores) == len(names) == len(losses):
            raise ValueError(
                "loss_curves, validation_scores and names must have one entry "
                f"per estimator; got {len(losses)}, {len(scores)} and "
                f"{len(names)}."
            )
        scores = [
            None if s is None else _as_curve(s, "validation_scores") for s in scores
        ]
        for loss, score in zip(losses, scores):
            if score is not None and len(score) > len(loss):
                raise ValueError(
                    "validation_scores has more epochs than its loss curve: "
                    f"{len(score)} > {len(loss)}."
                )
        return losses, scores, [str(name) for name in names]


def _recorded_curves(estimator):
    """``(loss_curve_, validation_scores_ or None)`` of a fitted estimator."""
    model = final_estimator(estimator)
    check_is_fitted(model)
    if getattr(model, "loss_curve_", None) is None:
        raise TypeError(
            f"{type(model).__name__} records no loss_curve_; LossCurveDisplay "
            "needs an estimator trained epoch by epoch, such as "
            "skoptim.MLPClassifier or skoptim.MLPRegressor."
        )
    return model.loss_curve_, getattr(model, "validation_scores_", None)


def _as_curve(values, parameter):
    curve = np.asarray(values, dtype=np.float64)
    if curve.ndim != 1:
        raise ValueError(
            f"Each of {parameter} must be 1-D (one value per epoch); got shape "
            f"{curve.shape}."
        )
    return curve


def _add_legend(ax, validation_ax, lines):
    """A legend of the loss lines, on top of the twin axes when there is one."""
    if validation_ax is None:
        ax.legend(handles=lines)
        return
    from matplotlib.lines import Line2D

    dashed = Line2D([], [], color="0.4", linestyle="--", label="validation score")
    validation_ax.legend(handles=[*lines, dashed])


def _draw_validation(ax, loss, score, loss_line):
    """The validation curve, aligned with the last epochs of the loss curve."""
    epochs = np.arange(len(loss) - len(score) + 1, len(loss) + 1)
    (line,) = ax.plot(
        epochs,
        score,
        linestyle="--",
        color=loss_line.get_color(),
        label=f"{loss_line.get_label()} (validation)",
    )
    return line
