/*
 * randn's generator and the stochastic-rounding key against independent
 * truths:
 *
 *   - SplitMix64's published vector (seed 1234567: the outputs Vigna's
 *     splitmix64.c and Java's SplittableRandom give);
 *   - values computed once by the Python program below (python3 with
 *     mpmath 1.x), a reimplementation from the man page's description,
 *     with the correctly rounded log taken from mpmath at 300 bits and
 *     checked far from a rounding midpoint;
 *   - fpv_rng_log against MPFR's mpfr_log (round to nearest) on edge and
 *     pseudo-random inputs, and the size of its double-double error;
 *   - statistics: the moments of 10^5 normals and the uniformity and
 *     avalanche of the keys, within bounds of 5 standard deviations or
 *     more (the inputs are fixed, so the test is deterministic).
 *
 * The Python program (printing randn(7, seed) for seeds 0, 1, 42 and
 * 2^64 - 1 with print([x.hex() for x in randn(7, seed)]), elements 999
 * to 1002 of randn(1003, 7), the first three xoshiro256** outputs of
 * seed 0 and the keys below with hex(key(...))):
 *
 * # Independent reference of fpviz's randn and stochastic-rounding key.
 * import math, mpmath
 * M = (1 << 64) - 1
 * G = 0x9e3779b97f4a7c15
 * def mix(z):
 *     z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M
 *     z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M
 *     return z ^ (z >> 31)
 * def rotl(x, k):
 *     return ((x << k) | (x >> (64 - k))) & M
 * class Xoshiro:
 *     def __init__(self, seed):
 *         st = seed
 *         self.s = []
 *         for _ in range(4):
 *             st = (st + G) & M
 *             self.s.append(mix(st))
 *     def next(self):
 *         s = self.s
 *         r = (rotl((s[1] * 5) & M, 7) * 9) & M
 *         t = (s[1] << 17) & M
 *         s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
 *         s[2] ^= t; s[3] = rotl(s[3], 45)
 *         return r
 * def crlog(s):
 *     # the correctly rounded log: log at 300 bits rounded to the nearest
 *     # double, which is far from both midpoints (no double rounding)
 *     mpmath.mp.prec = 300
 *     y = mpmath.log(mpmath.mpf(s))
 *     d = float(y)
 *     for nb in (math.nextafter(d, math.inf), math.nextafter(d, -math.inf)):
 *         mid = (mpmath.mpf(d) + mpmath.mpf(nb)) / 2
 *         assert abs(y - mid) > abs(y) * mpmath.mpf(2) ** -250
 *         assert abs(y - mpmath.mpf(d)) < abs(y - mpmath.mpf(nb))
 *     return d
 * def randn(n, seed):
 *     g = Xoshiro(seed)
 *     out = []
 *     while len(out) < n:
 *         while True:
 *             u = 2.0 * ((g.next() >> 11) * 2.0 ** -53) - 1.0
 *             v = 2.0 * ((g.next() >> 11) * 2.0 ** -53) - 1.0
 *             s = u * u + v * v
 *             if 0.0 < s < 1.0:
 *                 break
 *         m = math.sqrt(-2.0 * crlog(s) / s)
 *         out += [u * m, v * m]
 *     return out[:n]
 * def key(seed, step, column, element):
 *     sp = lambda x, i: mix(((x + i) * G) & M)
 *     k = sp(seed, 1)
 *     k = mix(k ^ sp(step, 2))
 *     k = mix(k ^ sp(column, 3))
 *     return mix(k ^ sp(element, 4))
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <mpfr.h>

#include "fpviz/rng.h"
#include "tap.h"

/* SplitMix64 from seed 1234567: the published first five outputs. */
static void
test_splitmix(void)
{
	static const uint64_t want[5] = {
		UINT64_C(6457827717110365317), UINT64_C(3203168211198807973),
		UINT64_C(9817491932198370423), UINT64_C(4593380528125082431),
		UINT64_C(16408922859458223821)
	};
	uint64_t st = 1234567;
	int good = 1;

	for (int i = 0; i < 5; i++)
		good &= fpv_rng_splitmix(&st) == want[i];
	ok(good, "SplitMix64 from 1234567 gives the published outputs");
}

