/* test_sim.c: the virtual board on a real pty, end to end through a session:
 * handshake, push + classify (scores equal the same stages run here),
 * features, a minute of mic streaming at 30x with zero lost chunks and every
 * sample checked, a protocol version mismatch, a board that never answers. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim_fixture.h"
#include "test.h"

static int16_t mic[16000 * 3 + 77]; /* an odd length: chunks straddle the loop */

struct watch {
    int results, features, errors;
    struct dev_result last;
    char label[DEV_LABEL_LEN];
    struct dev_features feat;
    unsigned long chunks, bad_samples, samples;
    long first_chunk;
    size_t origin; /* mic position of the first chunk's first sample */
};

static void on_ev(const struct dev_event *e, void *u)
{
    struct watch *w = u;
    if (e->kind == DEV_EV_RESULT) {
        w->results++;
        w->last = e->result;
        memcpy(w->label, e->label, sizeof w->label);
    } else if (e->kind == DEV_EV_FEATURES) {
        w->features++;
        w->feat = e->features;
    } else if (e->kind == DEV_EV_ERROR) {
        w->errors++;
    } else if (e->kind == DEV_EV_AUDIO) {
        const size_t len = sizeof mic / sizeof mic[0];
        if (w->first_chunk < 0) {
            /* the mic ran before the stream started: find where we joined */
            w->first_chunk = (long)e->audio.chunk;
            for (size_t p = 0; p < len; p++) {
                int ok = 1;
                for (int i = 0; i < e->audio.n && ok; i++)
                    ok = e->audio.samples[i] == mic[(p + (size_t)i) % len];
                if (ok) {
                    w->origin = p;
                    break;
                }
            }
        }
        w->chunks++;
        for (int i = 0; i < e->audio.n; i++) {
            uint64_t pos = w->origin +
                (uint64_t)(e->audio.chunk - (uint32_t)w->first_chunk) * DEV_AUDIO_MAX_SAMPLES +
                (uint64_t)i;
            if (e->audio.samples[i] != mic[pos % len]) w->bad_samples++;
        }
        w->samples += e->audio.n;
    }
}

static int is_ready(struct dev_session *s, void *u)
{
    (void)u;
    return dev_session_state(s) == DEV_ST_READY;
}
static int got_result(struct dev_session *s, void *u)
{
    (void)s;
    return ((struct watch *)u)->results > 0;
}
static int got_features(struct dev_session *s, void *u)
{
    (void)s;
    return ((struct watch *)u)->features > 0;
}
static int minute(struct dev_session *s, void *u)
{
    (void)s;
    return ((struct watch *)u)->samples >= 60u * 16000;
}
/* Conditions for drive(): states the session reaches on its own clock. The
 * deadlines given to drive() bound a hang, not the speed. */
static int idle(struct dev_session *s, void *u)
{
    (void)u;
    return dev_session_pending(s) == 0;
}
static int mismatched(struct dev_session *s, void *u)
{
    (void)u;
    return dev_session_state(s) == DEV_ST_VERSION_MISMATCH;
}
static int timed_out(struct dev_session *s, void *u)
{
    (void)u;
    return dev_session_state(s) == DEV_ST_TIMEOUT;
}

