"""
=======================
Learning-rate schedules
=======================

Every schedule of :mod:`skoptim.schedules` is a solver's ``learning_rate``:
``SGD(learning_rate=ExponentialDecay(0.1, gamma=0.96))``. A schedule is a
pure function of the update count :math:`t = 0, 1, 2, \\dots` (or of the
count of finished epochs, with ``unit="epoch"``), counted from 0 as
``torch.optim.lr_scheduler`` stepped once per update: the first update uses
the initial rate. :class:`~skoptim.schedules.ReduceOnPlateau` is the
exception: it reacts to the loss at the end of each epoch.

The first part prints and plots every schedule over 200 units; the second
trains an :class:`~skoptim.MLPClassifier` on digits with SGD at a constant
rate and with an exponential decay per update and per epoch, and reads the
rates back from ``learning_rate_curve_``.
"""

# %%
# Every schedule over 200 steps
# -----------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier
from skoptim.optimizers import SGD
from skoptim.plotting import LossCurveDisplay
from skoptim.schedules import (
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    InverseScaling,
    LinearWarmup,
    OneCycle,
    PolynomialDecay,
    ReduceOnPlateau,
    StepDecay,
    WarmRestarts,
)

n_steps = 200
schedules = {
    "Constant": Constant(0.1),
    "StepDecay": StepDecay(0.1, step_size=50, gamma=0.5),
    "ExponentialDecay": ExponentialDecay(0.1, gamma=0.98),
    "InverseScaling": InverseScaling(0.1, power_t=0.5),
    "PolynomialDecay": PolynomialDecay(0.1, total_steps=n_steps, power=2.0),
    "CosineAnnealing": CosineAnnealing(0.1, T_max=n_steps),
    "WarmRestarts": WarmRestarts(0.1, T_0=25, T_mult=2),
    "LinearWarmup": LinearWarmup(CosineAnnealing(0.1, T_max=180), warmup_steps=20),
    "OneCycle": OneCycle(0.1, total_steps=n_steps),
    "ReduceOnPlateau": ReduceOnPlateau(0.1, factor=0.5, patience=10, cooldown=10),
}


def plateauing_loss(epoch):
    """A made-up training loss that stops improving after epoch 40."""
    return max(1.0 / (1.0 + epoch / 10.0), 0.2)


rates = {}
for name, schedule in schedules.items():
    if isinstance(schedule, ReduceOnPlateau):
        # One unit is one epoch: the rate of epoch t, then the epoch's loss.
        memory = schedule.init_memory()
        curve = []
        for epoch in range(n_steps):
            curve.append(schedule.rate(epoch, epoch, memory))
            schedule.observe(memory, loss=plateauing_loss(epoch))
    else:
        curve = [schedule.value(t) for t in range(n_steps)]
    rates[name] = np.array(curve)

shown = [0, 1, 2, 3, 4, 50, 100, 199]
print(f"{'t':<17}" + "".join(f"{t:>9}" for t in shown))
for name, curve in rates.items():
    print(f"{name:<17}" + "".join(f"{curve[t]:>9.5f}" for t in shown))

# %%
# The same schedules as curves.
fig, axes = plt.subplots(2, 5, figsize=(14, 5), sharex=True, sharey=True)
for ax, (name, curve) in zip(axes.ravel(), rates.items()):
    ax.plot(np.arange(n_steps), curve)
    unit = "epoch" if name == "ReduceOnPlateau" else "update"
    ax.set_title(f"{name} (per {unit})", fontsize="medium")
for ax in axes[1]:
    ax.set_xlabel("t")
for ax in axes[:, 0]:
    ax.set_ylabel("learning rate")
fig.tight_layout()

# %%
# A decaying rate in the estimator
# --------------------------------
# Digits, standardized, 75/25 split; one hidden layer of 64 ReLU units and
# the default batches of 200 samples, so 7 updates per epoch. With the
# default ``unit="step"`` the schedule advances at every update; with
# ``unit="epoch"`` once per epoch. ``learning_rate_curve_`` holds the rate of
# the last update of each epoch: ``0.1 * 0.995**6`` after the first epoch for
# the per-update decay, ``0.1`` for the per-epoch one.
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

solvers = {
    "SGD(0.1)": SGD(learning_rate=0.1),
    "SGD(Exp(0.1, 0.995))": SGD(learning_rate=ExponentialDecay(0.1, gamma=0.995)),
    "SGD(Exp(0.1, 0.96, epoch))": SGD(
        learning_rate=ExponentialDecay(0.1, gamma=0.96, unit="epoch")
    ),
}
print()
print(
    f"{'solver':<28}{'epochs':>7}{'last rate':>11}{'train loss':>12}{'test acc':>10}"
    "  first rates"
)
models = {}
for name, solver in solvers.items():
    clf = MLPClassifier((64,), solver=solver, max_iter=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    models[name] = clf
    first = ", ".join(f"{rate:.5f}" for rate in clf.learning_rate_curve_[:5])
    print(
        f"{name:<28}{clf.n_iter_:>7}{clf.learning_rate_curve_[-1]:>11.2e}"
        f"{clf.loss_:>12.4f}{clf.score(X_test, y_test):>10.4f}  [{first}]"
    )

# %%
# On this small, easy problem the constant rate is as good as the decays:
# they shrink the rate to a few thousandths before the training loss has
# settled. A decay pays off when a rate large enough for fast early progress
# leaves the mini-batch noise too large near the end; ``loss_curve_`` and
# ``learning_rate_curve_`` side by side show which case a run is in.
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
LossCurveDisplay.from_estimator(models, log_scale=True, ax=axes[0])
axes[0].set_title("training loss (loss_curve_)")
for name, clf in models.items():
    epochs = np.arange(1, clf.n_iter_ + 1)
    axes[1].plot(epochs, clf.learning_rate_curve_, label=name)
axes[1].set_yscale("log")
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("learning rate of the epoch's last update")
axes[1].set_title("learning_rate_curve_")
axes[1].legend()
fig.tight_layout()
plt.show()
