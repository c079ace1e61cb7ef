/*
 * Stochastic rounding (num.h), against independent truths:
 *
 *  - exactness: every code of the fp8, fp6 and fp4 formats decoded here
 *    from the layout fields into exact rationals (GMP), independently
 *    of the core's decoder; for each pair of neighbours the midpoint and
 *    points at k/7 between them round, under many seeds, to one of the
 *    two, inexact; the codes themselves round to themselves, exact;
 *    sums of two fp4/fp8 codes (the emulation's operations) likewise;
 *    past the largest number, between it and one unit beyond: the
 *    largest number or the overflow result, beyond: always overflow;
 *  - statistics: over many seeds the frequency of the upper neighbour
 *    is the dropped fraction (1/4, 1/3, 3/4 for negatives, in the
 *    subnormals, on an integer grid, at the overflow boundary) within
 *    five binomial standard deviations;
 *  - the expected value: the mean over seeds of fp16 1 + 1e-4 (both the
 *    literal and the sum rounded stochastically) is 1.0001 within five
 *    standard deviations of the mean (each result within one unit of
 *    2^-10: sd <= 2^-11);
 *  - the documented scheme: the decision for a dropped half is u < 2^63
 *    with u the SplitMix64 key written out here from the man page
 *    (seed, line * 2^32 + step, FNV-1a of the format's name, element);
 *  - reproducibility: the same seed gives the same bits in separate
 *    sessions and whatever the other columns and their order; other
 *    seeds give other streams.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/command.h"
#include "fpviz/num.h"
#include "fpviz/parse.h"
#include "fpviz/trace.h"
#include "tap.h"

/* ---- An independent decoder ------------------------------------------ */

/* The exact value of code b of the float format f into v; false for
 * infinities and NaNs.  From the layout fields only. */
static bool
decode_q(const struct fpv_format *f, uint64_t b, mpq_t v)
{
	uint64_t fmask = ((uint64_t)1 << f->frac_bits) - 1;
	uint64_t emask = ((uint64_t)1 << f->exp_bits) - 1;
	uint64_t E = (b >> f->frac_bits) & emask, M = b & fmask;
	bool neg = f->sign && ((b >> (f->bits - 1)) & 1);
	long e;

	if (E == emask && f->top == FPV_TOP_IEEE)
		return false;
	if (E == emask && f->top == FPV_TOP_FN && M == fmask)
		return false;
	if (E == 0) {
		mpq_set_ui(v, (unsigned long)M, 1);
		e = 1 - f->bias - f->frac_bits;
	} else {
		mpq_set_ui(v, (unsigned long)(M | (fmask + 1)), 1);
		e = (long)E - f->bias - f->frac_bits;
	}
	if (e >= 0)
		mpq_mul_2exp(v, v, (unsigned long)e);
	else
		mpq_div_2exp(v, v, (unsigned long)-e);
	if (neg)
		mpq_neg(v, v);
	return true;
}

/* The distinct finite values of f in increasing order: n of them. */
static mpq_t *
values_of(const struct fpv_format *f, size_t *n)
{
	size_t cap = (size_t)1 << f->bits, k = 0;
	mpq_t *v = malloc(cap * sizeof *v);

	for (uint64_t b = 0; b < cap; b++) {
		mpq_init(v[k]);
		if (decode_q(f, b, v[k]))
			k++;
		else
			mpq_clear(v[k]);
	}
	/* Insertion sort, dropping duplicates (-0 and +0). */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && mpq_cmp(v[j - 1], v[j]) > 0; j--)
			mpq_swap(v[j - 1], v[j]);
	{
		size_t m = 0;

		for (size_t i = 0; i < k; i++)
			if (m == 0 || mpq_cmp(v[m - 1], v[i]) != 0)
				mpq_swap(v[m++], v[i]);
		for (size_t i = m; i < k; i++)
			mpq_clear(v[i]);
		k = m;
	}
	*n = k;
	return v;
}

