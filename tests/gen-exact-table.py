#!/usr/bin/env python3
# gen-exact-table.py: computes tests/exact-table.h, the independent truths
# that tests/test-exact.c holds fpviz's exact reference to.  Not run by
# make check (the table is in the tree); run it by hand, with PARI/GP
# (Debian package pari-gp) and mpmath (python3-mpmath) installed:
#
#   python3 tests/gen-exact-table.py > tests/exact-table.h
#
# Every value is computed twice, by PARI/GP at 3000 significant digits
# (\p 3000) and by mpmath at 10000 bits, from the expression's exact
# operands (decimal literals as exact rationals), and the two must agree
# to 60 significant digits, which the table keeps.  A value given as
# "exact" is the terminating decimal itself (from exact rational
# arithmetic here).  The columns' expected bits are those values
# computed at the operands the column rounds (the literal rounded to
# nearest into binary32 or binary64, found with Python's exact
# Fraction -> float), then rounded to nearest, ties to even, into the
# format (exact rational arithmetic again).  Neither PARI nor mpmath is
# MPFR or Arb, the libraries fpviz computes with.
import fractions
import struct
import subprocess
import sys

import mpmath

F = fractions.Fraction
DIGITS = 60

# (expression, state, PARI formula or None, mpmath formula or None,
#  exact value as a Fraction or None, column function or None)
# state: exact, certified, near_zero, undefined, uncertified.  The column function is
# (pari, mpmath) formulas in x (and y), applied to the rounded operands
# given as the decimal literal(s) in args.
CASES = [
    # exact rationals
    ("(1+1e-300) - 1", "exact", None, None, F(1, 10**300), None),
    ("0.1 + 0.2", "exact", None, None, F(3, 10), None),
    ("1/3", "exact", None, None, F(1, 3), None),
    ("(1e4 + 1e-4) - 1e4", "exact", None, None, F(1, 10**4), None),
    ("0x1p999999999", "exact", "2.^999999999", "mpf(2)**999999999", None,
     None),
    ("123456789.123456789^3", "exact", None, None,
     F(123456789123456789, 10**9) ** 3, None),
    ("fp16:0x3555", "exact", None, None, F(0x555 | 0x400, 2**12), None),
    ("fp16(0.1) * 3", "exact", None, None, F(3, 10), None),
    ("sqrt(9/4)", "exact", None, None, F(3, 2), None),
    ("hypot(3, 4)", "exact", None, None, F(5), None),
    ("cbrt(-8)", "exact", None, None, F(-2), None),
    ("cbrt(1e-300)", "exact", None, None, F(1, 10**100), None),
    ("exp2(10) + log2(8)", "exact", None, None, F(1027), None),
    ("exp10(-3)", "exact", None, None, F(1, 1000), None),
    ("acos(1) + cos(0)", "exact", None, None, F(1), None),
    ("nextup(1) - ulp(1)", "exact", None, None, F(1), None),
    ("1e-320 / 3", "exact", None, None, F(1, 3 * 10**320), None),
    ("0.15 + 0.1 * 0", "exact", None, None, F(15, 100), None),
    # certified balls, cancellation of approximations
    ("exp(1e-80) - 1", "certified", "exp(1/10^80)-1", "expm1(mpf(10)**-80)",
     None, None),
    ("sqrt(1+1e-200) - 1", "certified", "sqrt(1+1/10^200)-1",
     "sqrt(1+mpf(10)**-200)-1", None, None),
    ("1 - cos(1e-100)", "certified", "1-cos(1/10^100)",
     "2*sin(mpf(10)**-100/2)**2", None, None),
    ("tanh(100) - 1", "certified", "tanh(100)-1", "tanh(100)-1", None, None),
    ("1e999999999999", "certified", None, None, None, None),
    ("1e-999999999999", "certified", None, None, None, None),
    ("exp(-1e10)", "certified", "exp(-10^10)", "exp(-mpf(10)**10)", None,
     None),
    ("exp(12)", "certified", "exp(12)", "exp(12)", None, None),
    ("pi * e", "certified", "Pi*exp(1)", "pi*e", None, None),
    ("sin(1) / log(2)", "certified", "sin(1)/log(2)", "sin(1)/log(2)",
     None, None),
    # the new functions, near their hard cases
    ("expm1(1e-20)", "certified", "exp(1/10^20)-1", "expm1(mpf(10)**-20)",
     None, ("exp(X)-1", "expm1(x)", ["1e-20"])),
    ("log1p(-1+1e-30)", "certified", "log(1/10^30)", "log(mpf(10)**-30)",
     None, None),
    ("log1p(1e-300)", "certified", "log(1+1/10^300)",
     "log1p(mpf(10)**-300)", None, ("log(1+X)", "log1p(x)", ["1e-300"])),
    ("atan2(0, -0)", "certified", "Pi", "pi", None, None),
    ("atan2(-0, -1)", "certified", "-Pi", "-pi", None, None),
    ("atan2(1, 0)", "certified", "Pi/2", "pi/2", None, None),
    ("atan2(inf, -inf)", "certified", "3*Pi/4", "3*pi/4", None, None),
    ("atan2(1e-300, -1)", "certified", "Pi-atan(1/10^300)",
     "pi-atan(mpf(10)**-300)", None, None),
    ("atan2(-0.5, -2)", "certified", "arg(-2-I/2)",
     "atan2(-mpf(1)/2, -2)", None, ("arg(X+I*Y)", "atan2(y,x)",
     ["-2", "-0.5"])),
    ("asin(1)", "certified", "Pi/2", "pi/2", None, ("asin(X)", "asin(x)",
     ["1"])),
    ("asin(0.999999)", "certified", "asin(999999/1000000)",
     "asin(mpf(999999)/1000000)", None,
     ("asin(X)", "asin(x)", ["0.999999"])),
    ("acos(-1)", "certified", "Pi", "pi", None, ("acos(X)", "acos(x)",
     ["-1"])),
    ("acos(0.5)", "certified", "Pi/3", "pi/3", None, ("acos(X)", "acos(x)",
     ["0.5"])),
    ("atan(inf)", "certified", "Pi/2", "pi/2", None, None),
    ("atan(1e300)", "certified", "atan(10^300)", "atan(mpf(10)**300)", None,
     ("atan(X)", "atan(x)", ["1e300"])),
    ("sinh(1e-20)", "certified", "sinh(1/10^20)", "sinh(mpf(10)**-20)",
     None, ("sinh(X)", "sinh(x)", ["1e-20"])),
    ("sinh(710)", "certified", "sinh(710)", "sinh(710)", None,
     ("sinh(X)", "sinh(x)", ["710"])),
    ("cosh(1e-10) - 1", "certified", "cosh(1/10^10)-1",
     "2*sinh(mpf(10)**-10/2)**2", None, None),
    ("cosh(-3.5)", "certified", "cosh(-7/2)", "cosh(mpf(-7)/2)", None,
     ("cosh(X)", "cosh(x)", ["-3.5"])),
    ("asinh(1e-300)", "certified", "asinh(1/10^300)", "asinh(mpf(10)**-300)",
     None, None),
    ("asinh(-1e10)", "certified", "asinh(-10^10)", "asinh(-mpf(10)**10)",
     None, ("asinh(X)", "asinh(x)", ["-1e10"])),
    ("acosh(1 + 1e-30)", "certified", "acosh(1+1/10^30)",
     "acosh(1+mpf(10)**-30)", None, None),
    ("acosh(2)", "certified", "acosh(2)", "acosh(2)", None,
     ("acosh(X)", "acosh(x)", ["2"])),
    ("atanh(0.5)", "certified", "atanh(1/2)", "atanh(mpf(1)/2)", None,
     ("atanh(X)", "atanh(x)", ["0.5"])),
    ("atanh(1 - 1e-30)", "certified", "atanh(1-1/10^30)",
     "atanh(1-mpf(10)**-30)", None, None),
    ("exp2(0.5)", "certified", "sqrt(2)", "sqrt(2)", None,
     ("2^X", "power(2,x)", ["0.5"])),
    ("exp2(-1074.5)", "certified", "2^(-1074-1/2)", "power(2,mpf(-2149)/2)",
     None, None),
    ("exp10(0.5)", "certified", "sqrt(10)", "sqrt(10)", None,
     ("10^X", "power(10,x)", ["0.5"])),
    ("exp10(-4.7)", "certified", "10^(-47/10)", "power(10,mpf(-47)/10)",
     None, ("10^X", "power(10,x)", ["-4.7"])),
    ("hypot(1e300, 1e300)", "certified", "sqrt(2)*10^300",
     "sqrt(2)*mpf(10)**300", None, None),
    ("hypot(1, 1e-10)", "certified", "sqrt(1+1/10^20)",
     "sqrt(1+mpf(10)**-20)", None,
     ("sqrt(X^2+Y^2)", "hypot(x,y)", ["1", "1e-10"])),
    ("cbrt(2)", "certified", "2^(1/3)", "cbrt(2)", None,
     ("X^(1/3)", "cbrt(x)", ["2"])),
    ("cbrt(-0.001)", "exact", None, None, F(-1, 10), None),
    # zero to within 2^-K: the true value is 0 (an identity)
    ("sin(pi)", "near_zero", None, None, None, None),
    ("sqrt(2)^2 - 2", "near_zero", None, None, None, None),
    ("exp(log(2)) - 2", "near_zero", None, None, None, None),
    ("4*atan(1) - pi", "near_zero", None, None, None, None),
    # undefined
    ("tan(pi/2)", "undefined", None, None, None, None),
    ("1/sin(pi)", "undefined", None, None, None, None),
    ("log(sin(pi))", "undefined", None, None, None, None),
    ("0/0", "undefined", None, None, None, None),
    ("inf - inf", "undefined", None, None, None, None),
    ("sqrt(-1)", "undefined", None, None, None, None),
    ("acos(2)", "undefined", None, None, None, None),
    # not certified: a real value (exp is defined everywhere) beyond
    # 2^(+-2^60), and a sine of an argument beyond the cap
    ("exp(1e999999999999)", "uncertified", None, None, None, None),
    ("sin(0x1p999999999)", "uncertified", None, None, None, None),
]


