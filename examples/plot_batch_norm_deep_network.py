"""
=======================================================
Batch normalization rescues a badly scaled deep network
=======================================================

A network with 6 hidden layers of 64 ReLU units is trained on the
standardized digits data by plain mini-batch SGD with a large learning rate
(0.5, or 2.0 in the last setting), with and without
``batch_normalization=True``. The weights are drawn by
:class:`~skoptim.initializers.GlorotNormal` with three gains:

* ``gain=sqrt(2)``: the standard deviation of He's initialization for these
  square layers, which keeps the variance of the ReLU activations about
  constant from layer to layer (the control);
* ``gain=0.1``: every layer multiplies the standard deviation of the
  activations by about 0.07, so after 6 layers the signal, and the gradient
  sent back, is about :math:`10^{-7}` of what it should be: SGD barely
  moves and the classifier stays at chance (10%, a loss of
  :math:`\\log 10 \\approx 2.303`);
* ``gain=3``: every layer multiplies it by about 2.1, so the last hidden
  layer starts about 90 times larger than in the control; the first updates
  overshoot and the loss becomes infinite, which ``fit`` reports by raising
  :class:`~skoptim.TrainingDivergedError`.

Batch normalization standardizes each hidden unit's pre-activations over
the batch before the activation (then applies a learned scale and shift),
so the forward signal no longer depends on the scale of the weights, and
the gradient with respect to the weights is inversely proportional to
their scale. Both badly scaled networks then train, and so does the
well-scaled one with a learning rate (2.0) at which it diverges without
normalization.

Every run trains for 50 epochs (``n_iter_no_change=50`` switches off the
stop for lack of progress, so a stuck run cannot blame it), with 3 seeds.
For a diverged run, the parameters are those of the last finite epoch
(before the first update if it diverged in the first epoch); the table
shows the accuracy of that restored model.
"""

# %%
# Data and settings
# -----------------
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, TrainingDivergedError
from skoptim.initializers import GlorotNormal
from skoptim.optimizers import SGD

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

HIDDEN = (64,) * 6
EPOCHS = 50
SEEDS = (0, 1, 2)
HE_GAIN = np.sqrt(2)
# (label, gain of GlorotNormal, learning rate of SGD)
SETTINGS = [
    ("He scale,  lr 0.5", HE_GAIN, 0.5),
    ("gain 0.1,  lr 0.5", 0.1, 0.5),
    ("gain 3,    lr 0.5", 3.0, 0.5),
    ("He scale,  lr 2.0", HE_GAIN, 2.0),
]


# %%
# The activations at initialization
# ---------------------------------
# The standard deviation of each hidden layer's ReLU output for the training
# data, with the estimator's initial parameters: weights drawn by the
# initializer, zero biases and, with batch normalization, scale 1 and shift
# 0, so the pre-activations are standardized with the batch's statistics.
def activation_stds(gain, batch_norm, seed=0):
    rng = np.random.RandomState(seed)
    init = GlorotNormal(gain=gain)
    a, stds = X_train, []
    for fan_in, fan_out in zip((X_train.shape[1], *HIDDEN[:-1]), HIDDEN):
        z = a @ init.initialize(fan_in, fan_out, rng)
        if batch_norm:
            z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
        a = np.maximum(z, 0)
        stds.append(a.std())
    return stds


print("std of the hidden activations at initialization, layers 1 to 6")
for gain in (HE_GAIN, 0.1, 3.0):
    for batch_norm in (False, True):
        stds = " ".join(f"{s:8.2g}" for s in activation_stds(gain, batch_norm))
        print(f"  gain {gain:4.2f} {'BN   ' if batch_norm else 'no BN'}: {stds}")


