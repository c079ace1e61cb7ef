/*
 * The numeric core's entry points: the tables of flags, rounding modes
 * and operations, MPFR's dispatch, contexts, and the public operations,
 * which choose a path by the format: the machine paths (num-fast.c), the
 * float emulation (num-float.c) or the integer grid (num-int.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fpviz/rng.h"
#include "num-impl.h"

/* ORDER FLAG */
const char *const fpv_flag_names[FPV_FLAG_COUNT] = {
	"inexact", "underflow", "overflow", "divbyzero", "invalid",
	"subnormal", "absorbed", "cancellation", "saturated", "wrapped"
};

/* ORDER ROUND */
const char *const fpv_round_names[FPV_RND_COUNT] = {
	"nearest", "zero", "up", "down", "stochastic"
};

/* ORDER OP */
const struct fpv_op_info fpv_ops[FPV_OP_COUNT] = {
	[FPV_OP_ADD] = { "add", "+", 2, false },
	[FPV_OP_SUB] = { "sub", "-", 2, false },
	[FPV_OP_MUL] = { "mul", "*", 2, false },
	[FPV_OP_DIV] = { "div", "/", 2, false },
	[FPV_OP_POW] = { "pow", "^", 2, true },
	[FPV_OP_NEG] = { "neg", "-", 1, false },
	[FPV_OP_SQRT] = { "sqrt", NULL, 1, true },
	[FPV_OP_ABS] = { "abs", NULL, 1, true },
	[FPV_OP_EXP] = { "exp", NULL, 1, true },
	[FPV_OP_LOG] = { "log", NULL, 1, true },
	[FPV_OP_LOG2] = { "log2", NULL, 1, true },
	[FPV_OP_LOG10] = { "log10", NULL, 1, true },
	[FPV_OP_SIN] = { "sin", NULL, 1, true },
	[FPV_OP_COS] = { "cos", NULL, 1, true },
	[FPV_OP_TAN] = { "tan", NULL, 1, true },
	[FPV_OP_TANH] = { "tanh", NULL, 1, true },
	[FPV_OP_FMA] = { "fma", NULL, 3, true },
	[FPV_OP_MIN] = { "min", NULL, 2, true },
	[FPV_OP_MAX] = { "max", NULL, 2, true },
	[FPV_OP_FLOOR] = { "floor", NULL, 1, true },
	[FPV_OP_CEIL] = { "ceil", NULL, 1, true },
	[FPV_OP_ROUND] = { "round", NULL, 1, true },
	[FPV_OP_ASIN] = { "asin", NULL, 1, true },
	[FPV_OP_ACOS] = { "acos", NULL, 1, true },
	[FPV_OP_ATAN] = { "atan", NULL, 1, true },
	[FPV_OP_ATAN2] = { "atan2", NULL, 2, true },
	[FPV_OP_SINH] = { "sinh", NULL, 1, true },
	[FPV_OP_COSH] = { "cosh", NULL, 1, true },
	[FPV_OP_ASINH] = { "asinh", NULL, 1, true },
	[FPV_OP_ACOSH] = { "acosh", NULL, 1, true },
	[FPV_OP_ATANH] = { "atanh", NULL, 1, true },
	[FPV_OP_EXPM1] = { "expm1", NULL, 1, true },
	[FPV_OP_LOG1P] = { "log1p", NULL, 1, true },
	[FPV_OP_EXP2] = { "exp2", NULL, 1, true },
	[FPV_OP_EXP10] = { "exp10", NULL, 1, true },
	[FPV_OP_HYPOT] = { "hypot", NULL, 2, true },
	[FPV_OP_CBRT] = { "cbrt", NULL, 1, true },
	[FPV_OP_NEXTUP] = { "nextup", NULL, 1, true },
	[FPV_OP_NEXTDOWN] = { "nextdown", NULL, 1, true },
	[FPV_OP_ULP] = { "ulp", NULL, 1, true },
};

/* Parse a rounding mode name. */
int
fpv_round_parse(const char *s)
{
	for (int i = 0; i < FPV_RND_COUNT; i++)
		if (strcmp(s, fpv_round_names[i]) == 0)
			return i;
	return -1;
}

/* The MPFR rounding mode for r. */
mpfr_rnd_t
fpv_round_mpfr(enum fpv_round r)
{
	static const mpfr_rnd_t map[FPV_RND_COUNT] = {
		MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU, MPFR_RNDD, MPFR_RNDZ
	};
	return map[r];
}

