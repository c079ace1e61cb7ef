/*
 * Reproducible random numbers (rng.h): SplitMix64, xoshiro256**, the
 * polar method's normals with a correctly rounded logarithm, and the
 * stochastic-rounding key.
 *
 * Every floating-point step is a binary64 operation rounded to nearest:
 * products and sums are written as separate statements so that no
 * compiler contracts them into a fused multiply-add (C11 allows
 * contraction only within one expression; GCC in ISO C mode does not
 * contract at all), and double expressions must be evaluated in double
 * (FLT_EVAL_METHOD 0: SSE2, AArch64; not the x87 unit).
 *
 * The logarithm: for x = m * 2^k with m in [sqrt(1/2), sqrt(2)),
 * log x = k log 2 + 2 atanh(f), f = (m - 1) / (m + 1), |f| < 0.1716,
 * and 2 atanh(f) = 2 f (1 + z/3 + z^2/5 + ...), z = f^2 < 0.0295.  The
 * series' first eight terms are summed in double-double arithmetic
 * (Dekker's exact products and Knuth's exact sums), the rest (z^8 < 2^-40
 * of the whole) in double, up to z^19 (the tail beyond is below 2^-100).
 * The result hi + lo has a relative error far below BOUND = 2^-80 (at
 * most 2^-98.3 against MPFR on 1.6 million inputs of the polar method,
 * near 1 and near 0); hi is the correctly rounded log when
 * [hi + lo - BOUND |hi|, hi + lo + BOUND |hi|] holds no midpoint between
 * hi and a neighbour, and otherwise MPFR decides.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gmp.h>
#include <mpfr.h>

#include "fpviz/rng.h"

#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "rng.c needs double expressions evaluated in double (FLT_EVAL_METHOD 0)"
#endif

/* ---- SplitMix64 and xoshiro256** ------------------------------------ */

/* SplitMix64's output function. */
uint64_t
fpv_rng_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* One SplitMix64 step. */
uint64_t
fpv_rng_splitmix(uint64_t *state)
{
	*state += FPV_RNG_GOLDEN;
	return fpv_rng_mix(*state);
}

