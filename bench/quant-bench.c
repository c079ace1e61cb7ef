/*
 * bench/quant-bench.c: speed and memory of quantization from data
 * (src/quant.c), not part of make check; run by make bench.
 *
 *   bench/quant-bench [N]
 *
 * N (default 10^6) normally distributed binary32 values (a seeded
 * xorshift generator and Box-Muller, the same on every machine) are
 * quantized by every scheme, each the best of 3 runs (CPU time of the
 * process, CLOCK_PROCESS_CPUTIME_ID): seconds and nanoseconds per
 * element.  Then quant(v, int8, absmax) and mxfp4(v) as the default
 * columns would run them: once per column (fp16, fp32, fp64, int8),
 * each column's values being the tensor rounded into that column (the
 * values in each row as stored), and the total.  Last, the peak
 * resident memory of the process (VmHWM) beyond the two input arrays,
 * per element: what one result costs (one is alive at a time).
 *
 * Targets (the tensor issue): well under 0.2 s per column for 10^6
 * elements, under 1 s for all default columns; memory under 64 bytes
 * per element per column.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fpviz/quant.h"

/* CPU seconds of this process. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t state = 0x853c49e6748fea9bu;

static uint64_t
next64(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1du;
}

/* Peak resident set size in KiB (VmHWM), or -1. */
static long
peak_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long k = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			k = strtol(line + 6, NULL, 10);
	fclose(f);
	return k;
}

/* Best of 3: CPU seconds of quantizing x by s into f. */
static double
best(struct fpv_ctx *c, const struct fpv_qscheme *s,
    const struct fpv_format *f, const double *x, size_t n)
{
	double b = -1;

	for (int r = 0; r < 3; r++) {
		struct fpv_quant q;
		const char *why;
		double t0 = cpu_now(), t;

		if (fpv_quantize(c, s, f, x, n, &q, &why) != 0) {
			fprintf(stderr, "quant-bench: %s: %s\n", s->name, why);
			exit(1);
		}
		t = cpu_now() - t0;
		fpv_quant_clear(&q);
		if (b < 0 || t < b)
			b = t;
	}
	return b;
}

/* Round x[0..n) into the column's format f (as the column stores it),
 * into y. */
static void
as_column(struct fpv_ctx *c, const struct fpv_format *f, const double *x,
    double *y, size_t n)
{
	mpfr_t v, r;

	mpfr_inits2(64, v, r, (mpfr_ptr)0);
	for (size_t i = 0; i < n; i++) {
		struct fpv_real re = { .approx = v };
		unsigned fl = 0;
		uint64_t b;

		mpfr_set_d(v, x[i], MPFR_RNDN);
		b = fpv_num_round_real(c, f, &re, &fl);
		fpv_num_decode(c, f, b, r);
		y[i] = mpfr_get_d(r, MPFR_RNDN);
	}
	mpfr_clears(v, r, (mpfr_ptr)0);
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	struct fpv_ctx c;
	double *x, *y, total;
	long k0, k1;
	struct {
		const char *scheme, *elem;
	} runs[] = {
		{ "absmax", "int8" }, { "absmax", "int4" },
		{ "minmax", "uint8" }, { "absmax", "fp8e4m3" },
		{ "absmax", "fp16" }, { "mxfp8", NULL }, { "mxfp6", NULL },
		{ "mxfp4", NULL }, { "nvfp4", NULL }, { "q8_0", NULL },
		{ "q4_0", NULL }, { "nf4", NULL },
	};

	if (n == 0 || n > FPV_QUANT_MAX_N) {
		fprintf(stderr, "quant-bench: N must be 1..%u\n",
		    FPV_QUANT_MAX_N);
		return 2;
	}
	fpv_ctx_init(&c);
	x = malloc(n * sizeof *x);
	y = malloc(n * sizeof *y);
	if (x == NULL || y == NULL)
		return 1;
	for (size_t i = 0; i < n; i++) {
		double u1 = ((double)(next64() >> 11) + 0.5) * 0x1p-53;
		double u2 = (double)(next64() >> 11) * 0x1p-53;

		x[i] = (float)(sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
	}
	memcpy(y, x, n * sizeof *y);	/* both inputs resident before k0 */
	k0 = peak_kib();
	printf("quantizing %zu normal binary32 values, CPU time, best of 3\n", n);
	printf("  %-22s %10s %12s\n", "scheme", "seconds", "ns/element");
	for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
		const struct fpv_qscheme *s = fpv_qscheme_by_name(runs[r].scheme,
		    strlen(runs[r].scheme));
		const struct fpv_format *f = runs[r].elem == NULL ? NULL :
		    fpv_builtin_by_name(runs[r].elem, strlen(runs[r].elem));
		char label[64];
		double t = best(&c, s, f, x, n);

		snprintf(label, sizeof label, "%s%s%s", runs[r].scheme,
		    f ? " " : "", f ? runs[r].elem : "");
		printf("  %-22s %10.4f %12.1f\n", label, t, t * 1e9 / (double)n);
	}
	for (int w = 0; w < 2; w++) {
		const char *sn = w == 0 ? "absmax" : "mxfp4";
		const struct fpv_qscheme *s = fpv_qscheme_by_name(sn, strlen(sn));
		const struct fpv_format *f = w == 0 ?
		    fpv_builtin_by_name("int8", 4) : NULL;

		printf("%s over the default columns:\n", w == 0 ?
		    "quant(v, int8, absmax)" : "mxfp4(v)");
		total = 0;
		for (int k = 0; k < c.ncols; k++) {
			const struct fpv_format *col = fpv_ctx_col(&c, k);
			double t;

			as_column(&c, col, x, y, n);
			t = best(&c, s, f, y, n);
			total += t;
			printf("  %-22s %10.4f\n", col->name, t);
		}
		printf("  %-22s %10.4f\n", "total", total);
	}
	k1 = peak_kib();
	printf("peak RSS: %ld KiB, %ld KiB before quantizing (the two input "
	    "arrays): %.1f bytes per element for one result\n", k1, k0,
	    k1 > 0 && k0 > 0 ? (double)(k1 - k0) * 1024 / (double)n : -1.0);
	free(x);
	free(y);
	fpv_ctx_clear(&c);
	return 0;
}
