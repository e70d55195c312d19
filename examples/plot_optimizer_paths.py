"""
==============================
Optimizer paths on Rosenbrock
==============================

Minimize the Rosenbrock function
:math:`f(x, y) = 100 (y - x^2)^2 + (1 - x)^2` from the standard start
:math:`(-1.2, 1)` with several solvers, through :func:`skoptim.minimize`,
which runs a solver's update rule on a single vector instead of a network.
The minimum is :math:`(1, 1)`, at the end of a narrow curved valley: every
method finds the valley at once and then has to follow it.

* **SGD** must keep its step below :math:`2 / \\lambda_{max}` of the Hessian
  (about 1000 near the minimum), so it crawls along the flat floor of the
  valley.
* **Momentum** and **Nesterov** (PyTorch form, learning rate outside the
  velocity) build up speed along the valley: with :math:`\\mu = 0.9` their
  steady step is :math:`\\eta / (1 - \\mu)`, ten times :math:`\\eta`.
* **Adam**, **RMSprop** and **AdaBelief** divide each coordinate's step by a
  running root mean square, so their steps are about :math:`\\eta` whatever
  the gradient's size. RMSprop has no momentum and no bias correction here:
  near the minimum it keeps taking steps of about :math:`\\eta` and circles
  it instead of settling.
* **L-BFGS** builds a curvature model from past gradients and needs no
  learning rate; a few dozen iterations suffice.

Every first-order solver gets the same budget of updates and stops when the
largest gradient entry falls to ``tol``.
"""

# %%
# The runs
# --------
import time

import numpy as np

from skoptim import minimize
from skoptim.optimizers import LBFGS, SGD, AdaBelief, Adam, Momentum, Nesterov, RMSprop
from skoptim.test_functions import MINIMA, STARTS, rosenbrock

x0 = STARTS["rosenbrock"]  # (-1.2, 1.0)
minimum = MINIMA["rosenbrock"][0]  # (1.0, 1.0)
max_iter, tol = 20_000, 1e-6

solvers = {
    "SGD(1e-3)": SGD(learning_rate=1e-3),
    "Momentum(2e-4, 0.9)": Momentum(learning_rate=2e-4, momentum=0.9),
    "Nesterov(2e-4, 0.9)": Nesterov(learning_rate=2e-4, momentum=0.9),
    "Adam(1e-2)": Adam(learning_rate=1e-2),
    "RMSprop(1e-3)": RMSprop(learning_rate=1e-3),
    "AdaBelief(1e-3)": AdaBelief(learning_rate=1e-3),
    "LBFGS()": LBFGS(),
}

results = {}
print(f"{'solver':<22}{'iterations':>11}{'|x - (1,1)|':>13}{'f(x)':>11}{'s':>7}")
for name, solver in solvers.items():
    start = time.perf_counter()
    result = minimize(rosenbrock, x0, solver=solver, max_iter=max_iter, tol=tol)
    seconds = time.perf_counter() - start
    results[name] = result
    distance = np.linalg.norm(result.x - minimum)
    print(
        f"{name:<22}{result.nit:>11}{distance:>13.2e}{result.fun:>11.2e}{seconds:>7.2f}"
    )

print()
for name, result in results.items():
    print(f"{name:<22}{result.message}")

# %%
# A rectified solver's first steps are not adaptive
# -------------------------------------------------
# AdaBelief (``rectify=True``, the reference default) and RAdam take plain
# SGD-with-momentum steps :math:`\eta\, m_t / (1 - \beta_1^t)` while the
# variance of the adaptive rate is intractable (:math:`\rho_t < 5`: the first
# 5 updates with :math:`\beta_2 = 0.999`). These steps scale with the
# gradient, about 200 at the start: with ``learning_rate=1e-2`` they throw the
# iterate far out of the valley, where the gradient grows like :math:`x^3`,
# and the adaptive steps of size about :math:`\eta` that follow cannot bring
# it back. Without rectification the same learning rate converges.
for name, solver in {
    "AdaBelief(1e-2)": AdaBelief(learning_rate=1e-2),
    "AdaBelief(1e-2, no rect.)": AdaBelief(learning_rate=1e-2, rectify=False),
}.items():
    result = minimize(rosenbrock, x0, solver=solver, max_iter=max_iter, tol=tol)
    print(
        f"{name:<26} {result.nit:>6} updates, x after 5 updates "
        f"{np.array2string(result.path[5], precision=3)}, "
        f"final |x - (1,1)| = {np.linalg.norm(result.x - minimum):.2e}"
    )

# %%
# Paths over the contours
# -----------------------
# The plot needs matplotlib; without it the numbers above are the result.
try:
    import matplotlib.pyplot as plt
except ImportError:
    print("\nmatplotlib is not installed: skipping the plot.")
else:
    xs, ys = np.linspace(-2.0, 2.0, 300), np.linspace(-1.0, 3.0, 300)
    grid = np.array([[rosenbrock(np.array([a, b]))[0] for a in xs] for b in ys])
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.contour(xs, ys, np.log10(grid + 1e-3), levels=25, cmap="Greys", alpha=0.6)
    for name, result in results.items():
        path = result.path
        every = max(1, len(path) // 400)  # at most ~400 points per path
        shown = np.vstack([path[::every], path[-1:]])
        ax.plot(shown[:, 0], shown[:, 1], ".-", markersize=2, lw=1, label=name)
    ax.plot(*x0, "ko", label="start")
    ax.plot(*minimum, "r*", markersize=12, label="minimum")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("skoptim.minimize on Rosenbrock from (-1.2, 1)")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    plt.show()
