"""Fit and transform throughput of skoptim's StandardScaler against sklearn's.

Data: a dense C-ordered array of ``--n-samples`` x 50 standard normal values
plus an offset of 1e3, in float64 and in float32 (1e6 x 50: 400 MB and
200 MB). Operations, each timed on both scalers:

- ``fit``: a fresh scaler fitted on the whole array;
- ``partial_fit x100``: a fresh scaler fed 100 consecutive row chunks;
- ``transform``: the fitted scaler on the whole array (a new output array);
- ``inverse_transform``: likewise.

Each time is the median of ``--repeats`` runs; the two libraries alternate
within each repeat so that a change of machine load hits both. Throughput is
input megabytes per second. ``skoptim/sklearn`` is the ratio of times:
below 1, skoptim is faster.

Usage::

    python benchmarks/bench_scaler.py            # 1e6 x 50
    python benchmarks/bench_scaler.py --quick    # 1e5 x 50, a second or two
    python benchmarks/bench_scaler.py --threads 1

The load average is printed at the end: on a shared machine compare runs
made under similar load.
"""

import argparse
import os
import platform
import time

import numpy as np
import sklearn
from sklearn.preprocessing import StandardScaler as SklearnStandardScaler

import skoptim
from skoptim.preprocessing import StandardScaler

N_FEATURES = 50
N_CHUNKS = 100


def fit(cls, X):
    return cls().fit(X)


def partial_fit(cls, X):
    scaler = cls()
    for chunk in np.array_split(X, N_CHUNKS):
        scaler.partial_fit(chunk)
    return scaler


OPERATIONS = {
    "fit": lambda cls, fitted, X: fit(cls, X),
    f"partial_fit x{N_CHUNKS}": lambda cls, fitted, X: partial_fit(cls, X),
    "transform": lambda cls, fitted, X: fitted.transform(X),
    "inverse_transform": lambda cls, fitted, X: fitted.inverse_transform(X),
}


def seconds(operation, cls, fitted, X):
    """Wall time of one call; the result is dropped before returning."""
    start = time.perf_counter()
    result = operation(cls, fitted, X)
    elapsed = time.perf_counter() - start
    del result
    return elapsed


def compare(operation, X, repeats):
    """Median times of skoptim and scikit-learn, alternating per repeat."""
    classes = {"skoptim": StandardScaler, "sklearn": SklearnStandardScaler}
    fitted = {name: cls().fit(X) for name, cls in classes.items()}
    times = {name: [] for name in classes}
    for name, cls in classes.items():  # warm up: first touch, caches
        seconds(operation, cls, fitted[name], X[: max(1, len(X) // 10)])
    for _ in range(repeats):
        for name, cls in classes.items():
            times[name].append(seconds(operation, cls, fitted[name], X))
    return {name: float(np.median(t)) for name, t in times.items()}


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
    return lines


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="100000 rows instead of 1000000"
    )
    parser.add_argument(
        "--n-samples", type=int, default=None, help="override the number of rows"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per timing")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS and OpenMP threads (threadpoolctl); default: as installed",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.threads)
    n_samples = args.n_samples or (100_000 if args.quick else 1_000_000)
    X64 = 1e3 + np.random.default_rng(0).standard_normal((n_samples, N_FEATURES))
    print(
        f"{n_samples} x {N_FEATURES} dense C-ordered array, median of "
        f"{args.repeats}, threads: {args.threads or 'default'}"
    )
    print()
    header = (
        f"{'dtype':<9}{'operation':<20}{'skoptim s':>11}{'sklearn s':>11}"
        f"{'skoptim MB/s':>14}{'sklearn MB/s':>14}{'skoptim/sklearn':>17}"
    )
    print(header)
    print("-" * len(header))
    for dtype in (np.float64, np.float32):
        X = X64.astype(dtype, copy=False)
        megabytes = X.nbytes / 1e6
        for name, operation in OPERATIONS.items():
            t = compare(operation, X, args.repeats)
            print(
                f"{np.dtype(dtype).name:<9}{name:<20}{t['skoptim']:>11.3f}"
                f"{t['sklearn']:>11.3f}{megabytes / t['skoptim']:>14.0f}"
                f"{megabytes / t['sklearn']:>14.0f}"
                f"{t['skoptim'] / t['sklearn']:>17.2f}",
                flush=True,
            )
    print()
    print("\n".join(describe_machine()))


if __name__ == "__main__":
    main()
