"""
=====================================================
Grid search over solvers and penalties in a Pipeline
=====================================================

Solver objects are scikit-learn estimators holding hyperparameters only, so
they can be grid-searched like any other parameter: here
:class:`~sklearn.model_selection.GridSearchCV` picks the solver (with its
learning rate) and the penalty strength ``alpha`` of an
:class:`~skoptim.MLPClassifier` placed after a
:class:`~sklearn.preprocessing.StandardScaler` in a
:class:`~sklearn.pipeline.Pipeline`. This is the example of the README.
"""

# %%
# The search
# ----------
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier
from skoptim.optimizers import SGD, Adam, Nesterov

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier(hidden_layer_sizes=(32,), max_iter=50, random_state=0),
)
grid = GridSearchCV(
    pipe,
    {
        "mlpclassifier__solver": [SGD(0.1), Nesterov(0.05), Adam()],
        "mlpclassifier__alpha": [1e-5, 1e-4, 1e-3],
    },
    cv=3,
)
start = time.perf_counter()
with warnings.catch_warnings():
    # 50 epochs are few on purpose: keep the example fast.
    warnings.simplefilter("ignore", ConvergenceWarning)
    grid.fit(X_train, y_train)
seconds = time.perf_counter() - start

print(
    f"grid search: {len(grid.cv_results_['params'])} candidates x 3 folds, "
    f"{seconds:.1f} s"
)
print("best parameters:", grid.best_params_)
print(f"best cross-validated accuracy: {grid.best_score_:.4f}")
print(f"test accuracy of the refitted best pipeline: {grid.score(X_test, y_test):.4f}")

# %%
# All candidates
# --------------
results = grid.cv_results_
print()
print(f"{'solver':<30}{'alpha':>8}{'cv accuracy':>14}{'rank':>6}")
for params, mean, std, rank in zip(
    results["params"],
    results["mean_test_score"],
    results["std_test_score"],
    results["rank_test_score"],
):
    print(
        f"{params['mlpclassifier__solver']!r:<30}"
        f"{params['mlpclassifier__alpha']:>8g}"
        f"{mean:>9.4f} ± {std:.3f}{rank:>6}"
    )

# %%
# The fitted solver
# -----------------
# The solver object in the grid is never modified by ``fit``: the fitted
# estimator keeps its own copy, ``solver_``.
best_mlp = grid.best_estimator_[-1]
print()
print("fitted solver:", best_mlp.solver_, "after", best_mlp.n_iter_, "epochs")

# %%
# Plot
# ----
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    import numpy as np

    scores = results["mean_test_score"].reshape(3, 3)  # alpha x solver
    fig, ax = plt.subplots(figsize=(5, 3.5))
    image = ax.imshow(scores, cmap="viridis")
    ax.set_xticks(range(3), ["SGD(0.1)", "Nesterov(0.05)", "Adam()"])
    ax.set_yticks(range(3), [f"{a:g}" for a in (1e-5, 1e-4, 1e-3)])
    ax.set_ylabel("alpha")
    for (i, j), value in np.ndenumerate(scores):
        ax.text(j, i, f"{value:.3f}", ha="center", va="center", color="w")
    fig.colorbar(image, ax=ax, label="cv accuracy")
    fig.tight_layout()
    plt.show()
