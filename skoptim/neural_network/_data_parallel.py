"""Two-way data-parallel passes of dense networks.

A batch's forward and backward passes are split by rows: the first
``ceil(n / 2)`` rows and the rest go through the layers separately, each
with single-threaded matrix products, and the second half's weight and bias
gradients are added to the first's. On two cores the halves run at the same
time (the compiled module ``skoptim._data_parallel`` owns a worker thread),
so the element-wise passes use both cores too, where numpy's multi-threaded
products leave them on one. The split is the same whatever the number of
threads, so results do not depend on it; they differ from the one-pass
numpy code (:meth:`Network._data_loss_and_gradient`) only by rounding.

It applies to networks without batch normalization or dropout whose hidden
activation is ``identity``, ``relu``, ``tanh`` or ``logistic``, trained on
dense C-contiguous float32 or float64 batches; the loss (any
:class:`skoptim.losses.Loss`), the penalty and the solver step run as
before. ``use_data_parallel(False)`` switches it off (tests, comparisons).
"""

import contextlib
import threading

import scipy.sparse as sp

try:
    from .. import _data_parallel as _compiled
except ImportError:  # pragma: no cover - built on every supported install
    _compiled = None

__all__ = [
    "data_parallel_available",
    "halves_in_parallel",
    "make_plan",
    "use_data_parallel",
    "worth_two_threads",
]

#: Hidden activations the compiled passes implement, by name.
ACTIVATION_CODES = {"identity": 0, "relu": 1, "tanh": 2, "logistic": 3}

if _compiled is not None:
    from scipy.linalg import cython_blas

    _compiled.set_gemm(
        cython_blas.__pyx_capi__["dgemm"], cython_blas.__pyx_capi__["sgemm"]
    )

_enabled = _compiled is not None
_controller = None
# Fits running at once in several Python threads share one setting: the
# first to start limits the BLAS, the last to finish restores it.
_lock = threading.Lock()
_active_fits = 0
_limiter = None


def data_parallel_available():
    """Whether the compiled two-way passes are built and in use."""
    return _enabled


def use_data_parallel(enabled):
    """Use the two-way passes (when built) or numpy's; returns the old setting."""
    global _enabled
    old = _enabled
    _enabled = bool(enabled) and _compiled is not None
    return old


def make_plan(network, ws, X, training=True):
    """The compiled plan of ``ws``'s buffers for data like ``X``, or None when
    the network or the data do not qualify (see the module docstring;
    dropout only matters in ``training``). A workspace without gradient
    buffers gets a plan for the forward pass only."""
    layout = network.layout
    code = ACTIVATION_CODES.get(network.hidden.name)
    params = ws.params
    if (
        not _enabled
        or code is None
        or sp.issparse(X)
        or layout.batch_norm
        or (training and network.has_dropout)
        or layout.n_layers > _compiled.MAX_LAYERS
        or max(layout.layer_units) >= 2**31
        or params.dtype.kind != "f"
        or params.dtype.itemsize not in (4, 8)
        or not params.dtype.isnative
        or not (params.flags.c_contiguous and params.flags.aligned)
    ):
        return None
    outputs = tuple(ws.activations[:-1]) + (ws.logits,)
    return _compiled.Plan(
        params=ws.params,
        units=tuple(layout.layer_units),
        weight_offsets=tuple(int(o) for o in layout.weight_offsets[:-1]),
        bias_offsets=tuple(int(o) for o in layout.bias_offsets[:-1]),
        outputs=outputs,
        deltas=None if ws.deltas is None else tuple(ws.deltas),
        rows=ws.rows,
        n_dense=int(layout.bias_offsets[-1]),
        f64=ws.params.dtype.itemsize == 8,
        activation=code,
    )


def worth_two_threads(network, n_rows):
    """Whether a pass over ``n_rows`` rows is long enough for the compiled
    code to hand half of it to the worker thread (as it decides per batch)."""
    work = n_rows * int(network.layout.bias_offsets[-1])
    return _compiled is not None and work >= _compiled.PARALLEL_MIN_WORK


def _blas_controller():
    """threadpoolctl's view of the BLAS libraries (made once: it scans the
    loaded libraries)."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController().select(user_api="blas")
    return _controller


@contextlib.contextmanager
def halves_in_parallel(plan):
    """Run the two halves at the same time while using ``plan``.

    When the BLAS may use two threads or more (``threadpoolctl`` limits and
    ``OPENBLAS_NUM_THREADS`` are respected), the halves run on two threads
    and every BLAS is held to one thread inside this block, so the two
    threads do not compete with BLAS's own; otherwise the halves run one
    after the other, with the same result. Nothing happens without a plan.
    Fits in several Python threads at once share the setting of the first.
    The plan gives the same bits on one thread or two as long as it runs
    inside this block (or with the BLAS on one thread): a multi-threaded
    BLAS may round its products differently.
    """
    if plan is None:
        yield
        return
    try:
        _enter()
        yield
    finally:
        _exit()


def _enter():
    global _active_fits, _limiter
    with _lock:
        _active_fits += 1  # first: _exit undoes whatever happens below
        if _active_fits == 1:
            blas = _blas_controller()
            threads = max((lib.num_threads for lib in blas.lib_controllers), default=1)
            if threads >= 2:
                _limiter = blas.limit(limits=1)
                _compiled.set_threads(2)


def _exit():
    global _active_fits, _limiter
    with _lock:
        _active_fits -= 1
        if _active_fits == 0:
            _compiled.set_threads(1)
            if _limiter is not None:
                _limiter.restore_original_limits()
                _limiter = None
