/* test_interp_classify_cli.c: `kwscope classify` end to end on the
 * conformance clips (wav -> micro frontend -> model): --json scores_i8 equal
 * the TFLM reference scores files and the labels are yes/no/silence/silence;
 * bad flags and a missing model are one-line errors with exit 2 / 1.
 * `kwscope bench` prints its stage table and JSON. Skips (77) without ../shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test.h"

static int run(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    size_t n = p ? fread(out, 1, cap - 1, p) : 0;
    out[n] = '\0';
    int rc = p ? pclose(p) : -1;
    return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int main(void)
{
    test_require_shared();
    const char *bin = getenv("KWSCOPE_BIN");
    CHECK(bin != NULL);
    if (!bin) return test_done();
    static const char *clips[] = { "yes_1000ms", "no_1000ms", "silence_1000ms", "noise_1000ms" };
    static const char *want_label[] = { "yes", "no", "silence", "silence" };
    char model[4096], cmd[16384], out[8192], p[4096];
    SHARED_PATH("conformance/micro_speech_quantized.tflite", model);
    for (int i = 0; i < 4; i++) {
        char rel[256], wav[4096];
        snprintf(rel, sizeof rel, "conformance/%s.wav", clips[i]);
        SHARED_PATH(rel, wav);
        snprintf(cmd, sizeof cmd, "'%s' classify --json --model '%s' '%s'", bin, model, wav);
        CHECK_INT(run(cmd, out, sizeof out), 0);
        int8_t s[4];
        snprintf(rel, sizeof rel, "conformance/%s.scores_i8.bin", clips[i]);
        FILE *f = fopen(SHARED_PATH(rel, p), "rb");
        CHECK(f && fread(s, 1, 4, f) == 4);
        if (f) fclose(f);
        char want[128];
        snprintf(want, sizeof want, "\"scores_i8\": [%d, %d, %d, %d]", s[0], s[1], s[2], s[3]);
        if (!strstr(out, want)) fprintf(stderr, "%s: want %s in %s", clips[i], want, out);
        CHECK(strstr(out, want) != NULL);
        snprintf(want, sizeof want, "\"label\": \"%s\"", want_label[i]);
        CHECK(strstr(out, want) != NULL);
        CHECK(strstr(out, "\"labels\": [\"silence\", \"unknown\", \"yes\", \"no\"]") != NULL);
    }
    snprintf(cmd, sizeof cmd, "'%s' classify --threshold 999 x.wav 2>&1", bin);
    CHECK_INT(run(cmd, out, sizeof out), 2);
    CHECK(strstr(out, "--threshold") != NULL);
    snprintf(cmd, sizeof cmd, "'%s' classify --model /nonexistent/m.tflite x.wav 2>&1", bin);
    CHECK_INT(run(cmd, out, sizeof out), 1);
    snprintf(cmd, sizeof cmd, "'%s' classify --model '%s' --labels a,b /dev/null 2>&1", bin, model);
    CHECK_INT(run(cmd, out, sizeof out), 2);
    CHECK(strstr(out, "labels") != NULL);
    /* kwscope bench: the stage table and its JSON form. */
    snprintf(cmd, sizeof cmd, "'%s' bench --runs 3 --model '%s'", bin, model);
    CHECK_INT(run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "Process stage") && strstr(out, "Median") && strstr(out, "inference"));
    snprintf(cmd, sizeof cmd, "'%s' bench --json --runs 3 --model '%s'", bin, model);
    CHECK_INT(run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "\"timings_us\": {\"preprocess\"") != NULL);
    snprintf(cmd, sizeof cmd, "'%s' bench --runs 0 2>&1", bin);
    CHECK_INT(run(cmd, out, sizeof out), 2);
    return test_done();
}
