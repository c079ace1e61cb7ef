/*
 * Steps in words, and ties.
 *
 * A description is built from the step's node: its token for literals,
 * constants, variables and bit patterns, else the operator or function
 * with its operands' values, either the exact reference's (rounded to
 * NEUTRAL_DIGITS digits) or one column's (fpv_dec_value).
 *
 * Ties are decided exactly, on demand (evaluation never pays for them),
 * from the value a step rounded: the literal's exact value, the exact
 * result of the operation on the column's operands, the value a cast or
 * a bit pattern converted.  For a float format a tie is a value whose
 * lowest set bit lies half a spacing of the format's grid there; for an
 * integer grid, value / scale an odd multiple of 1/2 (in 128-bit
 * integers for the common small scales, else in GMP rationals).  Only
 * steps that were inexact are looked at.
 */
#include <stdio.h>
#include <string.h>

#include "fpviz/decimal.h"
#include "fpviz/describe.h"

/* Significant digits of the exact operands of a format-neutral text. */
#define NEUTRAL_DIGITS 17
/* Longest token (literal, name) quoted in a description. */
#define TOKEN_MAX 80
/* A power x^k of an integer grid is computed in rationals for |k| <=
 * POW_MAX (a tie needs a short result, so a small k), beyond it by the
 * exact reference's arithmetic. */
#define POW_MAX 64

/* ---- Ties ------------------------------------------------------------ */

/* A number on the stack: any float value of the table exactly. */
struct stackval {
	mp_limb_t l[(FPV_EXACT_PREC + 63) / 64];
	mpfr_t x;
};

/* Is bits a finite value of F (not inf or nan)? */
static bool
finite_code(const struct fpv_format *F, uint64_t bits)
{
	enum fpv_class c = fpv_bits_class(F, bits);

	return c != FPV_CLASS_INF && c != FPV_CLASS_QNAN && c != FPV_CLASS_SNAN;
}

/* The value of a float encoding of F exactly, on the stack. */
static mpfr_ptr
float_value(const struct fpv_ctx *c, const struct fpv_format *F, uint64_t bits,
    struct stackval *sv)
{
	mpfr_custom_init(sv->l, fpv_format_prec(F));
	mpfr_custom_init_set(sv->x, MPFR_ZERO_KIND, 0, fpv_format_prec(F),
	    sv->l);
	fpv_num_decode(c, F, bits, sv->x);
	return sv->x;
}

/* The value of a finite encoding of F, exactly, into q. */
static void
value_q(const struct fpv_ctx *c, const struct fpv_format *F, uint64_t bits,
    mpq_ptr q)
{
	if (F->kind == FPV_KIND_INT) {
		fpv_grid_value(F, bits, q);
	} else {
		struct stackval sv;

		mpfr_get_q(q, float_value(c, F, bits, &sv));
	}
}

/*
 * Is the exact x halfway between two neighbouring values of the float
 * format F?  F's values in the binade of x (2^E <= |x| < 2^(E+1); below
 * the normal range, the subnormals' spacing) are the multiples of
 * 2^(max(E, emin) - frac_bits), so the midpoints are the odd multiples
 * of half that: x's lowest set bit is there.  Without subnormals the
 * only midpoint below 2^emin is 2^(emin-1), between 0 and 2^emin (none
 * without zero); above, up to half a spacing past the largest finite
 * value (IEEE's overflow threshold, E4M3's 464), where the neighbour
 * would be the next value of an unbounded format.
 */
static bool
float_tie(const struct fpv_ctx *c, const struct fpv_format *F, mpfr_srcptr x)
{
	long E, low;
	struct stackval sv;
	mpfr_ptr m;
	bool over;

	if (!mpfr_regular_p(x))
		return false;
	E = (long)mpfr_get_exp(x) - 1;
	low = (long)mpfr_get_exp(x) - (long)mpfr_min_prec(x);
	if (E < F->emin) {
		if (!F->zero)
			return false;
		if (!F->subnormals)
			return low == F->emin - 1 && E == F->emin - 1;
		return low == (long)F->emin - F->frac_bits - 1;
	}
	if (low != E - F->frac_bits - 1 || E > F->emax)
		return false;
	/* Past the largest finite value by more than half a spacing? */
	m = float_value(c, F, F->max_code, &sv);
	if (mpfr_cmpabs(x, m) <= 0)
		return true;
	mpfr_t h;

	mpfr_init2(h, mpfr_get_prec(x) + 2);
	mpfr_set_ui_2exp(h, 1, (mpfr_exp_t)F->emax - F->frac_bits - 1,
	    MPFR_RNDN);
	mpfr_add(h, h, m, MPFR_RNDN);
	over = mpfr_cmpabs(x, h) > 0;
	mpfr_clear(h);
	return !over;
}

