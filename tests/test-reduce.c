/*
 * Reductions (reduce.c) against independent truths:
 *
 *   - public facts: a bf16 sum of 10,000 ones is 256 (ml_dtypes' README),
 *     and the hand-derived fp16 stall at 2048 (fp16's spacing at 2048 is
 *     2, so 2048 + 1 is a tie that rounds to the even 2048);
 *   - the machine's own float, double (and _Float16 where the compiler
 *     has it) running the same algorithms written out here: sequential,
 *     NumPy's pairwise kernel, Kahan; dot, norm2, mean; each operation
 *     rounded to the machine type (x86-64 SSE, no contraction: GCC in
 *     ISO C mode does not fuse; _Float16 operations are done in float
 *     and rounded back at each statement, which with one operation a
 *     statement is the correctly rounded half result, float having more
 *     than 2 * 11 + 2 bits);
 *   - exact rationals (GMP mpq) for the exact sum, dot and mean, and the
 *     classical error bounds of recursive, pairwise and compensated
 *     summation (Higham, Accuracy and Stability of Numerical
 *     Algorithms, 2nd ed., sections 4.2 and 4.3) against them;
 *   - MPFR's correctly rounded exp and log for the softmax and
 *     logsumexp sequences;
 *   - hand-derived codes (written out below) for the small cases.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/reduce.h"
#include "fpviz/rng.h"
#include "formats.h"
#include "tap.h"

static struct fpv_ctx ctx;

/* The format called name in ctx's registry. */
static const struct fpv_format *
fmt(const char *name)
{
	int i = fpv_ctx_find(&ctx, name, strlen(name));

	if (i < 0)
		abort();
	return fpv_ctx_format(&ctx, i);
}