static void
free_values(mpq_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mpq_clear(v[i]);
	free(v);
}

static const struct fpv_format *
fmt(const char *name)
{
	const struct fpv_format *f = fpv_builtin_by_name(name, strlen(name));

	if (f == NULL) {
		printf("Bail out! no format %s\n", name);
		exit(1);
	}
	return f;
}

/* A stochastic context with the built-in formats. */
static void
sr_ctx(struct fpv_ctx *c, uint64_t seed)
{
	fpv_ctx_init(c);
	c->round = FPV_RND_STOCHASTIC;
	c->seed = seed;
	c->sr_pos = 12345;
	c->sr_elem = 0;
}

/* ---- (a) exactness --------------------------------------------------- */

/* Round x into f under seeds 0..nseeds-1: every result is lo or hi
 * (hi NULL: x itself, exact); counts the failures. */
static int
check_point(const struct fpv_format *f, mpq_srcptr x, mpq_srcptr lo,
    mpq_srcptr hi, int nseeds)
{
	struct fpv_ctx c;
	mpq_t r;
	int bad = 0;

	mpq_init(r);
	sr_ctx(&c, 0);
	for (int s = 0; s < nseeds; s++) {
		unsigned fl = 0;
		uint64_t b;

		c.seed = (uint64_t)s * 0x9e3779b97f4a7c15u;
		b = fpv_num_round_q(&c, f, x, &fl);
		if (!decode_q(f, b, r)) {
			bad++;
			continue;
		}
		if (hi == NULL) {
			if (mpq_cmp(r, x) != 0 || (fl & FPV_FLAG_INEXACT))
				bad++;
		} else if ((mpq_cmp(r, lo) != 0 && mpq_cmp(r, hi) != 0) ||
		    !(fl & FPV_FLAG_INEXACT)) {
			bad++;
		}
	}
	fpv_ctx_clear(&c);
	mpq_clear(r);
	return bad;
}

static void
test_exactness(const char *name)
{
	const struct fpv_format *f = fmt(name);
	size_t n;
	mpq_t *v = values_of(f, &n);
	mpq_t x, d;
	int bad_exact = 0, bad_between = 0, points = 0;

	mpq_init(x);
	mpq_init(d);
	for (size_t i = 0; i < n; i++)
		bad_exact += check_point(f, v[i], NULL, NULL, 8);
	for (size_t i = 0; i + 1 < n; i++) {
		mpq_sub(d, v[i + 1], v[i]);
		for (int k = 1; k < 7; k++) {
			/* x = lo + d * k / 7, and the midpoint for k = 0 */
			mpq_set_ui(x, (unsigned long)k, 7);
			mpq_mul(x, x, d);
			mpq_add(x, x, v[i]);
			bad_between += check_point(f, x, v[i], v[i + 1], 16);
			points++;
		}
		mpq_set_ui(x, 1, 2);
		mpq_mul(x, x, d);
		mpq_add(x, x, v[i]);
		bad_between += check_point(f, x, v[i], v[i + 1], 16);
		points++;
	}
	ok(bad_exact == 0, "%s: each of its %zu values rounds to itself, "
	    "exact (%d failures)", name, n, bad_exact);
	ok(bad_between == 0, "%s: %d points between neighbours round to one "
	    "of the two, inexact (%d failures)", name, points, bad_between);
	mpq_clear(x);
	mpq_clear(d);
	free_values(v, n);
}

/* Sums of every pair of finite codes of a small format by the
 * operation itself: a neighbour of the exact sum (or the sum). */
