# tests/tmux-lib.sh: drive fpviz's full-screen view in a real terminal
# (a tmux pane of a fixed size) for the tmux-*.test scripts.  Sourced
# after tests/lib.sh (pass, fail, diag, $tmp, $FPVIZ).
#
#   tmux_start COLSxROWS [VAR=VALUE...] [-- ARGS...]
#                          run fpviz in a new detached tmux server (a new
#                          socket under $tmp) through a wrapper that saves
#                          the terminal modes before and after and prints
#                          "[fpviz exited N]" when it ends
#   typein TEXT            type TEXT literally
#   keys KEY...            press tmux keys (Enter, NPage, Left, C-d, F1 ...)
#   resize COLSxROWS       resize the terminal
#   screen / screen_e      capture the pane into $scr once it is still (_e:
#                          with its SGR codes)
#   wait_for NAME TEXT     poll (up to $tmux_timeout s) until the screen
#                          contains TEXT: pass NAME, or fail it showing
#                          the screen
#   wait_gone NAME TEXT    the same until TEXT is gone
#   wait_row NAME REGEX    poll until a line matches REGEX (wait_norow:
#                          until none does)
#   width                  the widest screen line, in characters
#   row PATTERN            the first screen line matching PATTERN (grep -E)
#   line_after PATTERN     the line after it
#   span                   the text marked ^~~~ under the expression
#   exit_status            wait for the end: $status is fpviz's exit status
#   tty_restored NAME      the terminal modes after equal those before
#   no_sanitizer NAME      no ASan/UBSan report was written
#   tmux_shell COLSxROWS   an interactive bash in tmux instead (job control);
#                          type "$(shell_command)" to run fpviz in it and,
#                          after Ctrl-Z, "$(shell_fg)" to continue it
#   tmux_stop              kill the tmux server
#
# The terminal is TERM=xterm-256color unless given; HOME is $tmp/home
# and XDG_STATE_HOME is unset unless given, so the history is the
# test's own.  Sanitizer reports go to files under $tmp, not the screen.

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
unset TMUX TMUX_PANE
tmux_timeout=${FPVIZ_TMUX_TIMEOUT:-30}
tmux_n=0
tmux_sock=$tmp/tmux0.sock

# Run tmux on the test's own server.
tm() {
	tmux -S "$tmux_sock" -f /dev/null "$@"
}

# Start fpviz in a fresh tmux server of the given size.
tmux_start() {
	_geom=$1
	shift
	tmux_stop
	# A new server on a new socket each time: no race with the old one.
	tmux_n=$((tmux_n + 1))
	tmux_sock=$tmp/tmux$tmux_n.sock
	_w=$tmp/wrap$tmux_n.sh
	rm -f "$tmp/status" "$tmp/stty.before" "$tmp/stty.after"
	{
		echo '#!/bin/sh'
		echo 'unset NO_COLOR XDG_STATE_HOME'
		echo "export HOME='$HOME' TERM=xterm-256color"
		echo "export LC_ALL='${LC_ALL:-C.UTF-8}'"
		echo "export ASAN_OPTIONS='${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$tmp/asan'"
		echo "export UBSAN_OPTIONS='${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$tmp/ubsan'"
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			echo "export '$1'"
			shift
		done
		[ "${1:-}" = -- ] && shift
		# A trap with a command (not ignoring) keeps this shell alive
		# when fpviz gets SIGINT, and leaves fpviz the default action.
		echo "trap 'echo \"[wrapper got SIGINT]\"' INT"
		echo "stty -g >'$tmp/stty.before'"
		printf "'%s'" "$FPVIZ"
		for _a in "$@"; do
			printf " '%s'" "$_a"
		done
		echo
		echo "st=\$?"
		echo "stty -g >'$tmp/stty.after'"
		echo "echo \"\$st\" >'$tmp/status'"
		echo "echo \"[fpviz exited \$st]\""
		echo "exec sleep 600"
	} >"$_w"
	chmod +x "$_w"
	tm new-session -d -s fpv -x "${_geom%x*}" -y "${_geom#*x}" "$_w"
}

# Start an interactive bash with job control (for Ctrl-Z and fg) in a
# fresh tmux server; the caller types the command.  Returns 1 without
# bash.
tmux_shell() {
	command -v bash >/dev/null 2>&1 || return 1
	tmux_stop
	tmux_n=$((tmux_n + 1))
	tmux_sock=$tmp/tmux$tmux_n.sock
	rm -f "$tmp/status" "$tmp/stty.before" "$tmp/stty.after"
	tm new-session -d -s fpv -x "${1%x*}" -y "${1#*x}" \
	    "env -u NO_COLOR -u XDG_STATE_HOME HOME='$HOME' TERM=xterm-256color \
	    LC_ALL='${LC_ALL:-C.UTF-8}' PS1='$ ' HISTFILE= \
	    ASAN_OPTIONS='${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$tmp/asan' \
	    UBSAN_OPTIONS='${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$tmp/ubsan' \
	    bash --norc --noprofile -i"
}

# The command line that runs fpviz in tmux_shell, saving the terminal
# modes first; after Ctrl-Z, type "$(shell_fg)" to bring it back and,
# when it ends, save its status and the modes as tmux_start's wrapper.
shell_command() {
	echo "stty -g >'$tmp/stty.before'; '$FPVIZ'"
}

