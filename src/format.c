/*
 * The table of number formats, registries of formats with their
 * settings, and what can be said of an encoding without doing
 * arithmetic: its fields, its class, its neighbours, its text forms.
 *
 * This is the one file that names formats.  A standard format is one
 * row of the table below; everything else (rounding, decoding, the
 * tables of --info, completion, help) is computed from the descriptor.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "fpviz/format.h"

/* ORDER OVERFLOW */
const char *const fpv_overflow_names[FPV_OVF_COUNT] = {
	"inf", "nan", "saturate", "wrap"
};

/* Derived fields of a float row, as fpv_format_derive computes them. */
#define ETOP(e) ((1 << (e)) - 1)
#define FMASK(m) ((UINT64_C(1) << (m)) - 1)
#define F_EMAX(e, m, b, tp)						\
	((tp) == FPV_TOP_IEEE || ((tp) == FPV_TOP_FN && (m) == 0) ?	\
	    ETOP(e) - 1 - (b) : ETOP(e) - (b))
#define F_MAXCODE(e, m, tp)						\
	((tp) == FPV_TOP_IEEE ? ((uint64_t)(ETOP(e) - 1) << (m)) | FMASK(m) : \
	 (tp) == FPV_TOP_FN ? ((m) == 0 ? (uint64_t)(ETOP(e) - 1) :	\
	    ((uint64_t)ETOP(e) << (m)) | (FMASK(m) - 1)) :		\
	 ((uint64_t)ETOP(e) << (m)) | FMASK(m))
#define F_QNAN(e, m, tp)						\
	((tp) == FPV_TOP_IEEE ? ((uint64_t)ETOP(e) << (m)) |		\
	    (UINT64_C(1) << ((m) > 0 ? (m) - 1 : 0)) :			\
	 (tp) == FPV_TOP_FN ? ((uint64_t)ETOP(e) << (m)) | FMASK(m) : 0)
#define F_FAST(e, m, b, tp)						\
	((tp) != FPV_TOP_IEEE ? FPV_FAST_NONE :				\
	 (e) == 5 && (m) == 10 && (b) == 15 ? FPV_FAST_BINARY16 :	\
	 (e) == 8 && (m) == 23 && (b) == 127 ? FPV_FAST_BINARY32 :	\
	 (e) == 11 && (m) == 52 && (b) == 1023 ? FPV_FAST_BINARY64 :	\
	 FPV_FAST_NONE)

/* A float row: sign, exponent and fraction widths, bias, top, subnormals,
 * zero, the default overflow policy (the fast paths are for the signed
 * IEEE formats with subnormals and zero only). */
#define FLOAT(nm, ti, sg, e, m, b, tp, sub, z, ovf)			\
	{ .name = nm, .title = ti, .kind = FPV_KIND_FLOAT,		\
	  .bits = (sg) + (e) + (m), .sign = sg, .exp_bits = e,		\
	  .frac_bits = m, .bias = b, .top = tp, .subnormals = sub,	\
	  .zero = z, .prec = (m) + 1, .emin = ((z) ? 1 : 0) - (b),	\
	  .emax = F_EMAX(e, m, b, tp), .max_code = F_MAXCODE(e, m, tp),	\
	  .qnan = F_QNAN(e, m, tp), .has_inf = (tp) == FPV_TOP_IEEE,	\
	  .has_nan = (tp) != FPV_TOP_FINITE,				\
	  .fast = (sg) && (sub) && (z) && (ovf) == FPV_OVF_INF ?	\
	      F_FAST(e, m, b, tp) : FPV_FAST_NONE,			\
	  .overflow = ovf }

/* An integer row: width and signedness; scale 1, zero point 0, saturate. */
#define GRID(nm, ti, w, sg)						\
	{ .name = nm, .title = ti, .kind = FPV_KIND_INT, .bits = w,	\
	  .sign = sg, .prec = (w) - ((sg) ? 1 : 0),			\
	  .qmin = (sg) ? -((int64_t)1 << ((w) - 1)) : 0,		\
	  .qmax = (sg) ? ((int64_t)1 << ((w) - 1)) - 1 :		\
	      ((int64_t)1 << (w)) - 1,					\
	  .overflow = FPV_OVF_SATURATE, .scale_num = 1, .scale_den = 1 }

/*
 * The built-in formats.  Sources: IEEE 754-2019 (binary16/32/64);
 * bfloat16 and TensorFloat-32 as Google and NVIDIA define them; the OCP
 * 8-bit Floating Point Specification (OFP8) rev. 1.0 (E4M3, E5M2); OCP
 * Microscaling Formats (MX) v1.0 (FP6 E3M2 and E2M3, FP4 E2M1, the E8M0
 * scale).  tests/test-format.c checks every row's derived fields
 * against fpv_format_derive and against the specifications' tables.
 */
