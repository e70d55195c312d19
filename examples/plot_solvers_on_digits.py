"""
=====================================
Loss curves of every solver on digits
=====================================

Train the same :class:`~skoptim.MLPClassifier` (one hidden layer of 32 ReLU
units, mini-batches of 64) on the standardized digits data with each solver
and compare the training objective per epoch (``loss_curve_``), drawn by
:class:`~skoptim.plotting.LossCurveDisplay`, and the accuracy on held-out
data.

The first part gives the SGD family comparable learning rates. The momentum
solvers use the PyTorch form: the learning rate stays outside the velocity,
so ``Momentum(0.01, momentum=0.9)`` takes steps of about
``0.01 / (1 - 0.9) = 0.1`` along a steady gradient, the same as ``SGD(0.1)``,
and ten times those of ``SGD(0.01)``.

The second part runs all 14 solvers by name, with the defaults of their
reference implementations, and holds out 20% of the training set
(``early_stopping=True``) to record a validation accuracy per epoch,
``validation_scores_``, which the display draws dashed on a second axis.
"""

# %%
# Data
# ----
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skoptim import MLPClassifier
from skoptim.optimizers import SGD, Adam, Momentum, Nesterov
from skoptim.plotting import LossCurveDisplay
from skoptim.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# ``tol=0`` with ``n_iter_no_change=max_iter`` runs exactly ``max_iter``
# epochs, so every curve has the same length.
max_iter = 40


def train(solver, **params):
    """Fit the common network with ``solver``; return it and the fit time."""
    params = {
        "hidden_layer_sizes": (32,),
        "batch_size": 64,
        "max_iter": max_iter,
        "tol": 0.0,
        "n_iter_no_change": max_iter,
        "random_state": 0,
        **params,
    }
    clf = MLPClassifier(solver=solver, **params)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    return clf, time.perf_counter() - start


# %%
# The SGD family at comparable learning rates
# -------------------------------------------
tuned = {
    "SGD(0.01)": SGD(learning_rate=0.01),
    "SGD(0.1)": SGD(learning_rate=0.1),
    "Momentum(0.01, 0.9)": Momentum(learning_rate=0.01, momentum=0.9),
    "Nesterov(0.01, 0.9)": Nesterov(learning_rate=0.01, momentum=0.9),
    "Adam(1e-3)": Adam(learning_rate=1e-3),
}
checkpoints = [1, 5, 10, 20, max_iter]
print(
    f"{'solver':<22}"
    + "".join(f"{'epoch ' + str(e):>10}" for e in checkpoints)
    + f"{'test acc':>10}{'fit s':>7}"
)
tuned_models = {}
for name, solver in tuned.items():
    clf, seconds = train(solver)
    tuned_models[name] = clf
    print(
        f"{name:<22}"
        + "".join(f"{clf.loss_curve_[e - 1]:>10.4f}" for e in checkpoints)
        + f"{clf.score(X_test, y_test):>10.4f}{seconds:>7.2f}"
    )

# %%
# ``SGD(0.1)``, ``Momentum(0.01, 0.9)`` and ``Nesterov(0.01, 0.9)`` take
# steps of the same size once the velocity has built up, and their curves
# nearly coincide after the first epochs; ``SGD(0.01)`` is about ten times
# slower.
display = LossCurveDisplay.from_estimator(tuned_models, log_scale=True)
display.ax_.set_title("Solvers on digits, MLP (32,), batches of 64")
display.figure_.tight_layout()

# %%
# Every solver with its reference defaults
# ----------------------------------------
# L-BFGS is a full-batch method (``batch_size="full"``): its curve has one
# point per iteration, and it ignores ``early_stopping``.
groups = {
    "SGD family (lr 1e-3, torch's default)": ["sgd", "momentum", "nesterov"],
    "per-coordinate rates": ["adagrad", "rmsprop", "adadelta"],
    "Adam family": ["adam", "adamw", "nadam", "adamax", "radam", "adabelief"],
    "bounded and quasi-Newton": ["adabound", "lbfgs"],
}
print(
    f"{'solver':<11}{'epochs':>7}{'final loss':>12}{'best val':>10}"
    f"{'test acc':>10}{'fit s':>7}"
)
models = {}
for names in groups.values():
    for name in names:
        if name == "lbfgs":
            clf, seconds = train(name, batch_size="full")
        else:
            clf, seconds = train(name, early_stopping=True, validation_fraction=0.2)
        models[name] = clf
        best = clf.best_validation_score_
        print(
            f"{name:<11}{clf.n_iter_:>7}{clf.loss_:>12.4f}"
            f"{'-' if best is None else format(best, '.4f'):>10}"
            f"{clf.score(X_test, y_test):>10.4f}{seconds:>7.2f}"
        )

# %%
# With torch's default learning rate of 1e-3, plain SGD has barely started
# after 40 epochs (loss about 1.8, test accuracy about 0.4), and momentum
# and Nesterov, whose steps are ten times larger, reach about 0.92, still
# behind the adaptive methods at 0.96-0.97. L-BFGS drives the full-batch
# objective lowest (below 0.01 in 40 iterations), with RMSprop and Adadelta
# close. RMSprop, which has no momentum, keeps steps of about its learning
# rate per coordinate even near a minimum; its loss jumps up once in the
# last epochs and recovers. In the Adam family RAdam and AdaBelief, whose
# first steps are rectified, end with a higher loss than Adam.
fig, axes = plt.subplots(2, 2, figsize=(11, 8), sharey=True)
for ax, (title, names) in zip(axes.ravel(), groups.items()):
    LossCurveDisplay.from_estimator(
        {name: models[name] for name in names}, log_scale=True, ax=ax
    )
    ax.set_title(title)
fig.tight_layout()
plt.show()
