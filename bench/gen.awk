# gen.awk: a deterministic corpus of arithmetic expressions for bench/run.sh.
#
#   awk -v n=100000 -v ops=8 -v seed=42 -f gen.awk
#
# prints n lines, each an expression of ops binary operations (+ - * /)
# over ops + 1 random decimal literals, with parentheses now and then.
# The random numbers come from the Park-Miller generator (16807 * x mod
# 2^31 - 1), exact in awk's doubles, so every awk (gawk, mawk, busybox)
# prints the same corpus for the same seed.

# The next random integer in [1, 2^31 - 2].
function next_rand() {
	state = (16807 * state) % 2147483647
	return state
}

# A random integer in [0, k).
function rnd(k) {
	return next_rand() % k
}

# A random decimal literal: integers, fractions, exponents of both signs.
function literal(    kind, s, i, nd) {
	kind = rnd(6)
	if (kind == 0)
		return (1 + rnd(999)) ""
	nd = 1 + rnd(7)
	s = ""
	for (i = 0; i < nd; i++)
		s = s rnd(10)
	if (kind == 1)
		return "0." s
	if (kind == 2)
		return rnd(100) "." s
	if (kind == 3)
		return (1 + rnd(9)) "." s "e-" (1 + rnd(12))
	if (kind == 4)
		return (1 + rnd(9)) "." s "e" rnd(5)
	return rnd(10) "." s
}

BEGIN {
	if (n == "")
		n = 100000
	if (ops == "")
		ops = 8
	if (seed == "")
		seed = 42
	state = seed % 2147483647
	if (state <= 0)
		state = 1
	split("+ - * /", opsym, " ")
	for (line = 0; line < n; line++) {
		s = ""
		depth = 0
		for (k = 0; k <= ops; k++) {
			# Open a parenthesis before this operand now and then.
			if (k < ops && depth < 3 && rnd(5) == 0) {
				s = s "("
				depth++
				inside[depth] = 0
			}
			s = s literal()
			for (d = 1; d <= depth; d++)
				inside[d]++
			# Close one after at least two operands inside it.
			if (depth > 0 && inside[depth] >= 2 && rnd(3) == 0) {
				s = s ")"
				depth--
			}
			if (k < ops)
				s = s " " opsym[1 + rnd(4)] " "
		}
		while (depth-- > 0)
			s = s ")"
		print s
	}
}
