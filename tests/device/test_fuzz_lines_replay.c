/* test_fuzz_lines_replay.c: replays the fuzz seeds through the libFuzzer body
 * of fuzz/fuzz_lines.c (host sessions of every dialect and the virtual
 * board's line parser; it aborts if board text comes out with a control
 * byte), so the gcc build and the sanitizer run exercise it without clang. */
#include <stdlib.h>
#include <string.h>

#include "../../fuzz/fuzz_lines.c"
#include "fuzz_replay.h"

int main(void)
{
    CHECK(fuzz_replay_seeds("tests/device/fuzz_seeds", NULL) >= 11);
    return test_done();
}
