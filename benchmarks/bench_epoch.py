"""Per-epoch fit time, predict throughput and fit memory of skoptim against
scikit-learn.

Config R: hidden layers (256, 128) with ReLU, Adam with learning rate 1e-3,
on ``make_classification`` with 100 features and 10 classes, in float64 and
in float32, with batches of 200 (the reference), batches of 32, and full
batch (``batch_size="full"`` in skoptim, ``batch_size=n_samples`` in
scikit-learn). Each fit runs exactly ``--max-iter`` epochs (``tol=0``,
``n_iter_no_change=1000``); its wall time divided by ``n_iter_`` is one
measurement. Each of ``--repeats`` rounds times skoptim, scikit-learn and
the GEMM floor one after the other; the table reports the medians of the
times and of the per-round ratios, and (``best/...``) the ratios of the
smallest times, the rounds least disturbed by other work on the machine.

Linear model: ``skoptim.MLPRegressor(hidden_layer_sizes=(), solver=SGD(1e-3),
batch_size=200)`` for one epoch on standard normal data (``--linear-n`` rows
x 50 features, float64), against scikit-learn's ``MLPRegressor`` with the
same settings (``solver="sgd", momentum=0``) and against ``SGDRegressor``
(``max_iter=1, tol=None, learning_rate="constant", eta0=1e-3``), which updates
after every single sample; the three fits take turns in each round.

Predict: rows per second of ``predict`` on the 20000 training rows, for the
models of config R (batch 200) fitted above; skoptim, scikit-learn and the
forward products take turns in each of ``3 * --repeats`` rounds.

Memory: peak memory allocated during one epoch of fitting config R on
``--memory-n`` rows x 100 features in float32, beyond the input, measured with
``tracemalloc`` (numpy reports its array allocations to it; the BLAS library's
own work buffers are not seen).

The GEMM floor is the time of the matrix products alone, timed with numpy on
preallocated arrays: for one epoch of back-propagation, per batch, one product
per layer forward (``a @ W``), one per layer for the weight gradient
(``a.T @ delta``) and one per layer but the first to send the error back
(``delta @ W.T``): 8 products for 3 weight layers, 2 for the linear model;
for predict, the forward products on the whole input. No MLP in numpy can be
faster than this; ``skoptim/GEMM`` says how much time goes elsewhere
(activations, loss, solver update, batching, validation, Python overhead).

If ``import torch`` works, a PyTorch CPU column (same network, optimizer and
batch size, a plain training loop on tensors made once) is added; otherwise it
is skipped.

Usage::

    python benchmarks/bench_epoch.py            # full size, a few minutes
    python benchmarks/bench_epoch.py --quick    # 10x smaller, a few seconds
    python benchmarks/bench_epoch.py --threads 1  # single-threaded BLAS

On a machine shared with other work, multi-threaded BLAS timings of these
small products swing widely (a thread descheduled by another process stalls
every product); ``--threads 1`` gives steadier numbers. The load average is
printed at the end.
"""

import argparse
import functools
import gc
import os
import platform
import time
import tracemalloc
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDRegressor
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.utils import gen_batches

import skoptim
from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import SGD, Adam

try:
    import torch
except ImportError:
    torch = None

HIDDEN = (256, 128)
N_FEATURES = 100
N_CLASSES = 10
BATCH_SIZE = 200
LEARNING_RATE = 1e-3
LINEAR_FEATURES = 50


#: Pause before each timed call. After a multi-threaded product, OpenBLAS's
#: idle worker threads keep spinning for about 0.1 s (2**28 cycles) before
#: they sleep; a call timed right after another contender's would share the
#: cores with them (skoptim's two threads measured 2.4 times slower in
#: predict right after a numpy product, 1.1 times after a 0.3 s pause).
SETTLE_SECONDS = 0.3


def make_data(n_samples):
    return make_classification(
        n_samples=n_samples,
        n_features=N_FEATURES,
        n_informative=30,
        n_classes=N_CLASSES,
        random_state=0,
    )


def make_linear_data(n_samples, rng):
    X = rng.standard_normal((n_samples, LINEAR_FEATURES))
    y = X @ rng.standard_normal(LINEAR_FEATURES)
    y += 0.1 * rng.standard_normal(n_samples)
    return X, y


def skoptim_estimator(max_iter, batch_size=BATCH_SIZE):
    return MLPClassifier(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        solver=Adam(learning_rate=LEARNING_RATE),
        batch_size=batch_size,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
    )


def sklearn_estimator(max_iter, batch_size=BATCH_SIZE):
    return SklearnMLPClassifier(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        solver="adam",
        learning_rate_init=LEARNING_RATE,
        batch_size=batch_size,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
    )


