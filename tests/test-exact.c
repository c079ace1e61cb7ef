/*
 * The certified exact reference against independent truths.
 *
 * tests/exact-table.h holds expressions whose values PARI/GP and mpmath
 * computed at thousands of digits (see tests/gen-exact-table.py): fpviz's
 * exact row must print the correctly rounded decimal of each, digit for
 * digit (40 and 20 significant digits), in the right state, and the fp32
 * and fp64 columns of the new functions must hold those values rounded
 * to nearest into the format.  (glibc 2.36's manual promises correct
 * rounding only for sqrt, fma and rint among its functions, so libm is
 * the reference only for the exact nextafter, behind nextup, nextdown
 * and ulp.)  Then decimal ties of rationals, decided exactly, the states'
 * error figures, and the time the slowest case of the table takes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fpviz/decimal.h"
#include "fpviz/render.h"
#include "fpviz/trace.h"
#include "formats.h"
#include "tap.h"

#include "exact-table.h"

static struct fpv_session S;
static struct fpv_trace T;

/* A decimal as a sign, its significant digits and the exponent of the
 * first: 1.5e-3 is ("15", -3). */
struct sci {
	bool neg;
	char d[128];
	int n;
	long E;
};

/* Parse "-0.0015", "1.5e-03", "1.e-300", "2.3e301029995" into v;
 * trailing zeros dropped (but one digit kept). */
static bool
sci_parse(const char *s, struct sci *v)
{
	long e = 0, point = -1, lead = 0;
	int n = 0;
	bool any = false;

	v->neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.') {
			point = n + lead;
			continue;
		}
		if (*s < '0' || *s > '9')
			return false;
		if (!any && *s == '0') {
			lead++;
			continue;
		}
		any = true;
		if (n < (int)sizeof v->d - 1)
			v->d[n++] = *s;
	}
	if (*s)
		e = strtol(s + 1, NULL, 10);
	if (point < 0)
		point = n + lead;
	while (n > 1 && v->d[n - 1] == '0')
		n--;
	if (!any) {
		v->d[0] = '0';
		n = 1;
		v->E = 0;
	} else {
		v->E = e + point - lead - 1;
	}
	v->d[n] = '\0';
	v->n = n;
	return true;
}

/*
 * ref rounded to nearest at digits significant digits (ties to even;
 * ref exact when exact, else a rounding with more digits than that, and
 * then a digit string right after the cut that is 5 then zeros, or 4
 * then nines, would not decide it: false).  Trailing zeros dropped.
 */
static bool
sci_round(const struct sci *ref, bool exact, int digits, struct sci *out)
{
	int n = ref->n;

	*out = *ref;
	if (n <= digits)
		return true;
	if (!exact) {
		bool all0 = true, all9 = true;

		for (int i = digits + 1; i < n; i++) {
			all0 &= ref->d[i] == '0';
			all9 &= ref->d[i] == '9';
		}
		if ((ref->d[digits] == '5' && all0) ||
		    (ref->d[digits] == '4' && all9))
			return false;
	}
	bool up;

	if (ref->d[digits] > '5') {
		up = true;
	} else if (ref->d[digits] < '5') {
		up = false;
	} else {
		bool rest = false;

		for (int i = digits + 1; i < n; i++)
			rest |= ref->d[i] != '0';
		up = rest || !exact || (ref->d[digits - 1] - '0') % 2 == 1;
	}
	out->n = digits;
	out->d[digits] = '\0';
	if (up) {
		int i = digits - 1;

		while (i >= 0 && out->d[i] == '9')
			out->d[i--] = '0';
		if (i < 0) {
			memmove(out->d + 1, out->d, (size_t)digits);
			out->d[0] = '1';
			out->d[digits] = '\0';
			out->E++;
		} else {
			out->d[i]++;
		}
	}
	while (out->n > 1 && out->d[out->n - 1] == '0')
		out->d[--out->n] = '\0';
	return true;
}

/* Do a and b denote the same decimal? */
static bool
sci_equal(const struct sci *a, const struct sci *b)
{
	return a->neg == b->neg && a->E == b->E && strcmp(a->d, b->d) == 0;
}