static void test_end_to_end(void)
{
    for (size_t i = 0; i < sizeof mic / sizeof mic[0]; i++)
        mic[i] = (int16_t)((i * 7919u) ^ (i >> 3));
    struct dev_sim_config cfg = { 0 };
    /* a private folder: a PID alone may repeat across machines sharing /tmp */
    char dir[] = "/tmp/kwscope-test-sim-XXXXXX", link[256];
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    snprintf(link, sizeof link, "%s/port", dir);
    cfg.link = link;
    cfg.mic = mic;
    cfg.mic_n = sizeof mic / sizeof mic[0];
    cfg.speed = 30; /* a minute of audio in two seconds */
    cfg.pipe.features = fake_features;
    cfg.pipe.infer = fake_infer;
    fixture_info(&cfg.info);
    struct sim_thread st;
    if (sim_start(&st, &cfg)) {
        CHECK(!"sim");
        return;
    }

    struct dev_session_config sc = { 0 };
    sc.path = link; /* through the symlink, as a user would */
    struct dev_session *s;
    char err[256];
    CHECK_INT(dev_session_open(&s, &sc, dev_now(), err, sizeof err), KWS_OK);
    struct watch w = { 0 };
    w.first_chunk = -1;
    CHECK(drive(s, 30, on_ev, is_ready, &w));
    const struct dev_info *info = dev_session_info(s);
    CHECK(info != NULL);
    if (info) {
        CHECK_STR(info->model, "fake");
        CHECK_INT(info->n_labels, 4);
        CHECK_STR(info->labels[2], "yes");
        CHECK_INT(info->sample_rate, 16000);
    }

    /* push one second, classify: the same stages here give the same scores */
    static int16_t clip[16000];
    for (int i = 0; i < 16000; i++) clip[i] = (int16_t)(i * 31 - 9000);
    CHECK_INT(dev_session_push(s, clip, 16000), KWS_OK);
    CHECK_INT(dev_session_classify(s), KWS_OK);
    CHECK(drive(s, 60, on_ev, got_result, &w));
    int8_t feat[DEV_FEAT_ROWS * DEV_FEAT_COLS], want[4];
    fake_features(NULL, clip, 16000, feat);
    fake_infer(NULL, feat, want);
    int best = 0;
    for (int j = 0; j < 4; j++) {
        CHECK_INT(w.last.scores[j], want[j]);
        if (want[j] > want[best]) best = j;
    }
    CHECK_INT(w.last.n_scores, 4);
    CHECK_INT(w.last.label, best);
    CHECK_STR(w.label, info ? info->labels[best] : "");
    CHECK_INT(w.errors, 0);

    CHECK_INT(dev_session_request_features(s), KWS_OK);
    CHECK(drive(s, 30, on_ev, got_features, &w));
    CHECK_INT(w.feat.rows, DEV_FEAT_ROWS);
    CHECK(!memcmp(w.feat.data, feat, sizeof feat));

    /* a minute of the board's mic: zero lost chunks, every sample right */
    CHECK_INT(dev_session_mic(s, 1), KWS_OK);
    CHECK(drive(s, 120, on_ev, minute, &w));
    CHECK_INT(dev_session_mic(s, 0), KWS_OK);
    CHECK(drive(s, 30, on_ev, idle, &w)); /* the mic-off acknowledged */
    struct dev_counters c;
    dev_session_counters(s, &c);
    CHECK(w.samples >= 60u * 16000);
    CHECK_INT(c.lost_chunks, 0);
    CHECK_INT(c.bad_frames, 0);
    CHECK_INT(w.bad_samples, 0);
    CHECK_INT(dev_session_pending(s), 0);
    dev_session_close(s);
    sim_stop(&st);
    CHECK(access(link, F_OK) != 0); /* the symlink went with the sim */
    rmdir(dir);
}

static void test_version_mismatch(void)
{
    struct dev_sim_config cfg = { 0 };
    fixture_info(&cfg.info);
    cfg.proto_override = DEV_PROTO_VERSION + 1;
    struct sim_thread st;
    if (sim_start(&st, &cfg)) {
        CHECK(!"sim");
        return;
    }
    struct dev_session_config sc = { 0 };
    sc.path = dev_sim_path(st.sim);
    struct dev_session *s;
    char err[256];
    CHECK_INT(dev_session_open(&s, &sc, dev_now(), err, sizeof err), KWS_OK);
    CHECK(drive(s, 30, NULL, mismatched, NULL));
    CHECK_INT(dev_session_state(s), DEV_ST_VERSION_MISMATCH);
    CHECK(strstr(dev_session_message(s), "protocol v2") != NULL);
    CHECK(strstr(dev_session_message(s), "v1") != NULL);
    dev_session_close(s);
    sim_stop(&st);
}

static void test_silent_board(void)
{
    /* a pty nobody answers on */
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(m >= 0 && !grantpt(m) && !unlockpt(m));
    struct dev_session_config sc = { 0 };
    sc.path = ptsname(m);
    sc.timeout_ms = 50;
    sc.retries = 2;
    struct dev_session *s;
    char err[256];
    CHECK_INT(dev_session_open(&s, &sc, dev_now(), err, sizeof err), KWS_OK);
    CHECK_INT(dev_session_state(s), DEV_ST_CONNECTING);
    CHECK(drive(s, 30, NULL, timed_out, NULL));
    CHECK_INT(dev_session_state(s), DEV_ST_TIMEOUT);
    struct dev_counters c;
    dev_session_counters(s, &c);
    CHECK(c.resends >= 3);
    CHECK_INT(c.timeouts, 1);
    dev_session_close(s);
    close(m);
    /* a port that does not exist: one clear error */
    sc.path = "/nonexistent/ttyACM9";
    CHECK(dev_session_open(&s, &sc, dev_now(), err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "/nonexistent/ttyACM9") != NULL);
}

int main(void)
{
    test_end_to_end();
    test_version_mismatch();
    test_silent_board();
    return test_done();
}