const struct fpv_format fpv_builtin[] = {
	FLOAT("fp16", "IEEE 754 binary16 (half precision)",
	    true, 5, 10, 15, FPV_TOP_IEEE, true, true, FPV_OVF_INF),
	FLOAT("fp32", "IEEE 754 binary32 (single precision)",
	    true, 8, 23, 127, FPV_TOP_IEEE, true, true, FPV_OVF_INF),
	FLOAT("fp64", "IEEE 754 binary64 (double precision)",
	    true, 11, 52, 1023, FPV_TOP_IEEE, true, true, FPV_OVF_INF),
	GRID("int8", "8-bit quantized integer (signed)", 8, true),
	FLOAT("bf16", "bfloat16 (fp32's range, 8-bit significand)",
	    true, 8, 7, 127, FPV_TOP_IEEE, true, true, FPV_OVF_INF),
	FLOAT("tf32", "TensorFloat-32 (fp32's range, 11-bit significand)",
	    true, 8, 10, 127, FPV_TOP_IEEE, true, true, FPV_OVF_INF),
	FLOAT("fp8e4m3", "OCP FP8 E4M3 (E4M3FN: no infinity, NaN S.1111.111)",
	    true, 4, 3, 7, FPV_TOP_FN, true, true, FPV_OVF_NAN),
	FLOAT("fp8e5m2", "OCP FP8 E5M2 (IEEE-like, with infinity)",
	    true, 5, 2, 15, FPV_TOP_IEEE, true, true, FPV_OVF_INF),
	FLOAT("fp6e3m2", "OCP MX FP6 E3M2 (finite numbers only)",
	    true, 3, 2, 3, FPV_TOP_FINITE, true, true, FPV_OVF_SATURATE),
	FLOAT("fp6e2m3", "OCP MX FP6 E2M3 (finite numbers only)",
	    true, 2, 3, 1, FPV_TOP_FINITE, true, true, FPV_OVF_SATURATE),
	FLOAT("fp4e2m1", "OCP MX FP4 E2M1 (finite numbers only)",
	    true, 2, 1, 1, FPV_TOP_FINITE, true, true, FPV_OVF_SATURATE),
	FLOAT("e8m0", "OCP MX E8M0 scale (unsigned powers of two, NaN 0xff)",
	    false, 8, 0, 127, FPV_TOP_FN, false, false, FPV_OVF_NAN),
	GRID("int4", "4-bit quantized integer (signed)", 4, true),
	GRID("uint4", "4-bit quantized integer (unsigned)", 4, false),
	GRID("uint8", "8-bit quantized integer (unsigned)", 8, false),
};

const size_t fpv_nbuiltin = sizeof fpv_builtin / sizeof fpv_builtin[0];

const char *const fpv_default_columns[] = {
	"fp16", "fp32", "fp64", "int8", NULL
};

static const char *const preset_ml[] = {
	"fp32", "bf16", "fp16", "fp8e4m3", "fp8e5m2", "fp4e2m1", "int8",
	"int4", NULL
};
static const char *const preset_ieee[] = { "fp16", "fp32", "fp64", NULL };
static const char *const preset_mx[] = {
	"fp32", "fp8e4m3", "fp8e5m2", "fp6e3m2", "fp6e2m3", "fp4e2m1", NULL
};
static const char *const preset_int[] = {
	"fp32", "int8", "uint8", "int4", "uint4", NULL
};

const struct fpv_preset fpv_presets[] = {
	{ "default", "the default rows", fpv_default_columns },
	{ "ml", "formats of machine learning", preset_ml },
	{ "ieee", "the IEEE 754 binary formats", preset_ieee },
	{ "mx", "the OCP MX element formats", preset_mx },
	{ "int", "integer grids beside fp32", preset_int },
	{ NULL, NULL, NULL }
};

const struct fpv_option_alias fpv_option_aliases[] = {
	{ "int8-scale", "int8.scale", "S" },
	{ "int8-zero-point", "int8.zero_point", "Z" },
	{ "int8-overflow", "int8.overflow", "MODE" },
	{ NULL, NULL, NULL }
};

/*
 * NF4, the 16 values of bitsandbytes (functional.py get_4bit_type("nf4"),
 * the table of the QLoRA paper, Dettmers et al. 2023, appendix E),
 * normalized to [-1, 1].  Each is a binary32 number: written here in
 * hex, exactly; tests/test-quant.c reads the published decimals back.
 */