def pari(formulas):
    """Evaluate PARI formulas at 3000 digits; 70 significant digits each."""
    script = "\\p 3000\n" + "".join(
        "print(if(%s==0,\"0\",Strprintf(\"%%.69e\",%s)))\n" % (f, f)
        for f in formulas)
    out = subprocess.run(["gp", "-q", "-f"], input=script,
                         capture_output=True, text=True, check=True).stdout
    lines = [l.replace(" ", "") for l in out.splitlines()
             if l.strip() and "realprecision" not in l]
    if len(lines) != len(formulas):
        sys.exit("PARI printed %d lines for %d formulas" %
                 (len(lines), len(formulas)))
    return lines


def sci(x, digits=DIGITS):
    """A Fraction, or a decimal string, as digits significant digits:
    (sign, digit string, exponent of the first digit); exact Fractions
    are rounded to nearest, ties to even."""
    if isinstance(x, str):
        x = x.lower()
        m, e = x.split("e") if "e" in x else (x, "0")
        neg = m.startswith("-")
        m = m.lstrip("-")
        ip, _, fp = m.partition(".")
        d = (ip + fp).lstrip("0")
        if d == "":
            return False, "0" * digits, 0
        E = int(e) + len(ip) - 1 - (len(ip + fp) - len((ip + fp).lstrip("0")))
        return neg, d[:digits].ljust(digits, "0"), E
    neg = x < 0
    x = abs(x)
    E = 0
    while x >= 10 ** (E + 1):
        E += 1
    while x < 10 ** E:
        E -= 1
    q = x / F(10) ** (E - digits + 1)
    n = q.numerator // q.denominator
    r = q - n
    if r > F(1, 2) or (r == F(1, 2) and n % 2):
        n += 1
    if n == 10 ** digits:
        n //= 10
        E += 1
    return neg, str(n), E


