"""The weights of a fitted network: histograms per layer or first-layer images."""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._base import axes_or_new, final_estimator, import_pyplot

__all__ = ["WeightDisplay"]

_KINDS = ("hist", "image")


class WeightDisplay:
    """Weight histograms per layer, or the first layer's weights as images.

    An L1 penalty sets weights exactly to zero (a spike at 0 in the
    histogram, white pixels in the images); an L2 penalty shrinks them all
    without zeroing any. Create the display with :meth:`from_estimator`; all
    parameters are stored as attributes of the same name.

    Parameters
    ----------
    coefs : list of ndarray of shape (fan_in, fan_out)
        The weight matrix of each layer (a network's ``coefs_``).
    name : str, default=None
        The title of the plot; none when None.

    Attributes
    ----------
    zero_fractions_ : list of float
        Share of the weights exactly 0 in each plotted layer (with
        ``kind="image"``: in the plotted units of the first layer).
    patches_ : list of list of matplotlib Patch
        With ``kind="hist"``: the step histogram of each plotted layer.
    counts_ : list of ndarray
        With ``kind="hist"``: the counts per bin of each plotted layer.
    bin_edges_ : ndarray
        With ``kind="hist"``: the bins, shared by the layers.
    image_ : matplotlib AxesImage
        With ``kind="image"``: the tiled images, one tile per hidden unit,
        white at 0 (a diverging color map symmetric about 0), separated by
        grey gaps.
    colorbar_ : matplotlib Colorbar
        With ``kind="image"``.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    LossCurveDisplay : The training curves of fitted estimators.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skoptim import MLPClassifier
    >>> from skoptim.plotting import WeightDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifier(
    ...     (16,), penalty="l1", alpha=1e-2, max_iter=5, random_state=0
    ... ).fit(X / 16, y)
    >>> display = WeightDisplay.from_estimator(clf, kind="image")
    >>> display.image_.get_array().shape  # 4 x 4 tiles of 8 x 8 pixels
    (35, 35)
    """

    def __init__(self, coefs, name=None):
        self.coefs = coefs
        self.name = name

    @classmethod
    def from_estimator(cls, estimator, *, kind="hist", name=None, ax=None, **kwargs):
        """Plot the weights of a fitted network.

        Parameters
        ----------
        estimator : estimator
            A fitted estimator with ``coefs_`` (skoptim's or scikit-learn's
            MLPs, or a Pipeline ending in one).
        kind : {"hist", "image"}, default="hist"
            Histograms of the weights of each layer, or the first layer's
            weights into each hidden unit as an image.
        name : str, default=None
            The title of the plot.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        **kwargs : dict
            Passed to :meth:`plot` (``layers``, ``bins``, ``log_scale``,
            ``image_shape``, ``n_units``, ``n_cols``).

        Returns
        -------
        display : WeightDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        TypeError
            If it has no ``coefs_``.
        """
        import_pyplot(f"{cls.__name__}.from_estimator")
        model = final_estimator(estimator)
        check_is_fitted(model)
        coefs = getattr(model, "coefs_", None)
        if coefs is None:
            raise TypeError(
                f"{type(model).__name__} has no coefs_; WeightDisplay needs a "
                "fitted network such as skoptim.MLPClassifier."
            )
        display = cls([np.array(w) for w in coefs], name=name)
        return display.plot(ax=ax, kind=kind, **kwargs)

    def plot(
        self,
        ax=None,
        *,
        kind="hist",
        layers=None,
        bins=50,
        log_scale=False,
        image_shape=None,
        n_units=None,
        n_cols=None,
    ):
        """Draw the weights.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        kind : {"hist", "image"}, default="hist"
            Step histograms of the weights of each layer (shared bins), or
            the weights into each unit of the first hidden layer, reshaped to
            ``image_shape`` and tiled.
        layers : list of int, default=None
            With ``kind="hist"``: the layers to plot (0 is the first weight
            matrix); all when None.
        bins : int, default=50
            With ``kind="hist"``: the number of bins.
        log_scale : bool, default=False
            With ``kind="hist"``: logarithmic counts, so that a spike at 0
            and the spread around it both show.
        image_shape : (int, int), default=None
            With ``kind="image"``: the shape of one input, e.g. ``(8, 8)``
            for the digits; a square when None and the number of features is
            a perfect square.
        n_units : int, default=None
            With ``kind="image"``: how many hidden units to show (the
            first ones); all when None.
        n_cols : int, default=None
            With ``kind="image"``: tiles per row; about the square root of
            ``n_units`` when None.

        Returns
        -------
        display : WeightDisplay
            This object, with the matplotlib artists as attributes.
        """
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}; got {kind!r}.")
        coefs = _checked_coefs(self.coefs)
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        if kind == "hist":
            self._plot_histograms(ax, coefs, _checked_layers(layers, len(coefs)), bins)
            if log_scale:
                ax.set_yscale("log")
        else:
            self._plot_images(ax, coefs[0], image_shape, n_units, n_cols)
        if self.name is not None:
            ax.set_title(self.name)
        self.ax_, self.figure_ = ax, figure
        return self

    def _plot_histograms(self, ax, coefs, layers, bins):
        if not isinstance(bins, Integral) or bins < 1:
            raise ValueError(f"bins must be an int >= 1; got {bins!r}.")
        chosen = [coefs[i].ravel() for i in layers]
        edges = np.histogram_bin_edges(np.concatenate(chosen), bins=bins)
        self.counts_, self.patches_, self.zero_fractions_ = [], [], []
        for i, weights in zip(layers, chosen):
            zeros = float(np.mean(weights == 0))
            fan_in, fan_out = coefs[i].shape
            counts, _, patches = ax.hist(
                weights,
                bins=edges,
                histtype="step",
                linewidth=1.5,
                label=f"coefs_[{i}] ({fan_in}x{fan_out}): {zeros:.0%} exactly 0",
            )
            self.counts_.append(counts)
            self.patches_.append(patches)
            self.zero_fractions_.append(zeros)
        self.bin_edges_ = edges
        ax.set_xlabel("weight")
        ax.set_ylabel("count")
        ax.legend(fontsize="small")

    def _plot_images(self, ax, weights, image_shape, n_units, n_cols):
        n_features, n_hidden = weights.shape
        image_shape = _checked_image_shape(image_shape, n_features)
        n_units = _checked_count(n_units, "n_units", n_hidden, default=n_hidden)
        n_cols = _checked_count(
            n_cols, "n_cols", None, default=int(np.ceil(np.sqrt(n_units)))
        )
        shown = weights[:, :n_units]
        mosaic = _tile(shown, image_shape, n_cols)
        limit = float(np.max(np.abs(shown))) or 1.0
        from matplotlib import colormaps

        cmap = colormaps["RdBu_r"]
        self.image_ = ax.imshow(
            mosaic,
            cmap=cmap.with_extremes(bad="0.4"),  # grey gaps between the tiles
            vmin=-limit,
            vmax=limit,
            interpolation="nearest",
        )
        self.colorbar_ = ax.figure.colorbar(self.image_, ax=ax)
        self.zero_fractions_ = [float(np.mean(shown == 0))]
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(
            f"coefs_[0]: weights into {n_units} units, "
            f"{self.zero_fractions_[0]:.0%} exactly 0"
        )


