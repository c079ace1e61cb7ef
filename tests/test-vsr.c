/*
 * Stochastic rounding of vectors, reductions and quantizations, against
 * independent truths:
 *
 *  - the documented words: the man page's key (SplitMix64 of seed,
 *    line * 2^32 + step, FNV-1a of the format's name, stream number),
 *    written out here, decides roundings whose dropped fraction is worked
 *    out by hand: an element's (stream j), a reduction's additions, its
 *    product, its rounding back and mean's division (2^63 + 16 k +
 *    role), a quantization's element code (2^60 + j); element 0 of a
 *    vector operation rounds as the scalar operation at the same place;
 *  - the probability law: over 10^4 elements the count of upper
 *    neighbours is within 6 binomial standard deviations of 10^4 p, with
 *    p worked out by hand or with GMP rationals from machine binary32
 *    values, and every result is one of the two neighbours;
 *  - unbiased codes: for quant(int8, absmax), Q8_0 and NF4 the count of
 *    upper codes matches the fraction of x / scale between the two codes
 *    (scales: binary32 division on this machine; Q8_0's fp16 d by hand;
 *    NF4's table as bitsandbytes publishes it), and the scales are the
 *    same bits as to nearest;
 *  - expected sums: the mean over seeds of fp16 sum(fill(10000, 1e-4),
 *    fp16) is 1 within a bound derived below, while to nearest it stalls
 *    at 0.25; an int8-accumulated sum of 1000 stochastic 0.3s is 300
 *    within 6 sd in every run (shared words would give 0 or 1000);
 *  - reproducibility and independence: the same seed gives the same
 *    bits, another seed others; a column's bits do not depend on the
 *    other columns or their order; the recorded steps of a reduction
 *    (--steps, the view) end where its result is.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/command.h"
#include "fpviz/num.h"
#include "fpviz/parse.h"
#include "fpviz/quant.h"
#include "fpviz/reduce.h"
#include "fpviz/trace.h"
#include "tap.h"

#define TWO63 ((uint64_t)1 << 63)

/* ---- The documented key ---------------------------------------------- */

static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t
spread(uint64_t x, uint64_t i)
{
	return mix((x + i) * 0x9e3779b97f4a7c15u);
}

/* The man page's key: seed, position, FNV-1a of the name, stream. */
static uint64_t
doc_key(uint64_t seed, int line, int step, const char *name, uint64_t elem)
{
	uint32_t h = 2166136261u;
	uint64_t k, pos = ((uint64_t)line << 32) | (uint64_t)step;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	k = spread(seed, 1);
	k = mix(k ^ spread(pos, 2));
	k = mix(k ^ spread(h, 3));
	k = mix(k ^ spread(elem, 4));
	return k;
}

/* The man page's stream numbers. */
static uint64_t
st_reduce(uint64_t k, unsigned role)
{
	return TWO63 + 16 * k + role;
}

static uint64_t
st_code(uint64_t j)
{
	return ((uint64_t)1 << 60) + j;
}

/* ---- Sessions ---------------------------------------------------------- */

struct run {
	struct fpv_session s;
	struct fpv_trace t;
	bool ok;
};

/*
 * Evaluate the lines (NULL-terminated; line k is number k + 1) in a new
 * stochastic session with the seed and the columns cols ("fp16,fp32";
 * NULL: the defaults); the last line's trace stays in r.
 */
static void
run_lines(struct run *r, const char *const *lines, uint64_t seed,
    const char *cols, bool stochastic)
{
	struct fpv_error err;
	char buf[128], *tok, *save;

	fpv_session_init(&r->s);
	fpv_trace_init(&r->t);
	r->s.ctx.round = stochastic ? FPV_RND_STOCHASTIC : FPV_RND_NEAREST;
	r->s.ctx.seed = seed;
	if (cols != NULL) {
		r->s.ctx.ncols = 0;
		snprintf(buf, sizeof buf, "%s", cols);
		for (tok = strtok_r(buf, ",", &save); tok;
		    tok = strtok_r(NULL, ",", &save))
			r->s.ctx.cols[r->s.ctx.ncols++] =
			    (uint8_t)fpv_ctx_find(&r->s.ctx, tok, strlen(tok));
	}
	r->ok = true;
	for (int k = 0; lines[k] != NULL && r->ok; k++)
		if (fpv_eval_line(&r->s, lines[k], strlen(lines[k]), k + 1,
		    &r->t, &err) != 1) {
			diag("error: %s: %s", lines[k], err.msg);
			r->ok = false;
		}
}

