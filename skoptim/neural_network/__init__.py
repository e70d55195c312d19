"""Multi-layer perceptrons trained by pluggable optimizers."""

from ._mlp import MLPClassifier, MLPRegressor
from ._training import TrainingDivergedError

__all__ = ["MLPClassifier", "MLPRegressor", "TrainingDivergedError"]
