#!/bin/sh
# build.sh: the emulated board's firmware (an ELF for qemu-system-arm -M
# mps2-an386) from the same sources as the Arduino sketch: every .c of
# ../core_files.txt, plus this folder's platform code and the model.
#
# usage: build.sh OUT.elf VARIANT [MODEL.cc]
#   VARIANT fast: the core as it is (what the sketch runs)
#           ref:  the int8 convolution and fully connected kernels replaced
#                 by ref_kernels.c (TFLM reference-kernel loops), to compare
#   MODEL.cc: an xxd -i style model (default: assets/default_model.cc)
# Flags are the sketch's (cross_compile.sh): Cortex-M4F hard float, -Os.
# The link fails when the image exceeds the nRF52840's flash or RAM (emu.ld).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OUT.elf fast|ref [MODEL.cc]" >&2; exit 2; }
out=$1 variant=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
model=${3:-$root/assets/default_model.cc}
CC=${ARM_CC:-arm-none-eabi-gcc}
OBJCOPY=${ARM_OBJCOPY:-arm-none-eabi-objcopy}
case "$variant" in fast|ref) ;; *) echo "$0: variant is fast or ref" >&2; exit 2 ;; esac
tmp="$out.d"
rm -rf "$tmp"
mkdir -p "$tmp"
arch="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
cflags="$arch -Os -g -ffunction-sections -fdata-sections -std=c11 -D_POSIX_C_SOURCE=200809L
 -Wall -Wextra -Werror -Wno-format -I$root -I$root/device -I$here"
objs=""
compile() {   # source object [extra flags]
    src=$1 obj=$2
    shift 2
    # shellcheck disable=SC2086
    $CC $cflags "$@" -c "$src" -o "$obj"
    objs="$objs $obj"
}
for f in $(grep -v '^#' "$here/../core_files.txt" | grep '\.c$'); do
    compile "$root/$f" "$tmp/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')"
done
if [ "$variant" = ref ]; then
    # the reference loops win over the core's kernels at link time
    k="$tmp/models_kernels_conv.o"
    $OBJCOPY -W mdl_conv_i8 -W mdl_dwconv_i8 -W mdl_fc_i8 "$k"
    compile "$here/ref_kernels.c" "$tmp/ref_kernels.o"
fi
# the model's calibrated detector settings (its sidecar), baked in beside it
"$here/../bake_detect.sh" "${model%.*}.detect" > "$tmp/model_detect.h"
for f in startup.c uart.c emu_main.c; do
    compile "$here/$f" "$tmp/emu_${f%.c}.o" "-I$tmp"
done
compile "$here/emu_model.c" "$tmp/emu_model.o" "-DKWS_MODEL_FILE=\"$model\""
# shellcheck disable=SC2086
$CC $arch -nostartfiles -specs=nano.specs -specs=nosys.specs -T "$here/emu.ld" \
    -Wl,--gc-sections -Wl,-Map="$tmp/map.txt" -Wl,--print-memory-usage \
    $objs -lm -o "$out" > "$tmp/link.txt"
rm -f "$tmp"/*.o
