"""
=====================================================
Grid search over solvers and penalties in a Pipeline
=====================================================

Solver objects are scikit-learn estimators holding hyperparameters only, so
they can be grid-searched like any other parameter: here
:class:`~sklearn.model_selection.GridSearchCV` picks the solver (with its
learning rate) and the penalty strength ``alpha`` of an
:class:`~skoptim.MLPClassifier` placed after a
:class:`skoptim.preprocessing.StandardScaler` in a
:class:`~sklearn.pipeline.Pipeline`. This is the example of the README.
"""

# %%
# The search
# ----------
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from skoptim import MLPClassifier
from skoptim.optimizers import SGD, Adam, Nesterov
from skoptim.plotting import LossCurveDisplay
from skoptim.preprocessing import StandardScaler

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
# The best pipeline of each solver
# --------------------------------
# ``cv_results_`` keeps scores, not models: refit the best ``alpha`` of each
# solver on the whole training set and compare their training curves.
solvers = grid.param_grid["mlpclassifier__solver"]
alphas = grid.param_grid["mlpclassifier__alpha"]
mean_score = {
    (repr(params["mlpclassifier__solver"]), params["mlpclassifier__alpha"]): mean
    for params, mean in zip(results["params"], results["mean_test_score"])
}
scores = np.array([[mean_score[repr(s), a] for a in alphas] for s in solvers])
best_per_solver = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for solver, row in zip(solvers, scores):
        alpha = alphas[int(np.argmax(row))]
        refit = clone(pipe).set_params(
            mlpclassifier__solver=solver, mlpclassifier__alpha=alpha
        )
        best_per_solver[f"{solver!r}, alpha={alpha:g}"] = refit.fit(X_train, y_train)
print()
for name, fitted in best_per_solver.items():
    print(f"{name:<34} test accuracy {fitted.score(X_test, y_test):.4f}")

# %%
# The cross-validated accuracies (left) and the refitted pipelines' training
# curves (right, drawn by :class:`~skoptim.plotting.LossCurveDisplay`, which
# reads the last step of a pipeline). In 50 epochs Nesterov and SGD at 0.1
# drive the training loss lower than Adam at its default rate of 1e-3.
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
image = axes[0].imshow(scores.T, cmap="viridis")
short = [f"{type(s).__name__}({s.learning_rate:g})" for s in solvers]
axes[0].set_xticks(range(len(solvers)), short)
axes[0].set_yticks(range(len(alphas)), [f"{a:g}" for a in alphas])
axes[0].set_ylabel("alpha")
for (i, j), value in np.ndenumerate(scores.T):
    axes[0].text(j, i, f"{value:.3f}", ha="center", va="center", color="w")
fig.colorbar(image, ax=axes[0], label="cv accuracy")
LossCurveDisplay.from_estimator(best_per_solver, log_scale=True, ax=axes[1])
fig.tight_layout()
plt.show()
