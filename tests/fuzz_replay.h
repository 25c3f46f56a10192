/* fuzz_replay.h: the seed replay the fuzz targets' tests share. Include it
 * after the fuzz body (fuzz/fuzz_*.c, which defines LLVMFuzzerTestOneInput)
 * so the gcc build and the sanitizer run exercise every target without
 * clang. */
#ifndef KWS_FUZZ_REPLAY_H
#define KWS_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>

#include "test.h"

/* Feeds each file of the seed folder rel (under the source tree) to the fuzz
 * body, then to also (when not NULL) for its own variations of the seed.
 * Returns the number of seeds read; a missing folder is a failed check. */
static inline int fuzz_replay_seeds(const char *rel, void (*also)(const uint8_t *seed, size_t n))
{
    char dir[4096];
    test_path("KWSCOPE_SOURCE_DIR", rel, dir, sizeof dir);
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
        if (also) also(buf, n);
        files++;
    }
    if (dp) closedir(dp);
    return files;
}

#endif
