/*
 * Two-way data-parallel forward and backward passes of a dense network.
 *
 * A batch's rows are split in two halves (the first ceil(n / 2) rows, then
 * the rest). Each half goes through the layers on its own rows of the
 * workspace's buffers, with single-threaded matrix products (scipy's BLAS,
 * through the function pointers of scipy.linalg.cython_blas), and its weight
 * and bias gradients are written to a flat vector of its own; the second
 * half's is then added to the first's. The halves run at the same time on
 * the calling thread and one worker thread, or one after the other on the
 * calling thread: the same operations in the same order either way, so the
 * result does not depend on the number of threads.
 *
 * Python side: skoptim/neural_network/_data_parallel.py.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <fenv.h>
#include <math.h>
#include <string.h>

#if defined(_MSC_VER)
#define restrict __restrict
#endif

#if !defined(_WIN32) && !defined(__STDC_NO_ATOMICS__)
#define HAVE_WORKER 1
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#else
#define HAVE_WORKER 0
#endif

#define MAX_LAYERS 64

/* ------------------------------------------------------------------------
 * BLAS: Fortran-style gemm from scipy.linalg.cython_blas (column-major).
 * A row-major (m x n) array is a column-major (n x m) one, so the row-major
 * product C = op(A) op(B) is computed as C^T = op(B)^T op(A)^T.
 */
typedef void (*dgemm_fn)(char *, char *, int *, int *, int *, double *,
                         double *, int *, double *, int *, double *, double *,
                         int *);
typedef void (*sgemm_fn)(char *, char *, int *, int *, int *, float *, float *,
                         int *, float *, int *, float *, float *, int *);
static dgemm_fn dgemm_ptr = NULL;
static sgemm_fn sgemm_ptr = NULL;

/* Row-major C (m x n) = op_a(A) (m x k) @ op_b(B) (k x n); trans_a / trans_b
 * say whether A is stored (k x m) / B stored (n x k). */
static void
gemm_rm(int f64, int trans_a, int trans_b, int m, int n, int k, const void *A,
        int lda, const void *B, int ldb, void *C, int ldc)
{
    char ta = trans_b ? 'T' : 'N', tb = trans_a ? 'T' : 'N';
    if (f64) {
        double one = 1.0, zero = 0.0;
        dgemm_ptr(&ta, &tb, &n, &m, &k, &one, (double *)B, &ldb, (double *)A,
                  &lda, &zero, (double *)C, &ldc);
    }
    else {
        float one = 1.0f, zero = 0.0f;
        sgemm_ptr(&ta, &tb, &n, &m, &k, &one, (float *)B, &ldb, (float *)A,
                  &lda, &zero, (float *)C, &ldc);
    }
}