static uint64_t
f32_code(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float
f32_val(uint64_t b)
{
	uint32_t u = (uint32_t)b;
	float f;

	memcpy(&f, &u, 4);
	return f;
}

static uint64_t
f64_code(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

static double
f64_val(uint64_t b)
{
	double d;

	memcpy(&d, &b, 8);
	return d;
}

/* Reduce x[0..n) (and y) of format F with accumulator A and order. */
static struct fpv_reduce_result
reduce(enum fpv_reduce_op op, const char *F, const char *A,
    enum fpv_order order, const uint64_t *x, const uint64_t *y, size_t n)
{
	struct fpv_reduce_args a = {
		.elem = fmt(F), .acc = A ? fmt(A) : NULL, .order = order,
		.x = x, .y = y, .n = n, .ny = n
	};
	struct fpv_reduce_result r;
	const char *why;

	if (fpv_reduce(&ctx, op, &a, &r, &why) != 0) {
		diag("reduce: %s", why);
		memset(&r, 0xff, sizeof r);
	}
	return r;
}

/* fpv_reduce(op, a) must fail with the message msg. */
static void
expect_error(enum fpv_reduce_op op, const struct fpv_reduce_args *a,
    const char *msg)
{
	struct fpv_reduce_result r;
	const char *why = NULL;
	int rc = fpv_reduce(&ctx, op, a, &r, &why);

	ok(rc == -1 && why != NULL && strcmp(why, msg) == 0, "%s: error: %s",
	    fpv_reduce_names[op], why != NULL ? why : "(none)");
}

/* n copies of code b. */
static uint64_t *
fill(size_t n, uint64_t b)
{
	uint64_t *x = malloc(n * sizeof *x);

	for (size_t i = 0; i < n; i++)
		x[i] = b;
	return x;
}

/* ---- Public and hand-derived facts ------------------------------------ */

static void
test_ones(void)
{
	uint64_t *bf = fill(10000, 0x3f80);	/* bf16 1.0 */
	uint64_t *h = fill(10000, 0x3c00);	/* fp16 1.0 */
	uint64_t *f = fill(10000, 0x3f800000);	/* fp32 1.0 */
	uint64_t *h70k = fill(70000, 0x3c00);
	struct fpv_reduce_result r;

	r = reduce(FPV_REDUCE_SUM, "bf16", NULL, FPV_ORDER_SEQUENTIAL, bf,
	    NULL, 10000);
	ok(r.bits == 0x4380, "bf16: the sum of 10000 ones is 256 (0x4380), "
	    "as ml_dtypes' README shows");
	ok(r.nabsorbed == 10000 - 256, "bf16: 9744 of the additions were "
	    "absorbed (%zu)", r.nabsorbed);
	r = reduce(FPV_REDUCE_SUM, "fp32", NULL, FPV_ORDER_SEQUENTIAL, f,
	    NULL, 10000);
	ok(r.bits == 0x461c4000 && r.nabsorbed == 0,
	    "fp32: the sum of 10000 ones is 10000 (0x461c4000)");
	r = reduce(FPV_REDUCE_SUM, "fp16", NULL, FPV_ORDER_SEQUENTIAL, h,
	    NULL, 10000);
	ok(r.bits == 0x6800 && (r.flags & FPV_FLAG_ABSORBED) &&
	    (r.flags & FPV_FLAG_INEXACT),
	    "fp16: the sum stalls at 2048 (0x6800): 2048 + 1 ties to even");
	r = reduce(FPV_REDUCE_SUM, "fp16", "fp32", FPV_ORDER_SEQUENTIAL, h,
	    NULL, 10000);
	ok(r.acc == 0x461c4000 && r.bits == 0x70e2 &&
	    !(r.flags & FPV_FLAG_INEXACT),
	    "fp16 elements, fp32 accumulator: 10000, exact in fp16 (0x70e2)");
	/* 10000 = 10011100010000b: bf16's 8 bits keep 10011100 * 2^6 =
	 * 9984, the rest (16) is below half (32). */
	r = reduce(FPV_REDUCE_SUM, "bf16", "fp32", FPV_ORDER_SEQUENTIAL, bf,
	    NULL, 10000);
	ok(r.acc == 0x461c4000 && r.bits == 0x461c,
	    "bf16 elements, fp32 accumulator: 10000, rounded back to 9984");
	r = reduce(FPV_REDUCE_SUM, "fp16", NULL, FPV_ORDER_KAHAN, h, NULL,
	    10000);
	ok(r.bits == 0x70e2, "fp16 with Kahan's compensation: 10000");
	r = reduce(FPV_REDUCE_SUM, "fp16", NULL, FPV_ORDER_PAIRWISE, h,
	    NULL, 10000);
	ok(r.bits == 0x70e2, "fp16 pairwise: 10000 (every partial sum is "
	    "exact)");
	/* mean: the sum divided by the exact n, once.  5/3 = 1.1010101010|
	 * 1010...b: fp16 rounds up to 1 + 683/1024 (0x3eab).  2048 / 70000
	 * = 1.8724571... * 2^-6: fraction 893.396/1024, down to 893
	 * (0x277d); 70000 itself is beyond fp16. */
	{
		uint64_t v[3] = { 0x3c00, 0x4000, 0x4000 };

		r = reduce(FPV_REDUCE_MEAN, "fp16", NULL,
		    FPV_ORDER_SEQUENTIAL, v, NULL, 3);
		ok(r.bits == 0x3eab && r.sum == 0x4500 &&
		    (r.final_flags & FPV_FLAG_INEXACT),
		    "fp16 mean of 1, 2, 2: 5/3 rounded once, 0x3eab");
	}
	r = reduce(FPV_REDUCE_MEAN, "fp16", NULL, FPV_ORDER_SEQUENTIAL, h70k,
	    NULL, 70000);
	ok(r.bits == 0x277d && !(r.flags & FPV_FLAG_OVERFLOW),
	    "fp16 mean of 70000 ones: 2048 / 70000 = 0x277d (n is not "
	    "rounded into fp16)");
	r = reduce(FPV_REDUCE_MEAN, "fp16", "fp32", FPV_ORDER_SEQUENTIAL,
	    h70k, NULL, 70000);
	ok(r.bits == 0x3c00 && r.flags == 0,
	    "fp16 mean of 70000 ones in an fp32 accumulator: 1, exactly");
	free(bf);
	free(h);
	free(f);
	free(h70k);
}

/* ---- Against the machine ---------------------------------------------- */

/* NumPy's pairwise_sum on machine type T (a run of fewer than 8 starts
 * from its first term, as fpviz documents). */
#define PAIRWISE(T, NAME)						\
static T								\
NAME(const T *a, size_t n)						\
{									\
	if (n < 8) {							\
		T res = a[0];						\
		for (size_t i = 1; i < n; i++)				\
			res = res + a[i];				\
		return res;						\
	} else if (n <= 128) {						\
		T r[8], res;						\
		size_t i;						\
		for (int j = 0; j < 8; j++)				\
			r[j] = a[j];					\
		for (i = 8; i < n - (n % 8); i += 8)			\
			for (int j = 0; j < 8; j++)			\
				r[j] = r[j] + a[i + j];			\
		/* one operation a statement: _Float16 keeps	\
		 * float precision within an expression */	\
		T s01 = r[0] + r[1], s23 = r[2] + r[3];		\
		T s45 = r[4] + r[5], s67 = r[6] + r[7];		\
		T s03 = s01 + s23, s47 = s45 + s67;			\
		res = s03 + s47;					\
		for (; i < n; i++)					\
			res = res + a[i];				\
		return res;						\
	} else {							\
		size_t n2 = n / 2;					\
		T p, q;							\
		n2 -= n2 % 8;						\
		p = NAME(a, n2);					\
		q = NAME(a + n2, n - n2);				\
		return p + q;						\
	}								\
}

/* Sequential and Kahan on machine type T; *absorbed counts acc + t ==
 * acc with t != 0. */
#define SEQ_KAHAN(T, SEQ, KAHAN)					\
static T								\
SEQ(const T *a, size_t n, size_t *absorbed)				\
{									\
	T acc = a[0];							\
	*absorbed = 0;							\
	for (size_t i = 1; i < n; i++) {				\
		T s = acc + a[i];					\
		*absorbed += s == acc && a[i] != 0;			\
		acc = s;						\
	}								\
	return acc;							\
}									\
static T								\
KAHAN(const T *a, size_t n)						\
{									\
	T sum = a[0], c = 0;						\
	for (size_t i = 1; i < n; i++) {				\
		T y = a[i] - c;						\
		T t = sum + y;						\
		T d = t - sum;						\
		c = d - y;						\
		sum = t;						\
	}								\
	return sum;							\
}

PAIRWISE(float, pw_float)
PAIRWISE(double, pw_double)
SEQ_KAHAN(float, seq_float, kahan_float)
SEQ_KAHAN(double, seq_double, kahan_double)
#ifdef HAVE_FLOAT16
PAIRWISE(_Float16, pw_half)
SEQ_KAHAN(_Float16, seq_half, kahan_half)
#endif

/* Test data: normals of varied scale, so that sums lose bits. */
static void
data(double *v, size_t n, uint64_t seed)
{
	struct fpv_rng r;

	fpv_randn(v, n, seed);
	fpv_rng_seed(&r, seed + 1);
	for (size_t i = 0; i < n; i++)
		v[i] = ldexp(v[i], (int)(fpv_rng_next(&r) % 24) - 12);
}

static void
test_machine_fp32_fp64(void)
{
	static const size_t sizes[] = { 1, 2, 7, 8, 9, 100, 128, 129, 1000,
	    4099, 20000 };
	int good[6] = { 1, 1, 1, 1, 1, 1 };

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k], ab;
		double *d = malloc(n * sizeof *d);
		float *f = malloc(n * sizeof *f);
		uint64_t *cf = malloc(n * sizeof *cf), *cd = malloc(n * 8);
		struct fpv_reduce_result r;

		data(d, n, 100 + k);
		for (size_t i = 0; i < n; i++) {
			f[i] = (float)d[i];
			cf[i] = f32_code(f[i]);
			cd[i] = f64_code(d[i]);
		}
		r = reduce(FPV_REDUCE_SUM, "fp32", NULL, FPV_ORDER_SEQUENTIAL,
		    cf, NULL, n);
		if (r.bits != f32_code(seq_float(f, n, &ab)) ||
		    r.nabsorbed != ab)
			good[0] = 0;
		r = reduce(FPV_REDUCE_SUM, "fp32", NULL, FPV_ORDER_PAIRWISE,
		    cf, NULL, n);
		good[1] &= r.bits == f32_code(pw_float(f, n));
		r = reduce(FPV_REDUCE_SUM, "fp32", NULL, FPV_ORDER_KAHAN, cf,
		    NULL, n);
		good[2] &= r.bits == f32_code(kahan_float(f, n));
		r = reduce(FPV_REDUCE_SUM, "fp64", NULL, FPV_ORDER_SEQUENTIAL,
		    cd, NULL, n);
		if (r.bits != f64_code(seq_double(d, n, &ab)) ||
		    r.nabsorbed != ab)
			good[3] = 0;
		r = reduce(FPV_REDUCE_SUM, "fp64", NULL, FPV_ORDER_PAIRWISE,
		    cd, NULL, n);
		good[4] &= r.bits == f64_code(pw_double(d, n));
		r = reduce(FPV_REDUCE_SUM, "fp64", NULL, FPV_ORDER_KAHAN, cd,
		    NULL, n);
		good[5] &= r.bits == f64_code(kahan_double(d, n));
		free(d);
		free(f);
		free(cf);
		free(cd);
	}
	ok(good[0], "fp32 sequential sums (and absorbed counts) are the "
	    "machine's float loop");
	ok(good[1], "fp32 pairwise sums are NumPy's kernel in float");
	ok(good[2], "fp32 Kahan sums are Kahan's loop in float");
	ok(good[3], "fp64 sequential sums (and absorbed counts) are the "
	    "machine's double loop");
	ok(good[4], "fp64 pairwise sums are NumPy's kernel in double");
	ok(good[5], "fp64 Kahan sums are Kahan's loop in double");
}

