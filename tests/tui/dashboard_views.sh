#!/bin/sh
# dashboard_views.sh: what the dashboard's plots show, read off the screen
# (not the titles), in tmux:
#   - file mode: views 1-6 opened in a scrambled order, then the 'a' grid:
#     each plot has data over most of its width and heatmaps count frames;
#   - the board's mic (--source sim) and the PC mic (ALSA's file plugin on a
#     FIFO paced at real time): the same for every view;
#   - b, p, d then q, in file and live mode: the process is gone within 1 s
#     (waited for with a deadline);
#   - SIGTERM: the process leaves and `stty -a` is what it was before;
#   - screen goldens at 80x24, 120x40 and 200x60 (file mode, cursor at 1.17 s)
#     compared with tests/tui/golden/dash-WxH.txt, and checked for whole
#     numbers in the side panel, whole tick labels and the footer's keys.
# KWSCOPE_UPDATE_GOLDENS=1 rewrites the goldens (look at them before
# committing). Usage: dashboard_views.sh
set -u
BIN=${KWSCOPE_BIN:?}
SRC=${KWSCOPE_SOURCE_DIR:?}
CLIP=$SRC/assets/demo.wav
CHECK="/usr/bin/python3 $SRC/tests/tui/screen_check.py"
. "$(dirname "$0")/tmux_lib.sh"
tmux_test_setup views alsa

# start W H ARGS...: a fresh session running kwscope ARGS; its pid in $tmp/pid.
start() {
    w=$1 h=$2
    shift 2
    $T kill-session -t "$S" 2>/dev/null
    rm -f "$tmp/pid"
    $T new-session -d -s "$S" -x "$w" -y "$h" "sh"
    keys "cd $tmp && export TERM=tmux-256color XDG_STATE_HOME=$tmp/state PS1='$ '; clear" Enter
    keys "$* sh -c 'echo \$\$ > $tmp/pid; exec $BIN $ARGS'; echo exit=\$?" Enter
}

# check_filled VIEW single|grid W H WHAT: the plot of VIEW has data.
check_filled() {
    i=0
    while [ $i -lt 50 ]; do # the first frames of a live source take a moment
        screen | $CHECK filled "$1" "$2" "$3" "$4" >/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "$5: $(screen | $CHECK filled "$1" "$2" "$3" "$4")"
}

# gone_within_1s: the dashboard's process has exited (polled, 1 s deadline).
gone_within_1s() {
    pid=$(cat "$tmp/pid" 2>/dev/null)
    [ -n "$pid" ] || { fail "$1: no pid"; return; }
    i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 20 ]; then
            fail "$1: still running 1 s after the key"
            kill -KILL "$pid" 2>/dev/null
            return
        fi
        sleep 0.05
    done
}

# ---- file mode: every view, any order, and the grid ----
ARGS="$CLIP"
start 120 40
wait_for "Model @" 10
for v in 5 4 3 6 2 1; do
    keys "$v"
    check_filled "$v" single 120 40 "file, view $v"
done
keys a
wait_for "[all views]"
for v in 1 2 3 4 5 6; do check_filled "$v" grid 120 40 "file, grid view $v"; done
keys a

# b, p, d then q: gone within a second, each from a fresh start.
for k in b p d; do
    start 120 40
    wait_for "[ready]" 10
    [ "$k" = d ] && keys 6
    $T send-keys -t "$S" "$k"
    sleep 0.5 # let the key's work start (a board mic, a push) before quitting
    $T send-keys -t "$S" q
    gone_within_1s "file mode, $k then q"
    wait_for "exit=0"
done

# SIGTERM: the terminal is given back as it was.
$T kill-session -t "$S" 2>/dev/null
$T new-session -d -s "$S" -x 120 -y 40 "sh"
keys "cd $tmp && export TERM=tmux-256color XDG_STATE_HOME=$tmp/state PS1='$ '; clear" Enter
keys "stty -a > before.txt; sh -c 'echo \$\$ > $tmp/pid; exec $BIN $CLIP'; stty -a > after.txt; echo term-done" Enter
wait_for "Model @" 10
kill -TERM "$(cat "$tmp/pid")"
gone_within_1s "SIGTERM"
wait_for "term-done"
cmp -s "$tmp/before.txt" "$tmp/after.txt" || fail "stty -a differs after SIGTERM: $(diff "$tmp/before.txt" "$tmp/after.txt")"

