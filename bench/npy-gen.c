/*
 * bench/npy-gen.c: write a tensor for the benchmark's Tensors section
 * (bench/run.sh; not part of make check).
 *
 *   bench/npy-gen FILE [N [SEED]]
 *
 * FILE becomes a one-dimensional float32 .npy of N (10^6) elements: the
 * first N numbers of randn(N, SEED) (the language's normal generator,
 * SEED 1), each rounded to float32 to nearest, so that the file is the
 * same on every machine.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/rng.h"

int
main(int argc, char **argv)
{
	unsigned long long n = 1000000, seed = 1;
	char hdr[128];
	unsigned char pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0 };
	double *x;
	FILE *f;
	int len;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: npy-gen FILE [N [SEED]]\n");
		return 2;
	}
	if (argc > 2)
		n = strtoull(argv[2], NULL, 10);
	if (argc > 3)
		seed = strtoull(argv[3], NULL, 10);
	if (n == 0 || n > 100000000u) {
		fprintf(stderr, "npy-gen: N must be from 1 to 10^8\n");
		return 2;
	}
	/* The header: its dict, spaces and a newline to a multiple of 64
	 * bytes with the 10 bytes before it. */
	len = snprintf(hdr, sizeof hdr, "{'descr': '<f4', 'fortran_order': "
	    "False, 'shape': (%llu,), }", n);
	while ((10 + len + 1) % 64 != 0)
		hdr[len++] = ' ';
	hdr[len++] = '\n';
	pre[8] = (unsigned char)(len & 0xff);
	pre[9] = (unsigned char)(len >> 8);
	if ((x = malloc((size_t)n * sizeof *x)) == NULL) {
		fprintf(stderr, "npy-gen: out of memory\n");
		return 1;
	}
	fpv_randn(x, (size_t)n, (uint64_t)seed);
	if ((f = fopen(argv[1], "wb")) == NULL) {
		fprintf(stderr, "npy-gen: %s: %s\n", argv[1], strerror(errno));
		free(x);
		return 1;
	}
	fwrite(pre, 1, sizeof pre, f);
	fwrite(hdr, 1, (size_t)len, f);
	for (unsigned long long i = 0; i < n; i++) {
		float v = (float)x[i];
		uint32_t u;
		unsigned char b[4];

		memcpy(&u, &v, sizeof u);
		for (int k = 0; k < 4; k++)
			b[k] = (unsigned char)(u >> (8 * k));	/* little-endian */
		fwrite(b, 1, sizeof b, f);
	}
	free(x);
	if (fclose(f) != 0) {
		fprintf(stderr, "npy-gen: %s: write error\n", argv[1]);
		return 1;
	}
	return 0;
}
