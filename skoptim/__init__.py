"""skoptim: the optimization techniques of deep learning as scikit-learn parts.

``MLPClassifier`` and ``MLPRegressor`` train on one flat parameter vector with
pluggable solver (:mod:`skoptim.optimizers`), penalty
(:mod:`skoptim.penalties`) and initializer (:mod:`skoptim.initializers`)
objects; :func:`minimize` runs the same solvers on any function.
"""

from . import test_functions
from ._lr_find import LRFinderResult, lr_find
from ._minimize import minimize
from .neural_network import (
    MLPClassifier,
    MLPRegressor,
    TrainingDivergedError,
    TrainingDivergedWarning,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "LRFinderResult",
    "MLPClassifier",
    "MLPRegressor",
    "TrainingDivergedError",
    "TrainingDivergedWarning",
    "lr_find",
    "minimize",
    "test_functions",
    "__version__",
]
