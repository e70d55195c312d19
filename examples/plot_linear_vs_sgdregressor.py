"""
====================================================
A linear MLPRegressor is SGDRegressor, step for step
====================================================

With ``hidden_layer_sizes=()`` an :class:`~skoptim.MLPRegressor` has no
hidden layer: it is the linear model :math:`f(x) = x^\\top w + b`, and with
``penalty="l2"`` it minimizes

.. math:: \\frac{1}{n} \\sum_i \\tfrac12 (y_i - x_i^\\top w - b)^2
    + \\frac{\\alpha}{2} \\lVert w \\rVert_2^2,

the objective of :class:`~sklearn.linear_model.SGDRegressor` with the same
``alpha``, and of :class:`~sklearn.linear_model.Ridge` with
``alpha * n_samples``, which solves it exactly.

``SGDRegressor`` starts from zero weights and updates them one sample at a
time, :math:`w \\leftarrow (1 - \\eta\\alpha) w - \\eta (x^\\top w + b - y) x`.
Plain ``SGD`` with ``batch_size=1``, ``init="zeros"`` and the samples in
the same order (``shuffle=False`` for both) takes the very same steps, with a
constant learning rate and with scikit-learn's default inverse scaling
:math:`\\eta_t = \\eta_0 / t^{0.25}`, which is
:class:`~skoptim.schedules.InverseScaling` counted per update.
"""

# %%
# Epoch by epoch, side by side
# ----------------------------
# ``partial_fit`` runs one epoch per call for both estimators; after each,
# we compare their coefficients with each other and with the exact solution.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge, SGDRegressor

from skoptim import MLPRegressor
from skoptim.optimizers import SGD
from skoptim.plotting import LossCurveDisplay
from skoptim.preprocessing import StandardScaler
from skoptim.schedules import InverseScaling

X, y = make_regression(n_samples=300, n_features=10, noise=10.0, random_state=0)
X = StandardScaler().fit_transform(X)
y = (y - y.mean()) / y.std()
alpha, eta0, n_epochs = 0.01, 0.01, 40
exact = Ridge(alpha=alpha * len(y)).fit(X, y).coef_


def linear_skoptim(solver, batch_size=1):
    return MLPRegressor(
        hidden_layer_sizes=(),
        solver=solver,
        batch_size=batch_size,
        penalty="l2",
        alpha=alpha,
        init="zeros",
        shuffle=False,
    )


pairs = {
    "constant": (
        SGDRegressor(alpha=alpha, learning_rate="constant", eta0=eta0, shuffle=False),
        linear_skoptim(SGD(learning_rate=eta0)),
    ),
    "invscaling": (
        SGDRegressor(alpha=alpha, learning_rate="invscaling", eta0=eta0, shuffle=False),
        linear_skoptim(SGD(learning_rate=InverseScaling(eta0, power_t=0.25))),
    ),
}
# Full-batch gradient descent on the same objective, for comparison.
full_batch = linear_skoptim(SGD(learning_rate=0.5), batch_size="full")

distance = {}  # largest |w - w_exact| after each epoch
print(
    f"{'schedule':<12}{'epoch':>6}{'max |w_sk - w_skoptim|':>24}{'max |w - Ridge|':>17}"
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name, (sk, ours) in pairs.items():
        distance[f"SGDRegressor, {name}"], distance[f"skoptim, {name}"] = [], []
        for epoch in range(1, n_epochs + 1):
            sk.partial_fit(X, y)
            ours.partial_fit(X, y)
            w = ours.coefs_[0].ravel()
            distance[f"SGDRegressor, {name}"].append(np.abs(sk.coef_ - exact).max())
            distance[f"skoptim, {name}"].append(np.abs(w - exact).max())
            if epoch in (1, 10, n_epochs):
                print(
                    f"{name:<12}{epoch:>6}{np.abs(sk.coef_ - w).max():>24.1e}"
                    f"{np.abs(w - exact).max():>17.1e}"
                )
    distance["skoptim, full batch"] = []
    for _ in range(n_epochs):
        full_batch.partial_fit(X, y)
        distance["skoptim, full batch"].append(
            np.abs(full_batch.coefs_[0].ravel() - exact).max()
        )
print(
    f"full batch, lr 0.5, after {n_epochs} epochs: "
    f"max |w - Ridge| = {distance['skoptim, full batch'][-1]:.1e}"
)

# %%
# The two implementations agree to rounding (about :math:`10^{-15}`) after
# every epoch. With a constant learning rate single-sample SGD stops
# improving at about :math:`3 \cdot 10^{-3}` from the exact solution: each
# step follows one sample's gradient, which does not vanish at the
# minimum, so the iterate keeps moving around it. The decaying rate of
# inverse scaling gets about five times closer in the same 40 epochs, though
# not monotonically: its steps shrink only like :math:`t^{-1/4}`.
# Full-batch gradient descent follows the exact gradient, can take steps 50
# times larger, and converges geometrically: in 40 steps it is within
# :math:`10^{-8}`.
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
styles = {"SGDRegressor": dict(linestyle="none", marker="o", markersize=4)}
for name, curve in distance.items():
    style = styles.get(name.split(",")[0], dict(linewidth=1.5))
    axes[0].plot(np.arange(1, n_epochs + 1), curve, label=name, **style)
axes[0].set_yscale("log")
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("max |w - w_Ridge|")
axes[0].set_title("distance to the exact solution")
axes[0].legend(fontsize="small")

# %%
# The objective recorded by skoptim (``loss_curve_``: the mean over each
# epoch's batches, penalty included):
LossCurveDisplay.from_estimator(
    {
        "skoptim, constant": pairs["constant"][1],
        "skoptim, invscaling": pairs["invscaling"][1],
        "skoptim, full batch": full_batch,
    },
    log_scale=True,
    ax=axes[1],
)
axes[1].set_title("training objective")
fig.tight_layout()
plt.show()
