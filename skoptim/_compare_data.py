"""Data for ``skoptim compare``: scikit-learn's bundled sets or a CSV file.

A CSV file's columns are typed by their cells: a column whose every filled
cell reads as a number is numeric (empty cells are imputed with the mean),
any other is categorical (an empty cell is a category of its own). Numeric
columns are standardized and categorical ones one-hot encoded, with
skoptim's own transformers.
"""

import csv
import math
import os
from dataclasses import dataclass

import numpy as np
from sklearn import datasets
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline

from .preprocessing import OneHotEncoder, StandardScaler

__all__ = ["BUNDLED", "Dataset", "load_bundled", "read_csv", "infer_task"]

#: Bundled data sets by name, with their task.
BUNDLED = {
    "digits": (datasets.load_digits, "classification"),
    "breast_cancer": (datasets.load_breast_cancer, "classification"),
    "iris": (datasets.load_iris, "classification"),
    "wine": (datasets.load_wine, "classification"),
    "diabetes": (datasets.load_diabetes, "regression"),
}

#: A numeric target with more distinct values than this is a regression.
MAX_CLASSES = 20

_MISSING = {"", "na", "nan", "null", "none"}


@dataclass
class Dataset:
    """Features, target, task and the preprocessing the features need.

    Attributes
    ----------
    name : str
        For the report's header.
    X : ndarray of shape (n_samples, n_features)
        Floats for bundled sets, objects (floats and strings) for CSV files.
    y : ndarray of shape (n_samples,)
    task : {"classification", "regression"}
    preprocessor : transformer
        Unfitted; turns ``X`` into the network's standardized input.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    preprocessor: object


def load_bundled(name):
    """One of scikit-learn's bundled data sets, standardized."""
    loader, task = BUNDLED[name]
    X, y = loader(return_X_y=True)
    return Dataset(name, X, y, task, StandardScaler())


def _read_rows(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such file: {path!r}")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.reader(handle) if row]
    if len(rows) < 2:
        raise ValueError(f"{path!r} needs a header line and at least one row")
    header, body = rows[0], rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(
                f"{path!r} line {number} has {len(row)} cells; the header has "
                f"{len(header)}"
            )
    return header, body


def _as_number(cell):
    """The cell as a float (NaN when empty), or None when it is text."""
    text = cell.strip()
    if text.lower() in _MISSING:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return None


def _typed_column(cells):
    """``(values, is_numeric)``: floats when every cell reads as one."""
    numbers = [_as_number(cell) for cell in cells]
    if all(number is not None for number in numbers):
        return np.array(numbers, dtype=np.float64), True
    return np.array([cell.strip() for cell in cells], dtype=object), False


def infer_task(y, is_numeric):
    """``"regression"`` for a numeric target with many distinct values.

    Parameters
    ----------
    y : ndarray
    is_numeric : bool

    Returns
    -------
    task : {"classification", "regression"}
        Regression when ``y`` is numeric with more than
        :data:`MAX_CLASSES` distinct values; classification otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> infer_task(np.arange(100.0), True), infer_task(np.arange(3.0), True)
    ('regression', 'classification')
    """
    if is_numeric and np.unique(y).size > MAX_CLASSES:
        return "regression"
    return "classification"


def _feature_preprocessor(numeric, categorical):
    """Standardize numeric columns and one-hot encode categorical ones."""
    parts = []
    if numeric:
        parts.append(
            ("numeric", make_pipeline(SimpleImputer(), StandardScaler()), numeric)
        )
    if categorical:
        encoder = OneHotEncoder(sparse_output=False, handle_unknown="ignore")
        parts.append(("categorical", encoder, categorical))
    return ColumnTransformer(parts, sparse_threshold=0)


def read_csv(path, target, task="auto"):
    """A CSV file with a header line as a :class:`Dataset`.

    Parameters
    ----------
    path : str
    target : str
        The column to predict; every other column is a feature.
    task : {"auto", "classification", "regression"}, default="auto"
        ``"auto"`` applies :func:`infer_task` to the target column.

    Raises
    ------
    FileNotFoundError
        When ``path`` is not a file.
    ValueError
        When the file is malformed, ``target`` is not a column, the target
        has empty cells, is text with ``task="regression"`` or non-integer
        numbers with ``task="classification"``, or no column is left for
        features.
    """
    header, body = _read_rows(path)
    names = [name.strip() for name in header]
    if target not in names:
        raise ValueError(
            f"no column {target!r} in {path!r}; its columns are: {', '.join(names)}"
        )
    if len(names) < 2:
        raise ValueError(f"{path!r} has no feature column besides {target!r}")
    columns = list(zip(*body))
    position = names.index(target)
    y, y_numeric = _typed_column(columns[position])
    missing = np.isnan(y) if y_numeric else np.isin(y, [""])
    if missing.any():
        raise ValueError(
            f"target column {target!r} has {int(missing.sum())} empty cells; "
            "drop those rows first"
        )
    if task == "auto":
        task = infer_task(y, y_numeric)
    elif task == "regression" and not y_numeric:
        raise ValueError(f"target column {target!r} is not numeric: no regression")
    elif task == "classification" and y_numeric and (y != np.round(y)).any():
        raise ValueError(
            f"target column {target!r} holds non-integer numbers, not class labels"
        )
    features = [i for i in range(len(names)) if i != position]
    X = np.empty((len(body), len(features)), dtype=object)
    numeric, categorical = [], []
    for j, i in enumerate(features):
        values, is_numeric = _typed_column(columns[i])
        X[:, j] = values
        (numeric if is_numeric else categorical).append(j)
    name = f"{os.path.basename(path)} (target {target!r})"
    return Dataset(name, X, y, task, _feature_preprocessor(numeric, categorical))
