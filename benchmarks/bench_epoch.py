"""Per-epoch fit time of skoptim's MLPClassifier against scikit-learn's.

Both estimators train the same network, hidden layers (256, 128) with ReLU,
Adam with learning rate 1e-3 and batches of 200, on ``make_classification``
with 100 features and 10 classes, in float64 and in float32. Each fit runs
exactly ``--max-iter`` epochs (``tol=0``, ``n_iter_no_change=1000``); its
wall time divided by ``n_iter_`` is one measurement, and the table reports the
median of ``--repeats`` fits.

The GEMM floor is the time of the matrix products alone that one epoch of
back-propagation needs, timed with numpy on preallocated arrays: per batch,
one product per layer forward (``a @ W``), one per layer for the weight
gradient (``a.T @ delta``) and one per layer but the first to send the error
back (``delta @ W.T``), 8 products for 3 weight layers. No MLP in numpy can
be faster than this; ``skoptim/GEMM`` says how much time goes elsewhere
(activations, loss, solver update, batching, Python overhead).

Usage::

    python benchmarks/bench_epoch.py            # 20000 samples
    python benchmarks/bench_epoch.py --quick    # 2000 samples, a few seconds
    python benchmarks/bench_epoch.py --threads 1  # single-threaded BLAS

On a machine shared with other work, multi-threaded BLAS timings of these
small products swing widely (a thread descheduled by another process stalls
every product); ``--threads 1`` gives steadier numbers. The load average is
printed at the end.
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.utils import gen_batches

import skoptim
from skoptim import MLPClassifier
from skoptim.optimizers import Adam

HIDDEN = (256, 128)
N_FEATURES = 100
N_CLASSES = 10
BATCH_SIZE = 200
LEARNING_RATE = 1e-3


def make_data(n_samples):
    return make_classification(
        n_samples=n_samples,
        n_features=N_FEATURES,
        n_informative=30,
        n_classes=N_CLASSES,
        random_state=0,
    )


def skoptim_estimator(max_iter):
    return MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        solver=Adam(learning_rate=LEARNING_RATE),
        batch_size=BATCH_SIZE,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
    )


def sklearn_estimator(max_iter):
    return SklearnMLPClassifier(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        solver="adam",
        learning_rate_init=LEARNING_RATE,
        batch_size=BATCH_SIZE,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
    )


def seconds_per_epoch(make_estimator, X, y, max_iter, repeats):
    """Median over ``repeats`` fits of fit time / epochs; also the fitted dtype."""
    times = []
    for _ in range(repeats):
        estimator = make_estimator(max_iter)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            estimator.fit(X, y)
            elapsed = time.perf_counter() - start
        times.append(elapsed / estimator.n_iter_)
    return float(np.median(times)), estimator.coefs_[0].dtype


def gemm_floor(n_samples, dtype, repeats, rng):
    """Median time of the matrix products of one epoch of back-propagation."""
    units = (N_FEATURES, *HIDDEN, N_CLASSES)
    b = BATCH_SIZE
    W = [rng.standard_normal((i, o)).astype(dtype) for i, o in zip(units, units[1:])]
    X = rng.standard_normal((b, units[0])).astype(dtype)
    A = [np.empty((b, u), dtype=dtype) for u in units[1:]]  # activations
    D = [rng.standard_normal((b, u)).astype(dtype) for u in units[1:]]  # deltas
    G = [np.empty_like(w) for w in W]  # weight gradients
    sizes = [s.stop - s.start for s in gen_batches(n_samples, b)]
    n_layers = len(W)

    def one_epoch():
        for nb in sizes:
            a = X[:nb]
            for i in range(n_layers):  # forward
                np.matmul(a, W[i], out=A[i][:nb])
                a = A[i][:nb]
            for i in range(n_layers - 1, -1, -1):  # backward
                a_prev = X[:nb] if i == 0 else A[i - 1][:nb]
                np.matmul(a_prev.T, D[i][:nb], out=G[i])
                if i > 0:
                    np.matmul(D[i][:nb], W[i].T, out=D[i - 1][:nb])

    one_epoch()  # warm up the BLAS threads
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        one_epoch()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def describe_machine():
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, skoptim {skoptim.__version__}",
        f"cpus: os.cpu_count()={os.cpu_count()}, usable={usable}",
    ]
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        lines.append(f"load average at the end (1, 5, 15 min): {load}")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return lines
    for pool in threadpool_info():
        lines.append(
            f"{pool.get('user_api')}: {pool.get('internal_api')} "
            f"{pool.get('version')}, num_threads={pool.get('num_threads')}, "
            f"{pool.get('architecture', '?')}"
        )
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="2000 samples instead of 20000"
    )
    parser.add_argument(
        "--n-samples", type=int, default=None, help="override the number of samples"
    )
    parser.add_argument("--repeats", type=int, default=3, help="fits per timing")
    parser.add_argument("--max-iter", type=int, default=3, help="epochs per fit")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS and OpenMP threads (threadpoolctl); default: as installed",
    )
    args = parser.parse_args(argv)
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.threads)
    n_samples = args.n_samples or (2000 if args.quick else 20000)

    X, y = make_data(n_samples)
    rng = np.random.default_rng(0)
    print(
        f"make_classification(n_samples={n_samples}, n_features={N_FEATURES}, "
        f"n_informative=30, n_classes={N_CLASSES}); hidden {HIDDEN}, relu, "
        f"Adam lr={LEARNING_RATE:g}, batch {BATCH_SIZE}, {args.max_iter} epochs "
        f"per fit, median of {args.repeats}, threads: {args.threads or 'default'}"
    )
    print()

    header = (
        f"{'config':<20}{'skoptim s/epoch':>17}{'sklearn s/epoch':>17}"
        f"{'skoptim/sklearn':>17}{'skoptim/GEMM':>14}"
    )
    print(header)
    print("-" * len(header))
    notes = []
    for dtype in (np.float64, np.float32):
        Xd = X.astype(dtype)
        ours, our_dtype = seconds_per_epoch(
            skoptim_estimator, Xd, y, args.max_iter, args.repeats
        )
        theirs, their_dtype = seconds_per_epoch(
            sklearn_estimator, Xd, y, args.max_iter, args.repeats
        )
        floor = gemm_floor(n_samples, dtype, args.repeats, rng)
        config = f"{np.dtype(dtype).name} n={n_samples}"
        print(
            f"{config:<20}{ours:>17.4f}{theirs:>17.4f}"
            f"{ours / theirs:>17.2f}{ours / floor:>14.2f}",
            flush=True,
        )
        notes.append(
            f"{config}: GEMM floor {floor:.4f} s/epoch; fitted weights "
            f"skoptim {our_dtype}, scikit-learn {their_dtype}"
        )
    print()
    for line in notes + describe_machine():
        print(line)


if __name__ == "__main__":
    main()