static void
run_free(struct run *r)
{
	fpv_trace_free(&r->t);
	fpv_session_free(&r->s);
}

/* The column of format name in r, or -1. */
static int
col_of(const struct run *r, const char *name)
{
	for (int f = 0; f < fpv_trace_ncols(&r->t); f++)
		if (strcmp(fpv_trace_format(&r->t, f)->name, name) == 0)
			return f;
	return -1;
}

/* The result vector of r, or NULL. */
static const struct fpv_vec *
result_vec(const struct run *r)
{
	return r->ok ? fpv_trace_vec(&r->t, r->t.nsteps - 1) : NULL;
}

/* Element j of the result vector in column f. */
static uint64_t
elem(const struct fpv_vec *v, int f, size_t j)
{
	return v->bits[(size_t)f * v->n + j];
}

/* The scalar result of r in column name (~0 on error). */
static uint64_t
scalar(const struct run *r, const char *name)
{
	int f = col_of(r, name);

	if (!r->ok || f < 0 || fpv_trace_vec(&r->t, r->t.nsteps - 1) != NULL)
		return ~(uint64_t)0;
	return fpv_trace_result_cells(&r->t)[f].bits;
}

/* ---- (a) the documented words ----------------------------------------- */

static void
test_words(void)
{
	int bad = 0, ups = 0, bad0 = 0, runs = 0;

	/* Line 2 "v + 0x1p-11": steps v (0), 0x1p-11 (1), + (2).  fp16
	 * 1 + 2^-11 drops half a unit (2^-10 at 1): element j goes up to
	 * 0x3c01 iff its word, stream j, is below 2^63. */
	for (uint64_t seed = 0; seed < 20; seed++) {
		static const char *const l[] = { "v = fill(64, 1)",
		    "v + 0x1p-11", NULL };
		static const char *const ls[] = { "w = 1", "w + 0x1p-11",
		    NULL };
		struct run r, rs;
		const struct fpv_vec *v;
		int f;

		run_lines(&r, l, seed, "fp32,fp16", true);
		run_lines(&rs, ls, seed, "fp16", true);
		v = result_vec(&r);
		f = col_of(&r, "fp16");
		if (v == NULL || v->n != 64 || f < 0) {
			bad++;
		} else {
			for (size_t j = 0; j < 64; j++) {
				uint64_t want = doc_key(seed, 2, 2, "fp16", j) <
				    TWO63 ? 0x3c01 : 0x3c00;

				bad += elem(v, f, j) != want;
				ups += want == 0x3c01;
			}
			bad0 += elem(v, f, 0) != scalar(&rs, "fp16");
		}
		runs++;
		run_free(&r);
		run_free(&rs);
	}
	ok(bad == 0 && ups > 400 && ups < 880, "elementwise: element j of "
	    "fp16 v + 2^-11 goes up iff the documented key of stream j is "
	    "below 2^63 (20 seeds x 64 elements: %d failures, %d up)", bad,
	    ups);
	ok(bad0 == 0, "element 0 rounds as the scalar at the same place "
	    "(%d of %d differ)", bad0, runs);

	/* A cast of a vector, in fp32: 1 + 2^-11 (exact in fp32) into
	 * fp16 drops half a unit; back to fp32 is exact.  Line 2
	 * "fp16(v)": steps v (0), the cast (1); stream j, fp16's key. */
	bad = ups = 0;
	for (uint64_t seed = 100; seed < 110; seed++) {
		static const char *const l[] = { "v = fill(40, 0x1.002p0)",
		    "fp16(v)", NULL };
		struct run r;
		const struct fpv_vec *v;
		int f;

		run_lines(&r, l, seed, "fp32", true);
		v = result_vec(&r);
		f = col_of(&r, "fp32");
		if (v == NULL || f < 0) {
			bad++;
		} else {
			for (size_t j = 0; j < v->n; j++) {
				/* fp32: 1 + 2^-10 = 0x3f802000, 1 = 0x3f800000 */
				uint64_t want = doc_key(seed, 2, 1, "fp16", j) <
				    TWO63 ? 0x3f802000 : 0x3f800000;

				bad += elem(v, f, j) != want;
				ups += want == 0x3f802000;
			}
		}
		run_free(&r);
	}
	ok(bad == 0 && ups > 100 && ups < 300, "a cast of a vector: element j "
	    "rounds into fp16 by its stream j (400 elements: %d failures, %d "
	    "up)", bad, ups);

	/* sum(v) of [1, 2^-11, 2^-11] in fp16 (line 2: steps v (0), sum
	 * (1); with an accumulator the word fp16 is step 1, sum step 2).  Step 0 loads 1; step 1: 1 + 2^-11, half a unit: up to 1 +
	 * 2^-10 iff key(2^63 + 16 + 3) < 2^63; step 2 adds 2^-11 again, half
	 * a unit either way: from 1 to 1 + 2^-10 (0x3c01), from 1 + 2^-10
	 * to 1 + 2^-9 (0x3c02), iff key(2^63 + 32 + 3) < 2^63.  In fp32
	 * with an fp16 accumulator the same, every conversion exact. */
	bad = 0;
	{
		int seen[3] = { 0, 0, 0 };

		for (uint64_t seed = 0; seed < 200; seed++) {
			static const char *const l[] = {
			    "v = [1, 0x1p-11, 0x1p-11]", "sum(v)", NULL };
			static const char *const l32[] = {
			    "v = [1, 0x1p-11, 0x1p-11]", "sum(v, fp16)", NULL };
			struct run r, r32;
			unsigned up1 = doc_key(seed, 2, 1, "fp16",
			    st_reduce(1, 3)) < TWO63;
			unsigned up2 = doc_key(seed, 2, 1, "fp16",
			    st_reduce(2, 3)) < TWO63;
			unsigned u1 = doc_key(seed, 2, 2, "fp16",
			    st_reduce(1, 3)) < TWO63;
			unsigned u2 = doc_key(seed, 2, 2, "fp16",
			    st_reduce(2, 3)) < TWO63;
			uint64_t want = 0x3c00 + up1 + up2;
			uint64_t w32 = 0x3f800000 + ((u1 + u2) << 13);

			run_lines(&r, l, seed, "fp16", true);
			run_lines(&r32, l32, seed, "fp32", true);
			bad += scalar(&r, "fp16") != want;
			bad += scalar(&r32, "fp32") != w32;
			seen[up1 + up2]++;
			run_free(&r);
			run_free(&r32);
		}
		ok(bad == 0 && seen[0] && seen[1] && seen[2], "a sum's "
		    "additions: step k rounds by the key of stream 2^63 + 16 k "
		    "+ 3, in fp16 and in an fp16 accumulator (200 seeds: %d "
		    "failures; 1, 1 + 2^-10, 1 + 2^-9 seen %d, %d, %d times)",
		    bad, seen[0], seen[1], seen[2]);
	}

	/* dot([1 + 2^-10], [1.5]) in fp16: the product 1.5 + 2^-10 + 2^-11
	 * drops half of fp16's unit 2^-10 in [1, 2): 0x3e02 (1.5 + 2^-9)
	 * iff key(2^63 + 0 + 2) < 2^63, else 0x3e01.  sum([1, 2^-11], fp32)
	 * in fp16: exact in fp32, then the rounding back drops half a
	 * unit: 0x3c01 iff key(2^63 + 16 * 2 + 1) < 2^63 (k = 2 steps).
	 * mean([1, 2^-10, 0]): the sum 1 + 2^-10 is exact, / 3 = (4096 +
	 * 4) / 3 units 2^-12 of [0.25, 0.5) = 1366 + 2/3: 0x3557 (0x3400 +
	 * 343) iff the key of 2^63 + 16 * 3 + 0 is at most floor(2/3 *
	 * 2^64) = 0xaaaaaaaaaaaaaaaa (the rest 2/3 is dropped beyond:
	 * u < D or u == D), else 0x3556. */
	{
		int bd = 0, bb = 0, bm = 0, ud = 0, ub = 0, um = 0;

		for (uint64_t seed = 0; seed < 200; seed++) {
			static const char *const ld[] = { "a = [0x1.004p0]",
			    "b = [1.5]", "dot(a, b)", NULL };
			static const char *const lb[] = { "v = [1, 0x1p-11]",
			    "sum(v, fp32)", NULL };
			static const char *const lm[] = {
			    "v = [1, 0x1p-10, 0]", "mean(v)", NULL };
			struct run r;
			bool u;

			/* line 3 "dot(a, b)": a (0), b (1), dot (2) */
			u = doc_key(seed, 3, 2, "fp16", st_reduce(0, 2)) <
			    TWO63;
			run_lines(&r, ld, seed, "fp16", true);
			bd += scalar(&r, "fp16") != (u ? 0x3e02u : 0x3e01u);
			ud += u;
			run_free(&r);
			/* line 2: v (0), the word fp32 (1), sum (2) */
			u = doc_key(seed, 2, 2, "fp16", st_reduce(2, 1)) <
			    TWO63;
			run_lines(&r, lb, seed, "fp16", true);
			bb += scalar(&r, "fp16") != (u ? 0x3c01u : 0x3c00u);
			ub += u;
			run_free(&r);
			u = doc_key(seed, 2, 1, "fp16", st_reduce(3, 0)) <=
			    UINT64_C(0xaaaaaaaaaaaaaaaa);
			run_lines(&r, lm, seed, "fp16", true);
			bm += scalar(&r, "fp16") != (u ? 0x3557u : 0x3556u);
			um += u;
			run_free(&r);
		}
		ok(bd == 0 && ud > 60 && ud < 140, "dot's product: stream "
		    "2^63 + 2 of step 0 (%d failures, %d up)", bd, ud);
		ok(bb == 0 && ub > 60 && ub < 140, "the rounding back from an "
		    "fp32 accumulator: stream 2^63 + 16 k + 1 after k steps "
		    "(%d failures, %d up)", bb, ub);
		ok(bm == 0 && um > 100 && um < 170, "mean's division: stream "
		    "2^63 + 16 k, up with probability 2/3 (%d failures, %d "
		    "up)", bm, um);
	}

	/* mxfp4(v) of 32 x 0.6875: amax 0.6875, floor(log2) = -1, X =
	 * 2^(-1 - 2) = 2^-3; x / X = 5.5, between E2M1's 4 (code 6) and
	 * 6 (code 7), fraction 3/4: code 7 iff the key of stream 2^60 + j in
	 * fp4e2m1 is below 0xc000000000000000 (nothing beyond it).  The
	 * values 0.75 and 0.5 are exact in fp16 (the row's rounding, stream
	 * j, changes nothing). */
	bad = ups = 0;
	for (uint64_t seed = 0; seed < 20; seed++) {
		static const char *const l[] = { "v = fill(32, 0.6875)",
		    "mxfp4(v)", NULL };
		struct run r;
		const struct fpv_vec *v;
		int f;

		run_lines(&r, l, seed, "fp16", true);
		v = result_vec(&r);
		f = col_of(&r, "fp16");
		if (v == NULL || f < 0 || v->quant == NULL) {
			bad++;
		} else {
			for (size_t j = 0; j < 32; j++) {
				bool u = doc_key(seed, 2, 1, "fp4e2m1",
				    st_code(j)) < UINT64_C(0xc000000000000000);

				bad += v->quant[f].code[j] != (u ? 7u : 6u);
				bad += elem(v, f, j) != (u ? 0x3a00u : 0x3800u);
				ups += u;
			}
		}
		run_free(&r);
	}
	ok(bad == 0 && ups > 400 && ups < 560, "mxfp4: element j's code "
	    "rounds by the key of stream 2^60 + j (640 codes: %d failures, "
	    "%d up)", bad, ups);
}

