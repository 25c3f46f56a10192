#!/bin/sh
# collect.sh: `kwscope collect` end to end with the virtual board's mic (the
# demo clip in a loop) as the microphone: answers come from stdin.
#   keep, redo, keep -> two clips of exactly 1 s at 16 kHz mono, not silent,
#   in DATA/WORD/SPEAKER_nohash_N.wav; a second run continues the numbering;
#   bad options and a missing microphone are one-line errors.
set -u
BIN=${KWSCOPE_BIN:?}
tmp=$(mktemp -d /tmp/kws_collect_XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export XDG_STATE_HOME="$tmp/state"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # dlopen'ed ALSA/JACK plugins
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Take 1 (yes): Enter, keep. Take 2 (no): Enter, redo; Enter, keep.
printf '\n\n\nr\n\n\n' | "$BIN" collect --words yes,no --count 1 --source sim --speaker sim "$tmp/data" \
    > "$tmp/out" 2> "$tmp/err" || fail "collect exited $?: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "collect wrote to stderr: $(cat "$tmp/err")"
grep -q "Model features (int8)" "$tmp/out" || fail "the take's features were not shown"
grep -q "Waveform" "$tmp/out" || fail "the take's waveform was not shown"
[ "$(grep -o 'keep, redo or quit' "$tmp/out" | wc -l)" -eq 3 ] || fail "expected 3 keep/redo prompts"
for f in yes/sim_nohash_0.wav no/sim_nohash_0.wav; do
    [ -f "$tmp/data/$f" ] || { fail "missing $f"; continue; }
    /usr/bin/python3 - "$tmp/data/$f" <<'PY' || fail "$f is not a non-silent 1 s 16 kHz mono WAV"
import struct, sys, wave
w = wave.open(sys.argv[1])
assert (w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()) == (16000, 1, 2, 16000)
x = struct.unpack("<16000h", w.readframes(16000))
assert max(abs(v) for v in x) > 3000, max(abs(v) for v in x)
PY
done
[ -f "$tmp/data/no/sim_nohash_1.wav" ] && fail "the redone take was saved too"

# A second run continues the numbering; q stops.
printf '\n\nq\n' | "$BIN" collect --words yes --count 3 --source sim --speaker sim "$tmp/data" \
    > "$tmp/out2" 2>&1 || fail "second collect exited $?"
[ -f "$tmp/data/yes/sim_nohash_1.wav" ] || fail "second run did not write sim_nohash_1.wav"
[ -f "$tmp/data/yes/sim_nohash_2.wav" ] && fail "q did not stop the run"

# Errors: usage (2) and no microphone (1), one line each.
expect() {
    want=$1; shift
    "$BIN" collect "$@" </dev/null >/dev/null 2>"$tmp/e"; rc=$?
    [ $rc -eq "$want" ] || fail "collect $* exited $rc, want $want"
    [ "$(wc -l < "$tmp/e")" -eq 1 ] || fail "collect $*: not one error line: $(cat "$tmp/e")"
}
expect 2 --source nope "$tmp/d3"
expect 2 --speaker a_b "$tmp/d3"
expect 2 --count 0 "$tmp/d3"
printf 'pcm.!default { type hw; card 99 }\nctl.!default { type hw; card 99 }\n' > "$tmp/nodev.conf"
ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:$tmp/nodev.conf expect 1 --source mic "$tmp/d4"

echo "collect: $fails failure(s)"
[ $fails -eq 0 ]
