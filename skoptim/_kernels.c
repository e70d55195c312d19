/*
 * Fused element-wise kernels for the training loop.
 *
 * Each kernel does in one pass over memory what the numpy fallback in
 * skoptim/_fused.py does in several, with the same operations in the same
 * order and no contraction into fused multiply-adds (built with
 * -ffp-contract=off), so both paths give bit-identical results. Arrays are
 * C-contiguous float64 or float32 (checked by the Python wrappers); the
 * scalars arrive as Python floats and are rounded to the arrays' precision
 * first, as numpy does with a Python scalar.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#if defined(_MSC_VER)
#define restrict __restrict
#endif

/* max(a, b) propagating NaN, as numpy.maximum */
#define NP_MAX(a, b) (((a) != (a)) ? (a) : (((b) != (b)) ? (b) : ((a) >= (b) ? (a) : (b))))

/* Loops are compiled for AVX-512, AVX2 and baseline x86-64 and picked at
 * load time (GCC function multi-versioning); the wider vectors change no
 * result, as every operation is IEEE-rounded and none is contracted. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__GLIBC__) /* ifunc, which target_clones needs: not on musl */
#define DISPATCH __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DISPATCH
#endif

#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static __forceinline
#endif

/* One loop for Adam and AMSGrad: ``amsgrad`` is a constant in each caller,
 * so the compiler drops the branch and vectorizes both versions. */