def frac_of_decimal(s):
    """The exact value of a decimal or scientific string."""
    return F(s)


def round_binary(q, prec, emin):
    """q (a Fraction) rounded to nearest, ties to even, into a binary
    format of precision prec and minimum exponent emin (no overflow
    here); returns a Fraction."""
    if q == 0:
        return F(0)
    neg = q < 0
    q = abs(q)
    e = q.numerator.bit_length() - q.denominator.bit_length()
    while F(2) ** e > q:
        e -= 1
    while F(2) ** (e + 1) <= q:
        e += 1
    e = max(e, emin)
    ulp = F(2) ** (e - prec + 1)
    n = q / ulp
    m = n.numerator // n.denominator
    r = n - m
    if r > F(1, 2) or (r == F(1, 2) and m % 2):
        m += 1
    v = m * ulp
    return -v if neg else v


def bits32(q):
    v = round_binary(q, 24, -126)
    if abs(v) >= F(2) ** 128:		# overflow, to nearest: inf
        return "0x7f800000" if v > 0 else "0xff800000"
    return "0x%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0]


def bits64(q):
    v = round_binary(q, 53, -1022)
    if abs(v) >= F(2) ** 1024:
        return "0x7ff0000000000000" if v > 0 else "0xfff0000000000000"
    return "0x%016x" % struct.unpack("<Q", struct.pack("<d", float(v)))[0]


