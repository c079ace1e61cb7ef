/*
 * bench/vector-bench.c: the vector library's speed (make bench; not part
 * of make check).
 *
 *   bench/vector-bench [N]
 *
 * 1. randn: 10^6 normals (target: under 0.2 s).
 * 2. load(): a .npy file of 10^7 float32 elements and a text file of
 *    10^6 numbers (half of them inexact decimals), written to a
 *    temporary folder and read back; peak RSS of the process after the
 *    .npy read.
 * 3. sum of N (10^6) elements in each default column with its own
 *    accumulator, sequential, recording off (target: under 0.5 s for
 *    the four together), then pairwise and kahan, an fp16 column into an
 *    fp32 accumulator, and a sequential fp32 sum with recording on.
 *
 * Times are CPU seconds (CLOCK_PROCESS_CPUTIME_ID), best of 3 runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fpviz/npy.h"
#include "fpviz/reduce.h"
#include "fpviz/rng.h"

static double
cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Peak resident set size in MiB (VmHWM), or -1. */
static double
peak_rss(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	double kb = -1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtod(line + 6, NULL);
	fclose(fp);
	return kb < 0 ? -1 : kb / 1024;
}

/* The code of element x of format f, from the double d (exact: the
 * bench's values are representable). */
static uint64_t
code_of(const struct fpv_ctx *c, const struct fpv_format *f, double d)
{
	mpfr_t x;
	struct fpv_real r = { .approx = x };
	unsigned fl = 0;
	uint64_t b;

	mpfr_init2(x, FPV_EXACT_PREC);
	mpfr_set_d(x, d, MPFR_RNDN);
	b = fpv_num_round_real(c, f, &r, &fl);
	mpfr_clear(x);
	return b;
}

/* Best of 3 times of one reduction. */
static double
time_sum(const struct fpv_ctx *c, const struct fpv_format *F,
    const struct fpv_format *A, enum fpv_order order, const uint64_t *x,
    size_t n, struct fpv_reduce_step *steps)
{
	double best = 1e9;

	for (int k = 0; k < 3; k++) {
		struct fpv_reduce_args a = { .elem = F, .acc = A,
		    .order = order, .x = x, .n = n, .steps = steps,
		    .max_steps = steps ? n : 0 };
		struct fpv_reduce_result r;
		const char *why;
		double t0 = cpu(), t;

		if (fpv_reduce(c, FPV_REDUCE_SUM, &a, &r, &why) != 0) {
			fprintf(stderr, "vector-bench: %s\n", why);
			exit(1);
		}
		t = cpu() - t0;
		best = t < best ? t : best;
	}
	return best;
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 1000000;
	char dir[] = "/tmp/fpviz-vbench.XXXXXX", path[300];
	struct fpv_ctx c;
	double *v = malloc(n * sizeof *v), t, total = 0;
	uint64_t *codes = malloc(n * sizeof *codes);

	if (v == NULL || codes == NULL || mkdtemp(dir) == NULL) {
		perror("vector-bench");
		return 1;
	}
	fpv_ctx_init(&c);

	/* 1. randn */
	{
		double best = 1e9;

		for (int k = 0; k < 3; k++) {
			double t0 = cpu();

			fpv_randn(v, 1000000 <= n ? 1000000 : n, 1);
			t = cpu() - t0;
			best = t < best ? t : best;
		}
		printf("randn(10^6, 1): %.3f s\n", best);
	}

	/* 2. load() */
	{
		enum { NPY_N = 10000000 };
		static const char head[] = "\x93NUMPY\x01\x00\x76\x00"
		    "{'descr': '<f4', 'fortran_order': False, "
		    "'shape': (10000000,), }";
		FILE *fp;
		struct fpv_npy a;
		struct fpv_npy_error err;
		double t0;

		snprintf(path, sizeof path, "%s/w.npy", dir);
		fp = fopen(path, "wb");
		fwrite(head, 1, sizeof head - 1, fp);
		for (size_t i = sizeof head - 1; i < 127; i++)
			fputc(' ', fp);
		fputc('\n', fp);
		for (uint32_t i = 0; i < NPY_N; i++) {
			float f = (float)i * 0.5f;

			fwrite(&f, 4, 1, fp);
		}
		fclose(fp);
		t0 = cpu();
		if (fpv_npy_load(path, 0, &a, &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		t = cpu() - t0;
		printf("load(): 10^7 float32 from .npy: %.3f s, peak RSS "
		    "%.0f MiB (the doubles alone: %.0f MiB)\n", t, peak_rss(),
		    NPY_N * 8.0 / 1048576);
		fpv_npy_free(&a);
		unlink(path);

		snprintf(path, sizeof path, "%s/w.txt", dir);
		fp = fopen(path, "wb");
		for (int i = 0; i < 1000000; i++)
			fprintf(fp, i % 2 ? "%d.5\n" : "%d.1\n", i % 1000);
		fclose(fp);
		t0 = cpu();
		if (fpv_npy_load(path, 0, &a, &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		t = cpu() - t0;
		printf("load(): 10^6 text numbers (half inexact): %.3f s\n",
		    t);
		fpv_npy_free(&a);
		unlink(path);
	}
	rmdir(dir);

	/* 3. sums */
	fpv_randn(v, n, 7);
	printf("sum of %zu elements, own accumulator, sequential, no "
	    "recording:\n", n);
	for (int k = 0; k < c.ncols; k++) {
		const struct fpv_format *F = fpv_ctx_col(&c, k);

		for (size_t i = 0; i < n; i++)
			codes[i] = code_of(&c, F, F->kind == FPV_KIND_INT ?
			    (double)(int)(v[i] * 3) : v[i]);
		t = time_sum(&c, F, NULL, FPV_ORDER_SEQUENTIAL, codes, n,
		    NULL);
		total += t;
		printf("  %-6s %.3f s   (pairwise %.3f s, kahan %.3f s)\n",
		    F->name, t, time_sum(&c, F, NULL, FPV_ORDER_PAIRWISE,
		    codes, n, NULL), time_sum(&c, F, NULL, FPV_ORDER_KAHAN,
		    codes, n, NULL));
		if (k == 0) {
			const struct fpv_format *A = fpv_ctx_col(&c, 1);

			printf("  %s elements in an %s accumulator: %.3f s\n",
			    F->name, A->name, time_sum(&c, F, A,
			    FPV_ORDER_SEQUENTIAL, codes, n, NULL));
		}
		if (k == 1) {
			struct fpv_reduce_step *st = malloc(n * sizeof *st);

			printf("  %s with recording on: %.3f s (%zu bytes a "
			    "step)\n", F->name, time_sum(&c, F, NULL,
			    FPV_ORDER_SEQUENTIAL, codes, n, st),
			    sizeof *st);
			free(st);
		}
	}
	printf("  the four default columns together: %.3f s\n", total);
	fpv_ctx_clear(&c);
	free(v);
	free(codes);
	mpfr_free_cache();
	return 0;
}
