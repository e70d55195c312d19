"""
=====================================
L1 gives exact zeros, L2 only shrinks
=====================================

With ``hidden_layer_sizes=()`` an :class:`~skoptim.MLPRegressor` is a linear
model, trained here by full-batch gradient descent (``SGD`` with
``batch_size="full"``). Its objective is

.. math:: \\frac{1}{2n} \\sum_i (y_i - x_i^\\top w - b)^2 + \\alpha R(w),

so with ``penalty="l1"`` (:math:`R = \\lVert w \\rVert_1`) it is the
objective of :class:`~sklearn.linear_model.Lasso` with the same ``alpha``.
The L1 penalty is applied as a proximal step (soft-thresholding) after each
gradient step, which is proximal gradient descent (ISTA): weights land on
exactly zero. The L2 penalty (:math:`R = \\tfrac12 \\lVert w \\rVert_2^2`,
the objective of ``Ridge(alpha=alpha * n)``) shrinks every weight and zeroes
none.

The data has 40 standardized features of which only 5 are informative. The
learning rate 0.2 is stable for every alpha below: gradient descent on the L2
objective needs ``learning_rate < 2 / (L + alpha)``, with ``L`` the largest
eigenvalue of ``X.T @ X / n`` (about 1.9 here).
"""

# %%
# Data
# ----
import warnings

import numpy as np
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, Ridge
from sklearn.preprocessing import StandardScaler

from skoptim import MLPRegressor
from skoptim.optimizers import SGD

X, y = make_regression(
    n_samples=200, n_features=40, n_informative=5, noise=5.0, random_state=0
)
X = StandardScaler().fit_transform(X)
n_samples = X.shape[0]


def fit_linear(penalty, alpha):
    """A linear MLPRegressor trained by full-batch gradient descent."""
    reg = MLPRegressor(
        hidden_layer_sizes=(),
        solver=SGD(learning_rate=0.2),
        batch_size="full",
        penalty=penalty,
        alpha=alpha,
        max_iter=3000,
        tol=1e-10,
        n_iter_no_change=20,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return reg.fit(X, y)


# %%
# Exact zeros across alphas
# -------------------------
# ``max |Δ|`` is the largest difference between the skoptim coefficients and
# those of scikit-learn's exact solver for the same objective.
alphas = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
zeros = {"L1": [], "L2": [], "Lasso": []}
print(
    f"{'alpha':>7} | {'zeros L1':>8} {'Lasso':>6} {'max |Δ|':>9} "
    f"| {'zeros L2':>8} {'Ridge':>6} {'max |Δ|':>9}"
)
for alpha in alphas:
    l1 = fit_linear("l1", alpha)
    l2 = fit_linear("l2", alpha)
    lasso = Lasso(alpha=alpha, tol=1e-10, max_iter=100_000).fit(X, y)
    ridge = Ridge(alpha=alpha * n_samples).fit(X, y)
    w1, w2 = l1.coefs_[0].ravel(), l2.coefs_[0].ravel()
    zeros["L1"].append(int(np.sum(w1 == 0)))
    zeros["L2"].append(int(np.sum(w2 == 0)))
    zeros["Lasso"].append(int(np.sum(lasso.coef_ == 0)))
    print(
        f"{alpha:>7g} | {zeros['L1'][-1]:>8} {zeros['Lasso'][-1]:>6} "
        f"{np.max(np.abs(w1 - lasso.coef_)):>9.2e} "
        f"| {zeros['L2'][-1]:>8} {int(np.sum(ridge.coef_ == 0)):>6} "
        f"{np.max(np.abs(w2 - ridge.coef_)):>9.2e}"
    )

# %%
# The smallest weights under each penalty
# ---------------------------------------
alpha = 1.0
for penalty in ("l1", "l2"):
    w = np.abs(fit_linear(penalty, alpha).coefs_[0].ravel())
    print(
        f"{penalty} (alpha={alpha:g}): 5 smallest |w| =",
        np.array2string(np.sort(w)[:5], precision=3),
    )

# %%
# Plot
# ----
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(alphas, zeros["L1"], "o-", label='skoptim penalty="l1"')
    ax.plot(alphas, zeros["Lasso"], "x--", label="sklearn Lasso")
    ax.plot(alphas, zeros["L2"], "s-", label='skoptim penalty="l2"')
    ax.set_xscale("log")
    ax.set_xlabel("alpha")
    ax.set_ylabel(f"weights exactly 0 (of {X.shape[1]})")
    ax.legend()
    fig.tight_layout()
    plt.show()