/* Is x / F's scale an odd multiple of 1/2 (a tie of the integer grid)? */
static bool
grid_tie_q(const struct fpv_format *F, mpq_srcptr x)
{
	mpq_t r, s;
	bool tie;

	mpq_inits(r, s, (mpq_ptr)0);
	fpv_grid_scale(F, s);
	mpq_div(r, x, s);
	tie = mpz_cmp_ui(mpq_denref(r), 2) == 0;
	mpq_clears(r, s, (mpq_ptr)0);
	return tie;
}

/* Is n / d (d != 0) an odd multiple of 1/2: 2n / d an odd integer? */
static bool
half_odd(__int128 n, __int128 d)
{
	n *= 2;
	if (n < 0)
		n = -n;
	if (d < 0)
		d = -d;
	return n % d == 0 && (n / d) % 2 == 1;
}

/* x into an mpfr number exactly, if x's denominator is a power of two. */
static bool
q_to_fr(mpq_srcptr x, mpfr_ptr out)
{
	size_t bits = mpz_sizeinbase(mpq_numref(x), 2) + 2;

	if (mpz_popcount(mpq_denref(x)) != 1 || bits > 100000)
		return false;
	mpfr_set_prec(out, (mpfr_prec_t)(bits < 64 ? 64 : bits));
	return mpfr_set_q(out, x, MPFR_RNDN) == 0;
}

/* The exact rational x rounded into F: a tie? */
static bool
tie_q(const struct fpv_ctx *c, const struct fpv_format *F, mpq_srcptr x)
{
	mpfr_t y;
	bool tie;

	if (F->kind == FPV_KIND_INT)
		return grid_tie_q(F, x);
	mpfr_init2(y, 64);
	tie = q_to_fr(x, y) && float_tie(c, F, y);
	mpfr_clear(y);
	return tie;
}

/* x^k exactly for an integer k (x != 0 when k < 0). */
static void
pow_q(mpq_ptr r, mpq_srcptr x, long k)
{
	unsigned long a = k < 0 ? (unsigned long)-k : (unsigned long)k;

	mpz_pow_ui(mpq_numref(r), mpq_numref(x), a);
	mpz_pow_ui(mpq_denref(r), mpq_denref(x), a);
	mpq_canonicalize(r);
	if (k < 0)
		mpq_inv(r, r);
}

/*
 * An operation of an integer grid: a tie?  With the scale a small
 * fraction sn/sd and k = q - zero_point, sums, differences, negations,
 * minima and maxima of grid values are whole numbers of steps (never
 * ties); a product is k1 k2 sn / sd steps, a quotient k1 sd / (k2 sn),
 * an fma the product's plus k3.  Those in 128-bit integers; the rest in
 * rationals, with the other operations (sqrt, exp, ...) by the exact
 * reference's arithmetic, known exactly only when it says so.
 */