static const double nf4_codebook[16] = {
	-0x1p+0,		/* -1.0 */
	-0x1.647362p-1,		/* -0.6961928009986877 */
	-0x1.0cd66p-1,		/* -0.5250730514526367 */
	-0x1.94654p-2,		/* -0.39491748809814453 */
	-0x1.23449ap-2,		/* -0.28444138169288635 */
	-0x1.7a6a7ep-3,		/* -0.18477343022823334 */
	-0x1.74f0e2p-4,		/* -0.09105003625154495 */
	0x0p+0,			/* 0.0 */
	0x1.45f5fep-4,		/* 0.07958029955625534 */
	0x1.4995c6p-3,		/* 0.16093020141124725 */
	0x1.f809bap-3,		/* 0.24611230194568634 */
	0x1.5a0674p-2,		/* 0.33791524171829224 */
	0x1.c3497p-2,		/* 0.44070982933044434 */
	0x1.200f56p-1,		/* 0.5626170039176941 */
	0x1.722766p-1,		/* 0.7229568362236023 */
	0x1p+0			/* 1.0 */
};

/*
 * The quantization schemes (format.h; the rules in src/quant.c and the
 * man page's "Quantization" section).  Every reference computes its
 * scales in binary32.
 */
const struct fpv_qscheme fpv_qschemes[] = {
	{ "absmax", "symmetric: scale max|x|/qmax (grids), max|x|/largest "
	    "finite (floats), zero point 0", FPV_QR_ABSMAX, 0, { NULL },
	    "fp32", NULL, "fp32", NULL, 0,
	    "scale in binary32 with PyTorch's eps clamp "
	    "(torch/ao/quantization/observer.py); ONNX QuantizeLinear" },
	{ "minmax", "asymmetric: PyTorch MinMaxObserver scale and zero point",
	    FPV_QR_MINMAX, 0, { NULL }, "fp32", NULL, "fp32", NULL, 0,
	    "PyTorch torch/ao/quantization/observer.py _calculate_qparams "
	    "(per_tensor_affine); ONNX QuantizeLinear" },
	{ "mxfp8", "OCP MXFP8: 32 E4M3 (or E5M2) elements, an E8M0 scale",
	    FPV_QR_MX, 32, { "fp8e4m3", "fp8e5m2", NULL }, "e8m0", NULL,
	    "fp32", NULL, 0,
	    "OCP Microscaling Formats (MX) v1.0, section 6.3; "
	    "microsoft/microxcaling mx/mx_ops.py _quantize_mx" },
	{ "mxfp6", "OCP MXFP6: 32 E3M2 (or E2M3) elements, an E8M0 scale",
	    FPV_QR_MX, 32, { "fp6e3m2", "fp6e2m3", NULL }, "e8m0", NULL,
	    "fp32", NULL, 0,
	    "OCP Microscaling Formats (MX) v1.0, section 6.3; "
	    "microsoft/microxcaling mx/mx_ops.py _quantize_mx" },
	{ "mxfp4", "OCP MXFP4: 32 E2M1 elements, an E8M0 scale",
	    FPV_QR_MX, 32, { "fp4e2m1", NULL }, "e8m0", NULL, "fp32", NULL, 0,
	    "OCP Microscaling Formats (MX) v1.0, section 6.3; "
	    "microsoft/microxcaling mx/mx_ops.py _quantize_mx" },
	{ "nvfp4", "NVIDIA NVFP4: 16 E2M1 elements, an E4M3 scale, an fp32 "
	    "tensor scale", FPV_QR_NVFP4, 16, { "fp4e2m1", NULL }, "fp8e4m3",
	    "fp32", "fp32", NULL, 0,
	    "NVIDIA TensorRT Model Optimizer, modelopt/torch/quantization/"
	    "qtensor/nvfp4_tensor.py (NVFP4QTensor)" },
	{ "q8_0", "GGUF Q8_0: 32 int8 codes, an fp16 scale d = amax/127",
	    FPV_QR_Q8_0, 32, { "int8", NULL }, "fp16", NULL, "fp32", NULL, 0,
	    "llama.cpp ggml/src/ggml-quants.c quantize_row_q8_0_ref" },
	{ "q4_0", "GGUF Q4_0: 32 4-bit codes, an fp16 scale d = max/-8",
	    FPV_QR_Q4_0, 32, { "uint4", NULL }, "fp16", NULL, "fp32", NULL, 8,
	    "llama.cpp ggml/src/ggml-quants.c quantize_row_q4_0_ref" },
	{ "nf4", "NF4: 64 4-bit codes into the NormalFloat table, an fp32 "
	    "absmax", FPV_QR_NF4, 64, { "uint4", NULL }, "fp32", NULL, "fp32",
	    nf4_codebook, 0,
	    "bitsandbytes functional.py get_4bit_type, "
	    "backends/default/ops.py quantize_4bit; QLoRA (Dettmers et al., "
	    "2023)" },
};

