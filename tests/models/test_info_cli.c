/* test_info_cli.c: `kwscope model info` end to end (KWSCOPE_BIN): the table
 * and --json on a model written by the test, the seed convention on the
 * micro_speech model when ../shared is present, $KWSCOPE_MODEL, and the exit
 * status and one-line message of each error. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models.h"
#include "test.h"
#include "test_format_fixtures.h"

static char out[65536], errtext[4096];

/* Runs kwscope with args (a shell fragment); returns the exit status. */
static int run(const char *env, const char *args)
{
    const char *bin = getenv("KWSCOPE_BIN");
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char cmd[8192], ef[512];
    snprintf(ef, sizeof ef, "%s/kws_cli_err_%d", tmp, (int)getpid());
    snprintf(cmd, sizeof cmd, "%s '%s' %s 2>%s </dev/null", env, bin, args, ef);
    FILE *p = popen(cmd, "r");
    size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = '\0';
    int rc = p ? pclose(p) : -1;
    FILE *f = fopen(ef, "r");
    n = f ? fread(errtext, 1, sizeof errtext - 1, f) : 0;
    errtext[n] = '\0';
    if (f) fclose(f);
    remove(ef);
    return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

static void expect_fail(int want, const char *env, const char *args, const char *msg)
{
    int rc = run(env, args);
    CHECK_INT(rc, want);
    CHECK_INT(lines(errtext) >= 1, 1);
    if (want == 1) CHECK_INT(lines(errtext), 1);
    if (msg && !strstr(errtext, msg)) {
        fprintf(stderr, "kwscope %s: stderr \"%s\" lacks \"%s\"\n", args, errtext, msg);
        test_failures++;
    }
}

int main(void)
{
    if (!getenv("KWSCOPE_BIN")) return TEST_SKIP;
    static struct fixture fx;
    fixture_all_ops(&fx);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char model[512], bad[512], args[5000], err[256];
    snprintf(model, sizeof model, "%s/kws_cli_%d.tflite", tmp, (int)getpid());
    snprintf(bad, sizeof bad, "%s/kws_cli_bad_%d.tflite", tmp, (int)getpid());
    CHECK(mdl_model_save(&fx.m, model, err, sizeof err) == KWS_OK);

    snprintf(args, sizeof args, "model info '%s'", model);
    CHECK_INT(run("", args), 0);
    CHECK(strstr(out, "CONV_2D") && strstr(out, "DEQUANTIZE"));
    CHECK(strstr(out, "1x8x8x2") != NULL);
    CHECK(strstr(out, "5,964") != NULL); /* total FLOPs (test_info.c) */
    CHECK(strstr(out, "of 256 KB") && strstr(out, "of 1 MB"));

    snprintf(args, sizeof args, "model info --json --convention seed --model '%s'", model);
    CHECK_INT(run("", args), 0);
    CHECK(out[0] == '{');
    CHECK(strstr(out, "\"layers\": [") != NULL);
    CHECK(strstr(out, "\"op\": \"FULLY_CONNECTED\"") != NULL);
    CHECK(strstr(out, "\"flops\": 5784, \"weight_bytes\": 588") != NULL); /* totals */
    CHECK(strstr(out, "\"convention\": \"seed\"") != NULL);

    snprintf(args, sizeof args, "KWSCOPE_MODEL='%s'", model);
    CHECK_INT(run(args, "model info --json"), 0);
    CHECK(strstr(out, "\"macs\": 2688") != NULL);

    char shared[4096];
    if (getenv("KWSCOPE_SHARED_DIR") &&
        access(SHARED_PATH("conformance/micro_speech_quantized.tflite", shared), R_OK) == 0) {
        snprintf(args, sizeof args, "model info --convention seed '%s'", shared);
        CHECK_INT(run("", args), 0);
        CHECK(strstr(out, "640,008") && strstr(out, "32,004") && strstr(out, "672,024"));
        snprintf(args, sizeof args, "model info '%s'", shared);
        CHECK_INT(run("", args), 0);
        CHECK(strstr(out, "644,000") != NULL);
    }

    /* Errors. */
    expect_fail(2, "", "model", "missing subcommand");
    expect_fail(2, "", "model frob", "unknown subcommand");
    expect_fail(2, "", "model info --bogus", "unknown option");
    expect_fail(2, "", "model info --convention metric x.tflite", "unknown convention");
    expect_fail(2, "", "model info --model", "missing value");
    expect_fail(2, "", "model info a.tflite b.tflite", "more than one model");
    expect_fail(1, "", "model info /no/such/model.tflite", "/no/such/model.tflite");
    FILE *f = fopen(bad, "wb");
    fwrite("\x10\0\0\0TFL3\xff\xff\xff\xff", 1, 12, f);
    fclose(f);
    snprintf(args, sizeof args, "model info '%s'", bad);
    expect_fail(1, "", args, bad);
    remove(bad);
    char def[4096];
    if (access(SOURCE_PATH(MDL_DEFAULT_MODEL, def), R_OK) != 0)
        expect_fail(1, "KWSCOPE_MODEL=", "model info", "no default model is bundled yet");
    else
        CHECK_INT(run("KWSCOPE_MODEL=", "model info"), 0);
    remove(model);
    return test_done();
}
