/*
 * Error figures as text (fpv_dec_figure, fpv_figure_text): the one
 * notation of the text tables, the view and JSON.  Checked against
 * values derived by hand, and on random doubles against glibc's printf,
 * which rounds exactly (ties to even): short figures are "%.2g" (or
 * "%.3g" for a value on a two-digit tie), full ones the digits of
 * "%.16e" (or "%.17e" on a tie); figures known only to within 2^-good are checked with MPFR's
 * own printf on both ends of that interval.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/figure.h"
#include "fpviz/trace.h"
#include "tap.h"

/* A deterministic pseudo-random generator (xorshift64*). */
static uint64_t
rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15u;

	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return s * 0x2545f4914f6cdd1du;
}

/* fpv_dec_figure of the decimal text s read at prec bits. */
static const char *
fig(const char *s, mpfr_prec_t prec, int good, unsigned how)
{
	static char buf[FPV_DEC_FIGURE];
	mpfr_t x;

	mpfr_init2(x, prec);
	mpfr_set_str(x, s, 10, MPFR_RNDN);
	fpv_dec_figure(x, good, how, buf, sizeof buf);
	mpfr_clear(x);
	return buf;
}

/* Check one hand-derived figure. */
static void
hand(const char *in, mpfr_prec_t prec, int good, unsigned how,
    const char *want)
{
	const char *got = fig(in, prec, good, how);

	ok(strcmp(got, want) == 0, "%s at %ld bits (good %d%s%s) is %s (got %s)",
	    in, (long)prec, good, how & FPV_DEC_FIG_FULL ? ", full" : "",
	    how & FPV_DEC_FIG_SIGN ? ", signed" : "", want, got);
}

/* Figures derived by hand. */
static void
hand_figures(void)
{
	const int E = FPV_DEC_FIGURE_EXACT;

	/* 0.54 in fp16 is 0.5400390625: 3.90625e-05 too big, and the ulp
	 * there is 2^-11, so 0.08 ulp exactly. */
	hand("3.90625e-05", 64, E, FPV_DEC_FIG_SIGN, "+3.9e-05");
	hand("0.08", 64, 62, 0, "0.08");
	/* fp16 0 against 0.0001: the ulp is the subnormal spacing 2^-24,
	 * 0.0001 * 2^24 = 1677.7216 exactly. */
	hand("1677.7216", 53, 51, 0, "1.7e+03");
	hand("1677.7216", 53, 51, FPV_DEC_FIG_FULL, "1677.7216");
	hand("-0.0001", 64, 62, FPV_DEC_FIG_SIGN, "-0.0001");
	hand("-0.0001953125", 64, E, 0, "-0.0002");
	hand("-0.0001953125", 64, E, FPV_DEC_FIG_FULL, "-0.0001953125");
	hand("-0.00065104166666666667", 64, 61, 0, "-0.00065");
	hand("-1", 64, E, FPV_DEC_FIG_SIGN, "-1");
	hand("24", 53, 51, 0, "24");
	hand("0.4", 53, 51, 0, "0.4");
	hand("52183852.6464", 53, 51, 0, "5.2e+07");
	/* %.2g switches to scientific at 100 and below 1e-4. */
	hand("99.4", 53, 51, 0, "99");
	hand("99.96", 53, 51, 0, "1e+02");
	hand("0.00012", 53, 51, 0, "0.00012");
	hand("0.000012", 53, 51, 0, "1.2e-05");
	/* Ties at two digits: one more digit settles them. */
	hand("0.125", 53, E, 0, "0.125");
	hand("0.375", 53, 51, 0, "0.375");
	hand("1.25", 53, 51, 0, "1.25");
	hand("99.5", 53, 51, 0, "99.5");
	hand("125", 53, E, 0, "125");
	hand("1250", 53, E, 0, "1.25e+03");
	/* Known only to 4 bits: 0.5 +- 1/32 settles only "0.5". */
	hand("0.5", 53, 4, 0, "0.5");
	/* 7.96 +- 0.5 settles not one digit: its rounding, marked. */
	hand("7.96", 53, 4, 0, FPV_DEC_MARK "8");
	/* 1/3 known to 2^-62: seventeen threes. */
	hand("0.333333333333333333333333", 64, 62, FPV_DEC_FIG_FULL,
	    "0.33333333333333333");
	hand("3e-300", 64, 62, FPV_DEC_FIG_FULL, "3e-300");
	/* 2^-25 = 2.98023223876953125e-08, a tie at 17 digits. */
	hand("2.98023223876953125e-08", 64, 62, FPV_DEC_FIG_FULL,
	    "2.98023223876953125e-08");
	/* Specials. */
	hand("0", 53, E, FPV_DEC_FIG_SIGN, "0");
	hand("-0", 53, E, 0, "0");
	hand("@inf@", 53, E, FPV_DEC_FIG_SIGN, "+inf");
	hand("-@inf@", 53, E, FPV_DEC_FIG_SIGN, "-inf");
	hand("@inf@", 53, E, 0, "inf");
	hand("@nan@", 53, E, FPV_DEC_FIG_SIGN, "nan");
}