/* Mixed formats, dot, norm2, mean against the machine. */
static void
test_machine_mixed(void)
{
	enum { N = 3001 };
	double *d = malloc(N * sizeof *d), *e = malloc(N * sizeof *e);
	float *f = malloc(N * sizeof *f), *g = malloc(N * sizeof *g);
	uint64_t *cf = malloc(N * 8), *cg = malloc(N * 8), *cd = malloc(N * 8),
	    *ce = malloc(N * 8);
	struct fpv_reduce_result r;
	size_t ab;

	data(d, N, 7);
	data(e, N, 8);
	for (size_t i = 0; i < N; i++) {
		f[i] = (float)d[i];
		g[i] = (float)e[i];
		cf[i] = f32_code(f[i]);
		cg[i] = f32_code(g[i]);
		cd[i] = f64_code(d[i]);
		ce[i] = f64_code(e[i]);
	}
	{
		double acc = f[0];

		for (size_t i = 1; i < N; i++)
			acc = acc + (double)f[i];
		r = reduce(FPV_REDUCE_SUM, "fp32", "fp64",
		    FPV_ORDER_SEQUENTIAL, cf, NULL, N);
		ok(r.acc == f64_code(acc) && r.bits == f32_code((float)acc),
		    "fp32 elements in an fp64 accumulator: the double loop, "
		    "rounded back to float");
	}
	{
		float acc = (float)d[0];

		for (size_t i = 1; i < N; i++)
			acc = acc + (float)d[i];
		r = reduce(FPV_REDUCE_SUM, "fp64", "fp32",
		    FPV_ORDER_SEQUENTIAL, cd, NULL, N);
		ok(r.acc == f32_code(acc) && r.bits == f64_code(acc),
		    "fp64 elements in an fp32 accumulator: each rounded to "
		    "float first");
	}
	{
		float acc = f[0] * g[0];

		for (size_t i = 1; i < N; i++) {
			float p = f[i] * g[i];

			acc = acc + p;
		}
		r = reduce(FPV_REDUCE_DOT, "fp32", NULL, FPV_ORDER_SEQUENTIAL,
		    cf, cg, N);
		ok(r.bits == f32_code(acc), "fp32 dot: each product rounded "
		    "to float, then added");
	}
	{
		double *p = malloc(N * sizeof *p);

		for (size_t i = 0; i < N; i++)
			p[i] = d[i] * e[i];
		r = reduce(FPV_REDUCE_DOT, "fp64", NULL, FPV_ORDER_PAIRWISE,
		    cd, ce, N);
		ok(r.bits == f64_code(pw_double(p, N)),
		    "fp64 pairwise dot: NumPy's kernel over the rounded "
		    "products");
		r = reduce(FPV_REDUCE_DOT, "fp64", NULL, FPV_ORDER_KAHAN, cd,
		    ce, N);
		ok(r.bits == f64_code(kahan_double(p, N)),
		    "fp64 Kahan dot: Kahan's loop over the rounded products");
		for (size_t i = 0; i < N; i++)
			p[i] = d[i] * d[i];
		r = reduce(FPV_REDUCE_NORM2, "fp64", NULL,
		    FPV_ORDER_SEQUENTIAL, cd, NULL, N);
		ok(r.bits == f64_code(sqrt(seq_double(p, N, &ab))) &&
		    r.sum == f64_code(seq_double(p, N, &ab)),
		    "fp64 norm2: sqrt of the sum of the rounded squares");
		free(p);
	}
	{
		float s = seq_float(f, N, &ab);

		r = reduce(FPV_REDUCE_MEAN, "fp32", NULL,
		    FPV_ORDER_SEQUENTIAL, cf, NULL, N);
		ok(r.bits == f32_code(s / (float)N),
		    "fp32 mean: the float sum divided by n (exact in float)");
		r = reduce(FPV_REDUCE_MEAN, "fp64", NULL, FPV_ORDER_KAHAN, cd,
		    NULL, N);
		ok(r.bits == f64_code(kahan_double(d, N) / (double)N),
		    "fp64 Kahan mean: Kahan's sum divided by n");
	}
	{
		float mx = f[0], mn = f[0];

		for (size_t i = 1; i < N; i++) {
			mx = f[i] > mx ? f[i] : mx;
			mn = f[i] < mn ? f[i] : mn;
		}
		r = reduce(FPV_REDUCE_MAX, "fp32", NULL, FPV_ORDER_SEQUENTIAL,
		    cf, NULL, N);
		ok(r.bits == f32_code(mx) && r.flags == 0, "fp32 max");
		r = reduce(FPV_REDUCE_MIN, "fp32", NULL, FPV_ORDER_PAIRWISE,
		    cf, NULL, N);
		ok(r.bits == f32_code(mn) && r.flags == 0, "fp32 min");
		/* In an fp16 accumulator: the max converted to fp16 (the
		 * conversion is monotone) and back. */
		r = reduce(FPV_REDUCE_MAX, "fp32", "fp16",
		    FPV_ORDER_SEQUENTIAL, cf, NULL, N);
#ifdef HAVE_FLOAT16
		ok(r.bits == f32_code((float)(_Float16)mx),
		    "fp32 max in an fp16 accumulator: the max rounded to fp16");
#endif
	}
	free(d);
	free(e);
	free(f);
	free(g);
	free(cf);
	free(cg);
	free(cd);
	free(ce);
}

#ifdef HAVE_FLOAT16
static uint64_t
f16_code(_Float16 h)
{
	uint16_t u;

	memcpy(&u, &h, 2);
	return u;
}

