/*
 * The numeric core against Berkeley TestFloat 3e vectors.
 *
 * Each file tests/testfloat/<function>.<mode>.tv.gz (a subset of
 * testfloat_gen's output, see tests/testfloat/README) is decompressed
 * with gzip, every case is run through fpv_num_op or fpv_num_convert in
 * the file's rounding mode, and the result bits and the five IEEE flags
 * are compared exactly; operations are run both on the native path
 * (fp16, fp32, fp64 + - * /) and on the emulation (ctx.emulate_only),
 * and the two must agree.  The one allowance: where TestFloat expects a NaN
 * (SoftFloat's x86 NaN), fpviz's canonical quiet NaN is accepted, as is
 * any NaN; the flags are still compared exactly, so a signalling NaN
 * operand must raise invalid.  One TAP line per file.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/num.h"
#include "formats.h"
#include "tap.h"

/* A function as TestFloat names it: an operation or a conversion. */
struct tf_func {
	const char *name;	/* "f16_add" */
	int from, to;		/* formats of the operands and of the result */
	int op;			/* enum fpv_op, or -1 for a conversion */
	int nargs;
};

static const struct tf_func funcs[] = {
	{ "f16_add", FPV_FP16, FPV_FP16, FPV_OP_ADD, 2 },
	{ "f16_sub", FPV_FP16, FPV_FP16, FPV_OP_SUB, 2 },
	{ "f16_mul", FPV_FP16, FPV_FP16, FPV_OP_MUL, 2 },
	{ "f16_div", FPV_FP16, FPV_FP16, FPV_OP_DIV, 2 },
	{ "f16_mulAdd", FPV_FP16, FPV_FP16, FPV_OP_FMA, 3 },
	{ "f16_sqrt", FPV_FP16, FPV_FP16, FPV_OP_SQRT, 1 },
	{ "f32_add", FPV_FP32, FPV_FP32, FPV_OP_ADD, 2 },
	{ "f32_sub", FPV_FP32, FPV_FP32, FPV_OP_SUB, 2 },
	{ "f32_mul", FPV_FP32, FPV_FP32, FPV_OP_MUL, 2 },
	{ "f32_div", FPV_FP32, FPV_FP32, FPV_OP_DIV, 2 },
	{ "f32_mulAdd", FPV_FP32, FPV_FP32, FPV_OP_FMA, 3 },
	{ "f32_sqrt", FPV_FP32, FPV_FP32, FPV_OP_SQRT, 1 },
	{ "f64_add", FPV_FP64, FPV_FP64, FPV_OP_ADD, 2 },
	{ "f64_sub", FPV_FP64, FPV_FP64, FPV_OP_SUB, 2 },
	{ "f64_mul", FPV_FP64, FPV_FP64, FPV_OP_MUL, 2 },
	{ "f64_div", FPV_FP64, FPV_FP64, FPV_OP_DIV, 2 },
	{ "f64_mulAdd", FPV_FP64, FPV_FP64, FPV_OP_FMA, 3 },
	{ "f64_sqrt", FPV_FP64, FPV_FP64, FPV_OP_SQRT, 1 },
	{ "f16_to_f32", FPV_FP16, FPV_FP32, -1, 1 },
	{ "f16_to_f64", FPV_FP16, FPV_FP64, -1, 1 },
	{ "f32_to_f16", FPV_FP32, FPV_FP16, -1, 1 },
	{ "f32_to_f64", FPV_FP32, FPV_FP64, -1, 1 },
	{ "f64_to_f16", FPV_FP64, FPV_FP16, -1, 1 },
	{ "f64_to_f32", FPV_FP64, FPV_FP32, -1, 1 },
};

/* File suffixes and the rounding modes they stand for. */
static const struct {
	const char *suffix;
	enum fpv_round round;
} modes[] = {
	{ "rne", FPV_RND_NEAREST }, { "rtz", FPV_RND_ZERO },
	{ "rdn", FPV_RND_DOWN }, { "rup", FPV_RND_UP },
};

#define MAX_SHOWN 5

static struct fpv_ctx ctx;
static char vecdir[4096];

/* Is b a NaN of format f? */
static int
is_nan(const struct fpv_format *f, uint64_t b)
{
	enum fpv_class k = fpv_bits_class(f, b);

	return k == FPV_CLASS_QNAN || k == FPV_CLASS_SNAN;
}

