"""
======================================================================
Mixed numeric and string columns: ColumnTransformer in front of an MLP
======================================================================

A neural network needs numbers on comparable scales: here a
:class:`~sklearn.compose.ColumnTransformer` standardizes the numeric columns
of a customer table with :class:`skoptim.preprocessing.StandardScaler` and
one-hot encodes its string columns with
:class:`skoptim.preprocessing.OneHotEncoder`, in front of a
:class:`skoptim.MLPClassifier`. The table is simulated with numpy (no
download): a telecom company's customers, and whether they cancel their
contract.

``handle_unknown="ignore"`` encodes a category never seen in training (a new
payment method, say) as all zeros instead of failing, and
``min_frequency`` groups the rare regions into one column.
"""

# %%
# A customer table
# ----------------
import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from skoptim import MLPClassifier
from skoptim.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["tenure_months", "monthly_charges", "support_calls"]
CATEGORICAL = ["contract", "payment", "internet", "region"]

CONTRACTS = {"month-to-month": 1.2, "one-year": -0.4, "two-year": -1.6}
PAYMENTS = {"card": -0.3, "bank transfer": -0.4, "e-check": 0.9, "mailed check": 0.1}
INTERNET = {"fiber": 0.6, "dsl": -0.1, "none": -0.8}
REGIONS = {"north": 0.0, "south": 0.2, "east": -0.1, "west": 0.1, "islands": 0.5}


def simulate_customers(n_customers, seed=0):
    """Columns of a customer table and whether each customer churned."""
    rng = np.random.default_rng(seed)

    def draw(effects, p=None):
        return rng.choice(np.array(list(effects), dtype=object), n_customers, p=p)

    columns = {
        "tenure_months": rng.integers(1, 73, n_customers).astype(float),
        "monthly_charges": rng.normal(65, 25, n_customers).clip(18, 120).round(2),
        "support_calls": rng.poisson(1.5, n_customers).astype(float),
        "contract": draw(CONTRACTS, p=[0.5, 0.3, 0.2]),
        "payment": draw(PAYMENTS),
        "internet": draw(INTERNET, p=[0.45, 0.35, 0.2]),
        "region": draw(REGIONS, p=[0.3, 0.3, 0.2, 0.18, 0.02]),
    }
    logit = (
        -0.04 * (columns["tenure_months"] - 30)
        + 0.02 * (columns["monthly_charges"] - 65)
        + 0.5 * (columns["support_calls"] - 1.5)
        + sum(
            np.array([effects[v] for v in columns[name]])
            for name, effects in [
                ("contract", CONTRACTS),
                ("payment", PAYMENTS),
                ("internet", INTERNET),
                ("region", REGIONS),
            ]
        )
    )
    churned = rng.random(n_customers) < 1 / (1 + np.exp(-2 * logit))
    return columns, churned.astype(int)


def as_table(columns):
    """A pandas DataFrame when pandas is installed, else an object array.

    A ColumnTransformer selects DataFrame columns by name and array columns
    by position; ``select`` gives the selector for a list of names.
    """
    try:
        import pandas as pd
    except ImportError:
        table = np.empty((len(columns["contract"]), len(columns)), dtype=object)
        for j, values in enumerate(columns.values()):
            table[:, j] = values
        return table, lambda names: [list(columns).index(n) for n in names]
    return pd.DataFrame(columns), lambda names: names


columns, y = simulate_customers(3000)
X, select = as_table(columns)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"{len(y)} customers, {y.mean():.0%} churned")

# %%
# The pipeline
# ------------
preprocess = ColumnTransformer(
    [
        ("num", StandardScaler(), select(NUMERIC)),
        (
            "cat",
            OneHotEncoder(handle_unknown="ignore", min_frequency=0.05),
            select(CATEGORICAL),
        ),
    ]
)
model = Pipeline(
    [
        ("preprocess", preprocess),
        ("mlp", MLPClassifier(hidden_layer_sizes=(32,), max_iter=200, random_state=0)),
    ]
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    model.fit(X_train, y_train)

encoder = model.named_steps["preprocess"].named_transformers_["cat"]
print("infrequent (grouped) categories:", encoder.infrequent_categories_)
print(f"{len(model.named_steps['preprocess'].get_feature_names_out())} features:")
print(", ".join(model.named_steps["preprocess"].get_feature_names_out()))
print(f"\ntest accuracy: {model.score(X_test, y_test):.3f}")
print(f"always 'no churn': {1 - y_test.mean():.3f}")

# %%
# A category never seen in training
# ---------------------------------
# A new payment method is encoded as all zeros in the payment columns, and
# the model still predicts.
new_columns, _ = simulate_customers(3, seed=1)
new_columns["payment"][0] = "crypto"
new_X, _ = as_table(new_columns)
print("\nnew customers' churn probability:", model.predict_proba(new_X)[:, 1].round(3))

# %%
# Training loss
# -------------
# The plot needs matplotlib; without it the numbers above are the result.
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(model.named_steps["mlp"].loss_curve_)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    ax.set_title("MLP on standardized and one-hot encoded customers")
    fig.tight_layout()
    plt.show()