/* fp16 elements: the three orders in _Float16, and in float. */
static void
test_machine_fp16(void)
{
	static const size_t sizes[] = { 1, 5, 8, 64, 129, 1000, 5000 };
	int good[4] = { 1, 1, 1, 1 };

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k], ab;
		double *d = malloc(n * sizeof *d);
		_Float16 *h = malloc(n * sizeof *h);
		float *f = malloc(n * sizeof *f);
		uint64_t *c = malloc(n * 8);
		struct fpv_reduce_result r;

		fpv_randn(d, n, 40 + k);
		for (size_t i = 0; i < n; i++) {
			h[i] = (_Float16)(d[i] * 4);
			f[i] = (float)h[i];
			c[i] = f16_code(h[i]);
		}
		r = reduce(FPV_REDUCE_SUM, "fp16", NULL, FPV_ORDER_SEQUENTIAL,
		    c, NULL, n);
		if (r.bits != f16_code(seq_half(h, n, &ab)) ||
		    r.nabsorbed != ab)
			good[0] = 0;
		r = reduce(FPV_REDUCE_SUM, "fp16", NULL, FPV_ORDER_PAIRWISE,
		    c, NULL, n);
		good[1] &= r.bits == f16_code(pw_half(h, n));
		r = reduce(FPV_REDUCE_SUM, "fp16", NULL, FPV_ORDER_KAHAN, c,
		    NULL, n);
		good[2] &= r.bits == f16_code(kahan_half(h, n));
		r = reduce(FPV_REDUCE_SUM, "fp16", "fp32", FPV_ORDER_PAIRWISE,
		    c, NULL, n);
		good[3] &= r.acc == f32_code(pw_float(f, n)) &&
		    r.bits == f16_code((_Float16)pw_float(f, n));
		free(d);
		free(h);
		free(f);
		free(c);
	}
	ok(good[0], "fp16 sequential sums (and absorbed counts) are the "
	    "_Float16 loop");
	ok(good[1], "fp16 pairwise sums are NumPy's kernel in _Float16");
	ok(good[2], "fp16 Kahan sums are Kahan's loop in _Float16");
	ok(good[3], "fp16 elements in an fp32 pairwise accumulator: the "
	    "float kernel, rounded back to _Float16");
}
#endif

/* ---- Exact rationals --------------------------------------------------- */

/* The exact value of a double as a rational. */
static void
q_of(mpq_ptr q, double d)
{
	mpq_set_d(q, d);
}

static void
test_exact(void)
{
	enum { N = 10000 };
	double *d = malloc(N * sizeof *d), *e = malloc(N * sizeof *e);
	uint64_t *cd = malloc(N * 8);
	mpfr_t *xv = malloc(N * sizeof *xv), *yv = malloc(N * sizeof *yv),
	    out, tmp;
	mpfr_srcptr *xp = malloc(N * sizeof *xp), *yp = malloc(N * sizeof *yp);
	mpq_t S, D, A, t, u, err;
	struct fpv_reduce_result r;
	const char *why;
	int rc;
	double u64 = 0x1p-53;

	data(d, N, 3);
	data(e, N, 4);
	/* Cancellation: the running sums are far smaller than the terms. */
	for (size_t i = 0; i < N; i += 2)
		d[i + 1] = -d[i] * (1 + 0x1p-30 * (double)(i % 7));
	mpq_inits(S, D, A, t, u, err, (mpq_ptr)0);
	for (size_t i = 0; i < N; i++) {
		cd[i] = f64_code(d[i]);
		mpfr_init2(xv[i], 53);
		mpfr_init2(yv[i], 53);
		mpfr_set_d(xv[i], d[i], MPFR_RNDN);
		mpfr_set_d(yv[i], e[i], MPFR_RNDN);
		xp[i] = xv[i];
		yp[i] = yv[i];
		q_of(t, d[i]);
		mpq_add(S, S, t);
		mpq_abs(t, t);
		mpq_add(A, A, t);		/* sum of |x| */
		q_of(t, d[i]);
		q_of(u, e[i]);
		mpq_mul(t, t, u);
		mpq_add(D, D, t);
	}
	mpfr_init2(out, 64);
	mpfr_init2(tmp, 64);
	rc = fpv_reduce_exact(FPV_REDUCE_SUM, xp, NULL, N, out, &why);
	mpq_set_ui(t, 0, 1);
	mpfr_get_q(t, out);
	ok(rc == 0 && mpq_equal(t, S),
	    "exact sum of 10^4 doubles: the GMP rational, exactly");
	rc = fpv_reduce_exact(FPV_REDUCE_DOT, xp, yp, N, out, &why);
	mpfr_get_q(t, out);
	ok(rc == 0 && mpq_equal(t, D), "exact dot: the GMP rational");
	rc = fpv_reduce_exact(FPV_REDUCE_MEAN, xp, NULL, N, out, &why);
	{
		mpfr_t w;

		mpq_set(t, S);
		mpz_mul_ui(mpq_denref(t), mpq_denref(t), N);
		mpq_canonicalize(t);
		mpfr_init2(w, mpfr_get_prec(out));
		mpfr_set_q(w, t, MPFR_RNDN);
		ok(rc == 1 && mpfr_equal_p(w, out) && mpfr_get_prec(out) >=
		    FPV_EXACT_PREC,
		    "exact mean: sum / n correctly rounded at %ld bits",
		    (long)mpfr_get_prec(out));
		mpfr_clear(w);
	}
	/* The fp64 reductions against the exact sum: Higham's bounds.
	 * recursive: |E| <= gamma(n-1) sum|x|; a summation tree: |E| <=
	 * gamma(h) sum|x| with h the most additions any term goes through:
	 * NumPy's kernel over 10^4 terms, at most 15 in a partial sum, 3
	 * combining them, 7 for the rest of a block and 8 levels of halving
	 * (10^4 / 2^7 < 128); Kahan: |E| <= (2u + O(n u^2)) sum|x|, taken
	 * as (2u + 2 n u^2). */
	{
		static const struct {
			enum fpv_order order;
			double k;	/* the bound's multiple of u */
		} orders[] = {
			{ FPV_ORDER_SEQUENTIAL, N - 1 },
			{ FPV_ORDER_PAIRWISE, 15 + 3 + 7 + 8 },
			{ FPV_ORDER_KAHAN, 2 + 2 * N * 0x1p-53 },
		};
		double errs[3];

		for (int o = 0; o < 3; o++) {
			double k = orders[o].k, bound;

			r = reduce(FPV_REDUCE_SUM, "fp64", NULL, orders[o].order,
			    cd, NULL, N);
			q_of(t, f64_val(r.bits));
			mpq_sub(err, t, S);
			mpq_abs(err, err);
			/* gamma(k) = k u / (1 - k u) */
			bound = k * u64 / (1 - k * u64) * mpq_get_d(A);
			errs[o] = mpq_get_d(err);
			diag("%s: error %.3e, bound %.3e (sum|x| %.3e, sum "
			    "%.3e)", fpv_order_names[orders[o].order],
			    errs[o], bound, mpq_get_d(A), mpq_get_d(S));
			ok(errs[o] <= bound, "fp64 %s sum within Higham's "
			    "bound of the exact sum",
			    fpv_order_names[orders[o].order]);
		}
		ok(errs[2] <= errs[0], "Kahan's error is no larger than the "
		    "sequential one here");
	}
	/* Step exactness: the lost parts of the recorded steps add up to
	 * the total error: sum(exact - r) = exact sum - result. */
	{
		size_t ns = fpv_reduce_nsteps(FPV_REDUCE_SUM,
		    FPV_ORDER_SEQUENTIAL, N);
		struct fpv_reduce_step *st = malloc(ns * sizeof *st);
		struct fpv_reduce_args a = { .elem = fmt("fp64"),
		    .order = FPV_ORDER_SEQUENTIAL, .x = cd, .n = N,
		    .steps = st, .max_steps = ns };

		fpv_reduce(&ctx, FPV_REDUCE_SUM, &a, &r, &why);
		mpq_set_ui(err, 0, 1);
		for (size_t i = 0; i < ns; i++) {
			fpv_reduce_step_exact(&ctx, fmt("fp64"), &st[i], out);
			mpfr_get_q(t, out);
			q_of(u, f64_val(st[i].r));
			mpq_sub(t, t, u);
			mpq_add(err, err, t);
		}
		q_of(t, f64_val(r.bits));
		mpq_sub(t, S, t);
		ok(mpq_equal(err, t), "the steps' losses (exact a + b minus "
		    "r) add up to the sum's error, exactly");
		free(st);
	}
	for (size_t i = 0; i < N; i++) {
		mpfr_clear(xv[i]);
		mpfr_clear(yv[i]);
	}
	mpfr_clear(out);
	mpfr_clear(tmp);
	mpq_clears(S, D, A, t, u, err, (mpq_ptr)0);
	free(xv);
	free(yv);
	free(xp);
	free(yp);
	free(d);
	free(e);
	free(cd);
}