/* The encoding of a hex string. */
static uint64_t
hexbits(const char *s)
{
	return strtoull(s, NULL, 16);
}

/* Seconds of the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Check fpviz's digits-digit exact row of the result against c. */
static bool
digits_right(const struct exact_case *c, int digits, const struct sci *ref)
{
	struct fpv_exact_text d;
	struct sci got, want;

	fpv_exact_describe(&T, T.nsteps - 1, digits, &d);
	if (d.len == 0 || !sci_parse(d.num, &got)) {
		diag("%s: no number at %d digits", c->expr, digits);
		return false;
	}
	if (!sci_round(ref, c->exact, digits, &want)) {
		diag("%s: the table's digits do not decide %d digits", c->expr,
		    digits);
		return false;
	}
	if (!sci_equal(&got, &want)) {
		diag("%s: %d digits: got %s, want %s%.1s.%se%ld", c->expr,
		    digits, d.num, want.neg ? "-" : "", want.d, want.d + 1,
		    want.E);
		return false;
	}
	/* Marked rounded exactly when it is (a ball's always is). */
	if (d.rounded != (c->state == FPV_EXACT_S_CERTIFIED ||
	    !(c->exact && ref->n <= digits))) {
		diag("%s: %d digits: rounded mark %d is wrong", c->expr, digits,
		    (int)d.rounded);
		return false;
	}
	return true;
}

/* The error figures of every format are numbers against a nonzero
 * reference, none but the absolute error against a zero or near-zero
 * one, none against an undefined one. */
static bool
figures_right(const struct exact_case *c)
{
	struct fpv_errinfo e;
	bool good = true;
	int sign = fpv_exact_sign(&fpv_trace_result(&T)->exact);

	fpv_errinfo_init(&e);
	for (int f = 0; f < FPV_NFORMATS && good; f++) {
		fpv_trace_accum_error(&T, T.nsteps - 1, f, &e);
		if (e.zero || !e.defined)
			continue;
		switch (c->state) {
		case FPV_EXACT_S_UNDEFINED:
		case FPV_EXACT_S_UNCERTIFIED:
			good = e.fig[FPV_ERR_ABS] == FPV_FIG_NONE &&
			    e.fig[FPV_ERR_REL] == FPV_FIG_NONE;
			break;
		case FPV_EXACT_S_NEAR_ZERO:
			good = e.fig[FPV_ERR_REL] == FPV_FIG_NONE &&
			    e.fig[FPV_ERR_ULPS] == FPV_FIG_NONE &&
			    (e.fig[FPV_ERR_ABS] == FPV_FIG_NUMBER ||
			    e.bound != LONG_MIN);
			break;
		default:
			good = sign == 0 ? e.fig[FPV_ERR_REL] == FPV_FIG_NONE :
			    e.fig[FPV_ERR_ABS] == FPV_FIG_NUMBER &&
			    e.fig[FPV_ERR_REL] == FPV_FIG_NUMBER &&
			    e.fig[FPV_ERR_ULPS] == FPV_FIG_NUMBER;
			break;
		}
		if (!good)
			diag("%s: %s's figures are %d %d %d", c->expr,
			    fpv_formats[f].name, e.fig[0], e.fig[1], e.fig[2]);
	}
	fpv_errinfo_clear(&e);
	return good;
}