/* xoshiro256** seeded by SplitMix64 from 0, against the Python program. */
static void
test_xoshiro(void)
{
	static const uint64_t want[3] = {
		UINT64_C(0x99ec5f36cb75f2b4), UINT64_C(0xbf6e1f784956452a),
		UINT64_C(0x1a5f849d4933e6e0)
	};
	struct fpv_rng r;
	int good = 1;

	fpv_rng_seed(&r, 0);
	for (int i = 0; i < 3; i++)
		good &= fpv_rng_next(&r) == want[i];
	ok(good, "xoshiro256** from seed 0: the first three outputs");
}

/* randn(7, seed) against the Python program's values. */
static void
test_randn_values(void)
{
	static const struct {
		uint64_t seed;
		double v[7];
	} cases[] = {
		{ 0, { 0x1.323a82a4bc9e5p-1, 0x1.76a54f2c0effap+0,
		    -0x1.ca445408b789ap-1, -0x1.81270d2ddbad5p-3,
		    -0x1.3532999190f0ap+1, 0x1.1b72138aac960p+0,
		    -0x1.8678d5e775bcep-1 } },
		{ 1, { 0x1.e267c87ac62ebp+0, 0x1.84abd879d0e18p-3,
		    0x1.4d55c9633557cp+0, -0x1.e8d0b0399ee9cp+0,
		    0x1.c0d732ae4b3ddp-2, -0x1.95abea9281847p-1,
		    -0x1.5088df52fd8fdp-1 } },
		{ 42, { -0x1.73d2feb0fb377p-1, -0x1.b088028693f9cp-3,
		    0x1.c5e21f7812a4cp-3, 0x1.0ba8bb0c5fa51p-1,
		    0x1.db514bfac5b4ep-2, 0x1.7b6195d5a3e23p-1,
		    0x1.79eb7c13cfccdp+0 } },
		{ UINT64_MAX, { 0x1.5b0c931717ca1p-2, 0x1.836a0190dbfe8p+0,
		    0x1.9459092948e09p-5, 0x1.acda0e0583835p+0,
		    0x1.e70581bf61ff9p-2, 0x1.a3ba55a0aa07cp+0,
		    -0x1.41bb8c540701dp-1 } },
	};
	static const double tail[4] = {
		0x1.f79d38bfd0361p+0, 0x1.6aeb0bfc7cc8dp-2,
		0x1.2805c01f40a14p-1, 0x1.df015605e24d2p-1
	};
	double out[1003];

	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		int good = 1;

		fpv_randn(out, 7, cases[c].seed);
		for (int i = 0; i < 7; i++)
			if (memcmp(&out[i], &cases[c].v[i], sizeof out[i]) != 0) {
				if (good)
					diag("seed %llu element %d: %a, want %a",
					    (unsigned long long)cases[c].seed,
					    i, out[i], cases[c].v[i]);
				good = 0;
			}
		ok(good, "randn(7, %llu) is the reference's, bit for bit",
		    (unsigned long long)cases[c].seed);
	}
	fpv_randn(out, 1003, 7);
	ok(memcmp(out + 999, tail, sizeof tail) == 0,
	    "randn(1003, 7): elements 999..1002 are the reference's");
	{
		double a[9], b[8];

		fpv_randn(a, 9, 5);
		fpv_randn(b, 8, 5);
		ok(memcmp(a, b, sizeof b) == 0,
		    "randn(8, 5) is a prefix of randn(9, 5) (an odd n drops "
		    "the last pair's second)");
	}
}