/* max and min of exact values; norm2 exact. */
static void
test_exact_small(void)
{
	mpfr_t v[4], out;
	mpfr_srcptr p[4];
	const char *why = NULL;
	int rc;

	for (int i = 0; i < 4; i++) {
		mpfr_init2(v[i], 53);
		p[i] = v[i];
	}
	mpfr_init2(out, 53);
	mpfr_set_d(v[0], -0.0, MPFR_RNDN);
	mpfr_set_d(v[1], 0.0, MPFR_RNDN);
	mpfr_set_d(v[2], -3.0, MPFR_RNDN);
	mpfr_set_d(v[3], 4.0, MPFR_RNDN);
	fpv_reduce_exact(FPV_REDUCE_MAX, p, NULL, 3, out, &why);
	ok(mpfr_zero_p(out) && !mpfr_signbit(out), "exact max of -0, +0, "
	    "-3 is +0");
	fpv_reduce_exact(FPV_REDUCE_MIN, p, NULL, 2, out, &why);
	ok(mpfr_zero_p(out) && mpfr_signbit(out), "exact min of -0, +0 is "
	    "-0");
	rc = fpv_reduce_exact(FPV_REDUCE_NORM2, p + 2, NULL, 2, out, &why);
	ok(rc == 0 && mpfr_cmp_ui(out, 5) == 0, "exact norm2 of -3, 4 is 5");
	mpfr_set_nan(v[1]);
	fpv_reduce_exact(FPV_REDUCE_MAX, p, NULL, 4, out, &why);
	ok(mpfr_nan_p(out), "exact max with a NaN is NaN");
	rc = fpv_reduce_exact(FPV_REDUCE_MEAN, p, NULL, 0, out, &why);
	ok(rc == -1 && strcmp(why, "mean of an empty vector") == 0,
	    "exact mean of nothing: %s", why);
	rc = fpv_reduce_exact(FPV_REDUCE_SUM, p, NULL, 0, out, &why);
	ok(rc == 0 && mpfr_zero_p(out) && !mpfr_signbit(out),
	    "exact sum of nothing is +0");
	for (int i = 0; i < 4; i++)
		mpfr_clear(v[i]);
	mpfr_clear(out);
}

/* ---- Special values, grids, errors ---------------------------------- */