/* Look up a callable function by name. */
int
fpv_op_by_name(const char *name, size_t len)
{
	for (int i = 0; i < FPV_OP_COUNT; i++)
		if (fpv_ops[i].callable && strlen(fpv_ops[i].name) == len &&
		    memcmp(fpv_ops[i].name, name, len) == 0)
			return i;
	return -1;
}

/* Evaluate op on o into r, rounded to r's precision by rnd. */
int
fpv_num_compute(int op, mpfr_ptr r, const struct fpv_operands *o,
    mpfr_rnd_t rnd)
{
	mpfr_srcptr a = o->a[0], b = o->a[1], c = o->a[2];

	switch (op) {
	case FPV_OP_ADD:	return mpfr_add(r, a, b, rnd);
	case FPV_OP_SUB:	return mpfr_sub(r, a, b, rnd);
	case FPV_OP_MUL:	return mpfr_mul(r, a, b, rnd);
	case FPV_OP_DIV:	return mpfr_div(r, a, b, rnd);
	case FPV_OP_POW:	return mpfr_pow(r, a, b, rnd);
	case FPV_OP_NEG:	return mpfr_neg(r, a, rnd);
	case FPV_OP_SQRT:	return mpfr_sqrt(r, a, rnd);
	case FPV_OP_ABS:	return mpfr_abs(r, a, rnd);
	case FPV_OP_EXP:	return mpfr_exp(r, a, rnd);
	case FPV_OP_LOG:	return mpfr_log(r, a, rnd);
	case FPV_OP_LOG2:	return mpfr_log2(r, a, rnd);
	case FPV_OP_LOG10:	return mpfr_log10(r, a, rnd);
	case FPV_OP_SIN:	return mpfr_sin(r, a, rnd);
	case FPV_OP_COS:	return mpfr_cos(r, a, rnd);
	case FPV_OP_TAN:	return mpfr_tan(r, a, rnd);
	case FPV_OP_TANH:	return mpfr_tanh(r, a, rnd);
	case FPV_OP_FMA:	return mpfr_fma(r, a, b, c, rnd);
	case FPV_OP_MIN:	return mpfr_min(r, a, b, rnd);
	case FPV_OP_MAX:	return mpfr_max(r, a, b, rnd);
	case FPV_OP_FLOOR:	return mpfr_rint_floor(r, a, rnd);
	case FPV_OP_CEIL:	return mpfr_rint_ceil(r, a, rnd);
	case FPV_OP_ROUND:	return mpfr_rint_round(r, a, rnd);
	case FPV_OP_ASIN:	return mpfr_asin(r, a, rnd);
	case FPV_OP_ACOS:	return mpfr_acos(r, a, rnd);
	case FPV_OP_ATAN:	return mpfr_atan(r, a, rnd);
	case FPV_OP_ATAN2:	return mpfr_atan2(r, a, b, rnd);
	case FPV_OP_SINH:	return mpfr_sinh(r, a, rnd);
	case FPV_OP_COSH:	return mpfr_cosh(r, a, rnd);
	case FPV_OP_ASINH:	return mpfr_asinh(r, a, rnd);
	case FPV_OP_ACOSH:	return mpfr_acosh(r, a, rnd);
	case FPV_OP_ATANH:	return mpfr_atanh(r, a, rnd);
	case FPV_OP_EXPM1:	return mpfr_expm1(r, a, rnd);
	case FPV_OP_LOG1P:	return mpfr_log1p(r, a, rnd);
	case FPV_OP_EXP2:	return mpfr_exp2(r, a, rnd);
	case FPV_OP_EXP10:	return mpfr_exp10(r, a, rnd);
	case FPV_OP_HYPOT:	return mpfr_hypot(r, a, b, rnd);
	case FPV_OP_CBRT:	return mpfr_cbrt(r, a, rnd);
	case FPV_OP_SET:	return mpfr_set(r, a, rnd);
	case FPV_OP_SETQ:	return mpfr_set_q(r, o->q, rnd);
	}
	abort();
}

/* Is op rational: computable exactly on rationals? */
bool
fpv_num_op_rational(int op)
{
	switch (op) {
	case FPV_OP_ADD: case FPV_OP_SUB: case FPV_OP_MUL: case FPV_OP_DIV:
	case FPV_OP_NEG: case FPV_OP_ABS: case FPV_OP_FMA: case FPV_OP_MIN:
	case FPV_OP_MAX: case FPV_OP_FLOOR: case FPV_OP_CEIL: case FPV_OP_ROUND:
		return true;
	}
	return false;
}

