#!/bin/sh
# live_cpu.sh: the live dashboard on the PC mic (PortAudio over ALSA's file
# plugin reading a FIFO paced at 32,000 bytes/s, tools/alsa_fifo.sh) in a
# 200x50 tmux pane at the dashboard's 30 fps, one view at a time (all views,
# the spectrogram, the waveform), SECONDS each (20; KWSCOPE_BENCH_SECONDS).
# For each: the CPU it used (share of one core), the bytes it wrote to the
# terminal per second (/proc/PID/io), frames per second, and the delay from a
# sample entering the ring to the end of the frame that first shows it
# (median / p95 / max; the dashboard measures it with KWSCOPE_FRAME_STATS,
# with its per-frame cost: bytes, cells, time in the curses backend). When
# cava is installed it runs beside each measurement, in its own 200x50 pane
# at 30 fps on the same audio (its own paced FIFO), measured over the same
# seconds: the ratio > 1 means kwscope used less CPU. ALSA's file plugin over
# the unpaced null slave delivers faster than real time, so the audio seconds
# processed are printed too. A last run takes the virtual board's mic
# (--source sim), paced at real time, with the model and the board running.
# Usage: live_cpu.sh
set -u
BIN=${KWSCOPE_BIN:?}
CLIP=${KWSCOPE_SOURCE_DIR:?}/assets/demo.wav
SECS=${KWSCOPE_BENCH_SECONDS:-20}
tmp=$(mktemp -d /tmp/kws_bench_live_XXXXXX)
T="tmux -L kwscope-bench-live-$$ -f /dev/null"
. "$KWSCOPE_SOURCE_DIR/tools/alsa_fifo.sh"
cava_pacer=""
trap '$T kill-server 2>/dev/null; alsa_fifo_stop; [ -n "$cava_pacer" ] && kill $cava_pacer 2>/dev/null; rm -rf "$tmp"' EXIT
/usr/bin/python3 - "$CLIP" "$tmp/in.raw" <<'PY'
import sys, wave
w = wave.open(sys.argv[1])
open(sys.argv[2], "wb").write(w.readframes(w.getnframes()))
PY
alsa_fifo_start "$tmp/in.raw" "$tmp"
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat 2>/dev/null || echo 0; }
wbytes() { awk '/^wchar/ {print $2}' /proc/"$1"/io 2>/dev/null || echo 0; }
screen() { $T capture-pane -p -t "$1" 2>/dev/null; }
shows() { screen "$1" | grep -qF -- "$2"; }

# cava on the same audio: fifo input at 16 kHz, 30 fps, ncurses output.
have_cava=0
if command -v cava >/dev/null; then
    have_cava=1
    mkfifo "$tmp/cava.fifo"
    printf '[general]\nframerate = 30\nlower_cutoff_freq = 50\nhigher_cutoff_freq = 7000\n[input]\nmethod = fifo\nsource = %s\nsample_rate = 16000\nsample_bits = 16\n[output]\nmethod = ncurses\n' \
        "$tmp/cava.fifo" > "$tmp/cava.conf"
    /usr/bin/python3 -c "$alsa_fifo_pacer" "$tmp/in.raw" "$tmp/cava.fifo" & cava_pacer=$!
    $T new-session -d -s cava -x 200 -y 50 "exec env TERM=tmux-256color cava -p $tmp/cava.conf"
fi

# measure NAME KEY ARGS...: the dashboard on ARGS showing view KEY.
measure() {
    name=$1 key=$2; shift 2
    rm -f "$tmp/stats.json"
    $T new-session -d -s live -x 200 -y 50 "exec env TERM=tmux-256color XDG_STATE_HOME=$tmp/state \
        ALSA_CONFIG_PATH=$ALSA_FIFO_CONFIG KWSCOPE_FRAME_STATS=$tmp/stats.json $BIN $*"
    wait_until 30 shows live "q quit" || { echo "$name: the dashboard did not start"; $T kill-session -t live; return; }
    $T send-keys -t live "$key"
    sleep 2 # settle on the view (then measure a steady state)
    pid=$($T display -p -t live '#{pane_pid}')
    [ $have_cava -eq 1 ] && cpid=$($T display -p -t cava '#{pane_pid}') && ca=$(ticks "$cpid") cwa=$(wbytes "$cpid")
    a=$(ticks "$pid") wa=$(wbytes "$pid")
    sleep "$SECS"  # the measurement window, not a wait for a condition
    b=$(ticks "$pid") wb=$(wbytes "$pid")
    [ $have_cava -eq 1 ] && cb=$(ticks "$cpid") cwb=$(wbytes "$cpid")
    $T send-keys -t live q
    wait_until 10 test -s "$tmp/stats.json"
    echo "$name (200x50): $(echo "$a $b $wa $wb $hz $SECS" | awk '{printf "%.2f%% of one core, %.1f KB/s to the terminal", ($2-$1)/$5/$6*100, ($4-$3)/$6/1000}')"
    [ $have_cava -eq 1 ] && echo "  cava, same ${SECS} s: $(echo "$ca $cb $cwa $cwb $hz $SECS $a $b" | awk '{k=($8-$7); c=($2-$1); printf "%.2f%% of one core, %.1f KB/s; kwscope/cava CPU ratio %.2f (> 1: kwscope lighter)", c/$5/$6*100, ($4-$3)/$6/1000, (k > 0 ? c/k : 0)}')"
    [ -s "$tmp/stats.json" ] && /usr/bin/python3 - "$tmp/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print("  frames drawn %d in %.1f s (%.1f fps), audio %.1f s (%.2fx real time)" % (
    s["frames"], s["wall_s"], s["frames"] / s["wall_s"], s["audio_s"], s["audio_s"] / s["wall_s"]))
print("  per frame: %.0f bytes written, %.0f cells, %.2f ms in the curses backend; heatmap rows scrolled on the terminal: %d" % (
    s.get("bytes_per_frame", -1), s.get("cells_per_frame", -1), s.get("show_ms_per_frame", -1),
    s.get("heatmap_runs_scrolled", -1)))
print("  ring -> frame drawn: median %.1f ms, p95 %.1f ms, max %.1f ms (%d frames)" % (
    s["latency_ms_median"], s["latency_ms_p95"], s["latency_ms_max"], s["latency_samples"]))
PY
    $T kill-session -t live 2>/dev/null
}
measure "live dashboard, PC mic, all views" a --source mic
measure "live dashboard, PC mic, spectrogram" 3 --source mic
measure "live dashboard, PC mic, waveform" 1 --source mic
# The board's mic from the in-process virtual board: paced at real time, and
# the model, the board panel and the board's own classification all run.
measure "live dashboard, virtual board's mic, all views" a --source sim