/* ---- (b) the probability law ----------------------------------------- */

/* |k - N p| within 6 binomial sd, sqrt(N p (1 - p)). */
static bool
within6(long k, long N, double p)
{
	return fabs((double)k - (double)N * p) <=
	    6 * sqrt((double)N * p * (1 - p));
}

static void
test_law(void)
{
	/* fp16 1 + 2^-12: a quarter of the unit 2^-10 dropped, p = 1/4;
	 * 10^4 elements: 2500 +- 6 sqrt(10^4 / 4 * 3 / 4) = 2500 +- 260. */
	{
		static const char *const l[] = {
		    "fill(10000, 1) + 0x1p-12", NULL };
		struct run r;
		const struct fpv_vec *v;
		long up = 0, other = 0;
		int f;

		run_lines(&r, l, 77, "fp16", true);
		v = result_vec(&r);
		f = col_of(&r, "fp16");
		for (size_t j = 0; v != NULL && j < v->n; j++) {
			up += elem(v, f, j) == 0x3c01;
			other += elem(v, f, j) != 0x3c01 &&
			    elem(v, f, j) != 0x3c00;
		}
		ok(v != NULL && other == 0 && within6(up, 10000, 0.25),
		    "fp16 1 + 2^-12 in 10^4 elements: each 0x3c00 or 0x3c01, "
		    "%ld up (2500 +- 260)", up);
		run_free(&r);
	}
	/* int8 (scale 1): 3 / 10 = 0.3 exactly (a rational), p = 0.3;
	 * 3000 +- 6 sqrt(10^4 0.21) = 3000 +- 275. */
	{
		static const char *const l[] = { "fill(10000, 3) / 10", NULL };
		struct run r;
		const struct fpv_vec *v;
		long up = 0, other = 0;
		int f;

		run_lines(&r, l, 78, "int8", true);
		v = result_vec(&r);
		f = col_of(&r, "int8");
		for (size_t j = 0; v != NULL && j < v->n; j++) {
			up += elem(v, f, j) == 1;
			other += elem(v, f, j) > 1;
		}
		ok(v != NULL && other == 0 && within6(up, 10000, 0.3),
		    "int8 3 / 10 in 10^4 elements: each 0 or 1, %ld are 1 "
		    "(3000 +- 275)", up);
		run_free(&r);
	}
	/* A grid accumulator: sum(fill(200, 3) / 10, int8) in fp32.  Each
	 * element x_j is 0.3 rounded stochastically into fp32 (expected
	 * 0.3), each term x_j rounded stochastically to 0 or 1 in int8
	 * (expected x_j), the additions of integers exact (below int8's
	 * 127 but 10 sd away), the rounding back exact: expected 60
	 * exactly, variance at most 200 / 4, sd <= 7.08, so every run
	 * within 60 +- 42.5 (6 sd); terms sharing one word would give 0 or
	 * 127 (saturated). */
	{
		int bad = 0;
		double sum = 0;

		for (uint64_t seed = 0; seed < 20; seed++) {
			static const char *const l[] = {
			    "sum(fill(200, 3) / 10, int8)", NULL };
			struct run r;
			uint64_t b;
			float x;
			uint32_t u;

			run_lines(&r, l, seed, "fp32", true);
			b = scalar(&r, "fp32");
			u = (uint32_t)b;
			memcpy(&x, &u, sizeof x);
			bad += !(fabs(x - 60.0) <= 42.5) || x != floorf(x);
			sum += x;
			run_free(&r);
		}
		ok(bad == 0, "sum(fill(200, 3) / 10, int8) in fp32: every run "
		    "a whole number within 60 +- 42.5 (20 runs, mean %.2f, %d "
		    "outside)", sum / 20, bad);
	}
}