static void
test_sums(const char *name)
{
	const struct fpv_format *f = fmt(name);
	size_t n, bad = 0, tried = 0;
	mpq_t *v = values_of(f, &n);
	mpq_t a, b, s, r;
	struct fpv_ctx c;
	uint64_t cap = (uint64_t)1 << f->bits;

	mpq_inits(a, b, s, r, NULL);
	sr_ctx(&c, 7);
	for (uint64_t x = 0; x < cap; x++)
		for (uint64_t y = 0; y < cap; y += (cap > 64 ? 7 : 1)) {
			uint64_t args[2] = { x, y }, res;
			unsigned fl = 0;
			size_t j;

			if (!decode_q(f, x, a) || !decode_q(f, y, b))
				continue;
			mpq_add(s, a, b);
			if (mpq_cmp(s, v[n - 1]) >= 0 || mpq_cmp(s, v[0]) <= 0)
				continue;	/* the range's edges: below */
			c.seed = x * 1000003u + y;
			res = fpv_num_op(&c, f, FPV_OP_ADD, args, &fl);
			tried++;
			if (!decode_q(f, res, r)) {
				bad++;
				continue;
			}
			for (j = 0; j + 1 < n && mpq_cmp(v[j + 1], s) <= 0; j++)
				;
			/* v[j] <= s < v[j + 1] */
			if (mpq_cmp(v[j], s) == 0) {
				if (mpq_cmp(r, s) != 0 || (fl & FPV_FLAG_INEXACT))
					bad++;
			} else if ((mpq_cmp(r, v[j]) != 0 &&
			    mpq_cmp(r, v[j + 1]) != 0) ||
			    !(fl & FPV_FLAG_INEXACT)) {
				bad++;
			}
		}
	ok(bad == 0 && tried > 100, "%s: %zu sums of two codes: the sum or "
	    "one of its neighbours (%zu failures)", name, tried, bad);
	fpv_ctx_clear(&c);
	mpq_clears(a, b, s, r, NULL);
	free_values(v, n);
}

/* Past the largest number M (unit u of the top binade): between M and
 * M + u, M (no overflow flag) or the overflow result (nearest's result
 * for 2M, with the flag); from M + u on, always the overflow result. */
static void
test_overflow(const char *name)
{
	const struct fpv_format *f = fmt(name);
	size_t n;
	mpq_t *v = values_of(f, &n);
	mpq_t u, x, r;
	struct fpv_ctx c, near;
	uint64_t ovf;
	unsigned fl = 0;
	int bad_split = 0, bad_beyond = 0, n_max = 0, n_ovf = 0;

	mpq_inits(u, x, r, NULL);
	/* The unit at the top: the top binade's spacing, 2^(emax - frac). */
	mpq_set_ui(u, 1, 1);
	if (f->emax - f->frac_bits >= 0)
		mpq_mul_2exp(u, u, (unsigned long)(f->emax - f->frac_bits));
	else
		mpq_div_2exp(u, u, (unsigned long)(f->frac_bits - f->emax));
	fpv_ctx_init(&near);
	mpq_add(x, v[n - 1], v[n - 1]);
	ovf = fpv_num_round_q(&near, f, x, &fl);
	sr_ctx(&c, 0);
	for (int s = 0; s < 400; s++) {
		uint64_t b;

		c.seed = (uint64_t)s;
		/* M + u/2 */
		mpq_set_ui(x, 1, 2);
		mpq_mul(x, x, u);
		mpq_add(x, x, v[n - 1]);
		fl = 0;
		b = fpv_num_round_q(&c, f, x, &fl);
		if (b == ovf && (fl & FPV_FLAG_OVERFLOW))
			n_ovf++;
		else if (decode_q(f, b, r) && mpq_cmp(r, v[n - 1]) == 0 &&
		    !(fl & FPV_FLAG_OVERFLOW) && (fl & FPV_FLAG_INEXACT))
			n_max++;
		else
			bad_split++;
		/* M + u * 5/4 */
		mpq_set_ui(x, 5, 4);
		mpq_mul(x, x, u);
		mpq_add(x, x, v[n - 1]);
		fl = 0;
		b = fpv_num_round_q(&c, f, x, &fl);
		if (b != ovf || !(fl & FPV_FLAG_OVERFLOW))
			bad_beyond++;
	}
	ok(bad_split == 0 && n_max > 100 && n_ovf > 100, "%s: between the "
	    "largest number and one unit beyond it: the largest (%d) or "
	    "overflow (%d), nothing else (%d)", name, n_max, n_ovf, bad_split);
	ok(bad_beyond == 0, "%s: a unit and more beyond the largest number: "
	    "always overflow as to nearest (%d failures)", name, bad_beyond);
	fpv_ctx_clear(&c);
	fpv_ctx_clear(&near);
	mpq_clears(u, x, r, NULL);
	free_values(v, n);
}

