/* test_evaluate.c: the streaming evaluation (models/evaluate.c), the
 * detector-settings sidecar (models/detect_config.c) and the fast replay
 * (mdl_detect_tops / mdl_detect_from_tops):
 * - the label reader on Audacity's format, CRLF, spectral lines, comments,
 *   overlaps, unsorted input, and each kind of bad line (with its number);
 * - hits, misses, false alarms, false alarms per hour and latency
 *   percentiles on a hand-made stream whose answers are worked out below;
 * - the sidecar's name, text round trip, --force rule and bad values;
 * - the fast replay equals mdl_detect_track for many settings. */
#include <unistd.h>

#include "models/models.h"
#include "test.h"

static struct mdl_word_labels parse_ok(const char *text)
{
    struct mdl_word_labels l;
    char err[256] = "";
    enum kws_status st = mdl_labels_parse(text, strlen(text), &l, err, sizeof err);
    if (st != KWS_OK) fprintf(stderr, "unexpected: %s\n", err);
    CHECK_INT(st, KWS_OK);
    return l;
}

static void parse_bad(const char *text, size_t n, const char *want)
{
    struct mdl_word_labels l;
    char err[256] = "";
    CHECK_INT(mdl_labels_parse(text, n, &l, err, sizeof err), KWS_ERR_FORMAT);
    if (!strstr(err, want)) fprintf(stderr, "error '%s' lacks '%s'\n", err, want);
    CHECK(strstr(err, want) != NULL);
    CHECK(l.v == NULL && l.n == 0);
}