/* ---- Contexts -------------------------------------------------------- */

/* The registry of the built-in formats every default context shares: it
 * is never freed (its count starts high) and never changed (an edit
 * copies it first). */
static struct fpv_registry *
builtin_registry(void)
{
	static struct fpv_registry reg;

	if (reg.refs == 0) {
		reg.refs = 1u << 30;
		reg.n = fpv_nbuiltin;
		memcpy(reg.f, fpv_builtin, fpv_nbuiltin * sizeof fpv_builtin[0]);
	}
	return &reg;
}

/* Initialize a context with the defaults. */
void
fpv_ctx_init(struct fpv_ctx *c)
{
	struct fpv_registry *r = fpv_registry_ref(builtin_registry());

	c->round = FPV_RND_NEAREST;
	c->emulate_only = false;
	c->seed = 0;
	c->sr_pos = 0;
	c->sr_elem = 0;
	c->reg = r;
	c->ncols = 0;
	for (int i = 0; fpv_default_columns[i] != NULL; i++)
		c->cols[c->ncols++] = (uint8_t)fpv_registry_find(r,
		    fpv_default_columns[i], strlen(fpv_default_columns[i]));
}

/* Release a context. */
void
fpv_ctx_clear(struct fpv_ctx *c)
{
	fpv_registry_unref(c->reg);
	c->reg = NULL;
}

/* Copy settings between initialized contexts. */
void
fpv_ctx_copy(struct fpv_ctx *dst, const struct fpv_ctx *src)
{
	struct fpv_registry *old = dst->reg;

	dst->round = src->round;
	dst->emulate_only = src->emulate_only;
	dst->seed = src->seed;
	dst->sr_pos = src->sr_pos;
	dst->sr_elem = src->sr_elem;
	dst->reg = fpv_registry_ref(src->reg);
	dst->ncols = src->ncols;
	memcpy(dst->cols, src->cols, sizeof dst->cols);
	fpv_registry_unref(old);
}

/* The index of a format by name. */
int
fpv_ctx_find(const struct fpv_ctx *c, const char *name, size_t len)
{
	return fpv_registry_find(c->reg, name, len);
}

/* The column of format index i. */
int
fpv_ctx_column_of(const struct fpv_ctx *c, int i)
{
	for (int k = 0; k < c->ncols; k++)
		if (c->cols[k] == i)
			return k;
	return -1;
}

/* Format i of c, to change. */
struct fpv_format *
fpv_ctx_edit_format(struct fpv_ctx *c, int i)
{
	struct fpv_registry *r = fpv_registry_edit(&c->reg);

	return r != NULL ? &r->f[i] : NULL;
}

/* ---- Stochastic rounding's words -------------------------------------- */