/* ------------------------------------------------------------------------
 * Element-wise passes, for double and float. Each loop is branch-free so it
 * vectorizes; on x86-64 with glibc it is compiled for AVX-512, AVX2 and the
 * baseline, picked at load time.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__GLIBC__)
#define DISPATCH __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DISPATCH
#endif

enum { ACT_IDENTITY = 0, ACT_RELU = 1, ACT_TANH = 2, ACT_LOGISTIC = 3 };

#define DEFINE_PASSES(T, SUF, TANH, EXP)                                       \
    /* z <- f(z + b), the bias added to every row; NaN stays NaN */            \
    DISPATCH static void bias_act_##SUF(Py_ssize_t rows, Py_ssize_t cols,      \
                                        T *restrict z, const T *restrict b,    \
                                        int act)                               \
    {                                                                          \
        Py_ssize_t n = rows * cols;                                            \
        for (Py_ssize_t r = 0; r < rows; r++) {                                \
            T *restrict zr = z + r * cols;                                     \
            for (Py_ssize_t j = 0; j < cols; j++)                              \
                zr[j] = zr[j] + b[j];                                          \
        }                                                                      \
        if (act == ACT_RELU) {                                                 \
            for (Py_ssize_t i = 0; i < n; i++) {                               \
                T s = z[i];                                                    \
                z[i] = (s > 0 || s != s) ? s : (T)0;                           \
            }                                                                  \
        }                                                                      \
        else if (act == ACT_TANH) {                                            \
            for (Py_ssize_t i = 0; i < n; i++)                                 \
                z[i] = TANH(z[i]);                                             \
        }                                                                      \
        else if (act == ACT_LOGISTIC) {                                        \
            for (Py_ssize_t i = 0; i < n; i++)                                 \
                z[i] = (T)1 / ((T)1 + EXP(-z[i]));                             \
        }                                                                      \
    }                                                                          \
    /* delta <- delta * f'(z), from a = f(z) */                                \
    DISPATCH static void act_backward_##SUF(Py_ssize_t n, T *restrict d,       \
                                            const T *restrict a, int act)      \
    {                                                                          \
        if (act == ACT_RELU) {                                                 \
            for (Py_ssize_t i = 0; i < n; i++) {                               \
                T keep = (T)(a[i] > 0);                                        \
                d[i] = d[i] * keep;                                            \
            }                                                                  \
        }                                                                      \
        else if (act == ACT_TANH) {                                            \
            for (Py_ssize_t i = 0; i < n; i++)                                 \
                d[i] = d[i] * ((T)1 - a[i] * a[i]);                            \
        }                                                                      \
        else if (act == ACT_LOGISTIC) {                                        \
            for (Py_ssize_t i = 0; i < n; i++)                                 \
                d[i] = (d[i] * a[i]) * ((T)1 - a[i]);                          \
        }                                                                      \
    }                                                                          \
    /* colsum <- d.sum(axis=0), row after row */                               \
    DISPATCH static void colsum_##SUF(Py_ssize_t rows, Py_ssize_t cols,        \
                                      const T *restrict d,                     \
                                      T *restrict colsum)                      \
    {                                                                          \
        for (Py_ssize_t j = 0; j < cols; j++)                                  \
            colsum[j] = d[j];                                                  \
        for (Py_ssize_t r = 1; r < rows; r++) {                                \
            const T *restrict dr = d + r * cols;                               \
            for (Py_ssize_t j = 0; j < cols; j++)                              \
                colsum[j] = colsum[j] + dr[j];                                 \
        }                                                                      \
    }                                                                          \
    DISPATCH static void add_##SUF(Py_ssize_t n, T *restrict y,                \
                                   const T *restrict x)                        \
    {                                                                          \
        for (Py_ssize_t i = 0; i < n; i++)                                     \
            y[i] = y[i] + x[i];                                                \
    }

DEFINE_PASSES(double, f64, tanh, exp)
DEFINE_PASSES(float, f32, tanhf, expf)

/* delta (rows x cols) <- delta * f'(z) and colsum <- its column sums */
static void
backward_pass(int f64, Py_ssize_t rows, Py_ssize_t cols, char *d,
              const char *a, char *colsum, int act)
{
    if (f64) {
        if (a != NULL)
            act_backward_f64(rows * cols, (double *)d, (const double *)a, act);
        colsum_f64(rows, cols, (const double *)d, (double *)colsum);
    }
    else {
        if (a != NULL)
            act_backward_f32(rows * cols, (float *)d, (const float *)a, act);
        colsum_f32(rows, cols, (const float *)d, (float *)colsum);
    }
}

/* ------------------------------------------------------------------------
 * The worker thread: runs part 1 of a job while the caller runs part 0.
 * It spins for a while after each job (the next one usually follows within
 * a fraction of a millisecond), then sleeps on a condition variable.
 */
typedef void (*part_fn)(void *arg, int part);

#if HAVE_WORKER
static atomic_int n_threads = 1; /* 2: run the halves at the same time */
#else
static int n_threads = 1;
#endif