/* ---- (c) the expected sum ------------------------------------------- */

/*
 * fp16 sum(fill(10000, 1e-4), fp16).  1e-4 lies in [2^-14, 2^-13), unit
 * 2^-24: 1e-4 = 1677.7216 units, so the literal (rounded once; fill
 * copies it) is a = 1678 units with p = 0.7216, else 1677: E[a] = 1e-4
 * exactly.  Each addition is unbiased given the terms, so E[sum] =
 * 10^4 E[a] = 1.  Var(sum) = Var(10^4 a) + the additions' variances:
 * Var(10^4 a) = 10^8 p (1 - p) 2^-48 < 7.2e-8; an addition's rounding
 * error has variance at most unit^2 / 4, the unit at most 2^-10 while
 * the sum is below 2 (beyond it, some 25 sd away, 2^-9), so at most 10^4
 * 2^-22 = 2.385e-3 in all: sd < 0.0489 per run, < 0.0489 / sqrt(200) =
 * 0.00346 for the mean of 200 runs: 1 within 6 of them, 0.0208.
 * To nearest a = 1678 units: below 0.25 every addition adds at least
 * 0.81 of a (a unit of 2^-13 in [2^-3, 2^-2), the term 0.82 of it,
 * rounds to one unit), so the sum reaches 0.25 exactly; there the unit
 * is 2^-12 and a is 0.41 of it, below half: absorbed, 0x3400 to the end.
 */
