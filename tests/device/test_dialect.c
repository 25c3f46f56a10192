/* test_dialect.c: the stock micro_speech and Edge Impulse line formats, and
 * base64 for test-over-serial. */
#include <string.h>

#include "device/device.h"
#include "test.h"

static void parse(const char *s, struct dev_line *o)
{
    dev_line_parse(s, strlen(s), o);
}

/* The micro_speech sketch's lines, kwscope's test-over-serial answers and
 * the older Edge Impulse block. */
static void test_micro_speech_lines(void)
{
    struct dev_line o;
    parse("Heard yes (201) @4800ms", &o);
    CHECK_INT(o.kind, DEV_LINE_HEARD);
    CHECK_STR(o.label, "yes");
    CHECK_INT(o.score, 201);
    CHECK_INT(o.time_ms, 4800);
    parse("Heard no (-12) @123ms\r\n", &o);
    CHECK_INT(o.kind, DEV_LINE_HEARD);
    CHECK_INT(o.score, -12);

    parse("Scores: s -128 u -100 y 127 n -5", &o);
    CHECK_INT(o.kind, DEV_LINE_SCORES);
    CHECK_INT(o.n_scores, 4);
    CHECK_STR(o.score_labels[2], "y");
    CHECK_INT(o.scores[2], 127);
    CHECK_INT(o.scores[0], -128);

    parse("## time: min 3ms  max 5ms  avg 4ms", &o);
    CHECK_INT(o.kind, DEV_LINE_PROFILE);
    CHECK_NEAR(o.min_ms, 3, 0);
    CHECK_NEAR(o.max_ms, 5, 0);
    CHECK_NEAR(o.avg_ms, 4, 0);
    parse("## Inference time: min 70ms  max 72ms  avg 71ms", &o);
    CHECK_INT(o.kind, DEV_LINE_PROFILE);
    CHECK_STR(o.profile_name, "Inference");

    parse("!DATA_ACK 96", &o);
    CHECK_INT(o.kind, DEV_LINE_DATA_ACK);
    CHECK_INT(o.score, 96);
    parse("!OK TEST 96", &o);
    CHECK_INT(o.kind, DEV_LINE_OK);
    CHECK_STR(o.text, "TEST 96");
    CHECK_INT(o.score, 96);
    parse("!FAIL DATA audio-pcm-16khz-mono-s16 32000", &o);
    CHECK_INT(o.kind, DEV_LINE_FAIL);

    parse("Predictions (DSP: 6 ms., Classification: 3 ms., Anomaly: 0 ms.): ", &o);
    CHECK_INT(o.kind, DEV_LINE_EI_HEADER);
    CHECK_NEAR(o.dsp_ms, 6, 0);
    CHECK_NEAR(o.class_ms, 3, 0);
    CHECK_NEAR(o.anomaly_ms, 0, 0);
    parse("    yes: 0.97656", &o);
    CHECK_INT(o.kind, DEV_LINE_EI_SCORE);
    CHECK_STR(o.label, "yes");
    CHECK_NEAR(o.value, 0.97656, 1e-6);
}

/* The stock sketch's lines, the newer Edge Impulse forms, and what is not a
 * line of any dialect. */
static void test_stock_and_edge_impulse_lines(void)
{
    struct dev_line o;
    /* the stock sketch: averages 0..255, then "previous -> current" */
    parse("Scores: s 10 u 3 y 230 n 12  silence -> yes", &o);
    CHECK_INT(o.kind, DEV_LINE_SCORES);
    CHECK_INT(o.n_scores, 4);
    CHECK_INT(o.scores[2], 230);
    parse("#Scores: s 200 u 3 y 40 n 12  yes -> silence", &o);
    CHECK_INT(o.kind, DEV_LINE_SCORES);
    CHECK_INT(o.scores[0], 200);
    /* the whole loop, no stage name */
    parse("## time: min 83ms max 91ms avg 86ms", &o);
    CHECK_INT(o.kind, DEV_LINE_PROFILE);
    CHECK_STR(o.profile_name, "loop");
    CHECK_NEAR(o.avg_ms, 86, 0);

    /* Edge Impulse since January 2024, and its variants */
    parse("Timing: DSP 6 ms, inference 3 ms, anomaly 1 ms", &o);
    CHECK_INT(o.kind, DEV_LINE_EI_HEADER);
    CHECK_NEAR(o.dsp_ms, 6, 0);
    CHECK_NEAR(o.class_ms, 3, 0);
    CHECK_NEAR(o.anomaly_ms, 1, 0);
    parse("Timing: DSP 135ms, inference 8ms, anomaly 0ms, postprocessing 1ms", &o);
    CHECK_INT(o.kind, DEV_LINE_EI_HEADER);
    CHECK_NEAR(o.dsp_ms, 135, 0);
    parse("#Classification predictions:", &o);
    CHECK_INT(o.kind, DEV_LINE_EI_PREDICTIONS);
    parse("  yes: 0.937500", &o);
    CHECK_INT(o.kind, DEV_LINE_EI_SCORE);
    CHECK_STR(o.label, "yes");
    parse("    anomaly score: 0.123", &o);
    CHECK_INT(o.kind, DEV_LINE_EI_ANOMALY);
    CHECK_NEAR(o.value, 0.123, 1e-6);
    parse("Anomaly prediction: 0.5", &o);
    CHECK_INT(o.kind, DEV_LINE_EI_ANOMALY);
    parse("    anomaly score: nan", &o);
    CHECK_INT(o.kind, DEV_LINE_NONE);

    parse("random text", &o);
    CHECK_INT(o.kind, DEV_LINE_NONE);
    parse("Heard", &o);
    CHECK_INT(o.kind, DEV_LINE_NONE);
    parse("", &o);
    CHECK_INT(o.kind, DEV_LINE_NONE);

    char buf[64];
    dev_line_format_heard(buf, sizeof buf, "no", 222, 9000);
    parse(buf, &o);
    CHECK_INT(o.kind, DEV_LINE_HEARD);
    CHECK_STR(o.label, "no");
}

static void test_base64(void)
{
    /* base64: RFC 4648 section 10 test vectors */
    const char *vec[][2] = { { "", "" },
                             { "f", "Zg==" },
                             { "fo", "Zm8=" },
                             { "foo", "Zm9v" },
                             { "foob", "Zm9vYg==" },
                             { "fooba", "Zm9vYmE=" },
                             { "foobar", "Zm9vYmFy" } };
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
        char e[32];
        uint8_t d[32];
        dev_base64_encode((const uint8_t *)vec[i][0], strlen(vec[i][0]), e, sizeof e);
        CHECK_STR(e, vec[i][1]);
        long n = dev_base64_decode(vec[i][1], strlen(vec[i][1]), d, sizeof d);
        CHECK_INT(n, strlen(vec[i][0]));
        CHECK(n >= 0 && !memcmp(d, vec[i][0], (size_t)n));
    }
    uint8_t d[8];
    CHECK_INT(dev_base64_decode("Zm9", 3, d, sizeof d), -1);
    CHECK_INT(dev_base64_decode("Z=9v", 4, d, sizeof d), -1);
    CHECK_INT(dev_base64_decode("Zm9v", 4, d, 2), -1);
}

int main(void)
{
    test_micro_speech_lines();
    test_stock_and_edge_impulse_lines();
    test_base64();
    return test_done();
}
