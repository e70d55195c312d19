"""Multi-layer perceptrons trained by pluggable optimizers."""

from ._mlp import MLPClassifier, MLPRegressor
from ._safeguards import TrainingDivergedWarning
from ._training import TrainingDivergedError

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "TrainingDivergedError",
    "TrainingDivergedWarning",
]
