"""Paths of optimizers over the contours of a function of two variables."""

from numbers import Integral

import numpy as np

from .. import test_functions
from ._base import axes_or_new, import_pyplot, named_items, single_or_list

__all__ = ["OptimizerPathDisplay"]


class OptimizerPathDisplay:
    """Contours of a function of two variables with the paths of optimizers.

    Create it with :meth:`from_results`; all parameters are stored as
    attributes of the same name.

    Parameters
    ----------
    xx, yy : ndarray of shape (n_y, n_x)
        The grid of points (as :func:`numpy.meshgrid` makes it).
    zz : ndarray of shape (n_y, n_x)
        The function's value at each grid point.
    paths : list of ndarray of shape (n_points, 2)
        The iterates of each run, starting point first.
    names : list of str, default=None
        One legend label per path; ``"run 0"``, ... when None.
    minima : ndarray of shape (n_minima, 2), default=None
        Points marked with a star, e.g. the known minima.

    Attributes
    ----------
    contour_ : matplotlib QuadContourSet
        The contour lines.
    line_ : matplotlib Line2D or list of Line2D
        The path, or one per run when there are several (at most
        ``max_points`` of its points, the first and the last included).
    minima_ : matplotlib Line2D or None
        The stars at ``minima``.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skoptim import minimize
    >>> from skoptim.plotting import OptimizerPathDisplay
    >>> from skoptim.test_functions import STARTS, beale
    >>> results = {
    ...     solver: minimize(beale, STARTS["beale"], solver=solver, max_iter=200)
    ...     for solver in ["sgd", "adam"]
    ... }
    >>> display = OptimizerPathDisplay.from_results(beale, results)
    >>> [line.get_label() for line in display.line_]
    ['sgd', 'adam']
    """

    def __init__(self, xx, yy, zz, paths, names=None, minima=None):
        self.xx = xx
        self.yy = yy
        self.zz = zz
        self.paths = paths
        self.names = names
        self.minima = minima

    @classmethod
    def from_results(
        cls,
        fun,
        results,
        *,
        xlim=None,
        ylim=None,
        resolution=150,
        minima="auto",
        ax=None,
        **kwargs,
    ):
        """Plot the paths of :func:`skoptim.minimize` results over ``fun``.

        Parameters
        ----------
        fun : callable
            The function of two variables that was minimized: ``fun(x)`` with
            ``x`` of shape (2,) returns the value, or ``(value, gradient)`` as
            :func:`skoptim.minimize` expects (the functions of
            :mod:`skoptim.test_functions`).
        results : OptimizeResult, list of them or dict of str -> OptimizeResult
            Results of :func:`skoptim.minimize` (anything with a ``path`` of
            shape (n_points, 2)). A dict's keys are the legend labels.
        xlim, ylim : (float, float), default=None
            The plotted ranges; when None, the range of the paths (and of
            the minima) with a margin of 10%.
        resolution : int, default=150
            Grid points per axis for the contours (``fun`` is called
            ``resolution**2`` times).
        minima : "auto", array-like of shape (n_minima, 2) or None, default="auto"
            Points to mark with a star. ``"auto"`` marks
            :data:`skoptim.test_functions.MINIMA` when ``fun`` is one of those
            functions, and nothing otherwise.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : OptimizerPathDisplay

        Raises
        ------
        ValueError
            If a path is not of 2-D points, ``fun`` does not take a point of
            two variables or is not finite anywhere on the grid, or
            ``resolution`` is below 2.
        TypeError
            If ``fun`` is not callable or a result has no ``path``.
        """
        import_pyplot(f"{cls.__name__}.from_results")
        if not callable(fun):
            raise TypeError(f"fun must be callable; got {type(fun).__name__}.")
        names, results = named_items(
            results,
            "results",
            lambda result, i: f"run {i}",
            is_single=lambda results: hasattr(results, "path"),
        )
        paths = [_path_of(result) for result in results]
        minima = _known_minima(fun) if _is_auto(minima) else minima
        minima = None if minima is None else _as_points(minima, "minima")
        xlim, ylim = _limits(paths, minima, xlim, ylim)
        xx, yy, zz = _evaluate_grid(fun, xlim, ylim, resolution)
        display = cls(xx, yy, zz, paths, names, minima)
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, levels=30, log_levels=True, max_points=500):
        """Draw the contours and the paths.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        levels : int, default=30
            Number of contour levels.
        log_levels : bool, default=True
            Space the levels geometrically above the smallest value on the
            grid, so that narrow valleys (Rosenbrock) show; evenly when
            False.
        max_points : int, default=500
            Most points drawn per path (evenly spaced in the path; the first
            and the last are always drawn).

        Returns
        -------
        display : OptimizerPathDisplay
            This object, with the matplotlib artists as attributes.
        """
        if not isinstance(levels, Integral) or levels < 2:
            raise ValueError(f"levels must be an int >= 2; got {levels!r}.")
        if not isinstance(max_points, Integral) or max_points < 2:
            raise ValueError(f"max_points must be an int >= 2; got {max_points!r}.")
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        zz = np.asarray(self.zz, dtype=np.float64)
        self.contour_ = ax.contour(
            self.xx,
            self.yy,
            zz,
            levels=_contour_levels(zz, levels, log_levels),
            colors="0.65",
            linewidths=0.7,
        )
        names = self.names or [f"run {i}" for i in range(len(self.paths))]
        lines = [
            _draw_path(ax, np.asarray(path), name, max_points)
            for path, name in zip(self.paths, names)
        ]
        self.minima_ = None
        if self.minima is not None:
            (self.minima_,) = ax.plot(
                *np.asarray(self.minima).T, "r*", markersize=12, label="minimum"
            )
        ax.set_xlim(self.xx.min(), self.xx.max())
        ax.set_ylim(self.yy.min(), self.yy.max())
        ax.set_xlabel("$x_0$")
        ax.set_ylabel("$x_1$")
        ax.legend(fontsize="small")
        self.ax_, self.figure_ = ax, figure
        self.line_ = single_or_list(lines)
        return self