/* ---- (b) statistics -------------------------------------------------- */

/* Round num/den * 2^e2 into f under N seeds; how often the result is
 * hi (as a rational). */
static long
count_hi(const struct fpv_format *f, long num, long den, long e2,
    mpq_srcptr hi, long N, int *bad)
{
	struct fpv_ctx c;
	mpq_t x, r, lo_;
	long k = 0;

	mpq_inits(x, r, lo_, NULL);
	mpq_set_si(x, num, (unsigned long)den);
	mpq_canonicalize(x);
	if (e2 >= 0)
		mpq_mul_2exp(x, x, (unsigned long)e2);
	else
		mpq_div_2exp(x, x, (unsigned long)-e2);
	sr_ctx(&c, 0);
	for (long s = 0; s < N; s++) {
		unsigned fl = 0;
		uint64_t b;

		c.seed = (uint64_t)s;
		b = fpv_num_round_q(&c, f, x, &fl);
		if (f->kind == FPV_KIND_INT)
			fpv_grid_value(f, b, r);
		else if (!decode_q(f, b, r)) {
			(*bad)++;
			continue;
		}
		if (mpq_cmp(r, hi) == 0)
			k++;
	}
	fpv_ctx_clear(&c);
	mpq_clears(x, r, lo_, NULL);
	return k;
}

/* Check a frequency k of N against p within 5 sigma. */
static void
check_freq(const char *what, long k, long N, double p, int bad)
{
	double sd = sqrt(N * p * (1 - p));

	ok(bad == 0 && fabs((double)k - N * p) <= 5 * sd, "%s: upper "
	    "neighbour %ld of %ld times, expected %.1f +- %.1f (5 sigma)",
	    what, k, N, N * p, 5 * sd);
}