/* The table: states, digits, columns; and the slowest case's time. */
static void
test_table(void)
{
	size_t n = sizeof exact_cases / sizeof exact_cases[0];
	double worst = 0;
	const char *slowest = "";
	FILE *null = fopen("/dev/null", "w");
	struct fpv_render_opts opts = { .steps = true };
	struct fpv_error err;

	ok(n >= 40, "the table has %zu expressions", n);
	for (size_t k = 0; k < n; k++) {
		const struct exact_case *c = &exact_cases[k];
		struct sci ref;
		long bits;
		double t0 = now(), dt;
		int rc = fpv_eval_line(&S, c->expr, strlen(c->expr), 1, &T,
		    &err);
		enum fpv_exact_state st;

		if (!ok(rc == 1, "%s evaluates", c->expr)) {
			diag("%s", err.msg);
			continue;
		}
		st = fpv_exact_state(&fpv_trace_result(&T)->exact, &bits);
		ok(st == c->state, "%s: state %s", c->expr,
		    fpv_exact_state_names[c->state]);
		if (st != c->state)
			diag("got %s", fpv_exact_state_names[st]);
		if (c->state == FPV_EXACT_S_CERTIFIED)
			ok(bits >= FPV_EXACT_GOAL, "%s: certified to %ld >= 64 "
			    "bits", c->expr, bits);
		if (c->state == FPV_EXACT_S_NEAR_ZERO)
			ok(bits >= 8000, "%s: zero to within 2^-%ld (the true "
			    "value is 0)", c->expr, bits);
		if (c->value != NULL && sci_parse(c->value, &ref)) {
			ok(digits_right(c, 40, &ref) && digits_right(c, 20, &ref),
			    "%s: 40 and 20 digits digit for digit", c->expr);
		}
		ok(figures_right(c), "%s: the error figures fit the state",
		    c->expr);
		if (c->fp32 != NULL)
			ok(fpv_trace_result_cells(&T)[FPV_FP32].bits ==
			    hexbits(c->fp32), "%s: fp32 %s", c->expr, c->fp32);
		if (c->fp64 != NULL)
			ok(fpv_trace_result_cells(&T)[FPV_FP64].bits ==
			    hexbits(c->fp64), "%s: fp64 %s", c->expr, c->fp64);
		/* All that is shown of it: text and JSON, with steps. */
		fpv_render_text(null, &T, &opts);
		fpv_render_json(null, &T, &opts);
		dt = now() - t0;
		if (dt > worst) {
			worst = dt;
			slowest = c->expr;
		}
	}
	/* A measurement, not a test: the machine may be busy. */
	diag("slowest case: %s, %.3f s (evaluated, text and JSON with steps)",
	    slowest, worst);
	fclose(null);
}

/* nextup, nextdown and ulp in fp32 and fp64 against C's exact nextafter. */
static void
test_next(void)
{
	static const char *const xs[] = {
		"1", "-1.5", "0", "-0", "0.1", "1e-310", "-4.9e-324",
		"1.7976931348623157e308", "-1.7976931348623157e308", "inf",
		"-inf", "1e-40", "3.4028234663852886e38"
	};
	int bad = 0;
	char line[96];
	struct fpv_error err;

	for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
		double x = strtod(xs[k], NULL);
		float xf = strtof(xs[k], NULL);
		double want[3];
		float wantf[3];

		want[0] = nextafter(x, INFINITY);
		want[1] = nextafter(x, -INFINITY);
		want[2] = isinf(x) ? NAN :
		    nextafter(x, copysign(INFINITY, x)) - x;
		wantf[0] = nextafterf(xf, INFINITY);
		wantf[1] = nextafterf(xf, -INFINITY);
		wantf[2] = isinf(xf) ? NAN :
		    nextafterf(xf, copysignf(INFINITY, xf)) - xf;
		for (int op = 0; op < 3; op++) {
			static const char *const name[3] = {
				"nextup", "nextdown", "ulp"
			};
			uint64_t g64, w64;
			uint32_t w32;

			snprintf(line, sizeof line, "%s(%s)", name[op], xs[k]);
			if (fpv_eval_line(&S, line, strlen(line), 1, &T,
			    &err) != 1) {
				bad++;
				continue;
			}
			g64 = fpv_trace_result_cells(&T)[FPV_FP64].bits;
			memcpy(&w64, &want[op], sizeof w64);
			memcpy(&w32, &wantf[op], sizeof w32);
			if (isnan(want[op]))
				w64 = fpv_formats[FPV_FP64].qnan;
			if (isnan(wantf[op]))
				w32 = (uint32_t)fpv_formats[FPV_FP32].qnan;
			if (g64 != w64 ||
			    fpv_trace_result_cells(&T)[FPV_FP32].bits != w32) {
				diag("%s: fp64 0x%llx (want 0x%llx), fp32 0x%llx "
				    "(want 0x%x)", line, (unsigned long long)g64,
				    (unsigned long long)w64, (unsigned long long)
				    fpv_trace_result_cells(&T)[FPV_FP32].bits, w32);
				bad++;
			}
		}
	}
	ok(bad == 0, "nextup, nextdown, ulp in fp32 and fp64 are nextafter's "
	    "(%d wrong)", bad);
	/* Their exact references: x, x and 0 (undefined at an infinity). */
	struct fpv_exact_text d;

	fpv_eval_line(&S, "nextup(0.1)", 11, 1, &T, &err);
	fpv_exact_describe(&T, T.nsteps - 1, 40, &d);
	ok(d.state == FPV_EXACT_S_EXACT && strcmp(d.num, "0.1") == 0,
	    "nextup(0.1)'s exact reference is 0.1");
	fpv_eval_line(&S, "ulp(0.1)", 8, 1, &T, &err);
	fpv_exact_describe(&T, T.nsteps - 1, 40, &d);
	ok(d.state == FPV_EXACT_S_EXACT && strcmp(d.num, "0") == 0,
	    "ulp(0.1)'s exact reference is 0");
	fpv_eval_line(&S, "ulp(inf)", 8, 1, &T, &err);
	ok(fpv_exact_state(&fpv_trace_result(&T)->exact, &(long){0}) ==
	    FPV_EXACT_S_UNDEFINED, "ulp(inf)'s exact reference is undefined");
}

