"""
=============================================
Full-batch vs mini-batch vs single-sample SGD
=============================================

``batch_size`` sets how many samples each gradient step averages over:
``batch_size=1`` is single-sample (the original stochastic gradient
descent), an int in between is mini-batch, and ``batch_size="full"`` is
full-batch gradient descent, one exact step per epoch. Each epoch sees
every training sample once, so on the 1347 training digits an epoch is 1347
updates with ``batch_size=1``, 43 with ``batch_size=32`` and a single one
with ``"full"``.

Smaller batches make more, noisier steps per epoch; larger batches make
fewer, more accurate steps, whose cost numpy spreads over the whole batch at
once. A larger batch also tolerates a larger learning rate, because its
gradient is less noisy. The same :class:`~skoptim.MLPClassifier` (one
hidden layer of 32 ReLU units) is trained by plain ``SGD`` for 20 epochs
with each batch size, at the learning rate 0.01 and at a larger one.
"""

# %%
# Training
# --------
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skoptim import MLPClassifier
from skoptim.optimizers import SGD
from skoptim.plotting import LossCurveDisplay
from skoptim.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
n_train, n_epochs = X_train.shape[0], 20

settings = {
    "single sample, lr 0.01": (1, 0.01),
    "batches of 32, lr 0.01": (32, 0.01),
    "batches of 32, lr 0.1": (32, 0.1),
    "full batch, lr 0.01": ("full", 0.01),
    "full batch, lr 1.0": ("full", 1.0),
}
models, seconds, updates_per_epoch = {}, {}, {}
print(
    f"{'setting':<24}{'updates':>9}{'loss ep. 1':>11}{'ep. 5':>8}{'ep. 20':>8}"
    f"{'test acc':>10}{'fit s':>7}"
)
for name, (batch_size, learning_rate) in settings.items():
    clf = MLPClassifier(
        hidden_layer_sizes=(32,),
        solver=SGD(learning_rate=learning_rate),
        batch_size=batch_size,
        max_iter=n_epochs,
        tol=0.0,
        n_iter_no_change=n_epochs,
        random_state=0,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    seconds[name] = time.perf_counter() - start
    size = n_train if batch_size == "full" else batch_size
    updates_per_epoch[name] = int(np.ceil(n_train / size))
    models[name] = clf
    curve = clf.loss_curve_
    print(
        f"{name:<24}{updates_per_epoch[name] * n_epochs:>9}{curve[0]:>11.3f}"
        f"{curve[4]:>8.3f}{curve[19]:>8.3f}{clf.score(X_test, y_test):>10.3f}"
        f"{seconds[name]:>7.2f}"
    )

# %%
# At the same learning rate of 0.01, single-sample SGD is far ahead per
# epoch (about 27,000 updates in 20 epochs against 20 for the full batch,
# which has barely moved from the initial loss of 2.3), but it takes by far
# the longest: numpy's cost is mostly per call, not per sample, at this size.
# Raising the learning rate with the batch size closes much of the gap per
# epoch. Per update, the exact full-batch step does the most: at 1.0, 20 of
# them bring the loss to about 0.15, which mini-batches of 32 at 0.1 need
# about 5 epochs (over 200 updates) for. Per second, the mini-batches at 0.1
# end lowest: they combine many steps with numpy's efficiency on 32 rows.
#
# Three views of the same runs
# ----------------------------
# Per epoch (``loss_curve_`` drawn by
# :class:`~skoptim.plotting.LossCurveDisplay`), per update, and per second
# of training (each epoch counted as an equal share of the fit time).
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), sharey=True)
LossCurveDisplay.from_estimator(models, log_scale=True, ax=axes[0])
axes[0].set_title("per epoch")
for name, clf in models.items():
    epochs = np.arange(1, n_epochs + 1)
    line = axes[0].get_lines()[list(models).index(name)]
    axes[1].plot(
        epochs * updates_per_epoch[name], clf.loss_curve_, color=line.get_color()
    )
    axes[2].plot(
        epochs * seconds[name] / n_epochs, clf.loss_curve_, color=line.get_color()
    )
axes[1].set_xscale("log")
axes[1].set_xlabel("updates (log scale)")
axes[1].set_title("per update")
axes[2].set_xscale("log")
axes[2].set_xlabel("seconds of training (log scale)")
axes[2].set_title("per second")
fig.tight_layout()
plt.show()