static void
test_expected_sum(void)
{
	static const char *const l[] = { "sum(fill(10000, 1e-4), fp16)",
	    NULL };
	const int N = 200;
	double sum = 0;
	int bad = 0;
	struct run r;

	for (int s = 0; s < N; s++) {
		uint64_t b;

		run_lines(&r, l, (uint64_t)s, "fp16", true);
		b = scalar(&r, "fp16");
		/* fp16 normal numbers near 1: value from the bits */
		if (b == ~(uint64_t)0 || (b & 0x8000) || ((b >> 10) & 31) == 0 ||
		    ((b >> 10) & 31) == 31)
			bad++;
		else
			sum += ldexp((double)(1024 | (b & 1023)),
			    (int)((b >> 10) & 31) - 25);
		run_free(&r);
	}
	ok(bad == 0 && fabs(sum / N - 1) <= 0.0208, "fp16 sum of 10000 x "
	    "1e-4: the mean of %d seeds %.5f is 1 within 0.0208 (6 sd)", N,
	    sum / N);
	run_lines(&r, l, 0, "fp16", false);
	ok(scalar(&r, "fp16") == 0x3400, "to nearest it stalls at 0.25 "
	    "(0x3400)");
	run_free(&r);
}

/* ---- (d) quantization: unbiased codes -------------------------------- */