/* The 32-bit FNV-1a hash of a name. */
uint32_t
fpv_sr_format_id(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* The uniform word of c's current rounding in f. */
uint64_t
fpv_sr_word(const struct fpv_ctx *c, const struct fpv_format *f)
{
	return fpv_rng_key(c->seed, c->sr_pos, fpv_sr_format_id(f->name),
	    c->sr_elem);
}

/* Away from zero, for the dropped fraction D / 2^64 + r? */
bool
fpv_sr_away(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t D, bool more)
{
	uint64_t u = fpv_sr_word(c, f);

	return u < D || (u == D && more);
}

/* ---- Public operations ---------------------------------------------- */

/* Decode bits of f into x. */
void
fpv_num_decode(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, mpfr_ptr x)
{
	(void)c;
	if (f->kind == FPV_KIND_FLOAT) {
		fpv_float_decode(f, bits, x);
	} else {
		mpq_t v;

		mpq_init(v);
		fpv_grid_value(f, bits, v);
		mpfr_set_q(x, v, MPFR_RNDN);
		mpq_clear(v);
	}
}

/* Leading bits lost to cancellation in a +- b = r (0 if none). */
int
fpv_num_cancelled(const struct fpv_format *f, enum fpv_op op,
    mpfr_srcptr const *a, mpfr_srcptr r)
{
	int sa, sb;
	long ea, eb, er;

	if (!mpfr_regular_p(a[0]) || !mpfr_regular_p(a[1]) ||
	    !mpfr_number_p(r))
		return 0;
	sa = mpfr_sgn(a[0]);
	sb = mpfr_sgn(a[1]) * (op == FPV_OP_SUB ? -1 : 1);
	if (sa == sb)
		return 0;		/* not an effective subtraction */
	ea = mpfr_get_exp(a[0]);
	eb = mpfr_get_exp(a[1]);
	if (mpfr_zero_p(r))
		return fpv_format_prec(f);
	er = mpfr_get_exp(r);
	ea = ea > eb ? ea : eb;
	if (er >= ea)
		return 0;
	return ea - er > fpv_format_prec(f) ? fpv_format_prec(f) :
	    (int)(ea - er);
}

/* Convert an encoding between formats. */
uint64_t
fpv_num_convert(const struct fpv_ctx *c, const struct fpv_format *to,
    const struct fpv_format *from, uint64_t bits, unsigned *flags)
{
	if (from->kind == FPV_KIND_FLOAT) {
		struct fpv_scratch s;
		mpfr_ptr x = fpv_float_scratch(&s, from, bits);
		struct fpv_operands o = { { x, NULL, NULL }, NULL };

		if (to->kind == FPV_KIND_FLOAT) {
			if (fpv_float_is_snan(from, bits) ||
			    (mpfr_nan_p(x) && !to->has_nan)) {
				*flags |= FPV_FLAG_INVALID;
				return fpv_float_nan(to);
			}
			if (mpfr_nan_p(x))
				return to->qnan;
			return fpv_float_round_op(to, FPV_OP_SET, &o, false,
			    mpfr_inf_p(x), fpv_float_rnd(c, to, FPV_OP_SET, &o),
			    flags);
		}
		if (fpv_float_is_snan(from, bits)) {
			*flags |= FPV_FLAG_INVALID;
			return fpv_grid_zero(to);
		}
		return fpv_grid_quantize_fr(c, to, x, true, true, flags);
	}
	{
		mpq_t v;
		uint64_t b;

		mpq_init(v);
		fpv_grid_value(from, bits, v);
		if (to->kind == FPV_KIND_FLOAT) {
			struct fpv_operands o = { { NULL, NULL, NULL }, v };

			b = fpv_float_round_op(to, FPV_OP_SETQ, &o, false,
			    false, fpv_float_rnd(c, to, FPV_OP_SETQ, &o), flags);
		} else {
			b = fpv_grid_quantize_q(c, to, v, flags);
		}
		mpq_clear(v);
		return b;
	}
}

/* Round an exact rational into f. */
uint64_t
fpv_num_round_q(const struct fpv_ctx *c, const struct fpv_format *f,
    mpq_srcptr q, unsigned *flags)
{
	struct fpv_operands o = { { NULL, NULL, NULL }, q };

	if (f->kind == FPV_KIND_INT)
		return fpv_grid_quantize_q(c, f, q, flags);
	return fpv_float_round_op(f, FPV_OP_SETQ, &o, false, false,
	    fpv_float_rnd(c, f, FPV_OP_SETQ, &o), flags);
}

/* The exponent of a regular x's lowest set bit: x is an odd multiple of
 * 2^low_bit(x).  (Its precision may hold many zero bits below that.) */
static long
low_bit(mpfr_srcptr x)
{
	const mp_limb_t *mp = mpfr_custom_get_significand(x);
	size_t n = ((size_t)mpfr_get_prec(x) + GMP_NUMB_BITS - 1) /
	    GMP_NUMB_BITS, i = 0;

	while (mp[i] == 0)
		i++;
	/* The top bit of limb n - 1 weighs 2^(exp - 1). */
	return (long)mpfr_get_exp(x) - (long)((n - i) * GMP_NUMB_BITS) +
	    __builtin_ctzll((unsigned long long)mp[i]);
}

/* Bits from a regular x's leading one to its lowest set bit. */
static mpfr_prec_t
sig_bits(mpfr_srcptr x)
{
	return (mpfr_prec_t)(mpfr_get_exp(x) - low_bit(x));
}

/*
 * Precision needed to hold a +- b exactly (0 if not both regular): from
 * the higher leading bit (and a carry) down to the lower lowest set bit,
 * so that a long sum does not grow by a bit per term.
 */
static mpfr_prec_t
sum_prec(mpfr_srcptr a, mpfr_srcptr b)
{
	long hi, lo, la, lb;

	if (!mpfr_regular_p(a) || !mpfr_regular_p(b))
		return 0;
	hi = mpfr_get_exp(a) > mpfr_get_exp(b) ? mpfr_get_exp(a) :
	    mpfr_get_exp(b);
	la = low_bit(a);
	lb = low_bit(b);
	lo = la < lb ? la : lb;
	return (mpfr_prec_t)(hi - lo + 1);
}

/* Precision needed to hold a * b exactly (0 if not both regular). */
static mpfr_prec_t
product_prec(mpfr_srcptr a, mpfr_srcptr b)
{
	if (!mpfr_regular_p(a) || !mpfr_regular_p(b))
		return 0;
	return sig_bits(a) + sig_bits(b);
}

/* Clamp a wanted precision to the exact reference's range. */
static mpfr_prec_t
exact_prec(mpfr_prec_t want)
{
	if (want < FPV_EXACT_PREC)
		return FPV_EXACT_PREC;
	return want > FPV_EXACT_MAXPREC ? FPV_EXACT_MAXPREC : want;
}

/* An MPFR reference of op on exact operands (num.h). */
int
fpv_num_exact_op(enum fpv_op op, mpfr_ptr out, mpfr_srcptr const *a)
{
	struct fpv_operands o = { { a[0], NULL, NULL }, NULL };
	int n = fpv_ops[op].nargs;
	mpfr_prec_t prec = FPV_EXACT_PREC;

	for (int i = 1; i < n; i++)
		o.a[i] = a[i];
	switch (op) {
	case FPV_OP_ADD: case FPV_OP_SUB:
		prec = sum_prec(a[0], a[1]);
		break;
	case FPV_OP_MUL:
		prec = product_prec(a[0], a[1]);
		break;
	case FPV_OP_NEG: case FPV_OP_ABS: case FPV_OP_FLOOR:
	case FPV_OP_CEIL: case FPV_OP_ROUND:
		prec = mpfr_get_prec(a[0]);
		break;
	case FPV_OP_MIN: case FPV_OP_MAX:
		prec = mpfr_get_prec(a[0]) > mpfr_get_prec(a[1]) ?
		    mpfr_get_prec(a[0]) : mpfr_get_prec(a[1]);
		break;
	case FPV_OP_FMA: {
		mpfr_t prod;
		int t;

		mpfr_init2(prod, exact_prec(product_prec(a[0], a[1])));
		t = mpfr_mul(prod, a[0], a[1], MPFR_RNDN);
		mpfr_set_prec(out, exact_prec(sum_prec(prod, a[2])));
		t |= mpfr_add(out, prod, a[2], MPFR_RNDN);
		mpfr_clear(prod);
		return t;
	}
	default:
		break;
	}
	mpfr_set_prec(out, exact_prec(prec));
	return fpv_num_compute(op, out, &o, MPFR_RNDN);
}

/* MPFR's function for op. */
int
fpv_num_mpfr_op(enum fpv_op op, mpfr_ptr r, mpfr_srcptr const *a,
    mpfr_rnd_t rnd)
{
	struct fpv_operands o = { { a[0], NULL, NULL }, NULL };

	for (int i = 1; i < fpv_ops[op].nargs; i++)
		o.a[i] = a[i];
	return fpv_num_compute(op, r, &o, rnd);
}

/* One ulp of f at the value of bits. */
void
fpv_num_ulp(const struct fpv_ctx *c, const struct fpv_format *f,
    uint64_t bits, mpfr_ptr out)
{
	long E;

	(void)c;
	if (f->kind == FPV_KIND_INT) {
		mpq_t q;

		mpq_init(q);
		fpv_grid_scale(f, q);
		mpfr_set_q(out, q, MPFR_RNDN);
		mpq_clear(q);
		return;
	}
	switch (fpv_bits_class(f, bits)) {
	case FPV_CLASS_QNAN: case FPV_CLASS_SNAN:
		mpfr_set_nan(out);
		return;
	case FPV_CLASS_INF:
		E = f->emax;
		break;
	case FPV_CLASS_ZERO: case FPV_CLASS_SUBNORMAL:
		E = f->emin;
		break;
	default:
		E = (long)fpv_bits_exp(f, bits) - f->bias;
		break;
	}
	mpfr_set_ui_2exp(out, 1, E - f->frac_bits, MPFR_RNDN);
}