static void
test_special(void)
{
	struct fpv_reduce_result r;
	struct fpv_reduce_args a;
	const char *why;

	{
		uint64_t z[2] = { 0x8000, 0x0000 };	/* fp16 -0, +0 */
		uint64_t w[2] = { 0x0000, 0x8000 };

		r = reduce(FPV_REDUCE_MAX, "fp16", NULL, FPV_ORDER_SEQUENTIAL,
		    z, NULL, 2);
		ok(r.bits == 0x0000, "max(-0, +0) is +0");
		r = reduce(FPV_REDUCE_MIN, "fp16", NULL, FPV_ORDER_SEQUENTIAL,
		    w, NULL, 2);
		ok(r.bits == 0x8000, "min(+0, -0) is -0");
	}
	{
		/* 1, NaN, 3 / 1, inf, -inf */
		uint64_t v[3] = { 0x3c00, 0x7e00, 0x4200 };
		uint64_t s[3] = { 0x3c00, 0x7d00, 0x4200 };	/* sNaN */
		uint64_t i[3] = { 0x3c00, 0x7c00, 0xfc00 };

		r = reduce(FPV_REDUCE_MAX, "fp16", NULL, FPV_ORDER_SEQUENTIAL,
		    v, NULL, 3);
		ok(r.bits == 0x7e00 && r.flags == 0,
		    "max of 1, NaN, 3 is NaN (it propagates), quietly");
		r = reduce(FPV_REDUCE_MIN, "fp16", NULL, FPV_ORDER_SEQUENTIAL,
		    s, NULL, 3);
		ok(r.bits == 0x7e00 && (r.flags & FPV_FLAG_INVALID),
		    "min with a signalling NaN: the quiet NaN, invalid");
		r = reduce(FPV_REDUCE_MAX, "fp16", NULL, FPV_ORDER_SEQUENTIAL,
		    i, NULL, 3);
		ok(r.bits == 0x7c00, "max of 1, inf, -inf is inf");
		r = reduce(FPV_REDUCE_SUM, "fp16", NULL, FPV_ORDER_SEQUENTIAL,
		    i, NULL, 3);
		ok(r.bits == 0x7e00 && (r.flags & FPV_FLAG_INVALID),
		    "sum of 1, inf, -inf is NaN, invalid");
	}
	{
		/* norm2 of 300, 400: 300^2 = 90000 > 65504 overflows fp16;
		 * in fp32 it is 500. 300 = 0x5cb0, 400 = 0x5e40, 500 = 0x5fd0 */
		uint64_t v[2] = { 0x5cb0, 0x5e40 };

		r = reduce(FPV_REDUCE_NORM2, "fp16", NULL,
		    FPV_ORDER_SEQUENTIAL, v, NULL, 2);
		ok(r.bits == 0x7c00 && (r.flags & FPV_FLAG_OVERFLOW),
		    "fp16 norm2 of 300, 400 overflows (no scaling)");
		r = reduce(FPV_REDUCE_NORM2, "fp16", "fp32",
		    FPV_ORDER_SEQUENTIAL, v, NULL, 2);
		ok(r.bits == 0x5fd0 && r.acc == f32_code(500) && r.flags == 0,
		    "in an fp32 accumulator it is 500, exactly");
	}
	{
		/* int8 (scale 1): 100 twos saturate at 127; wrapping gives
		 * 200 - 256 = -56 (0xc8). */
		uint64_t *v = fill(100, 2);
		struct fpv_format *f;

		r = reduce(FPV_REDUCE_SUM, "int8", NULL, FPV_ORDER_SEQUENTIAL,
		    v, NULL, 100);
		ok(r.bits == 127 && (r.flags & FPV_FLAG_SATURATED),
		    "int8: the sum of 100 twos saturates at 127");
		r = reduce(FPV_REDUCE_SUM, "int8", "fp32",
		    FPV_ORDER_SEQUENTIAL, v, NULL, 100);
		ok(r.acc == f32_code(200) && r.bits == 127 &&
		    r.final_flags == (FPV_FLAG_SATURATED | FPV_FLAG_INEXACT),
		    "int8 elements in fp32: 200, saturated when rounded back");
		r = reduce(FPV_REDUCE_MEAN, "int8", NULL, FPV_ORDER_KAHAN, v,
		    NULL, 100);
		ok(r.bits == 1 && r.sum == 127,
		    "int8 Kahan mean: the saturated 127 / 100 rounds to 1");
		f = WFMT(&ctx, FPV_INT8);
		f->overflow = FPV_OVF_WRAP;
		fpv_format_derive(f, &why);
		r = reduce(FPV_REDUCE_SUM, "int8", NULL, FPV_ORDER_SEQUENTIAL,
		    v, NULL, 100);
		ok(r.bits == 0xc8 && (r.flags & FPV_FLAG_WRAPPED),
		    "int8 wrapping: 200 - 256 = -56");
		r = reduce(FPV_REDUCE_SUM, "int8", NULL, FPV_ORDER_PAIRWISE,
		    v, NULL, 100);
		ok(r.bits == 0xc8, "int8 wrapping, pairwise: -56 as well "
		    "(addition modulo 256 is associative)");
		f = WFMT(&ctx, FPV_INT8);
		f->overflow = FPV_OVF_SATURATE;
		fpv_format_derive(f, &why);
		free(v);
	}
	{
		/* int8 with scale 0.1: q = 3 is 0.3; mean of 0.3, 0.4 = 0.35,
		 * a tie between q = 3 and 4: to even, 4 (0.4). */
		uint64_t v[2] = { 3, 4 };

		set_int8_scale(&ctx, "0.1", &why);
		r = reduce(FPV_REDUCE_MEAN, "int8", NULL,
		    FPV_ORDER_SEQUENTIAL, v, NULL, 2);
		ok(r.bits == 4 && (r.final_flags & FPV_FLAG_INEXACT),
		    "int8 scale 0.1: mean of 0.3 and 0.4 ties to even, 0.4");
		r = reduce(FPV_REDUCE_SUM, "int8", "fp32",
		    FPV_ORDER_SEQUENTIAL, v, NULL, 2);
		ok(r.acc == f32_code(0.3f + 0.4f),
		    "int8 scale 0.1 into fp32: 0.3 and 0.4 rounded to float, "
		    "added");
		set_int8_scale(&ctx, "1", &why);
	}
	{
		/* mean of inf, 1: inf; of -0: -0; of a signalling NaN: the
		 * quiet NaN, invalid. */
		uint64_t v[2] = { 0x7c00, 0x3c00 }, z = 0x8000, sn = 0x7d00;

		r = reduce(FPV_REDUCE_MEAN, "fp16", NULL,
		    FPV_ORDER_SEQUENTIAL, v, NULL, 2);
		ok(r.bits == 0x7c00 && r.flags == 0, "mean of inf, 1 is inf");
		r = reduce(FPV_REDUCE_MEAN, "fp16", NULL,
		    FPV_ORDER_SEQUENTIAL, &z, NULL, 1);
		ok(r.bits == 0x8000 && r.flags == 0, "mean of -0 is -0");
		r = reduce(FPV_REDUCE_MEAN, "fp16", NULL,
		    FPV_ORDER_SEQUENTIAL, &sn, NULL, 1);
		ok(r.bits == 0x7e00 && r.flags == FPV_FLAG_INVALID,
		    "mean of a signalling NaN: quiet NaN, invalid");
	}
	r = reduce(FPV_REDUCE_SUM, "fp32", NULL, FPV_ORDER_SEQUENTIAL, NULL,
	    NULL, 0);
	ok(r.bits == 0 && r.flags == 0 && r.nsteps == 0,
	    "the sum of nothing is +0");
	/* Errors. */
	a = (struct fpv_reduce_args){ .elem = fmt("fp16"), .n = 0 };
	expect_error(FPV_REDUCE_MEAN, &a, "mean of an empty vector");
	expect_error(FPV_REDUCE_MAX, &a, "max of an empty vector");
	expect_error(FPV_REDUCE_MIN, &a, "min of an empty vector");
	{
		uint64_t v[3] = { 0x3c00, 0x3c00, 0x3c00 };
		struct fpv_reduce_step st[2];

		a = (struct fpv_reduce_args){ .elem = fmt("fp16"), .x = v,
		    .y = v, .n = 3, .ny = 2 };
		expect_error(FPV_REDUCE_DOT, &a, "dot: the vectors' lengths differ");
		a.acc = fmt("e8m0");
		expect_error(FPV_REDUCE_SUM, &a, "the accumulator format has no zero");
		ok(fpv_reduce(&ctx, FPV_REDUCE_MAX, &a, &r, &why) == 0 &&
		    r.acc == 127 && r.bits == 0x3c00,
		    "max in an E8M0 accumulator is fine (2^0, code 127)");
		a.acc = NULL;
		a.steps = st;
		a.max_steps = 2;
		expect_error(FPV_REDUCE_SUM, &a, "too little room for the steps");
		a.steps = NULL;
		a.order = (enum fpv_order)7;
		expect_error(FPV_REDUCE_SUM, &a, "unknown order");
	}
	ok(fpv_order_by_name("kahan", 5) == FPV_ORDER_KAHAN &&
	    fpv_order_by_name("pairwise", 8) == FPV_ORDER_PAIRWISE &&
	    fpv_order_by_name("sequential", 10) == FPV_ORDER_SEQUENTIAL &&
	    fpv_order_by_name("kaha", 4) == -1 &&
	    fpv_reduce_by_name("norm2", 5) == FPV_REDUCE_NORM2 &&
	    fpv_reduce_by_name("sum", 3) == FPV_REDUCE_SUM &&
	    fpv_reduce_by_name("prod", 4) == -1, "names of orders and "
	    "reductions");
}

/* ---- Recording --------------------------------------------------------- */