static void
test_statistics(void)
{
	const long N = 40000;
	mpq_t hi, lo_hi;
	int bad = 0;
	long k;

	mpq_init(hi);
	mpq_init(lo_hi);
	/* fp16 at 1: the unit is 2^-10.  x = 1 + 2^-12 = 1 + u/4. */
	mpq_set_si(hi, 1025, 1024);
	k = count_hi(fmt("fp16"), 4097, 4096, 0, hi, N, &bad);
	check_freq("fp16 1 + u/4", k, N, 0.25, bad);
	/* x = 1 + u/3 = (3072 + 1) / 3072 */
	k = count_hi(fmt("fp16"), 3073, 3072, 0, hi, N, &bad);
	check_freq("fp16 1 + u/3", k, N, 1.0 / 3, bad);
	/* x = -(1 + u/4): the upper neighbour is -1, probability 3/4 */
	mpq_set_si(hi, -1, 1);
	k = count_hi(fmt("fp16"), -4097, 4096, 0, hi, N, &bad);
	check_freq("fp16 -(1 + u/4)", k, N, 0.75, bad);
	/* Subnormal: x = 2^-24 / 3, neighbours 0 and 2^-24. */
	mpq_set_ui(hi, 1, 1);
	mpq_div_2exp(hi, hi, 24);
	k = count_hi(fmt("fp16"), 1, 3, -24, hi, N, &bad);
	check_freq("fp16 subnormal 2^-24/3", k, N, 1.0 / 3, bad);
	/* bf16 at 1: unit 2^-7; x = 1 + 2^-9 (1/4). */
	mpq_set_si(hi, 129, 128);
	k = count_hi(fmt("bf16"), 513, 512, 0, hi, N, &bad);
	check_freq("bf16 1 + u/4", k, N, 0.25, bad);
	/* fp32 and fp64 at 1: units 2^-23 and 2^-52; x = 1 + u/4 and
	 * 1 + u/3 (3 * 2^52 + 1) / (3 * 2^52), as num/den * 2^e2. */
	mpq_set_ui(hi, (1u << 23) + 1, 1u << 23);
	k = count_hi(fmt("fp32"), (1L << 25) + 1, 1L << 25, 0, hi, N, &bad);
	check_freq("fp32 1 + u/4", k, N, 0.25, bad);
	mpq_set_ui(hi, 1, 1);
	mpq_div_2exp(hi, hi, 52);
	mpq_set_ui(lo_hi, 1, 1);
	mpq_add(hi, hi, lo_hi);
	k = count_hi(fmt("fp64"), 3 * (1L << 52) + 1, 3 * (1L << 52), 0, hi,
	    N, &bad);
	check_freq("fp64 1 + u/3", k, N, 1.0 / 3, bad);
	/* fp64 subnormal: 2^-1074 * 3/4. */
	mpq_set_ui(hi, 1, 1);
	mpq_div_2exp(hi, hi, 1074);
	k = count_hi(fmt("fp64"), 3, 4, -1074, hi, N, &bad);
	check_freq("fp64 subnormal 2^-1074 * 3/4", k, N, 0.75, bad);
	/* fp8e5m2 at 1: unit 2^-2; x = 1 + 1/12 (1/3). */
	mpq_set_si(hi, 5, 4);
	k = count_hi(fmt("fp8e5m2"), 13, 12, 0, hi, N, &bad);
	check_freq("fp8e5m2 1 + u/3", k, N, 1.0 / 3, bad);
	/* fp4e2m1: 4 and 6 are neighbours; x = 4.5 (1/4). */
	mpq_set_si(hi, 6, 1);
	k = count_hi(fmt("fp4e2m1"), 9, 2, 0, hi, N, &bad);
	check_freq("fp4e2m1 4.5 between 4 and 6", k, N, 0.25, bad);
	/* int8 (scale 1): 2.25 -> 3 with 1/4; -2.25 -> -2 with 3/4. */
	mpq_set_si(hi, 3, 1);
	k = count_hi(fmt("int8"), 9, 4, 0, hi, N, &bad);
	check_freq("int8 2.25", k, N, 0.25, bad);
	mpq_set_si(hi, -2, 1);
	k = count_hi(fmt("int8"), -9, 4, 0, hi, N, &bad);
	check_freq("int8 -2.25", k, N, 0.75, bad);
	/* int8 past its range: 127 + 1/3 -> 127 with 2/3, else saturated
	 * (also 127): the saturated flag's frequency is 1/3. */
	{
		struct fpv_ctx c;
		mpq_t x;
		long sat = 0;

		mpq_init(x);
		mpq_set_si(x, 382, 3);
		sr_ctx(&c, 0);
		for (long s = 0; s < N; s++) {
			unsigned fl = 0;

			c.seed = (uint64_t)s;
			fpv_num_round_q(&c, fmt("int8"), x, &fl);
			sat += (fl & FPV_FLAG_SATURATED) != 0;
		}
		check_freq("int8 127 + 1/3: saturated", sat, N, 1.0 / 3, 0);
		fpv_ctx_clear(&c);
		mpq_clear(x);
	}
	/* fp8e4m3: 448 is the largest; x = 456 = 448 + 32/4: overflow
	 * with probability 1/4. */
	{
		struct fpv_ctx c;
		mpq_t x;
		long ov = 0;

		mpq_init(x);
		mpq_set_si(x, 456, 1);
		sr_ctx(&c, 0);
		for (long s = 0; s < N; s++) {
			unsigned fl = 0;

			c.seed = (uint64_t)s;
			fpv_num_round_q(&c, fmt("fp8e4m3"), x, &fl);
			ov += (fl & FPV_FLAG_OVERFLOW) != 0;
		}
		check_freq("fp8e4m3 456: overflow", ov, N, 0.25, 0);
		fpv_ctx_clear(&c);
		mpq_clear(x);
	}
	mpq_clear(hi);
	mpq_clear(lo_hi);
}

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