def pari_rat(q):
    return "(%d/%d)" % (q.numerator, q.denominator)


def main():
    mpmath.mp.prec = 10000
    jobs = []
    for c in CASES:
        if c[2] is not None:
            jobs.append(c[2])
    vals = dict(zip([c[2] for c in CASES if c[2] is not None], pari(jobs)))
    rows = []
    for expr, state, pf, mf, ex, col in CASES:
        digits = "NULL"
        kind = "0"
        if ex is not None:
            neg, d, E = sci(ex, 80)
            terminating = True
            t = abs(ex)
            while t.denominator % 2 == 0:
                t *= 2
            while t.denominator % 5 == 0:
                t *= 5
            terminating = t.denominator == 1
            if terminating:
                d = d.rstrip("0") or "0"
                kind = "1"
            else:
                neg, d, E = sci(ex, DIGITS)
            digits = '"%s%s%s%se%d"' % ("-" if neg else "", d[0],
                                       "." if d[1:] else "", d[1:], E)
        elif pf is not None:
            p = sci(vals[pf], DIGITS)
            m = mpmath.mpf(eval(mf, vars(mpmath)))
            mstr = mpmath.nstr(m, DIGITS + 10, min_fixed=1, max_fixed=0)
            q = sci(mstr, DIGITS)
            if p != q:
                sys.exit("PARI and mpmath disagree on %s: %s %s" %
                         (expr, p, q))
            neg, d, E = p
            digits = '"%s%s.%se%d"' % ("-" if neg else "", d[0], d[1:], E)
        elif expr == "1e999999999999":
            digits, kind = '"1e999999999999"', "1"
        elif expr == "1e-999999999999":
            digits, kind = '"1e-999999999999"', "1"
        b32 = b64 = "NULL"
        if col is not None:
            pfx, mfx, args = col
            outs = []
            for rnd, bits in ((lambda s: round_binary(F(s), 24, -126), bits32),
                              (lambda s: round_binary(F(s), 53, -1022),
                               bits64)):
                xs = [rnd(a) for a in args]
                f = pfx.replace("X", pari_rat(xs[0]))
                if len(xs) > 1:
                    f = f.replace("Y", pari_rat(xs[1]))
                v = pari([f])[0]
                # mpmath, as a check of the column's value
                env = dict(vars(mpmath))
                env["x"] = mpmath.mpf(xs[0].numerator) / xs[0].denominator
                if len(xs) > 1:
                    env["y"] = mpmath.mpf(xs[1].numerator) / xs[1].denominator
                mv = mpmath.nstr(eval(mfx, env), DIGITS + 10, min_fixed=1,
                                 max_fixed=0)
                if sci(v, 40) != sci(mv, 40):
                    sys.exit("PARI and mpmath disagree on %s: %s %s" %
                             (f, v, mv))
                outs.append('"%s"' % bits(frac_of_decimal(v)))
            b32, b64 = outs
        rows.append('\t{ "%s", FPV_EXACT_S_%s, %s, %s, %s, %s },' %
                    (expr, state.upper(), digits, kind, b32, b64))
    print(HEADER)
    print("\n".join(rows))
    print("};")


HEADER = """/*
 * exact-table.h: independent truths for tests/test-exact.c, written by
 * tests/gen-exact-table.py (see there): each value computed by PARI/GP
 * 2.15 at 3000 significant digits and by mpmath 1.3 at 10000 bits from
 * the exact operands, agreeing to the 60 significant digits kept; exact
 * values are exact rational arithmetic; the columns' bits are the value
 * at the column's rounded operands, rounded to nearest even.
 *
 * { expression, state, value (60 significant digits, or the exact
 *   decimal when exact is 1; NULL when no digit is known), exact,
 *   expected fp32 bits, expected fp64 bits (NULL: not checked) }
 */
struct exact_case {
	const char *expr;
	enum fpv_exact_state state;
	const char *value;
	int exact;
	const char *fp32, *fp64;
};

static const struct exact_case exact_cases[] = {"""

if __name__ == "__main__":
    main()