# %%
# Training with and without batch normalization
# ---------------------------------------------
def train(gain, learning_rate, batch_norm, seed):
    """Fit one network; return the estimator and the epoch it diverged at."""
    clf = MLPClassifier(
        HIDDEN,
        activation="relu",
        solver=SGD(learning_rate=learning_rate),
        init=GlorotNormal(gain=gain),
        penalty=None,
        batch_normalization=batch_norm,
        max_iter=EPOCHS,
        n_iter_no_change=EPOCHS,
        random_state=seed,
    )
    diverged_at = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            clf.fit(X_train, y_train)
        except TrainingDivergedError:
            diverged_at = clf.n_iter_ + 1
    return clf, diverged_at


header = (
    f"{'setting':<18} {'BN':<3} {'seed':>4} {'final loss':>11} "
    f"{'test acc':>8} {'epochs':>6}  diverged"
)
print()
print(header)
print("-" * len(header))
results = {}
for label, gain, learning_rate in SETTINGS:
    for batch_norm in (False, True):
        runs = []
        for seed in SEEDS:
            clf, diverged_at = train(gain, learning_rate, batch_norm, seed)
            # A diverged run keeps the last finite parameters, which can be
            # huge: silence the overflow of their predictions.
            with np.errstate(all="ignore"):
                accuracy = clf.score(X_test, y_test)
            loss = f"{clf.loss_:11.4g}" if clf.loss_ is not None else f"{'-':>11}"
            print(
                f"{label:<18} {'yes' if batch_norm else 'no':<3} {seed:>4} {loss} "
                f"{accuracy:8.3f} {clf.n_iter_:>6}  "
                + (f"yes, in epoch {diverged_at}" if diverged_at else "no")
            )
            runs.append((clf.loss_curve_, accuracy, diverged_at))
        results[label, batch_norm] = runs

print()
print(f"{'setting':<18} {'BN':<3} {'mean test acc':>13} {'diverged':>9}")
for (label, batch_norm), runs in results.items():
    accuracies = [accuracy for _, accuracy, _ in runs]
    n_diverged = sum(diverged_at is not None for _, _, diverged_at in runs)
    print(
        f"{label:<18} {'yes' if batch_norm else 'no':<3} "
        f"{np.mean(accuracies):13.3f} {n_diverged:>5} of {len(runs)}"
    )

# %%
# Without batch normalization the outcome depends on the weight scale: the
# well-scaled network trains at learning rate 0.5, the small-gain one stays
# at chance and the large-gain one diverges at once, as does the
# well-scaled one at learning rate 2.0. With it, every setting trains: the
# activations at initialization have the same spread whatever the gain.
# Batch normalization does not make the well-scaled network at learning
# rate 0.5 better; it makes the training insensitive to the scale.

# %%
# Loss curves
# -----------
# Training loss per epoch (log scale); a curve that stops early diverged in
# the next epoch, and one that is missing diverged in the first.
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    fig, axes = plt.subplots(1, len(SETTINGS), figsize=(14, 3.5), sharey=True)
    for ax, (label, _, _) in zip(axes, SETTINGS):
        for batch_norm, color in ((False, "tab:red"), (True, "tab:blue")):
            for i, (curve, _, _) in enumerate(results[label, batch_norm]):
                ax.plot(
                    np.arange(1, len(curve) + 1),
                    curve,
                    color=color,
                    alpha=0.7,
                    label=("with BN" if batch_norm else "without BN")
                    if i == 0
                    else None,
                )
        diverged = [d for _, _, d in results[label, False] if d is not None]
        if diverged:
            ax.text(
                0.5,
                0.95,
                f"without BN: {len(diverged)} of {len(SEEDS)} diverged\n"
                f"(in epoch {'-'.join(map(str, sorted(set(diverged))))})",
                transform=ax.transAxes,
                ha="center",
                va="top",
                color="tab:red",
            )
        ax.set_yscale("log")
        ax.set_ylim(1e-4, 1e2)
        ax.set_title(" ".join(label.split()))
        ax.set_xlabel("epoch")
    axes[0].set_ylabel("training loss")
    axes[0].legend()
    fig.tight_layout()
    plt.show()