const size_t fpv_nqschemes = sizeof fpv_qschemes / sizeof fpv_qschemes[0];

/* The scheme called name[0..len). */
const struct fpv_qscheme *
fpv_qscheme_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < fpv_nqschemes; i++)
		if (strlen(fpv_qschemes[i].name) == len &&
		    memcmp(fpv_qschemes[i].name, name, len) == 0)
			return &fpv_qschemes[i];
	return NULL;
}

/* ---- Descriptors ---------------------------------------------------- */

/* Fill in derived fields and check a descriptor. */
int
fpv_format_derive(struct fpv_format *f, const char **why)
{
	if (f->kind == FPV_KIND_INT) {
		if (f->bits < 2 || f->bits > 32) {
			*why = "an integer grid has 2 to 32 bits";
			return -1;
		}
		if (f->sign) {
			f->qmin = -((int64_t)1 << (f->bits - 1));
			f->qmax = ((int64_t)1 << (f->bits - 1)) - 1;
		} else {
			f->qmin = 0;
			f->qmax = ((int64_t)1 << f->bits) - 1;
		}
		f->has_inf = f->has_nan = false;
		f->fast = FPV_FAST_NONE;
		f->prec = f->bits - (f->sign ? 1 : 0);
		if (f->overflow != FPV_OVF_SATURATE &&
		    f->overflow != FPV_OVF_WRAP)
			f->overflow = FPV_OVF_SATURATE;
		return 0;
	}
	if (f->exp_bits < 1 || f->exp_bits > 15) {
		*why = "the exponent field has 1 to 15 bits";
		return -1;
	}
	if (f->frac_bits < 0 || f->frac_bits > 52) {
		*why = "the fraction field has 0 to 52 bits";
		return -1;
	}
	if (f->bias < -32768 || f->bias > 32767) {
		*why = "the bias is out of range";
		return -1;
	}
	f->bits = (f->sign ? 1 : 0) + f->exp_bits + f->frac_bits;
	if (f->bits < 2 || f->bits > 64) {
		*why = "a float has 2 to 64 bits in all";
		return -1;
	}
	if (f->top == FPV_TOP_IEEE && f->frac_bits == 0) {
		*why = "an IEEE format needs a fraction bit to tell NaN from "
		    "infinity";
		return -1;
	}
	if (!f->zero && f->subnormals) {
		*why = "a format without zero has no subnormals";
		return -1;
	}
	{
		int64_t top = ((int64_t)1 << f->exp_bits) - 1;
		uint64_t fmask = ((uint64_t)1 << f->frac_bits) - 1;
		uint64_t etop = (uint64_t)top << f->frac_bits;

		f->prec = f->frac_bits + 1;
		f->emin = (int)((f->zero ? 1 : 0) - f->bias);
		switch (f->top) {
		case FPV_TOP_IEEE:
			f->emax = (int)(top - 1 - f->bias);
			f->max_code = ((uint64_t)(top - 1) << f->frac_bits) |
			    fmask;
			f->qnan = etop | ((uint64_t)1 << (f->frac_bits - 1));
			f->has_inf = f->has_nan = true;
			break;
		case FPV_TOP_FN:
			if (f->frac_bits == 0) {
				f->emax = (int)(top - 1 - f->bias);
				f->max_code = (uint64_t)(top - 1);
			} else {
				f->emax = (int)(top - f->bias);
				f->max_code = etop | (fmask - 1);
			}
			f->qnan = etop | fmask;
			f->has_inf = false;
			f->has_nan = true;
			break;
		case FPV_TOP_FINITE:
			f->emax = (int)(top - f->bias);
			f->max_code = etop | fmask;
			f->qnan = 0;
			f->has_inf = f->has_nan = false;
			break;
		}
		if (f->emax < f->emin) {
			*why = "the format has no normal number";
			return -1;
		}
	}
	if (!fpv_format_overflow_ok(f, f->overflow))
		f->overflow = fpv_format_default_overflow(f);
	f->fast = FPV_FAST_NONE;
	if (f->sign && f->top == FPV_TOP_IEEE && f->subnormals && f->zero &&
	    f->overflow == FPV_OVF_INF) {
		if (f->exp_bits == 5 && f->frac_bits == 10 && f->bias == 15)
			f->fast = FPV_FAST_BINARY16;
		else if (f->exp_bits == 8 && f->frac_bits == 23 &&
		    f->bias == 127)
			f->fast = FPV_FAST_BINARY32;
		else if (f->exp_bits == 11 && f->frac_bits == 52 &&
		    f->bias == 1023)
			f->fast = FPV_FAST_BINARY64;
	}
	return 0;
}

