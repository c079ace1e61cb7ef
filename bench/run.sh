#!/bin/sh
# bench/run.sh: throughput and memory benchmarks of fpviz (make bench).
#
#   sh bench/run.sh [PATH/TO/fpviz [PATH/TO/npy-gen]]
#
# 1. Throughput: a generated corpus (bench/gen.awk, seeded, the same on
#    every machine) of BENCH_N (100000) expressions of 8 binary operations,
#    evaluated with `fpviz -f`, output to /dev/null: expressions per second
#    for text output, --steps and --json --steps (best of BENCH_RUNS, 3),
#    as text laid out for an 80-column terminal (--width 80; into a file
#    the rows are one line each), and as text in one format without a
#    machine path (--formats bf16) and in the eight rows of --formats ml.
# 2. Length: one expression 0.1+0.1+... of 10^3 ... 10^6 terms: wall time
#    and peak RSS, with the ratio between successive sizes (10 means
#    linear); then the longest with --steps (every step kept).
# 3. Variables: 10^5 assignments and 10^5 lookups (linear, not quadratic).
# 4. Lines: peak RSS for 10% of the corpus against all of it (flat means
#    streaming).
# 5. Tensors: a seeded float32 .npy of BENCH_TENSOR_N (10^6) elements
#    (written by bench/npy-gen, the second argument) through
#    quant(..., int8, absmax), mxfp4(...) and sum(...), and sum of
#    randn(BENCH_TENSOR_N, 1), in the default rows: wall time (best of
#    BENCH_RUNS), peak RSS, and the peak in bytes per element per row
#    (4 rows; in parentheses with the exact row counted as a 5th).
#    Targets: under 1 s for quant and mxfp4, under 0.5 s for the sums,
#    under 64 bytes per element per row.
#
# Peak RSS comes from GNU time (/usr/bin/time, Debian package "time") when
# it is installed, else from VmHWM in /proc sampled while the process runs.
# Not part of make check.
set -eu

fpviz=${1:-./fpviz}
npygen=${2:-$(dirname "$fpviz")/bench/npy-gen}
here=$(cd "$(dirname "$0")" && pwd)
tensor_n=${BENCH_TENSOR_N:-1000000}
n=${BENCH_N:-100000}
runs=${BENCH_RUNS:-3}
seed=${BENCH_SEED:-42}
maxterms=${BENCH_MAXTERMS:-1000000}

if [ ! -x "$fpviz" ]; then
	echo "bench: $fpviz is not an executable (give the fpviz binary as \$1)" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fpviz-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Current time in seconds, with nanoseconds.
now() {
	date +%s.%N
}

# Wall seconds of one run of the command "$@", output to /dev/null.
wall() {
	t0=$(now)
	"$@" >/dev/null 2>"$tmp/stderr" || {
		echo "bench: command failed: $*" >&2
		cat "$tmp/stderr" >&2
		exit 1
	}
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# Best (smallest) wall seconds of $runs runs of "$@".
best() {
	b=
	i=0
	while [ "$i" -lt "$runs" ]; do
		t=$(wall "$@")
		b=$(awk -v a="$b" -v t="$t" 'BEGIN { print (a == "" || t < a) ? t : a }')
		i=$((i + 1))
	done
	echo "$b"
}

# "SECONDS KIB": wall time and peak RSS of one run of "$@".
measure() {
	if [ -x /usr/bin/time ] &&
	    /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
		/usr/bin/time -o "$tmp/time" -f '%e %M' "$@" >/dev/null \
		    2>"$tmp/stderr" || {
			echo "bench: command failed: $*" >&2
			cat "$tmp/stderr" >&2
			exit 1
		}
		# GNU time's %e has only 2 decimals: time the wall clock again.
		kib=$(awk '{ print $2 }' "$tmp/time")
		secs=$(wall "$@")
		echo "$secs $kib"
		return
	fi
	# Fallback: sample VmHWM (peak RSS) while the process runs.
	t0=$(now)
	"$@" >/dev/null 2>"$tmp/stderr" &
	pid=$!
	hwm=0
	while kill -0 "$pid" 2>/dev/null; do
		v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" \
		    2>/dev/null || true)
		[ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
		sleep 0.01
	done
	wait "$pid" || {
		echo "bench: command failed: $*" >&2
		cat "$tmp/stderr" >&2
		exit 1
	}
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v k="$hwm" \
	    'BEGIN { printf "%.3f %d\n", b - a, k }'
}

# Ratio a/b with one decimal, or "-" when b is empty or zero.
ratio() {
	awk -v a="$1" -v b="$2" \
	    'BEGIN { if (b == "" || b + 0 == 0) print "-"; else printf "%.1f\n", a / b }'
}

if [ -x /usr/bin/time ]; then
	rss_how="GNU time %M"
else
	rss_how="VmHWM sampled every 10 ms (install the Debian package 'time' for exact figures)"
fi

echo "fpviz benchmark"
echo "  binary:  $fpviz ($("$fpviz" --version 2>/dev/null | head -n 1))"
echo "  machine: $(uname -m), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores; $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)"
echo "  peak RSS from: $rss_how"
echo

# 1. Throughput.
awk -v n="$n" -v ops=8 -v seed="$seed" -f "$here/gen.awk" >"$tmp/corpus"
echo "Throughput: $n expressions of 8 binary operations (seed $seed), best of $runs, output to /dev/null"
printf '  %-22s %10s %14s\n' "mode" "seconds" "expressions/s"
for mode in text width steps json bf16 ml; do
	case $mode in
	text) label="text"; set -- ;;
	width) label="text --width 80"; set -- --width 80 ;;
	steps) label="--steps"; set -- --steps ;;
	json) label="--json --steps"; set -- --json --steps ;;
	bf16) label="--formats bf16"; set -- --formats bf16 ;;
	ml) label="--formats ml"; set -- --formats ml ;;
	esac
	s=$(best "$fpviz" "$@" -f "$tmp/corpus")
	rate=$(awk -v n="$n" -v s="$s" \
	    'BEGIN { if (s > 0) printf "%.0f\n", n / s; else print "inf" }')
	printf '  %-22s %10s %14s\n' "$label" "$s" "$rate"