/* The significant digits (no trailing zeros) and decimal exponent of a
 * printf %e or %g text; returns the number of digits. */
static int
digits_of(const char *s, char *d, long *E)
{
	const char *e = strpbrk(s, "eE");
	long ex = e ? strtol(e + 1, NULL, 10) : 0;
	int n = 0, point = -1, lead = 0;
	bool seen = false;

	for (const char *p = s; *p && p != e; p++) {
		if (*p == '.') {
			point = n + lead;
			continue;
		}
		if (*p < '0' || *p > '9')
			continue;
		if (*p == '0' && !seen) {
			lead++;
			continue;
		}
		seen = true;
		d[n++] = *p;
	}
	if (point < 0)
		point = n + lead;
	while (n > 1 && d[n - 1] == '0')
		n--;
	d[n] = '\0';
	/* The first significant digit is at position lead of the digits,
	 * whose point follows position point. */
	*E = ex + point - lead - 1;
	return n;
}

/* Is |d| exactly halfway between two n-digit decimals: its exact
 * decimal (glibc prints it exactly; 61 digits hold more than any
 * double nearly on a tie agrees with one) is n digits, 5, zeros? */
static bool
on_tie(double d, int n)
{
	char s[128];
	int k = 0;

	snprintf(s, sizeof s, "%.60e", fabs(d));
	for (const char *p = s; *p && *p != 'e'; p++) {
		if (*p < '0' || *p > '9')
			continue;
		if (k == n && *p != '5')
			return false;
		if (k > n && *p != '0')
			return false;
		k++;
	}
	return true;
}

/* A random double of moderate exponent, sometimes a short one. */
static double
random_double(void)
{
	uint64_t r = rnd();
	int e = (int)(r % 61) - 30;

	switch ((r >> 8) % 4) {
	case 0:
		/* k/8, k/16: many exact ties. */
		return (double)((r >> 16) % 2000) / 16.0 * pow(10, e % 4);
	case 1:
		return (double)((r >> 16) % 1000) * pow(10, e);
	default: {
		double m = (double)(rnd() >> 11) / 9007199254740992.0 + 0.5;

		return ldexp(m, e * 3) * ((r >> 40) & 1 ? -1 : 1);
	}
	}
}

/* Exact doubles: "%.2g" (or "%.3g" on a tie), and full figures. */
static void
random_exact(int n)
{
	int bad_short = 0, bad_full = 0;

	for (int i = 0; i < n; i++) {
		double d = random_double();
		char got[FPV_DEC_FIGURE], want[64], dg[72], dw[72];
		long Eg, Ew;

		if (d == 0)
			continue;
		fpv_dec_figure_d(d, FPV_DEC_FIGURE_EXACT, 0, got, sizeof got);
		snprintf(want, sizeof want, on_tie(d, 2) ? "%.3g" : "%.2g", d);
		if (strcmp(got, want) != 0 && bad_short++ < 5)
			diag("short %.17g: got %s, want %s", d, got, want);
		fpv_dec_figure_d(d, FPV_DEC_FIGURE_EXACT, FPV_DEC_FIG_FULL, got,
		    sizeof got);
		snprintf(want, sizeof want, on_tie(d, 17) ? "%.17e" : "%.16e",
		    d);
		digits_of(got, dg, &Eg);
		digits_of(want, dw, &Ew);
		if ((strcmp(dg, dw) != 0 || Eg != Ew ||
		    (got[0] == '-') != (d < 0)) && bad_full++ < 5)
			diag("full %.17g: got %s, want %s", d, got, want);
	}
	ok(bad_short == 0, "%d exact doubles: short figures as %%.2g "
	    "(%%.3g on a tie) (%d differ)", n, bad_short);
	ok(bad_full == 0, "%d exact doubles: full figures to 17 digits "
	    "(18 on a tie) (%d differ)", n, bad_full);
}

/* Figures known to within 2^-good: every digit written is the rounding
 * of both ends of the interval (MPFR's printf, to as many digits). */