/* The natural overflow policy of f. */
enum fpv_overflow
fpv_format_default_overflow(const struct fpv_format *f)
{
	if (f->kind == FPV_KIND_INT)
		return FPV_OVF_SATURATE;
	return f->has_inf ? FPV_OVF_INF : f->has_nan ? FPV_OVF_NAN :
	    FPV_OVF_SATURATE;
}

/* Which overflow policies f allows. */
bool
fpv_format_overflow_ok(const struct fpv_format *f, enum fpv_overflow o)
{
	if (f->kind == FPV_KIND_INT)
		return o == FPV_OVF_SATURATE || o == FPV_OVF_WRAP;
	switch (o) {
	case FPV_OVF_INF:
		return f->has_inf;
	case FPV_OVF_NAN:
		return f->has_nan;
	case FPV_OVF_SATURATE:
		return true;
	default:
		return false;
	}
}

/* The built-in format called name[0..len). */
const struct fpv_format *
fpv_builtin_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < fpv_nbuiltin; i++)
		if (strlen(fpv_builtin[i].name) == len &&
		    memcmp(fpv_builtin[i].name, name, len) == 0)
			return &fpv_builtin[i];
	return NULL;
}

/* Is name a valid format name? */
bool
fpv_format_name_ok(const char *name, size_t len)
{
	if (len == 0 || len >= FPV_NAME_MAX || !isalpha((unsigned char)name[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return true;
}

/* Read a decimal integer at s[*i..len) (optional sign); false if none. */
static bool
spec_int(const char *s, size_t len, size_t *i, long *v)
{
	long x = 0;
	bool neg = false, any = false;

	if (*i < len && (s[*i] == '-' || s[*i] == '+'))
		neg = s[(*i)++] == '-';
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if (x > 100000)
			return false;
		x = 10 * x + (s[(*i)++] - '0');
		any = true;
	}
	*v = neg ? -x : x;
	return any;
}

/* Parse "eEmM[,bias=B][,fn|finite][,nosub][,unsigned]". */
int
fpv_format_parse_spec(const char *s, size_t len, struct fpv_format *f,
    char *why, size_t size, size_t *off)
{
	size_t i = 0;
	long e, m, b;
	bool have_bias = false;
	const char *msg;

	f->kind = FPV_KIND_FLOAT;
	f->sign = true;
	f->top = FPV_TOP_IEEE;
	f->subnormals = true;
	f->zero = true;
	f->overflow = FPV_OVF_INF;
	*off = 0;
	if (i >= len || (s[i] != 'e' && s[i] != 'E')) {
		snprintf(why, size, "expected eEmM, e.g. e4m3");
		return -1;
	}
	i++;
	if (!spec_int(s, len, &i, &e) || e < 0 || i >= len ||
	    (s[i] != 'm' && s[i] != 'M')) {
		*off = i;
		snprintf(why, size, "expected eEmM, e.g. e4m3");
		return -1;
	}
	i++;
	if (!spec_int(s, len, &i, &m) || m < 0) {
		*off = i;
		snprintf(why, size, "expected the fraction width after 'm'");
		return -1;
	}
	f->exp_bits = (int)(e > 99 ? 99 : e);
	f->frac_bits = (int)(m > 99 ? 99 : m);
	while (i < len) {
		size_t st;

		if (s[i] != ',') {
			*off = i;
			snprintf(why, size, "expected ',' and an option "
			    "(bias=B, fn, finite, nosub, unsigned)");
			return -1;
		}
		st = ++i;
		while (i < len && s[i] != ',' && s[i] != '=')
			i++;
		if (i - st == 4 && memcmp(s + st, "bias", 4) == 0 && i < len &&
		    s[i] == '=') {
			i++;
			if (!spec_int(s, len, &i, &b) || (i < len && s[i] != ',')) {
				*off = st;
				snprintf(why, size, "expected an integer bias");
				return -1;
			}
			f->bias = (int)(b > 40000 ? 40000 : b < -40000 ? -40000 : b);
			have_bias = true;
		} else if (i - st == 2 && memcmp(s + st, "fn", 2) == 0) {
			f->top = FPV_TOP_FN;
		} else if (i - st == 6 && memcmp(s + st, "finite", 6) == 0) {
			f->top = FPV_TOP_FINITE;
		} else if (i - st == 5 && memcmp(s + st, "nosub", 5) == 0) {
			f->subnormals = false;
		} else if (i - st == 8 && memcmp(s + st, "unsigned", 8) == 0) {
			f->sign = false;
		} else {
			*off = st;
			snprintf(why, size, "unknown option '%.*s' (expected "
			    "bias=B, fn, finite, nosub or unsigned)",
			    (int)(i - st > 32 ? 32 : i - st), s + st);
			return -1;
		}
	}
	if (!have_bias)
		f->bias = f->exp_bits >= 1 && f->exp_bits <= 15 ?
		    (1 << (f->exp_bits - 1)) - 1 : 0;
	f->overflow = f->top == FPV_TOP_IEEE ? FPV_OVF_INF :
	    f->top == FPV_TOP_FN ? FPV_OVF_NAN : FPV_OVF_SATURATE;
	f->scale_num = f->scale_den = 1;
	f->scale_big = NULL;
	f->zero_point = 0;
	if (fpv_format_derive(f, &msg) != 0) {
		snprintf(why, size, "%s", msg);
		return -1;
	}
	return 0;
}

/* ---- Encodings ------------------------------------------------------- */

/* Classify an encoding. */
enum fpv_class
fpv_bits_class(const struct fpv_format *f, uint64_t b)
{
	uint64_t e, m, emask;

	b &= fpv_format_mask(f);
	if (f->kind == FPV_KIND_INT)
		return fpv_bits_q(f, b) == f->zero_point ? FPV_CLASS_ZERO :
		    FPV_CLASS_NORMAL;
	e = fpv_bits_exp(f, b);
	m = fpv_bits_frac(f, b);
	emask = ((uint64_t)1 << f->exp_bits) - 1;
	if (e == 0 && f->zero) {
		if (m == 0 || !f->subnormals)
			return FPV_CLASS_ZERO;
		return FPV_CLASS_SUBNORMAL;
	}
	if (e == emask) {
		switch (f->top) {
		case FPV_TOP_IEEE:
			if (m == 0)
				return FPV_CLASS_INF;
			return (m >> (f->frac_bits - 1)) & 1 ? FPV_CLASS_QNAN :
			    FPV_CLASS_SNAN;
		case FPV_TOP_FN:
			if (m == ((uint64_t)1 << f->frac_bits) - 1)
				return FPV_CLASS_QNAN;
			break;
		case FPV_TOP_FINITE:
			break;
		}
	}
	return FPV_CLASS_NORMAL;
}

/* The magnitude of a finite nonzero encoding as c * 2^q. */
bool
fpv_bits_parts(const struct fpv_format *f, uint64_t b, uint64_t *c, int *q)
{
	uint64_t e = fpv_bits_exp(f, b), m = fpv_bits_frac(f, b);

	switch (fpv_bits_class(f, b)) {
	case FPV_CLASS_SUBNORMAL:
		*c = m;
		*q = f->emin - f->frac_bits;
		return true;
	case FPV_CLASS_NORMAL:
		*c = m | (uint64_t)1 << f->frac_bits;
		*q = (int)e - f->bias - f->frac_bits;
		return true;
	default:
		return false;
	}
}

/* The neighbour of b one step up or down. */
bool
fpv_bits_neighbour(const struct fpv_format *f, uint64_t b, int dir,
    uint64_t *out)
{
	uint64_t sign = fpv_format_signbit(f), mag, low, inf;
	bool neg;

	b &= fpv_format_mask(f);
	if (f->kind == FPV_KIND_INT) {
		int64_t q = fpv_bits_q(f, b) + (dir > 0 ? 1 : -1);

		if (q < f->qmin || q > f->qmax)
			return false;
		*out = fpv_q_bits(f, q);
		return true;
	}
	switch (fpv_bits_class(f, b)) {
	case FPV_CLASS_QNAN: case FPV_CLASS_SNAN:
		return false;
	default:
		break;
	}
	mag = b & ~sign;
	neg = (b & sign) != 0;
	/* The smallest positive code: the least subnormal, else the least
	 * normal (code 0 itself when there is no zero). */
	low = !f->zero ? 0 : f->subnormals ? 1 : (uint64_t)1 << f->frac_bits;
	/* The infinity's magnitude; without one, the all-ones exponent
	 * holds finite numbers and no magnitude is infinite. */
	inf = f->has_inf ? (((uint64_t)1 << f->exp_bits) - 1) << f->frac_bits :
	    ~(uint64_t)0;
	if (fpv_bits_class(f, b) == FPV_CLASS_ZERO)
		mag = 0;
	if (!neg && dir > 0) {			/* away from zero, upward */
		if (mag == 0 && f->zero) {
			*out = low;
			return true;
		}
		if (mag == f->max_code) {
			if (!f->has_inf)
				return false;
			*out = inf;
			return true;
		}
		if (mag == inf)
			return false;
		*out = mag + 1;
		return true;
	}
	if (neg && dir < 0) {			/* away from zero, downward */
		if (mag == f->max_code) {
			if (!f->has_inf)
				return false;
			*out = sign | inf;
			return true;
		}
		if (mag == inf)
			return false;
		*out = sign | (mag == 0 ? low : mag + 1);
		return true;
	}
	/* Toward zero (and across it). */
	if (mag == inf) {
		*out = (b & sign) | f->max_code;
		return true;
	}
	if (mag == 0) {
		if (!f->zero)
			return false;	/* the least value of a format without zero */
		if (!f->sign)
			return false;
		*out = (neg ? 0 : sign) | low;
		return true;
	}
	if (mag == low) {
		if (!f->zero)
			return false;
		*out = b & sign;	/* to zero of the same sign */
		return true;
	}
	*out = (b & sign) | (mag - 1);
	return true;
}

/*
 * The 8 bits of v (0..255) as '0'/'1' at p[0..8), the highest first:
 * each byte of the product holds v, the mask keeps its own bit, and
 * adding 0x7f carries that bit into the byte's top bit.
 */
static void
byte_bits(unsigned v, char *p)
{
	uint64_t s = ((uint64_t)v * UINT64_C(0x0101010101010101)) &
	    UINT64_C(0x0102040810204080);

	s = ((s + UINT64_C(0x7f7f7f7f7f7f7f7f)) >> 7) &
	    UINT64_C(0x0101010101010101);
	s |= UINT64_C(0x3030303030303030);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, &s, 8);	/* byte j of s is character j */
#else
	for (int j = 0; j < 8; j++)
		p[j] = (char)(s >> (8 * j));
#endif
}

/*
 * Write the w (1..64) low bits of v at p, the highest first; returns
 * p + w.  When w is not a multiple of 8, up to 8 - w % 8 bytes after
 * p + w are written too (with garbage the caller overwrites or ignores).
 */
static inline char *
put_bits(char *p, uint64_t v, int w)
{
	int r = w & 7;

	if (r != 0) {
		byte_bits((unsigned)((v >> (w - r)) << (8 - r)) & 0xff, p);
		p += r;
		w -= r;
	}
	while (w > 0) {
		w -= 8;
		byte_bits((unsigned)(v >> w) & 0xff, p);
		p += 8;
	}
	return p;
}

/* Binary digits of b grouped by field. */
size_t
fpv_bits_binary(const struct fpv_format *f, uint64_t b, char *buf)
{
	/* Field boundaries: after the sign bit, and after the exponent. */
	int cut1 = f->sign ? f->bits - 1 : -1;
	int cut2 = f->kind == FPV_KIND_FLOAT && f->frac_bits > 0 ?
	    f->frac_bits : -1;
	size_t n = 0;
	char *p;

	/*
	 * Eight bits at a time.  A field narrower than 8 bits is written as
	 * 8 characters and the next field overwrites the rest, so the last
	 * field's start + 8 must stay within the f->bits + 3 bytes of buf.
	 */
	if (f->kind == FPV_KIND_FLOAT && f->sign && f->frac_bits >= 8) {
		buf[0] = (char)('0' + ((b >> cut1) & 1));
		buf[1] = ' ';
		p = put_bits(buf + 2, fpv_bits_exp(f, b), f->exp_bits);
		*p++ = ' ';
		p = put_bits(p, fpv_bits_frac(f, b), f->frac_bits);
		*p = '\0';
		return (size_t)(p - buf);
	}
	if (f->kind == FPV_KIND_INT && f->sign && f->bits >= 8) {
		buf[0] = (char)('0' + ((b >> cut1) & 1));
		buf[1] = ' ';
		p = put_bits(buf + 2, b, f->bits - 1);
		*p = '\0';
		return (size_t)(p - buf);
	}
	for (int i = f->bits - 1; i >= 0; i--) {
		buf[n++] = (char)('0' + ((b >> i) & 1));
		if ((i == cut1 || i == cut2) && i > 0)
			buf[n++] = ' ';
	}
	buf[n] = '\0';
	return n;
}

/*
 * v's 8 hex digits (lowercase, the highest first) at p[0..8).  Each
 * nibble is spread into a byte of x (three shift-and-mask steps: byte j
 * gets nibble j), then turned into ASCII at once: a byte n >= 10 carries
 * into its high nibble when 6 is added, which selects the step from
 * '0' + n to 'a' + n - 10 (39) for exactly those bytes.  No byte
 * overflows into the next (all stay below 0x67).
 */
static void
hex8(uint32_t v, char *p)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t x = v, letter;

	x = (x | x << 16) & UINT64_C(0x0000ffff0000ffff);
	x = (x | x << 8) & UINT64_C(0x00ff00ff00ff00ff);
	x = (x | x << 4) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	letter = ((x + 6 * ones) >> 4) & ones;
	x += '0' * ones + 39 * letter;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap64(x);	/* nibble 7 first */
	memcpy(p, &x, 8);
#else
	for (int j = 0; j < 8; j++)
		p[j] = (char)(x >> (8 * (7 - j)));
#endif
}

