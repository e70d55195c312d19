"""Fit and transform throughput of skoptim's OneHotEncoder against scikit-learn's.

Data: 1e6 rows (``--quick``: 1e5) of five high-cardinality columns, held
the way they usually arrive:

- ``int64``: a numpy int64 array of five columns with 1000, 2000, 5000,
  8000 and 10000 distinct values;
- ``object``: a numpy object array of five string columns (labels like
  ``"city_00042"``) with the same cardinalities;
- ``pandas``: a DataFrame of two int64 columns and three object (string)
  columns;
- ``float+NaN``: float64 columns of the same cardinalities with 5% NaN.

For each, both encoders run ``fit`` and ``transform`` (sparse CSR output,
the default) ``--repeats`` times; the table shows the median wall time,
rows per second and the ratio skoptim/sklearn (below 1: skoptim is faster).
Both outputs are checked to be equal before timing.

Usage::

    python benchmarks/bench_encoder.py            # 1e6 rows
    python benchmarks/bench_encoder.py --quick    # 1e5 rows, a few seconds
"""

import argparse
import os
import platform
import statistics
import time
from functools import partial

import numpy as np
import sklearn
from sklearn.preprocessing import OneHotEncoder as SklearnOneHotEncoder

from skoptim.preprocessing import OneHotEncoder

CARDINALITIES = (1000, 2000, 5000, 8000, 10000)


def int_columns(rng, n_rows):
    """Five int64 columns with the benchmark's cardinalities."""
    offsets = rng.integers(-(10**6), 10**6, size=len(CARDINALITIES))
    return np.column_stack(
        [rng.integers(0, k, n_rows) + o for k, o in zip(CARDINALITIES, offsets)]
    )


def string_columns(rng, n_rows):
    """Five object columns of string labels with the same cardinalities."""
    names = ("city", "product", "user", "store", "sku")
    columns = []
    for name, k in zip(names, CARDINALITIES):
        labels = np.array([f"{name}_{j:05d}" for j in range(k)], dtype=object)
        columns.append(labels[rng.integers(0, k, n_rows)])
    return np.column_stack(columns)


def float_columns(rng, n_rows):
    """Five float columns with 5% NaN."""
    values = int_columns(rng, n_rows) / 8.0
    values[rng.random(values.shape) < 0.05] = np.nan
    return values


def pandas_frame(rng, n_rows):
    """Two int64 and three string columns in a DataFrame (None without pandas)."""
    try:
        import pandas as pd
    except ImportError:
        return None
    ints, strings = int_columns(rng, n_rows), string_columns(rng, n_rows)
    return pd.DataFrame(
        {
            "a": ints[:, 0],
            "b": ints[:, 1],
            "c": pd.Series(strings[:, 2], dtype=object),
            "d": pd.Series(strings[:, 3], dtype=object),
            "e": pd.Series(strings[:, 4], dtype=object),
        }
    )


def median_time(function, repeats):
    """Median wall time of ``function()`` over repeats, and its last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def check_equal(X):
    """Both encoders give the same categories and output on X."""
    ours, theirs = OneHotEncoder().fit(X), SklearnOneHotEncoder().fit(X)
    for a, b in zip(ours.categories_, theirs.categories_):
        assert a.dtype == b.dtype and a.shape == b.shape
    assert (ours.transform(X) != theirs.transform(X)).nnz == 0


def bench(name, X, repeats):
    """Timing rows of one data set: fit, then transform."""
    check_equal(X)
    times = {}
    for label, cls in (("skoptim", OneHotEncoder), ("sklearn", SklearnOneHotEncoder)):
        fit_time, encoder = median_time(partial(cls().fit, X), repeats)
        transform_time, _ = median_time(partial(encoder.transform, X), repeats)
        times[label] = {"fit": fit_time, "transform": transform_time}
    n_rows = X.shape[0]
    rows = []
    for step in ("fit", "transform"):
        ours, theirs = times["skoptim"][step], times["sklearn"][step]
        rows.append(
            (name, step, ours, theirs, n_rows / ours, n_rows / theirs, ours / theirs)
        )
    return rows


def print_table(rows):
    """Markdown table of the timing rows."""
    print(
        "| data | step | skoptim s | sklearn s | skoptim rows/s | "
        "sklearn rows/s | skoptim/sklearn |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, step, ours, theirs, ours_rate, theirs_rate, ratio in rows:
        print(
            f"| {name} | {step} | {ours:.3f} | {theirs:.3f} | {ours_rate:,.0f} | "
            f"{theirs_rate:,.0f} | {ratio:.2f} |"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1e5 rows")
    parser.add_argument("--rows", type=int, default=None, help="number of rows")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    n_rows = args.rows or (100_000 if args.quick else 1_000_000)
    rng = np.random.default_rng(0)
    data = {
        "int64": int_columns(rng, n_rows),
        "object": string_columns(rng, n_rows),
        "pandas": pandas_frame(rng, n_rows),
        "float+NaN": float_columns(rng, n_rows),
    }
    print(
        f"{n_rows:,} rows x 5 columns ({', '.join(map(str, CARDINALITIES))} "
        f"distinct values), median of {args.repeats}, sparse output"
    )
    rows = []
    for name, X in data.items():
        if X is not None:
            rows += bench(name, X, args.repeats)
    print_table(rows)
    print(
        f"\nPython {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, nproc {os.cpu_count()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