/* Seed the generator. */
void
fpv_rng_seed(struct fpv_rng *r, uint64_t seed)
{
	uint64_t st = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = fpv_rng_splitmix(&st);
	r->spare = 0;
	r->has_spare = 0;
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The next xoshiro256** output. */
uint64_t
fpv_rng_next(struct fpv_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* A uniform double in [0, 1). */
double
fpv_rng_uniform(struct fpv_rng *r)
{
	return (double)(fpv_rng_next(r) >> 11) * 0x1p-53;
}

/* ---- Double-double arithmetic --------------------------------------- */

struct dd {
	double hi, lo;
};

/* a + b exactly as hi + lo (Knuth's TwoSum). */
static inline struct dd
two_sum(double a, double b)
{
	double s = a + b;
	double bb = s - a;
	double e1 = s - bb;
	double e2 = a - e1;
	double e3 = b - bb;

	return (struct dd){ s, e2 + e3 };
}

/* a + b exactly, given |a| >= |b| or a == 0 (Dekker's FastTwoSum). */
static inline struct dd
fast_two_sum(double a, double b)
{
	double s = a + b;
	double t = s - a;

	return (struct dd){ s, b - t };
}

/* Dekker's split of a into two 26-bit halves. */
static inline struct dd
split(double a)
{
	double c = 134217729.0 * a;	/* 2^27 + 1 */
	double d = c - a;
	double h = c - d;

	return (struct dd){ h, a - h };
}

/* a * b exactly as hi + lo (Dekker's TwoProduct, without FMA). */
static inline struct dd
two_prod(double a, double b)
{
	struct dd x = split(a), y = split(b);
	double p = a * b;
	double t1 = x.hi * y.hi;
	double t2 = t1 - p;
	double t3 = x.hi * y.lo;
	double t4 = t2 + t3;
	double t5 = x.lo * y.hi;
	double t6 = t4 + t5;
	double t7 = x.lo * y.lo;

	return (struct dd){ p, t6 + t7 };
}

/* a + b in double-double. */
static inline struct dd
dd_add(struct dd a, struct dd b)
{
	struct dd s = two_sum(a.hi, b.hi), t = two_sum(a.lo, b.lo);
	double l1 = s.lo + t.hi;

	s = fast_two_sum(s.hi, l1);
	l1 = s.lo + t.lo;
	return fast_two_sum(s.hi, l1);
}

/* a * b in double-double. */
static inline struct dd
dd_mul(struct dd a, struct dd b)
{
	struct dd p = two_prod(a.hi, b.hi);
	double c1 = a.hi * b.lo;
	double c2 = a.lo * b.hi;
	double c3 = c1 + c2;
	double l = p.lo + c3;

	return fast_two_sum(p.hi, l);
}

/* a / b in double-double (a a double): a quotient digit and one
 * correction from the remainder a - q1 b, whose first difference is
 * exact (Sterbenz). */
static inline struct dd
dd_div_d(double a, struct dd b)
{
	double q1 = a / b.hi;
	struct dd p = two_prod(q1, b.hi);
	double r = a - p.hi;
	double t = q1 * b.lo;
	double q2;

	r = r - p.lo;
	r = r - t;
	q2 = r / b.hi;
	return fast_two_sum(q1, q2);
}

/* ---- The correctly rounded logarithm -------------------------------- */

/*
 * 1/(2j+1) for j = 0..19 as double-doubles (hi the nearest double, lo
 * the nearest double to the rest), from mpmath at 400 bits:
 *   for j in range(20): x = mpf(1)/(2*j+1); hi = float(x);
 *   print(hi.hex(), float(x - hi).hex())
 * (tests/test-rng.c checks the logarithm against MPFR's.)
 */
static const struct dd inv_odd[20] = {
	{ 0x1.0000000000000p+0, 0x0.0p+0 },			/* 1/1 */
	{ 0x1.5555555555555p-2, 0x1.5555555555555p-56 },	/* 1/3 */
	{ 0x1.999999999999ap-3, -0x1.999999999999ap-57 },	/* 1/5 */
	{ 0x1.2492492492492p-3, 0x1.2492492492492p-57 },	/* 1/7 */
	{ 0x1.c71c71c71c71cp-4, 0x1.c71c71c71c71cp-58 },	/* 1/9 */
	{ 0x1.745d1745d1746p-4, -0x1.745d1745d1746p-59 },	/* 1/11 */
	{ 0x1.3b13b13b13b14p-4, -0x1.3b13b13b13b14p-58 },	/* 1/13 */
	{ 0x1.1111111111111p-4, 0x1.1111111111111p-60 },	/* 1/15 */
	{ 0x1.e1e1e1e1e1e1ep-5, 0x1.e1e1e1e1e1e1ep-61 },	/* 1/17 */
	{ 0x1.af286bca1af28p-5, 0x1.af286bca1af28p-59 },	/* 1/19 */
	{ 0x1.8618618618618p-5, 0x1.8618618618618p-59 },	/* 1/21 */
	{ 0x1.642c8590b2164p-5, 0x1.642c8590b2164p-60 },	/* 1/23 */
	{ 0x1.47ae147ae147bp-5, -0x1.eb851eb851eb8p-61 },	/* 1/25 */
	{ 0x1.2f684bda12f68p-5, 0x1.2f684bda12f68p-59 },	/* 1/27 */
	{ 0x1.1a7b9611a7b96p-5, 0x1.1a7b9611a7b96p-61 },	/* 1/29 */
	{ 0x1.0842108421084p-5, 0x1.0842108421084p-60 },	/* 1/31 */
	{ 0x1.f07c1f07c1f08p-6, -0x1.f07c1f07c1f08p-61 },	/* 1/33 */
	{ 0x1.d41d41d41d41dp-6, 0x1.0750750750750p-60 },	/* 1/35 */
	{ 0x1.bacf914c1bad0p-6, -0x1.bacf914c1bad0p-60 },	/* 1/37 */
	{ 0x1.a41a41a41a41ap-6, 0x1.0690690690690p-60 },	/* 1/39 */
};

/* log 2 as a double-double (mpmath: hi = float(log(2)), lo = float(log(2) - hi)). */
static const struct dd ln2 = { 0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56 };

/* Terms summed in double-double; the rest in double. */
#define DD_TERMS 8
/* The relative error bound the rounding test assumes. */
#define LOG_BOUND 0x1p-80

/* The bits of a double, and back. */
static inline uint64_t
dbits(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof u);
	return u;
}

static inline double
bitsd(uint64_t u)
{
	double x;

	memcpy(&x, &u, sizeof x);
	return x;
}

/* log x by double-double arithmetic, for finite x > 0 (hi + lo). */
static struct dd
log_dd(double x)
{
	uint64_t u = dbits(x);
	int k = 0;
	double m, num, t;
	struct dd den, f, z, s, r;

	if ((u >> 52) == 0) {		/* subnormal: scale by 2^64 (exact) */
		x *= 0x1p64;
		u = dbits(x);
		k = -64;
	}
	/* x = m * 2^k with m in [1, 2), then in [sqrt(1/2), sqrt(2)). */
	k += (int)(u >> 52) - 1023;
	m = bitsd((u & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1023) << 52));
	if (m > 0x1.6a09e667f3bcdp+0) {	/* sqrt(2) rounded (from below) */
		m *= 0.5;
		k++;
	}
	num = m - 1.0;			/* exact (Sterbenz) */
	den = two_sum(m, 1.0);		/* exact */
	f = dd_div_d(num, den);
	z = dd_mul(f, f);
	/* The tail in double, then the first terms in double-double. */
	t = inv_odd[19].hi;
	for (int j = 18; j >= DD_TERMS; j--) {
		double tz = t * z.hi;

		t = tz + inv_odd[j].hi;
	}
	s = (struct dd){ t, 0 };
	for (int j = DD_TERMS - 1; j >= 0; j--)
		s = dd_add(dd_mul(s, z), inv_odd[j]);
	r = dd_mul(f, s);
	r.hi *= 2.0;			/* exact */
	r.lo *= 2.0;
	if (k != 0)
		r = dd_add(dd_mul(ln2, (struct dd){ (double)k, 0 }), r);
	return r;
}

