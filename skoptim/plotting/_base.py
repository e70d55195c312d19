"""What every display needs: matplotlib on demand, an axes, named inputs."""

from collections.abc import Mapping

from sklearn.pipeline import Pipeline

INSTALL_HINT = 'pip install "skoptim[plot]"'


def import_pyplot(caller):
    """``matplotlib.pyplot``, or an ImportError naming ``caller`` and the extra.

    Parameters
    ----------
    caller : str
        What needs matplotlib, e.g. ``"LossCurveDisplay.plot"``.

    Returns
    -------
    pyplot : module
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            f"{caller} needs matplotlib, which is not installed. "
            f"Install it with: {INSTALL_HINT}"
        ) from error
    return plt


def axes_or_new(ax, caller):
    """``ax`` and its figure, or a new figure's single axes when ``ax`` is None."""
    plt = import_pyplot(caller)
    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure


def named_items(objects, parameter, default_name, is_single=None):
    """``(names, objects)`` from one object, a list of them or a dict name->object.

    Parameters
    ----------
    objects : object, list or dict
        One object, a list or tuple of objects, or a dict of name -> object.
    parameter : str
        The parameter's name, for the error message.
    default_name : callable
        ``default_name(obj, index)`` gives the name of an unnamed object.
    is_single : callable, default=None
        ``is_single(objects)`` tells one object that is itself a dict or a
        list (a :class:`~scipy.optimize.OptimizeResult` is a dict) from a
        collection of them.

    Returns
    -------
    names : list of str
    values : list
    """
    if is_single is not None and is_single(objects):
        values = [objects]
        names = [default_name(objects, 0)]
    elif isinstance(objects, Mapping):
        names = [str(name) for name in objects]
        values = list(objects.values())
    elif isinstance(objects, list | tuple):
        values = list(objects)
        names = [default_name(obj, i) for i, obj in enumerate(values)]
    else:
        values = [objects]
        names = [default_name(objects, 0)]
    if not values:
        raise ValueError(f"{parameter} is empty: pass at least one.")
    return names, values


def final_estimator(estimator):
    """The last step of a Pipeline (recursively), else the estimator itself."""
    while isinstance(estimator, Pipeline):
        estimator = estimator[-1]
    return estimator


def single_or_list(artists):
    """One artist when there is one, else the list (scikit-learn's convention)."""
    return artists[0] if len(artists) == 1 else artists