/* Decimal ties of rationals are decided exactly, to even. */
static void
test_ties(void)
{
	static const struct { const char *x; int digits; const char *want;
	    int rounded; } cases[] = {
		{ "0.25", 1, "0.2", 1 },
		{ "0.35", 1, "0.4", 1 },
		{ "0.125", 2, "0.12", 1 },
		{ "0.375", 2, "0.38", 1 },
		{ "2.5", 1, "2", 1 },
		{ "3.5", 1, "4", 1 },
		{ "0.99999999999999999995", 20, "0.99999999999999999995", 0 },
		{ "0.999999999999999999995", 20, "1", 1 },
		{ "0.999999999999999999985", 20, "0.99999999999999999998", 1 },
		{ "0.99999999999999999994999999", 20,
		  "0.99999999999999999995", 1 },
		{ "1234567890123456789012345", 20, "1.234567890123456789e+24",
		  1 },
		{ "1234567890123456789052345", 20, "1.2345678901234567891e+24",
		  1 },
		{ "0.000123456789012345678905", 20,
		  "0.0001234567890123456789", 1 },
		{ "0x1.8p-1074", 2, "7.4e-324", 1 },
		{ "1e-5", 40, "1e-05", 0 },
	};
	char buf[128];
	int bad = 0;

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct fpv_exact x;
		bool rounded;

		fpv_exact_init(&x);
		fpv_exact_set_text(&x, cases[k].x, strlen(cases[k].x), false,
		    FPV_EXACT_PREC0);
		fpv_exact_format(&x, cases[k].digits, FPV_EXACT_REPR, buf,
		    sizeof buf, &rounded);
		if (strcmp(buf, cases[k].want) != 0 ||
		    rounded != cases[k].rounded) {
			diag("%s to %d digits: %s (rounded %d), want %s",
			    cases[k].x, cases[k].digits, buf, (int)rounded,
			    cases[k].want);
			bad++;
		}
		fpv_exact_clear(&x);
	}
	ok(bad == 0, "decimal ties of rationals go to even, exactly (%d "
	    "wrong)", bad);
}

/*
 * Error figures of exact rationals (fpv_exact_figure): the value's own
 * rounding to 17 digits (JSON) or 2 (tables), ties to even, and one
 * digit more exactly on a tie.  The cases are decimal texts (rationals
 * with powers of 5 in the denominator, not dyadic) and quotients, and
 * the wanted digits are derived by hand from their decimal expansions:
 * 1/3 = 0.333..., 2/3 = 0.666... (the 18th digit 6 rounds up), a tie
 * written out, the same tie plus or minus 10^-40 (not a tie: the side
 * decides), 0.99999999999999999|6 (17 nines and a 6: carried up to
 * a decade), and 99|5, 99|6 to two digits.
 */
