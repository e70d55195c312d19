"""
==========================================
The optimizer race on Rosenbrock and Beale
==========================================

Minimize two classic test functions of :mod:`skoptim.test_functions` from
their standard starts with several solvers, through
:func:`skoptim.minimize`, which runs a solver's update rule on a single
vector instead of a network, and draw the paths with
:class:`~skoptim.plotting.OptimizerPathDisplay`.

**Rosenbrock**, :math:`f(x, y) = 100 (y - x^2)^2 + (1 - x)^2` from
:math:`(-1.2, 1)`: the minimum :math:`(1, 1)` lies at the end of a narrow
curved valley. Every method finds the valley at once and then has to
follow it.

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

**Beale**, :math:`(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x +
xy^3)^2` from :math:`(1, 1)`: a flat plateau around the start and a minimum
at :math:`(3, 0.5)` in a valley that bends sharply. Its gradients are about
a hundred times smaller than Rosenbrock's near the start, so the same
solvers get learning rates ten times larger.

Every first-order solver gets the same budget of updates on a function and
stops when the largest gradient entry falls to ``tol``. The tables print the
distance to the minimum after 10, 100 and 1000 updates, and when the run
stopped.
"""

# %%
# The race
# --------
import time

import matplotlib.pyplot as plt
import numpy as np

from skoptim import minimize
from skoptim.optimizers import LBFGS, SGD, AdaBelief, Adam, Momentum, Nesterov, RMSprop
from skoptim.plotting import OptimizerPathDisplay
from skoptim.test_functions import MINIMA, STARTS, beale, rosenbrock

tol = 1e-6
checkpoints = [10, 100, 1000]


def race(fun, solvers, max_iter):
    """Run every solver on ``fun`` and print where each is along the way."""
    start, minimum = STARTS[fun.__name__], MINIMA[fun.__name__][0]
    print(
        f"{fun.__name__}: |x - {minimum.tolist()}| after n updates (budget {max_iter})"
    )
    print(
        f"{'solver':<22}"
        + "".join(f"{n:>10}" for n in checkpoints)
        + f"{'stopped':>10}{'final':>10}{'s':>6}"
    )
    results = {}
    for name, solver in solvers.items():
        begin = time.perf_counter()
        result = minimize(fun, start, solver=solver, max_iter=max_iter, tol=tol)
        seconds = time.perf_counter() - begin
        distances = np.linalg.norm(result.path - minimum, axis=1)
        at = [distances[min(n, result.nit)] for n in checkpoints]
        print(
            f"{name:<22}"
            + "".join(f"{d:>10.2e}" for d in at)
            + f"{result.nit:>10}{distances[-1]:>10.1e}{seconds:>6.2f}"
        )
        results[name] = result
    return results


rosenbrock_results = race(
    rosenbrock,
    {
        "SGD(1e-3)": SGD(learning_rate=1e-3),
        "Momentum(2e-4, 0.9)": Momentum(learning_rate=2e-4, momentum=0.9),
        "Nesterov(2e-4, 0.9)": Nesterov(learning_rate=2e-4, momentum=0.9),
        "Adam(1e-2)": Adam(learning_rate=1e-2),
        "RMSprop(1e-3)": RMSprop(learning_rate=1e-3),
        "AdaBelief(1e-3)": AdaBelief(learning_rate=1e-3),
        "LBFGS()": LBFGS(),
    },
    max_iter=20_000,
)
print()
beale_results = race(
    beale,
    {
        "SGD(1e-2)": SGD(learning_rate=1e-2),
        "Momentum(1e-2, 0.9)": Momentum(learning_rate=1e-2, momentum=0.9),
        "Nesterov(1e-2, 0.9)": Nesterov(learning_rate=1e-2, momentum=0.9),
        "Adam(1e-2)": Adam(learning_rate=1e-2),
        "RMSprop(1e-3)": RMSprop(learning_rate=1e-3),
        "AdaBelief(1e-2)": AdaBelief(learning_rate=1e-2),
        "LBFGS()": LBFGS(),
    },
    max_iter=5_000,
)

# %%
# On Rosenbrock, L-BFGS finishes in a few dozen iterations, Adam and
# AdaBelief in 5,000 to 9,000 updates, Momentum and Nesterov in about 16,000,
# and SGD and RMSprop use the whole budget: SGD is still crawling along the
# valley, RMSprop circles the minimum at a distance of about its learning
# rate. On Beale, where the valley is short, momentum wins among the
# first-order methods (a few hundred updates), and RMSprop again stalls near
# the minimum.
#
# The paths
# ---------
# Each path starts at the circle; the star is the minimum. Long paths are
# drawn with at most 500 of their points.
fig, axes = plt.subplots(1, 2, figsize=(12, 5.5))
OptimizerPathDisplay.from_results(
    rosenbrock, rosenbrock_results, xlim=(-2, 2), ylim=(-1, 3), ax=axes[0]
)
axes[0].set_title("Rosenbrock from (-1.2, 1)")
OptimizerPathDisplay.from_results(
    beale, beale_results, xlim=(0, 4), ylim=(-1.5, 1.5), ax=axes[1]
)
axes[1].set_title("Beale from (1, 1)")
fig.tight_layout()

# %%
# A rectified solver's first steps are not adaptive
# -------------------------------------------------
# AdaBelief (``rectify=True``, the reference default) and RAdam take plain
# SGD-with-momentum steps :math:`\eta\, m_t / (1 - \beta_1^t)` while the
# variance of the adaptive rate is intractable (:math:`\rho_t < 5`: the first
# 5 updates with :math:`\beta_2 = 0.999`). These steps scale with the
# gradient, about 200 at the start of Rosenbrock: with
# ``learning_rate=1e-2`` they throw the iterate far out of the valley, where
# the gradient grows like :math:`x^3`, and the adaptive steps of size about
# :math:`\eta` that follow cannot bring it back. Without rectification the
# same learning rate converges.
minimum = MINIMA["rosenbrock"][0]
for name, solver in {
    "AdaBelief(1e-2)": AdaBelief(learning_rate=1e-2),
    "AdaBelief(1e-2, no rect.)": AdaBelief(learning_rate=1e-2, rectify=False),
}.items():
    result = minimize(
        rosenbrock, STARTS["rosenbrock"], solver=solver, max_iter=6_000, tol=tol
    )
    print(
        f"{name:<26} {result.nit:>6} updates, x after 5 updates "
        f"{np.array2string(result.path[5], precision=3)}, "
        f"final |x - (1,1)| = {np.linalg.norm(result.x - minimum):.2e}"
    )

plt.show()
