/* test_fuzz_labels_replay.c: replays tests/models/fuzz_labels_seeds, every
 * truncation of each and a few byte flips, through the libFuzzer body of
 * fuzz/fuzz_labels.c, so the gcc build and the sanitizer run exercise the
 * label-track and sidecar parsers without clang. */
#include <stdlib.h>
#include <string.h>

#include "../../fuzz/fuzz_labels.c"
#include "fuzz_replay.h"

/* Every truncation of a seed and 256 single-byte flips. */
static void variations(const uint8_t *seed, size_t n)
{
    static uint8_t mut[1 << 16];
    for (size_t cut = 0; cut < n; cut++) LLVMFuzzerTestOneInput(seed, cut);
    uint32_t x = 4242;
    for (int k = 0; k < 256 && n; k++) {
        memcpy(mut, seed, n);
        x = x * 1103515245u + 12345u;
        mut[(x >> 8) % n] ^= (uint8_t)(x >> 24 | 1);
        LLVMFuzzerTestOneInput(mut, n);
    }
}

int main(void)
{
    CHECK(fuzz_replay_seeds("tests/models/fuzz_labels_seeds", variations) >= 8);
    return test_done();
}