/* The fraction of x / s above floor(x / s) as a double (for the count's
 * expectation), floor into *fl; exact rationals. */
static double
frac_of(double x, double s, long *fl)
{
	mpq_t q;
	mpz_t z;
	double p;

	mpq_init(q);
	mpz_init(z);
	mpq_set_d(q, x);
	{
		mpq_t d;

		mpq_init(d);
		mpq_set_d(d, s);
		mpq_div(q, q, d);
		mpq_clear(d);
	}
	mpz_fdiv_q(z, mpq_numref(q), mpq_denref(q));
	*fl = mpz_get_si(z);
	{
		mpq_t zq;

		mpq_init(zq);
		mpq_set_z(zq, z);
		mpq_sub(q, q, zq);
		mpq_clear(zq);
	}
	p = mpq_get_d(q);
	mpq_clear(q);
	mpz_clear(z);
	return p;
}

/* Quantize x[0..n) by scheme name (element format f or NULL) in ctx c. */
static int
quantize(const struct fpv_ctx *c, const char *name, const char *f,
    const double *x, size_t n, struct fpv_quant *q)
{
	const struct fpv_qscheme *s = fpv_qscheme_by_name(name, strlen(name));
	const struct fpv_format *ef = f != NULL ?
	    fpv_builtin_by_name(f, strlen(f)) : NULL;
	const char *why;

	if (s == NULL) {
		diag("no scheme %s", name);
		return -1;
	}
	if (fpv_quantize(c, s, ef, x, n, q, &why) < 0) {
		diag("%s: %s", name, why);
		return -1;
	}
	return 0;
}

