#!/bin/sh
# process_figures.sh: whole-process and batch figures, each against its peer
# measured in the same run (medians of ROUNDS, default 3):
#   - `classify` of a 1 s clip vs `kwscope --version` and /bin/true (wall ms,
#     and instructions from callgrind when valgrind is installed);
#   - `features --kind spectrogram --format csv` on a 60 s clip vs
#     `sox clip.wav -n spectrogram` (wall ms; instructions with valgrind);
#   - `classify --jobs 2` vs `--jobs 1` on a folder of CLIPS one-second clips
#     in the Speech Commands layout (bench/batch_set.py; clips/s, CPU s).
# Ratio > 1: kwscope is faster. Wall times on a shared machine are noisy;
# the instruction counts are not. Never fails on time.
# usage: bench/process_figures.sh [build/kwscope]   (env: CLIPS, ROUNDS)
set -u
SRC=${KWSCOPE_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
K=${1:-${KWSCOPE_BIN:-$SRC/build/kwscope}}
ROUNDS=${ROUNDS:-3}
CLIPS=${CLIPS:-2000}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

ms() { # median wall ms of ROUNDS runs of "$@"
    for _ in $(seq "$ROUNDS"); do
        s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
        echo $(((e - s) / 1000))
    done | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1000}'
}
ir() { # instructions of one run (callgrind, loader included), or "n/a"
    command -v valgrind >/dev/null || { echo n/a; return; }
    valgrind --tool=callgrind --callgrind-out-file="$T/cg" "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b != "n/a") printf "%.2f", b / a; else print "n/a" }'; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
CLIP=$SRC/assets/demo.wav
$PY - "$CLIP" "$T/one.wav" "$T/long60.wav" <<'PY'
import sys, wave
with wave.open(sys.argv[1], "rb") as w:
    p, d = w.getparams(), w.readframes(w.getnframes())
for out, n in ((sys.argv[2], 32000), (sys.argv[3], 60 * 32000)):
    with wave.open(out, "wb") as w:
        w.setparams(p)
        w.writeframes((d * (n // len(d) + 1))[:n])
PY

echo "== whole process: classify one 1 s clip"
a=$(ms "$K" classify "$T/one.wav"); v=$(ms "$K" --version); t=$(ms /bin/true)
ai=$(ir "$K" classify "$T/one.wav"); vi=$(ir "$K" --version); ti=$(ir /bin/true)
printf "  classify %s ms (%s instr) | --version %s ms (%s) | /bin/true %s ms (%s)\n" \
    "$a" "$ai" "$v" "$vi" "$t" "$ti"
printf "  classify beyond --version: %s instr; ratio --version/classify: wall %s, instr %s\n" \
    "$(awk -v a="$ai" -v b="$vi" 'BEGIN{print (a=="n/a")?"n/a":a-b}')" "$(ratio "$a" "$v")" \
    "$(ratio "$ai" "$vi")"

echo "== whole process: 60 s spectrogram CSV vs sox spectrogram"
if command -v sox >/dev/null; then
    f=$(ms "$K" features --kind spectrogram --format csv "$T/long60.wav")
    s=$(ms sox "$T/long60.wav" -n spectrogram -o "$T/s.png")
    fi_=$(ir "$K" features --kind spectrogram --format csv "$T/long60.wav")
    si=$(ir sox "$T/long60.wav" -n spectrogram -o "$T/s.png")
    printf "  kwscope %s ms (%s instr) | sox %s ms (%s instr) | ratio sox/kwscope: wall %s, instr %s\n" \
        "$f" "$fi_" "$s" "$si" "$(ratio "$f" "$s")" "$(ratio "$fi_" "$si")"
else
    echo "  sox not installed: skipped"
fi

echo "== batch: classify --jobs 2 vs --jobs 1, $CLIPS clips"
$PY "$SRC/bench/batch_set.py" "$T/b" --clips "$CLIPS" --distinct 200 >/dev/null
for j in 1 2; do
    w=$(ms "$K" classify --jobs "$j" "$T/b/set")
    c=$( { /usr/bin/time -f "%U %S" "$K" classify --jobs "$j" "$T/b/set" >/dev/null; } 2>&1 |
        tail -1 | awk '{printf "%.2f", $1 + $2}')
    printf "  --jobs %s: %s ms wall, %s clips/s, %s s CPU\n" "$j" "$w" \
        "$(awk -v n="$CLIPS" -v ms="$w" 'BEGIN{printf "%.0f", n / (ms / 1000)}')" "$c"
    eval "w$j=$w"
done
printf "  ratio --jobs 2 / --jobs 1 (speed-up): %s\n" "$(ratio "$w2" "$w1")"