static void
test_recording(void)
{
	struct fpv_reduce_result r, r2;
	const char *why;

	{
		/* fp16 1, 2, 3: load 1; 1 + 2 = 3; 3 + 3 = 6. */
		uint64_t v[3] = { 0x3c00, 0x4000, 0x4200 };
		struct fpv_reduce_step st[3];
		struct fpv_reduce_args a = { .elem = fmt("fp16"), .x = v,
		    .n = 3, .steps = st, .max_steps = 3 };

		fpv_reduce(&ctx, FPV_REDUCE_SUM, &a, &r, &why);
		ok(r.nsteps == 3 && st[0].kind == FPV_STEP_LOAD &&
		    st[0].index == 0 && st[0].r == 0x3c00 &&
		    st[1].kind == FPV_STEP_ADD && st[1].index == 1 &&
		    st[1].a == 0x3c00 && st[1].b == 0x4000 &&
		    st[1].r == 0x4200 && st[2].a == 0x4200 &&
		    st[2].b == 0x4200 && st[2].r == 0x4600 &&
		    st[2].flags == 0 && r.bits == 0x4600,
		    "fp16 1 + 2 + 3: three steps, codes as derived");
	}
	{
		/* 3000 fp16 ones: step 2048 adds 1 to 2048, exact 2049,
		 * kept 2048: lost 1; 952 steps absorbed. */
		uint64_t *v = fill(3000, 0x3c00);
		struct fpv_reduce_step *st = malloc(3000 * sizeof *st);
		struct fpv_reduce_args a = { .elem = fmt("fp16"), .x = v,
		    .n = 3000, .steps = st, .max_steps = 3000 };
		mpfr_t ex;

		mpfr_init2(ex, 64);
		fpv_reduce(&ctx, FPV_REDUCE_SUM, &a, &r, &why);
		fpv_reduce_step_exact(&ctx, fmt("fp16"), &st[2048], ex);
		ok(st[2048].a == 0x6800 && st[2048].r == 0x6800 &&
		    (st[2048].flags & FPV_FLAG_ABSORBED) &&
		    mpfr_cmp_ui(ex, 2049) == 0 && r.nabsorbed == 952 &&
		    !(st[2047].flags & FPV_FLAG_INEXACT) &&
		    st[2047].r == 0x6800,
		    "fp16 ones: step 2048's exact 2049 was kept as 2048; 952 "
		    "additions absorbed");
		a.steps = NULL;
		fpv_reduce(&ctx, FPV_REDUCE_SUM, &a, &r2, &why);
		ok(memcmp(&r, &r2, sizeof r) == 0,
		    "recording changes nothing in the result");
		mpfr_clear(ex);
		free(st);
		free(v);
	}
	{
		/* Pairwise over 1000 fp32 terms: replay the steps in float;
		 * every element is loaded or added exactly once. */
		enum { N = 1000 };
		double d[N];
		uint64_t c[N];
		size_t ns = fpv_reduce_nsteps(FPV_REDUCE_SUM,
		    FPV_ORDER_PAIRWISE, N);
		struct fpv_reduce_step *st = malloc(ns * sizeof *st);
		struct fpv_reduce_args a = { .elem = fmt("fp32"),
		    .order = FPV_ORDER_PAIRWISE, .x = c, .n = N, .steps = st,
		    .max_steps = ns };
		int seen[N] = { 0 }, good = 1, loads = 0;

		data(d, N, 9);
		for (int i = 0; i < N; i++)
			c[i] = f32_code((float)d[i]);
		fpv_reduce(&ctx, FPV_REDUCE_SUM, &a, &r, &why);
		for (size_t i = 0; i < r.nsteps; i++) {
			float s = f32_val(st[i].a) + f32_val(st[i].b);

			if (st[i].kind == FPV_STEP_LOAD) {
				loads++;
				good &= st[i].r == st[i].b && st[i].b ==
				    c[st[i].index];
			} else {
				good &= st[i].r == f32_code(s);
			}
			if (st[i].index != FPV_STEP_NONE) {
				good &= st[i].b == c[st[i].index];
				seen[st[i].index]++;
			}
		}
		for (int i = 0; i < N; i++)
			good &= seen[i] == 1;
		ok(r.nsteps == ns && good && st[ns - 1].r == r.bits &&
		    ns == (size_t)N + (size_t)loads - 1,
		    "pairwise steps over 1000 terms replay in float (%zu "
		    "steps, %d loads)", ns, loads);
		{
			/* A window records the same steps as the whole,
			 * from its first on, and no further than its
			 * room; past the end, what is left. */
			struct fpv_reduce_step w[64];
			struct fpv_reduce_args b = a;
			bool same = true;

			memset(w, 0xa5, sizeof w);
			b.steps = w;
			b.max_steps = 50;
			b.window = true;
			b.first_step = 100;
			fpv_reduce(&ctx, FPV_REDUCE_SUM, &b, &r2, &why);
			same = memcmp(w, st + 100, 50 * sizeof *w) == 0 &&
			    w[50].a == 0xa5a5a5a5a5a5a5a5u &&
			    r2.nsteps == ns && r2.bits == r.bits;
			memset(w, 0xa5, sizeof w);
			b.first_step = ns - 10;
			fpv_reduce(&ctx, FPV_REDUCE_SUM, &b, &r2, &why);
			same &= memcmp(w, st + ns - 10, 10 * sizeof *w) == 0 &&
			    w[10].a == 0xa5a5a5a5a5a5a5a5u;
			ok(same, "a window of 50 steps from step 100, and "
			    "one over the end, record the whole's steps");
		}
		free(st);
	}
	{
		/* Kahan's compensation as Kahan's float loop computes it. */
		enum { N = 500 };
		double d[N];
		float f[N], sum, cc = 0;
		uint64_t c[N];
		struct fpv_reduce_step st[N];
		struct fpv_reduce_args a = { .elem = fmt("fp32"),
		    .order = FPV_ORDER_KAHAN, .x = c, .n = N, .steps = st,
		    .max_steps = N };
		int good = 1;

		data(d, N, 10);
		for (int i = 0; i < N; i++) {
			f[i] = (float)d[i];
			c[i] = f32_code(f[i]);
		}
		fpv_reduce(&ctx, FPV_REDUCE_SUM, &a, &r, &why);
		sum = f[0];
		for (int i = 1; i < N; i++) {
			float y = f[i] - cc, t = sum + y, dd = t - sum;

			cc = dd - y;
			good &= st[i].a == f32_code(sum) &&
			    st[i].b == f32_code(y) && st[i].r == f32_code(t) &&
			    st[i].c == f32_code(cc);
			sum = t;
		}
		ok(good && r.bits == f32_code(sum), "Kahan's steps: sum, y, "
		    "the new sum and the compensation, as in float");
	}
}

/* ---- Exact widenings -------------------------------------------------- */

/* Every code of a narrow float format converted to a wider one on the
 * encodings (the reduction's fast path) is the core's conversion. */