static void
test_rational_figures(void)
{
	static const struct { const char *a, *b; unsigned how; const char *want; } cases[] = {
		{ "1", "3", FPV_DEC_FIG_FULL, "0.33333333333333333" },
		{ "2", "3", FPV_DEC_FIG_FULL, "0.66666666666666667" },
		{ "-2", "3", FPV_DEC_FIG_FULL | FPV_DEC_FIG_SIGN,
		  "-0.66666666666666667" },
		{ "2", "3", FPV_DEC_FIG_FULL | FPV_DEC_FIG_SIGN,
		  "+0.66666666666666667" },
		/* 1.2345678901234567|5e-9: a tie of 17 digits, exactly */
		{ "1.23456789012345675e-9", "1", FPV_DEC_FIG_FULL,
		  "1.23456789012345675e-09" },
		{ "1.2345678901234567500000000000000000000001e-9", "1",
		  FPV_DEC_FIG_FULL, "1.2345678901234568e-09" },
		{ "1.2345678901234567499999999999999999999999e-9", "1",
		  FPV_DEC_FIG_FULL, "1.2345678901234567e-09" },
		{ "0.999999999999999996", "1", FPV_DEC_FIG_FULL, "1" },
		{ "0.999999999999999994", "1", FPV_DEC_FIG_FULL,
		  "0.99999999999999999" },
		{ "0.125", "1", 0, "0.125" },		/* a tie of 2 digits */
		{ "0.1250000000000000000000001", "1", 0, "0.13" },
		{ "1", "30", 0, "0.033" },
		{ "-995", "1", 0, "-995" },		/* 99|5: a tie */
		{ "-996", "1", 0, "-1e+03" },
		{ "994", "1", 0, "9.9e+02" },
	};
	char buf[FPV_DEC_FIGURE];
	int bad = 0;

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct fpv_exact a, b, q;
		const struct fpv_exact *args[3];

		fpv_exact_init(&a);
		fpv_exact_init(&b);
		fpv_exact_init(&q);
		bool neg = cases[k].a[0] == '-';
		const char *at = cases[k].a + neg;

		fpv_exact_set_text(&a, at, strlen(at), neg, FPV_EXACT_PREC0);
		fpv_exact_set_text(&b, cases[k].b, strlen(cases[k].b), false,
		    FPV_EXACT_PREC0);
		args[0] = &a;
		args[1] = &b;
		args[2] = NULL;
		fpv_exact_op(&q, FPV_OP_DIV, args, FPV_EXACT_PREC0);
		fpv_exact_figure(&q, cases[k].how, buf, sizeof buf);
		if (q.kind != FPV_EXACT_Q || strcmp(buf, cases[k].want) != 0) {
			diag("%s / %s: %s, want %s", cases[k].a, cases[k].b, buf,
			    cases[k].want);
			bad++;
		}
		fpv_exact_clear(&a);
		fpv_exact_clear(&b);
		fpv_exact_clear(&q);
	}
	ok(bad == 0, "figures of exact rationals: their own rounding, one "
	    "digit more on a tie (%d wrong)", bad);
}

/*
 * Literals whose exponents have more digits than any integer holds: no
 * value is computed for them (not certified: beyond 2^(+-2^60); they are
 * numbers all the same), and reading the exponent never overflows (the
 * sanitizer build checks that).
 */
