#!/bin/sh
# dashboard_board.sh: the dashboard with a board, in tmux (160x50). The
# virtual board runs in the dashboard's process behind a real pty, with the
# default model and the real pipeline; its mic plays the demo clip.
#   --source sim: the board's mic streams into the views, the board panel
#   shows its INFO, results and measured stage timings; 'b' goes back to the
#   clip, 'p' pushes a second and the result comes back; 'd' in the features
#   view diffs the board's features against the host's (they must agree:
#   0 cells differ); q exits cleanly.
#   A file with the default --board auto gets a virtual board too;
#   --board none has no board panel. A stock micro_speech board (--dialect)
#   fills the same panel from its text lines. Collect mode (--collect) on the board's
#   mic: k takes 2 s, Enter keeps the centred second, Esc drops / leaves.
set -u
BIN=${KWSCOPE_BIN:?}
CLIP=${KWSCOPE_SOURCE_DIR:?}/assets/demo.wav
. "$(dirname "$0")/tmux_lib.sh"
tmux_test_setup board

$T new-session -d -s board -x 160 -y 50 "sh"
keys "cd $tmp && export TERM=tmux-256color XDG_STATE_HOME=$tmp/state PS1='$ '; clear" Enter
keys "$BIN --source sim; echo exit=\$?" Enter

wait_for "Board (virtual)"
wait_for "[ready]"
wait_for "fw kwscope-sim"
wait_for "streaming its mic"
screen | head -1 | grep -q "board mic" || fail "header does not name the board's mic"
screen | grep -q "labels silence unknown yes no" || fail "board labels missing"
# The board classifies its mic and reports detections with measured timings.
wait_for "Board live result"
screen | grep -Eq "pre(process)? +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+" || fail "no preprocessing timings"
screen | grep -Eq "infer(ence)? +[0-9]+\.[0-9]+" || fail "no inference timings"
# The views show the board's audio: the clock runs.
clock() { screen | head -1 | sed -n 's/.*| \([0-9.]*\) s | live.*/\1/p'; }
t1=$(clock)
ticked() { t2=$(clock); [ -n "$t1" ] && [ -n "$t2" ] && awk "BEGIN{exit !($t2 > $t1)}"; }
wait_until 30 ticked || fail "board audio not arriving ($t1 -> $t2 s in 30 s)"

# b: back to the clip; p: push a second, the board answers.
keys b; wait_for "back to demo.wav"
wait_for "mode idle"
keys Right; keys p; wait_for "pushed the second"
# the push ends with its answer: a result at the clip's time, mode idle again
wait_for "Board result @ 1.00 s" 10
wait_for "idle (1 pushed)"
# d in the features view: the board's features equal the host's.
keys 6; keys d; wait_for "Features: board vs host"
wait_for "0 of 1960 cells differ"
keys d; wait_for "Model features (int8)"

keys q; wait_for "exit=0"
keys "echo shell-ok-\$((40 + 2))" Enter
wait_for "shell-ok-42"

# Collect mode on the board's mic: take, keep; take, drop; leave.
keys clear Enter
keys "$BIN --source sim --collect yes,no --data $tmp/data --speaker sim; echo exit=\$?" Enter
wait_for 'collect #1: say "yes"'
keys k; wait_for 'recording "yes"'
wait_for "Enter keeps the selected second"
screen | grep -q "selection " || fail "the take's second is not selected"
keys Enter; wait_for "saved $tmp/data/yes/sim_nohash_0.wav"
keys x; wait_for 'say "no"'
keys k; wait_for "Enter keeps"
keys Escape; wait_for "take dropped"
keys Escape; wait_for "collect mode off (1 clips saved"
keys q; wait_for "exit=0"
/usr/bin/python3 - "$tmp/data/yes/sim_nohash_0.wav" <<'PY' || fail "collected clip is not a 1 s 16 kHz mono WAV"
import sys, wave
w = wave.open(sys.argv[1])
assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (16000, 1, 16000)
PY
[ -e "$tmp/data/no" ] && fail "the dropped take was saved"

# A stock micro_speech board: "Heard" lines and "## time" profile lines fill
# the same panel.
keys clear Enter
keys "$BIN --board sim --dialect micro_speech $CLIP; echo exit=\$?" Enter
wait_for "fw micro_speech"
keys Right; keys p; wait_for "pushed the second"
wait_for "Board result"
timed() { screen | grep -Eq "pre(process)? +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+"; }
wait_until 30 timed || fail "no profile timings from the micro_speech board"
[ "$(screen | grep -Ec 'yes [0-9.]+ @ [0-9.]+ s')" -ge 2 ] || fail "the board's Heard line is not in its log"
keys q; wait_for "exit=0"

# A file gets the virtual board by default; --board none has none.
keys clear Enter
keys "$BIN $CLIP; echo exit=\$?" Enter
wait_for "Board (virtual)"
keys q; wait_for "exit=0"
keys clear Enter
keys "$BIN --board none $CLIP; echo exit=\$?" Enter
wait_for "Waveform"
wait_for "Detections"
screen | grep -q "Board (virtual)" && fail "--board none still shows a board"
keys b; wait_for "no board"
keys q; wait_for "exit=0"

echo "dashboard_board: $fails failure(s)"
[ $fails -eq 0 ]
