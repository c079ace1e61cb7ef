/*
 * :sample N EXPR (sample.h): N runs of stochastic rounding, and per
 * column the distribution of the results.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/exact.h"
#include "fpviz/interrupt.h"
#include "fpviz/render.h"
#include "fpviz/rng.h"
#include "fpviz/sample.h"

/* Digits of the mean and the exact value in text and in JSON. */
#define TEXT_DIGITS 12
#define JSON_DIGITS 17
/* Columns of a value in the text (longer ones push their count). */
#define VALUE_WIDTH 20

/* One distinct result and how often it came. */
struct bucket {
	uint64_t bits;
	uint64_t count;		/* 0: the slot is empty */
};

/* The results of one column: an open-addressing table of buckets. */
struct tally {
	struct bucket *b;
	size_t cap, n;		/* cap a power of two; n used */
};

/* Count bits once more; false if out of memory. */
static bool
tally_add(struct tally *t, uint64_t bits)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct bucket *nb = calloc(cap, sizeof *nb);

		if (nb == NULL)
			return false;
		for (size_t k = 0; k < t->cap; k++) {
			if (t->b[k].count == 0)
				continue;
			i = fpv_rng_mix(t->b[k].bits) & (cap - 1);
			while (nb[i].count != 0)
				i = (i + 1) & (cap - 1);
			nb[i] = t->b[k];
		}
		free(t->b);
		t->b = nb;
		t->cap = cap;
	}
	i = fpv_rng_mix(bits) & (t->cap - 1);
	while (t->b[i].count != 0 && t->b[i].bits != bits)
		i = (i + 1) & (t->cap - 1);
	if (t->b[i].count == 0) {
		t->b[i].bits = bits;
		t->n++;
	}
	t->b[i].count++;
	return true;
}

/* A distinct value, for sorting. */
struct value {
	uint64_t bits, count;
	mpfr_t x;		/* its value (NaN sorts last) */
};

static int
value_cmp(const void *pa, const void *pb)
{
	const struct value *a = pa, *b = pb;

	if (mpfr_nan_p(a->x) || mpfr_nan_p(b->x))
		return mpfr_nan_p(a->x) - mpfr_nan_p(b->x);
	if (mpfr_equal_p(a->x, b->x))	/* -0 before +0 */
		return (mpfr_signbit(b->x) != 0) - (mpfr_signbit(a->x) != 0);
	return mpfr_less_p(a->x, b->x) ? -1 : 1;
}

/* A percentage of k in n, to one decimal, correctly rounded (half
 * up): "41.2". */
static void
percent(uint64_t k, uint64_t n, char *buf, size_t size)
{
	unsigned __int128 p = (unsigned __int128)k * 2000 / n;	/* 2x tenths */
	uint64_t t = (uint64_t)((p + 1) / 2);

	snprintf(buf, size, "%" PRIu64 ".%" PRIu64, t / 10, t % 10);
}

/* The mean of the n results of a column: an exact value, or false when
 * some result is not finite. */
static bool
mean_of(const struct fpv_ctx *c, const struct fpv_format *f,
    const struct value *v, size_t nv, uint64_t n, struct fpv_exact *mean)
{
	struct fpv_exact sum, x, k, term, tmp;
	bool ok = true;

	fpv_exact_init(&sum);
	fpv_exact_init(&x);
	fpv_exact_init(&k);
	fpv_exact_init(&term);
	fpv_exact_init(&tmp);
	fpv_exact_set_zero(&sum, false);
	for (size_t i = 0; i < nv && ok; i++) {
		const struct fpv_exact *mul[2] = { &x, &k }, *add[2] =
		    { &sum, &term };

		if (!mpfr_number_p(v[i].x)) {
			ok = false;
			break;
		}
		fpv_exact_decode(&x, c, f, v[i].bits);
		fpv_exact_set_decimal(&k, false, v[i].count, 0);
		fpv_exact_op(&term, FPV_OP_MUL, mul, FPV_EXACT_CAP);
		fpv_exact_op(&tmp, FPV_OP_ADD, add, FPV_EXACT_CAP);
		fpv_exact_set(&sum, &tmp);
	}
	if (ok) {
		const struct fpv_exact *div[2] = { &sum, &k };

		fpv_exact_set_decimal(&k, false, n, 0);
		fpv_exact_op(mean, FPV_OP_DIV, div, FPV_EXACT_CAP);
	}
	fpv_exact_clear(&sum);
	fpv_exact_clear(&x);
	fpv_exact_clear(&k);
	fpv_exact_clear(&term);
	fpv_exact_clear(&tmp);
	return ok;
}