#define DEFINE_LOOPS(T, SUFFIX, SQRT)                                          \
    ALWAYS_INLINE void adam_loop_##SUFFIX(                                     \
        Py_ssize_t n, T *restrict p, const T *restrict g, T *restrict m,       \
        T *restrict v, T *restrict vm, T c1, T c2, T b2, T ib, T e, T s,       \
        const int amsgrad)                                                     \
    {                                                                          \
        for (Py_ssize_t i = 0; i < n; i++) {                                   \
            T gi = g[i];                                                       \
            T t = gi - m[i];                                                   \
            t = t * c1;                                                        \
            T mi = m[i] + t;                                                   \
            m[i] = mi;                                                         \
            T sq = gi * gi;                                                    \
            sq = sq * c2;                                                      \
            T vi = v[i] * b2;                                                  \
            vi = vi + sq;                                                      \
            v[i] = vi;                                                         \
            if (amsgrad) {                                                     \
                T vmi = vm[i];                                                 \
                vi = NP_MAX(vmi, vi);                                          \
                vm[i] = vi;                                                    \
            }                                                                  \
            T di = SQRT(vi);                                                   \
            di = di * ib;                                                      \
            di = di + e;                                                       \
            T st = mi / di;                                                    \
            st = st * s;                                                       \
            p[i] = p[i] - st;                                                  \
        }                                                                      \
    }                                                                          \
    DISPATCH static void adam_##SUFFIX(                                        \
        Py_ssize_t n, T *restrict p, const T *restrict g, T *restrict m,       \
        T *restrict v, T c1, T c2, T b2, T ib, T e, T s)                       \
    {                                                                          \
        adam_loop_##SUFFIX(n, p, g, m, v, NULL, c1, c2, b2, ib, e, s, 0);      \
    }                                                                          \
    DISPATCH static void amsgrad_##SUFFIX(                                     \
        Py_ssize_t n, T *restrict p, const T *restrict g, T *restrict m,       \
        T *restrict v, T *restrict vm, T c1, T c2, T b2, T ib, T e, T s)       \
    {                                                                          \
        adam_loop_##SUFFIX(n, p, g, m, v, vm, c1, c2, b2, ib, e, s, 1);        \
    }                                                                          \
    DISPATCH static void bias_relu_##SUFFIX(Py_ssize_t rows, Py_ssize_t cols,  \
                                            T *restrict z, const T *restrict b) \
    {                                                                          \
        for (Py_ssize_t r = 0; r < rows; r++) {                                \
            T *row = z + r * cols;                                             \
            for (Py_ssize_t j = 0; j < cols; j++) {                            \
                T x = row[j] + b[j];                                           \
                /* numpy.maximum(x, 0): NaN stays, -0.0 becomes +0.0 */     \
                row[j] = (x > 0 || x != x) ? x : (T)0;                         \
            }                                                                  \
        }                                                                      \
    }                                                                          \
    DISPATCH static void relu_backward_##SUFFIX(Py_ssize_t n, T *restrict d,   \
                                                const T *restrict a)           \
    {                                                                          \
        for (Py_ssize_t i = 0; i < n; i++) {                                   \
            T keep = (T)(a[i] > 0);                                            \
            d[i] = d[i] * keep;                                                \
        }                                                                      \
    }                                                                          \
    DISPATCH static void relu_backward_colsum_##SUFFIX(                       \
        Py_ssize_t rows, Py_ssize_t cols, T *restrict d, const T *restrict a,  \
        T *restrict colsum)                                                    \
    {                                                                          \
        for (Py_ssize_t r = 0; r < rows; r++) {                                \
            T *drow = d + r * cols;                                            \
            const T *arow = a + r * cols;                                      \
            for (Py_ssize_t j = 0; j < cols; j++) {                            \
                T keep = (T)(arow[j] > 0);                                     \
                T x = drow[j] * keep;                                          \
                drow[j] = x;                                                   \
                /* numpy's order: from +0, adding row after row */          \
                colsum[j] = (r ? colsum[j] : (T)0) + x;                        \
            }                                                                  \
        }                                                                      \
    }                                                                          \
    /* Row maxima of z (NaN propagating) and out = z - max, row-wise. */      \
    DISPATCH static void softmax_shift_##SUFFIX(                               \
        Py_ssize_t rows, Py_ssize_t cols, const T *restrict z,                 \
        T *restrict out, T *restrict shift)                                    \
    {                                                                          \
        for (Py_ssize_t r = 0; r < rows; r++) {                                \
            const T *zr = z + r * cols;                                        \
            T *o = out + r * cols;                                             \
            T mx = zr[0];                                                      \
            for (Py_ssize_t j = 1; j < cols; j++)                              \
                mx = NP_MAX(mx, zr[j]);                                        \
            shift[r] = mx;                                                     \
            for (Py_ssize_t j = 0; j < cols; j++)                              \
                o[j] = zr[j] - mx;                                             \
        }                                                                      \
    }                                                                          \
    /* From p = exp(z - max): row sums (left to right), p /= sum, the         \
     * gradient (p - y) * scale and the row sums of y * z (left to right). */ \
    DISPATCH static void softmax_finish_##SUFFIX(                              \
        Py_ssize_t rows, Py_ssize_t cols, T *restrict p, const T *restrict y,  \
        const T *restrict z, T *restrict d, T scale, const int scaled,         \
        T *restrict total, T *restrict zy)                                     \
    {                                                                          \
        for (Py_ssize_t r = 0; r < rows; r++) {                                \
            T *pr = p + r * cols;                                              \
            const T *yr = y + r * cols;                                        \
            const T *zr = z + r * cols;                                        \
            T *dr = d + r * cols;                                              \
            T s = pr[0];                                                       \
            T a = yr[0] * zr[0];                                               \
            for (Py_ssize_t j = 1; j < cols; j++) {                            \
                s = s + pr[j];                                                 \
                T t = yr[j] * zr[j];                                           \
                a = a + t;                                                     \
            }                                                                  \
            total[r] = s;                                                      \
            zy[r] = a;                                                         \
            for (Py_ssize_t j = 0; j < cols; j++) {                            \
                T q = pr[j] / s;                                               \
                pr[j] = q;                                                     \
                T g = q - yr[j];                                               \
                if (scaled)                                                    \
                    g = g * scale;                                             \
                dr[j] = g;                                                     \
            }                                                                  \
        }                                                                      \
    }                                                                          \
    DISPATCH static void axpy_##SUFFIX(Py_ssize_t n, T *restrict y,            \
                                       const T *restrict x, T a)               \
    {                                                                          \
        for (Py_ssize_t i = 0; i < n; i++) {                                   \
            T t = a * x[i];                                                    \
            y[i] = y[i] + t;                                                   \
        }                                                                      \
    }