static void
test_quant(void)
{
	enum { N = 9984 };		/* 312 blocks of 32, 156 of 64 */
	double *x = malloc(N * sizeof *x);
	struct fpv_ctx c, cn;
	struct fpv_quant q, qn;
	const float x03 = 0.3f;

	fpv_ctx_init(&c);
	fpv_ctx_init(&cn);
	c.round = FPV_RND_STOCHASTIC;
	c.seed = 4242;
	c.sr_pos = fpv_sr_position(1, 0);
	/* Every 64th element 1, the others binary32 0.3. */
	for (size_t i = 0; i < N; i++)
		x[i] = (i % 64) == 0 ? 1.0 : (double)x03;

	/* quant(x, int8, absmax): one scale s = fl32(1 / 127) (binary32
	 * division, this machine); 0.3f / s = 38.1...: code 38 or 39, 39
	 * with the fraction p; 1 / s = 127 exactly? no: fl32(1/127) is not
	 * 1/127, so 1 / s is within a hair of 127 (its own fraction). */
	{
		volatile float one = 1.0f, d127 = 127.0f;
		float s = one / d127;
		long fl, up = 0, other = 0, cnt = 0;
		double p = frac_of((double)x03, (double)s, &fl);
		bool same;

		if (quantize(&c, "absmax", "int8", x, N, &q) == 0 &&
		    quantize(&cn, "absmax", "int8", x, N, &qn) == 0) {
			same = q.scale_bits[0] == qn.scale_bits[0] &&
			    q.scale[0] == (double)s;
			for (size_t i = 0; i < N; i++) {
				int64_t k = fpv_bits_q(&q.elem, q.code[i]);

				if ((i % 64) == 0)
					continue;
				cnt++;
				up += k == fl + 1;
				other += k != fl && k != fl + 1;
			}
			ok(same && other == 0 && within6(up, cnt, p), "quant "
			    "int8 absmax: the scale is fl32(1/127) as to "
			    "nearest; 0.3f's codes are %ld or %ld, %ld of %ld "
			    "up (p = %.6f, 6 sd %.0f)", fl, fl + 1, up, cnt, p,
			    6 * sqrt(cnt * p * (1 - p)));
			fpv_quant_clear(&q);
			fpv_quant_clear(&qn);
		} else {
			ok(0, "quant int8 absmax");
		}
	}
	/* Q8_0: d = fl32(1 / 127) = 0.0078740157...; its fp16 (to
	 * nearest): in [2^-7, 2^-6) the unit is 2^-17, d = 1032.06 units,
	 * so 1032 * 2^-17 = 129 / 16384, bits 0x2008 (exponent 8, fraction
	 * 1032 - 1024 = 8).  Codes: the exact 0.3f / (129 / 16384) rounded
	 * stochastically. */
	for (size_t i = 0; i < N; i++)		/* every block's amax 1 */
		x[i] = (i % 32) == 0 ? 1.0 : (double)x03;
	{
		const double dv = 129.0 / 16384;
		long fl, up = 0, other = 0, cnt = 0;
		double p = frac_of((double)x03, dv, &fl);
		bool same = true;

		if (quantize(&c, "q8_0", NULL, x, N, &q) == 0 &&
		    quantize(&cn, "q8_0", NULL, x, N, &qn) == 0) {
			for (size_t b = 0; b < q.nblocks; b++)
				same &= q.scale_bits[b] == 0x2008 &&
				    qn.scale_bits[b] == 0x2008;
			for (size_t i = 0; i < N; i++) {
				int64_t k = fpv_bits_q(&q.elem, q.code[i]);

				if ((i % 32) == 0)
					continue;
				cnt++;
				up += k == fl + 1;
				other += k != fl && k != fl + 1;
			}
			ok(same && other == 0 && within6(up, cnt, p), "q8_0: "
			    "every d is fp16 0x2008 (129/16384) as to nearest; "
			    "0.3f's codes are %ld or %ld, %ld of %ld up (p = "
			    "%.6f)", fl, fl + 1, up, cnt, p);
			fpv_quant_clear(&q);
			fpv_quant_clear(&qn);
		} else {
			ok(0, "q8_0");
		}
	}
	/* NF4: blocks of 64 with absmax 1 (two 1s each), so x / absmax = 0.3f, between
	 * the table's entries 10 and 11 as bitsandbytes publishes them
	 * (0.24611230194568634, 0.33791524171829224, binary32 numbers):
	 * code 11 with p = (0.3f - e10) / (e11 - e10). */
	{
		const double e10 = (double)0.24611230194568634f;
		const double e11 = (double)0.33791524171829224f;
		double p = ((double)x03 - e10) / (e11 - e10);
		long up = 0, other = 0, cnt = 0;
		bool same = true;

		if (quantize(&c, "nf4", NULL, x, N, &q) == 0 &&
		    quantize(&cn, "nf4", NULL, x, N, &qn) == 0) {
			for (size_t b = 0; b < q.nblocks; b++)
				same &= q.scale_bits[b] == qn.scale_bits[b] &&
				    q.scale[b] == 1.0;
			for (size_t i = 0; i < N; i++) {
				if ((i % 32) == 0) {
					other += q.code[i] != 15;
					continue;
				}
				cnt++;
				up += q.code[i] == 11;
				other += q.code[i] != 10 && q.code[i] != 11;
			}
			ok(same && other == 0 && within6(up, cnt, p), "nf4: "
			    "absmax 1 as to nearest; 0.3f's codes are 10 or 11, "
			    "%ld of %ld are 11 (p = %.6f)", up, cnt, p);
			fpv_quant_clear(&q);
			fpv_quant_clear(&qn);
		} else {
			ok(0, "nf4");
		}
	}
	/* Every scheme: the scales are nearest's bits, and each element's
	 * dequantized value is one of the two values around it of the
	 * codes nearest gives or its neighbour (|sr - nearest| at most one
	 * code's step: checked as sr value == nearest value, or the two
	 * bracket x). */
	{
		static const char *const sch[] = { "mxfp8", "mxfp6", "mxfp4",
		    "nvfp4", "q8_0", "q4_0", "nf4", NULL };
		int bad = 0;

		for (size_t i = 0; i < N; i++)
			x[i] = sin((double)i * 0.37) * (1 + (double)(i % 7));
		for (int k = 0; sch[k] != NULL; k++) {
			if (quantize(&c, sch[k], NULL, x, N, &q) < 0 ||
			    quantize(&cn, sch[k], NULL, x, N, &qn) < 0) {
				bad++;
				continue;
			}
			for (size_t b = 0; b < q.nblocks; b++)
				bad += q.scale_bits[b] != qn.scale_bits[b];
			bad += q.tensor_scale_bits != qn.tensor_scale_bits;
			for (size_t i = 0; i < N; i++) {
				double v = (double)(float)x[i];

				/* the stochastic value and nearest's lie on
				 * the same side of x or one is x, or the
				 * stochastic one is the other neighbour */
				if (q.value[i] != qn.value[i] &&
				    !((q.value[i] - v) * (qn.value[i] - v) <= 0))
					bad++;
			}
			fpv_quant_clear(&q);
			fpv_quant_clear(&qn);
		}
		ok(bad == 0, "mxfp8, mxfp6, mxfp4, nvfp4, q8_0, q4_0, nf4 of "
		    "10^4 sines: the scales are nearest's, and a stochastic "
		    "value that is not nearest's lies on x's other side (%d "
		    "failures)", bad);
	}
	fpv_ctx_clear(&c);
	fpv_ctx_clear(&cn);
	free(x);
}

