#define _GNU_SOURCE /* memfd_create, before any header */
/* test_fuzz_wav_replay.c: replays tests/capture/fuzz_wav_seeds, and every
 * truncation and a few byte flips of each, through the libFuzzer body of
 * fuzz/fuzz_wav.c, so the gcc build and the sanitizer run exercise it
 * without clang. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../fuzz/fuzz_wav.c"
#include "test.h"

int main(void)
{
    char dir[4096];
    SOURCE_PATH("tests/capture/fuzz_wav_seeds", dir);
    DIR *dp = opendir(dir);
    CHECK(dp != NULL);
    int files = 0;
    static uint8_t buf[1 << 16], mut[1 << 16];
    struct dirent *e;
    while (dp && (e = readdir(dp))) {
        if (e->d_name[0] == '.') continue;
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        FILE *f = fopen(p, "rb");
        if (!f) continue;
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        for (size_t cut = 0; cut < n && cut < 128; cut++) /* every short header */
            LLVMFuzzerTestOneInput(buf, cut);
        uint32_t x = 12345;
        for (int k = 0; k < 64; k++) { /* header flips */
            memcpy(mut, buf, n);
            x = x * 1103515245u + 12345u;
            size_t at = n ? (x >> 8) % (n < 64 ? n : 64) : 0;
            if (n) mut[at] ^= (uint8_t)(x >> 24 | 1);
            LLVMFuzzerTestOneInput(mut, n);
        }
        files++;
    }
    if (dp) closedir(dp);
    CHECK(files >= 4);
    return test_done();
}
