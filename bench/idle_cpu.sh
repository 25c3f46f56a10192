#!/bin/sh
# idle_cpu.sh: CPU seconds an idle dashboard uses over 10 s (tmux, 200x60).
set -u
BIN=${KWSCOPE_BIN:?}
SOCK="kwscope-bench-$$"
T="tmux -L $SOCK -f /dev/null"
$T new-session -d -s idle -x 200 -y 60 "exec env TERM=tmux-256color $BIN ${KWSCOPE_SOURCE_DIR:?}/assets/demo.wav"
trap '$T kill-server 2>/dev/null' EXIT
sleep 2   # let it start and draw
pid=$($T display -p -t idle '#{pane_pid}')
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
a=$(ticks "$pid")
sleep 10
b=$(ticks "$pid")
hz=$(getconf CLK_TCK)
echo "idle dashboard: $(echo "$a $b $hz" | awk '{printf "%.3f CPU s over 10 s = %.2f%% of one core", ($2-$1)/$3, ($2-$1)/$3*10}')"
