"""
===============================================
L1 vs L2 weights, and a sweep of lambda (alpha)
===============================================

The estimators minimize the mean loss plus :math:`\\lambda R(W)` over the
weights (not the biases), with :math:`\\lambda` the ``alpha`` parameter and
:math:`R` set by ``penalty``:

* ``penalty="l2"``, :math:`R = \\tfrac12 \\lVert W \\rVert_2^2`, pulls every
  weight towards 0 in proportion to its size: weights shrink, none becomes
  exactly 0.
* ``penalty="l1"``, :math:`R = \\lVert W \\rVert_1`, is applied as a
  proximal step (soft-thresholding) after each solver step, so weights that
  the data do not hold away from 0 land on exactly 0.

The first part shows this in the first layer of a network trained on the
digits, with :class:`~skoptim.plotting.WeightDisplay`. The second sweeps
:math:`\\lambda` on a small noisy problem to show over-fitting (small
:math:`\\lambda`: the training set is learned by heart, the test accuracy
lags) and under-fitting (large :math:`\\lambda`: the penalty wins and the
network predicts one class).
"""

# %%
# First-layer weights on the digits
# ---------------------------------
# The pixels are divided by 16 (so they lie in [0, 1]); the pixels on the
# left and right borders are almost always 0, so nothing in the data holds
# their weights away from 0.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skoptim import MLPClassifier
from skoptim.optimizers import Adam
from skoptim.plotting import WeightDisplay


def fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16, y, test_size=0.25, stratify=y, random_state=0
)
digits_models = {
    penalty: fit(
        MLPClassifier(
            hidden_layer_sizes=(16,),
            penalty=penalty,
            alpha=3e-3,
            max_iter=100,
            batch_size=50,
            random_state=0,
        ),
        X_train,
        y_train,
    )
    for penalty in ("l1", "l2")
}
print(f"{'penalty':<8}{'test acc':>9}{'zeros':>8}{'mean |w|':>10}{'unused pixels':>15}")
for penalty, clf in digits_models.items():
    W = clf.coefs_[0]
    unused = int(np.sum(np.all(W == 0, axis=1)))  # pixels no unit looks at
    print(
        f"{penalty:<8}{clf.score(X_test, y_test):>9.3f}{np.mean(W == 0):>8.0%}"
        f"{np.abs(W).mean():>10.4f}{unused:>15}"
    )

# %%
# With the same :math:`\lambda = 3 \cdot 10^{-3}`, L1 sets about two thirds of
# the first-layer weights to exactly 0 and ignores 18 pixels entirely
# (white in every tile below), for a test accuracy about a point lower; L2
# zeroes none and shrinks them all. The histograms (log counts) show L1's
# spike at 0.
fig, axes = plt.subplots(2, 2, figsize=(10, 8.5))
for column, (penalty, clf) in enumerate(digits_models.items()):
    WeightDisplay.from_estimator(
        clf, kind="image", image_shape=(8, 8), name=penalty, ax=axes[0, column]
    )
    WeightDisplay.from_estimator(
        clf, layers=[0], bins=40, log_scale=True, ax=axes[1, column]
    )
fig.tight_layout()

# %%
# Sweeping lambda: over- and under-fitting
# ----------------------------------------
# 200 training samples of a problem with 20 features of which 5 are
# informative, and 15% of the labels flipped at random, for a network with
# two hidden layers of 64 units trained for 200 epochs by Adam; 400 test
# samples.
X, y = make_classification(
    n_samples=600,
    n_features=20,
    n_informative=5,
    n_redundant=0,
    flip_y=0.15,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=200, stratify=y, random_state=0
)
alphas = [1e-5, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1]
scores = {}
print(
    f"{'alpha':>8} | {'L2 train':>8} {'test':>6} "
    f"| {'L1 train':>8} {'test':>6} {'features':>9}"
)
for alpha in alphas:
    row = []
    for penalty in ("l2", "l1"):
        clf = fit(
            MLPClassifier(
                hidden_layer_sizes=(64, 64),
                penalty=penalty,
                alpha=alpha,
                solver=Adam(learning_rate=0.01),
                batch_size=50,
                max_iter=200,
                tol=0.0,
                n_iter_no_change=200,
                random_state=0,
            ),
            X_train,
            y_train,
        )
        train, test = clf.score(X_train, y_train), clf.score(X_test, y_test)
        scores[penalty, alpha] = train, test
        row.append(f"{train:>8.3f} {test:>6.3f}")
    used = int(np.sum(np.any(clf.coefs_[0] != 0, axis=1)))  # the L1 model's
    print(f"{alpha:>8g} | {row[0]} | {row[1]} {used:>9}")

# %%
# Up to :math:`\lambda = 3 \cdot 10^{-3}` both networks get every training
# label right, the flipped ones included, and score about 0.76-0.79 on the
# test set: over-fitting. Stronger penalties trade training accuracy for
# test accuracy, up to a best test score (L2 about 0.80 at 0.1, L1 about
# 0.83 at 0.01; at 0.03 L1 has cut half of the 20 input features off, every
# weight out of them exactly 0: the "features" column). Beyond
# that the penalty dominates the loss: both scores fall to about 0.51, the
# share of the majority class, as the network predicts a single class.
fig, ax = plt.subplots(figsize=(6, 4))
for penalty, color in (("l2", "C0"), ("l1", "C1")):
    train, test = np.array([scores[penalty, alpha] for alpha in alphas]).T
    ax.plot(alphas, train, "o--", color=color, label=f"{penalty} train")
    ax.plot(alphas, test, "o-", color=color, label=f"{penalty} test")
ax.set_xscale("log")
ax.set_xlabel("alpha (lambda)")
ax.set_ylabel("accuracy")
ax.set_title("over-fitting (left) and under-fitting (right)")
ax.legend()
fig.tight_layout()
plt.show()