/* Lowercase hex with 0x and the format's full width. */
size_t
fpv_bits_hex(const struct fpv_format *f, uint64_t b, char *buf)
{
	int nd = (f->bits + 3) / 4;
	/* The nd digits at the top of u; 8 or 16 of them written (within
	 * the 19 bytes), the NUL after the nd-th. */
	uint64_t u = (b & fpv_format_mask(f)) << (64 - 4 * nd);

	buf[0] = '0';
	buf[1] = 'x';
	hex8((uint32_t)(u >> 32), buf + 2);
	if (nd > 8)
		hex8((uint32_t)u, buf + 10);
	buf[2 + nd] = '\0';
	return 2 + (size_t)nd;
}

/* ---- Registries -------------------------------------------------------- */

/* Copy format src into dst, with a copy of its scale rational. */
static int
format_copy(struct fpv_format *dst, const struct fpv_format *src)
{
	*dst = *src;
	if (src->scale_big != NULL) {
		mpq_ptr q = malloc(sizeof *q);

		if (q == NULL) {
			dst->scale_big = NULL;
			return -1;
		}
		mpq_init(q);
		mpq_set(q, src->scale_big);
		dst->scale_big = q;
	}
	return 0;
}

/* Release what format f owns. */
static void
format_clear(struct fpv_format *f)
{
	if (f->scale_big != NULL) {
		mpq_clear(f->scale_big);
		free(f->scale_big);
		f->scale_big = NULL;
	}
}

