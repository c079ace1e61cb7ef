/*
 * The sub-steps of a step, as --steps, JSON and the view show them: a
 * reduction's accumulator steps with what each addition lost, and a
 * block quantization's blocks with their largest magnitude, scale and
 * codes.  The steps themselves come from vec.c
 * (fpv_vec_reduce_window) and quant.c (struct fpv_quant); this is
 * their arithmetic of losses and their words.
 */
#ifndef FPVIZ_SUBSTEP_H
#define FPVIZ_SUBSTEP_H

#include <stdbool.h>
#include <stddef.h>

#include "fpviz/quant.h"
#include "fpviz/reduce.h"
#include "fpviz/trace.h"

/*
 * What recorded step s of an accumulator in format acc lost: the error
 * figures of its result r against the exact sum a + b of its operands
 * (ADD and COMBINE; for Kahan's ADD, b is the corrected term y), that
 * is r - (a + b), into e (initialized), in acc (its ulps at a + b).
 * a + b is an exact rational, so every digit is certain.  Returns
 * false (e untouched) for a step that adds nothing (LOAD, MAX).
 */
bool fpv_acc_step_loss(const struct fpv_ctx *c, const struct fpv_format *acc,
    const struct fpv_reduce_step *s, struct fpv_errinfo *e);

/*
 * The loss as the text tables write a step's own loss: "loss 0", "loss
 * -0.0001 (rel -1.7e-05, 0.026 ulp)", "loss inf".  Returns the length
 * written into buf (NUL-terminated; size >= FPV_LOSS_TEXT).
 */
#define FPV_LOSS_TEXT 192
size_t fpv_loss_text(const struct fpv_errinfo *e, char *buf, size_t size);

/* The element range of block b of q: [*first, *first + *count). */
void fpv_quant_block_range(const struct fpv_quant *q, size_t b,
    size_t *first, size_t *count);

/*
 * Block b of q in words: "block 0  elements 0–31  amax 3.5206480
 * scale 0.5 (e8m0 0x7e)"; a per-tensor method's one block is "tensor";
 * the amax is the binary32 value the scale was chosen from, written as
 * fpv_dec_value writes an fp32 number ("nan" for a block holding a NaN
 * or an infinity).  Returns the length written into buf.
 */
size_t fpv_quant_block_text(const struct fpv_ctx *c,
    const struct fpv_quant *q, size_t b, char *buf, size_t size);

/*
 * The codes of elements [first, first + count) of q in hexadecimal,
 * each as many digits as the element format's bits need, separated by
 * one blank ("6 1 5 e"), at most max columns: where they do not all
 * fit, those that do and "…" (U+2026).  Returns the length.
 */
size_t fpv_quant_codes_text(const struct fpv_quant *q, size_t first,
    size_t count, size_t max, char *buf, size_t size);

#endif
