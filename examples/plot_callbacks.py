"""
==========================
Callbacks: watch and steer
==========================

scikit-learn 1.9 introduced callbacks (:mod:`sklearn.callback`,
experimental). skoptim's MLPs support them: ``set_callbacks(...)`` registers
callbacks that ``fit`` calls for its root task and for one sub-task per
epoch, with a model of that epoch ready to predict. A callback returning
True at the end of an epoch stops training there.

This example uses scikit-learn's ``ScoringMonitor`` and two callbacks of
:mod:`skoptim.callbacks`: ``EarlyStopping`` (on any monitored quantity,
restoring the best epoch) and ``TrainingDiagnostics`` (learning rate,
gradient norm and update-to-weight ratio per layer and epoch). It needs
scikit-learn 1.9 or later.
"""

# %%
# A score per epoch with ScoringMonitor
# -------------------------------------
import warnings

import numpy as np
from sklearn.callback import ScoringMonitor
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from skoptim import MLPClassifier
from skoptim.callbacks import EarlyStopping, TrainingDiagnostics
from skoptim.optimizers import SGD, Adam
from skoptim.preprocessing import StandardScaler

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)

monitor = ScoringMonitor(scoring="accuracy")
clf = MLPClassifier((32,), max_iter=10, random_state=0).set_callbacks(monitor)
clf.fit(X_train, y_train)
epochs = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
print("training accuracy per epoch:")
print(np.round([row["accuracy"] for row in epochs], 3))


# %%
# A callback of your own
# ----------------------
# A callback is any object with ``setup``, ``teardown``,
# ``on_fit_task_begin`` and ``on_fit_task_end``. This one stops training as
# soon as the model of an epoch reaches a target accuracy on data of its
# own: the estimator is then the model of that epoch.
class StopAtAccuracy:
    def __init__(self, X, y, target):
        self.X, self.y, self.target = X, y, target

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if context.task_name != "epoch":
            return False
        return fitted_estimator.score(self.X, self.y) >= self.target


clf = MLPClassifier((32,), max_iter=200, random_state=0)
clf.set_callbacks(StopAtAccuracy(X_val, y_val, target=0.95)).fit(X_train, y_train)
print(
    f"\nstopped after {clf.n_iter_} epochs at validation accuracy "
    f"{clf.score(X_val, y_val):.3f}"
)

# %%
# Early stopping on the validation loss
# -------------------------------------
# ``EarlyStopping`` watches ``validation_loss_curve_`` (the validation set
# given to ``fit``) and stops after ``patience`` epochs without improvement,
# then restores the best epoch. The estimator's own stopping rule is pushed
# out of the way with a large ``n_iter_no_change``.
stop = EarlyStopping("validation_loss", patience=5)
clf = MLPClassifier(
    (64,),
    solver=Adam(1e-2),
    alpha=0.0,
    max_iter=200,
    n_iter_no_change=200,
    random_state=0,
).set_callbacks(stop)
clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)
print(
    f"\nstopped at epoch {stop.stopped_epoch_}, best epoch {stop.best_epoch_} "
    f"(validation loss {stop.best_value_:.4f}); kept model's validation "
    f"accuracy {clf.score(X_val, y_val):.3f}"
)

# %%
# Diagnosing the learning rate
# ----------------------------
# The update-to-weight ratio says how much an epoch changes each layer's
# weights, relative to their size. With plain SGD, a rate 100 times larger
# moves the weights about 100 times more; near 1, an epoch rewrites the
# layer (too large a rate), far below 1e-3 it barely learns.
diagnostics = {}
for rate in (0.001, 0.1):
    recorder = TrainingDiagnostics()
    MLPClassifier(
        (64, 32), solver=SGD(rate), max_iter=20, random_state=0
    ).set_callbacks(recorder).fit(X_train, y_train)
    diagnostics[rate] = recorder.history()
    ratios = diagnostics[rate]["update_ratio"]
    print(f"\nSGD({rate}): update ratio per layer, first and last epoch")
    print(np.round(ratios[[0, -1]], 5))
    print(
        "gradient norm per layer, last epoch:",
        np.round(diagnostics[rate]["gradient_norm"][-1], 4),
    )

try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    for ax, (rate, history) in zip(axes, diagnostics.items()):
        for layer in range(history["update_ratio"].shape[1]):
            ax.plot(
                history["epoch"],
                history["update_ratio"][:, layer],
                label=f"layer {layer}",
            )
        ax.set(
            title=f"SGD(learning_rate={rate})",
            xlabel="epoch",
            ylabel="update / weight ratio",
            yscale="log",
        )
        ax.legend()
    fig.tight_layout()
    plt.show()

# %%
# Inside Pipeline and GridSearchCV
# --------------------------------
# Callbacks set on the MLP follow it into the clones of a grid search; the
# epochs are logged under the search's tasks.
monitor = ScoringMonitor(scoring="accuracy")
pipe = make_pipeline(
    StandardScaler(),
    MLPClassifier((32,), max_iter=8, random_state=0).set_callbacks(monitor),
)
grid = GridSearchCV(pipe, {"mlpclassifier__alpha": [1e-4, 1e-1]}, cv=3)
grid.fit(X_train, y_train)
rows = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
print(f"\n{len(rows)} epochs logged (2 candidates x 3 folds + refit, 8 each);")
print("path of the first:", rows[0]["task_id_path"])
# With ``rich`` installed, ``grid.set_callbacks(ProgressBar())`` (from
# ``sklearn.callback``) draws nested progress bars down to the epochs.
