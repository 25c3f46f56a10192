/* test_detect.c: micro_speech's RecognizeCommands logic on synthetic score
 * sequences: minimum count, window pruning, integer averaging, threshold
 * (strictly greater), suppression of repeats, a new label right away, the
 * silence rule, time ordering, config validation and track replay. */
#include <string.h>

#include "models/models.h"
#include "test.h"

/* Scores with class k at v (int8), the rest at -128. */
static void one_hot(int8_t *s, int k, int v)
{
    memset(s, -128, 4);
    s[k] = (int8_t)v;
}

/* Minimum count, suppression, time order, threshold and averaging, window
 * pruning: one result at a time. */
static void test_process(struct mdl_detect_config cfg)
{
    char err[200];
    struct mdl_detect d;
    struct mdl_detect_result r;
    int8_t s[4];

    /* Min count: nothing is judged before the third result. */
    CHECK(mdl_detect_init(&d, &cfg, err, sizeof err) == KWS_OK);
    one_hot(s, 2, 127);
    CHECK(mdl_detect_process(&d, s, 0, &r, err, sizeof err) == KWS_OK);
    CHECK(!r.valid && !r.is_new);
    CHECK(mdl_detect_process(&d, s, 20, &r, err, sizeof err) == KWS_OK);
    CHECK(!r.valid && !r.is_new);
    CHECK(mdl_detect_process(&d, s, 40, &r, err, sizeof err) == KWS_OK);
    CHECK(r.valid && r.is_new);
    CHECK_INT(r.label, 2);
    CHECK_INT(r.score, 255);
    /* Same label again within suppression: no new detection. */
    CHECK(mdl_detect_process(&d, s, 1000, &r, err, sizeof err) == KWS_OK);
    CHECK(r.valid && !r.is_new && r.label == 2);
    /* After more than 1500 ms since the detection at 40 ms: new again. */
    CHECK(mdl_detect_process(&d, s, 1540, &r, err, sizeof err) == KWS_OK);
    CHECK(!r.is_new); /* exactly 1500 ms: not more than suppression */
    CHECK(mdl_detect_process(&d, s, 1541, &r, err, sizeof err) == KWS_OK);
    CHECK(r.is_new);
    /* Going back in time is an error. */
    CHECK(mdl_detect_process(&d, s, 1000, &r, err, sizeof err) == KWS_ERR_ARG);

    /* Threshold is strict and averages use integer division:
     * (200+128)+(201+... ) -> scores + 128 = 72,73,... */
    CHECK(mdl_detect_init(&d, &cfg, err, sizeof err) == KWS_OK);
    one_hot(s, 3, 200 - 128); /* 200 on the 0..255 scale */
    for (int i = 0; i < 5; i++)
        CHECK(mdl_detect_process(&d, s, i * 100, &r, err, sizeof err) == KWS_OK);
    CHECK(r.valid && r.label == 3 && r.score == 200 && !r.is_new);
    one_hot(s, 3, 127); /* average (5*200 + 255) / 6 = 209.16 -> 209 */
    CHECK(mdl_detect_process(&d, s, 500, &r, err, sizeof err) == KWS_OK);
    CHECK_INT(r.score, 209);
    CHECK(r.is_new);

    /* Window pruning: results older than 1000 ms drop out of the average. */
    CHECK(mdl_detect_init(&d, &cfg, err, sizeof err) == KWS_OK);
    one_hot(s, 1, 127);
    for (int i = 0; i < 3; i++)
        CHECK(mdl_detect_process(&d, s, i * 10, &r, err, sizeof err) == KWS_OK);
    CHECK(r.is_new && r.label == 1);
    one_hot(s, 2, 127);
    CHECK(mdl_detect_process(&d, s, 1010, &r, err, sizeof err) == KWS_OK);
    CHECK(r.valid);           /* 0 ms dropped (1010 > 1000); 10, 20, 1010 remain */
    CHECK_INT(r.avg[1], 170); /* (255 + 255 + 0) / 3 */
    CHECK_INT(r.avg[2], 85);
    CHECK(mdl_detect_process(&d, s, 2015, &r, err, sizeof err) == KWS_OK);
    CHECK(!r.valid); /* only 1010 and 2015 within the window: fewer than 3 */
}