/* Smaller batches run both halves on the caller: the handoff would cost
 * more than it saves (rows x weights and biases of one pass). */
#define PARALLEL_MIN_WORK (1L << 20)

#if HAVE_WORKER
#define SPIN_NS 20000L      /* spin 20 us ... */
#define YIELD_NS 1000000L   /* ... then yield the core for up to 1 ms ... */
                            /* ... then sleep until the next job */

static struct {
    pthread_t thread;
    atomic_int started;
    atomic_int busy;      /* a caller is using the worker */
    atomic_long posted;   /* jobs posted */
    atomic_long finished; /* jobs the worker finished */
    part_fn fn;
    void *arg;
    fenv_t env; /* the caller's floating-point environment, for the job */
    pthread_mutex_t lock;
    pthread_cond_t wake;
} pool = {.started = 0,
          .busy = 0,
          .lock = PTHREAD_MUTEX_INITIALIZER,
          .wake = PTHREAD_COND_INITIALIZER};

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static long
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void *
worker_main(void *unused)
{
    (void)unused;
    long done = 0;
    for (;;) {
        long start = now_ns();
        unsigned spins = 0;
        int yielding = 0;
        while (atomic_load_explicit(&pool.posted, memory_order_acquire) == done) {
            if (yielding)
                sched_yield(); /* another process's thread may want the core */
            else
                cpu_relax();
            if (++spins % 64 != 0)
                continue;
            long waited = now_ns() - start;
            yielding = waited > SPIN_NS;
            if (waited > YIELD_NS) {
                pthread_mutex_lock(&pool.lock);
                while (atomic_load(&pool.posted) == done)
                    pthread_cond_wait(&pool.wake, &pool.lock);
                pthread_mutex_unlock(&pool.lock);
            }
        }
        done++;
        fesetenv(&pool.env); /* same rounding and flush-to-zero as the caller */
        pool.fn(pool.arg, 1);
        atomic_store_explicit(&pool.finished, done, memory_order_release);
    }
    return NULL;
}

static void
reset_after_fork(void)
{ /* the worker does not exist in a forked child */
    pool.started = 0;
    atomic_store(&pool.busy, 0);
    atomic_store(&pool.posted, 0);
    atomic_store(&pool.finished, 0);
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.wake, NULL);
}

