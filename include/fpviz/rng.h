/*
 * Reproducible random numbers: a normal generator for randn(n, seed)
 * and a counter-based key for stochastic rounding.
 *
 * Everything here is specified down to the bit, so that the same seed
 * gives the same numbers on every machine and a user can reproduce them
 * in a few lines of another language (the man page has them in Python):
 *
 *   SplitMix64 (Steele, Lea, Flood 2014; Vigna's splitmix64.c), with
 *   G = 0x9e3779b97f4a7c15 and all arithmetic modulo 2^64:
 *     mix(z):  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
 *              z = (z ^ (z >> 27)) * 0x94d049bb133111eb
 *              return z ^ (z >> 31)
 *     next:    state += G; return mix(state)
 *
 *   xoshiro256** 1.0 (Blackman, Vigna 2018), its four state words the
 *   first four SplitMix64 outputs from state = seed.
 *
 *   A uniform U in [0, 1): the top 53 bits of one xoshiro256** output,
 *   U = (x >> 11) * 2^-53 (exact in binary64).
 *
 *   Normals by Marsaglia's polar method, in binary64 arithmetic, each
 *   operation rounded to nearest (no fused multiply-add):
 *     repeat: u = 2 U1 - 1, v = 2 U2 - 1 (both exact),
 *             s = u*u + v*v (two products and a sum, each rounded)
 *     until 0 < s < 1;
 *     m = sqrt(-2 log(s) / s), where log is the correctly rounded
 *     natural logarithm (round to nearest) and -2 log(s), / s and sqrt
 *     are IEEE operations;
 *     the pair u*m, v*m (each product rounded) are the next two normals.
 *   randn(n, seed) is the first n normals of the generator seeded with
 *   seed: an odd n drops the second of the last pair, so randn(n) is
 *   always a prefix of randn(n + 1).
 *
 * The logarithm is computed in double-double arithmetic (a series for
 * atanh; relative error about 2^-98) and rounded to a double when an
 * error bound of 2^-80 proves the rounding; otherwise (about once in
 * 2^26 calls) MPFR's correctly rounded mpfr_log decides.  Besides it
 * only IEEE 754's basic operations and square root are used, so the
 * numbers do not depend on the C library's log.
 *
 * The key of one stochastic rounding (fpv_rng_key) hashes the seed, the
 * evaluation step, the column and the element index with the same mix:
 *     spread(x, i) = mix((x + i) * G)
 *     k = spread(seed, 1)
 *     k = mix(k ^ spread(step, 2))
 *     k = mix(k ^ spread(column, 3))
 *     k = mix(k ^ spread(element, 4))
 * so that each rounding of a run gets its own uniform, whatever order
 * the elements and columns are evaluated in.  As a uniform in [0, 1) it
 * is k / 2^64 (fpv_rng_key_unit gives its top 53 bits).
 *
 * No state is global: a generator is a small value the caller owns.
 */
#ifndef FPVIZ_RNG_H
#define FPVIZ_RNG_H

#include <stddef.h>
#include <stdint.h>

/* The SplitMix64 increment, the golden ratio's 64-bit fraction. */
#define FPV_RNG_GOLDEN UINT64_C(0x9e3779b97f4a7c15)

/* A normal generator: xoshiro256** state and a spare normal. */
struct fpv_rng {
	uint64_t s[4];
	double spare;		/* the second normal of the last pair */
	int has_spare;
};

/* SplitMix64's output function (a bijection of 64-bit words). */
uint64_t fpv_rng_mix(uint64_t z);

/* One SplitMix64 step: advance *state by FPV_RNG_GOLDEN, return its mix. */
uint64_t fpv_rng_splitmix(uint64_t *state);

/* Seed r: xoshiro256**'s state from four SplitMix64 outputs of seed. */
void fpv_rng_seed(struct fpv_rng *r, uint64_t seed);

/* The next xoshiro256** output. */
uint64_t fpv_rng_next(struct fpv_rng *r);

/* A uniform double in [0, 1): (next >> 11) * 2^-53. */
double fpv_rng_uniform(struct fpv_rng *r);

/* The next standard normal (polar method, as above). */
double fpv_rng_normal(struct fpv_rng *r);

/* randn(n, seed): the first n normals of the generator seeded with seed. */
void fpv_randn(double *out, size_t n, uint64_t seed);

/*
 * The correctly rounded natural logarithm (round to nearest) of a
 * positive finite double; what the polar method uses.  Exposed for the
 * tests.
 */
double fpv_rng_log(double x);

/*
 * The key of one stochastic rounding: a hash of (seed, step, column,
 * element), as above.  Deterministic; independent of evaluation order.
 */
uint64_t fpv_rng_key(uint64_t seed, uint64_t step, uint32_t column,
    uint64_t element);

/* The key as a uniform double in [0, 1): (k >> 11) * 2^-53. */
static inline double
fpv_rng_key_unit(uint64_t k)
{
	return (double)(k >> 11) * 0x1p-53;
}

#endif