static bool
grid_op_tie(const struct fpv_trace *t, size_t i, int f)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const struct fpv_format *F = fpv_trace_format(t, f);
	const struct fpv_ctx *c = &t->ctx;
	int k = fpv_ops[n->u.op].nargs;
	__int128 q[3] = { 0, 0, 0 }, sn = F->scale_num, sd = F->scale_den;
	mpq_t a[3], x;
	bool ok = true, tie = false;

	for (int j = 0; j < k; j++)
		q[j] = fpv_bits_q(F, fpv_trace_cells(t, n->args[j])[f].bits) -
		    F->zero_point;
	if (sn != 0 && F->scale_big == NULL) {
		switch (n->u.op) {
		case FPV_OP_ADD: case FPV_OP_SUB: case FPV_OP_NEG:
		case FPV_OP_ABS: case FPV_OP_MIN: case FPV_OP_MAX:
			return false;
		case FPV_OP_MUL: case FPV_OP_FMA:
			return half_odd(q[0] * q[1] * sn, sd);
		case FPV_OP_DIV:
			return q[1] != 0 && half_odd(q[0] * sd, q[1] * sn);
		default:
			break;
		}
	}
	for (int j = 0; j < 3; j++)
		mpq_init(a[j]);
	mpq_init(x);
	for (int j = 0; j < k; j++)
		value_q(c, F, fpv_trace_cells(t, n->args[j])[f].bits, a[j]);
	switch (n->u.op) {
	case FPV_OP_ADD:	mpq_add(x, a[0], a[1]); break;
	case FPV_OP_SUB:	mpq_sub(x, a[0], a[1]); break;
	case FPV_OP_MUL:	mpq_mul(x, a[0], a[1]); break;
	case FPV_OP_DIV:
		if ((ok = mpq_sgn(a[1]) != 0))
			mpq_div(x, a[0], a[1]);
		break;
	case FPV_OP_NEG:	mpq_neg(x, a[0]); break;
	case FPV_OP_ABS:	mpq_abs(x, a[0]); break;
	case FPV_OP_MIN:
		mpq_set(x, mpq_cmp(a[0], a[1]) <= 0 ? a[0] : a[1]);
		break;
	case FPV_OP_MAX:
		mpq_set(x, mpq_cmp(a[0], a[1]) >= 0 ? a[0] : a[1]);
		break;
	case FPV_OP_FMA:
		mpq_mul(x, a[0], a[1]);
		mpq_add(x, x, a[2]);
		break;
	case FPV_OP_FLOOR:
		mpz_fdiv_q(mpq_numref(x), mpq_numref(a[0]), mpq_denref(a[0]));
		break;
	case FPV_OP_CEIL:
		mpz_cdiv_q(mpq_numref(x), mpq_numref(a[0]), mpq_denref(a[0]));
		break;
	case FPV_OP_ROUND:
		/* Half away from zero: sign * floor(|a| + 1/2). */
		mpq_abs(x, a[0]);
		mpz_mul_2exp(mpq_numref(x), mpq_numref(x), 1);
		mpz_add(mpq_numref(x), mpq_numref(x), mpq_denref(x));
		mpz_mul_2exp(mpq_denref(x), mpq_denref(x), 1);
		mpz_fdiv_q(mpq_numref(x), mpq_numref(x), mpq_denref(x));
		mpz_set_ui(mpq_denref(x), 1);
		if (mpq_sgn(a[0]) < 0)
			mpq_neg(x, x);
		break;
	default:
		if (n->u.op == FPV_OP_POW &&
		    mpz_cmp_ui(mpq_denref(a[1]), 1) == 0 &&
		    mpz_cmpabs_ui(mpq_numref(a[1]), 1) >= 0 &&
		    mpz_cmpabs_ui(mpq_numref(a[1]), POW_MAX) <= 0 &&
		    (mpq_sgn(a[0]) != 0 || mpq_sgn(a[1]) > 0)) {
			pow_q(x, a[0], mpz_get_si(mpq_numref(a[1])));
		} else {
			mpfr_t fa[3], out;
			mpfr_srcptr args[3] = { NULL, NULL, NULL };

			mpfr_init2(out, FPV_EXACT_PREC);
			for (int j = 0; j < k; j++) {
				mpfr_init2(fa[j], 64);
				ok = ok && q_to_fr(a[j], fa[j]);
				args[j] = fa[j];
			}
			ok = ok && fpv_exact_op_mpfr(n->u.op, out, args) == 0 &&
			    mpfr_number_p(out);
			if (ok)
				mpfr_get_q(x, out);
			for (int j = 0; j < k; j++)
				mpfr_clear(fa[j]);
			mpfr_clear(out);
		}
		break;
	}
	if (n->u.op == FPV_OP_FLOOR || n->u.op == FPV_OP_CEIL)
		mpz_set_ui(mpq_denref(x), 1);
	if (ok)
		tie = grid_tie_q(F, x);
	for (int j = 0; j < 3; j++)
		mpq_clear(a[j]);
	mpq_clear(x);
	return tie;
}

/* An encoding's significand with its factors of two removed. */
static uint64_t
odd_significand(const struct fpv_format *F, uint64_t bits)
{
	uint64_t m = 0;
	int q;

	if (!fpv_bits_parts(F, bits, &m, &q) || m == 0)
		return 0;
	return m >> __builtin_ctzll(m);
}

