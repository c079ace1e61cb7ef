/*
 * Stopping work in progress.
 *
 * A signal handler sets fpv_interrupt to nonzero to stop the line being
 * worked on: the parser checks it every 1024 tokens, the evaluator while
 * it makes room for a line's steps and before each step, and each fails
 * with the message "interrupted", leaving the session as it was.  The
 * flag stays set until the caller clears it, so a caller knows an error
 * was an interruption; fpv_interrupted() reads it.  Defined in eval.c.
 */
#ifndef FPVIZ_INTERRUPT_H
#define FPVIZ_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

extern volatile sig_atomic_t fpv_interrupt;

static inline bool
fpv_interrupted(void)
{
	return fpv_interrupt != 0;
}

#endif
