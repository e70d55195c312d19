"""Preprocessing that makes gradient training work: standardizing features
and one-hot encoding nominal ones, equal to scikit-learn's transformers and
better at streams."""

from ._encoder import OneHotEncoder
from ._scaler import StandardScaler

__all__ = ["StandardScaler", "OneHotEncoder"]
