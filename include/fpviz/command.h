/*
 * Colon commands (":set round up", ":info fp16", ...), settings and
 * completion, shared by the line-mode REPL and the full-screen view.
 *
 * Two tables drive everything: the commands ({name, alias, arguments,
 * help, run}) and the settings ({key, choices, help, set, show}); they
 * give dispatch, :set, :help and completion alike, so a new command or
 * setting is one row.  A command changes the session or the display
 * settings, or asks its caller for an action (quit, step).  Text to show
 * comes back in the reply; nothing here prints or knows about terminals.
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
	bool big;		/* :set big on|off (presentation layout) */
	bool no_color;		/* --color=never: the view uses attributes only */
};

struct fpv_cmd_reply {
	enum fpv_cmd_action action;
	char *text;		/* malloc'd text to show, or NULL */
	char *json;		/* malloc'd members of the command's JSON
				   object, the same facts as text ("\"settings\":
				   {\"round\": \"up\"}"), or NULL */
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

/* Names of the commands with their ':' (aliases included), NULL-terminated. */
extern const char *const fpv_command_names[];

/* The :help text of topic (NULL: the overview); malloc'd, or NULL if
 * there is no such topic. */
char *fpv_command_help(const struct fpv_session *s, const char *topic);

/*
 * A problem with a setting, a format list or a format definition, for
 * the command line (usage errors) and commands (located errors): a
 * message, and where in the text given it is (byte offset).
 */
struct fpv_cmd_why {
	char msg[200];
	size_t off;
};

/*
 * Apply the setting key[0..klen) = val[0..vlen) ("round", "up";
 * "int8.scale", "0.1"; "fp8e4m3.overflow", "saturate") to s and d, as
 * :set KEY VALUE and --set KEY=VALUE do; *reeval tells whether values
 * change (the last line must be evaluated again).  Returns 0, or -1
 * with *why filled (off 0 is the key, else the value's offset + 1: see
 * FPV_WHY_VALUE); nothing changes then.
 */
int fpv_setting_apply(struct fpv_session *s, struct fpv_display *d,
    const char *key, size_t klen, const char *val, size_t vlen,
    bool *reeval, struct fpv_cmd_why *why);

/* In struct fpv_cmd_why.off: the problem is in the value, not the key. */
#define FPV_WHY_VALUE ((size_t)1 << 62)

/*
 * Parse a list of formats ("fp16,bf16 fp8e4m3", any order, separated by
 * commas or blanks; "all", or a preset such as "ml") into the columns of
 * c.  Returns 0, or -1 with *why filled (off: the offending name).
 */
int fpv_formats_parse(struct fpv_ctx *c, const char *list, size_t len,
    struct fpv_cmd_why *why);

/*
 * Define (or redefine) the user format name[0..nlen) by the descriptor
 * spec[0..slen) ("e3m4", "e4m3,bias=8,fn", see format.h).  Returns 0, or
 * -1 with *why filled (off < nlen: in the name; else in the spec at
 * off - nlen).  Variables keep no values of a redefined format.
 */
int fpv_format_define(struct fpv_session *s, const char *name, size_t nlen,
    const char *spec, size_t slen, struct fpv_cmd_why *why);

/*
 * Completion, one engine for the REPL and the view: the candidates for
 * the word that starts at byte start of line[0..] (the line up to the
 * cursor) — command names, their arguments (topics, settings and their
 * values, formats, presets, lessons), or in an expression the functions
 * and casts (with their '('), constants and variables.  Each is passed
 * to add(arg, word, len); the caller keeps those that begin with the
 * word.  Returns the character to append after a unique match: ' ' in
 * a command, 0 in an expression.
 */
typedef void (*fpv_complete_fn)(void *arg, const char *word, size_t len);
char fpv_complete(const struct fpv_session *s, const char *line,
    size_t start, fpv_complete_fn add, void *arg);

/*
 * The candidates of fpv_complete that begin with text[0..n), each once,
 * as a malloc'd NULL-terminated array of malloc'd strings (free with
 * fpv_complete_free); NULL if out of memory.  *append as fpv_complete
 * returns it.
 */
char **fpv_complete_list(const struct fpv_session *s, const char *line,
    size_t start, const char *text, size_t n, char *append);
void fpv_complete_free(char **list);

#endif