done
echo

# 2. One long expression.
echo "One expression 0.1+0.1+...: text output, time and peak RSS"
printf '  %-10s %10s %7s %16s %7s\n' "terms" "seconds" "ratio" "peak RSS (KiB)" "ratio"
prev_s=
prev_k=
terms=1000
while [ "$terms" -le "$maxterms" ]; do
	awk -v n="$terms" 'BEGIN {
		printf "0.1"
		for (i = 1; i < n; i++)
			printf "+0.1"
		printf "\n"
	}' >"$tmp/long"
	r=$(measure "$fpviz" -f "$tmp/long")
	set -- $r
	printf '  %-10s %10s %7s %16s %7s\n' "$terms" "$1" \
	    "$(ratio "$1" "$prev_s")" "$2" "$(ratio "$2" "$prev_k")"
	prev_s=$1
	prev_k=$2
	terms=$((terms * 10))
done
echo "  (a ratio near 10 between successive sizes is linear growth)"
r=$(measure "$fpviz" --steps -f "$tmp/long")
set -- $r
printf '  %-10s %10s %7s %16s\n' "$((terms / 10)), --steps" "$1" "" "$2"
echo "  (without --steps a line of more than 65536 steps keeps its result only)"
echo

# 3. Variables: 10^5 assignments, then 10^5 lookups.
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "v%d = %d\n", i, i
	for (i = 0; i < 100000; i++) printf "v%d + 1\n", i }' >"$tmp/vars"
echo "Variables: 100000 assignments and 100000 lookups (text output)"
r=$(measure "$fpviz" -f "$tmp/vars")
set -- $r
printf '  %-10s %10s %16s\n' "lines" "seconds" "peak RSS (KiB)"
printf '  %-10s %10s %16s\n' 200000 "$1" "$2"
echo

# 4. Memory against the number of lines.
small=$((n / 10))
head -n "$small" "$tmp/corpus" >"$tmp/small"
echo "Memory in the number of input lines: text output with --steps"
printf '  %-10s %10s %16s\n' "lines" "seconds" "peak RSS (KiB)"
r=$(measure "$fpviz" --steps -f "$tmp/small")
set -- $r
printf '  %-10s %10s %16s\n' "$small" "$1" "$2"
k_small=$2
r=$(measure "$fpviz" --steps -f "$tmp/corpus")
set -- $r
printf '  %-10s %10s %16s\n' "$n" "$1" "$2"
echo "  peak RSS ratio $n/$small lines: $(ratio "$2" "$k_small") (1.0 is flat: streaming)"
echo

# 5. Tensors.
echo "Tensors: $tensor_n float32 elements (bench/npy-gen, seed 1), default rows, text output"
if [ ! -x "$npygen" ]; then
	echo "  skipped: $npygen is not an executable (make bench builds it)"
	exit 0
fi
"$npygen" "$tmp/w.npy" "$tensor_n" 1
# load() reads w.npy from the current directory, the temporary one.
case $fpviz in
/*) fpviz_abs=$fpviz ;;
*) fpviz_abs=$(pwd)/$fpviz ;;
esac
printf '  %-34s %8s %16s %14s\n' "expression" "seconds" "peak RSS (KiB)" \
    "bytes/elem/row"
for e in 'quant(load("w.npy"), int8, absmax)' 'mxfp4(load("w.npy"))' \
    'sum(load("w.npy"))' "sum(randn($tensor_n, 1))"; do
	r=$(cd "$tmp" && measure "$fpviz_abs" -e "$e")
	set -- $r
	s=$(cd "$tmp" && best "$fpviz_abs" -e "$e")
	per=$(awk -v k="$2" -v n="$tensor_n" \
	    'BEGIN { printf "%.0f (%.0f)\n", k * 1024 / n / 4, k * 1024 / n / 5 }')
	printf '  %-34s %8s %16s %14s\n' "$e" "$s" "$2" "$per"
done
echo "  (targets: quant and mxfp4 under 1 s, sums under 0.5 s, under 64 bytes per element per row)"