def skoptim_linear():
    return MLPRegressor(
        hidden_layer_sizes=(),
        solver=SGD(learning_rate=LEARNING_RATE),
        batch_size=BATCH_SIZE,
        max_iter=1,
        random_state=0,
    )


def sklearn_linear():
    return SklearnMLPRegressor(
        hidden_layer_sizes=(),
        solver="sgd",
        learning_rate_init=LEARNING_RATE,
        momentum=0,
        batch_size=BATCH_SIZE,
        max_iter=1,
        random_state=0,
    )


def sgd_regressor():
    return SGDRegressor(
        max_iter=1,
        tol=None,
        learning_rate="constant",
        eta0=LEARNING_RATE,
        random_state=0,
    )


def seconds_per_epoch(make_estimator, X, y, repeats):
    """Median over ``repeats`` fits of fit time / epochs; also the last fit."""
    times = []
    for _ in range(repeats):
        estimator = make_estimator()
        time.sleep(SETTLE_SECONDS)
        start = time.perf_counter()
        estimator.fit(X, y)
        elapsed = time.perf_counter() - start
        times.append(elapsed / estimator.n_iter_)
    return float(np.median(times)), estimator


def paired_rounds(make_ours, make_theirs, floor, X, y, repeats):
    """Interleaved timing: each round fits skoptim, then scikit-learn, then
    times the GEMM floor, so a burst of load on a shared machine hits all
    three alike. Returns the medians of the three times and of the per-round
    ratios ``ours / theirs`` and ``ours / floor``, the same two ratios of the
    best (smallest) times, and the last fits."""
    rounds = []
    for _ in range(repeats):
        ours, our_model = seconds_per_epoch(make_ours, X, y, 1)
        theirs, their_model = seconds_per_epoch(make_theirs, X, y, 1)
        time.sleep(SETTLE_SECONDS)
        gemm = floor()
        rounds.append((ours, theirs, gemm, ours / theirs, ours / gemm))
    rounds = np.array(rounds)
    medians = np.median(rounds, axis=0)
    best = rounds[:, :3].min(axis=0)  # each one's least disturbed round
    best_ratios = (best[0] / best[1], best[0] / best[2])
    return (*(float(m) for m in medians), *best_ratios, our_model, their_model)


def median_seconds(func, repeats):
    func()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def gemm_floor(units, n_samples, batch_size, dtype, repeats, rng):
    """Median time of the matrix products of one epoch of back-propagation."""
    b = min(batch_size, n_samples)
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

    return median_seconds(one_epoch, repeats)


def predict_floor(units, X, rng):
    """The forward products of a network on all of ``X``, as a function."""
    dtype = X.dtype
    W = [rng.standard_normal((i, o)).astype(dtype) for i, o in zip(units, units[1:])]
    A = [np.empty((X.shape[0], u), dtype=dtype) for u in units[1:]]

    def forward():
        a = X
        for w, out in zip(W, A):
            a = np.matmul(a, w, out=out)

    return forward


def interleaved_seconds(funcs, repeats):
    """Times of ``repeats`` rounds that call each function once in turn
    (after one warm-up call each), each call after a pause of
    :data:`SETTLE_SECONDS`: an array of shape (repeats, len(funcs))."""
    for func in funcs:
        func()
    times = np.empty((repeats, len(funcs)))
    for r in range(repeats):
        for j, func in enumerate(funcs):
            time.sleep(SETTLE_SECONDS)
            start = time.perf_counter()
            func()
            times[r, j] = time.perf_counter() - start
    return times


def fit_once(make_estimator, X, y):
    """A function that fits a fresh estimator on ``X, y``."""
    return lambda: make_estimator().fit(X, y)


def torch_seconds_per_epoch(X, y, units, batch_size, epochs, repeats, regression):
    """Median over fits of time / epochs of a plain PyTorch CPU training loop."""
    dtype = torch.float32 if X.dtype == np.float32 else torch.float64
    Xt = torch.from_numpy(np.ascontiguousarray(X)).to(dtype)
    if regression:
        yt = torch.from_numpy(np.asarray(y, dtype=X.dtype)).to(dtype).reshape(-1, 1)
        loss_fn = torch.nn.MSELoss()
    else:
        yt = torch.from_numpy(np.asarray(y)).long()
        loss_fn = torch.nn.CrossEntropyLoss()
    n = Xt.shape[0]
    b = min(batch_size, n)
    times = []
    model = None
    for _ in range(repeats):
        torch.manual_seed(0)
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(units, units[1:])):
            if i > 0:
                layers.append(torch.nn.ReLU())
            layers.append(torch.nn.Linear(fan_in, fan_out))
        model = torch.nn.Sequential(*layers).to(dtype)
        if regression:
            opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        else:
            opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
        start = time.perf_counter()
        for _ in range(epochs):
            perm = torch.randperm(n)
            for i in range(0, n, b):
                idx = perm[i : i + b]
                opt.zero_grad()
                loss = loss_fn(model(Xt[idx]), yt[idx])
                loss.backward()
                opt.step()
        times.append((time.perf_counter() - start) / epochs)
    return float(np.median(times)), model, Xt


