"""skoptim's StandardScaler and OneHotEncoder in a ColumnTransformer in front
of skoptim's MLPClassifier, on a mixed numeric and string DataFrame."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder as SklearnOneHotEncoder
from sklearn.preprocessing import StandardScaler as SklearnStandardScaler

from skoptim import MLPClassifier
from skoptim.preprocessing import OneHotEncoder, StandardScaler

pd = pytest.importorskip("pandas")

NUMERIC = ["age", "income"]
CATEGORICAL = ["city", "plan"]
CITY_EFFECT = {"Oslo": 1.5, "Lima": -1.0, "Pune": 0.5, "Kyiv": -1.5, "Quito": 0.0}
PLAN_EFFECT = {"basic": -1.0, "plus": 0.5, "pro": 1.5, None: 0.0}


def make_customers(n_samples, random_state=0):
    """Customers table; whether they renew depends on age, income, city, plan."""
    rng = np.random.default_rng(random_state)
    age = rng.uniform(18, 70, n_samples).round()
    income = np.exp(rng.normal(10.5, 0.5, n_samples)).round(-2)
    city = rng.choice(list(CITY_EFFECT), n_samples)
    plan = rng.choice(np.array(list(PLAN_EFFECT), dtype=object), n_samples)
    score = (
        0.08 * (age - 44)
        + 1.5 * (np.log(income) - 10.5)
        + np.array([CITY_EFFECT[c] for c in city])
        + np.array([PLAN_EFFECT[p] for p in plan])
        + rng.normal(0, 0.3, n_samples)
    )
    X = pd.DataFrame(
        {
            "age": age,
            "income": income,
            "city": pd.Series(city, dtype=object),
            "plan": pd.Series(plan, dtype=object),
        }
    )
    return X, (score > 0).astype(int)


def make_pipeline(scaler, encoder):
    columns = ColumnTransformer(
        [("num", scaler, NUMERIC), ("cat", encoder, CATEGORICAL)]
    )
    model = MLPClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0)
    return Pipeline([("columns", columns), ("model", model)])


@pytest.fixture(scope="module")
def data():
    X, y = make_customers(800)
    return train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)


@pytest.fixture(scope="module")
def fitted(data):
    X_train, _, y_train, _ = data
    pipe = make_pipeline(StandardScaler(), OneHotEncoder(handle_unknown="ignore"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return pipe.fit(X_train, y_train)


def test_pipeline_learns_from_numeric_and_string_columns(data, fitted):
    _, X_test, _, y_test = data
    accuracy = fitted.score(X_test, y_test)
    majority = max(y_test.mean(), 1 - y_test.mean())
    assert accuracy > 0.9, accuracy
    assert accuracy > majority + 0.25
    # without the string columns the model cannot reach that
    numeric_only = Pipeline(
        [
            ("columns", ColumnTransformer([("num", StandardScaler(), NUMERIC)])),
            ("model", MLPClassifier(hidden_layer_sizes=(16,), random_state=0)),
        ]
    )
    X_train, _, y_train, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        numeric_only.fit(X_train, y_train)
    assert numeric_only.score(X_test, y_test) < accuracy - 0.1


def test_unknown_city_is_ignored(fitted):
    X, _ = make_customers(5, random_state=1)
    X.loc[0, "city"] = "Atlantis"
    columns = fitted.named_steps["columns"]
    out = columns.transform(X)
    out = out.toarray() if sp.issparse(out) else out
    names = list(columns.get_feature_names_out())
    city_columns = [i for i, name in enumerate(names) if name.startswith("cat__city_")]
    assert out[0, city_columns].sum() == 0
    assert fitted.predict(X).shape == (5,)


def test_transformed_output_equals_sklearn_transformers(data, fitted):
    X_train, X_test, y_train, _ = data
    reference = make_pipeline(
        SklearnStandardScaler(), SklearnOneHotEncoder(handle_unknown="ignore")
    )
    reference.named_steps["columns"].fit(X_train, y_train)
    ours, theirs = fitted.named_steps["columns"], reference.named_steps["columns"]
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    for X in (X_train, X_test):
        a, b = ours.transform(X), theirs.transform(X)
        assert sp.issparse(a) == sp.issparse(b)
        a = a.toarray() if sp.issparse(a) else a
        b = b.toarray() if sp.issparse(b) else b
        n_numeric = len(NUMERIC)
        np.testing.assert_allclose(a[:, :n_numeric], b[:, :n_numeric], rtol=1e-12)
        np.testing.assert_array_equal(a[:, n_numeric:], b[:, n_numeric:])