static void
test_widening(void)
{
	static const char *pairs[][2] = {
		{ "fp16", "fp32" }, { "fp16", "fp64" }, { "bf16", "fp32" },
		{ "fp8e4m3", "fp16" }, { "fp8e5m2", "fp16" },
		{ "fp6e2m3", "bf16" }, { "fp4e2m1", "fp16" },
	};
	struct fpv_ctx slow;

	fpv_ctx_init(&slow);
	slow.emulate_only = true;
	for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
		const struct fpv_format *F = fmt(pairs[p][0]),
		    *A = fmt(pairs[p][1]);
		uint64_t n = (uint64_t)1 << F->bits;
		int good = 1;

		for (uint64_t b = 0; b < n && good; b++) {
			struct fpv_reduce_args a = { .elem = F, .acc = A,
			    .x = &b, .n = 1 };
			struct fpv_reduce_result r1, r2;
			const char *why;
			unsigned fl = 0;
			uint64_t want = fpv_num_convert(&slow, A, F, b, &fl);

			fpv_reduce(&ctx, FPV_REDUCE_SUM, &a, &r1, &why);
			fpv_reduce(&slow, FPV_REDUCE_SUM, &a, &r2, &why);
			if (r1.acc != want || r2.acc != want ||
			    (r1.flags & FPV_FLAGS_IEEE) !=
			    (r2.flags & FPV_FLAGS_IEEE)) {
				diag("%s %#llx: %#llx, want %#llx",
				    pairs[p][0], (unsigned long long)b,
				    (unsigned long long)r1.acc,
				    (unsigned long long)want);
				good = 0;
			}
		}
		ok(good, "every %s code widened into %s is the core's "
		    "conversion", pairs[p][0], pairs[p][1]);
	}
	fpv_ctx_clear(&slow);
}

/* ---- softmax and logsumexp ------------------------------------------ */

/* RN(exp(x)) or RN(log(x)) in binary64 by MPFR. */
static double
mp_fn(int lg, double x)
{
	mpfr_t a;
	double y;

	mpfr_init2(a, 53);
	mpfr_set_d(a, x, MPFR_RNDN);
	if (lg)
		mpfr_log(a, a, MPFR_RNDN);
	else
		mpfr_exp(a, a, MPFR_RNDN);
	y = mpfr_get_d(a, MPFR_RNDN);
	mpfr_clear(a);
	return y;
}

static void
test_softmax(void)
{
	struct fpv_reduce_result r;
	const char *why;
	/* fp16 12, 1, 0 */
	uint64_t v[3] = { 0x4a00, 0x3c00, 0x0000 }, out[3];
	unsigned ef[3];
	struct fpv_reduce_args a = { .elem = fmt("fp16"), .x = v, .n = 3 };

	/* naive: exp(12) = 162754.79 > 65504 is inf; exp(1) = 2.71875
	 * (0x4170), exp(0) = 1; the sum is inf; inf/inf NaN, the rest 0. */
	fpv_softmax(&ctx, &a, true, out, ef, &r, &why);
	ok(out[0] == 0x7e00 && out[1] == 0 && out[2] == 0 &&
	    r.bits == 0x7c00 && (ef[0] & FPV_FLAG_OVERFLOW) &&
	    (ef[0] & FPV_FLAG_INVALID) && (r.flags & FPV_FLAG_OVERFLOW),
	    "fp16 softmax_naive(12, 1, 0): exp(12) overflows; NaN, 0, 0");
	/* with the max subtracted: exp(0) = 1, exp(-11) = 280.2 * 2^-24
	 * -> 280 (0x0118), exp(-12) = 103.08 * 2^-24 -> 103 (0x0067);
	 * the sum is 1 (both absorbed), so the results are the exps. */
	fpv_softmax(&ctx, &a, false, out, ef, &r, &why);
	ok(out[0] == 0x3c00 && out[1] == 0x0118 && out[2] == 0x0067 &&
	    r.bits == 0x3c00 && r.shift == 0x4a00 &&
	    !(r.flags & (FPV_FLAG_OVERFLOW | FPV_FLAG_INVALID)),
	    "fp16 softmax(12, 1, 0): 1, 0x0118, 0x0067, finite");
	/* fp64 against the same sequence with MPFR's exp and log. */
	{
		enum { N = 777 };
		double d[N], e[N], m, s = 0, lse;
		uint64_t c[N], o[N];
		struct fpv_reduce_args b = { .elem = fmt("fp64"), .x = c,
		    .n = N };
		int good = 1;

		fpv_randn(d, N, 77);
		for (int i = 0; i < N; i++) {
			d[i] *= 30;
			c[i] = f64_code(d[i]);
		}
		m = d[0];
		for (int i = 1; i < N; i++)
			m = d[i] > m ? d[i] : m;
		for (int i = 0; i < N; i++) {
			e[i] = mp_fn(0, d[i] - m);
			s = i ? s + e[i] : e[i];
		}
		fpv_softmax(&ctx, &b, false, o, NULL, &r, &why);
		for (int i = 0; i < N; i++)
			good &= o[i] == f64_code(e[i] / s);
		ok(good && r.bits == f64_code(s) && r.shift == f64_code(m),
		    "fp64 softmax: v - max, exp, the sequential sum, the "
		    "divisions, as MPFR and double give them");
		lse = m + mp_fn(1, s);
		fpv_logsumexp(&ctx, &b, &r, &why);
		ok(r.bits == f64_code(lse), "fp64 logsumexp: m + log(sum)");
		b.acc = fmt("fp32");
		b.order = FPV_ORDER_PAIRWISE;
		{
			float *ef32 = malloc(N * sizeof *ef32);

			for (int i = 0; i < N; i++)
				ef32[i] = (float)e[i];
			fpv_logsumexp(&ctx, &b, &r, &why);
			ok(r.acc == f32_code(pw_float(ef32, N)) &&
			    r.bits == f64_code(m + mp_fn(1,
			    (double)pw_float(ef32, N))),
			    "fp64 logsumexp with an fp32 pairwise sum");
			free(ef32);
		}
	}
	a.n = 0;
	why = NULL;
	ok(fpv_softmax(&ctx, &a, false, out, NULL, &r, &why) == -1 &&
	    why != NULL && strcmp(why, "softmax of an empty vector") == 0,
	    "softmax of nothing is an error");
	why = NULL;
	ok(fpv_logsumexp(&ctx, &a, &r, &why) == -1 &&
	    why != NULL && strcmp(why, "logsumexp of an empty vector") == 0,
	    "logsumexp of nothing is an error");
}

int
main(void)
{
	fpv_ctx_init(&ctx);
	test_ones();
	test_machine_fp32_fp64();
	test_machine_mixed();
#ifdef HAVE_FLOAT16
	test_machine_fp16();
#else
	diag("no _Float16: the fp16 machine comparisons are skipped");
#endif
	test_exact();
	test_exact_small();
	test_special();
	test_recording();
	test_widening();
	test_softmax();
	fpv_ctx_clear(&ctx);
	mpfr_free_cache();
	return tap_done();
}