/* Parse n hex fields of the line into v; returns the number parsed. */
static int
parse_fields(const char *line, uint64_t *v, int n)
{
	const char *p = line;
	char *end;
	int i;

	for (i = 0; i < n; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		v[i] = strtoull(p, &end, 16);
		if (end == p)
			break;
		p = end;
	}
	return i;
}

/* Run one vector file; one TAP line. */
static void
run_file(const struct tf_func *fn, int mode)
{
	const struct fpv_format *from = &fpv_formats[fn->from];
	const struct fpv_format *to = &fpv_formats[fn->to];
	char path[4200], cmd[4300], line[256];
	long cases = 0, bad = 0, badlines = 0, snan_cases = 0;
	FILE *fp;
	int status;

	snprintf(path, sizeof path, "%s/%s.%s.tv.gz", vecdir, fn->name,
	    modes[mode].suffix);
	if (strchr(path, '\'') != NULL) {
		ok(0, "%s.%s: path with a quote: %s", fn->name,
		    modes[mode].suffix, path);
		return;
	}
	snprintf(cmd, sizeof cmd, "gzip -dc '%s'", path);
	fp = popen(cmd, "r");
	if (fp == NULL) {
		ok(0, "%s.%s: cannot run %s", fn->name, modes[mode].suffix,
		    cmd);
		return;
	}
	ctx.round = modes[mode].round;
	while (fgets(line, sizeof line, fp) != NULL) {
		uint64_t v[5], args[3], got, want;
		unsigned flags = 0, wflags;
		int nf = fn->nargs + 2;
		int has_snan = 0;

		if (parse_fields(line, v, nf) != nf) {
			if (badlines++ < MAX_SHOWN)
				diag("unreadable line: %s", line);
			continue;
		}
		for (int i = 0; i < fn->nargs; i++) {
			args[i] = v[i];
			has_snan |= fpv_bits_class(from, v[i]) == FPV_CLASS_SNAN;
		}
		want = v[fn->nargs];
		wflags = (unsigned)v[fn->nargs + 1];
		if (fn->op >= 0) {
			/* fp16/fp32/fp64 + - * / have a native path besides
			 * the emulation (fp16: integer arithmetic; fp32/fp64:
			 * the machine's): both must match the vector. */
			unsigned eflags = 0;
			uint64_t egot;

			got = fpv_num_op(&ctx, to, (enum fpv_op)fn->op, args,
			    &flags);
			ctx.emulate_only = true;
			egot = fpv_num_op(&ctx, to, (enum fpv_op)fn->op, args,
			    &eflags);
			ctx.emulate_only = false;
			if (egot != got || eflags != flags) {
				flags = ~0u;	/* a mismatch either way */
				got = egot;
			}
		} else {
			got = fpv_num_convert(&ctx, to, from, args[0], &flags);
		}
		flags &= FPV_FLAGS_IEEE;
		cases++;
		snan_cases += has_snan;
		if ((is_nan(to, want) ? is_nan(to, got) : got == want) &&
		    flags == wflags && (!has_snan || (flags & FPV_FLAG_INVALID)))
			continue;
		if (bad++ < MAX_SHOWN) {
			char gh[24], wh[24];

			fpv_bits_hex(to, got, gh);
			fpv_bits_hex(to, want, wh);
			line[strcspn(line, "\n")] = '\0';
			diag("%s %s: case \"%s\": got %s flags %02x, want %s "
			    "flags %02x", fn->name, fpv_round_names[ctx.round],
			    line, gh, flags, wh, wflags);
		}
	}
	status = pclose(fp);
	ok(bad == 0 && badlines == 0 && cases > 0 && status == 0,
	    "%s.%s: %ld cases (%ld with a signalling NaN operand), "
	    "%ld mismatches", fn->name, modes[mode].suffix, cases, snan_cases,
	    bad);
	if (cases == 0 || status != 0)
		diag("%s: no cases read, or gzip failed (status %d)", path,
		    status);
}

/* Every function in every mode; the TAP plan last. */
int
main(void)
{
	const char *top = getenv("top_srcdir");

	/* Run by hand outside make check: fall back to the source tree. */
	if (top == NULL || *top == '\0')
		top = FPV_SRCDIR;
	snprintf(vecdir, sizeof vecdir, "%s/tests/testfloat", top);
	fpv_ctx_init(&ctx);
	for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
		for (int m = 0; m < 4; m++)
			run_file(&funcs[i], m);
	fpv_ctx_clear(&ctx);
	return tap_done();
}
