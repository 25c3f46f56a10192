/* test_fuzz_replay.c: replays the fuzz seeds (and a few generated inputs)
 * through the libFuzzer body of fuzz/fuzz_frame.c, so the gcc build and the
 * sanitizer run exercise it without clang. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../fuzz/fuzz_frame.c"
#include "test.h"

int main(void)
{
    char dir[4096];
    SOURCE_PATH("tests/device/fuzz_seeds", dir);
    DIR *dp = opendir(dir);
    CHECK(dp != NULL);
    int files = 0;
    static uint8_t buf[1 << 16];
    struct dirent *e;
    while (dp && (e = readdir(dp))) {
        if (e->d_name[0] == '.') continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        files++;
    }
    if (dp) closedir(dp);
    CHECK(files >= 4);
    /* generated: every valid frame type with mutated bytes */
    uint32_t x = 1;
    for (int i = 0; i < 2000; i++) {
        uint8_t pl[64], w[DEV_MAX_WIRE];
        for (int k = 0; k < 64; k++) { x = x * 1103515245u + 12345u; pl[k] = (uint8_t)(x >> 16); }
        size_t n = dev_frame_encode((uint8_t)(0x80 + i % 9), (uint16_t)i, pl, (size_t)(i % 64), w, sizeof w);
        if (i % 3) w[(x >> 8) % n] ^= (uint8_t)(x >> 3);
        LLVMFuzzerTestOneInput(w, n);
    }
    return test_done();
}
