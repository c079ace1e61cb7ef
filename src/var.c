/*
 * Variables as values: copying and releasing a struct fpv_var, so that
 * every copy of the session's variables (the line handler's snapshots,
 * a lesson's starting point) keeps all of a variable, its exact
 * reference and what is known of it included.
 */
#include <stdlib.h>
#include <string.h>

#include "fpviz/trace.h"

/* Copy a variable into one that holds nothing yet. */
int
fpv_var_copy(struct fpv_var *dst, const struct fpv_var *src)
{
	/* Every plain field as it is; then the name and the exact
	 * reference, which the copy owns. */
	*dst = *src;
	if ((dst->name = strdup(src->name)) == NULL) {
		memset(dst, 0, sizeof *dst);
		return -1;
	}
	fpv_exact_init(&dst->exact);
	fpv_exact_set(&dst->exact, &src->exact);
	fpv_vec_ref(dst->vec);
	return 0;
}

/* Release what a variable holds. */
void
fpv_var_clear(struct fpv_var *v)
{
	free(v->name);
	v->name = NULL;
	fpv_exact_clear(&v->exact);
	fpv_vec_unref(v->vec);
	v->vec = NULL;
}