/* fpv_rng_log(x) against mpfr_log at 53 bits, to nearest. */
static int
log_agrees(double x)
{
	mpfr_t a;
	double want;

	mpfr_init2(a, 53);
	mpfr_set_d(a, x, MPFR_RNDN);
	mpfr_log(a, a, MPFR_RNDN);
	want = mpfr_get_d(a, MPFR_RNDN);
	mpfr_clear(a);
	if (fpv_rng_log(x) == want)
		return 1;
	diag("log(%a): %a, MPFR %a", x, fpv_rng_log(x), want);
	return 0;
}

static void
test_log(void)
{
	static const double edge[] = {
		1.0, 0.5, 0.25, 2.0, 0x1p-1022, 0x1p-1074, 0x1.fffffffffffffp-1,
		0x1.0000000000001p+0, 0x1.6a09e667f3bcdp+0,
		0x1.6a09e667f3bccp+0, 0x1.6a09e667f3bcep+0,
		0x1.6a09e667f3bcdp-1, 0x1.6a09e667f3bccp-1, 0x1p-104,
		0x1.fffffffffffffp+1023, 3.0, 10.0, 0.1, 1e-300,
		0x1.5555555555555p-1, 0x1.ffffffffffffep-1
	};
	struct fpv_rng r;
	int good = 1, n = 0;

	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
		good &= log_agrees(edge[i]);
	ok(good, "log: %zu edge inputs correctly rounded",
	    sizeof edge / sizeof edge[0]);
	/* The inputs the polar method gives (u*u + v*v), inputs near 1,
	 * and inputs spread over the whole range. */
	fpv_rng_seed(&r, 2024);
	good = 1;
	for (int i = 0; i < 60000; i++) {
		double u = 2 * fpv_rng_uniform(&r) - 1;
		double v = 2 * fpv_rng_uniform(&r) - 1;
		double uu = u * u, vv = v * v, s = uu + vv, x;
		uint64_t b;

		switch (i % 3) {
		case 0:
			x = s;
			break;
		case 1:
			x = 1 - fpv_rng_uniform(&r) * 0x1p-30;
			break;
		default:
			b = fpv_rng_next(&r) & ~(UINT64_C(1) << 63);
			memcpy(&x, &b, sizeof x);
			if (!isfinite(x) || x == 0)
				x = 1.5;
			break;
		}
		if (x > 0 && good && !log_agrees(x))
			good = 0;
		n++;
	}
	ok(good, "log: %d pseudo-random inputs correctly rounded", n);
}

/* Moments of 10^5 normals (seed 12345): each within 5 sigma or better. */
static void
test_moments(void)
{
	enum { N = 100000 };
	double *x = malloc(N * sizeof *x), m1 = 0, m2 = 0, m3 = 0, m4 = 0;
	int within1 = 0;

	if (x == NULL)
		abort();
	fpv_randn(x, N, 12345);
	for (int i = 0; i < N; i++) {
		double v = x[i];

		m1 += v;
		m2 += v * v;
		m3 += v * v * v;
		m4 += v * v * v * v;
		within1 += fabs(v) < 1;
	}
	m1 /= N;
	m2 /= N;
	m3 /= N;
	m4 /= N;
	diag("mean %.5f, E[x^2] %.5f, E[x^3] %.5f, E[x^4] %.4f, P(|x|<1) %.5f",
	    m1, m2, m3, m4, (double)within1 / N);
	/* Standard deviations of the estimates: 1/sqrt(N) = 0.0032,
	 * sqrt(2/N) = 0.0045, sqrt(15/N) = 0.0122, sqrt(96/N) = 0.031,
	 * sqrt(p(1-p)/N) = 0.0015 with p = 0.682689. */
	ok(fabs(m1) < 0.016, "mean of 10^5 normals within 5 sigma of 0");
	ok(fabs(m2 - 1) < 0.0225, "E[x^2] within 5 sigma of 1");
	ok(fabs(m3) < 0.061, "E[x^3] within 5 sigma of 0");
	ok(fabs(m4 - 3) < 0.155, "E[x^4] within 5 sigma of 3");
	ok(fabs((double)within1 / N - 0.682689) < 0.0074,
	    "P(|x| < 1) within 5 sigma of 0.682689");
	free(x);
}

