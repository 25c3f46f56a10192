#!/bin/sh
# m4_dsp.sh: the Cortex-M4 DSP-extension paths, bit-exact on QEMU's
# Cortex-M4F. Builds device/firmware/emu/m4_check.c with the firmware core
# (core_files.txt, the board's flags) and a second, portable copy of the
# int8 kernels (-DKWS_NO_M4_DSP, names prefixed ref_); runs it under
# qemu-system-arm -icount: random kernel cases fast vs portable, then each
# of Google's 1 s test clips (and random signals through the M4 and the
# portable micro frontend, ref_ prefixed) through the board's pipeline with
# micro_speech_quantized.tflite, features and scores compared with the
# reference files in the conformance folder. Prints the instructions of the
# preprocessing and inference stages per clip.
#
# usage: m4_dsp.sh SHARED_DIR [WORK_DIR] [portable]
#   portable: build the whole image with -DKWS_NO_M4_DSP (the "before")
# Exit 77 without the toolchain, QEMU or the shared folder.
set -eu
shared=${1:?usage: m4_dsp.sh SHARED_DIR [WORK_DIR] [portable]}
conf=$shared/conformance
work=${2:-$(mktemp -d)}
mode=${3:-fast}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
emu=$root/device/firmware/emu
py=/usr/bin/python3
for t in arm-none-eabi-gcc qemu-system-arm; do
    command -v "$t" >/dev/null 2>&1 || { echo "skip: no $t"; exit 77; }
done
[ -x "$py" ] && [ -f "$conf/micro_speech_quantized.tflite" ] || { echo "skip: no $conf"; exit 77; }
mkdir -p "$work"
arch="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
cflags="$arch -Os -ffunction-sections -fdata-sections -std=c11 -D_POSIX_C_SOURCE=200809L
 -Wall -Wextra -Werror -Wno-format -I$root -I$root/device -I$emu"
[ "$mode" = portable ] && cflags="$cflags -DKWS_NO_M4_DSP"
objs=""
cc() {   # source object [flags]
    src=$1 obj=$2
    shift 2
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $cflags "$@" -c "$src" -o "$obj"
    objs="$objs $obj"
}
for f in $(grep -v '^#' "$root/device/firmware/core_files.txt" | grep '\.c$'); do
    cc "$root/$f" "$work/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')"
done
ren=""
for s in dwconv_i8 conv_i8 fc_i8 dwconv_f32 conv_f32 fc_f32 conv_out_size dw1_fits dw1_band_row dw1_portable; do
    ren="$ren -Dmdl_$s=ref_$s"
done
# shellcheck disable=SC2086
cc "$root/models/kernels_conv.c" "$work/ref_kernels_conv.o" -DKWS_NO_M4_DSP $ren
# shellcheck disable=SC2086
cc "$root/models/kernels_dw1.c" "$work/ref_kernels_dw1.o" -DKWS_NO_M4_DSP $ren
# the portable micro frontend, every micro_ / dsp_micro symbol prefixed ref_
fe=""
for f in micro_fft micro_fft_plan micro_filterbank micro_frontend micro_log micro_noise micro_pcan micro_window; do
    arm-none-eabi-gcc $cflags -DKWS_NO_M4_DSP -c "$root/dsp/$f.c" -o "$work/ref_$f.o"
    fe="$fe $work/ref_$f.o"
done
# shellcheck disable=SC2086
arm-none-eabi-nm $fe | awk '$NF ~ /^(micro_|dsp_micro)/ {print $NF " ref_" $NF}' | sort -u > "$work/ref_syms.txt"
for o in $fe; do
    arm-none-eabi-objcopy --redefine-syms="$work/ref_syms.txt" "$o"
done
objs="$objs $fe"
for f in startup.c uart.c m4_check.c; do
    cc "$emu/$f" "$work/emu_${f%.c}.o"
done
elf=$work/m4_check.elf
# shellcheck disable=SC2086
arm-none-eabi-gcc $arch -nostartfiles -specs=nano.specs -specs=nosys.specs -T "$emu/emu.ld" \
    -Wl,--gc-sections $objs -lm -o "$elf"

fail=0
for clip in ${M4_CLIPS:-yes no silence noise}; do
    base=$conf/${clip}_1000ms
    "$py" - "$conf/micro_speech_quantized.tflite" "$base.wav" "$work/slot.bin" "${M4_PROFILE:-0}" <<'EOF'
import struct, sys, wave
model = open(sys.argv[1], 'rb').read()
w = wave.open(sys.argv[2], 'rb')
assert w.getsampwidth() == 2 and w.getnchannels() == 1
pcm = w.readframes(w.getnframes())
pad = b'\0' * (-len(model) % 4)
open(sys.argv[3], 'wb').write(struct.pack('<4I', 0x4B43344D, len(model), len(pcm) // 2, int(sys.argv[4]))
                              + model + pad + pcm)
EOF
    out=$work/$clip.txt
    timeout 600 qemu-system-arm -M mps2-an386 -cpu cortex-m4 -icount shift=0 -nographic \
        -monitor none -serial "file:$out" -semihosting-config enable=on,target=native \
        -device loader,file="$work/slot.bin",addr=0x21000000 -kernel "$elf" || {
        echo "FAIL $clip: the image failed (exit $?)"
        cat "$out"
        fail=1
        continue
    }
    "$py" - "$out" "$base" "$clip" <<'EOF' || fail=1
import sys
out, base, clip = sys.argv[1:]
lines = {l.split(' ', 1)[0]: l.split(' ', 1)[1].strip() for l in open(out) if ' ' in l}
print(clip + ': ' + lines['kernels'] + '; instr ' + lines['instr'])
ok = lines['kernels'].endswith('dw 0 fc 0 mismatches')
if not ok:
    print('FAIL %s: kernels: %s' % (clip, lines['kernels']))
print(clip + ': frontend ' + lines.get('frontend', 'missing'))
if not lines.get('frontend', '').endswith(' 0 mismatches'):
    print('FAIL %s: frontend: %s' % (clip, lines.get('frontend')))
    ok = False
for tag, ext in (('features', 'features_i8'), ('scores', 'scores_i8')):
    want = open('%s.%s.bin' % (base, ext), 'rb').read().hex()
    if lines.get(tag) != want:
        print('FAIL %s: %s differ from %s.%s.bin' % (clip, tag, base, ext))
        ok = False
if not ok:
    sys.exit(1)
EOF
done
[ $fail = 0 ] && echo "ok: kernels and 4 clips bit-exact on the Cortex-M4 ($mode)"
exit $fail