/* Write x's decimal to digits digits, the mark first when rounded;
 * "—" (text) or nothing (returns false) when no digit is certain. */
static bool
exact_text(const struct fpv_exact *x, int digits, char *buf, size_t size)
{
	bool rounded = false;
	char d[160];

	if (fpv_exact_format(x, digits, FPV_EXACT_REPR, d, sizeof d,
	    &rounded) == 0)
		return false;
	snprintf(buf, size, "%s%s", rounded ? FPV_DEC_MARK : "", d);
	return true;
}

/* Give t a copy of the variables of s (each run starts from them: a
 * run that assigns, or reads ans, sees what the session holds); false
 * if out of memory. */
static bool
copy_vars(struct fpv_session *t, const struct fpv_session *s)
{
	struct fpv_var *v = NULL;

	if (s->nvars > 0) {
		v = calloc(s->nvars, sizeof *v);
		if (v == NULL)
			return false;
		for (size_t i = 0; i < s->nvars; i++)
			if (fpv_var_copy(&v[i], &s->vars[i]) < 0) {
				for (size_t j = 0; j < i; j++)
					fpv_var_clear(&v[j]);
				free(v);
				return false;
			}
	}
	fpv_session_set_vars(t, v, s->nvars);
	return true;
}

/* Run :sample. */
int
fpv_sample(const struct fpv_session *s, const char *src, size_t len,
    size_t expr_off, uint64_t n, int lineno, char **text, char **json,
    struct fpv_error *err)
{
	struct fpv_session run;
	struct fpv_trace tn, ts;
	struct tally tl[FPV_COLUMNS_MAX];
	uint64_t nearest[FPV_COLUMNS_MAX];
	char *line = NULL, *tbuf = NULL, *jbuf = NULL;
	size_t tsize = 0, jsize = 0;
	FILE *to = NULL, *jo = NULL;
	int ncols = 0, rc = -1, namew = 5;

	*text = *json = NULL;
	memset(tl, 0, sizeof tl);
	fpv_trace_init(&tn);
	fpv_trace_init(&ts);
	fpv_session_init(&run);
	fpv_ctx_copy(&run.ctx, &s->ctx);
	if (run.index == NULL || !copy_vars(&run, s))
		goto nomem;
	/* The command line with ":sample N" blanked: columns stay. */
	if ((line = malloc(len + 1)) == NULL)
		goto nomem;
	memcpy(line, src, len);
	line[len] = '\0';
	memset(line, ' ', expr_off);
	/* Round to nearest once, for the reference and the comparison. */
	run.ctx.round = FPV_RND_NEAREST;
	if (fpv_eval_line(&run, line, len, lineno, &tn, err) < 0)
		goto out;
	if (tn.nsteps == 0) {
		err->line = lineno;
		err->col = 1;
		snprintf(err->msg, sizeof err->msg,
		    "expected an expression after :sample N");
		goto out;
	}
	if (fpv_trace_vec(&tn, tn.nsteps - 1) != NULL) {
		/* A tensor's distribution is not one value per row: ask
		 * for a number made from it. */
		err->line = lineno;
		err->col = fpv_parse_column(line, expr_off +
		    strspn(line + expr_off, " \t"));
		snprintf(err->msg, sizeof err->msg, ":sample needs a number, "
		    "not a vector: reduce it (sum(v), max(v), ...) or take an "
		    "element (v[0])");
		goto out;
	}
	ncols = fpv_trace_ncols(&tn);
	for (int f = 0; f < ncols; f++) {
		int w = (int)strlen(fpv_trace_format(&tn, f)->name);

		if (w > namew)
			namew = w;
	}
	for (int f = 0; f < ncols; f++)
		nearest[f] = fpv_trace_result_cells(&tn)[f].bits;
	run.ctx.round = FPV_RND_STOCHASTIC;
	for (uint64_t k = 0; k < n; k++) {
		if (fpv_interrupt) {
			err->line = lineno;
			err->col = 1;
			snprintf(err->msg, sizeof err->msg, "interrupted");
			goto out;
		}
		run.ctx.seed = s->ctx.seed + k;
		if (!copy_vars(&run, s))
			goto nomem;
		if (fpv_eval_line(&run, line, len, lineno, &ts, err) < 0)
			goto out;
		for (int f = 0; f < ncols; f++)
			if (!tally_add(&tl[f], fpv_trace_result_cells(&ts)[f].bits))
				goto nomem;
	}