def _is_auto(value):
    return isinstance(value, str) and value == "auto"


def _path_of(result):
    path = getattr(result, "path", None)
    if path is None:
        raise TypeError(
            "Each result must have a path of iterates, as skoptim.minimize's "
            f"results do; got {type(result).__name__} without one."
        )
    return _as_points(path, "each result's path")


def _as_points(points, what):
    points = np.asarray(points, dtype=np.float64)
    if points.ndim == 1 and points.shape[0] == 2:
        points = points[np.newaxis]
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(
            f"{what} must hold points of two variables, shape (n, 2); got "
            f"shape {points.shape}. OptimizerPathDisplay plots functions of "
            "two variables only."
        )
    return points


def _known_minima(fun):
    """The minima of a function of :mod:`skoptim.test_functions`, else None."""
    name = getattr(fun, "__name__", None)
    if name in test_functions.MINIMA and getattr(test_functions, name) is fun:
        return test_functions.MINIMA[name]
    return None


def _limits(paths, minima, xlim, ylim):
    """The plotted ranges: given ones, or the finite points' range + 10%."""
    points = np.vstack(paths + ([] if minima is None else [minima]))
    points = points[np.all(np.isfinite(points), axis=1)]
    limits = []
    for given, column, name in ((xlim, 0, "xlim"), (ylim, 1, "ylim")):
        if given is None:
            low, high = points[:, column].min(), points[:, column].max()
            margin = 0.1 * (high - low) if high > low else 1.0
            given = (low - margin, high + margin)
        low, high = (float(v) for v in given)
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(
                f"{name} must be two finite floats (low < high); got {given}."
            )
        limits.append((low, high))
    return limits


def _evaluate_grid(fun, xlim, ylim, resolution):
    """``fun`` on a ``resolution`` x ``resolution`` grid."""
    if not isinstance(resolution, Integral) or resolution < 2:
        raise ValueError(f"resolution must be an int >= 2; got {resolution!r}.")
    xx, yy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    points = np.column_stack([xx.ravel(), yy.ravel()])
    try:
        values = np.array([_value(fun, point) for point in points])
    except (ValueError, TypeError, IndexError) as error:
        raise ValueError(
            "fun must be a function of two variables: calling it on a point "
            f"of shape (2,) failed with {type(error).__name__}: {error}"
        ) from error
    zz = values.reshape(xx.shape)
    if not np.any(np.isfinite(zz)):
        raise ValueError("fun is not finite anywhere on the grid: nothing to draw.")
    return xx, yy, zz


def _value(fun, point):
    """The value of ``fun`` at ``point``, whether it returns a gradient or not."""
    out = fun(point)
    value = out[0] if isinstance(out, tuple) else out
    return float(value)


def _contour_levels(zz, levels, log_levels):
    """Levels evenly or geometrically spaced above the smallest finite value."""
    finite = zz[np.isfinite(zz)]
    low, high = finite.min(), finite.max()
    if high <= low:
        return np.array([low - 1.0, low, low + 1.0])
    if log_levels:
        span = high - low
        return low + np.geomspace(span * 1e-4, span, levels)
    return np.linspace(low, high, levels)


def _draw_path(ax, path, name, max_points):
    """The path as a line with points, a circle at the start."""
    kept = np.linspace(0, len(path) - 1, min(len(path), max_points))
    shown = path[np.unique(kept.round().astype(int))]  # first and last included
    (line,) = ax.plot(
        shown[:, 0], shown[:, 1], ".-", markersize=3, linewidth=1, label=name
    )
    ax.plot(*path[0], "o", color=line.get_color(), markersize=6)
    return line
