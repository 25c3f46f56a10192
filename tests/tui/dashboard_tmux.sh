#!/bin/sh
# dashboard_tmux.sh: drives the real dashboard in tmux (120x40): every view,
# the keys, resizing, the help overlay, quitting back to a usable shell, and
# the ASCII fallback under TERM=vt100 / LANG=C.
set -u
BIN=${KWSCOPE_BIN:?}
CLIP=${KWSCOPE_SOURCE_DIR:?}/assets/demo.wav
command -v tmux >/dev/null || { echo "skipped: tmux is not installed"; exit 77; }

SOCK="kwscope-test-$$"
T="tmux -L $SOCK -f /dev/null"
fails=0
trap '$T kill-server 2>/dev/null' EXIT

S=dash
. "$(dirname "$0")/tmux_lib.sh"

# A shell in the pane, so we can check it is usable after kwscope exits.
$T new-session -d -s dash -x 120 -y 40 "sh"
$T set-option -t dash -g default-terminal tmux-256color >/dev/null
keys "export TERM=tmux-256color PS1='$ '; clear" Enter
keys "$BIN $CLIP" Enter

wait_for "demo.wav"
wait_for "Waveform"
wait_for "? help"
screen | grep -q "stopped" || fail "header has no state"
screen | grep -q "0.5s" || fail "no time axis labels"
screen | grep -q "peak" || fail "side panel has no clip level"

# Every view by number, with its title and its axis/colour bar.
keys 3; wait_for "Spectrogram"; wait_for "257 bins"
keys 4; wait_for "Mel spectrogram"; wait_for "40 bands"
keys 5; wait_for "MFCC"; wait_for "13 coef"
keys 2; wait_for "Spectrum (Welch, whole clip)"; wait_for "Hz"
keys 6; wait_for "Model features (int8)"; wait_for "40 bands"
keys 1; wait_for "linear"
# Tab cycles: waveform -> spectrum.
keys Tab; wait_for "Spectrum (Welch"
keys 1

# Cursor, readout, zoom, scroll.
keys Right; wait_for "cursor 0.0"
keys Right Right Right
keys + ; wait_for "zoom x2.0"
keys + ; wait_for "zoom x4.0"
keys - ; wait_for "zoom x2.0"
keys '>' ; screen | grep -q "window 0.00-" && fail "scrolling did not move the window"
keys Home; wait_for "window 0.00-"; wait_for "cursor 0.000 s"
keys 3; keys Right; wait_for "frame "; wait_for "dB"
keys 2; wait_for "Spectrum (frame"

# Selection.
keys 1 v Right Right v; wait_for "selected"

# All views at once.
keys a
wait_for "[all views]"
for title in Waveform Spectrogram "Mel spectrogram" MFCC "Model features"; do
    screen | grep -qF "$title" || fail "grid lacks $title"
done
keys a

# Colormap cycles (shown in the side panel).
keys c; wait_for "colormap magma"
keys c; wait_for "colormap gray"

# Help overlay: every key listed, the log named; any key closes it.
keys '?'; wait_for "Keys"; wait_for "log: "; wait_for "zoom around the cursor"
keys x; wait_gone "zoom around the cursor"

# Resizing: small but usable, too small, and back.
$T resize-window -t dash -x 60 -y 15; sleep 0.3
wait_for "Waveform"
screen | grep -q "too small" && fail "60x15 should still show the dashboard"
$T resize-window -t dash -x 20 -y 5; sleep 0.3
wait_for "terminal too small"
$T resize-window -t dash -x 120 -y 40; sleep 0.3
wait_for "Waveform"; wait_for "peak"

# The model: scores in the side panel, the demo clip's "yes" detected and
# marked on the time axis, live tuning of the detector, the 'm' info view.
keys Escape; wait_for "Model @"
wait_for "Detections"
screen | grep -q "yes [01]\.[0-9][0-9] @ [0-9.]* s" || fail "no yes detection in the log"
# The detector starts from the model's calibrated settings (its sidecar).
side=${KWSCOPE_SOURCE_DIR:?}/assets/default_model.detect
thr=$(sed -n 's/^threshold //p' "$side"); win=$(sed -n 's/^window_ms //p' "$side")
mc=$(sed -n 's/^min_count //p' "$side")
up=$((thr + 10 > 255 ? 255 : thr + 10)); down=$((up - 20 < 0 ? 0 : up - 20))
keys T; wait_for "threshold $up"
keys t t; wait_for "threshold $down"
keys W; wait_for "window $((win + 100)) ms"
keys N; wait_for "min count $((mc + 1))"
keys m; wait_for "tensor arena"; wait_for "DEPTHWISE_CONV_2D"; wait_for "of 256 KB"
keys m; wait_for "linear"

# q quits and the shell works again (echo and line editing restored).
keys q
keys "echo shell-ok-\$((40 + 2))" Enter
wait_for "shell-ok-42"

# ASCII fallback: vt100 terminal, C locale: only ASCII on screen, no colour.
keys clear Enter
keys "TERM=vt100 LANG=C LC_ALL=C $BIN $CLIP" Enter
wait_for "Waveform"
keys 3; wait_for "Spectrogram"
if screen | LC_ALL=C grep -q '[^ -~]'; then
    fail "non-ASCII glyphs on a vt100/C-locale screen"
fi
screen | grep -q '[@%#*]' || fail "no density ramp in the ASCII spectrogram"
keys q
keys "echo ascii-done" Enter
wait_for "ascii-done"

# Truecolor (COLORTERM=truecolor): the spectrogram's cells arrive in tmux as
# 24-bit colours, more of them than the 256-colour run's palette indices.
# distinct_colors MODE: distinct cell colours of the screen (capture-pane -e).
distinct_colors() {
    $T capture-pane -e -p -t "$S" | /usr/bin/python3 -c '
import re, sys
t = sys.stdin.read()
rgb = {m.group(0) for m in re.finditer(r"[34]8;2;\d+;\d+;\d+", t)}
pal = {m.group(0) for m in re.finditer(r"[34]8;5;\d+", t)}
print(len(rgb) if sys.argv[1] == "rgb" else len(pal))' "$1"
}
for mode in rgb pal; do
    [ $mode = rgb ] && ct=truecolor || ct=
    keys clear Enter
    keys "COLORTERM=$ct $BIN --board none $CLIP" Enter
    wait_for "Waveform"
    keys 3
    wait_for "Spectrogram"
    wait_for "231 frames x 257 bins"
    n=$(distinct_colors $mode)
    eval "n_$mode=$n"
    keys q
    # gone back to the shell (not '$ ': the screen read drops the prompt's
    # trailing space when a slow `clear` wiped the echoed command line)
    wait_gone "Spectrogram"
done
echo "spectrogram: $n_rgb distinct RGB colours (truecolor), $n_pal palette colours (256)"
[ "$n_rgb" -gt "$n_pal" ] || fail "truecolor heatmap uses $n_rgb RGB colours, not more than 256-colour's $n_pal"

# A missing file fails before curses, with one line and exit 1.
out=$("$BIN" /nonexistent.wav 2>&1); rc=$?
[ $rc -eq 1 ] || { echo "FAIL: missing file exit $rc"; fails=$((fails + 1)); }
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || { echo "FAIL: error is not one line: $out"; fails=$((fails + 1)); }

echo "dashboard_tmux: $fails failure(s)"
[ $fails -eq 0 ]