/* Track replay: a different label fires at once, without waiting for
 * suppression; the config retunes a replay. */
static void test_track(struct mdl_detect_config cfg)
{
    char err[200];
    int8_t track[30][4];
    int32_t t[30];
    for (int i = 0; i < 30; i++) {
        one_hot(track[i], i < 6 ? 2 : 3, 127);
        t[i] = i * 100;
    }
    struct mdl_detection det[8];
    size_t n = 0;
    CHECK(mdl_detect_track(&cfg, &track[0][0], t, 30, det, 8, &n, err, sizeof err) == KWS_OK);
    /* yes at row 2; at row k >= 10 the window holds 11 rows of which k - 5
     * are "no": 255 * (k - 5) / 11 first exceeds 200 at k = 14 (208). Then
     * nothing until 1500 ms after 1400 ms, which the track never passes. */
    CHECK_INT(n, 2);
    CHECK_INT(det[0].label, 2);
    CHECK_INT(det[0].row, 2);
    CHECK_INT(det[1].label, 3);
    CHECK_INT(det[1].row, 14);
    CHECK_INT(det[1].score, 208);
    CHECK(det[1].t_ms - det[0].t_ms < cfg.suppression_ms);
    /* Retuning: a threshold of 255 can never be exceeded. */
    struct mdl_detect_config hi = cfg;
    hi.threshold = 255;
    CHECK(mdl_detect_track(&hi, &track[0][0], t, 30, det, 8, &n, err, sizeof err) == KWS_OK);
    CHECK_INT(n, 0);
    /* min_count 1 fires on the first row. */
    struct mdl_detect_config one = cfg;
    one.min_count = 1;
    CHECK(mdl_detect_track(&one, &track[0][0], t, 30, det, 8, &n, err, sizeof err) == KWS_OK);
    CHECK(n >= 1 && det[0].row == 0);
}

static void test_silence_and_validation(struct mdl_detect_config cfg)
{
    char err[200];
    struct mdl_detect d;
    struct mdl_detect_result r;
    int8_t s[4];

    /* Silence: after silence was the top label, silence itself can repeat
     * (time since silence counts as infinite), as in micro_speech. */
    CHECK(mdl_detect_init(&d, &cfg, err, sizeof err) == KWS_OK);
    one_hot(s, 0, 127);
    int fired = 0;
    for (int i = 0; i < 5; i++) {
        CHECK(mdl_detect_process(&d, s, i * 20, &r, err, sizeof err) == KWS_OK);
        fired += r.is_new;
    }
    CHECK_INT(fired, 3);

    /* Validation. */
    struct mdl_detect_config bad = cfg;
    bad.threshold = 256;
    CHECK(mdl_detect_init(&d, &bad, err, sizeof err) == KWS_ERR_ARG);
    bad = cfg;
    bad.min_count = 0;
    CHECK(mdl_detect_init(&d, &bad, err, sizeof err) == KWS_ERR_ARG);
    bad = cfg;
    bad.n_classes = 0;
    CHECK(mdl_detect_init(&d, &bad, err, sizeof err) == KWS_ERR_ARG);
    bad = cfg;
    bad.window_ms = -1;
    CHECK(mdl_detect_init(&d, &bad, err, sizeof err) == KWS_ERR_ARG);
}

int main(void)
{
    struct mdl_detect_config cfg = mdl_detect_config_default();
    CHECK_INT(cfg.window_ms, 1000);
    CHECK_INT(cfg.threshold, 200);
    CHECK_INT(cfg.suppression_ms, 1500);
    CHECK_INT(cfg.min_count, 3);
    test_process(cfg);
    test_track(cfg);
    test_silence_and_validation(cfg);
    return test_done();
}