def torch_predict_seconds(model, Xt, repeats):
    def predict():
        with torch.no_grad():
            model(Xt).argmax(dim=1)

    return median_seconds(predict, repeats)


def peak_fit_memory(make_estimator, X, y):
    """Peak bytes numpy/Python allocate during ``fit``, beyond what exists."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        make_estimator().fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - base


def describe_machine():
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, skoptim {skoptim.__version__}, "
        f"torch {torch.__version__ if torch is not None else 'not installed'}",
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


def print_header(first, columns, widths):
    header = f"{first:<28}" + "".join(f"{c:>{w}}" for c, w in zip(columns, widths))
    print(header)
    print("-" * len(header))


def print_ratio_header(first, unit, value_fmt):
    """Header of a table of skoptim, scikit-learn (and torch) values in
    ``unit`` with their ratios; returns the column widths and formats."""
    columns = [f"skoptim {unit}", f"sklearn {unit}", "skoptim/sklearn"]
    columns += ["skoptim/GEMM", "best/sklearn", "best/GEMM"]
    widths = [17, 17, 17, 14, 14, 11]
    fmts = [value_fmt, value_fmt, ".2f", ".2f", ".2f", ".2f"]
    if torch is not None:
        columns += [f"torch {unit}", "skoptim/torch"]
        widths += [15, 15]
        fmts += [value_fmt, ".2f"]
    print_header(first, columns, widths)
    return widths, fmts


def print_row(config, values, widths, fmts):
    cells = "".join(
        f"{'-':>{w}}" if v is None else f"{v:>{w}{f}}"
        for v, w, f in zip(values, widths, fmts)
    )
    print(f"{config:<28}{cells}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="all sizes divided by 10")
    parser.add_argument(
        "--n-samples", type=int, default=None, help="rows of config R (20000)"
    )
    parser.add_argument(
        "--linear-n", type=int, default=None, help="rows of the linear model (1e6)"
    )
    parser.add_argument(
        "--memory-n", type=int, default=None, help="rows of the memory fit (200000)"
    )
    parser.add_argument("--repeats", type=int, default=7, help="timing rounds")
    parser.add_argument("--max-iter", type=int, default=3, help="epochs per R fit")
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
        if torch is not None:
            torch.set_num_threads(args.threads)
    scale = 10 if args.quick else 1
    n_samples = args.n_samples or 20000 // scale
    linear_n = args.linear_n or 1_000_000 // scale
    memory_n = args.memory_n or 200_000 // scale
    warnings.simplefilter("ignore")  # convergence warnings of the short fits
    repeats, max_iter = args.repeats, args.max_iter
    units = (N_FEATURES, *HIDDEN, N_CLASSES)

    X, y = make_data(n_samples)
    rng = np.random.default_rng(0)
    print(
        f"R: make_classification(n_samples={n_samples}, n_features={N_FEATURES}, "
        f"n_informative=30, n_classes={N_CLASSES}); hidden {HIDDEN}, relu, "
        f"Adam lr={LEARNING_RATE:g}; {max_iter} epochs per fit; {repeats} "
        "interleaved rounds (skoptim fit, scikit-learn fit, GEMM epoch), "
        f"medians of the times and of the per-round ratios; threads: "
        f"{args.threads or 'default'}"
    )
    print(
        f"linear: {linear_n} x {LINEAR_FEATURES} standard normal float64, "
        f"SGD lr={LEARNING_RATE:g}, 1 epoch per fit, {repeats} interleaved rounds"
    )
    print()

    widths, fmts = print_ratio_header("config", "s/epoch", ".4f")

    notes = []
    fitted = {}
    torch_fitted = {}
    batches = [("b200", BATCH_SIZE, BATCH_SIZE), ("b32", 32, 32)]
    batches.append(("full", "full", n_samples))
    for label, ours_batch, their_batch in batches:
        for dtype in (np.float64, np.float32):
            Xd = X.astype(dtype)
            (
                ours,
                theirs,
                floor,
                vs_theirs,
                vs_floor,
                best_vs_theirs,
                best_vs_floor,
                our_model,
                their_model,
            ) = paired_rounds(
                functools.partial(skoptim_estimator, max_iter, ours_batch),
                functools.partial(sklearn_estimator, max_iter, their_batch),
                functools.partial(
                    gemm_floor, units, n_samples, their_batch, dtype, 1, rng
                ),
                Xd,
                y,
                repeats,
            )
            name = np.dtype(dtype).name
            config = f"R {name} {label}"
            values = [ours, theirs, vs_theirs, vs_floor, best_vs_theirs, best_vs_floor]
            if torch is not None:
                t, t_model, Xt = torch_seconds_per_epoch(
                    Xd, y, units, their_batch, max_iter, repeats, regression=False
                )
                values += [t, ours / t]
                if label == "b200":
                    torch_fitted[name] = (t_model, Xt)
            print_row(config, values, widths, fmts)
            if label == "b200":
                fitted[name] = (our_model, their_model, Xd)
            notes.append(
                f"{config}: GEMM floor {floor:.4f} s/epoch; fitted weights "
                f"skoptim {our_model.coefs_[0].dtype}, scikit-learn "
                f"{their_model.coefs_[0].dtype}"
            )
    del X

    Xl, yl = make_linear_data(linear_n, rng)
    linear_times = interleaved_seconds(
        [
            fit_once(skoptim_linear, Xl, yl),
            fit_once(sklearn_linear, Xl, yl),
            fit_once(sgd_regressor, Xl, yl),
        ],
        repeats,
    )
    ours = float(np.median(linear_times[:, 0]))
    floor = gemm_floor(
        (LINEAR_FEATURES, 1), linear_n, BATCH_SIZE, np.float64, repeats, rng
    )
    t_values = []
    if torch is not None:
        t, _, _ = torch_seconds_per_epoch(
            Xl, yl, (LINEAR_FEATURES, 1), BATCH_SIZE, 1, repeats, regression=True
        )
        t_values = [t, ours / t]
    for j, config in ((1, "linear vs MLPRegressor"), (2, "linear vs SGDRegressor (*)")):
        theirs = float(np.median(linear_times[:, j]))
        vs_theirs = float(np.median(linear_times[:, 0] / linear_times[:, j]))
        best = linear_times[:, 0].min() / linear_times[:, j].min()
        values = [ours, theirs, vs_theirs, ours / floor, best, None] + t_values
        print_row(config, values, widths, fmts)
    notes.append(f"linear: GEMM floor {floor:.4f} s/epoch (batch {BATCH_SIZE})")
    notes.append(
        "(*) SGDRegressor updates after every single sample (batch size 1); "
        "the skoptim and torch columns are the batch-200 fits"
    )
    del Xl, yl

    print()
    widths, fmts = print_ratio_header("predict", "rows/s", ",.0f")
    predict_repeats = 3 * repeats
    for name, (our_model, their_model, Xd) in fitted.items():
        n = Xd.shape[0]
        times = interleaved_seconds(
            [
                functools.partial(our_model.predict, Xd),
                functools.partial(their_model.predict, Xd),
                predict_floor(units, Xd, rng),
            ],
            predict_repeats,
        )
        ours, theirs, floor = np.median(times, axis=0)
        best = times.min(axis=0)
        values = [n / ours, n / theirs]
        values += [np.median(times[:, 0] / times[:, j]) for j in (1, 2)]
        values += [best[0] / best[1], best[0] / best[2]]
        if torch is not None:
            t_model, Xt = torch_fitted[name]
            t = torch_predict_seconds(t_model, Xt, predict_repeats)
            values += [n / t, ours / t]
        print_row(f"R {name} n={n}", values, widths, fmts)
        notes.append(f"predict R {name}: GEMM floor {floor:.5f} s")
    del fitted, torch_fitted

    print()
    Xm, ym = make_data(memory_n)
    Xm = Xm.astype(np.float32)
    input_mb = Xm.nbytes / 1e6
    ours = peak_fit_memory(lambda: skoptim_estimator(1), Xm, ym) / 1e6
    theirs = peak_fit_memory(lambda: sklearn_estimator(1), Xm, ym) / 1e6
    columns = ["input MB", "skoptim MB", "sklearn MB", "skoptim/input"]
    columns += ["sklearn/input"]
    widths = [12, 14, 14, 15, 15]
    fmts = [".1f", ".2f", ".2f", ".3f", ".3f"]
    print_header("peak extra memory of fit", columns, widths)
    values = [input_mb, ours, theirs, ours / input_mb, theirs / input_mb]
    print_row(f"R float32 n={memory_n} 1 ep", values, widths, fmts)
    notes.append(
        "memory: tracemalloc peak during fit beyond the input X (float32); "
        "the labels y are int64"
    )

    print()
    for line in notes + describe_machine():
        print(line)


if __name__ == "__main__":
    main()
