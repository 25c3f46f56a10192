#!/bin/sh
# cross_compile.sh: compiles the board core (protocol + board core) for the
# Nano 33 BLE's Cortex-M4F and prints its flash/RAM footprint. Skips (77)
# when arm-none-eabi-gcc is absent. The micro frontend and interpreter join
# this list when they are wired into the core.
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "skipped: no arm-none-eabi-gcc"; exit 77; }
src=${KWSCOPE_SOURCE_DIR:-.}
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
flags="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -std=c11 -Wall -Wextra -Werror -ffunction-sections -fdata-sections -I$src"
objs=""
for f in protocol crc messages board_core; do
  arm-none-eabi-gcc $flags -c "$src/device/$f.c" -o "$out/$f.o" || exit 1
  objs="$objs $out/$f.o"
done
arm-none-eabi-size -t $objs || exit 1
# the core's RAM: struct dev_board lives in the sketch's .bss
cat > "$out/size.c" <<'C'
#include "device/device.h"
struct dev_board board_instance;
C
arm-none-eabi-gcc $flags -c "$out/size.c" -o "$out/size.o" || exit 1
arm-none-eabi-size "$out/size.o" | awk 'NR==2 { print "struct dev_board (RAM):", $3, "bytes" }'
