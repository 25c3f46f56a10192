#!/bin/sh
# lab_e2e.sh: `kwscope lab` end to end on a tiny synthetic data set
# (tools/make_dataset.py: 16 speakers, 2 of them in the test split):
# - 8-bit PTQ of train's model scores exactly train's int8 accuracy, and its
#   export is train's model.tflite byte for byte;
# - every exported variant loads in `model info` and classifies a clip; the
#   lab ran each through the host interpreter on the whole test split, and
#   Arm NN (the independent oracle, tools/armnn_check.py) agrees operator by
#   operator on the inputs kwscope fed each one (tests/train/lab_ops): conv
#   and FC outputs within one step (TFLM's double rounding against Arm NN's
#   single one), softmax too (fixed-point against float exp; both shown on
#   one-operator models by tests/train/armnn_rounding.py); on the
#   whole model, the same labels but for near ties (the count of exactly
#   equal score vectors and the largest difference are printed);
# - the figures pass the dashboard's axis checks (tests/train/plot_check.py);
# - structured-50 has 4 of 8 depthwise channels and half the conv FLOPs;
#   unstructured-90 has <= 10% non-zero weights; a 4-bit model reads as
#   4-bit in `model info`;
# - the same variants run again, in one process (--jobs 1; the first run
#   used a worker per core), write the same rows but for host_us;
# - results and exported files are not overwritten without --force (capture's
#   output policy; with --force an export is replaced whole); Ctrl-C keeps
#   the finished rows (each a whole JSON line), no temporary file behind.
# Skips (77) without espeak-ng, sox or numpy; the Arm NN part only without
# python3-pyarmnn.
set -eu
bin=${KWSCOPE_BIN:?}
lab_ops=${LAB_OPS:?}
src=${KWSCOPE_SOURCE_DIR:?}
py=/usr/bin/python3
command -v espeak-ng >/dev/null && command -v sox >/dev/null || { echo "skipped: no espeak-ng/sox"; exit 77; }
$py -c "import numpy" 2>/dev/null || { echo "skipped: no python3-numpy"; exit 77; }
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; tmux -L kwslab$$ kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
die() { echo "FAIL: $*" >&2; exit 1; }

$py "$src/tools/make_dataset.py" "$tmp/data" --speakers 16 --per-word 2 --unknown 2 \
    --silence 24 --seed 6 --jobs 2 >/dev/null
"$bin" train "$tmp/data" --epochs 4 --seed 2 --out "$tmp/train" > "$tmp/train.log"
want=$(sed -n 's/^int8 test accuracy: \([0-9.]*\)%.*/\1/p' "$tmp/train.log")
[ -n "$want" ] || die "no int8 accuracy in train's output"

set -- --float "$tmp/train/model_float.bin" --seed 4 --ft-epochs 1 --color never
"$bin" lab "$tmp/data" "$@" --bits 2,4,8 --sparsity 0,50,90 --jobs 2 --out "$tmp/lab" \
    --export "$tmp/x" > "$tmp/lab.log" || { cat "$tmp/lab.log"; die "lab failed"; }
rows="$tmp/lab/results.jsonl"
[ "$(wc -l < "$rows")" -eq 18 ] || die "expected 18 rows, got $(wc -l < "$rows")"
[ "$(wc -l < "$tmp/lab/results.csv")" -eq 19 ] || die "csv rows"
# The figures' text: ticks in 1-2-5 steps under their marks, legends whole.
$py "$src/tests/train/plot_check.py" "$tmp/lab/plots.txt" || die "plot axes or legend"

field() {  # field NAME KEY: one value of one row
    $py -c "import json,sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r['name'] == sys.argv[2]: print(r[sys.argv[3]])" "$rows" "$1" "$2"
}
got=$(field ptq-8b acc_int8)
$py -c "import sys; sys.exit(abs(float(sys.argv[1]) - float(sys.argv[2])) > 0.005)" "$got" "$want" ||
    die "ptq-8b int8 accuracy $got, train's $want"
cmp -s "$tmp/x/ptq-8b.tflite" "$tmp/train/model.tflite" || die "ptq-8b export differs from train's"