/*
 * An operation of a float column: its exact result on the column's
 * operands (the exact reference's arithmetic) is a midpoint.  Some
 * operations never give one on operands of the same format: sqrt (the
 * square root of a p-bit number is never a (p+1)-bit midpoint) and the
 * exact ones (abs, min, floor, ...: their results are values of the
 * format, or, without zero, nothing near a midpoint).  A quotient is a
 * binary fraction only when the divisor's odd significand divides the
 * dividend's.
 */
static bool
float_op_tie(const struct fpv_trace *t, size_t i, int f)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const struct fpv_format *F = fpv_trace_format(t, f);
	int k = fpv_ops[n->u.op].nargs;
	struct stackval sv[3];
	mpfr_srcptr args[3] = { NULL, NULL, NULL };
	mpfr_t x;
	bool tie;

	switch (n->u.op) {
	case FPV_OP_SQRT: case FPV_OP_ABS: case FPV_OP_NEG: case FPV_OP_MIN:
	case FPV_OP_MAX: case FPV_OP_FLOOR: case FPV_OP_CEIL: case FPV_OP_ROUND:
		return false;
	case FPV_OP_DIV: {
		uint64_t a = odd_significand(F, fpv_trace_cells(t, n->args[0])[f].bits);
		uint64_t b = odd_significand(F, fpv_trace_cells(t, n->args[1])[f].bits);

		if (b == 0 || a % b != 0)
			return false;
		break;
	}
	default:
		break;
	}
	for (int j = 0; j < k; j++) {
		uint64_t b = fpv_trace_cells(t, n->args[j])[f].bits;

		if (!finite_code(F, b))
			return false;
		args[j] = float_value(&t->ctx, F, b, &sv[j]);
	}
	mpfr_init2(x, FPV_EXACT_PREC);
	tie = fpv_exact_op_mpfr(n->u.op, x, args) == 0 && float_tie(&t->ctx, F, x);
	mpfr_clear(x);
	return tie;
}

/* A literal rounded into an integer grid: a tie?  A short decimal
 * m 10^e against the scale sn/sd in 128-bit integers when they fit;
 * else its text's exact rational. */
static bool
grid_literal_tie(const struct fpv_trace *t, const struct fpv_node *n,
    const struct fpv_format *F, const struct fpv_real *r)
{
	mpq_t x;
	bool tie = false;

	if (r->dec_known && r->dec_short && F->scale_num != 0 &&
	    F->scale_big == NULL && r->dec_e >= -18 && r->dec_e <= 9) {
		/* x / scale = m 10^e sd / sn */
		static const int64_t p10[19] = {
			1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
			100000000, 1000000000, 10000000000, 100000000000,
			1000000000000, 10000000000000, 100000000000000,
			1000000000000000, 10000000000000000,
			100000000000000000, 1000000000000000000
		};
		__int128 num = (__int128)r->dec_m * F->scale_den;
		__int128 den = F->scale_num;

		if (r->dec_e >= 0)
			num *= p10[r->dec_e];
		else
			den *= p10[-r->dec_e];
		return half_odd(num, den);
	}
	mpq_init(x);
	if (fpv_real_rational(t->ast.src + n->tok, n->toklen, x))
		tie = grid_tie_q(F, x);
	mpq_clear(x);
	return tie;
}

/* Was step i's rounding in column f a tie? */
static bool
is_tie(const struct fpv_trace *t, size_t i, int f)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	const struct fpv_format *F = fpv_trace_format(t, f);
	const struct fpv_ctx *c = &t->ctx;

	switch (n->kind) {
	case FPV_NODE_NUM: {
		struct stackval sv;
		struct fpv_real r;

		mpfr_custom_init(sv.l, FPV_EXACT_PREC);
		mpfr_custom_init_set(sv.x, MPFR_ZERO_KIND, 0, FPV_EXACT_PREC,
		    sv.l);
		/* Read again: a tie needs the exact value (a midpoint is a
		 * short binary fraction, exact at FPV_EXACT_PREC bits). */
		if (fpv_real_parse(&r, sv.x, t->ast.src + n->tok,
		    n->toklen) == -2)
			return false;
		if (F->kind == FPV_KIND_INT)
			return grid_literal_tie(t, n, F, &r);
		return r.inexact == 0 && float_tie(c, F, sv.x);
	}
	case FPV_NODE_BITS: {
		const struct fpv_format *from = fpv_ctx_format(c, n->u.format);
		mpq_t x;
		bool tie;

		if (from == F || !finite_code(from, fpv_node_bits(n)))
			return false;
		mpq_init(x);
		value_q(c, from, fpv_node_bits(n), x);
		tie = tie_q(c, F, x);
		mpq_clear(x);
		return tie;
	}
	case FPV_NODE_CAST: {
		const struct fpv_format *to = fpv_ctx_format(c, n->u.format);
		uint64_t a = fpv_trace_cells(t, n->args[0])[f].bits, b;
		unsigned fl = 0;
		mpq_t x;
		bool tie;

		if (to == F || !finite_code(F, a))
			return false;
		/* Into the cast's format, then back into the column's. */
		b = fpv_num_convert(c, to, F, a, &fl);
		mpq_init(x);
		value_q(c, F, a, x);
		tie = tie_q(c, to, x);
		if (!tie && finite_code(to, b)) {
			value_q(c, to, b, x);
			tie = tie_q(c, F, x);
		}
		mpq_clear(x);
		return tie;
	}
	case FPV_NODE_OP:
		return F->kind == FPV_KIND_INT ? grid_op_tie(t, i, f) :
		    float_op_tie(t, i, f);
	default:
		return false;
	}
}

