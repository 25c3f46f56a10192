#!/bin/sh
# dashboard_live.sh: the live dashboard (`kwscope --source mic`) in tmux, fed
# through the real PortAudio -> ALSA path by ALSA's file plugin reading a FIFO
# paced at 32,000 bytes/s with the demo clip over and over (tools/alsa_fifo.sh).
# Checks: the header is live and the level meter moves (different readings,
# and loud ones, over time); the spectrogram grows as audio arrives; Space
# pauses and resumes; 'r' records a valid, non-silent WAV; q exits cleanly.
# Then, with no input device at all, `kwscope` opens the demo clip and says
# why in the footer. Skips (77) when tmux or PortAudio's ALSA is missing.
# Every step waits for what it checks with a generous deadline (the suite runs
# on loaded machines and under ASan); the deadlines only bound a hang.
# Usage: dashboard_live.sh   (KWSCOPE_BIN, KWSCOPE_SOURCE_DIR from meson)
set -u
BIN=${KWSCOPE_BIN:?}
CLIP=${KWSCOPE_SOURCE_DIR:?}/assets/demo.wav
. "$(dirname "$0")/tmux_lib.sh"
tmux_test_setup live alsa
header_peak() { screen | head -1 | sed -n 's/.*\] peak *\(-\{0,1\}[0-9.]*\) RMS.*/\1/p'; }
frames() { screen | sed -n 's/.* \([0-9][0-9]*\) frames x 257 bins.*/\1/p' | head -1; }

# 16 kHz mono s16 raw: the demo clip (the pacer loops it).
"$BIN" features --kind spectrogram "$CLIP" >/dev/null 2>&1 || { echo "FAIL: kwscope does not run"; exit 1; }
/usr/bin/python3 - "$CLIP" "$tmp/in.raw" <<'PY'
import sys, wave
w = wave.open(sys.argv[1])
assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
open(sys.argv[2], "wb").write(w.readframes(w.getnframes()))
PY
alsa_fifo_start "$tmp/in.raw" "$tmp"

$T new-session -d -s live -x 140 -y 40 "sh"
keys "cd $tmp && export TERM=tmux-256color XDG_STATE_HOME=$tmp/state PS1='$ '; clear" Enter
keys "ALSA_CONFIG_PATH=$ALSA_FIFO_CONFIG $BIN --source mic; echo exit=\$?" Enter
if ! wait_for "| live |"; then
    if grep -q "cannot\|no audio" "$tmp"/state/kwscope/kwscope.log 2>/dev/null; then
        echo "skipped: PortAudio cannot open ALSA here"; exit 77
    fi
fi
wait_for "mic"
wait_for "Space pause"

# The meter moves: readings differ over time and some are loud (the demo
# clip peaks near -6 dBFS; silence between words reads far lower).
readings=""
loud=0
meter_moved() {
    p=$(header_peak)
    [ -n "$p" ] && readings="$readings $p"
    case "$p" in -[0-9].*|-[12][0-9].*) loud=1 ;; esac
    [ $loud -eq 1 ] && [ "$(printf '%s\n' $readings | sort -u | wc -l)" -ge 3 ]
}
if ! wait_until 30 meter_moved; then
    distinct=$(printf '%s\n' $readings | sort -u | wc -l)
    [ "$distinct" -ge 3 ] || fail "level meter does not move: readings$readings"
    [ $loud -eq 1 ] || fail "level meter never read above -30 dBFS: readings$readings"
fi

# The spectrogram grows as samples arrive.
keys 3; wait_for "Spectrogram"
f1=$(frames)
grown() { f2=$(frames); [ -n "$f1" ] && [ -n "$f2" ] && [ "$f2" -gt "$f1" ]; }
wait_until 30 grown || fail "spectrogram did not grow ($f1 -> $f2 frames in 30 s)"
keys 6; wait_for "Model features (int8)"
keys 1; wait_for "Waveform"

# Space pauses the display (capture goes on) and resumes it.
keys Space; wait_for "| paused |"
keys Left; wait_for "cursor "
keys Space; wait_for "| live |"

# 'r' records; 'r' again saves, once the take holds 1.2 s on disk (the
# recorder writes as samples arrive: a 44-byte header, 2 bytes a sample).
keys r; wait_for "REC"
wav_grown() { wav=$(ls "$tmp"/kwscope-*.wav 2>/dev/null | head -1); [ -n "$wav" ] && file_has_bytes "$wav" 38444; }
wait_until 60 wav_grown || fail "the take did not reach 1.2 s in 60 s"
keys r; wait_for "saved "
wav=$(ls "$tmp"/kwscope-*.wav 2>/dev/null | head -1)
if [ -z "$wav" ]; then
    fail "no kwscope-*.wav in $tmp"
else
    /usr/bin/python3 - "$wav" <<'PY' || fail "recording is not a valid non-silent 16 kHz WAV"
import struct, sys, wave
w = wave.open(sys.argv[1])
n = w.getnframes()
assert w.getframerate() == 16000 and w.getnchannels() == 1 and n >= 16000, n
x = struct.unpack("<%dh" % n, w.readframes(n))
assert max(abs(v) for v in x) > 1000
PY
fi

keys q; wait_for "exit=0"
keys "echo shell-ok-\$((40 + 2))" Enter
wait_for "shell-ok-42"

# No input device: the demo clip, with the reason in the footer.
printf 'pcm.!default { type hw; card 99 }\nctl.!default { type hw; card 99 }\n' > "$tmp/nodev.conf"
keys clear Enter
keys "ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$tmp/nodev.conf $BIN; echo exit=\$?" Enter
wait_for "demo.wav"
wait_for "no microphone"
keys q; wait_for "exit=0"
# ... and asking for the mic explicitly is an error before curses.
out=$(ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$tmp/nodev.conf "$BIN" --source mic 2>&1 </dev/null); rc=$?
[ $rc -eq 1 ] || fail "--source mic without a device exited $rc: $out"
echo "$out" | grep -q "no audio input device" || fail "--source mic without a device: '$out'"

echo "dashboard_live: $fails failure(s)"
[ $fails -eq 0 ]