# Every variant gets its M4 inference estimate from the emulated board where
# it runs (qemu-system-arm and the cross-built image), else null.
m4=$(field ptq-8b m4_ms)
if command -v qemu-system-arm >/dev/null && [ -e "$(dirname "$bin")/device/firmware/emu/kwscope_emu.elf" ]; then
    $py -c "import sys; sys.exit(not float(sys.argv[1]) > 0)" "$m4" || die "ptq-8b m4_ms: $m4"
fi
[ "$(field structured-50 channels)" -eq 4 ] || die "structured-50 channels"
$py -c "import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); sys.exit(not 0.49 < a / b < 0.51)" \
    "$(field structured-50 conv_flops)" "$(field structured-0 conv_flops)" || die "structured-50 FLOPs"
$py -c "import sys; sys.exit(int(sys.argv[1]) * 10 > int(sys.argv[2]))" \
    "$(field unstructured-90 weights_nonzero)" "$(field unstructured-90 weights)" || die "90% sparsity"
"$bin" model info "$tmp/x/qat-4b.tflite" | grep -q "weights 4-bit" || die "model info bit width"

clip=$(ls "$tmp/data/yes/"*.wav | head -1)
armnn=0
$py -c "import pyarmnn" 2>/dev/null && armnn=1
for m in "$tmp"/x/*.tflite; do
    n=$(basename "$m" .tflite)
    "$bin" model info "$m" > /dev/null || die "model info $n"
    "$bin" classify --model "$m" --json "$clip" | grep -q '"label"' || die "classify $n"
    # The interpreter's scores pick the reference pass's label on every clip.
    $py - "$tmp/x/${n}_scores_i8.bin" "$tmp/x/${n}_pred_int8.txt" <<'PY' || die "interpreter vs reference $n"
import sys
import numpy as np
p = [int(l) for l in open(sys.argv[2])]
s = np.fromfile(sys.argv[1], dtype=np.int8).reshape(len(p), -1)
assert all(s[i][p[i]] == s[i].max() for i in range(len(p)))
PY
    [ $armnn -eq 1 ] || continue
    $py "$src/tools/armnn_check.py" "$m" "$tmp/x/test_features_i8.bin" "$tmp/x/${n}_pred_int8.txt" \
        "$tmp/x/${n}_scores_i8.bin" > "$tmp/armnn.log" 2>/dev/null || { cat "$tmp/armnn.log"; die "armnn $n"; }
    mkdir "$tmp/ops-$n"
    nclips=$(wc -l < "$tmp/x/${n}_pred_int8.txt")
    "$lab_ops" "$m" "$tmp/x/test_features_i8.bin" "$nclips" "$tmp/ops-$n" || die "lab_ops $n"
    $py "$src/tools/armnn_check.py" --ops "$tmp/ops-$n" "$nclips" >> "$tmp/armnn.log" 2>/dev/null ||
        { cat "$tmp/armnn.log"; die "armnn per operator $n"; }
    sed "s/^/$n: /" "$tmp/armnn.log" >> "$tmp/armnn.all"
done
[ $armnn -eq 0 ] || { cat "$tmp/armnn.all"
    sed -n 's/.*: \([0-9]*\/[0-9]*\) int8 score vectors equal.*/\1/p' "$tmp/armnn.all" |
        awk -F/ '{a += $1; b += $2} END {print "Arm NN: " a "/" b " int8 score vectors exactly equal"}'; }
[ $armnn -eq 1 ] || echo "note: no python3-pyarmnn, Arm NN comparison skipped"

# Same seed, a subset, one process (the first run had a worker per core):
# the rows of those variants are the same (host_us aside).
"$bin" lab "$tmp/data" "$@" --methods qat,structured --bits 4 --sparsity 50 --jobs 1 --out "$tmp/lab2" \
    > /dev/null || die "second lab run"
