/* test.h: tiny assertion helpers shared by every test program.
 *
 * Each CHECK prints what was expected and what came instead, with file and
 * line, and marks the test failed; the program carries on so one run shows
 * every failure. A test returns test_done(). Exit 77 means "skipped" to meson
 * (used when ../shared/ conformance data is absent). */
#ifndef KWS_TEST_H
#define KWS_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;

#define CHECK(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            test_failures++; \
        } \
    } while (0)

#define CHECK_INT(got, want) \
    do { \
        long long g_ = (long long)(got), w_ = (long long)(want); \
        if (g_ != w_) { \
            fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
            test_failures++; \
        } \
    } while (0)

#define CHECK_NEAR(got, want, tol) \
    do { \
        double g_ = (double)(got), w_ = (double)(want); \
        if (!(fabs(g_ - w_) <= (tol))) { \
            fprintf(stderr, "%s:%d: %s: got %.9g, want %.9g (tol %g)\n", __FILE__, __LINE__, #got, \
                    g_, w_, (double)(tol)); \
            test_failures++; \
        } \
    } while (0)

#define CHECK_STR(got, want) \
    do { \
        const char *g_ = (got), *w_ = (want); \
        if (!g_ || strcmp(g_, w_)) { \
            fprintf(stderr, "%s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, \
                    g_ ? g_ : "(null)", w_); \
            test_failures++; \
        } \
    } while (0)

#define TEST_SKIP 77

static inline int test_done(void)
{
    if (test_failures) fprintf(stderr, "%d check(s) failed\n", test_failures);
    return test_failures ? 1 : 0;
}

/* Path of a file under the source tree or the shared conformance folder, from
 * the environment meson sets (KWSCOPE_SOURCE_DIR, KWSCOPE_SHARED_DIR). */
static inline const char *test_path(const char *env, const char *rel, char *buf, size_t len)
{
    const char *root = getenv(env);
    snprintf(buf, len, "%s/%s", root ? root : ".", rel);
    return buf;
}
#define SOURCE_PATH(rel, buf) test_path("KWSCOPE_SOURCE_DIR", (rel), (buf), sizeof(buf))
#define SHARED_PATH(rel, buf) test_path("KWSCOPE_SHARED_DIR", (rel), (buf), sizeof(buf))

/* Skip (exit 77) when the shared conformance folder is absent. */
static inline void test_require_shared(void)
{
    char p[4096];
    FILE *f = fopen(SHARED_PATH("conformance/manifest.json", p), "rb");
    if (!f) {
        fprintf(stderr, "skipped: %s not found (../shared/ is absent)\n", p);
        exit(TEST_SKIP);
    }
    fclose(f);
}

#endif