static void
test_long_exponents(void)
{
	static const char *const cases[] = {
		"1e9999999999999999999999999", "1e-9999999999999999999999999",
		"0x1p9999999999999999999999", "0x1p-99999999999999999999999",
		"1e3000000000000000000",
	};
	int bad = 0;

	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct fpv_exact x;
		long n;

		fpv_exact_init(&x);
		if (fpv_exact_set_text(&x, cases[k], strlen(cases[k]), false,
		    FPV_EXACT_PREC0) != 0 ||
		    fpv_exact_state(&x, &n) != FPV_EXACT_S_UNCERTIFIED ||
		    n != FPV_WHY_RANGE) {
			diag("%s: not 'not certified (beyond 2^(+-2^60))'",
			    cases[k]);
			bad++;
		}
		fpv_exact_clear(&x);
	}
	ok(bad == 0, "exponents of 19 digits and more: not certified, no "
	    "overflow (%d wrong)", bad);
}

/*
 * Ctrl-C (fpv_interrupt) stops the precision loop: sin(1) is certified
 * at the first precision, so one more notch is possible; interrupted,
 * fpv_exact_raise refuses it and the precision stays; a line evaluated
 * while the flag is set is abandoned with "interrupted".
 */
static void
test_interrupt(void)
{
	struct fpv_error err;
	const char *line = "sin(1) + sin(2)";
	size_t last;
	slong p;

	ok(fpv_eval_line(&S, line, strlen(line), 1, &T, &err) == 1,
	    "%s evaluates", line);
	last = T.nsteps - 1;
	p = T.steps[last].exact.prec;
	fpv_interrupt = 1;
	ok(!fpv_exact_raise(&T, last) && T.steps[last].exact.prec == p,
	    "interrupted, the precision is not raised (%ld bits)", (long)p);
	ok(fpv_eval_line(&S, line, strlen(line), 1, &T, &err) == -1 &&
	    strcmp(err.msg, "interrupted") == 0,
	    "a line evaluated while interrupted says so");
	fpv_interrupt = 0;
	ok(fpv_eval_line(&S, line, strlen(line), 1, &T, &err) == 1 &&
	    fpv_exact_raise(&T, T.nsteps - 1) &&
	    T.steps[T.nsteps - 1].exact.prec > p,
	    "after the interrupt, it is raised again");
}

/* The cases as a new user tried them: the text rows. */
static void
test_rows(void)
{
	static const struct { const char *expr, *want; } cases[] = {
		{ "(1+1e-300) - 1", "  exact" },
		{ "sin(pi)", "zero to within 2^-8" },
		{ "tan(pi/2)", "undefined" },
		{ "1e999999999999", "\xe2\x89\x88""1e+999999999999  certified" },
		{ "sqrt(2)^2-2", "zero to within 2^-8" },
	};
	struct fpv_render_opts opts = { .steps = false };
	struct fpv_error err;
	int ncols = S.ctx.ncols;
	uint8_t cols[FPV_COLUMNS_MAX];

	/* fp64 alone. */
	memcpy(cols, S.ctx.cols, sizeof cols);
	S.ctx.ncols = 1;
	S.ctx.cols[0] = FPV_FP64;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		char *buf = NULL;
		size_t size = 0;
		FILE *out = open_memstream(&buf, &size);

		fpv_eval_line(&S, cases[k].expr, strlen(cases[k].expr), 1, &T,
		    &err);
		fpv_render_text(out, &T, &opts);
		fclose(out);
		ok(buf && strstr(buf, cases[k].want) != NULL,
		    "%s: the exact row says %s", cases[k].expr, cases[k].want);
		if (k == 0)
			ok(buf && strstr(buf, "1e-300\n") &&
			    strstr(buf, "err -1e-300 (rel -1, "),
			    "(1+1e-300) - 1: exactly 1e-300, fp64 lost all of it");
		if (k == 1 || k == 4)
			ok(buf && strstr(buf, "(rel \xe2\x80\x94, \xe2\x80\x94 ulp)"),
			    "%s: no relative error, no ulps", cases[k].expr);
		free(buf);
	}
	S.ctx.ncols = ncols;
	memcpy(S.ctx.cols, cols, sizeof cols);
}

int
main(void)
{
	fpv_session_init(&S);
	fpv_trace_init(&T);
	test_table();
	test_next();
	test_ties();
	test_rational_figures();
	test_long_exponents();
	test_interrupt();
	test_rows();
	fpv_trace_free(&T);
	fpv_session_free(&S);
	return tap_done();
}