/* The man page's key: seed, position, FNV-1a of the name, element. */
static uint64_t
doc_key(uint64_t seed, uint64_t pos, const char *name, uint64_t elem)
{
	uint32_t h = 2166136261u;
	uint64_t k;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	k = spread(seed, 1);
	k = mix(k ^ spread(pos, 2));
	k = mix(k ^ spread(h, 3));
	k = mix(k ^ spread(elem, 4));
	return k;
}

/* Evaluate src as line `line` of a session with seed and the columns
 * cols; the result's bits in the column of format `want`. */
static uint64_t
eval_bits(const char *src, int line, uint64_t seed, const char *cols,
    const char *want, unsigned *flags)
{
	struct fpv_session s;
	struct fpv_trace t;
	struct fpv_error err;
	uint64_t b = ~(uint64_t)0;
	char buf[128], *tok, *save;

	fpv_session_init(&s);
	fpv_trace_init(&t);
	s.ctx.round = FPV_RND_STOCHASTIC;
	s.ctx.seed = seed;
	s.ctx.ncols = 0;
	snprintf(buf, sizeof buf, "%s", cols);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save))
		s.ctx.cols[s.ctx.ncols++] = (uint8_t)fpv_ctx_find(&s.ctx, tok,
		    strlen(tok));
	if (fpv_eval_line(&s, src, strlen(src), line, &t, &err) == 1) {
		for (int k = 0; k < fpv_trace_ncols(&t); k++)
			if (strcmp(fpv_trace_format(&t, k)->name, want) == 0) {
				b = fpv_trace_result_cells(&t)[k].bits;
				if (flags)
					*flags = fpv_trace_result_cells(&t)[k].flags;
			}
	} else {
		diag("error: %s", err.msg);
	}
	fpv_trace_free(&t);
	fpv_session_free(&s);
	return b;
}

static void
test_scheme(void)
{
	int bad = 0, ups = 0;

	/* fp16 1 + 2^-11: steps 0 (1), 1 (2^-11), 2 (the sum, a dropped
	 * half): up to 1 + 2^-10 (0x3c01) iff u < 2^63. */
	for (uint64_t seed = 0; seed < 300; seed++) {
		uint64_t u = doc_key(seed, ((uint64_t)7 << 32) | 2, "fp16", 0);
		uint64_t b = eval_bits("1 + 0x1p-11", 7, seed, "fp16,fp32",
		    "fp16", NULL);
		uint64_t want = u < ((uint64_t)1 << 63) ? 0x3c01 : 0x3c00;

		bad += b != want;
		ups += want == 0x3c01;
	}
	ok(bad == 0 && ups > 100 && ups < 200, "fp16 1 + 2^-11 at line 7: "
	    "up iff the documented key is below 2^63, for 300 seeds "
	    "(%d failures, %d up)", bad, ups);
	/* int8 with scale 1: 5 / 4 at line 3, step 2: 1.25 -> 2 iff u <
	 * 2^62 (a dropped quarter). */
	bad = ups = 0;
	for (uint64_t seed = 1000; seed < 1300; seed++) {
		uint64_t u = doc_key(seed, ((uint64_t)3 << 32) | 2, "int8", 0);
		uint64_t b = eval_bits("5 / 4", 3, seed, "int8", "int8", NULL);
		uint64_t want = u < ((uint64_t)1 << 62) ? 2 : 1;

		bad += b != want;
		ups += want == 2;
	}
	ok(bad == 0 && ups > 30 && ups < 120, "int8 5 / 4 at line 3: 2 iff "
	    "the documented key is below 2^62, for 300 seeds (%d failures, "
	    "%d up)", bad, ups);
	/* The element index is a field of the key: a rounding at element
	 * 1 decides by its own word. */
	{
		struct fpv_ctx c;
		mpq_t x;
		int bad1 = 0;

		mpq_init(x);
		mpq_set_si(x, 2049, 2048);	/* fp16: 1 + u/2 */
		sr_ctx(&c, 0);
		c.sr_pos = 99;
		c.sr_elem = 1;
		for (uint64_t s = 0; s < 200; s++) {
			unsigned fl = 0;
			uint64_t u = doc_key(s, 99, "fp16", 1);

			c.seed = s;
			bad1 += fpv_num_round_q(&c, fmt("fp16"), x, &fl) !=
			    (u < ((uint64_t)1 << 63) ? 0x3c01u : 0x3c00u);
		}
		ok(bad1 == 0, "element 1 rounds by the key of element 1 "
		    "(%d failures)", bad1);
		fpv_ctx_clear(&c);
		mpq_clear(x);
	}
}

