"""
=======================
Finding a learning rate
=======================

:func:`skoptim.lr_find` runs the learning-rate range test of Smith (2015)
on a copy of an estimator: with the estimator's own solver and batch size,
the learning rate grows exponentially at every update, from ``start`` to
``end``, while the smoothed training loss is recorded. At tiny rates the
loss does not move, at good rates it falls, at too large rates it explodes
and the test stops. The result suggests three rates: where the loss falls
fastest (``steepest``), a tenth of the rate of the lowest loss
(``minimum``), and the middle of the valley between the plateau and the
minimum (``valley``, the default ``suggestion``).

The estimator given to :func:`~skoptim.lr_find` is never fitted or changed.
Here the test runs for three solvers on the digits, then each solver trains
at its suggested rate and at its default one.
"""

# %%
# The range test for three solvers
# ---------------------------------
import warnings

from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from skoptim import MLPClassifier, lr_find
from skoptim.optimizers import SGD, Adam, Momentum
from skoptim.preprocessing import StandardScaler

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

solvers = {"SGD": SGD(), "Momentum": Momentum(), "Adam": Adam()}
results = {}
for name, solver in solvers.items():
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifier((64,), solver=solver, batch_size=64, random_state=0),
    )
    # a pipeline's first steps are fitted on copies and transform X first
    results[name] = lr_find(pipe, X_train, y_train, start=1e-5, end=10)
    print(name, results[name])

# %%
# Loss against learning rate (needs matplotlib). The markers are the three
# suggestions; ``result.plot(ax=...)`` draws one result.
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
    for ax, (name, result) in zip(axes, results.items()):
        result.plot(ax=ax)
        ax.set_title(f"{name}: {result.learning_rates.size} updates")
    fig.tight_layout()
    plt.show()

# %%
# Training at the suggested rate
# ------------------------------
# Each solver trains for 30 epochs at its suggested rate and at its default
# rate (torch's defaults: 1e-3 for SGD and Momentum, which are slow there).
print(f"\n{'solver':<10}{'rate':>10}{'test accuracy':>16}")
for name, solver in solvers.items():
    for rate in (solver.learning_rate, results[name].suggestion):
        pipe = make_pipeline(
            StandardScaler(),
            MLPClassifier(
                (64,),
                solver=clone(solver).set_params(learning_rate=rate),
                batch_size=64,
                max_iter=30,
                random_state=0,
            ),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipe.fit(X_train, y_train)
        print(f"{name:<10}{rate:>10.2g}{pipe.score(X_test, y_test):>16.3f}")