/* Keys against the Python program, and their statistics. */
static void
test_keys(void)
{
	static const struct {
		uint64_t seed, step;
		uint32_t column;
		uint64_t element, want;
	} cases[] = {
		{ 0, 0, 0, 0, UINT64_C(0xa093752749b96149) },
		{ 1, 2, 3, 4, UINT64_C(0x8586d8f97c97d902) },
		{ 42, 7, 1, 999999, UINT64_C(0x663ef1a42afcde40) },
		{ UINT64_MAX, UINT64_MAX, UINT32_MAX, UINT64_MAX,
		    UINT64_C(0xc99972b6cd5a63a7) },
	};
	enum { N = 160000, B = 16 };
	long count[B] = { 0 };
	double chi2 = 0, mean = 0, flips = 0;
	int good = 1, trials = 0;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		good &= fpv_rng_key(cases[i].seed, cases[i].step,
		    cases[i].column, cases[i].element) == cases[i].want;
	ok(good, "keys of four tuples are the reference's");
	ok(fpv_rng_key_unit(UINT64_MAX) == 1 - 0x1p-53 &&
	    fpv_rng_key_unit(0) == 0 &&
	    fpv_rng_key_unit(UINT64_C(1) << 63) == 0.5,
	    "a key as a uniform: its top 53 bits times 2^-53");
	/* Sequential elements of one step and column: 16 equal buckets
	 * (chi-square with 15 degrees of freedom; P(> 45) < 10^-4). */
	for (int i = 0; i < N; i++) {
		uint64_t k = fpv_rng_key(7, 3, 2, (uint64_t)i);

		count[k >> 60]++;
		mean += fpv_rng_key_unit(k);
	}
	for (int b = 0; b < B; b++) {
		double d = count[b] - (double)N / B;

		chi2 += d * d / ((double)N / B);
	}
	mean /= N;
	diag("chi-square of 16 buckets %.2f, mean %.5f", chi2, mean);
	ok(chi2 < 45, "keys of sequential elements fill 16 buckets evenly");
	ok(fabs(mean - 0.5) < 5 * 0.2887 / sqrt(N),
	    "the mean of their uniforms is within 5 sigma of 1/2");
	/* Avalanche: one input bit flipped changes each output bit with
	 * probability 1/2 (32 bits on average; the sd of the average of
	 * 4 * 64 * 40 flips is 4/sqrt(10240) = 0.04). */
	for (int t = 0; t < 40; t++) {
		uint64_t in[4] = { (uint64_t)t * 977, (uint64_t)t, 5,
		    (uint64_t)t * 31 }, base;

		base = fpv_rng_key(in[0], in[1], (uint32_t)in[2], in[3]);
		for (int f = 0; f < 4; f++)
			for (int bit = 0; bit < (f == 2 ? 32 : 64); bit++) {
				uint64_t x[4];

				memcpy(x, in, sizeof x);
				x[f] ^= UINT64_C(1) << bit;
				flips += __builtin_popcountll(base ^
				    fpv_rng_key(x[0], x[1], (uint32_t)x[2],
				    x[3]));
				trials++;
			}
	}
	flips /= trials;
	diag("average output bits changed by one input bit: %.3f", flips);
	ok(fabs(flips - 32) < 0.25,
	    "one flipped input bit changes 32 output bits on average");
}

int
main(void)
{
	test_splitmix();
	test_xoshiro();
	test_randn_values();
	test_log();
	test_moments();
	test_keys();
	mpfr_free_cache();
	return tap_done();
}
