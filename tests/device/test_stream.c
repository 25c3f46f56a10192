/* test_stream.c: a 30 s stream pushed to the virtual board (the real
 * pipeline and the default model with its calibrated detector settings,
 * dev_sim_setup as `kwscope board sim` does, on a real pty, driven by the
 * host's session) gives, window by window, the same int8 scores as `kwscope
 * classify`'s track (mdl_track) on the same audio, and the same detections
 * (label and time); then a 1 s clip pushed after the stream is classified
 * from a fresh state (the host's 1 s clip path). The stream is the demo clip
 * and, when ../shared is there, Google's test clips, repeated. */
#include <stdio.h>
#include <stdlib.h>

#include "capture/capture.h"
#include "sim_fixture.h"
#include "test.h"

#define STREAM_S 30
#define MAX_DET 256

static int16_t *stream;
static size_t stream_n;

static void append_file(const char *path)
{
    struct cap_clip c;
    char err[256];
    if (cap_clip_load(path, &c, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "%s\n", err);
        CHECK(!"load");
        return;
    }
    size_t cap = (size_t)STREAM_S * KWS_RATE_HZ;
    size_t k = c.n_samples < cap - stream_n ? c.n_samples : cap - stream_n;
    memcpy(stream + stream_n, c.samples, k * sizeof *stream);
    stream_n += k;
    cap_clip_free(&c);
}

static void build_stream(const char *src, const char *shared)
{
    static const char *const clips[] = { "yes_1000ms", "silence_1000ms", "no_1000ms",
                                         "noise_1000ms" };
    char path[4096];
    stream = calloc((size_t)STREAM_S * KWS_RATE_HZ, sizeof *stream);
    while (stream && stream_n < (size_t)STREAM_S * KWS_RATE_HZ) {
        size_t before = stream_n;
        snprintf(path, sizeof path, "%s/assets/demo.wav", src);
        append_file(path);
        for (size_t i = 0; shared && i < sizeof clips / sizeof clips[0]; i++) {
            snprintf(path, sizeof path, "%s/conformance/%s.wav", shared, clips[i]);
            append_file(path);
        }
        if (stream_n == before) break;
    }
}

struct host {
    struct mdl_model m;
    struct mdl_kws k;
    struct mdl_track t;
    struct mdl_detection det[MAX_DET];
    size_t n_det;
};

static int host_track(struct host *h, const char *model_path, const struct mdl_detect_config *dc)
{
    char err[256];
    if (mdl_model_load(model_path, &h->m, err, sizeof err) != KWS_OK ||
        mdl_kws_init(&h->k, &h->m, err, sizeof err) != KWS_OK ||
        mdl_track_init(&h->t, &h->k, err, sizeof err) != KWS_OK ||
        mdl_track_feed(&h->t, stream, stream_n, (size_t)-1, NULL, err, sizeof err) != KWS_OK ||
        mdl_track_detect(&h->t, dc, h->det, MAX_DET, &h->n_det, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "host: %s\n", err);
        return -1;
    }
    return 0;
}

static int push_classify(struct dev_session *s, const int16_t *x, size_t n, struct dev_event *ev)
{
    char err[256];
    static volatile int never;
    if (dev_session_push(s, x, n) != KWS_OK || dev_session_classify(s) != KWS_OK ||
        dev_session_wait_result(s, 20, &never, ev, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "board: %s\n", err);
        return -1;
    }
    return 0;
}

