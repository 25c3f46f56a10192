/* test_format_fuzz.c: replays the fuzz target (fuzz/fuzz_tflite.c) over the
 * seed corpus in tests/models/fuzz_tflite_corpus plus deterministic
 * mutations of each seed (bit flips, byte overwrites with boundary values,
 * 32-bit overwrites, truncations), so the normal (gcc, ASan) suite runs the
 * reader on thousands of malformed models. The target aborts on any broken
 * property; sanitizers catch out-of-bounds reads.
 *
 *   test_format_fuzz --write-corpus DIR   regenerates the seed files:
 *   all_ops.tflite (the 13-op fixture), all_ops.cc (its xxd -i form), int8.tflite
 *   (the int8 middle of it), quantize.tflite (one op), and two truncations. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include "test.h"
#include "test_format_fixtures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS 600

static uint32_t rng = 2463534242u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void mutate_and_run(const uint8_t *seed, size_t n)
{
    LLVMFuzzerTestOneInput(seed, n);
    uint8_t *b = malloc(n ? n : 1);
    static const uint32_t special[] = {
        0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffff0u, 0x10000
    };
    for (int k = 0; k < MUTATIONS && n; k++) {
        memcpy(b, seed, n);
        size_t len = n;
        size_t pos = next() % n;
        switch (k % 4) {
        case 0: b[pos] ^= (uint8_t)(1u << (next() % 8)); break;
        case 1: b[pos] = (uint8_t)special[next() % 10]; break;
        case 2:
            for (int i = 0; i < 4 && pos + (size_t)i < n; i++)
                b[pos + (size_t)i] = (uint8_t)(special[k / 4 % 10] >> (8 * i));
            break;
        default: len = pos; break;
        }
        LLVMFuzzerTestOneInput(b, len);
    }
    free(b);
}

static void save(const char *dir, const char *name, const void *b, size_t n)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(b, 1, n, f) != n) test_failures++;
    if (f) fclose(f);
}

static int write_corpus(const char *dir)
{
    static struct fixture fx;
    fixture_all_ops(&fx);
    uint8_t *b;
    size_t n;
    char err[256];
    CHECK(mdl_model_write(&fx.m, &b, &n, err, sizeof err) == KWS_OK);
    save(dir, "all_ops.tflite", b, n);
    save(dir, "trunc_half.tflite", b, n / 2);
    save(dir, "trunc_tail.tflite", b, n - 7);
    char *t = malloc(n * 6 + 256), *p = t;
    p += sprintf(p, "alignas(16) const unsigned char g_model[] = {\n");
    for (size_t i = 0; i < n; i++) p += sprintf(p, "0x%02x,%s", b[i], i % 12 == 11 ? "\n" : " ");
    p += sprintf(p, "};\nconst int g_model_len = %zu;\n", n);
    save(dir, "all_ops.cc", t, (size_t)(p - t));
    free(t);
    free(b);
    fx.in[0] = 1;
    fx.out[0] = 21;
    fx.m.ops = &fx.o[1];
    fx.m.n_ops = FX_OPS - 2;
    CHECK(mdl_model_write(&fx.m, &b, &n, err, sizeof err) == KWS_OK);
    save(dir, "int8.tflite", b, n);
    free(b);
    fixture_all_ops(&fx);
    fx.out[0] = 1;
    fx.m.n_ops = 1;
    CHECK(mdl_model_write(&fx.m, &b, &n, err, sizeof err) == KWS_OK);
    save(dir, "quantize.tflite", b, n);
    free(b);
    return test_done();
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-corpus")) return write_corpus(argv[2]);
    char dir[4096];
    SOURCE_PATH("tests/models/fuzz_tflite_corpus", dir);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    int seeds = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strstr(e->d_name, "README")) continue;
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        FILE *f = fopen(p, "rb");
        if (!f) continue;
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        mutate_and_run(buf, n);
        seeds++;
    }
    if (d) closedir(d);
    CHECK(seeds >= 6);
    /* The in-memory fixture too, so the replay follows writer changes. */
    static struct fixture fx;
    fixture_all_ops(&fx);
    uint8_t *b;
    size_t n;
    char err[256];
    CHECK(mdl_model_write(&fx.m, &b, &n, err, sizeof err) == KWS_OK);
    mutate_and_run(b, n);
    free(b);
    fprintf(stderr, "%d seeds x %d mutations replayed\n", seeds + 1, MUTATIONS);
    return test_done();
}
