"""Optimizers: solver objects that update a flat parameter vector in place.

Each solver is a scikit-learn estimator holding hyperparameters only (so it
clones and grid-searches); the state of a run is explicit, see
:class:`~skoptim.optimizers.Solver`.
"""

from ._adam import Adam
from ._base import Solver
from ._sgd import SGD, Momentum, Nesterov

__all__ = ["Solver", "SGD", "Momentum", "Nesterov", "Adam", "SOLVERS", "resolve_solver"]

#: The solvers available by name, as the estimators' ``solver`` strings.
SOLVERS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "adam": Adam}


def resolve_solver(solver):
    """The solver object for a string name or a solver object."""
    if isinstance(solver, str):
        return SOLVERS[solver]()
    return solver