/* Half the distance from x (finite, nonzero) to its neighbour away from
 * zero (away) or toward zero. */
static inline double
half_gap(double x, int away)
{
	uint64_t u = dbits(x);
	double y = bitsd(away ? u + 1 : u - 1);
	double d = y - x;

	return fabs(d) * 0.5;
}

/* The correctly rounded log of a positive finite double. */
double
fpv_rng_log(double x)
{
	struct dd r;
	double e, gap;

	if (x == 1.0)
		return 0.0;
	r = log_dd(x);
	/* |true - (hi + lo)| <= BOUND |hi|: hi is right unless a midpoint
	 * lies within that of hi + lo.  (r.hi is not zero: x != 1.) */
	e = fabs(r.hi) * LOG_BOUND;
	/* The nearer of the midpoints above and below hi. */
	gap = half_gap(r.hi, 1);
	if (half_gap(r.hi, 0) < gap)
		gap = half_gap(r.hi, 0);
	if (fabs(r.lo) + 2.0 * e < gap)
		return r.hi;
	{
		mpfr_t a;
		double y;

		mpfr_init2(a, 53);
		mpfr_set_d(a, x, MPFR_RNDN);
		mpfr_log(a, a, MPFR_RNDN);
		y = mpfr_get_d(a, MPFR_RNDN);
		mpfr_clear(a);
		return y;
	}
}

/* ---- Normals --------------------------------------------------------- */

/* The next standard normal. */
double
fpv_rng_normal(struct fpv_rng *r)
{
	double u, v, s, m;

	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	for (;;) {
		double uu, vv;

		u = 2.0 * fpv_rng_uniform(r) - 1.0;
		v = 2.0 * fpv_rng_uniform(r) - 1.0;
		uu = u * u;
		vv = v * v;
		s = uu + vv;
		if (s > 0.0 && s < 1.0)
			break;
	}
	{
		double l = -2.0 * fpv_rng_log(s);
		double q = l / s;

		m = sqrt(q);
	}
	r->spare = v * m;
	r->has_spare = 1;
	return u * m;
}

/* randn(n, seed). */
void
fpv_randn(double *out, size_t n, uint64_t seed)
{
	struct fpv_rng r;

	fpv_rng_seed(&r, seed);
	for (size_t i = 0; i < n; i++)
		out[i] = fpv_rng_normal(&r);
}

/* ---- Stochastic-rounding keys -------------------------------------- */

/* One field spread over the word: the SplitMix64 mix of (x + i) * G. */
static inline uint64_t
spread(uint64_t x, uint64_t i)
{
	return fpv_rng_mix((x + i) * FPV_RNG_GOLDEN);
}

/* The key of one stochastic rounding. */
uint64_t
fpv_rng_key(uint64_t seed, uint64_t step, uint32_t column, uint64_t element)
{
	uint64_t k = spread(seed, 1);

	k = fpv_rng_mix(k ^ spread(step, 2));
	k = fpv_rng_mix(k ^ spread(column, 3));
	return fpv_rng_mix(k ^ spread(element, 4));
}
