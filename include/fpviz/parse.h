/*
 * The expression language: lexer and recursive-descent parser.
 *
 * A parsed line is a flat array of nodes in post-order (every node comes
 * after its operands), so evaluation is one loop over the array, without
 * recursion, and a node's index is also its step's index in the trace.
 * Each node keeps the source span it covers, for highlighting.
 *
 * The grammar (the man page is the reference):
 *
 *   line     -> [ NAME '=' ] expr | <empty>          ('#' comments to end)
 *   expr     -> term { ('+' | '-') term }
 *   term     -> unary { ('*' | '/') unary }
 *   unary    -> ('-' | '+') unary | power
 *   power    -> postfix [ '^' unary ]                 (right associative)
 *   postfix  -> primary { '[' expr ']' }               (indexing, 0-based)
 *   primary  -> NUMBER | '-' NUMBER (negative literal, unless followed by '^')
 *             | NAME | NAME '(' args ')' | '(' expr ')'
 *             | FORMAT ':' HEX                         (bit-pattern literal)
 *             | '[' expr { ',' expr } ']'              (vector literal)
 *   args     -> arg { ',' arg }
 *   arg      -> expr | WORD | STRING
 *
 * A vector function (enum fpv_fn: fill, sum, ...) takes its arguments
 * by its signature (struct fpv_fn_info): expressions, a format name
 * (the accumulator of sum, the element format of quant), an order name
 * (sequential, pairwise, kahan), a method (absmax, minmax) or a string
 * literal ("FILE" of load), optional ones last.
 * A variadic node (a vector literal, a vector function) keeps its
 * operands in the AST's ext array: args[0] is the offset of the first,
 * args[1] their number, so that nodes stay 32 bytes.
 *
 * Nesting (parentheses, unary signs, powers, calls) is limited to
 * FPV_PARSE_MAX_DEPTH; deeper input is an error, never a crash.
 */
#ifndef FPVIZ_PARSE_H
#define FPVIZ_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fpviz/num.h"

#define FPV_PARSE_MAX_DEPTH 10000

enum fpv_node_kind {
	FPV_NODE_NUM,		/* numeric literal: text span, maybe negative */
	FPV_NODE_CONST,		/* pi or e: u.constant */
	FPV_NODE_VAR,		/* variable or ans: name span */
	FPV_NODE_OP,		/* operator or function: u.op, args */
	FPV_NODE_CAST,		/* fp16(x) ...: u.format, args[0] */
	FPV_NODE_BITS,		/* fp16:0x3c00: u.format, bits */
	FPV_NODE_VEC,		/* [a, b, ...]: operands ext[args[0]..+args[1]] */
	FPV_NODE_INDEX,		/* v[i]: args[0] the vector, args[1] the index */
	FPV_NODE_FN,		/* vector function u.op (enum fpv_fn): operands
				   ext[args[0]..+args[1]] */
	FPV_NODE_WORD,		/* a word argument: u.op enum fpv_word, args[0]
				   the format's index or the enum fpv_order */
	FPV_NODE_STR		/* "text": tok, toklen the text in the quotes */
};

/* What a word argument names. */
enum fpv_word { FPV_WORD_FORMAT, FPV_WORD_ORDER, FPV_WORD_METHOD };

/* The vector functions (ORDER FN: keep in step with fpv_fns[]). */
enum fpv_fn {
	FPV_FN_FILL, FPV_FN_LINSPACE, FPV_FN_RANDN, FPV_FN_LOAD,
	FPV_FN_SUM, FPV_FN_DOT, FPV_FN_MEAN, FPV_FN_MAX, FPV_FN_MIN,
	FPV_FN_NORM2, FPV_FN_SOFTMAX, FPV_FN_SOFTMAX_NAIVE, FPV_FN_LOGSUMEXP,
	FPV_FN_LEN,
	FPV_FN_QUANT, FPV_FN_MXFP8, FPV_FN_MXFP6, FPV_FN_MXFP4, FPV_FN_NVFP4,
	FPV_FN_Q8_0, FPV_FN_Q4_0, FPV_FN_NF4,
	FPV_FN_COUNT
};

/*
 * A vector function's signature: sig has one letter an argument, 'E' an
 * expression, 'F' a format name, 'O' an order name, 'M' a method
 * (absmax, minmax: args[0] its scheme in fpv_qschemes), 'S' a string; the
 * first nmin are required.  max and min with two expressions are the
 * scalar (elementwise) functions of enum fpv_op.
 */
struct fpv_fn_info {
	const char *name;
	const char *sig;
	int nmin;
	bool vector;		/* the result is a vector */
};

extern const struct fpv_fn_info fpv_fns[FPV_FN_COUNT];

/* The vector function called name[0..len), or -1. */
int fpv_fn_by_name(const char *name, size_t len);

enum fpv_const { FPV_CONST_PI, FPV_CONST_E };

/* A node of a parsed line: 32 bytes, as a line may hold millions. */
struct fpv_node {
	uint8_t kind;		/* enum fpv_node_kind */
	bool negative;		/* NUM: '-' belongs to the literal */
	union {
		uint16_t op;		/* enum fpv_op */
		uint16_t format;	/* index into the registry (fpv_ctx.reg) */
		uint16_t constant;	/* enum fpv_const */
	} u;
	uint32_t start, end;	/* source span [start, end), bytes */
	uint32_t tok, toklen;	/* literal digits / name / operator token */
	uint32_t args[3];	/* operand node indices, all < this node's;
				   BITS: the encoding (fpv_node_bits) */
};

/* The encoding of a BITS node. */
static inline uint64_t
fpv_node_bits(const struct fpv_node *n)
{
	return (uint64_t)n->args[0] | (uint64_t)n->args[1] << 32;
}

static inline void
fpv_node_set_bits(struct fpv_node *n, uint64_t b)
{
	n->args[0] = (uint32_t)b;
	n->args[1] = (uint32_t)(b >> 32);
}

/* A parsed line.  Owns a copy of the source text. */
struct fpv_ast {
	char *src;		/* NUL-terminated copy of the line */
	size_t len;
	struct fpv_node *nodes;	/* post-order; root is nodes[n - 1] */
	size_t n, cap;
	uint32_t *ext;		/* variadic nodes' operand lists */
	size_t next, capext;
	bool assign;		/* "NAME = expr" */
	uint32_t name, namelen;	/* assigned name's span in src */
};

/* A located error with its one-line message (without "error: L:C: "). */
struct fpv_error {
	int line, col;		/* 1-based; col counts characters */
	char msg[256];
};

void fpv_ast_init(struct fpv_ast *a);
void fpv_ast_free(struct fpv_ast *a);

/*
 * Parse src[0..len) (one line; line is its 1-based line number, for
 * messages) into a, reusing a's storage.  Returns 1 for an expression,
 * 0 for an empty or comment-only line, -1 on error with *err filled.
 */
int fpv_parse(const char *src, size_t len, int line,
    const struct fpv_registry *reg, struct fpv_ast *a,
    struct fpv_error *err);

/* True if s[0..len) is a reserved word (function, constant, format, ans). */
bool fpv_parse_reserved(const struct fpv_registry *reg, const char *s,
    size_t len);

/* Column (1-based, in characters) of byte offset off in src. */
int fpv_parse_column(const char *src, size_t off);

#endif
