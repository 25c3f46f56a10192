#!/bin/sh
# alsa_e2e.sh: `kwscope record` and `kwscope devices` end to end through the
# real PortAudio -> ALSA path, with ALSA's file plugin as the "microphone"
# (tools/alsa_fifo.sh). The file plugin reads its infile
# as raw frames in whatever format the application opened the PCM with, so a
# 16 kHz mono s16 stream reads a 16 kHz mono s16 raw file, and a stream forced
# to 48 kHz stereo (KWSCOPE_MIC_FORMAT=48000:2) reads interleaved 48 kHz s16
# stereo. Its infile is drained as fast as it is read (not paced), which is
# why record -d counts samples.
#   (a) 16 kHz mono: record -d 2 == the first 32000 input samples, bit-exact
#   (b) 48 kHz stereo: within 1 LSB of libsamplerate's offline conversion
#   (c) paced FIFO input (32,000 bytes/s), SIGKILL once the file holds 2.2 s
#       of samples (waited for, whatever the machine's load): the WAV loads
#       and holds >= 1.5 s (the header lags the data by at most 0.5 s); only
#       its first 320 samples are compared, because
#       the file plugin (alsa-lib, mmap path) ignores short reads from a FIFO:
#       when a period asks for more than the pipe holds, the rest of that
#       period is stale, and the null slave is not paced, so the recording
#       runs faster than real time (4.6 s recorded in 2.3 s, seen here).
#   (d) devices lists the default device
# Skips (77) only when PortAudio cannot open ALSA at all.
# Usage: alsa_e2e.sh ALSA_TOOL   (KWSCOPE_BIN, KWSCOPE_SOURCE_DIR from meson)
set -u
tool=$1
bin=${KWSCOPE_BIN:?KWSCOPE_BIN not set}
. "${KWSCOPE_SOURCE_DIR:?}/tools/alsa_fifo.sh"
tmp=$(mktemp -d /tmp/kws_alsa_XXXXXX)
pids=""
cleanup() { alsa_fifo_stop; for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
export XDG_STATE_HOME="$tmp/state"
# Under ASan, LeakSanitizer reports allocations of dlopen'ed ALSA/JACK plugins
# (frames in "<unknown module>", not ours); leaks of our own code are covered
# by the other capture tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fail=0

conf() { alsa_fifo_conf "$1" "$tmp/alsa.conf"; }
run() { ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$tmp/alsa.conf "$@"; }

# deterministic test signals: noise-like (an LCG), so any shift or drop shows
/usr/bin/python3 - "$tmp" <<'PY'
import struct, sys, math
d = sys.argv[1]
x = 1
def lcg():
    global x
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return (x >> 15) - 32768
with open(d + "/in16.raw", "wb") as f:   # 3 s, 16 kHz mono
    f.write(struct.pack("<48000h", *[lcg() // 4 for _ in range(48000)]))
with open(d + "/in48.raw", "wb") as f:   # 3 s, 48 kHz stereo: tones + noise
    s = []
    for i in range(144000):
        t = i / 48000.0
        s.append(int(8000 * math.sin(2 * math.pi * 440 * t)) + lcg() // 16)
        s.append(int(8000 * math.sin(2 * math.pi * 1300 * t)) + lcg() // 16)
    f.write(struct.pack("<%dh" % len(s), *s))
with open(d + "/in_long.raw", "wb") as f:  # 6 s, 16 kHz mono, for the kill test
    f.write(struct.pack("<96000h", *[lcg() // 4 for _ in range(96000)]))
PY

# (d) devices, and the skip condition
conf "$tmp/in16.raw"
if ! run "$bin" devices > "$tmp/devices.txt" 2> "$tmp/devices.err"; then
    echo "skipped: PortAudio/ALSA cannot be opened: $(cat "$tmp/devices.err")"
    exit 77
fi
if ! grep -q "default.*\[default input\]" "$tmp/devices.txt"; then
    echo "FAIL (d): devices does not list the default input:"; cat "$tmp/devices.txt"; fail=1
else
    echo "ok (d): $(grep 'default input' "$tmp/devices.txt")"
fi

# (a) bit-exact 16 kHz mono
if run "$bin" record -d 2 "$tmp/a.wav" 2> "$tmp/a.err" && "$tool" exact "$tmp/in16.raw" "$tmp/a.wav" 32000; then
    echo "ok (a)"
else
    echo "FAIL (a): $(cat "$tmp/a.err")"; fail=1
fi
# existing output without --force: exit 1, file untouched
run "$bin" record -d 1 "$tmp/a.wav" 2> "$tmp/a2.err"; rc=$?
if [ $rc -ne 1 ] || ! grep -q "exists" "$tmp/a2.err" || ! "$tool" exact "$tmp/in16.raw" "$tmp/a.wav" 32000 >/dev/null; then
    echo "FAIL: overwrite without --force: rc=$rc $(cat "$tmp/a2.err")"; fail=1
fi

# (b) 48 kHz stereo through the resampling path
conf "$tmp/in48.raw"
if KWSCOPE_MIC_FORMAT=48000:2 run "$bin" record -d 2 "$tmp/b.wav" 2> "$tmp/b.err" &&
   "$tool" resampled "$tmp/in48.raw" 48000 "$tmp/b.wav" 32000 1; then
    echo "ok (b)"
else
    echo "FAIL (b): $(cat "$tmp/b.err")"; fail=1
fi

# (c) SIGKILL during a paced recording, once 2.2 s of samples are on disk
# (a 44-byte header + 2 bytes a sample); the deadline only bounds a hang.
alsa_fifo_start "$tmp/in_long.raw" "$tmp"
ALSA_CONFIG_PATH=$ALSA_FIFO_CONFIG "$bin" record "$tmp/c.wav" 2> "$tmp/c.err" &
rec=$!  # kwscope itself (not a subshell), so SIGKILL hits it
pids="$pids $rec"
want=$((44 + 2 * 35200))
c_ready() { file_has_bytes "$tmp/c.wav" $want || ! kill -0 "$rec" 2>/dev/null; }
wait_until 60 c_ready
if ! file_has_bytes "$tmp/c.wav" $want; then
    echo "FAIL (c): $tmp/c.wav holds $(file_bytes "$tmp/c.wav") bytes, want >= $want" \
        "(recorder $(kill -0 "$rec" 2>/dev/null && echo "still running after 60 s" || echo "ended"))"
    fail=1
fi
kill -KILL "$rec" 2>/dev/null
wait "$rec" 2>/dev/null
alsa_fifo_stop
if "$tool" prefix "$tmp/in_long.raw" "$tmp/c.wav" 1.5 320; then
    echo "ok (c)"
else
    echo "FAIL (c): $(cat "$tmp/c.err")"; fail=1
fi

# no input device: a config whose default PCM cannot be opened
printf 'pcm.!default { type hw; card 99 }\n' > "$tmp/alsa.conf"
run "$bin" record -d 1 "$tmp/e.wav" 2> "$tmp/e.err"; rc=$?
if [ $rc -ne 1 ] || [ -e "$tmp/e.wav" ] || [ "$(wc -l < "$tmp/e.err")" -ne 1 ]; then
    echo "FAIL: no input device: rc=$rc, stderr:"; cat "$tmp/e.err"; fail=1
else
    echo "ok (no device): $(cat "$tmp/e.err")"
fi
exit $fail
