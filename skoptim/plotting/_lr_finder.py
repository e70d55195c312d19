"""Loss against learning rate of a learning-rate range test (``lr_find``)."""

import numpy as np

from .._lr_find import lr_find
from ._base import axes_or_new, import_pyplot

__all__ = ["LRFinderDisplay"]

#: The marker of each suggestion of :class:`~skoptim.LRFinderResult`.
MARKERS = {"steepest": "o", "minimum": "s", "valley": "D"}


class LRFinderDisplay:
    """Smoothed loss against log learning rate, with the suggested rates marked.

    Create it with :meth:`from_result` or :meth:`from_estimator`; all
    parameters are stored as attributes of the same name.

    Parameters
    ----------
    learning_rates : array-like of shape (n_updates,)
        The positive learning rate of each update of the range test
        (``LRFinderResult.learning_rates``).
    losses : array-like of shape (n_updates,)
        The smoothed loss of each update (``LRFinderResult.losses``);
        non-finite values (a diverged last update) are not drawn.
    suggestions : dict of str to float, default=None
        Named learning rates to mark on the curve
        (``LRFinderResult.suggestions``); none when None. Non-finite
        rates are not marked.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The loss curve.
    suggestion_lines_ : dict of str to matplotlib Line2D
        One marker per suggestion, at its rate on the curve, labelled with
        its name and rate.
    ax_ : matplotlib Axes
        The axes, with a logarithmic x-axis.
    figure_ : matplotlib Figure

    See Also
    --------
    skoptim.lr_find : The range test.
    LossCurveDisplay : The loss per epoch of fitted estimators.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skoptim import MLPClassifier
    >>> from skoptim.plotting import LRFinderDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> display = LRFinderDisplay.from_estimator(
    ...     MLPClassifier((16,), random_state=0),
    ...     X / 16,
    ...     y,
    ...     lr_find_params={"num_iter": 50},
    ... )
    >>> display.ax_.get_xscale(), sorted(display.suggestion_lines_)
    ('log', ['minimum', 'steepest', 'valley'])
    """

    def __init__(self, learning_rates, losses, suggestions=None):
        self.learning_rates = learning_rates
        self.losses = losses
        self.suggestions = suggestions

    @classmethod
    def from_result(cls, result, *, ax=None, **kwargs):
        """Plot the result of :func:`skoptim.lr_find`.

        Parameters
        ----------
        result : LRFinderResult
            What :func:`skoptim.lr_find` returned.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Passed to matplotlib's ``plot`` for the loss curve.

        Returns
        -------
        display : LRFinderDisplay
        """
        display = cls(result.learning_rates, result.losses, result.suggestions)
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, lr_find_params=None, ax=None, **kwargs):
        """Run :func:`skoptim.lr_find` on ``estimator`` and plot its result.

        ``estimator`` itself is not fitted or changed.

        Parameters
        ----------
        estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
            Its solver must have a learning rate (not L-BFGS).
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        lr_find_params : dict, default=None
            Options of :func:`skoptim.lr_find` (``start``, ``end``,
            ``num_iter``, ...).
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Passed to matplotlib's ``plot`` for the loss curve.

        Returns
        -------
        display : LRFinderDisplay
        """
        import_pyplot(f"{cls.__name__}.from_estimator")
        result = lr_find(estimator, X, y, **(lr_find_params or {}))
        return cls.from_result(result, ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the curve and mark the suggestions.

        The y-axis spans the curve up to its lowest point, with a margin, so
        that the explosion of the loss at the end does not flatten the
        interesting part (``ax_.autoscale()`` shows everything).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Passed to matplotlib's ``plot`` for the loss curve.

        Returns
        -------
        display : LRFinderDisplay
            This object, with the matplotlib artists as attributes.
        """
        rates, losses, suggestions = self._checked_data()
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        (self.line_,) = ax.plot(rates, losses, **{"label": "loss", **kwargs})
        self.suggestion_lines_ = {
            name: _mark(ax, name, rate, rates, losses)
            for name, rate in suggestions.items()
            if np.isfinite(rate)
        }
        ax.set_xscale("log")
        limits = _interesting_loss_range(losses)
        if limits is not None:
            ax.set_ylim(*limits)
        ax.set_xlabel("learning rate")
        ax.set_ylabel("smoothed training loss")
        ax.legend()
        self.ax_, self.figure_ = ax, figure
        return self

    def _checked_data(self):
        """The rates and losses as float arrays, and the suggestions as a dict."""
        rates = np.asarray(self.learning_rates, dtype=np.float64)
        losses = np.asarray(self.losses, dtype=np.float64)
        if rates.ndim != 1 or rates.shape != losses.shape:
            raise ValueError(
                "learning_rates and losses must be 1-D and of the same length; "
                f"got shapes {rates.shape} and {losses.shape}."
            )
        if rates.size == 0 or not np.all(rates > 0):
            raise ValueError(
                "learning_rates must be positive (a log x-axis), at least one."
            )
        suggestions = {} if self.suggestions is None else dict(self.suggestions)
        return rates, losses, {str(k): float(v) for k, v in suggestions.items()}


def _interesting_loss_range(losses):
    """y-limits around the loss from its start to its minimum, or None."""
    finite = losses[np.isfinite(losses)]
    if finite.size == 0:
        return None
    lowest = int(np.argmin(finite))
    low, high = finite[lowest], finite[: lowest + 1].max()
    spread = high - low
    if not spread > 0:
        return None
    return low - 0.1 * spread, high + 0.5 * spread


def _mark(ax, name, rate, rates, losses):
    """A marker at ``rate`` on the curve (interpolated in log rate)."""
    finite = np.isfinite(losses)
    loss = (
        np.interp(np.log(rate), np.log(rates[finite]), losses[finite])
        if finite.any()
        else np.nan
    )
    (line,) = ax.plot(
        [rate],
        [loss],
        linestyle="",
        marker=MARKERS.get(name, "^"),
        label=f"{name}: {rate:.2g}",
    )
    return line
