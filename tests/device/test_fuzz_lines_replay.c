/* test_fuzz_lines_replay.c: replays the fuzz seeds through the libFuzzer body
 * of fuzz/fuzz_lines.c (host sessions of every dialect and the virtual
 * board's line parser; it aborts if board text comes out with a control
 * byte), so the gcc build and the sanitizer run exercise it without clang. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../fuzz/fuzz_lines.c"
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
    CHECK(files >= 6);
    return test_done();
}