/*
 * Does step i make or read a vector (a vector function, literal or
 * index, or an operation on a vector)?  Such steps are described by
 * their source text; their roundings are the elements'.
 */
static bool
vector_step(const struct fpv_trace *t, size_t i)
{
	const struct fpv_node *n = &t->ast.nodes[i];
	uint32_t a[3];
	int k;

	if (!fpv_trace_has_vec(t))
		return false;
	if (n->kind > FPV_NODE_BITS || fpv_trace_vec(t, i) != NULL)
		return true;
	k = fpv_trace_args(t, i, a);
	for (int j = 0; j < k; j++)
		if (fpv_trace_vec(t, a[j]) != NULL)
			return true;
	return false;
}

/* How step i's rounding in column f was a tie, if it was one. */
enum fpv_tie
fpv_describe_tie(const struct fpv_trace *t, size_t i, int f)
{
	if (i < t->nsteps && vector_step(t, i))
		return FPV_TIE_NONE;
	/* A tie is inexact: exact steps need no look. */
	if (t->ctx.round != FPV_RND_NEAREST || i >= t->nsteps ||
	    !(fpv_trace_cells(t, i)[f].flags & FPV_FLAG_INEXACT) ||
	    !is_tie(t, i, f))
		return FPV_TIE_NONE;
	/* Precision 1 (E8M0) has no even neighbour: MPFR rounds its ties
	 * away from zero (so does a cast into it). */
	if (fpv_trace_format(t, f)->kind == FPV_KIND_FLOAT &&
	    fpv_format_prec(fpv_trace_format(t, f)) == 1)
		return FPV_TIE_AWAY;
	if (t->ast.nodes[i].kind == FPV_NODE_CAST) {
		const struct fpv_format *to = fpv_ctx_format(&t->ctx,
		    t->ast.nodes[i].u.format);

		if (to->kind == FPV_KIND_FLOAT && fpv_format_prec(to) == 1)
			return FPV_TIE_AWAY;
	}
	return FPV_TIE_EVEN;
}

/* The words for a tie (" (tie -> even)"), or "" for none. */
const char *
fpv_describe_tie_words(enum fpv_tie tie)
{
	switch (tie) {
	case FPV_TIE_EVEN:	return FPV_DESCRIBE_TIE;
	case FPV_TIE_AWAY:	return FPV_DESCRIBE_TIE_AWAY;
	default:		return "";
	}
}

/* ---- Words ---------------------------------------------------------- */

/* Writing into buf[0..size), keeping count of what did not fit. */
struct out {
	char *buf;
	size_t size, n;
};

/* Append s[0..len). */
static void
put(struct out *o, const char *s, size_t len)
{
	if (o->n < o->size) {
		size_t k = o->size - 1 - o->n < len ? o->size - 1 - o->n : len;

		memcpy(o->buf + o->n, s, k);
		o->buf[o->n + k] = '\0';
	}
	o->n += len;
}

/* Append a C string. */
static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* The length written, as the callers return it (at most size - 1). */
static size_t
done(const struct out *o)
{
	if (o->size == 0)
		return 0;
	return o->n < o->size ? o->n : o->size - 1;
}

/* Append node n's token (at most TOKEN_MAX bytes), with its sign. */
static void
put_token(struct out *o, const struct fpv_trace *t, const struct fpv_node *n)
{
	if (n->kind == FPV_NODE_NUM && n->negative)
		puts_(o, "-");
	put(o, t->ast.src + n->tok, n->toklen > TOKEN_MAX ? TOKEN_MAX :
	    n->toklen);
}

