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
 *   power    -> primary [ '^' unary ]                 (right associative)
 *   primary  -> NUMBER | '-' NUMBER (negative literal, unless followed by '^')
 *             | NAME | NAME '(' args ')' | '(' expr ')'
 *             | FORMAT ':' HEX                         (bit-pattern literal)
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
	FPV_NODE_BITS		/* fp16:0x3c00: u.format, bits */
};

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
