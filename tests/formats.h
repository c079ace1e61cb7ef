/*
 * The default columns of the tests: fp16, fp32, fp64 and int8 are the
 * first rows of the built-in table and the default columns in that
 * order, so a column index is also an index into fpv_builtin.  Helpers
 * to read and change int8's settings in a context's registry.
 */
#ifndef FPVIZ_TESTS_FORMATS_H
#define FPVIZ_TESTS_FORMATS_H

#include <string.h>

#include "fpviz/num.h"

enum { FPV_FP16, FPV_FP32, FPV_FP64, FPV_INT8, FPV_NFORMATS };

#define fpv_formats fpv_builtin

/* A built-in format by name (NULL if none). */
#define FMTN(name) fpv_builtin_by_name(name, strlen(name))

/* Format i of ctx c, to read, and to change (the registry made c's own). */
#define CFMT(c, i) fpv_ctx_format(c, i)
#define WFMT(c, i) fpv_ctx_edit_format(c, i)

/* Set int8's scale in c from text; 0 or -1 with *why. */
static inline int __attribute__((unused))
set_int8_scale(struct fpv_ctx *c, const char *text, const char **why)
{
	return fpv_grid_set_scale(WFMT(c, FPV_INT8), text, why);
}

#endif
