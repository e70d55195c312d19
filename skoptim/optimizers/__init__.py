"""Optimizers: solver objects that update a flat parameter vector in place.

Each solver is a scikit-learn estimator holding hyperparameters only (so it
clones and grid-searches); the state of a run is explicit, see
:class:`~skoptim.optimizers.Solver`. Every solver follows a named reference
implementation step for step; its docstring gives the update rule.
"""

from ._adabelief import AdaBelief
from ._adabound import AdaBound
from ._adam import Adam, Adamax, AdamW, NAdam, RAdam
from ._adaptive import Adadelta, Adagrad, RMSprop
from ._base import Solver
from ._lbfgs import LBFGS
from ._sgd import SGD, Momentum, Nesterov
from ._wrappers import GradientClipping, Lookahead

__all__ = [
    "Solver",
    "SGD",
    "Momentum",
    "Nesterov",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adam",
    "AdamW",
    "NAdam",
    "Adamax",
    "RAdam",
    "AdaBelief",
    "AdaBound",
    "LBFGS",
    "GradientClipping",
    "Lookahead",
    "SOLVERS",
    "resolve_solver",
]

#: The solvers available by name, as the estimators' ``solver`` strings.
SOLVERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adadelta": Adadelta,
    "adam": Adam,
    "adamw": AdamW,
    "nadam": NAdam,
    "adamax": Adamax,
    "radam": RAdam,
    "adabelief": AdaBelief,
    "adabound": AdaBound,
    "lbfgs": LBFGS,
}


def resolve_solver(solver):
    """The solver object for a string name or a solver object."""
    if isinstance(solver, str):
        return SOLVERS[solver]()
    return solver
