#!/bin/sh
# live_cpu.sh: the live dashboard on the PC mic (PortAudio over ALSA's file
# plugin reading a FIFO paced at 32,000 bytes/s, tools/alsa_fifo.sh), all views
# visible ('a'), 200x60, for 20 s. Prints the CPU it used (share of one core)
# and the delay from a sample entering the ring to the end of the frame that
# first shows it (median / p95 / max over the frames; the dashboard measures
# it with KWSCOPE_FRAME_STATS). ALSA's file plugin over the unpaced null slave
# delivers somewhat faster than real time (tools/alsa_fifo.sh), so the
# audio seconds processed are printed too: the CPU figure is an upper bound
# for real-time input. A second run takes the virtual board's mic (--source
# sim), which is paced at real time. Usage: live_cpu.sh
set -u
BIN=${KWSCOPE_BIN:?}
CLIP=${KWSCOPE_SOURCE_DIR:?}/assets/demo.wav
tmp=$(mktemp -d /tmp/kws_bench_live_XXXXXX)
SOCK="kwscope-bench-live-$$"
T="tmux -L $SOCK -f /dev/null"
. "$KWSCOPE_SOURCE_DIR/tools/alsa_fifo.sh"
trap '$T kill-server 2>/dev/null; alsa_fifo_stop; rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$CLIP" "$tmp/in.raw" <<'PY'
import sys, wave
w = wave.open(sys.argv[1])
open(sys.argv[2], "wb").write(w.readframes(w.getnframes()))
PY
alsa_fifo_start "$tmp/in.raw" "$tmp"
# measure NAME ARGS...: the dashboard on ARGS for 20 s with all views shown.
measure() {
    name=$1; shift
    rm -f "$tmp/stats.json"
    $T new-session -d -s live -x 200 -y 60 "exec env TERM=tmux-256color XDG_STATE_HOME=$tmp/state \
        ALSA_CONFIG_PATH=$ALSA_FIFO_CONFIG KWSCOPE_FRAME_STATS=$tmp/stats.json \
        $BIN $*"
    sleep 2
    $T send-keys -t live a
    pid=$($T display -p -t live '#{pane_pid}')
    a=$(ticks "$pid")
    sleep 20
    b=$(ticks "$pid")
    $T send-keys -t live q
    i=0
    while [ ! -s "$tmp/stats.json" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    echo "$name (all views, 200x60): $(echo "$a $b $hz" | awk '{printf "%.2f CPU s over 20 s = %.2f%% of one core", ($2-$1)/$3, ($2-$1)/$3*5}')"
    [ -s "$tmp/stats.json" ] && /usr/bin/python3 - "$tmp/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("  frames drawn %d in %.1f s (%.1f fps), audio %.1f s (%.2fx real time)" % (
    s["frames"], s["wall_s"], s["frames"] / s["wall_s"], s["audio_s"], s["audio_s"] / s["wall_s"]))
print("  ring -> frame drawn: median %.1f ms, p95 %.1f ms, max %.1f ms (%d frames)" % (
    s["latency_ms_median"], s["latency_ms_p95"], s["latency_ms_max"], s["latency_samples"]))
PY
    $T kill-server 2>/dev/null
    sleep 0.5
}
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
hz=$(getconf CLK_TCK)
measure "live dashboard, PC mic" --source mic
# The board's mic from the in-process virtual board: paced at real time, and
# the model, the board panel and the board's own classification all run.
measure "live dashboard, virtual board's mic" --source sim
