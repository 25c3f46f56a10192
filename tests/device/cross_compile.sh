#!/bin/sh
# cross_compile.sh: builds the firmware for the Nano 33 BLE Sense's
# Cortex-M4F as arduino-cli would, minus the Arduino core: the portable core
# laid out by device/firmware/make_core.sh (protocol, board core, the real
# pipeline: micro frontend, interpreter, kernels, detector), the sketch as C++
# against small stand-ins for Arduino.h/PDM.h, and the default model
# (assets/default_model.cc as the sketch's model_data.h). Links with newlib
# nano and --gc-sections and prints the flash and RAM footprint (without the
# Arduino/mbed core itself), failing above the board's 1 MB / 256 KB.
# Skips (77) when the arm-none-eabi toolchain is absent.
set -eu
for t in arm-none-eabi-gcc arm-none-eabi-g++ arm-none-eabi-size arm-none-eabi-nm; do
    command -v $t >/dev/null 2>&1 || { echo "skipped: no $t"; exit 77; }
done
src=${KWSCOPE_SOURCE_DIR:-.}
out=$(mktemp -d) || exit 1
trap '[ -n "${KEEP:-}" ] && echo "kept $out" || rm -rf "$out"' EXIT
arch="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -ffunction-sections -fdata-sections"
lib=$("$src/device/firmware/make_core.sh" "$out/lib")
cflags="$arch -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -I$lib/src"
objs=""
for f in $(cd "$lib/src" && find . -name '*.c' | sort); do
    o="$out/$(echo "$f" | tr / _ | sed 's/^\._//; s/\.c$/.o/')"
    # models/ prints int32_t with %d in its error messages: int32_t is long
    # here, the same 32 bits, so those format warnings are harmless noise
    case "$f" in ./models/*) extra=-Wno-format ;; *) extra= ;; esac
    # shellcheck disable=SC2086
    arm-none-eabi-gcc $cflags $extra -c "$lib/src/$f" -o "$o"
    objs="$objs $o"
done
# nothing host-only may be referenced by the core
if arm-none-eabi-nm -u $objs | grep -iE 'fftw|sndfile|serialport|portaudio|pthread'; then
    echo "FAIL: the core references a host library"; exit 1
fi

# Stand-ins for the Arduino API the sketch uses (the mbed core on the board).
mkdir -p "$out/stub" "$out/sketch"
# Declared only, defined in main.cpp: the compiler cannot see through them,
# so everything the sketch does with them is really linked.
cat > "$out/stub/Arduino.h" <<'H'
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define LED_BUILTIN 13
#define OUTPUT 1
#define HIGH 1
#define LOW 0
struct SerialStub {
    void begin(unsigned long baud);
    int available();
    size_t readBytes(char *buf, size_t n);
    size_t write(const uint8_t *p, size_t n);
};
extern SerialStub Serial;
extern "C" uint32_t micros(void);
extern "C" uint32_t millis(void);
void pinMode(int pin, int mode);
void digitalWrite(int pin, int v);
H
cat > "$out/stub/PDM.h" <<'H'
#pragma once
struct PDMStub {
    void onReceive(void (*f)(void));
    int begin(int channels, long rate);
    int available();
    int read(void *buf, int n);
};
extern PDMStub PDM;
H
cat > "$out/stub/main.cpp" <<'C'
#include "Arduino.h"
#include "PDM.h"
SerialStub Serial;
PDMStub PDM;
static volatile uint32_t fake_us, fake_n;
static void (*volatile pdm_cb)(void);
void SerialStub::begin(unsigned long) {}
int SerialStub::available() { return (int)fake_n; }
size_t SerialStub::readBytes(char *b, size_t n) { memset(b, 0, n); return n; }
size_t SerialStub::write(const uint8_t *, size_t n) { return n; }
void PDMStub::onReceive(void (*f)(void)) { pdm_cb = f; }
int PDMStub::begin(int, long) { return 1; }
int PDMStub::available() { return (int)fake_n; }
int PDMStub::read(void *b, int n) { memset(b, 0, (size_t)n); return n; }
extern "C" uint32_t micros(void) { return fake_us += 7; }
extern "C" uint32_t millis(void) { return fake_us / 1000; }
void pinMode(int, int) {}
void digitalWrite(int, int) {}
void setup();
void loop();
int main() { setup(); for (;;) { if (pdm_cb) pdm_cb(); loop(); } }
C
cp "$src/assets/default_model.cc" "$out/sketch/model_data.h"
"$src/device/firmware/bake_detect.sh" "$src/assets/default_model.detect" > "$out/sketch/model_detect.h"
{ echo '#include <Arduino.h>'; cat "$src/device/firmware/kwscope_board/kwscope_board.ino"; } > "$out/sketch/kwscope_board.cpp"
cxxflags="$arch -std=gnu++17 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -I$out/stub -I$lib/src"
# shellcheck disable=SC2086
arm-none-eabi-g++ $cxxflags -c "$out/sketch/kwscope_board.cpp" -o "$out/sketch.o"
# shellcheck disable=SC2086
arm-none-eabi-g++ $cxxflags -c "$out/stub/main.cpp" -o "$out/main.o"
# shellcheck disable=SC2086
arm-none-eabi-gcc $arch -specs=nano.specs -specs=nosys.specs -Wl,--gc-sections \
    $objs "$out/sketch.o" "$out/main.o" -lm -o "$out/fw.elf"

echo "portable core objects (before linking):"
# shellcheck disable=SC2086
arm-none-eabi-size -t $objs | tail -n 1
arm-none-eabi-size "$out/fw.elf"
# the biggest static objects, for the record
echo "largest objects:"
arm-none-eabi-nm -S --size-sort "$out/fw.elf" | tail -n 8 | while read -r addr size kind name; do
    printf '  %-24s %6d B (%s)\n' "$name" "$((0x$size))" "$kind"
done
model=$(wc -c < "$src/assets/default_model.tflite")
arm-none-eabi-size "$out/fw.elf" | awk -v model="$model" 'NR == 2 {
    flash = $1 + $2; ram = $2 + $3
    printf "firmware footprint (core + pipeline + default model, without the Arduino core): flash %d B (%.1f%% of 1 MB), static RAM %d B (%.1f%% of 256 KB)\n", flash, flash * 100 / 1048576, ram, ram * 100 / 262144
    printf "plus heap once at setup: the model copied into RAM (%d B) and its parsed tables\n", model
    if (flash > 1048576 || ram + model > 262144) { print "FAIL: over the Nano 33 BLE budget"; exit 1 }
}'
