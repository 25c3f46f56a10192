#!/bin/sh
# train_armnn.sh: Arm NN's TfLite parser (Debian python3-pyarmnn, CpuRef), an
# implementation independent of kwscope, loads assets/default_model.tflite and
# labels the conformance recordings yes, no, silence as kwscope does
# (test_train_default checks kwscope's own labels). Skips (77) without
# ../shared/ or pyarmnn.
set -eu
src=${KWSCOPE_SOURCE_DIR:?}
conf=${KWSCOPE_SHARED_DIR:?}/conformance
[ -f "$conf/manifest.json" ] || { echo "skipped: no ../shared"; exit 77; }
/usr/bin/python3 -c "import pyarmnn" 2>/dev/null || { echo "skipped: no python3-pyarmnn"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$conf/yes_1000ms.features_i8.bin" "$conf/no_1000ms.features_i8.bin" \
    "$conf/silence_1000ms.features_i8.bin" > "$tmp/f.bin"
printf '2\n3\n0\n' > "$tmp/l.txt"
/usr/bin/python3 "$src/tools/armnn_check.py" "$src/assets/default_model.tflite" \
    "$tmp/f.bin" "$tmp/l.txt" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