/* Is the value text s negative (after a rounded mark, if any)? */
static bool
negative_text(const char *s)
{
	if (strncmp(s, FPV_DEC_MARK, FPV_DEC_MARK_LEN) == 0)
		s += FPV_DEC_MARK_LEN;
	return s[0] == '-';
}

/* Append an operand's text; an infix operator's negative one in ( ). */
static void
put_operand(struct out *o, const char *s, bool infix)
{
	bool paren = infix && negative_text(s);

	if (paren)
		puts_(o, "(");
	puts_(o, s);
	if (paren)
		puts_(o, ")");
}

/*
 * Append the words of step i with its operands' texts a[0..k): the
 * operator between them, or the function or cast name around them.
 */
static void
put_operation(struct out *o, const struct fpv_trace *t,
    const struct fpv_node *n, char a[][FPV_DEC_VALUE], int k)
{
	const char *name;

	if (n->kind == FPV_NODE_CAST) {
		name = fpv_ctx_format(&t->ctx, n->u.format)->name;
	} else if (n->u.op == FPV_OP_NEG) {
		name = "-";
	} else if (fpv_ops[n->u.op].symbol != NULL) {
		put_operand(o, a[0], true);
		puts_(o, " ");
		puts_(o, fpv_ops[n->u.op].symbol);
		puts_(o, " ");
		put_operand(o, a[1], true);
		return;
	} else {
		name = fpv_ops[n->u.op].name;
	}
	puts_(o, name);
	puts_(o, "(");
	for (int j = 0; j < k; j++) {
		if (j > 0)
			puts_(o, ", ");
		put_operand(o, a[j], false);
	}
	puts_(o, ")");
}

/*
 * The exact reference x as an operand of a format-neutral text: its
 * certified digits (at most NEUTRAL_DIGITS), marked as a value is when
 * rounded (FPV_DEC_MARK); the mark and "0" when it is zero to within a
 * bound, "nan" when undefined.
 */
static void
exact_text(const struct fpv_exact *x, char *buf, size_t size)
{
	bool rounded = false;
	long kn;
	size_t m = fpv_exact_format(x, NEUTRAL_DIGITS, FPV_EXACT_REPR,
	    buf + FPV_DEC_MARK_LEN, size - FPV_DEC_MARK_LEN, &rounded);

	if (m == 0) {
		enum fpv_exact_state st = fpv_exact_state(x, &kn);

		/* A value not certified has no digits to show: "?". */
		snprintf(buf, size, "%s", st == FPV_EXACT_S_NEAR_ZERO ?
		    FPV_DEC_MARK "0" : st == FPV_EXACT_S_UNCERTIFIED ? "?" :
		    "nan");
	}
	else if (rounded)
		memcpy(buf, FPV_DEC_MARK, FPV_DEC_MARK_LEN);
	else
		memmove(buf, buf + FPV_DEC_MARK_LEN, m + 1);
}

/*
 * Describe step i in column f's own values, or format-neutrally in the
 * exact reference's (f < 0); with result (f >= 0), then what it made:
 * " = value" when exact, else " -> value" (nothing where the text is
 * the value already, as a short literal's).
 */