def _checked_coefs(coefs):
    coefs = [np.asarray(w, dtype=np.float64) for w in coefs]
    if not coefs or any(w.ndim != 2 for w in coefs):
        raise ValueError(
            "coefs must be a non-empty list of 2-D weight matrices "
            f"(fan_in, fan_out); got shapes {[w.shape for w in coefs]}."
        )
    return coefs


def _checked_layers(layers, n_layers):
    if layers is None:
        return list(range(n_layers))
    layers = list(layers)
    bad = [i for i in layers if not isinstance(i, Integral) or not 0 <= i < n_layers]
    if not layers or bad:
        raise ValueError(
            f"layers must be a non-empty list of ints in [0, {n_layers - 1}]; "
            f"got {layers!r}."
        )
    return layers


def _checked_image_shape(image_shape, n_features):
    if image_shape is None:
        side = int(round(np.sqrt(n_features)))
        if side * side != n_features:
            raise ValueError(
                f"The {n_features} input features are not a square image: "
                "pass image_shape=(rows, columns)."
            )
        return side, side
    rows, cols = (int(v) for v in image_shape)
    if rows < 1 or cols < 1 or rows * cols != n_features:
        raise ValueError(
            f"image_shape={tuple(image_shape)} must have as many pixels as the "
            f"{n_features} input features."
        )
    return rows, cols


def _checked_count(value, parameter, largest, default):
    if value is None:
        return default
    if not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{parameter} must be an int >= 1; got {value!r}.")
    return int(value) if largest is None else min(int(value), largest)


def _tile(weights, image_shape, n_cols):
    """One image per column of ``weights``, tiled with NaN gaps of one pixel."""
    rows, cols = image_shape
    n_units = weights.shape[1]
    n_rows = int(np.ceil(n_units / n_cols))
    mosaic = np.full((n_rows * (rows + 1) - 1, n_cols * (cols + 1) - 1), np.nan)
    for unit in range(n_units):
        r, c = divmod(unit, n_cols)
        top, left = r * (rows + 1), c * (cols + 1)
        mosaic[top : top + rows, left : left + cols] = weights[:, unit].reshape(
            image_shape
        )
    return mosaic