static int
start_worker(void)
{
    if (pool.started)
        return 1;
    static int atfork_set = 0;
    if (!atfork_set) {
        pthread_atfork(NULL, NULL, reset_after_fork);
        atfork_set = 1;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int err = pthread_create(&pool.thread, &attr, worker_main, NULL);
    pthread_attr_destroy(&attr);
    if (err)
        return 0;
    pool.started = 1;
    return 1;
}

/* Run fn(arg, 0) and fn(arg, 1); the caller holds no GIL. Several Python
 * threads may fit at once: one of them has the worker, the others run both
 * parts themselves (the same result). */
static void
run_parts(part_fn fn, void *arg)
{
    int idle = 0;
    if (n_threads < 2 || !pool.started ||
        !atomic_compare_exchange_strong(&pool.busy, &idle, 1)) {
        fn(arg, 0);
        fn(arg, 1);
        return;
    }
    pool.fn = fn;
    pool.arg = arg;
    fegetenv(&pool.env);
    long job = atomic_load(&pool.posted) + 1;
    atomic_store_explicit(&pool.posted, job, memory_order_release);
    pthread_mutex_lock(&pool.lock);
    pthread_cond_signal(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    fn(arg, 0);
    unsigned spins = 0;
    while (atomic_load_explicit(&pool.finished, memory_order_acquire) != job) {
        cpu_relax();
        if (++spins > 4096)
            sched_yield();
    }
    atomic_store(&pool.busy, 0);
}
#else
static int
start_worker(void)
{
    return 0;
}

static void
run_parts(part_fn fn, void *arg)
{
    fn(arg, 0);
    fn(arg, 1);
}
#endif

/* Both parts, on two threads when the work is worth the handoff. */
static void
run_job(part_fn fn, void *arg, double work)
{
    if (work >= PARALLEL_MIN_WORK) {
        run_parts(fn, arg);
    }
    else {
        fn(arg, 0);
        fn(arg, 1);
    }
}

/* ------------------------------------------------------------------------
 * Plan: where a network's parameters and a workspace's buffers are.
 */
typedef struct {
    PyObject_HEAD
    int n_layers;
    int f64;
    int act;
    Py_ssize_t rows;                  /* rows of the workspace buffers */
    int units[MAX_LAYERS + 1];        /* input first */
    Py_ssize_t w_off[MAX_LAYERS];     /* offsets in the flat vectors */
    Py_ssize_t b_off[MAX_LAYERS];
    Py_ssize_t n_dense;               /* weights and biases: the gradient */
    char *params;
    char *outs[MAX_LAYERS];           /* hidden activations, then logits */
    char *deltas[MAX_LAYERS];         /* NULL: a plan for inference */
    PyObject *refs;                   /* the arrays, kept alive */
} Plan;

typedef struct {
    Plan *p;
    const char *X;
    Py_ssize_t ldx;
    Py_ssize_t row0[2], nrows[2];
    char *grad[2];
} Job;

static void
split_rows(Job *job, Py_ssize_t n)
{
    Py_ssize_t first = (n + 1) / 2;
    job->row0[0] = 0;
    job->nrows[0] = first;
    job->row0[1] = first;
    job->nrows[1] = n - first;
}

static void
forward_part(void *arg, int part)
{
    Job *job = arg;
    Plan *p = job->p;
    Py_ssize_t h = job->nrows[part], r0 = job->row0[part];
    if (h == 0)
        return;
    size_t sz = p->f64 ? 8 : 4;
    const char *a = job->X + r0 * job->ldx * sz;
    int lda = (int)job->ldx;
    for (int i = 0; i < p->n_layers; i++) {
        int fan_in = p->units[i], fan_out = p->units[i + 1];
        char *z = p->outs[i] + r0 * fan_out * sz;
        const char *W = p->params + p->w_off[i] * sz;
        const char *b = p->params + p->b_off[i] * sz;
        gemm_rm(p->f64, 0, 0, (int)h, fan_out, fan_in, a, lda, W, fan_out, z,
                fan_out);
        int act = i < p->n_layers - 1 ? p->act : ACT_IDENTITY;
        if (p->f64)
            bias_act_f64(h, fan_out, (double *)z, (const double *)b, act);
        else
            bias_act_f32(h, fan_out, (float *)z, (const float *)b, act);
        a = z;
        lda = fan_out;
    }
}

static void
backward_part(void *arg, int part)
{
    Job *job = arg;
    Plan *p = job->p;
    Py_ssize_t h = job->nrows[part], r0 = job->row0[part];
    size_t sz = p->f64 ? 8 : 4;
    char *g = job->grad[part];
    if (h == 0) {
        memset(g, 0, p->n_dense * sz);
        return;
    }
    int last = p->n_layers - 1;
    char *delta = p->deltas[last] + r0 * p->units[last + 1] * sz;
    /* bias gradient of the output layer: column sums of its delta */
    backward_pass(p->f64, h, p->units[last + 1], delta, NULL,
                  g + p->b_off[last] * sz, ACT_IDENTITY);
    for (int i = last; i >= 0; i--) {
        int fan_in = p->units[i], fan_out = p->units[i + 1];
        const char *a_prev;
        int ld_prev;
        if (i == 0) {
            a_prev = job->X + r0 * job->ldx * sz;
            ld_prev = (int)job->ldx;
        }
        else {
            a_prev = p->outs[i - 1] + r0 * fan_in * sz;
            ld_prev = fan_in;
        }
        /* weight gradient (fan_in x fan_out) = a_prev^T @ delta */
        gemm_rm(p->f64, 1, 0, fan_in, fan_out, (int)h, a_prev, ld_prev, delta,
                fan_out, g + p->w_off[i] * sz, fan_out);
        if (i == 0)
            break;
        /* delta_prev (h x fan_in) = delta @ W^T, then times f'(z) */
        char *delta_prev = p->deltas[i - 1] + r0 * fan_in * sz;
        const char *W = p->params + p->w_off[i] * sz;
        gemm_rm(p->f64, 0, 1, (int)h, fan_in, fan_out, delta, fan_out, W,
                fan_out, delta_prev, fan_in);
        backward_pass(p->f64, h, fan_in, delta_prev,
                      p->act == ACT_IDENTITY ? NULL : a_prev,
                      g + p->b_off[i - 1] * sz, p->act);
        delta = delta_prev;
    }
}

/* grad[0] += grad[1], each thread on half of the vector (split at a
 * multiple of 16 elements, as the Adam and axpy kernels split) */
static void
sum_part(void *arg, int part)
{
    Job *job = arg;
    Plan *p = job->p;
    Py_ssize_t n = p->n_dense, mid = (n / 2) & ~(Py_ssize_t)15;
    Py_ssize_t start = part ? mid : 0, stop = part ? n : mid;
    if (p->f64)
        add_f64(stop - start, (double *)job->grad[0] + start,
                (const double *)job->grad[1] + start);
    else
        add_f32(stop - start, (float *)job->grad[0] + start,
                (const float *)job->grad[1] + start);
}

static void
Plan_dealloc(Plan *self)
{
    Py_XDECREF(self->refs);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A C-contiguous buffer (writable unless ``read_only``) of the plan's dtype
 * with at least ``count`` items; its address, or NULL with an exception. */
static char *
buffer_address(PyObject *obj, int f64, Py_ssize_t count, const char *what,
               int read_only)
{
    Py_buffer view;
    int flags = read_only ? PyBUF_C_CONTIGUOUS
                          : PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS;
    if (PyObject_GetBuffer(obj, &view, flags) < 0)
        return NULL;
    char *address = view.buf;
    int ok = view.itemsize == (f64 ? 8 : 4) && view.len / view.itemsize >= count;
    PyBuffer_Release(&view); /* the plan keeps a reference to obj */
    if (!ok) {
        PyErr_Format(PyExc_ValueError, "%s: wrong dtype or too small", what);
        return NULL;
    }
    return address;
}

static int
Plan_init(Plan *self, PyObject *args, PyObject *kwds)
{
    PyObject *params, *units, *w_off, *b_off, *outs, *deltas;
    if (self->refs != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a Plan is initialized once");
        return -1;
    }
    int f64, act;
    Py_ssize_t rows, n_dense;
    static char *kwlist[] = {"params", "units", "weight_offsets",
                             "bias_offsets", "outputs", "deltas", "rows",
                             "n_dense", "f64", "activation", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO!O!O!O!Onnpi", kwlist,
                                     &params, &PyTuple_Type, &units,
                                     &PyTuple_Type, &w_off, &PyTuple_Type,
                                     &b_off, &PyTuple_Type, &outs, &deltas,
                                     &rows, &n_dense, &f64, &act))
        return -1;
    int inference = deltas == Py_None;
    if (!inference && !PyTuple_Check(deltas)) {
        PyErr_SetString(PyExc_TypeError, "deltas: a tuple or None");
        return -1;
    }
    Py_ssize_t n_layers = PyTuple_GET_SIZE(w_off);
    if (n_layers < 1 || n_layers > MAX_LAYERS ||
        PyTuple_GET_SIZE(units) != n_layers + 1 ||
        PyTuple_GET_SIZE(b_off) != n_layers ||
        PyTuple_GET_SIZE(outs) != n_layers ||
        (!inference && PyTuple_GET_SIZE(deltas) != n_layers) || act < 0 ||
        act > 3 || rows < 0 || rows > 0x7fffffffL) {
        PyErr_SetString(PyExc_ValueError, "inconsistent plan");
        return -1;
    }
    if ((f64 && dgemm_ptr == NULL) || (!f64 && sgemm_ptr == NULL)) {
        PyErr_SetString(PyExc_RuntimeError, "set_gemm was not called");
        return -1;
    }
    self->n_layers = (int)n_layers;
    self->f64 = f64;
    self->act = act;
    self->rows = rows;
    self->n_dense = n_dense;
    for (Py_ssize_t i = 0; i <= n_layers; i++) {
        long u = PyLong_AsLong(PyTuple_GET_ITEM(units, i));
        if (u <= 0 || u > 0x7fffffffL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "bad layer size");
            return -1;
        }
        self->units[i] = (int)u;
    }
    if (!(self->params = buffer_address(params, f64, n_dense, "params", 1)))
        return -1;
    for (Py_ssize_t i = 0; i < n_layers; i++) {
        self->w_off[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(w_off, i));
        self->b_off[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(b_off, i));
        if (PyErr_Occurred())
            return -1;
        Py_ssize_t cells = rows * self->units[i + 1];
        self->outs[i] = buffer_address(PyTuple_GET_ITEM(outs, i), f64, cells,
                                       "outputs", 0);
        if (self->w_off[i] < 0 || self->b_off[i] < 0 ||
            self->w_off[i] + (Py_ssize_t)self->units[i] * self->units[i + 1] >
                n_dense ||
            self->b_off[i] + self->units[i + 1] > n_dense) {
            PyErr_SetString(PyExc_ValueError, "offsets outside the parameters");
            return -1;
        }
        self->deltas[i] = inference ? NULL
                                    : buffer_address(PyTuple_GET_ITEM(deltas, i),
                                                     f64, cells, "deltas", 0);
        if (!self->outs[i] || (!inference && !self->deltas[i]))
            return -1;
    }
    Py_XSETREF(self->refs, PyTuple_Pack(3, params, outs, deltas));
    return self->refs ? 0 : -1;
}

/* The batch X: C-contiguous rows of units[0] columns, n <= rows. */
static int
batch_job(Plan *p, PyObject *X, Py_ssize_t n, Job *job, Py_buffer *view)
{
    if (PyObject_GetBuffer(X, view, PyBUF_C_CONTIGUOUS) < 0)
        return 0;
    if (view->itemsize != (p->f64 ? 8 : 4) || n < 0 || n > p->rows ||
        view->len / view->itemsize < n * p->units[0]) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "batch does not fit the plan");
        return 0;
    }
    job->p = p;
    job->X = view->buf;
    job->ldx = p->units[0];
    split_rows(job, n);
    return 1;
}

