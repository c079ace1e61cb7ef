# tests/lib.sh: TAP helpers for the shell tests (*.test), sourced by them.
#
# The binary is $FPVIZ and the sources are under $top_srcdir (both set by
# AM_TESTS_ENVIRONMENT; the defaults suit a run from the build tree).
# Every check prints one "ok N - NAME" or "not ok N - NAME" line, with
# "# " diagnostics after a failure; tap_done prints the plan "1..N".
#
#   run [CMD...]              run CMD: $out, $err (trailing newlines cut),
#                             $rc; the raw bytes stay in $tmp/out, $tmp/err
#   run_in INPUT CMD...       the same with INPUT (and a newline) on stdin
#   check NAME EXPECTED GOT   GOT equals EXPECTED
#   check_rc NAME EXPECTED    $rc of the last run equals EXPECTED
#   contains NAME NEEDLE HAY  HAY contains NEEDLE
#   lacks NAME NEEDLE HAY     HAY does not contain NEEDLE
#   assert NAME CMD...        CMD succeeds
#   pass NAME / fail NAME [DIAG...] / skip NAME REASON / diag TEXT
#   json_check NAME CODE      python3 runs CODE with `objs`, the JSON
#                             objects of $tmp/out (one per line); CODE
#                             asserts (`assert cond, message`); skipped
#                             when python3 is missing
#   tap_done                  print the plan

: "${top_srcdir:=.}"
: "${FPVIZ:=./fpviz}"

# No test depends on the caller's settings or touches their home.
unset NO_COLOR XDG_STATE_HOME
tap_n=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fpviz-test.XXXXXX") || exit 99
HOME=$tmp/home
export HOME
mkdir "$HOME"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# Print text as TAP diagnostics.
diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# A passing test.
pass() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

# A failing test, with diagnostic lines.
fail() {
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $1"
	shift
	for d in "$@"; do
		diag "$d"
	done
}

# A skipped test.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# Run a command; its output in $out/$err, status in $rc.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# Run a command with $1 (plus a newline) on standard input.
run_in() {
	_in=$1
	shift
	printf '%s\n' "$_in" >"$tmp/in"
	"$@" >"$tmp/out" 2>"$tmp/err" <"$tmp/in"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# The second argument equals the third.
check() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected: $2" "got:      $3"
	fi
}

# The last run's exit status.
check_rc() {
	if [ "$rc" = "$2" ]; then
		pass "$1"
	else
		fail "$1" "expected exit status $2, got $rc" "stderr: $err"
	fi
}

# The haystack ($3) contains the needle ($2).
contains() {
	case $3 in
	*"$2"*) pass "$1" ;;
	*) fail "$1" "expected to find: $2" "in: $3" ;;
	esac
}

# The haystack ($3) does not contain the needle ($2).
lacks() {
	case $3 in
	*"$2"*) fail "$1" "did not expect: $2" "in: $3" ;;
	*) pass "$1" ;;
	esac
}

# The command succeeds.
assert() {
	_name=$1
	shift
	if "$@"; then
		pass "$_name"
	else
		fail "$_name" "command failed: $*"
	fi
}

have_python=no
command -v python3 >/dev/null 2>&1 && have_python=yes

# Parse every line of $tmp/out as JSON and run the assertions in $2.
json_check() {
	if [ "$have_python" = no ]; then
		skip "$1" "python3 not installed"
		return
	fi
	if python3 - "$tmp/out" "$2" >"$tmp/py" 2>&1 <<'EOF'
import json, sys
objs = []
with open(sys.argv[1], encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            sys.exit("line %d is not JSON (%s): %r" % (n, e, line))
def bits(o, fmt):
    """The result bits of format fmt in object o, as an int."""
    return int(o["results"][fmt]["bits"], 16)
exec(sys.argv[2])
EOF
	then
		pass "$1"
	else
		fail "$1" "$(cat "$tmp/py")" "output: $(head -c 2000 "$tmp/out")"
	fi
}

# Print the plan.  The exit status is 0: the results are in the TAP lines.
tap_done() {
	echo "1..$tap_n"
	exit 0
}
