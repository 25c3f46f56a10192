/* test_fuzz_labels_replay.c: replays tests/models/fuzz_labels_seeds, every
 * truncation of each and a few byte flips, through the libFuzzer body of
 * fuzz/fuzz_labels.c, so the gcc build and the sanitizer run exercise the
 * label-track and sidecar parsers without clang. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../fuzz/fuzz_labels.c"
#include "test.h"

int main(void)
{
    char dir[4096];
    SOURCE_PATH("tests/models/fuzz_labels_seeds", dir);
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
        for (size_t cut = 0; cut < n; cut++) LLVMFuzzerTestOneInput(buf, cut);
        uint32_t x = 4242;
        for (int k = 0; k < 256 && n; k++) {
            memcpy(mut, buf, n);
            x = x * 1103515245u + 12345u;
            mut[(x >> 8) % n] ^= (uint8_t)(x >> 24 | 1);
            LLVMFuzzerTestOneInput(mut, n);
        }
        files++;
    }
    if (dp) closedir(dp);
    CHECK(files >= 8);
    return test_done();
}
