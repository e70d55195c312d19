"""
=====================================
Dropout and L2 on an over-fitting MLP
=====================================

A network far larger than its data, two hidden layers of 256 ReLU units
(about 84,000 weights) trained on 300 digits for 200 epochs with Adam, fits
its training set exactly. Two ways to hold it back are compared:

* an L2 penalty on the weights, ``alpha * ½‖W‖²`` added to the mean loss.
  This ``alpha`` is not scikit-learn's MLP ``alpha``, which is divided by
  the number of samples in each batch: with batches of 200 (each epoch here
  has one of 200 and one of 100), the values 1e-3, 1e-2 and 3e-2 below are
  scikit-learn's 0.2, 2 and 6;
* dropout: while training, every hidden unit is dropped with probability
  ``p`` at each update (inverted dropout: the kept units are scaled by
  :math:`1/(1-p)`); ``predict`` uses the whole network.

The gap is training accuracy minus test accuracy (test: 450 held-out
digits), averaged over 3 seeds of the network (initialization, shuffling
and dropout masks); the data are the same for every run.

With clean labels the small training set, not memorization, is what limits
the test accuracy: every model gets all training digits right, and neither
regularizer narrows the gap by more than a point. So the second experiment
makes the network over-fit for real: 20% of the training labels are
replaced by a wrong digit (the test labels stay clean). An unregularized
network memorizes the wrong labels, which costs test accuracy; "flips fit"
is the share of the wrong training labels the model reproduces. A model
that ignores every wrong label would score about 0.80 on the training
labels, so there the gap can turn negative.
"""

# %%
# Data
# ----
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier
from skoptim.optimizers import Adam
from skoptim.plotting import LossCurveDisplay

X, y = load_digits(return_X_y=True)
X_pool, X_test, y_pool, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
X_train, _, y_train, _ = train_test_split(
    X_pool, y_pool, train_size=300, stratify=y_pool, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# 20% of the training labels replaced by a different digit.
rng = np.random.RandomState(0)
flipped = rng.rand(len(y_train)) < 0.2
y_noisy = y_train.copy()
y_noisy[flipped] = (y_train[flipped] + rng.randint(1, 10, flipped.sum())) % 10

HIDDEN = (256, 256)
EPOCHS = 200
SEEDS = (0, 1, 2)


def fit(y_fit, alpha, dropout, seed):
    """The over-sized network, trained for all EPOCHS epochs."""
    clf = MLPClassifier(
        HIDDEN,
        solver=Adam(learning_rate=1e-3),
        penalty="l2",
        alpha=alpha,
        dropout=dropout,
        max_iter=EPOCHS,
        n_iter_no_change=EPOCHS,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X_train, y_fit)


def compare(title, y_fit, settings):
    """Print mean train/test accuracy and gap per setting.

    Returns ``{setting: (fitted estimators, mean train acc, mean test acc)}``.
    """
    noisy = y_fit is y_noisy
    header = f"{'setting':<22} {'train acc':>9} {'test acc':>8} {'gap':>7}" + (
        f" {'flips fit':>9}" if noisy else ""
    )
    print(f"\n{title}\n{header}\n{'-' * len(header)}")
    fits = {}
    for name, alpha, dropout in settings:
        clfs, scores = [], []
        for seed in SEEDS:
            clf = fit(y_fit, alpha, dropout, seed)
            train_pred = clf.predict(X_train)
            scores.append(
                (
                    np.mean(train_pred == y_fit),
                    clf.score(X_test, y_test),
                    np.mean(train_pred[flipped] == y_noisy[flipped]),
                )
            )
            clfs.append(clf)
        train_acc, test_acc, flips_fit = np.mean(scores, axis=0)
        fits[name] = (clfs, train_acc, test_acc)
        print(
            f"{name:<22} {train_acc:9.3f} {test_acc:8.3f} "
            f"{train_acc - test_acc:7.3f}" + (f" {flips_fit:9.2f}" if noisy else "")
        )
    return fits


# %%
# Clean labels
# ------------
clean = compare(
    "Clean labels (300 training digits, mean of 3 seeds)",
    y_train,
    [
        ("none", 0.0, 0.0),
        ("L2 alpha=1e-2", 1e-2, 0.0),
        ("dropout 0.5", 0.0, 0.5),
    ],
)

# %%
# 20% wrong training labels
# -------------------------
noisy = compare(
    "20% wrong training labels (mean of 3 seeds)",
    y_noisy,
    [
        ("none", 0.0, 0.0),
        ("L2 alpha=1e-3", 1e-3, 0.0),
        ("L2 alpha=1e-2", 1e-2, 0.0),
        ("L2 alpha=3e-2", 3e-2, 0.0),
        ("dropout 0.2", 0.0, 0.2),
        ("dropout 0.5", 0.0, 0.5),
        ("dropout 0.7", 0.0, 0.7),
        ("dropout 0.5 + L2 1e-2", 1e-2, 0.5),
    ],
)

# %%
# With clean labels the three rows are within a point of each other: the gap
# is what 300 training digits cost, not memorization. With wrong labels,
# the unregularized network reproduces every one of them and loses test
# accuracy. A weak penalty (alpha 1e-3, 1e-2) or weak dropout (0.2) changes
# little; strong enough, both stop the memorization and narrow the gap:
# L2 with alpha 3e-2, dropout 0.7, or dropout 0.5 with a moderate L2.
# Dropout 0.5 alone still fits nearly all the wrong labels after 200
# epochs: it slows memorization down rather than preventing it (stopped
# earlier, e.g. with ``max_iter=100``, it tests better). Neither regularizer
# is simply better; each needs its strength tuned, like any hyperparameter.

# %%
# Loss curves
# -----------
# The training objective per epoch (seed 0) with the wrong labels: the mean
# loss over the epoch's batches, with the penalty for L2 and with units
# dropped for dropout, so it is not the loss of the model ``predict`` uses.
fig, (ax, ax_acc) = plt.subplots(1, 2, figsize=(12, 4.5))
LossCurveDisplay.from_estimator(
    {name: clfs[0] for name, (clfs, _, _) in noisy.items()}, log_scale=True, ax=ax
)
ax.legend(fontsize="small")
ax.set_title("20% wrong training labels: training objective")
names = list(noisy)
rows = np.arange(len(names))
ax_acc.barh(rows - 0.2, [noisy[n][1] for n in names], 0.4, label="train")
ax_acc.barh(rows + 0.2, [noisy[n][2] for n in names], 0.4, label="test")
ax_acc.set_yticks(rows, names)
ax_acc.invert_yaxis()
ax_acc.set_xlim(0.5, 1.0)
ax_acc.set_xlabel("accuracy (mean of 3 seeds)")
ax_acc.set_title("train (wrong labels) and test (clean) accuracy")
ax_acc.legend(loc="lower right")
fig.tight_layout()
plt.show()