# A 5 s stall (SIGSTOP/SIGCONT) with the board's mic streaming, then SIGTERM:
# the backlog must not hold the exit. The pane runs kwscope itself (no
# interactive shell, whose job control would take a stopped job away).
$T kill-session -t "$S" 2>/dev/null
rm -f "$tmp/pid"
$T new-session -d -s "$S" -x 120 -y 40 \
    "cd $tmp && export TERM=tmux-256color XDG_STATE_HOME=$tmp/state && echo \$\$ > $tmp/pid && exec $BIN --source sim"
$T set-option -t "$S" remain-on-exit on
wait_for "streaming its mic" 10
pid=$(cat "$tmp/pid")
kill -STOP "$pid"
sleep 5 # the stall itself is the scenario, not a wait for a condition
kill -CONT "$pid"
t0=$(date +%s%N)
kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
    i=$((i + 1))
    [ $i -gt 500 ] && { fail "SIGTERM after a stall: still running after 1 s"; kill -KILL "$pid"; break; }
    sleep 0.002
done
echo "SIGTERM after a 5 s stall (board mic): gone in $((($(date +%s%N) - t0) / 1000000)) ms"

# ---- the board's mic: every view ----
ARGS="--source sim"
start 120 40
wait_for "streaming its mic" 10
sleep 0 # the window fills as the board streams (checks poll)
for v in 3 6 1 5 2 4; do
    keys "$v"
    check_filled "$v" single 120 40 "board mic, view $v"
done
keys p; wait_for "classifying its own mic"
screen | head -1 | grep -q "board mic" || fail "p under --source sim switched the source"
keys q
gone_within_1s "board mic, q"

# ---- the PC mic through ALSA's file plugin ----
{
    /usr/bin/python3 - "$CLIP" "$tmp/in.raw" <<'PY'
import sys, wave
w = wave.open(sys.argv[1])
open(sys.argv[2], "wb").write(w.readframes(w.getnframes()) * 20)
PY
    alsa_fifo_start "$tmp/in.raw" "$tmp"
    ARGS="--source mic"
    start 120 40 "ALSA_CONFIG_PATH=$ALSA_FIFO_CONFIG"
    if wait_for "| live |"; then
        for v in 4 1 6 2 5 3; do
            keys "$v"
            check_filled "$v" single 120 40 "live mic, view $v"
        done
        keys a
        for v in 1 2 3 4 5 6; do check_filled "$v" grid 120 40 "live mic, grid view $v"; done
        for k in b p d; do
            $T send-keys -t "$S" "$k"
            sleep 0.3
        done
        $T send-keys -t "$S" q
        gone_within_1s "live mode, b p d then q"
    fi
    alsa_fifo_stop
}

# ---- screen goldens ----
for size in 80x24 120x40 200x60; do
    W=${size%x*} H=${size#*x}
    ARGS="$CLIP"
    start "$W" "$H"
    wait_for "? help" 10
    if [ "$W" -ge 100 ]; then # the side panel: model and board settled
        wait_for "Detections" 10
        wait_for "[ready]" 10
        wait_for "frames 2" 5
    fi
    # the cursor to 1.17 s: Home, then 50 steps of 1% of the window
    $T send-keys -t "$S" Home
    i=0
    while [ $i -lt 50 ]; do $T send-keys -t "$S" Right; i=$((i + 1)); done
    wait_for "cursor 1.168 s" 5
    sleep 0.2
    got=$(screen | sed 's|/dev/pts/[0-9]*|/dev/pts/N|g')
    golden=$SRC/tests/tui/golden/dash-$size.txt
    if [ "${KWSCOPE_UPDATE_GOLDENS:-}" = 1 ]; then
        printf '%s\n' "$got" > "$golden"
    elif [ "$(printf '%s\n' "$got")" != "$(cat "$golden" 2>/dev/null)" ]; then
        fail "$size differs from $golden:
$(printf '%s\n' "$got" | diff "$golden" - | head -20)"
    fi
    printf '%s\n' "$got" | $CHECK panel "$W" "$H" || fail "$size: side panel or footer"
    printf '%s\n' "$got" | $CHECK ticks || fail "$size: tick labels"
    $T send-keys -t "$S" q
    gone_within_1s "$size, q"
done

echo "dashboard_views: $fails failure(s)"
[ $fails -eq 0 ]