$py - "$rows" "$tmp/lab2/results.jsonl" <<'PY' || die "rows differ between runs"
import json, sys
def rows(p):
    out = {}
    for l in open(p):
        r = json.loads(l)
        r.pop("host_us"); r.pop("model")
        out[r["name"]] = r
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
assert len(b) == 3, b.keys()
for k, v in b.items():
    # the M4 estimate with or without --export, within the few instructions
    # a UART interrupt may add to the stage
    m4a, m4b = a[k].pop("m4_ms"), v.pop("m4_ms")
    assert (m4a is None) == (m4b is None), (k, m4a, m4b)
    assert m4a is None or abs(m4a - m4b) < 0.01 * m4a, (k, m4a, m4b)
    assert a[k] == v, (k, a[k], v)
PY

# The dashboard shows the lab and loads a variant as its model.
if command -v tmux >/dev/null; then
    T="tmux -L kwslab$$"
    S=lab
    fails=0
    . "$src/tests/tui/tmux_lib.sh"
    $T new-session -d -s $S -x 130 -y 45 "LC_ALL=C.UTF-8 $bin $clip --board none --lab $rows; sleep 60"
    wait_for "Accuracy vs bit width" 10 && wait_for "ptq-4b" 5
    keys Down
    keys Enter
    wait_for "model: ptq-4b" 5
    keys Right
    wait_for "Accuracy vs non-zero parameters" 5
    keys L
    wait_gone "Accuracy vs non-zero parameters"
    $T kill-server 2>/dev/null || true
    [ "$fails" -eq 0 ] || die "dashboard lab view"
fi

# No overwriting without --force.
cp "$rows" "$tmp/before"
if "$bin" lab "$tmp/data" "$@" --out "$tmp/lab" > "$tmp/o" 2> "$tmp/e"; then die "overwrote results"; fi
grep -q -- "--force" "$tmp/e" || die "no --force hint"
cmp -s "$rows" "$tmp/before" || die "results changed"
# A user's file where an export goes stays; --force replaces it.
mkdir "$tmp/y"
echo mine > "$tmp/y/ptq-8b.cc"
set -- "$@" --methods ptq --bits 8 --export "$tmp/y"
if "$bin" lab "$tmp/data" "$@" --out "$tmp/lab5" > "$tmp/o" 2> "$tmp/e"; then die "overwrote an export"; fi
grep -q "ptq-8b.cc" "$tmp/e" || { cat "$tmp/e"; die "no error naming the export"; }
[ "$(cat "$tmp/y/ptq-8b.cc")" = mine ] || die "export replaced without --force"
"$bin" lab "$tmp/data" "$@" --out "$tmp/lab5" --force > "$tmp/o" 2> "$tmp/e" || die "lab --force"
grep -q "g_model" "$tmp/y/ptq-8b.cc" || die "--force did not replace the export"
[ "$(ls "$tmp/y" | grep -c -v -e '^ptq-8b' -e '^test_features_i8.bin$' -e '^labels.txt$')" -eq 0 ] ||
    die "temporary files left in the export folder: $(ls "$tmp/y")"
set -- --float "$tmp/train/model_float.bin" --seed 4 --ft-epochs 1 --color never

# Ctrl-C after a few rows (PTQ is quick, QAT then trains for long): exit
# 130, the finished rows kept, each whole.
"$bin" lab "$tmp/data" "$@" --methods ptq,qat --ft-epochs 200 --out "$tmp/lab3" > "$tmp/o3" 2>&1 &
pid=$!
deadline=$(( $(date +%s) + 60 ))
# The rows stay under a temporary name until the sweep ends: count them in
# the progress lines.
until [ "$(grep -c ' int8 .* float ' "$tmp/o3")" -ge 3 ]; do
    [ "$(date +%s)" -lt "$deadline" ] || die "no row within 60 s"
    kill -0 "$pid" 2>/dev/null || die "lab ended early"
    sleep 0.2
done
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" -eq 130 ] || { cat "$tmp/o3"; die "interrupted lab exited $rc"; }
$py -c "import json,sys; assert len([json.loads(l) for l in open(sys.argv[1])]) >= 3" \
    "$tmp/lab3/results.jsonl" || die "kept rows are not whole"
ls "$tmp/lab3" | grep -v -x -e results.csv -e results.jsonl -e plots.txt -e model_float.bin &&
    die "temporary files left in the results folder"
grep -q "finished rows kept" "$tmp/o3" || die "no interruption message"
echo "lab e2e ok"
