/*
 * Colon commands (":set round up", ":info fp16", ...), shared by the
 * line-mode REPL and the full-screen view.
 *
 * A command changes the session or the display settings, or asks its
 * caller for an action (quit, step).  Text to show comes back in the
 * reply; nothing here prints or knows about terminals.
 */
#ifndef FPVIZ_COMMAND_H
#define FPVIZ_COMMAND_H

#include <stdbool.h>
#include <stddef.h>

#include "fpviz/trace.h"

/* What the caller should do after a command. */
enum fpv_cmd_action {
	FPV_CMD_NONE,		/* done; show reply text if any */
	FPV_CMD_QUIT,		/* :quit */
	FPV_CMD_NEXT,		/* :next  (step forward) */
	FPV_CMD_PREV,		/* :prev  (step back) */
	FPV_CMD_STEPS,		/* :steps (show every step) */
	FPV_CMD_REEVAL,		/* settings changed: re-evaluate the last line */
	FPV_CMD_LESSON		/* :lesson ARG (arg in reply) */
};

/* Display settings the commands may change. */
struct fpv_display {
	unsigned formats;	/* bit i: show fpv_formats[i] */
	bool big;		/* :set big on|off (presentation layout) */
	bool no_color;		/* --color=never: the view uses attributes only */
};

struct fpv_cmd_reply {
	enum fpv_cmd_action action;
	char *text;		/* malloc'd text to show, or NULL */
	char *arg;		/* malloc'd argument (lesson name), or NULL */
};

void fpv_cmd_reply_free(struct fpv_cmd_reply *r);

/*
 * Run the command in line[0..len) (starting with ':').  Returns 0 and
 * fills *r, or -1 with *err set (line: the 1-based input line number).
 * On error nothing changes.
 */
int fpv_command_run(struct fpv_session *s, struct fpv_display *d,
    const char *line, size_t len, int lineno, struct fpv_cmd_reply *r,
    struct fpv_error *err);

/* Names of all commands (":help", ...), NULL-terminated, for completion. */
extern const char *const fpv_command_names[];

/*
 * Parse a format list ("fp16,fp32" or "all") into a mask; returns -1 with
 * *why set on error.
 */
int fpv_formats_parse(const char *list, unsigned *mask, const char **why);

/* The :info text of format f (layout, bias, max, min normal/subnormal,
 * eps, decimal digits); malloc'd. */
char *fpv_format_info(const struct fpv_ctx *c, const struct fpv_format *f);

/* The same facts as one JSON object and a newline (for --info --json):
 * {"format", "title", "kind", bits and fields, "max", "smallest_normal",
 * "smallest_subnormal", "eps" as {"value", "bits", "exact_value"}, ...};
 * malloc'd. */
char *fpv_format_info_json(const struct fpv_ctx *c, const struct fpv_format *f);

#endif
