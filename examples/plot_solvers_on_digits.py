"""
===========================
Comparing solvers on digits
===========================

Train the same :class:`~skoptim.MLPClassifier` (one hidden layer of 64 ReLU
units, mini-batches of 64) on the standardized digits data with each solver
and compare the training objective per epoch (``loss_curve_``) and the
accuracy on held-out data.

The momentum solvers use the PyTorch form: the learning rate stays outside
the velocity, so ``Momentum(0.01, momentum=0.9)`` takes steps of about
``0.01 / (1 - 0.9) = 0.1`` along a steady gradient, the same as ``SGD(0.1)``,
and ten times those of ``SGD(0.01)``.
"""

# %%
# Data and solvers
# ----------------
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier
from skoptim.optimizers import SGD, Adam, Momentum, Nesterov

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

solvers = {
    "SGD(0.01)": SGD(learning_rate=0.01),
    "SGD(0.1)": SGD(learning_rate=0.1),
    "Momentum(0.01, 0.9)": Momentum(learning_rate=0.01, momentum=0.9),
    "Nesterov(0.01, 0.9)": Nesterov(learning_rate=0.01, momentum=0.9),
    "Adam(1e-3)": Adam(learning_rate=1e-3),
}

# %%
# Training
# --------
# ``tol=0`` with a large ``n_iter_no_change`` runs exactly ``max_iter`` epochs,
# so every curve has the same length.
max_iter = 60
curves = {}
print(f"{'solver':<22}{'epochs':>7}{'final loss':>12}{'test acc':>10}{'fit s':>8}")
for name, solver in solvers.items():
    clf = MLPClassifier(
        hidden_layer_sizes=(64,),
        solver=solver,
        batch_size=64,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=max_iter,
        random_state=0,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    curves[name] = clf.loss_curve_
    print(
        f"{name:<22}{clf.n_iter_:>7}{clf.loss_:>12.4f}"
        f"{clf.score(X_test, y_test):>10.4f}{seconds:>8.2f}"
    )

# %%
# Objective after a few epochs
# ----------------------------
checkpoints = [1, 5, 10, 20, 40, max_iter]
print()
print(f"{'epoch':<22}" + "".join(f"{e:>9}" for e in checkpoints))
for name, curve in curves.items():
    print(f"{name:<22}" + "".join(f"{curve[e - 1]:>9.4f}" for e in checkpoints))

# %%
# Loss curves
# -----------
# The plot needs matplotlib; without it the numbers above are the result.
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, curve in curves.items():
        ax.plot(range(1, len(curve) + 1), curve, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training objective (mean loss + penalty)")
    ax.set_title("Solvers on digits, MLP (64,)")
    ax.legend()
    fig.tight_layout()
    plt.show()