static size_t
describe(const struct fpv_trace *t, size_t i, int f, bool result, char *buf,
    size_t size)
{
	const struct fpv_node *n = i < t->nsteps ? &t->ast.nodes[i] : NULL;
	struct out o = { buf, size, 0 };
	char a[3][FPV_DEC_VALUE];
	uint32_t args[3];
	int k;

	if (size > 0)
		buf[0] = '\0';
	if (i >= t->nsteps)
		return 0;
	if (vector_step(t, i)) {
		put(&o, t->ast.src + n->start, n->end - n->start);
		return done(&o);
	}
	if (result && f >= 0) {
		const struct fpv_cell *c = &fpv_trace_cells(t, i)[f];
		char r[FPV_DEC_VALUE];
		size_t start;

		if (n->kind != FPV_NODE_OP && n->kind != FPV_NODE_CAST) {
			put_token(&o, t, n);
		} else {
			k = fpv_trace_args(t, i, args);
			for (int j = 0; j < k; j++)
				fpv_dec_value(&t->ctx, fpv_trace_format(t, f),
				    fpv_trace_cells(t, args[j])[f].bits, a[j], NULL);
			put_operation(&o, t, n, a, k);
		}
		start = o.n;
		fpv_dec_value(&t->ctx, fpv_trace_format(t, f), c->bits, r,
		    NULL);
		if (!(start == strlen(r) && start < size &&
		    memcmp(buf, r, start) == 0)) {
			puts_(&o, c->flags & FPV_FLAG_INEXACT ?
			    " \xe2\x86\x92 " : " = ");
			puts_(&o, r);
		}
		puts_(&o, fpv_describe_tie_words(fpv_describe_tie(t, i, f)));
		return done(&o);
	}
	if (n->kind != FPV_NODE_OP && n->kind != FPV_NODE_CAST) {
		put_token(&o, t, n);
	} else {
		k = fpv_trace_args(t, i, args);
		for (int j = 0; j < k; j++)
			if (f < 0)
				exact_text(&fpv_trace_step(t, args[j])->exact, a[j],
				    sizeof a[j]);
			else
				fpv_dec_value(&t->ctx, fpv_trace_format(t, f),
				    fpv_trace_cells(t, args[j])[f].bits, a[j], NULL);
		put_operation(&o, t, n, a, k);
		/* A cast that changed the value: what it produced. */
		if (f >= 0 && n->kind == FPV_NODE_CAST &&
		    fpv_trace_cells(t, i)[f].bits != fpv_trace_cells(t, args[0])[f].bits) {
			char r[FPV_DEC_VALUE];

			fpv_dec_value(&t->ctx, fpv_trace_format(t, f),
			    fpv_trace_cells(t, i)[f].bits, r, NULL);
			puts_(&o, " \xe2\x86\x92 ");
			puts_(&o, r);
		}
	}
	if (f >= 0)
		puts_(&o, fpv_describe_tie_words(fpv_describe_tie(t, i, f)));
	return done(&o);
}

/* Describe step i format-neutrally. */
size_t
fpv_describe_step(const struct fpv_trace *t, size_t i, char *buf, size_t size)
{
	return describe(t, i, -1, false, buf, size);
}

/* Describe step i in column f's own values. */
size_t
fpv_describe_cell(const struct fpv_trace *t, size_t i, int f, char *buf,
    size_t size)
{
	return describe(t, i, f, false, buf, size);
}

/* Describe step i in column f's own values and what it made. */
size_t
fpv_describe_result(const struct fpv_trace *t, size_t i, int f, char *buf,
    size_t size)
{
	return describe(t, i, f, true, buf, size);
}

/* ---- Requantization --------------------------------------------------- */

/* The words of a rounding mode after a direction (ORDER: enum fpv_round). */
static const char *const mode_words[] = {
	"rounding to nearest", "rounding toward zero", "rounding up",
	"rounding down", "rounding stochastically"
};

/* Significant digits at which a value is taken as exact when its
 * rounding there has at most FPV_DEC_VALUE_DIGITS digits. */
#define REQUANT_PROBE_DIGITS 40

/*
 * x as values are shown: its decimal when that has at most
 * FPV_DEC_VALUE_DIGITS significant digits (to within the exact
 * reference's own accuracy: the rounding to REQUANT_PROBE_DIGITS digits
 * is that short), else FPV_DEC_MARK and x to FPV_DEC_VALUE_DIGITS
 * digits.
 */
static void
put_value(struct out *o, mpfr_srcptr x)
{
	char s[96], d[72];
	long E;
	int n;

	if (mpfr_zero_p(x)) {
		puts_(o, "0");
		return;
	}
	n = fpv_dec_digits(x, REQUANT_PROBE_DIGITS, d, &E);
	while (n > 1 && d[n - 1] == '0')
		n--;
	if (n > FPV_DEC_VALUE_DIGITS)
		puts_(o, FPV_DEC_MARK);
	fpv_dec_round(x, FPV_DEC_VALUE_DIGITS, s, sizeof s);
	puts_(o, s);
}

/* Append the integer x (an integral mpfr number). */
static void
put_integer(struct out *o, mpfr_srcptr x)
{
	char s[96];

	if (mpfr_fits_slong_p(x, MPFR_RNDN))
		snprintf(s, sizeof s, "%ld", mpfr_get_si(x, MPFR_RNDN));
	else
		fpv_dec_round(x, REQUANT_PROBE_DIGITS, s, sizeof s);
	puts_(o, s);
}

