r"""Classic test functions of optimization, with exact gradients.

Each function takes a 1-D array ``x`` and returns ``(value, gradient)``, the
form :func:`skoptim.minimize` expects. :data:`MINIMA` gives the global minima
(all with value 0) and :data:`STARTS` the standard starting points.

Examples
--------
>>> from skoptim.test_functions import STARTS, rosenbrock
>>> value, gradient = rosenbrock(STARTS["rosenbrock"])
>>> round(value, 2), gradient.round(1).tolist()
(24.2, [-215.6, -88.0])
"""

import numpy as np

__all__ = [
    "rosenbrock",
    "beale",
    "himmelblau",
    "scaled_quadratic",
    "MINIMA",
    "STARTS",
]


def _as_vector(x, name, n=None):
    """``x`` as a float64 1-D array, of length ``n`` when given."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"{name} takes a 1-D array x; got shape {x.shape}.")
    if n is not None and x.shape[0] != n:
        raise ValueError(f"{name} takes x of length {n}; got length {x.shape[0]}.")
    return x


def rosenbrock(x, a=1.0, b=100.0):
    r"""The Rosenbrock function (generalized to :math:`n \ge 2` dimensions).

    .. math::

        f(x) = \sum_{i=1}^{n-1} b \left(x_{i+1} - x_i^2\right)^2
            + \left(a - x_i\right)^2

    A narrow curved valley: finding it is easy, following it to the minimum
    is hard. In two dimensions the minimum is :math:`(a, a^2)`; with
    :math:`a = 1` it is the all-ones vector in every dimension. The value
    there is 0. The standard start is :math:`(-1.2, 1)`. With ``a=1,
    b=100`` it equals :func:`scipy.optimize.rosen`.

    Parameters
    ----------
    x : ndarray of shape (n,)
        The point, :math:`n \ge 2`.
    a : float, default=1.0
    b : float, default=100.0

    Returns
    -------
    value : float
    gradient : ndarray of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.test_functions import rosenbrock
    >>> rosenbrock(np.ones(5))
    (0.0, array([0., 0., 0., 0., 0.]))
    """
    x = _as_vector(x, "rosenbrock")
    if x.shape[0] < 2:
        raise ValueError(f"rosenbrock takes x of length >= 2; got {x.shape[0]}.")
    head, tail = x[:-1], x[1:]
    valley = tail - head**2
    offset = head - a
    value = float(np.sum(b * valley**2 + offset**2))
    gradient = np.zeros_like(x)
    gradient[:-1] = 2 * offset - 4 * b * head * valley
    gradient[1:] += 2 * b * valley
    return value, gradient


def beale(x):
    r"""The Beale function of two variables.

    .. math::

        f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2
            + (2.625 - x + xy^3)^2

    Flat plateaus and steep ridges near the corners of
    :math:`[-4.5, 4.5]^2`. The minimum is :math:`(3, 0.5)`, value 0; the
    standard start is :math:`(1, 1)`.

    Parameters
    ----------
    x : ndarray of shape (2,)

    Returns
    -------
    value : float
    gradient : ndarray of shape (2,)

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.test_functions import beale
    >>> beale(np.array([3.0, 0.5]))
    (0.0, array([0., 0.]))
    """
    x0, x1 = _as_vector(x, "beale", 2)
    powers = np.array([x1, x1**2, x1**3])
    residuals = np.array([1.5, 2.25, 2.625]) - x0 + x0 * powers
    value = float(residuals @ residuals)
    d_powers = np.array([1.0, 2 * x1, 3 * x1**2])
    gradient = 2 * np.array(
        [residuals @ (powers - 1), x0 * (residuals @ d_powers)],
    )
    return value, gradient


def himmelblau(x):
    r"""Himmelblau's function of two variables.

    .. math:: f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2

    Four global minima, all with value 0: :math:`(3, 2)` exactly and,
    rounded, :math:`(-2.805118, 3.131312)`, :math:`(-3.779310, -3.283186)`
    and :math:`(3.584428, -1.848126)` (:data:`MINIMA` holds them to full
    precision). The standard start is :math:`(0, 0)`, from which descent
    methods usually reach :math:`(3, 2)`.

    Parameters
    ----------
    x : ndarray of shape (2,)

    Returns
    -------
    value : float
    gradient : ndarray of shape (2,)

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.test_functions import himmelblau
    >>> himmelblau(np.array([3.0, 2.0]))
    (0.0, array([0., 0.]))
    """
    x0, x1 = _as_vector(x, "himmelblau", 2)
    first = x0**2 + x1 - 11
    second = x0 + x1**2 - 7
    value = float(first**2 + second**2)
    gradient = np.array(
        [4 * x0 * first + 2 * second, 2 * first + 4 * x1 * second],
    )
    return value, gradient


def scaled_quadratic(x, scales=(1.0, 10.0)):
    r"""A convex quadratic with axis-aligned curvatures ``scales``.

    .. math:: f(x) = \frac12 \sum_{i=1}^{n} s_i x_i^2

    The condition number is :math:`\max s / \min s`; gradient descent needs
    a step below :math:`2 / \max s` and converges at a rate set by the
    condition number. The minimum is 0 at the origin. Any dimension, as long
    as ``scales`` has one entry per coordinate of ``x``.

    Parameters
    ----------
    x : ndarray of shape (n,)
    scales : array-like of shape (n,), default=(1.0, 10.0)
        The curvatures :math:`s_i > 0`.

    Returns
    -------
    value : float
    gradient : ndarray of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.test_functions import scaled_quadratic
    >>> scaled_quadratic(np.array([1.0, 1.0]))
    (5.5, array([ 1., 10.]))
    """
    x = _as_vector(x, "scaled_quadratic")
    scales = np.asarray(scales, dtype=np.float64)
    if scales.shape != x.shape:
        raise ValueError(
            f"scaled_quadratic needs one scale per coordinate: x has shape "
            f"{x.shape}, scales has shape {scales.shape}."
        )
    gradient = scales * x
    return float(0.5 * (x @ gradient)), gradient


def _frozen(values):
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


#: The global minima in two dimensions, one row per minimum; every value is 0.
#: Himmelblau's non-integer minima are given to full double precision.
MINIMA = {
    "rosenbrock": _frozen([[1.0, 1.0]]),
    "beale": _frozen([[3.0, 0.5]]),
    "himmelblau": _frozen(
        [
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286170],
            [3.584428340330492, -1.848126526964404],
        ]
    ),
    "scaled_quadratic": _frozen([[0.0, 0.0]]),
}

#: The standard starting points (read-only arrays). The quadratic has no
#: standard start; ``(1, 1)`` gives both coordinates the same distance to go.
STARTS = {
    "rosenbrock": _frozen([-1.2, 1.0]),
    "beale": _frozen([1.0, 1.0]),
    "himmelblau": _frozen([0.0, 0.0]),
    "scaled_quadratic": _frozen([1.0, 1.0]),
}
