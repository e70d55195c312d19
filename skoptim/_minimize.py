"""Minimize a function of a vector with any skoptim solver."""

from numbers import Integral, Real

import numpy as np
from scipy.optimize import OptimizeResult
from sklearn.base import clone

from .optimizers import SOLVERS, resolve_solver

__all__ = ["minimize"]

#: ``status`` codes of the result, as in :func:`scipy.optimize.minimize`.
_CONVERGED, _MAX_ITER, _DIVERGED, _ABNORMAL, _STOPPED = 0, 1, 2, 3, 99


def minimize(fun, x0, solver="adam", max_iter=1000, tol=1e-6, callback=None):
    """Minimize ``fun`` from ``x0`` with a skoptim solver.

    Runs the solver's update rule on a single vector of parameters, without
    an estimator: useful to see how a solver behaves on a test function
    (:mod:`skoptim.test_functions`) and to compare solvers.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (value, gradient)`` with ``x`` and ``gradient`` arrays of
        shape (n,) and ``value`` a float.
    x0 : array-like of shape (n,)
        The starting point; copied (in float64), never changed.
    solver : str or solver, default="adam"
        A name from :data:`skoptim.optimizers.SOLVERS` or a solver object.
        The object is cloned and its hyperparameters are validated; it is
        never changed.
    max_iter : int, default=1000
        Maximum number of updates (iterations for L-BFGS). Each update is
        one "epoch" for a schedule that counts epochs.
    tol : float, default=1e-6
        Stop before an update when the largest absolute entry of the
        gradient is at most ``tol``. ``tol=0`` disables the test, so a
        first-order solver makes exactly ``max_iter`` updates (barring
        divergence or the callback). For L-BFGS it is scipy's ``gtol``.
    callback : callable, optional
        ``callback(intermediate_result)`` after each update, with an
        :class:`~scipy.optimize.OptimizeResult` holding ``x``, ``fun``,
        ``nit`` and (not for L-BFGS) ``jac``: scipy's convention. Returning
        True or raising :class:`StopIteration` stops the run.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        With ``x`` (the last point), ``fun`` and ``jac`` (value and gradient
        there), ``nit`` (updates made), ``nfev`` (calls of ``fun``),
        ``success``, ``status`` (0 converged, 1 ``max_iter`` reached, 2
        diverged, 3 another stop of L-BFGS-B, 99 stopped by the callback),
        ``message``, ``path`` (shape ``(nit + 1, n)``, ``x0`` first) and
        ``fun_path`` (the values at the points of ``path``). When the value
        or the gradient becomes non-finite, the run stops with
        ``success=False``, a message starting with "diverged" and ``x`` the
        last point where both were finite.

    Raises
    ------
    ValueError
        If ``x0`` is not a non-empty finite 1-D array, if ``solver`` is an
        unknown name or has an invalid hyperparameter (the error names it),
        or if ``max_iter`` or ``tol`` is negative.

    See Also
    --------
    scipy.optimize.minimize : The same result object for scipy's methods.

    Notes
    -----
    A first-order solver evaluates ``fun`` at the current point, stops if
    the gradient meets ``tol``, else calls ``solver.step`` and then
    ``solver.end_epoch`` with the value (so ``ReduceOnPlateau`` sees it).
    It succeeds only when the gradient tolerance is met.

    A full-batch solver (``solver.full_batch``, i.e. L-BFGS) runs through
    ``solver.run``; ``path`` holds its iterates, ``nfev`` counts scipy's
    evaluations and the one at ``x0``, and ``message`` quotes scipy's. It
    succeeds only when scipy does and the gradient meets ``tol``: L-BFGS-B
    also reports success when the value stops decreasing, e.g. when every
    trial step lands where ``fun`` is infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim import minimize
    >>> from skoptim.optimizers import Adam
    >>> from skoptim.test_functions import STARTS, rosenbrock
    >>> result = minimize(
    ...     rosenbrock, STARTS["rosenbrock"], solver=Adam(learning_rate=0.01),
    ...     max_iter=20000, tol=1e-6,
    ... )
    >>> result.success, result.x.round(4)
    (True, array([1., 1.]))
    >>> result.message  # doctest: +ELLIPSIS
    'converged: max |gradient| <= tol ...'
    >>> result.path.shape == (result.nit + 1, 2)
    True
    """
    solver = _prepare_solver(solver)
    x = _check_x0(x0)
    max_iter, tol = _check_budget(max_iter, tol)
    fun = _Counted(fun)
    run = _run_full_batch if getattr(solver, "full_batch", False) else _run_steps
    result = run(solver, fun, x, max_iter, tol, callback)
    result.nfev = fun.calls
    return result


def _prepare_solver(solver):
    """A validated clone of the solver object or of the named solver."""
    if isinstance(solver, str) and solver not in SOLVERS:
        raise ValueError(
            f"Unknown solver {solver!r}; choose one of {sorted(SOLVERS)} "
            "or pass a solver object."
        )
    solver = clone(resolve_solver(solver))
    _validate(solver)
    if not (hasattr(solver, "step") or hasattr(solver, "run")):
        raise TypeError(f"{solver!r} is not a solver: it has neither step nor run.")
    return solver


def _validate(estimator):
    """Validate hyperparameters, also those of wrapped solvers."""
    if hasattr(estimator, "_parameter_constraints"):
        estimator._validate_params()
    if hasattr(estimator, "get_params"):
        for value in estimator.get_params(deep=False).values():
            if hasattr(value, "get_params"):
                _validate(value)