/* ---- (e) reproducibility, independence, recorded steps ---------------- */

/* Every vector and scalar result bit of column name in r, hashed. */
static uint64_t
digest(const struct run *r, const char *name)
{
	const struct fpv_vec *v = fpv_trace_vec(&r->t, r->t.nsteps - 1);
	int f = col_of(r, name);
	uint64_t h = 1469598103934665603u;

	if (!r->ok || f < 0)
		return 0;
	if (v == NULL)
		return mix(fpv_trace_result_cells(&r->t)[f].bits);
	for (size_t j = 0; j < v->n; j++)
		h = mix(h ^ elem(v, f, j));
	return h;
}

static void
test_independence(void)
{
	static const char *const exprs[] = {
		"linspace(-2, 3, 200) * 0.3 + randn(200, 5) / 7",
		"softmax(linspace(-2, 3, 200))",
		"sum(linspace(-2, 3, 200) * 0.3, fp16, pairwise) + "
		    "dot(randn(200, 1), randn(200, 2), bf16, kahan)",
		"mean(randn(200, 3)) + norm2(randn(200, 4), fp16) + "
		    "logsumexp(randn(200, 6)) + max(randn(200, 7), fp8e4m3)",
		"mxfp4(randn(200, 8)) + nvfp4(randn(200, 9)) + "
		    "q4_0(randn(200, 10)) + quant(randn(200, 11), uint8, minmax)",
		NULL
	};
	int same = 0, differ = 0, cols = 0, total = 0;

	for (int e = 0; exprs[e] != NULL; e++) {
		const char *l[] = { exprs[e], NULL };

		for (uint64_t seed = 0; seed < 4; seed++) {
			struct run a, b, c, d, g;

			run_lines(&a, l, seed, "fp16", true);
			run_lines(&b, l, seed, "fp16", true);
			run_lines(&c, l, seed, NULL, true);
			run_lines(&d, l, seed, "int8,bf16,fp16,fp32", true);
			run_lines(&g, l, seed + 1000, "fp16", true);
			total++;
			same += a.ok && digest(&a, "fp16") == digest(&b, "fp16");
			cols += a.ok && c.ok && d.ok &&
			    digest(&a, "fp16") == digest(&c, "fp16") &&
			    digest(&a, "fp16") == digest(&d, "fp16") &&
			    digest(&c, "fp32") == digest(&d, "fp32");
			differ += digest(&a, "fp16") != digest(&g, "fp16");
			run_free(&a);
			run_free(&b);
			run_free(&c);
			run_free(&d);
			run_free(&g);
		}
	}
	ok(same == total, "the same seed gives the same bits (%d of %d)",
	    same, total);
	ok(cols == total, "fp16's (and fp32's) bits do not depend on the other "
	    "columns or their order (%d of %d)", cols, total);
	ok(differ == total, "another seed gives other bits (%d of %d)", differ,
	    total);
}

static void
test_recorded(void)
{
	static const char *const orders[] = { "sequential", "pairwise",
	    "kahan" };
	int bad = 0, total = 0;

	for (int o = 0; o < 3; o++)
		for (uint64_t seed = 0; seed < 5; seed++) {
			char e[96];
			const char *l[] = { e, NULL };
			struct run r;
			struct fpv_reduce_step *st = NULL;
			const struct fpv_format *acc;
			int ord, f;
			size_t ns;

			snprintf(e, sizeof e, "1 + sum(fill(300, 0.1), fp16, %s)",
			    orders[o]);
			run_lines(&r, l, seed, "fp16", true);
			f = col_of(&r, "fp16");
			total++;
			/* steps: 1 (0), 300 (1), 0.1 (2), fill (3), the
			 * words (4, 5), sum (6) */
			ns = r.ok ? fpv_vec_reduce_steps(&r.t, 6, f, &st, &acc,
			    &ord) : 0;
			if (ns == 0 || st[ns - 1].r != fpv_trace_cells(&r.t,
			    6)[f].bits)
				bad++;
			free(st);
			run_free(&r);
		}
	ok(bad == 0, "the recorded steps of a stochastic sum end at its "
	    "result, every order (%d of %d differ)", bad, total);
}

int
main(void)
{
	test_words();
	test_law();
	test_expected_sum();
	test_quant();
	test_independence();
	test_recorded();
	return tap_done();
}