static void
random_uncertain(int n)
{
	int bad = 0, fewer = 0, short_ = 0;
	static const int goods[] = { 12, 20, 40, 51, 62 };

	for (int i = 0; i < n; i++) {
		double d = random_double();
		int good = goods[rnd() % 5];
		unsigned how = rnd() % 2 ? FPV_DEC_FIG_FULL : 0;
		char got[FPV_DEC_FIGURE], a[96], b[96], dg[72], da[72], db[72];
		long Eg, Ea, Eb;
		mpfr_t x, lo, hi;
		int nd;

		if (d == 0)
			continue;
		mpfr_inits2(200, x, lo, hi, (mpfr_ptr)0);
		mpfr_set_d(x, d, MPFR_RNDN);
		mpfr_mul_2si(lo, x, -good, MPFR_RNDN);
		mpfr_abs(lo, lo, MPFR_RNDN);
		mpfr_add(hi, x, lo, MPFR_RNDN);
		mpfr_sub(lo, x, lo, MPFR_RNDN);
		fpv_dec_figure_d(d, good, how, got, sizeof got);
		if (strncmp(got, FPV_DEC_MARK, FPV_DEC_MARK_LEN) == 0 ||
		    strncmp(got + 1, FPV_DEC_MARK, FPV_DEC_MARK_LEN) == 0) {
			fewer++;
			mpfr_clears(x, lo, hi, (mpfr_ptr)0);
			continue;
		}
		/* The digits written, counted before trailing zeros went:
		 * at least as many as are left. */
		nd = digits_of(got, dg, &Eg);
		/* Not fewer than settle: where both ends round alike to
		 * the digits good bits can hold (17 at most, 2 short), so
		 * does what was written. */
		{
			int want = how ? (good * 30103 / 100000 < 17 ?
			    good * 30103 / 100000 : 17) : 2;

			mpfr_snprintf(a, sizeof a, "%.*Re", want - 1, lo);
			mpfr_snprintf(b, sizeof b, "%.*Re", want - 1, hi);
			digits_of(a, da, &Ea);
			digits_of(b, db, &Eb);
			if (strcmp(da, db) == 0 && Ea == Eb &&
			    (strcmp(da, dg) != 0 || Ea != Eg) && short_++ < 5)
				diag("%.17g good %d: got %s, %d digits settle "
				    "(%s)", d, good, got, want, a);
		}
		for (int k = nd; k <= 18; k++) {
			mpfr_snprintf(a, sizeof a, "%.*Re", k - 1, lo);
			mpfr_snprintf(b, sizeof b, "%.*Re", k - 1, hi);
			digits_of(a, da, &Ea);
			digits_of(b, db, &Eb);
			if (strcmp(da, dg) == 0 && strcmp(db, dg) == 0 &&
			    Ea == Eg && Eb == Eg)
				break;
			if (k == 18 && bad++ < 5)
				diag("%.17g good %d: got %s, ends %s %s", d,
				    good, got, a, b);
		}
		mpfr_clears(x, lo, hi, (mpfr_ptr)0);
	}
	ok(bad == 0, "%d figures known to 2^-good: each digit settled "
	    "over the interval (%d wrong, %d marked)", n, bad, fewer);
	ok(short_ == 0, "%d figures known to 2^-good: as many digits as "
	    "settle (%d short)", n, short_);
}

/* The figures of an error record, by which: those the evaluator
 * certifies for fp16's 0.1 + 0.2. */
static void
record(void)
{
	struct fpv_session s;
	struct fpv_trace t;
	struct fpv_error err;
	struct fpv_errinfo e;
	char buf[FPV_DEC_FIGURE];
	const char *line = "0.1 + 0.2";
	int f = -1;

	fpv_session_init(&s);
	fpv_trace_init(&t);
	ok(fpv_eval_line(&s, line, strlen(line), 1, &t, &err) == 1,
	    "%s evaluates", line);
	for (int k = 0; k < fpv_trace_ncols(&t); k++)
		if (strcmp(fpv_trace_format(&t, k)->name, "fp16") == 0)
			f = k;
	fpv_errinfo_init(&e);
	/* 0.1 + 0.2 in fp16: 0.2998046875 against 0.3, -0.0001953125;
	 * relative -0.0001953125 / 0.3 = -0.000651041666...; the ulp at
	 * 0.3 is 2^-12, so 0.8 ulp; bits lost 11 + log2(0.000651...) =
	 * 0.415... */
	fpv_trace_accum_error(&t, t.nsteps - 1, f, &e);
	fpv_figure_text(&e, FPV_FIGURE_ABS, FPV_DEC_FIG_SIGN, buf, sizeof buf);
	ok(strcmp(buf, "-0.0002") == 0, "abs -0.0002 (%s)", buf);
	fpv_figure_text(&e, FPV_FIGURE_REL, FPV_DEC_FIG_FULL, buf, sizeof buf);
	ok(strcmp(buf, "-0.00065104166666666667") == 0,
	    "rel in full -0.00065104166666666667 (%s)", buf);
	fpv_figure_text(&e, FPV_FIGURE_ULPS, FPV_DEC_FIG_SIGN, buf, sizeof buf);
	ok(strcmp(buf, "0.8") == 0, "ulps unsigned 0.8 (%s)", buf);
	fpv_figure_text(&e, FPV_FIGURE_BITS, 0, buf, sizeof buf);
	ok(strcmp(buf, "0.42") == 0, "bits lost 0.42 (%s)", buf);
	fpv_errinfo_clear(&e);
	fpv_trace_free(&t);
	fpv_session_free(&s);
}

int
main(void)
{
	hand_figures();
	random_exact(200000);
	random_uncertain(20000);
	record();
	return tap_done();
}