static PyObject *
Plan_forward(Plan *self, PyObject *args)
{
    PyObject *X;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "On", &X, &n))
        return NULL;
    Job job;
    Py_buffer view;
    if (!batch_job(self, X, n, &job, &view))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    run_job(forward_part, &job, n * self->n_dense);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

static PyObject *
Plan_backward(Plan *self, PyObject *args)
{
    PyObject *X, *grad, *partial;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "OnOO", &X, &n, &grad, &partial))
        return NULL;
    if (self->deltas[0] == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "an inference plan has no backward");
        return NULL;
    }
    Job job;
    Py_buffer view;
    if (!batch_job(self, X, n, &job, &view))
        return NULL;
    job.grad[0] = buffer_address(grad, self->f64, self->n_dense, "grad", 0);
    job.grad[1] = job.grad[0] ? buffer_address(partial, self->f64,
                                               self->n_dense, "partial", 0)
                              : NULL;
    if (!job.grad[1]) {
        PyBuffer_Release(&view);
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    run_job(backward_part, &job, n * self->n_dense);
    run_job(sum_part, &job, n * self->n_dense);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

static PyMethodDef Plan_methods[] = {
    {"forward", (PyCFunction)Plan_forward, METH_VARARGS,
     "forward(X, n): logits of the first n rows of X into the outputs."},
    {"backward", (PyCFunction)Plan_backward, METH_VARARGS,
     "backward(X, n, grad, partial): weight and bias gradient from the "
     "output deltas into grad (partial: scratch of the same size)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject PlanType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "skoptim._data_parallel.Plan",
    .tp_basicsize = sizeof(Plan),
    .tp_dealloc = (destructor)Plan_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Buffers and layer sizes of a dense network's two-way passes.",
    .tp_methods = Plan_methods,
    .tp_init = (initproc)Plan_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------------
 * Module functions.
 */
static void *
capsule_pointer(PyObject *capsule)
{
    if (!PyCapsule_CheckExact(capsule)) {
        PyErr_SetString(PyExc_TypeError, "expected a capsule");
        return NULL;
    }
    return PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule));
}

static PyObject *
set_gemm(PyObject *self, PyObject *args)
{
    PyObject *dcap, *scap;
    if (!PyArg_ParseTuple(args, "OO", &dcap, &scap))
        return NULL;
    void *d = capsule_pointer(dcap), *s = d ? capsule_pointer(scap) : NULL;
    if (!s)
        return NULL;
    /* Fortran gemm with 32-bit integer sizes */
    const char *expected = "void (char *, char *, int *, int *, int *,";
    if (strncmp(PyCapsule_GetName(dcap), expected, strlen(expected)) ||
        strncmp(PyCapsule_GetName(scap), expected, strlen(expected))) {
        PyErr_SetString(PyExc_TypeError, "unexpected gemm signature");
        return NULL;
    }
    dgemm_ptr = (dgemm_fn)d;
    sgemm_ptr = (sgemm_fn)s;
    Py_RETURN_NONE;
}

static PyObject *
set_threads(PyObject *self, PyObject *args)
{
    int n;
    if (!PyArg_ParseTuple(args, "i", &n))
        return NULL;
    int old = n_threads;
    n_threads = n >= 2 && start_worker() ? 2 : 1;
    return PyLong_FromLong(old);
}

static PyObject *
worker_jobs(PyObject *self, PyObject *unused)
{
#if HAVE_WORKER
    return PyLong_FromLong(atomic_load(&pool.finished));
#else
    return PyLong_FromLong(0);
#endif
}

static PyMethodDef methods[] = {
    {"worker_jobs", worker_jobs, METH_NOARGS,
     "worker_jobs(): how many parts the worker thread has run (tests)."},
    {"set_gemm", set_gemm, METH_VARARGS,
     "set_gemm(dgemm, sgemm): the capsules of scipy.linalg.cython_blas."},
    {"set_threads", set_threads, METH_VARARGS,
     "set_threads(n): 2 runs the halves at the same time, 1 one after the "
     "other; returns the old setting."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_data_parallel",
    "Two-way data-parallel passes of dense networks (see _data_parallel.py).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__data_parallel(void)
{
    if (PyType_Ready(&PlanType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    PyObject *runner = PyCapsule_New((void *)run_parts,
                                     "skoptim._data_parallel.run_parts", NULL);
    if (runner == NULL || PyModule_AddObject(m, "run_parts", runner) < 0) {
        Py_XDECREF(runner);
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddIntConstant(m, "PARALLEL_MIN_WORK", PARALLEL_MIN_WORK) < 0 ||
        PyModule_AddIntConstant(m, "MAX_LAYERS", MAX_LAYERS) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&PlanType);
    if (PyModule_AddObject(m, "Plan", (PyObject *)&PlanType) < 0) {
        Py_DECREF(&PlanType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