static void test_labels(void)
{
    struct mdl_word_labels l = parse_ok("0.500000\t0.900000\tyes\n1.2\t1.5\tno\n");
    CHECK_INT(l.n, 2);
    CHECK_NEAR(l.v[0].start_s, 0.5, 1e-12);
    CHECK_NEAR(l.v[0].end_s, 0.9, 1e-12);
    CHECK_STR(l.v[1].word, "no");
    mdl_labels_free(&l);
    /* CRLF, a spectral-selection line, a comment, blank lines, no final
     * newline, a word with a space, overlaps, unsorted. */
    l = parse_ok("# made by hand\r\n3.0\t3.4\tno\r\n\\\t120.5\t4000\r\n\r\n1.0\t2.5\tyes please\r\n"
                 "1.2\t1.3\tyet\r\n0.25 0.5 yes");
    CHECK_INT(l.n, 4);
    CHECK_NEAR(l.v[0].start_s, 0.25, 1e-12);
    CHECK_STR(l.v[1].word, "yes please");
    CHECK_STR(l.v[2].word, "yet");
    CHECK_STR(l.v[3].word, "no");
    mdl_labels_free(&l);
    l = parse_ok("");
    CHECK_INT(l.n, 0);
    mdl_labels_free(&l);
    l = parse_ok("\r\r\n\n  \n");
    CHECK_INT(l.n, 0);
    mdl_labels_free(&l);
    parse_bad("0.5\t0.9\tyes\n1.0\t0.5\tno\n", 24, "line 2");
    parse_bad("abc\t1\tyes\n", 10, "line 1");
    parse_bad("0.5\t0.9\n", 8, "no word");
    parse_bad("0.5\t0.9\t\t \n", 11, "no word");
    parse_bad("-1\t2\tyes\n", 9, "line 1");
    parse_bad("nan\t2\tyes\n", 10, "line 1");
    parse_bad("0.5x\t0.9\tyes\n", 13, "line 1");
    parse_bad("0.5\t0.9\tyes\0no\n", 15, "NUL");
    parse_bad("0.5\t0.9\taaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 49, "longer");
    parse_bad("0.5\t0.9\tye\ts\x01\n", 14, "control");
}

/* The hand-made stream: 3600 s, labels yes@[10,10.5], yes@[20,20.4],
 * no@[30,30.5], yes@[40,40.5] (never detected), yet@[50,50.3].
 * Detections (ms, class): yes 10700 (hit, 200 ms late), yes 10900 (the
 * same word again: false alarm), no 20300 (a "yes" was said: false alarm
 * for no), yes 20300 (hit, -100 ms: before the word's end is allowed),
 * no 31400 (hit, 900 ms), yes 50200 (on "yet": false alarm), unknown
 * 60000 and silence 61000 (ignored), no 32000 (1500 ms late: outside the
 * 1000 ms tolerance, a false alarm). */
static void test_counts(void)
{
    static const char *const names[4] = { "silence", "unknown", "yes", "no" };
    struct mdl_word_labels l =
        parse_ok("10\t10.5\tyes\n20\t20.4\tYes\n30\t30.5\tno\n40\t40.5\tyes\n"
                 "50\t50.3\tyet\n");
    const struct mdl_detection d[] = { { 0, 10700, 2, 220 }, { 0, 10900, 2, 230 },
                                       { 0, 20300, 3, 210 }, { 0, 20300, 2, 210 },
                                       { 0, 31400, 3, 240 }, { 0, 32000, 3, 240 },
                                       { 0, 50200, 2, 205 }, { 0, 60000, 1, 250 },
                                       { 0, 61000, 0, 250 } };
    struct mdl_stream_eval ev;
    char err[256];
    CHECK_INT(mdl_stream_eval_init(&ev, names, 4, 1000, err, sizeof err), KWS_OK);
    CHECK_INT(mdl_stream_eval_add(&ev, &l, d, sizeof d / sizeof d[0], 3600.0, err, sizeof err),
              KWS_OK);
    CHECK_INT(mdl_stream_eval_finish(&ev, err, sizeof err), KWS_OK);
    CHECK(!ev.keyword[0] && !ev.keyword[1] && ev.keyword[2] && ev.keyword[3]);
    CHECK_INT(ev.other_words, 1);
    CHECK_INT(ev.kw[2].labels, 3);
    CHECK_INT(ev.kw[2].hits, 2);
    CHECK_INT(ev.kw[2].misses, 1);
    CHECK_INT(ev.kw[2].false_alarms, 2);
    CHECK_NEAR(ev.kw[2].fa_per_hour, 2.0, 1e-9);
    CHECK_NEAR(ev.kw[2].recall, 2.0 / 3.0, 1e-9);
    CHECK_NEAR(ev.kw[2].latency_median_ms, 50.0, 1e-9); /* (200 + -100) / 2 */
    CHECK_NEAR(ev.kw[2].latency_p90_ms, 200.0, 1e-9);
    CHECK_INT(ev.kw[3].labels, 1);
    CHECK_INT(ev.kw[3].hits, 1);
    CHECK_INT(ev.kw[3].false_alarms, 2);
    CHECK_NEAR(ev.kw[3].latency_median_ms, 900.0, 1e-9);
    CHECK_INT(ev.total.labels, 4);
    CHECK_INT(ev.total.hits, 3);
    CHECK_INT(ev.total.misses, 1);
    CHECK_INT(ev.total.false_alarms, 4);
    CHECK_NEAR(ev.total.fa_per_hour, 4.0, 1e-9);
    CHECK_NEAR(ev.total.latency_median_ms, 200.0, 1e-9); /* of -100, 200, 900 */
    CHECK_NEAR(ev.total.latency_p90_ms, 900.0, 1e-9);
    /* A second stream adds up: the same again doubles every count, and the
     * hours. */
    CHECK_INT(mdl_stream_eval_add(&ev, &l, d, sizeof d / sizeof d[0], 3600.0, err, sizeof err),
              KWS_OK);
    CHECK_INT(mdl_stream_eval_finish(&ev, err, sizeof err), KWS_OK);
    CHECK_INT(ev.total.hits, 6);
    CHECK_INT(ev.total.false_alarms, 8);
    CHECK_NEAR(ev.total.fa_per_hour, 4.0, 1e-9);
    CHECK_INT(ev.streams, 2);
    mdl_stream_eval_free(&ev);
    /* No labels, no detections: recall undefined, nothing else. */
    struct mdl_word_labels none = { 0 };
    CHECK_INT(mdl_stream_eval_init(&ev, names, 4, 1000, err, sizeof err), KWS_OK);
    CHECK_INT(mdl_stream_eval_add(&ev, &none, NULL, 0, 10.0, err, sizeof err), KWS_OK);
    CHECK_INT(mdl_stream_eval_finish(&ev, err, sizeof err), KWS_OK);
    CHECK(isnan(ev.total.recall) && isnan(ev.total.latency_median_ms));
    CHECK_NEAR(ev.total.fa_per_hour, 0.0, 0);
    mdl_stream_eval_free(&ev);
    mdl_labels_free(&l);
}

static void test_sidecar(void)
{
    char p[256], err[256], text[512];
    mdl_detect_sidecar_path("assets/default_model.tflite", p, sizeof p);
    CHECK_STR(p, "assets/default_model.detect");
    mdl_detect_sidecar_path("a/m.cc", p, sizeof p);
    CHECK_STR(p, "a/m.detect");
    mdl_detect_sidecar_path("dir.tflite/model", p, sizeof p);
    CHECK_STR(p, "dir.tflite/model.detect");
    struct mdl_detect_config c = mdl_detect_config_default(), d = c;
    c.threshold = 177;
    c.window_ms = 600;
    c.suppression_ms = 900;
    c.min_count = 2;
    mdl_detect_config_format(&c, "a note", text, sizeof text);
    CHECK_INT(mdl_detect_config_parse(text, strlen(text), &d, err, sizeof err), KWS_OK);
    CHECK(d.threshold == 177 && d.window_ms == 600 && d.suppression_ms == 900 && d.min_count == 2);
    const char *bad[] = { "threshold 256\n",   "min_count 0\n",  "speed 3\n",      "threshold\n",
                          "threshold 12 13\n", "window_ms -5\n", "threshold 1.5\n" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct mdl_detect_config e = mdl_detect_config_default();
        CHECK_INT(mdl_detect_config_parse(bad[i], strlen(bad[i]), &e, err, sizeof err),
                  KWS_ERR_FORMAT);
        CHECK(strstr(err, "line 1") != NULL);
        CHECK_INT(e.threshold, 200); /* untouched on error */
    }
    /* Save next to a model in a temporary folder; load with and without
     * command-line overrides; no overwrite without force. */
    char dir[] = "/tmp/kws_sidecar_XXXXXX", model[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(model, sizeof model, "%s/m.tflite", dir);
    bool found = true;
    struct mdl_detect_config e = mdl_detect_config_default();
    CHECK_INT(mdl_detect_config_load(model, &e, 0, &found, err, sizeof err), KWS_OK);
    CHECK(!found && e.threshold == 200);
    CHECK_INT(mdl_detect_config_save(model, &c, "note\nwith a newline", false, err, sizeof err),
              KWS_OK);
    CHECK_INT(mdl_detect_config_save(model, &c, NULL, false, err, sizeof err), KWS_ERR_IO);
    CHECK(strstr(err, "--force") != NULL);
    CHECK_INT(mdl_detect_config_save(model, &c, NULL, true, err, sizeof err), KWS_OK);
    e = mdl_detect_config_default();
    e.threshold = 99;
    CHECK_INT(mdl_detect_config_load(model, &e, MDL_DETECT_SET_THRESHOLD, &found, err, sizeof err),
              KWS_OK);
    CHECK(found && e.threshold == 99 && e.window_ms == 600 && e.suppression_ms == 900 &&
          e.min_count == 2);
    snprintf(p, sizeof p, "%s/m.detect", dir);
    unlink(p);
    rmdir(dir);
}

/* mdl_detect_from_tops gives what mdl_detect_track gives, setting by setting. */
static void test_fast_replay(void)
{
    enum { N = 600 };
    static int8_t s[N * 4];
    static int32_t t[N];
    static int8_t top[N];
    static uint8_t score[N];
    uint32_t x = 7;
    for (int i = 0; i < N; i++) {
        t[i] = 20 * i + (i > 300 ? 7 : 0);
        int word = (i / 60) % 4; /* stretches where one class leads */
        for (int c = 0; c < 4; c++) {
            x = x * 1103515245u + 12345u;
            s[i * 4 + c] = (int8_t)((c == word ? 60 : -100) + (int)(x >> 25) % 90);
        }
    }
    static struct mdl_detection a[N], b[N];
    int checked = 0, with_detections = 0;
    for (int32_t win = 100; win <= 1500; win += 350)
        for (int32_t mc = 1; mc <= 5; mc += 2) {
            struct mdl_detect_config c = mdl_detect_config_default();
            c.window_ms = win;
            c.min_count = mc;
            CHECK_INT(mdl_detect_tops(&c, s, t, N, top, score, NULL, 0), KWS_OK);
            for (int32_t thr = 0; thr <= 255; thr += 17)
                for (int32_t sup = 0; sup <= 2000; sup += 500) {
                    c.threshold = thr;
                    c.suppression_ms = sup;
                    size_t na = 0;
                    CHECK_INT(mdl_detect_track(&c, s, t, N, a, N, &na, NULL, 0), KWS_OK);
                    size_t nb = mdl_detect_from_tops(thr, sup, top, score, t, N, b, N);
                    CHECK_INT(nb, na);
                    for (size_t k = 0; k < na && k < nb; k++)
                        CHECK(a[k].row == b[k].row && a[k].label == b[k].label &&
                              a[k].score == b[k].score && a[k].t_ms == b[k].t_ms);
                    checked++;
                    with_detections += na > 0;
                }
        }
    CHECK(checked > 100);
    CHECK(with_detections > 50);
}

int main(void)
{
    test_labels();
    test_counts();
    test_sidecar();
    test_fast_replay();
    return test_done();
}