/* Window by window against the track; returns the board's detections. */
static void board_stream(struct dev_session *s, const struct host *h)
{
    struct dev_event ev;
    size_t rows = h->t.rows, bad = 0, n_det = 0, pos = DEV_BOARD_CLIP;
    int n = h->t.n_classes;
    struct mdl_detection det[MAX_DET];
    for (size_t w = 0; w < rows; w++) {
        const int16_t *x = w ? stream + pos : stream;
        size_t k = w ? KWS_STRIDE_SAMPLES : DEV_BOARD_CLIP;
        if (w) pos += k;
        if (push_classify(s, x, k, &ev)) {
            CHECK(!"push");
            return;
        }
        CHECK_INT(ev.result.n_scores, n);
        if (memcmp(ev.result.scores, mdl_track_row(&h->t, w), (size_t)n) && bad++ < 3)
            fprintf(stderr, "window %zu (%d ms): board and classify differ\n", w, h->t.t_ms[w]);
        if (ev.result.detected && n_det < MAX_DET)
            det[n_det++] = (struct mdl_detection){ w, h->t.t_ms[w], ev.result.label, 0 };
    }
    CHECK_INT(bad, 0);
    CHECK_INT(n_det, h->n_det);
    for (size_t i = 0; i < n_det && i < h->n_det; i++) {
        CHECK_INT(det[i].t_ms, h->det[i].t_ms);
        CHECK_INT(det[i].label, h->det[i].label);
    }
    printf("stream: %zu windows, %zu detections, board == classify\n", rows, n_det);
}

/* A 1 s clip pushed after the stream: a fresh state, the clip path. */
static void board_clip(struct dev_session *s, struct host *h)
{
    const int16_t *x = stream + 3 * KWS_RATE_HZ;
    struct dsp_micro_config mc = dsp_micro_config_default();
    uint16_t *u = NULL;
    size_t frames = 0;
    int8_t want[DEV_MAX_LABELS];
    char err[256];
    CHECK_INT(dsp_micro_clip(&mc, x, DEV_BOARD_CLIP, &u, &frames, err, sizeof err), KWS_OK);
    CHECK_INT(mdl_kws_score(&h->k, u, want, err, sizeof err), KWS_OK);
    free(u);
    struct dev_event ev;
    if (push_classify(s, x, DEV_BOARD_CLIP, &ev)) {
        CHECK(!"push");
        return;
    }
    CHECK(!memcmp(ev.result.scores, want, (size_t)h->k.n_classes));
}

int main(void)
{
    const char *src = getenv("KWSCOPE_SOURCE_DIR"), *shared = getenv("KWSCOPE_SHARED_DIR");
    if (!src) return 77;
    char conf[4096];
    snprintf(conf, sizeof conf, "%s/conformance/yes_1000ms.wav", shared ? shared : "");
    FILE *f = shared ? fopen(conf, "rb") : NULL;
    if (f) fclose(f);
    build_stream(src, f ? shared : NULL);
    CHECK_INT(stream_n, (size_t)STREAM_S * KWS_RATE_HZ);

    /* the model's calibrated settings, as board sim and classify read them */
    char model[4096], err[256];
    snprintf(model, sizeof model, "%s/assets/default_model.tflite", src);
    struct mdl_detect_config dc = mdl_detect_config_default();
    bool found = false;
    CHECK_INT(mdl_detect_config_load(model, &dc, 0, &found, err, sizeof err), KWS_OK);
    CHECK(found);
    static struct host h;
    if (host_track(&h, model, &dc)) return 1;
    CHECK(h.n_det > 0); /* the comparison below means something */

    static struct dev_sim_setup v;
    struct dev_sim_setup_config c = { .model = model, .datadir = src, .detect = &dc, .live_ms = 0 };
    if (dev_sim_setup(&v, &c, NULL, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "sim: %s\n", err);
        return 1;
    }
    struct sim_thread th = { .sim = v.sim };
    pthread_create(&th.th, NULL, sim_main, &th);
    struct dev_session_config sc = { .path = dev_sim_path(v.sim) };
    struct dev_session *s = NULL;
    static volatile int never;
    if (dev_session_open(&s, &sc, dev_now(), err, sizeof err) != KWS_OK ||
        dev_session_wait_ready(s, 20, &never, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "session: %s\n", err);
        CHECK(!"session");
    } else {
        board_stream(s, &h);
        board_clip(s, &h);
    }
    if (s) dev_session_close(s);
    th.stop = 1;
    pthread_join(th.th, NULL);
    dev_sim_teardown(&v);
    mdl_track_free(&h.t);
    mdl_kws_free(&h.k);
    mdl_model_free(&h.m);
    free(stream);
    return test_done();
}
