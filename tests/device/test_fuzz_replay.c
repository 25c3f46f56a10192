/* test_fuzz_replay.c: replays the fuzz seeds (and a few generated inputs)
 * through the libFuzzer body of fuzz/fuzz_frame.c, so the gcc build and the
 * sanitizer run exercise it without clang. */
#include <stdlib.h>
#include <string.h>

#include "../../fuzz/fuzz_frame.c"
#include "fuzz_replay.h"

int main(void)
{
    CHECK(fuzz_replay_seeds("tests/device/fuzz_seeds", NULL) >= 4);
    /* generated: every valid frame type with mutated bytes */
    uint32_t x = 1;
    for (int i = 0; i < 2000; i++) {
        uint8_t pl[64], w[DEV_MAX_WIRE];
        for (int k = 0; k < 64; k++) {
            x = x * 1103515245u + 12345u;
            pl[k] = (uint8_t)(x >> 16);
        }
        size_t n = dev_frame_encode((uint8_t)(0x80 + i % 9), (uint16_t)i, pl, (size_t)(i % 64), w,
                                    sizeof w);
        if (i % 3) w[(x >> 8) % n] ^= (uint8_t)(x >> 3);
        LLVMFuzzerTestOneInput(w, n);
    }
    return test_done();
}