def _check_x0(x0):
    x = np.array(x0, dtype=np.float64)  # a copy
    if x.ndim != 1 or x.shape[0] == 0:
        raise ValueError(f"x0 must be a non-empty 1-D array; got shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError("x0 must be finite.")
    return x


def _check_budget(max_iter, tol):
    if not isinstance(max_iter, Integral) or max_iter < 0:
        raise ValueError(f"max_iter must be an int >= 0; got {max_iter!r}.")
    if not isinstance(tol, Real) or not tol >= 0:
        raise ValueError(f"tol must be a float >= 0; got {tol!r}.")
    return int(max_iter), float(tol)


class _Counted:
    """``fun`` counting its calls."""

    def __init__(self, fun):
        self.fun, self.calls = fun, 0

    def __call__(self, x):
        self.calls += 1
        return self.fun(x)


def _evaluate(fun, x):
    """``fun(x)`` as a float and a float64 gradient of the shape of ``x``."""
    value, grad = fun(x)
    grad = np.array(grad, dtype=np.float64)
    if grad.shape != x.shape:
        raise ValueError(
            f"fun must return a gradient of shape {x.shape}; got {grad.shape}."
        )
    return float(value), grad


def _is_finite(value, grad):
    return bool(np.isfinite(value) and np.all(np.isfinite(grad)))


def _converged(grad, tol):
    return tol > 0 and float(np.max(np.abs(grad))) <= tol


def _ask_callback(callback, x, value, grad, nit):
    """Whether the callback asks to stop (returns True or raises StopIteration)."""
    if callback is None:
        return False
    report = OptimizeResult(x=x.copy(), fun=value, nit=nit)
    if grad is not None:
        report.jac = grad.copy()
    try:
        answer = callback(report)
    except StopIteration:
        return True
    return answer is not None and bool(answer)


def _update(solver, fun, x, value, grad, state):
    """One update of ``x`` in place; its new value and gradient, or None."""
    solver.step(x, grad, state)
    solver.end_epoch(state, loss=value)
    if not np.all(np.isfinite(x)):
        return None
    new_value, new_grad = _evaluate(fun, x)
    return (new_value, new_grad) if _is_finite(new_value, new_grad) else None


def _run_steps(solver, fun, x, max_iter, tol, callback):
    """The loop of a first-order solver: one update per iteration."""
    value, grad = _evaluate(fun, x)
    path, fun_path = [x.copy()], [value]
    if not _is_finite(value, grad):
        return _finish(path, fun_path, value, grad, _DIVERGED)
    state = solver.init_state(x)
    status = _MAX_ITER
    while status == _MAX_ITER:
        if _converged(grad, tol):
            status = _CONVERGED
        elif len(path) > max_iter:
            break
        else:
            evaluated = _update(solver, fun, x, value, grad, state)
            if evaluated is None:
                status = _DIVERGED
                break
            value, grad = evaluated
            path.append(x.copy())
            fun_path.append(value)
            if _ask_callback(callback, x, value, grad, len(path) - 1):
                status = _STOPPED
    return _finish(path, fun_path, value, grad, status)


def _finish(path, fun_path, value, grad, status, message=None):
    """The result at the last point of ``path``."""
    path = np.array(path)
    return OptimizeResult(
        x=path[-1].copy(),
        fun=value,
        jac=grad,
        nit=len(path) - 1,
        success=status == _CONVERGED,
        status=status,
        message=message or _message(status, len(path) - 1),
        path=path,
        fun_path=np.array(fun_path),
    )


def _message(status, nit):
    return {
        _CONVERGED: f"converged: max |gradient| <= tol after {nit} updates",
        _MAX_ITER: f"max_iter reached: {nit} updates without max |gradient| <= tol",
        _DIVERGED: f"diverged after {nit} updates: non-finite value or gradient",
        _STOPPED: f"stopped by callback after {nit} updates",
    }[status]


def _run_full_batch(solver, fun, x, max_iter, tol, callback):
    """Run a full-batch solver (L-BFGS) through its ``run`` method."""
    value, grad = _evaluate(fun, x)
    path, fun_path = [x.copy()], [value]
    if not _is_finite(value, grad):
        return _finish(path, fun_path, value, grad, _DIVERGED)
    stopped = []

    def record(xk, value_k):
        path.append(np.array(xk, dtype=np.float64))
        fun_path.append(float(value_k))
        if _ask_callback(callback, path[-1], fun_path[-1], None, len(path) - 1):
            stopped.append(True)
            raise StopIteration

    result = solver.run(fun, x, max_iter=max_iter, tol=tol, callback=record)
    if not _is_finite(result.fun, result.jac):
        return _diverged_full_batch(fun, path, fun_path)
    return _translate(result, path, fun_path, bool(stopped), tol)


def _diverged_full_batch(fun, path, fun_path):
    """The result at the last iterate with a finite value (scipy returned none)."""
    keep = len(fun_path)
    while keep > 1 and not np.isfinite(fun_path[keep - 1]):
        keep -= 1
    value, grad = _evaluate(fun, path[keep - 1])
    return _finish(path[:keep], fun_path[:keep], value, grad, _DIVERGED)


def _translate(result, path, fun_path, stopped, tol):
    """skoptim's result from scipy's result of a full-batch run."""
    if not np.array_equal(path[-1], result.x):
        path.append(np.array(result.x, dtype=np.float64))
        fun_path.append(float(result.fun))
    if stopped:
        status, message = _STOPPED, None
    elif result.success and _converged(result.jac, tol):
        status, message = _CONVERGED, f"converged (L-BFGS-B: {result.message})"
    else:
        status = _MAX_ITER if result.status == 1 else _ABNORMAL
        message = f"stopped (L-BFGS-B: {result.message})"
    jac = np.array(result.jac, dtype=np.float64)
    return _finish(path, fun_path, float(result.fun), jac, status, message)