/* A new registry of the built-in formats. */
struct fpv_registry *
fpv_registry_new(void)
{
	struct fpv_registry *r = malloc(sizeof *r);

	if (r == NULL)
		return NULL;
	r->refs = 1;
	r->n = fpv_nbuiltin;
	memcpy(r->f, fpv_builtin, sizeof fpv_builtin);
	return r;
}

/* Take a reference. */
struct fpv_registry *
fpv_registry_ref(struct fpv_registry *r)
{
	if (r != NULL)
		r->refs++;
	return r;
}

/* Drop a reference. */
void
fpv_registry_unref(struct fpv_registry *r)
{
	if (r == NULL || --r->refs > 0)
		return;
	for (size_t i = 0; i < r->n; i++)
		format_clear(&r->f[i]);
	free(r);
}

/* A private copy to change. */
struct fpv_registry *
fpv_registry_edit(struct fpv_registry **rp)
{
	struct fpv_registry *r = *rp, *c;

	if (r->refs == 1)
		return r;
	if ((c = malloc(sizeof *c)) == NULL)
		return NULL;
	c->refs = 1;
	c->n = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (format_copy(&c->f[i], &r->f[i]) < 0) {
			c->n = i;
			fpv_registry_unref(c);
			return NULL;
		}
		c->n = i + 1;
	}
	r->refs--;
	*rp = c;
	return c;
}

/* The index of a format by name. */
int
fpv_registry_find(const struct fpv_registry *r, const char *name, size_t len)
{
	for (size_t i = 0; i < r->n; i++)
		if (strlen(r->f[i].name) == len &&
		    memcmp(r->f[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* Add or replace a user-defined format. */
int
fpv_registry_add(struct fpv_registry *r, const struct fpv_format *f,
    const char **why)
{
	size_t len = strlen(f->name);
	int i = fpv_registry_find(r, f->name, len);

	if (!fpv_format_name_ok(f->name, len)) {
		*why = "a format name is a letter, then letters, digits or '_'";
		return -1;
	}
	if (i >= 0 && (size_t)i < fpv_nbuiltin) {
		*why = "a built-in format cannot be redefined";
		return -1;
	}
	if (i < 0) {
		if (r->n == FPV_FORMATS_MAX) {
			*why = "too many formats";
			return -1;
		}
		i = (int)r->n++;
	} else {
		format_clear(&r->f[i]);
	}
	if (format_copy(&r->f[i], f) < 0) {
		r->f[i].scale_big = NULL;
		*why = "out of memory";
		return -1;
	}
	return i;
}