/* ---- (c) the expected value ------------------------------------------ */

static void
test_mean(void)
{
	const int N = 20000;
	double sum = 0, sd;

	for (int s = 0; s < N; s++) {
		uint64_t b = eval_bits("1 + 1e-4", 1, (uint64_t)s, "fp16",
		    "fp16", NULL);

		/* Results near 1 in fp16: 1 + k 2^-10 for small k. */
		sum += 1 + (double)((int)b - 0x3c00) / 1024;
	}
	sd = pow(2, -11) / sqrt(N);
	ok(fabs(sum / N - 1.0001) <= 5 * sd, "fp16 1 + 1e-4: the mean of %d "
	    "seeds %.7f is 1.0001 within %.2g (5 sd of the mean)", N, sum / N,
	    5 * sd);
	{
		/* Round to nearest loses the 1e-4 entirely. */
		struct fpv_session s;
		struct fpv_trace t;
		struct fpv_error err;

		fpv_session_init(&s);
		fpv_trace_init(&t);
		ok(fpv_eval_line(&s, "1 + 1e-4", 8, 1, &t, &err) == 1 &&
		    fpv_trace_result_cells(&t)[0].bits == 0x3c00,
		    "to nearest, fp16 1 + 1e-4 is 1");
		fpv_trace_free(&t);
		fpv_session_free(&s);
	}
}

/* ---- (d) reproducibility --------------------------------------------- */

static void
test_reproducible(void)
{
	const char *e = "(0.1 + 0.2) * 3 / 7 + sqrt(2) - exp(0.3)";
	int same = 0, diff = 0, order = 0;

	for (uint64_t s = 0; s < 50; s++) {
		uint64_t a = eval_bits(e, 4, s, "fp16,fp32,int8", "fp16", NULL);
		uint64_t b = eval_bits(e, 4, s, "fp16,fp32,int8", "fp16", NULL);
		uint64_t c = eval_bits(e, 4, s, "bf16,int8,fp64,fp16", "fp16",
		    NULL);
		uint64_t d = eval_bits(e, 4, s, "fp32,fp8e4m3", "fp32", NULL);
		uint64_t g = eval_bits(e, 4, s, "fp16,fp32,int8", "fp32", NULL);

		same += a == b;
		order += a == c && d == g;
	}
	ok(same == 50, "the same seed gives the same bits in two sessions "
	    "(%d of 50)", same);
	ok(order == 50, "the same seed gives the same bits whatever the other "
	    "columns and their order (%d of 50)", order);
	/* Other seeds: 32 roundings of 1/3 in fp32, as 32 bits. */
	{
		uint64_t w[4] = { 0, 0, 0, 0 };

		for (uint64_t s = 0; s < 4; s++)
			for (int i = 0; i < 32; i++) {
				char src[32];
				uint64_t b;

				snprintf(src, sizeof src, "1 / 3");
				b = eval_bits(src, i + 1, s, "fp32", "fp32",
				    NULL);
				w[s] = (w[s] << 1) | (b & 1);
			}
		for (int i = 0; i < 4; i++)
			for (int j = i + 1; j < 4; j++)
				diff += w[i] != w[j];
		ok(diff == 6, "seeds 0..3: four different streams over 32 "
		    "lines of 1 / 3");
	}
	/* Other lines: the same expression on other lines rounds by other
	 * words (not all 32 lines alike). */
	{
		int up = 0;

		for (int i = 0; i < 64; i++)
			up += eval_bits("1 + 0x1p-11", i + 1, 5, "fp16", "fp16",
			    NULL) == 0x3c01;
		ok(up > 10 && up < 54, "one expression on 64 lines: %d rounded "
		    "up", up);
	}
}