shell_fg() {
	echo "fg; echo \$? >'$tmp/status'; stty -g >'$tmp/stty.after'; echo '[fpviz exited]'"
}

# Kill the tmux server and wait (up to 10 s) until what ran in its pane
# (the pane's session: the wrapper or shell, fpviz, sleep) has gone.
tmux_stop() {
	_sid=$(tm display-message -p -t fpv '#{pane_pid}' 2>/dev/null)
	tm kill-server >/dev/null 2>&1 || true
	[ -n "$_sid" ] || return 0
	_i=0
	while [ $_i -lt 100 ] && [ -n "$(ps -e -o sid= -o pid= |
	    awk -v s="$_sid" '$1 == s')" ]; do
		nap
		_i=$((_i + 1))
	done
}

# Type text literally.
typein() {
	tm send-keys -t fpv -l -- "$1"
}

# Press keys.
keys() {
	tm send-keys -t fpv "$@"
}

# Resize the terminal.
resize() {
	tm resize-window -t fpv -x "${1%x*}" -y "${1#*x}"
}

# Capture the screen as text, once it is still: two captures a tenth of
# a second apart agree (a frame may reach the terminal in pieces).
screen() {
	scr=$(tm capture-pane -t fpv -p)
	_i=0
	while [ $_i -lt 50 ]; do
		nap
		_again=$(tm capture-pane -t fpv -p)
		[ "$_again" = "$scr" ] && return 0
		scr=$_again
		_i=$((_i + 1))
	done
}

# Capture the screen with its SGR sequences (once it is still).
screen_e() {
	screen
	scr=$(tm capture-pane -t fpv -p -e)
}

# Sleep a tenth of a second (whole seconds where sleep wants them).
nap() {
	sleep 0.1 2>/dev/null || sleep 1
}

# Poll the screen until the command "$@" (which reads it in $scr)
# succeeds: pass test $1, or fail it after tmux_timeout seconds saying it
# waited for $2.
poll() {
	_name=$1
	_what=$2
	shift 2
	_end=$(($(date +%s) + tmux_timeout))
	while :; do
		screen
		if "$@"; then
			pass "$_name"
			return 0
		fi
		if [ "$(date +%s)" -ge "$_end" ]; then
			fail "$_name" "waited ${tmux_timeout}s for $_what" \
			    "screen:" "$scr"
			return 1
		fi
		nap
	done
}

# Does the screen contain $1 / a line matching the extended regex $1?
on_screen() {
	case $scr in
	*"$1"*) return 0 ;;
	esac
	return 1
}
off_screen() { ! on_screen "$1"; }
has_row() { [ -n "$(row "$1")" ]; }
no_row() { [ -z "$(row "$1")" ]; }

# Poll until the screen contains $2 / no longer contains $2 / has a line
# matching the extended regex $2 (wait_row) / has none (wait_norow).
wait_for() { poll "$1" "this to show: $2" on_screen "$2"; }
wait_gone() { poll "$1" "this to go: $2" off_screen "$2"; }
wait_row() { poll "$1" "a line like: $2" has_row "$2"; }
wait_norow() { poll "$1" "no line like: $2" no_row "$2"; }

# The screen's widest line, in columns (GNU wc -L counts characters).
width() {
	printf '%s\n' "$scr" | wc -L | tr -d ' '
}

# The first line of the screen matching the extended regex $1.
row() {
	printf '%s\n' "$scr" | grep -E -m 1 -- "$1"
}

# The line after the first line matching $1.
line_after() {
	printf '%s\n' "$scr" | grep -E -A 1 -m 1 -- "$1" | sed -n 2p
}

# The part of the expression line marked ^~~~ on the line below it.
span() {
	printf '%s\n' "$scr" | awk '
		/^ expr  / { e = $0; getline m
			s = index(m, "^"); if (s == 0) exit
			n = 1; while (substr(m, s + n, 1) == "~") n++
			print substr(e, s, n); exit }'
}

# Wait for fpviz to end; its exit status in $status.
exit_status() {
	_end=$(($(date +%s) + tmux_timeout))
	while [ ! -s "$tmp/status" ]; do
		if [ "$(date +%s)" -ge "$_end" ]; then
			status=timeout
			return 1
		fi
		nap
	done
	status=$(cat "$tmp/status")
}

# The terminal modes are as they were before fpviz started.
tty_restored() {
	if [ -s "$tmp/stty.before" ] && cmp -s "$tmp/stty.before" "$tmp/stty.after"
	then
		pass "$1"
	else
		fail "$1" "before: $(cat "$tmp/stty.before" 2>/dev/null)" \
		    "after:  $(cat "$tmp/stty.after" 2>/dev/null)"
	fi
}

# No sanitizer wrote a report.
no_sanitizer() {
	_r=$(cat "$tmp"/asan* "$tmp"/ubsan* 2>/dev/null)
	if [ -z "$_r" ]; then
		pass "$1"
	else
		fail "$1" "$_r"
	fi
}

trap 'tmux_stop; rm -rf "$tmp"' EXIT