DEFINE_LOOPS(double, f64, sqrt)
DEFINE_LOOPS(float, f32, sqrtf)

static int
same_sizes(Py_buffer *a, Py_buffer *b)
{
    if (a->len != b->len || a->itemsize != b->itemsize) {
        PyErr_SetString(PyExc_ValueError, "kernel arrays differ in size or dtype");
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------------
 * A long Adam step, axpy or row gather is split in two ranges, run on two
 * threads by skoptim._data_parallel's worker when it lends it (set_runner);
 * an element-wise update or a copy gives the same bits however it is split.
 */
typedef void (*part_fn)(void *arg, int part);
typedef void (*runner_fn)(part_fn fn, void *arg);
static runner_fn run_parts = NULL;

#define SPLIT_MIN 16384 /* elements: shorter steps are not worth a handoff */

typedef struct {
    Py_ssize_t n;
    int f64, amsgrad;
    char *p, *g, *m, *v, *vm;
    double c1, c2, b2, ib, e, s;
} AdamJob;

/* Elements [start, stop) of part 0 or 1 of n: the first or second half,
 * split at a multiple of 16 elements (as the two-way gradient sum splits);
 * part -1: everything. */
static void
part_range(Py_ssize_t n, int part, Py_ssize_t *start, Py_ssize_t *stop)
{
    Py_ssize_t mid = (n / 2) & ~(Py_ssize_t)15;
    *start = part == 1 ? mid : 0;
    *stop = part == 0 ? mid : n;
}

static void
adam_part(void *arg, int part)
{
    AdamJob *j = arg;
    Py_ssize_t start, stop;
    part_range(j->n, part, &start, &stop);
    Py_ssize_t n = stop - start, at = start * (j->f64 ? 8 : 4);
    char *vm = j->amsgrad ? j->vm + at : NULL;
    if (j->f64 && j->amsgrad)
        amsgrad_f64(n, (double *)(j->p + at), (double *)(j->g + at),
                    (double *)(j->m + at), (double *)(j->v + at), (double *)vm,
                    j->c1, j->c2, j->b2, j->ib, j->e, j->s);
    else if (j->f64)
        adam_f64(n, (double *)(j->p + at), (double *)(j->g + at),
                 (double *)(j->m + at), (double *)(j->v + at), j->c1, j->c2,
                 j->b2, j->ib, j->e, j->s);
    else if (j->amsgrad)
        amsgrad_f32(n, (float *)(j->p + at), (float *)(j->g + at),
                    (float *)(j->m + at), (float *)(j->v + at), (float *)vm,
                    (float)j->c1, (float)j->c2, (float)j->b2, (float)j->ib,
                    (float)j->e, (float)j->s);
    else
        adam_f32(n, (float *)(j->p + at), (float *)(j->g + at),
                 (float *)(j->m + at), (float *)(j->v + at), (float)j->c1,
                 (float)j->c2, (float)j->b2, (float)j->ib, (float)j->e,
                 (float)j->s);
}

typedef struct {
    Py_ssize_t n;
    int f64;
    char *y, *x;
    double alpha;
} AxpyJob;

static void
axpy_part(void *arg, int part)
{
    AxpyJob *j = arg;
    Py_ssize_t start, stop;
    part_range(j->n, part, &start, &stop);
    Py_ssize_t at = start * (j->f64 ? 8 : 4);
    if (j->f64)
        axpy_f64(stop - start, (double *)(j->y + at), (double *)(j->x + at),
                 j->alpha);
    else
        axpy_f32(stop - start, (float *)(j->y + at), (float *)(j->x + at),
                 (float)j->alpha);
}

/* Rows of a C-contiguous 2-D array gathered by index: each half of the
 * indices on one thread (a copy: the same bytes however it is split). */
typedef struct {
    Py_ssize_t n, row_bytes;
    const char *src;
    const Py_ssize_t *rows;
    char *dst;
} TakeJob;

static void
take_part(void *arg, int part)
{
    TakeJob *j = arg;
    Py_ssize_t start, stop;
    part_range(j->n, part, &start, &stop);
    for (Py_ssize_t i = start; i < stop; i++)
        memcpy(j->dst + i * j->row_bytes, j->src + j->rows[i] * j->row_bytes,
               j->row_bytes);
}

#define TAKE_SPLIT_MIN (64 * 1024) /* bytes gathered */

static PyObject *
take_rows(PyObject *self, PyObject *args)
{
    Py_buffer bs, br, bd;
    Py_ssize_t row_bytes;
    if (!PyArg_ParseTuple(args, "y*y*w*n", &bs, &br, &bd, &row_bytes))
        return NULL;
    Py_ssize_t n = br.len / (Py_ssize_t)sizeof(Py_ssize_t);
    Py_ssize_t src_rows = row_bytes > 0 ? bs.len / row_bytes : 0;
    int ok = row_bytes > 0 && br.itemsize == sizeof(Py_ssize_t) &&
             bd.len >= n * row_bytes;
    const Py_ssize_t *rows = br.buf;
    for (Py_ssize_t i = 0; ok && i < n; i++)
        ok = rows[i] >= 0 && rows[i] < src_rows;
    if (ok) {
        TakeJob job = {n, row_bytes, bs.buf, rows, bd.buf};
        Py_BEGIN_ALLOW_THREADS
        if (run_parts != NULL && n * row_bytes >= TAKE_SPLIT_MIN)
            run_parts(take_part, &job);
        else
            take_part(&job, -1);
        Py_END_ALLOW_THREADS
    }
    else
        PyErr_SetString(PyExc_ValueError, "take_rows: bad sizes or index");
    PyBuffer_Release(&bs);
    PyBuffer_Release(&br);
    PyBuffer_Release(&bd);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
set_runner(PyObject *self, PyObject *capsule)
{
    void *pointer = PyCapsule_GetPointer(capsule, "skoptim._data_parallel.run_parts");
    if (pointer == NULL)
        return NULL;
    run_parts = (runner_fn)pointer;
    Py_RETURN_NONE;
}

static PyObject *
adam_update(PyObject *self, PyObject *args)
{
    Py_buffer bp, bg, bm, bv, bvm = {0};
    PyObject *vmax;
    double one_minus_b1, one_minus_b2, beta_2, inv_bias2_sqrt, eps, step_scale;
    if (!PyArg_ParseTuple(args, "w*y*w*w*Odddddd", &bp, &bg, &bm, &bv, &vmax,
                          &one_minus_b1, &one_minus_b2, &beta_2, &inv_bias2_sqrt,
                          &eps, &step_scale))
        return NULL;
    int has_vmax = vmax != Py_None;
    int ok = 1;
    if (has_vmax && PyObject_GetBuffer(vmax, &bvm, PyBUF_WRITABLE) < 0)
        ok = 0;
    ok = ok && same_sizes(&bp, &bg) && same_sizes(&bp, &bm) &&
         same_sizes(&bp, &bv) &&
         (!has_vmax || same_sizes(&bp, &bvm));
    if (ok) {
        AdamJob job = {bp.len / bp.itemsize, bp.itemsize == 8, has_vmax,
                       bp.buf, bg.buf, bm.buf, bv.buf, bvm.buf,
                       one_minus_b1, one_minus_b2, beta_2, inv_bias2_sqrt,
                       eps, step_scale};
        Py_BEGIN_ALLOW_THREADS
        if (run_parts != NULL && job.n >= SPLIT_MIN)
            run_parts(adam_part, &job);
        else
            adam_part(&job, -1);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&bp);
    PyBuffer_Release(&bg);
    PyBuffer_Release(&bm);
    PyBuffer_Release(&bv);
    if (has_vmax && bvm.obj)
        PyBuffer_Release(&bvm);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
bias_relu(PyObject *self, PyObject *args)
{
    Py_buffer bz, bb;
    if (!PyArg_ParseTuple(args, "w*y*", &bz, &bb))
        return NULL;
    int ok = bz.itemsize == bb.itemsize && bb.len > 0 && bz.len % bb.len == 0;
    if (ok) {
        Py_ssize_t cols = bb.len / bb.itemsize;
        Py_ssize_t rows = bz.len / bb.len;
        Py_BEGIN_ALLOW_THREADS
        if (bz.itemsize == 8)
            bias_relu_f64(rows, cols, bz.buf, bb.buf);
        else
            bias_relu_f32(rows, cols, bz.buf, bb.buf);
        Py_END_ALLOW_THREADS
    }
    else
        PyErr_SetString(PyExc_ValueError, "bias_relu: shapes do not match");
    PyBuffer_Release(&bz);
    PyBuffer_Release(&bb);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
relu_backward(PyObject *self, PyObject *args)
{
    Py_buffer bd, ba;
    if (!PyArg_ParseTuple(args, "w*y*", &bd, &ba))
        return NULL;
    int ok = same_sizes(&bd, &ba);
    if (ok) {
        Py_ssize_t n = bd.len / bd.itemsize;
        Py_BEGIN_ALLOW_THREADS
        if (bd.itemsize == 8)
            relu_backward_f64(n, bd.buf, ba.buf);
        else
            relu_backward_f32(n, bd.buf, ba.buf);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&bd);
    PyBuffer_Release(&ba);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
relu_backward_colsum(PyObject *self, PyObject *args)
{
    Py_buffer bd, ba, bs;
    if (!PyArg_ParseTuple(args, "w*y*w*", &bd, &ba, &bs))
        return NULL;
    int ok = same_sizes(&bd, &ba) && bs.itemsize == bd.itemsize && bs.len > 0 &&
             bd.len % bs.len == 0;
    if (ok) {
        Py_ssize_t cols = bs.len / bs.itemsize;
        Py_ssize_t rows = bd.len / bs.len;
        Py_BEGIN_ALLOW_THREADS
        if (bd.itemsize == 8)
            relu_backward_colsum_f64(rows, cols, bd.buf, ba.buf, bs.buf);
        else
            relu_backward_colsum_f32(rows, cols, bd.buf, ba.buf, bs.buf);
        Py_END_ALLOW_THREADS
    }
    else if (!PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "relu_backward_colsum: shapes do not match");
    PyBuffer_Release(&bd);
    PyBuffer_Release(&ba);
    PyBuffer_Release(&bs);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
axpy(PyObject *self, PyObject *args)
{
    Py_buffer by, bx;
    double alpha;
    if (!PyArg_ParseTuple(args, "w*y*d", &by, &bx, &alpha))
        return NULL;
    int ok = same_sizes(&by, &bx);
    if (ok) {
        AxpyJob job = {by.len / by.itemsize, by.itemsize == 8, by.buf, bx.buf,
                       alpha};
        Py_BEGIN_ALLOW_THREADS
        if (run_parts != NULL && job.n >= SPLIT_MIN)
            run_parts(axpy_part, &job);
        else
            axpy_part(&job, -1);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&by);
    PyBuffer_Release(&bx);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
softmax_shift(PyObject *self, PyObject *args)
{
    Py_buffer bz, bo, bs;
    Py_ssize_t cols;
    if (!PyArg_ParseTuple(args, "y*w*w*n", &bz, &bo, &bs, &cols))
        return NULL;
    Py_ssize_t rows = bs.len / bs.itemsize;
    int ok = same_sizes(&bz, &bo) && bs.itemsize == bz.itemsize && rows > 0 &&
             cols > 0 && bz.len == rows * cols * bz.itemsize;
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        if (bz.itemsize == 8)
            softmax_shift_f64(rows, cols, bz.buf, bo.buf, bs.buf);
        else
            softmax_shift_f32(rows, cols, bz.buf, bo.buf, bs.buf);
        Py_END_ALLOW_THREADS
    }
    else if (!PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "softmax_shift: shapes do not match");
    PyBuffer_Release(&bz);
    PyBuffer_Release(&bo);
    PyBuffer_Release(&bs);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
softmax_finish(PyObject *self, PyObject *args)
{
    Py_buffer bp, by, bz, bd, bt, bzy;
    PyObject *scale_obj;
    Py_ssize_t cols;
    if (!PyArg_ParseTuple(args, "w*y*y*w*Ow*w*n", &bp, &by, &bz, &bd, &scale_obj,
                          &bt, &bzy, &cols))
        return NULL;
    int scaled = scale_obj != Py_None;
    double scale = scaled ? PyFloat_AsDouble(scale_obj) : 1.0;
    Py_ssize_t rows = bt.len / bt.itemsize;
    int ok = !(scaled && scale == -1.0 && PyErr_Occurred()) &&
             same_sizes(&bp, &by) && same_sizes(&bp, &bz) &&
             same_sizes(&bp, &bd) && same_sizes(&bt, &bzy) &&
             bt.itemsize == bp.itemsize && rows > 0 && cols > 0 &&
             bp.len == rows * cols * bp.itemsize;
    if (ok) {
        Py_BEGIN_ALLOW_THREADS
        if (bp.itemsize == 8)
            softmax_finish_f64(rows, cols, bp.buf, by.buf, bz.buf, bd.buf, scale,
                               scaled, bt.buf, bzy.buf);
        else
            softmax_finish_f32(rows, cols, bp.buf, by.buf, bz.buf, bd.buf,
                               (float)scale, scaled, bt.buf, bzy.buf);
        Py_END_ALLOW_THREADS
    }
    else if (!PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "softmax_finish: shapes do not match");
    PyBuffer_Release(&bp);
    PyBuffer_Release(&by);
    PyBuffer_Release(&bz);
    PyBuffer_Release(&bd);
    PyBuffer_Release(&bt);
    PyBuffer_Release(&bzy);
    if (!ok)
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"adam_update", adam_update, METH_VARARGS,
     "adam_update(params, grad, m, v, vmax, 1-b1, 1-b2, b2, "
     "1/sqrt(1-b2^t), eps, lr/(1-b1^t)): one Adam step in place."},
    {"bias_relu", bias_relu, METH_VARARGS,
     "bias_relu(z, b): z = max(z + b, 0) in place, row-wise bias."},
    {"relu_backward", relu_backward, METH_VARARGS,
     "relu_backward(delta, a): delta *= (a > 0) in place."},
    {"relu_backward_colsum", relu_backward_colsum, METH_VARARGS,
     "relu_backward_colsum(delta, a, colsum): delta *= (a > 0) in place and "
     "colsum = delta.sum(axis=0), summed row after row."},
    {"softmax_shift", softmax_shift, METH_VARARGS,
     "softmax_shift(z, out, shift, cols): shift = row maxima of z, "
     "out = z - shift."},
    {"softmax_finish", softmax_finish, METH_VARARGS,
     "softmax_finish(p, y, z, delta, scale, total, zy, cols): from "
     "p = exp(z - max), "
     "total = row sums of p, p /= total, delta = (p - y) * scale (scale None: "
     "unscaled) and zy = row sums of y * z, sums left to right."},
    {"axpy", axpy, METH_VARARGS, "axpy(y, x, alpha): y += alpha * x in place."},
    {"take_rows", take_rows, METH_VARARGS,
     "take_rows(src, rows, dst, row_bytes): dst[i] = src[rows[i]] for "
     "C-contiguous rows of row_bytes bytes; indices are checked."},
    {"set_runner", set_runner, METH_O,
     "set_runner(capsule): run long Adam steps, axpy and take_rows on the "
     "two threads of skoptim._data_parallel (its run_parts capsule)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernels",
    "Fused element-wise kernels of the training loop (optional; see _fused.py).",
    -1, methods,
};

PyMODINIT_FUNC
PyInit__kernels(void)
{
    return PyModule_Create(&module);
}