/* Describe the requantization of step i in the integer grid column f. */
size_t
fpv_describe_requant(const struct fpv_trace *t, size_t i, int f, char *buf,
    size_t size)
{
	struct out o = { buf, size, 0 };
	const struct fpv_format *F;
	const struct fpv_node *n;
	const struct fpv_cell *c;
	static const mpfr_rnd_t rnd[] = { MPFR_RNDN, MPFR_RNDZ, MPFR_RNDU,
	    MPFR_RNDD };
	bool sr = t->ctx.round == FPV_RND_STOCHASTIC;
	mpfr_t x, s, Q, R;
	mpq_t sq;
	char sc[96];
	long q;

	if (size > 0)
		buf[0] = '\0';
	if (i >= t->nsteps || f < 0 || f >= fpv_trace_ncols(t))
		return 0;
	F = fpv_trace_format(t, f);
	n = &t->ast.nodes[i];
	c = &fpv_trace_cells(t, i)[f];
	/* A cast through another format did not round the value once;
	 * a vector's elements are rounded one by one. */
	if (vector_step(t, i) ||
	    F->kind != FPV_KIND_INT || (n->kind == FPV_NODE_CAST &&
	    fpv_ctx_format(&t->ctx, n->u.format) != F))
		return 0;
	mpfr_inits2(FPV_EXACT_PREC + 64, x, s, Q, R, (mpfr_ptr)0);
	fpv_trace_local_exact(t, i, f, x);
	if (!mpfr_number_p(x)) {
		mpfr_clears(x, s, Q, R, (mpfr_ptr)0);
		return 0;
	}
	mpq_init(sq);
	fpv_grid_scale(F, sq);
	mpfr_set_q(s, sq, MPFR_RNDN);
	mpq_clear(sq);
	/* Q = x / scale + zero point; R, Q rounded in the step's mode. */
	mpfr_div(Q, x, s, MPFR_RNDN);
	mpfr_add_si(Q, Q, (long)F->zero_point, MPFR_RNDN);
	q = (long)fpv_bits_q(F, c->bits);
	if (sr) {
		/* The neighbour the step chose is the stored q, unless the
		 * range cut it off: then it is not shown. */
		if (c->flags & (FPV_FLAG_SATURATED | FPV_FLAG_WRAPPED))
			mpfr_set_nan(R);
		else
			mpfr_set_si(R, q, MPFR_RNDN);
	} else {
		mpfr_rint(R, Q, rnd[t->ctx.round]);
	}

	put_value(&o, x);
	fpv_dec_round(s, REQUANT_PROBE_DIGITS, sc, sizeof sc);
	puts_(&o, " / ");
	puts_(&o, sc);
	if (F->zero_point != 0) {
		snprintf(sc, sizeof sc, " %c %lld", F->zero_point < 0 ? '-' : '+',
		    (long long)(F->zero_point < 0 ? -F->zero_point :
		    F->zero_point));
		puts_(&o, sc);
	}
	puts_(&o, " = ");
	if (mpfr_integer_p(Q)) {
		put_integer(&o, Q);
	} else {
		enum fpv_tie tie = fpv_describe_tie(t, i, f);

		put_value(&o, Q);
		if (!mpfr_nan_p(R)) {
			puts_(&o, " \xe2\x86\x92 ");
			put_integer(&o, R);
		}
		if (tie != FPV_TIE_NONE) {
			puts_(&o, fpv_describe_tie_words(tie));
		} else if (!mpfr_nan_p(R)) {
			puts_(&o, mpfr_greater_p(R, Q) ? " (up, " : " (down, ");
			puts_(&o, mode_words[t->ctx.round]);
			puts_(&o, ")");
		}
	}
	/* Past the range: the stored q says what became of it. */
	if (mpfr_nan_p(R) || mpfr_cmp_si(R, q) != 0) {
		char w[64];

		puts_(&o, " \xe2\x86\x92 ");
		snprintf(w, sizeof w, "%ld", q);
		puts_(&o, w);
		if (c->flags & FPV_FLAG_SATURATED) {
			puts_(&o, " (saturated)");
		} else if (c->flags & FPV_FLAG_WRAPPED) {
			snprintf(w, sizeof w, " (wrapped modulo 2^%d)", F->bits);
			puts_(&o, w);
		}
	}
	mpfr_clears(x, s, Q, R, (mpfr_ptr)0);
	return done(&o);
}