	to = open_memstream(&tbuf, &tsize);
	jo = open_memstream(&jbuf, &jsize);
	if (to == NULL || jo == NULL)
		goto nomem;
	fprintf(to, "%" PRIu64 " run%s of stochastic rounding, seed%s %"
	    PRIu64, n, n == 1 ? "" : "s", n == 1 ? "" : "s", s->ctx.seed);
	if (n > 1)
		fprintf(to, " to %" PRIu64, s->ctx.seed + (n - 1));
	fputs(":\n", to);
	fprintf(jo, "\"sample\": {\"runs\": %" PRIu64 ", \"seed\": %" PRIu64
	    ", \"results\": {", n, s->ctx.seed);
	for (int f = 0; f < ncols; f++) {
		const struct fpv_format *F = fpv_trace_format(&tn, f);
		struct value *v = calloc(tl[f].n, sizeof *v);
		struct fpv_exact mean;
		struct fpv_exact_text ex;
		size_t nv = 0;
		uint64_t neq = 0;
		bool have_mean;
		char m[200], e[200], pc[32];

		if (v == NULL)
			goto nomem;
		for (size_t i = 0; i < tl[f].cap; i++)
			if (tl[f].b[i].count != 0) {
				v[nv].bits = tl[f].b[i].bits;
				v[nv].count = tl[f].b[i].count;
				mpfr_init2(v[nv].x, FPV_EXACT_PREC + 64);
				fpv_num_decode(&tn.ctx, F, v[nv].bits, v[nv].x);
				if (v[nv].bits == nearest[f])
					neq = v[nv].count;
				nv++;
			}
		qsort(v, nv, sizeof *v, value_cmp);
		fpv_exact_init(&mean);
		have_mean = mean_of(&tn.ctx, F, v, nv, n, &mean);
		fpv_exact_describe(&tn, tn.nsteps - 1, TEXT_DIGITS, &ex);

		/* Text: the values, then mean, exact and nearest. */
		for (size_t i = 0; i < nv && i < FPV_SAMPLE_SHOWN; i++) {
			char val[FPV_DEC_VALUE];
			size_t vl = fpv_dec_value(&tn.ctx, F, v[i].bits, val,
			    NULL);
			int pad = VALUE_WIDTH -
			    (int)fpv_dec_value_columns(val, vl);

			percent(v[i].count, n, pc, sizeof pc);
			fprintf(to, "  %-*s  %s%*s %8" PRIu64 "  %5s%%%s\n",
			    namew, i == 0 ? F->name : "", val, pad > 0 ? pad : 0,
			    "", v[i].count, pc,
			    v[i].bits == nearest[f] ? "  = nearest" : "");
		}
		if (nv > FPV_SAMPLE_SHOWN) {
			uint64_t rest = 0;

			for (size_t i = FPV_SAMPLE_SHOWN; i < nv; i++)
				rest += v[i].count;
			fprintf(to, "  %*s  \xe2\x80\xa6 %zu more value%s "
			    "(%" PRIu64 " run%s)\n", namew, "",
			    nv - FPV_SAMPLE_SHOWN,
			    nv - FPV_SAMPLE_SHOWN == 1 ? "" : "s", rest,
			    rest == 1 ? "" : "s");
		}
		if (!have_mean || !exact_text(&mean, TEXT_DIGITS, m, sizeof m))
			snprintf(m, sizeof m, "\xe2\x80\x94");
		fpv_exact_line(&ex, e, sizeof e);
		percent(neq, n, pc, sizeof pc);
		fprintf(to, "  %*s  mean %s  exact %s\n", namew, "", m, e);
		fprintf(to, "  %*s  nearest's result in %" PRIu64 " of %"
		    PRIu64 " runs (%s%%)\n", namew, "", neq, n, pc);

		/* JSON. */
		fprintf(jo, "%s", f ? ", " : "");
		fpv_json_string(jo, F->name, strlen(F->name));
		fputs(": {\"values\": [", jo);
		for (size_t i = 0; i < nv; i++) {
			char val[FPV_DEC_SHORT], hex[20];

			fpv_dec_shortest(&tn.ctx, F, v[i].bits, val);
			fpv_bits_hex(F, v[i].bits, hex);
			fprintf(jo, "%s{\"bits\": \"%s\", \"value\": ",
			    i ? ", " : "", hex);
			fpv_json_string(jo, val, strlen(val));
			fprintf(jo, ", \"count\": %" PRIu64 "}", v[i].count);
		}
		fputs("], \"mean\": ", jo);
		if (have_mean && exact_text(&mean, JSON_DIGITS, m, sizeof m)) {
			bool r = strncmp(m, FPV_DEC_MARK, FPV_DEC_MARK_LEN) == 0;
			const char *d = r ? m + FPV_DEC_MARK_LEN : m;

			fpv_json_string(jo, d, strlen(d));
			fprintf(jo, ", \"mean_rounded\": %s", r ? "true" :
			    "false");
		} else {
			fputs("null", jo);
		}
		fpv_exact_describe(&tn, tn.nsteps - 1, JSON_DIGITS, &ex);
		fputs(", \"exact\": ", jo);
		if (ex.len > 0) {
			fpv_json_string(jo, ex.num, ex.len);
			fprintf(jo, ", \"exact_rounded\": %s", ex.rounded ?
			    "true" : "false");
		} else {
			fputs("null", jo);
		}
		fputs(", \"exact_state\": ", jo);
		fpv_json_string(jo, fpv_exact_state_names[ex.state],
		    strlen(fpv_exact_state_names[ex.state]));
		{
			char val[FPV_DEC_SHORT], hex[20];

			fpv_dec_shortest(&tn.ctx, F, nearest[f], val);
			fpv_bits_hex(F, nearest[f], hex);
			fprintf(jo, ", \"nearest\": {\"bits\": \"%s\", "
			    "\"value\": ", hex);
			fpv_json_string(jo, val, strlen(val));
			fprintf(jo, ", \"count\": %" PRIu64 "}}", neq);
		}
		fpv_exact_clear(&mean);
		for (size_t i = 0; i < nv; i++)
			mpfr_clear(v[i].x);
		free(v);
	}
	fputs("}}", jo);
	if (fclose(to) != 0 || fclose(jo) != 0) {
		to = jo = NULL;
		goto nomem;
	}
	to = jo = NULL;
	/* No trailing newline: the reply's text is printed with one. */
	if (tsize > 0 && tbuf[tsize - 1] == '\n')
		tbuf[tsize - 1] = '\0';
	*text = tbuf;
	*json = jbuf;
	tbuf = jbuf = NULL;
	rc = 0;
	goto out;
nomem:
	err->line = lineno;
	err->col = 1;
	snprintf(err->msg, sizeof err->msg, "out of memory");
out:
	if (to != NULL)
		fclose(to);
	if (jo != NULL)
		fclose(jo);
	free(tbuf);
	free(jbuf);
	free(line);
	for (int f = 0; f < FPV_COLUMNS_MAX; f++)
		free(tl[f].b);
	fpv_trace_free(&tn);
	fpv_trace_free(&ts);
	fpv_session_free(&run);
	return rc;
}