/* ---- The default modes are untouched --------------------------------- */

static void
test_modes(void)
{
	ok(fpv_round_parse("stochastic") == FPV_RND_STOCHASTIC &&
	    strcmp(fpv_round_names[FPV_RND_STOCHASTIC], "stochastic") == 0,
	    "the fifth mode's name");
	ok(fpv_round_parse("nearest") == FPV_RND_NEAREST &&
	    fpv_round_parse("down") == FPV_RND_DOWN &&
	    fpv_round_parse("sideways") == -1, "the other names");
	{
		struct fpv_ctx c;
		unsigned fl = 0;
		uint64_t args[2] = { 0x3c00, 0x0001 };	/* fp16 1 + 2^-24 */

		fpv_ctx_init(&c);
		c.seed = 12;	/* ignored to nearest */
		ok(fpv_num_op(&c, fmt("fp16"), FPV_OP_ADD, args, &fl) == 0x3c00,
		    "to nearest the seed changes nothing");
		fpv_ctx_clear(&c);
	}
}

/* The completion of line (the word from start on): the one candidate,
 * or NULL. */
static char *
complete_one(const struct fpv_session *s, const char *line, size_t start)
{
	char append, **l = fpv_complete_list(s, line, start, line + start,
	    strlen(line) - start, &append);
	char *one = NULL;

	if (l != NULL && l[0] != NULL && l[1] == NULL)
		one = strdup(l[0]);
	fpv_complete_free(l);
	return one;
}

static void
test_completion(void)
{
	struct fpv_session s;
	char *w;

	fpv_session_init(&s);
	w = complete_one(&s, ":set round st", 11);
	ok(w != NULL && strcmp(w, "stochastic") == 0, ":set round st "
	    "completes to stochastic (%s)", w ? w : "none");
	free(w);
	w = complete_one(&s, ":set se", 5);
	ok(w != NULL && strcmp(w, "seed") == 0, ":set se completes to seed "
	    "(%s)", w ? w : "none");
	free(w);
	w = complete_one(&s, ":sam", 0);
	ok(w != NULL && strcmp(w, ":sample") == 0, ":sam completes to :sample "
	    "(%s)", w ? w : "none");
	free(w);
	fpv_session_free(&s);
}

int
main(void)
{
	static const char *const small[] = { "fp8e4m3", "fp8e5m2", "fp6e3m2",
	    "fp6e2m3", "fp4e2m1", NULL };

	test_modes();
	for (int i = 0; small[i]; i++)
		test_exactness(small[i]);
	test_sums("fp4e2m1");
	test_sums("fp6e2m3");
	test_sums("fp8e4m3");
	test_sums("fp8e5m2");
	for (int i = 0; small[i]; i++)
		test_overflow(small[i]);
	test_statistics();
	test_scheme();
	test_mean();
	test_reproducible();
	test_completion();
	return tap_done();
}
