#!/bin/sh
# cross_compile_micro.sh: the micro frontend sources build for a Cortex-M4F
# (arm-none-eabi-gcc -Os, C11, no host headers such as FFTW) and their code
# and static data sizes are printed. Skips (77) without arm-none-eabi-gcc.
set -eu
src="${KWSCOPE_SOURCE_DIR:?KWSCOPE_SOURCE_DIR not set}"
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "skipped: arm-none-eabi-gcc not installed"; exit 77; }
command -v arm-none-eabi-size >/dev/null 2>&1 || { echo "skipped: arm-none-eabi-size not installed"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -std=c11 -Wall -Wextra -Werror"
objs=""
for f in "$src"/dsp/micro_*.c "$src"/common/kws.c; do
    o="$out/$(basename "$f" .c).o"
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $flags -I"$src" -I"$src/dsp" -c "$f" -o "$o"
    objs="$objs $o"
done
# no FFTW or other host-only dependency may appear in the objects
if arm-none-eabi-nm -u $objs | grep -i fftw; then
    echo "FAIL: micro frontend objects reference FFTW"; exit 1
fi
# shellcheck disable=SC2086
arm-none-eabi-size -t $objs
# shellcheck disable=SC2086
arm-none-eabi-size -t $objs | awk 'END { printf "micro frontend on Cortex-M4 (-Os): code (text) %d bytes, static data (data+bss) %d bytes\n", $1, $2 + $3 }'
# the caller-owned state (a static instance on the board) is not counted above
printf '#include "dsp.h"\nstruct dsp_micro_state micro_state;\n' > "$out/state.c"
# shellcheck disable=SC2086
arm-none-eabi-gcc $flags -I"$src" -I"$src/dsp" -c "$out/state.c" -o "$out/state.o"
arm-none-eabi-size "$out/state.o" | awk 'NR == 2 { printf "caller-owned struct dsp_micro_state: %d bytes\n", $2 + $3 }'
