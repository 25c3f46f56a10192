/* test_dialects.c: each line dialect end to end over a real pty: the virtual
 * board speaks the stock micro_speech sketch (test-over-serial push, Heard /
 * Scores / profile lines) and Edge Impulse's Predictions blocks, and the
 * session turns them into the same events as the framed protocol. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim_fixture.h"
#include "test.h"

struct seen {
    int results, heard, scores, profiles, errors;
    struct dev_event last_heard, last_scores, last;
};

static void on_ev(const struct dev_event *e, void *u)
{
    struct seen *w = u;
    if (e->kind == DEV_EV_ERROR) {
        w->errors++;
        fprintf(stderr, "board error: %s\n", e->text);
    }
    if (e->kind == DEV_EV_LOG) fprintf(stderr, "board log: %s\n", e->text);
    if (e->kind == DEV_EV_PROFILE) w->profiles++;
    if (e->kind != DEV_EV_RESULT) return;
    w->results++;
    w->last = *e;
    if (e->line.kind == DEV_LINE_HEARD) {
        w->heard++;
        w->last_heard = *e;
    }
    if (e->has_scores) {
        w->scores++;
        w->last_scores = *e;
    }
}

static int ms_done(struct dev_session *s, void *u)
{
    (void)s;
    struct seen *w = u;
    return w->profiles >= 3 && w->scores;
}
static int ei_done(struct dev_session *s, void *u)
{
    (void)s;
    return ((struct seen *)u)->results >= 3;
}

static void test_micro_speech(void)
{
    struct dev_sim_config cfg = { 0 };
    cfg.dialect = DEV_DIALECT_MICRO_SPEECH;
    cfg.pipe.features = fake_features;
    cfg.pipe.infer = fake_infer;
    fixture_info(&cfg.info);
    struct sim_thread st;
    if (sim_start(&st, &cfg)) {
        CHECK(!"sim");
        return;
    }
    struct dev_session_config sc = { 0 };
    sc.path = dev_sim_path(st.sim);
    sc.dialect = DEV_DIALECT_MICRO_SPEECH;
    struct dev_session *s;
    char err[256];
    CHECK_INT(dev_session_open(&s, &sc, dev_now(), err, sizeof err), KWS_OK);
    static int16_t clip[16000];
    for (int i = 0; i < 16000; i++) clip[i] = (int16_t)(i * 13 - 5000);
    CHECK_INT(dev_session_push(s, clip, 16000), KWS_OK);
    CHECK_INT(dev_session_classify(s), KWS_OK);
    struct seen w = { 0 };
    CHECK(drive(s, 60, on_ev, ms_done, &w));
    int8_t feat[DEV_FEAT_ROWS * DEV_FEAT_COLS], want[4];
    fake_features(NULL, clip, 16000, feat);
    fake_infer(NULL, feat, want);
    int best = 0;
    for (int j = 1; j < 4; j++)
        if (want[j] > want[best]) best = j;
    CHECK_INT(w.heard, 1);
    CHECK_STR(w.last_heard.label, cfg.info.labels[best]);
    CHECK_INT(w.last_heard.code, want[best] + 128);
    CHECK_INT(w.last_scores.result.n_scores, 4);
    for (int j = 0; j < 4; j++) CHECK_INT(w.last_scores.result.scores[j], want[j]);
    CHECK_INT(w.profiles, 3);
    CHECK_INT(w.errors, 0);
    CHECK_INT(dev_session_pending(s), 0);
    dev_session_close(s);
    sim_stop(&st);
}

static void test_edge_impulse(void)
{
    static int16_t m[8000];
    for (int i = 0; i < 8000; i++) m[i] = (int16_t)(i * 101);
    struct dev_sim_config cfg = { 0 };
    cfg.dialect = DEV_DIALECT_EDGE_IMPULSE;
    cfg.mic = m;
    cfg.mic_n = 8000;
    cfg.speed = 20;
    cfg.live_stride = 4000;
    cfg.pipe.features = fake_features;
    cfg.pipe.infer = fake_infer;
    fixture_info(&cfg.info);
    struct sim_thread st;
    if (sim_start(&st, &cfg)) {
        CHECK(!"sim");
        return;
    }
    struct dev_session_config sc = { 0 };
    sc.path = dev_sim_path(st.sim);
    sc.dialect = DEV_DIALECT_EDGE_IMPULSE;
    struct dev_session *s;
    char err[256];
    CHECK_INT(dev_session_open(&s, &sc, dev_now(), err, sizeof err), KWS_OK);
    struct seen w = { 0 };
    CHECK(drive(s, 60, on_ev, ei_done, &w));
    CHECK(w.last.has_timings);
    CHECK_INT(w.last.result.n_scores, 4);
    const struct dev_info *info = dev_session_info(s);
    CHECK(info && info->n_labels == 4);
    if (info) CHECK_STR(info->labels[2], "yes"); /* learnt from the block */
    /* %.5f of (q+128)/256 maps back to q exactly */
    int sum = 0;
    for (int j = 0; j < 4; j++) sum += w.last.result.scores[j] + 128;
    CHECK(sum > 0);
    CHECK_INT(dev_session_push(s, m, 10), KWS_ERR_UNSUPPORTED);
    dev_session_close(s);
    sim_stop(&st);
}

/* An Edge Impulse block in the new format, fed over a loopback: the session
 * sends AT+RUNIMPULSE, takes four classes and keeps the anomaly apart; the
 * last block ends after a quiet moment; closing sends 'b'. */
static void test_edge_impulse_anomaly(void)
{
    struct dev_transport a, b;
    CHECK_INT(dev_loopback_pair(&a, &b), KWS_OK);
    struct dev_session_config c = { 0 };
    c.transport = &a;
    c.dialect = DEV_DIALECT_EDGE_IMPULSE;
    struct dev_session *s;
    char err[128];
    CHECK_INT(dev_session_open(&s, &c, 0.0, err, sizeof err), KWS_OK);
    uint8_t got[64];
    long n = b.read(&b, got, sizeof got);
    CHECK(n == 14 && !memcmp(got, "AT+RUNIMPULSE\r", 14));
    const char *block = "Timing: DSP 6 ms, inference 3 ms, anomaly 1 ms\r\n"
                        "#Classification predictions:\r\n  noise: 0.011719\r\n"
                        "  unknown: 0.050781\r\n  yes: 0.937500\r\n  no: 0.000000\r\n"
                        "    anomaly score: 0.123\r\n";
    b.write(&b, block, strlen(block));
    dev_session_on_readable(s, 1.0);
    dev_session_tick(s, 1.5); /* quiet for 0.5 s: the block is complete */
    struct dev_event ev;
    int results = 0;
    while (dev_session_next_event(s, &ev)) {
        if (ev.kind != DEV_EV_RESULT) continue;
        results++;
        CHECK_INT(ev.result.n_scores, 4);
        CHECK_STR(ev.label, "yes");
        CHECK(ev.has_anomaly);
        CHECK_NEAR(ev.anomaly, 0.123, 1e-6);
        CHECK_INT(ev.result.preprocess_us, 6000);
    }
    CHECK_INT(results, 1);
    const struct dev_info *info = dev_session_info(s);
    CHECK(info && info->n_labels == 4);
    dev_session_close(s);
    n = b.read(&b, got, sizeof got);
    CHECK(n == 1 && got[0] == 'b');
    dev_transport_close(&b);
}

int main(void)
{
    test_edge_impulse_anomaly();
    test_micro_speech();
    test_edge_impulse();
    return test_done();
}
