/* test_csv_float.c: the CSV float formatter reads back exactly, looks like
 * %.9g, and takes its fast path for ordinary values (so the speed-up is
 * real, not a silent fallback to printf). */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"
#include "test.h"

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

int main(void)
{
    char buf[CLI_FLOAT_CHARS], ref[64];
    static const struct {
        float x;
        const char *want;
    } fixed[] = {
        { 1.0f, "1" },
        { -54.25f, "-54.25" },
        { 0.001f, "0.00100000005" },
        { 100000000.0f, "100000000" },
        { 1e9f, "1e+09" },
        { 1.5e-5f, "1.49999996e-05" },
        { 0.0f, "0" },
        { -3.0f, "-3" },
        { 123456.789f, "123456.789" },
        { FLT_MAX, "3.40282347e+38" },
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        cli_format_float(buf, fixed[i].x);
        CHECK_STR(buf, fixed[i].want);
    }
    /* Random bit patterns over every exponent, and dB-like values. */
    uint64_t s = 0x9E3779B97F4A7C15ull;
    long same_text = 0, n = 0;
    for (int i = 0; i < 400000; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        float x = (i & 1) ? from_bits((uint32_t)(s >> 32))
                          : (float)((double)(s >> 40) / (1 << 24) * 200.0 - 100.0);
        if (!isfinite(x)) continue;
        int len = cli_format_float(buf, x);
        CHECK_INT(len, (long)strlen(buf));
        if (strtof(buf, NULL) != x) {
            fprintf(stderr, "%a -> %s does not read back\n", (double)x, buf);
            test_failures++;
        }
        snprintf(ref, sizeof ref, "%.9g", (double)x);
        same_text += !strcmp(ref, buf);
        n++;
    }
    /* Same text as printf but for the odd last digit where the double product
     * lands on the other side of a decimal half. */
    CHECK(same_text > n * 999 / 1000);
    printf("%ld of %ld values printed as %%.9g does\n", same_text, n);
    return test_done();
}
