"""
===============================================
Initialization: Glorot vs He vs zeros, symmetry
===============================================

A deep network trains only if the signal neither dies nor explodes on its
way through the layers. A layer with ``fan_in`` inputs of variance
:math:`v` and weights of variance :math:`s^2` gives pre-activations of
variance ``fan_in`` :math:`s^2 v`, so the initializers of
:mod:`skoptim.initializers` choose :math:`s^2`:

* **Glorot** (Xavier): :math:`s^2 = 2 / (n_{in} + n_{out})`, i.e.
  :math:`1 / n` for square layers. It keeps the variance constant through a
  linear or ``tanh`` layer (``tanh`` is the identity near 0).
* **He** (Kaiming): :math:`s^2 = 2 / n_{in}`, twice as much, because ReLU
  zeroes half of its inputs and so halves the second moment.
* **Zeros**: every unit of a layer computes the same function and receives
  the same gradient, so the units stay identical: the *symmetry* that random
  initialization breaks.

The first part draws the weights of 10 hidden layers of 64 units with each
initializer's ``initialize`` method (what the estimator calls) and follows
the standardized digits through them. The second trains that network with
ReLU units on the digits by mini-batch SGD.
"""

# %%
# Activation statistics per layer at initialization
# -------------------------------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skoptim import MLPClassifier
from skoptim.initializers import GlorotUniform, HeUniform, Initializer, Zeros
from skoptim.optimizers import SGD
from skoptim.plotting import LossCurveDisplay
from skoptim.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

hidden = (64,) * 10
initializers = {"Glorot": GlorotUniform(), "He": HeUniform(), "zeros": Zeros()}


def activation_stats(initializer, activation, X, seed=0):
    """Per hidden layer: std of the activations, share of saturated units."""
    rng = np.random.RandomState(seed)
    a, stds, saturated = X, [], []
    for fan_in, fan_out in zip((X.shape[1], *hidden[:-1]), hidden):
        z = a @ initializer.initialize(fan_in, fan_out, rng)
        a = np.maximum(z, 0.0) if activation == "relu" else np.tanh(z)
        stds.append(a.std())
        saturated.append(np.mean(np.abs(a) > 0.9))
    return np.array(stds), np.array(saturated)


stats = {}
for activation in ("relu", "tanh"):
    print(f"{activation}: std of the activations in hidden layer 1..10")
    for name, initializer in initializers.items():
        stds, saturated = activation_stats(initializer, activation, X_train)
        stats[activation, name] = stds
        print(f"  {name:<7}" + "".join(f"{s:>7.3f}" for s in stds))
        if activation == "tanh" and name != "zeros":
            print(f"  {'|a|>0.9':<7}" + "".join(f"{s:>7.0%}" for s in saturated))

# %%
# With ReLU, Glorot's variance is half of what the layer needs, so the
# standard deviation shrinks by about :math:`\sqrt 2` per layer, from 0.58
# after the first layer to 0.016 after the tenth. He's stays between 0.5 and
# 0.8. With ``tanh``, which is slightly contracting, Glorot's signal fades
# slowly (0.59 to 0.23) and He's stays near 0.56, at the price of 6% to 24%
# of the units saturated (:math:`|a| > 0.9`, where the gradient of ``tanh``
# is below 0.19). With zeros every activation is exactly 0.
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
for ax, activation in zip(axes, ("relu", "tanh")):
    for name in ("Glorot", "He"):
        ax.plot(range(1, 11), stats[activation, name], "o-", label=name)
    ax.set_yscale("log")
    ax.set_xlabel("hidden layer")
    ax.set_title(f"{activation}, 10 layers of 64 units, at initialization")
    ax.legend()
axes[0].set_ylabel("std of the activations")
fig.tight_layout()


# %%
# Training, and the symmetry of identical units
# ---------------------------------------------
# Besides the three initializers of the package, a custom one (any object
# with ``initialize``) sets every weight to :math:`1 / n_{in}`: the units are
# no longer silent, but still all identical.
class Constant(Initializer):
    """Every weight equal to ``gain / fan_in``."""

    def initialize(self, fan_in, fan_out, random_state, dtype=np.float64):
        return np.full((fan_in, fan_out), self.gain / fan_in, dtype=dtype)


models = {}
print(
    f"{'init':<10}{'loss ep. 1':>11}{'ep. 3':>8}{'ep. 20':>8}{'test acc':>10}"
    f"{'distinct units':>16}"
)
for name, init in {**initializers, "constant": Constant()}.items():
    clf = MLPClassifier(
        hidden_layer_sizes=hidden,
        init=init,
        solver=SGD(learning_rate=0.05),
        batch_size=32,
        max_iter=20,
        tol=0.0,
        n_iter_no_change=20,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X_train, y_train)
    models[name] = clf
    # units of hidden layer 2 whose incoming weights differ (to 8 decimals)
    distinct = len(np.unique(clf.coefs_[1].T.round(8), axis=0))
    curve = clf.loss_curve_
    print(
        f"{name:<10}{curve[0]:>11.3f}{curve[2]:>8.3f}{curve[19]:>8.3f}"
        f"{clf.score(X_test, y_test):>10.3f}{distinct:>16}"
    )

# %%
# He's network learns from the first epoch; Glorot's, whose signal reaches
# the last hidden layer about 30 times weaker, stays near the chance loss
# :math:`\log 10 \approx 2.30` for about three epochs before it takes off
# and catches up (both end at about 94% test accuracy). With zeros nothing
# but the output biases ever moves: the loss stays at 2.30 and the accuracy
# at chance. With the constant weights the 64 units of each layer remain one
# unit repeated 64 times, so the network is no wider than a chain of single
# units: it learns a little, not the digits.
display = LossCurveDisplay.from_estimator(models, log_scale=True)
display.ax_.set_title("ReLU, 10 hidden layers of 64 units, SGD(0.05)")
display.figure_.tight_layout()
plt.show()
