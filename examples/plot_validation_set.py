"""
=========================================
Watching over-fitting on a validation set
=========================================

``fit(X, y, X_val=..., y_val=...)`` takes a held-out validation set, as
scikit-learn's histogram gradient boosting does. After every epoch the
estimator scores it in inference mode and records

- ``validation_loss_curve_``: the training objective (mean loss plus the
  weight penalty, as ``loss_curve_``) on the validation set;
- ``validation_scores_``: the accuracy (classifier) or R² (regressor).

With ``early_stopping=True`` the given set replaces the internal split of
``validation_fraction`` of the training data, so all of ``X`` trains and
early stopping watches the data you chose.
"""

# %%
# The validation loss turns up when over-fitting begins
# ------------------------------------------------------
# A network without penalty trains on 300 digits for 80 epochs. The
# training loss keeps falling; the validation loss reaches its minimum
# early and then climbs while the validation accuracy stalls.
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skoptim import MLPClassifier
from skoptim.optimizers import Adam

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, train_size=300, stratify=y, random_state=0
)
X_val, X_test, y_val, y_test = train_test_split(
    X_rest, y_rest, train_size=500, stratify=y_rest, random_state=0
)

clf = MLPClassifier(
    (64,),
    solver=Adam(1e-2),
    alpha=0.0,
    batch_size=16,
    max_iter=80,
    n_iter_no_change=80,
    random_state=0,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)

best = int(np.argmin(clf.validation_loss_curve_))
print(
    f"lowest validation loss at epoch {best + 1}: "
    f"{clf.validation_loss_curve_[best]:.3f}"
)
print(
    f"after {clf.n_iter_} epochs: training loss {clf.loss_curve_[-1]:.4f}, "
    f"validation loss {clf.validation_loss_curve_[-1]:.3f}"
)
print(
    f"validation accuracy: best {max(clf.validation_scores_):.3f}, "
    f"last {clf.validation_scores_[-1]:.3f}"
)

# %%
# The curves (needs matplotlib).
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    epochs = np.arange(1, clf.n_iter_ + 1)
    fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(11, 3.8))
    ax_loss.plot(epochs, clf.loss_curve_, label="training")
    ax_loss.plot(epochs, clf.validation_loss_curve_, label="validation")
    ax_loss.axvline(best + 1, color="grey", linestyle=":", label="lowest")
    ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log")
    ax_loss.legend()
    ax_score.plot(epochs, clf.validation_scores_, color="C1")
    ax_score.set(xlabel="epoch", ylabel="validation accuracy")
    fig.tight_layout()
    plt.show()

# %%
# Early stopping on the given set
# -------------------------------
# With ``early_stopping=True`` and no ``X_val``, 10% of the 300 training
# samples are held out: fewer samples train and the noisy 30-sample score
# decides when to stop. Given the 500-sample validation set, all 300 train
# and the stopping epoch is chosen on more data.
settings = dict(
    hidden_layer_sizes=(64,),
    solver=Adam(1e-2),
    alpha=0.0,
    batch_size=16,
    max_iter=80,
    early_stopping=True,
    n_iter_no_change=10,
    random_state=0,
)
internal = MLPClassifier(**settings).fit(X_train, y_train)
given = MLPClassifier(**settings).fit(X_train, y_train, X_val=X_val, y_val=y_val)
for name, model in [("internal split", internal), ("given X_val", given)]:
    kept = int(np.argmax(model.validation_scores_)) + 1
    print(
        f"{name:>15}: {model.n_iter_} epochs, kept epoch {kept}, "
        f"test accuracy {model.score(X_test, y_test):.3f}"
    )
