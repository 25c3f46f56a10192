/* test_dash_model.c: a live scope's history trimming, and the dashboard's
 * model over a live scope.
 *
 * Trimming: 620 s appended a second at a time, the views kept current as the
 * dashboard does; past TUI_SCOPE_KEEP_S the oldest TUI_SCOPE_TRIM_S go, and
 * what stays must be exactly what an untrimmed analysis gives for the same
 * audio (spectrogram frames realigned, the stateful micro frontend carried
 * on).
 *
 * Model: feeding a long
 * clip in odd chunks, with the scope trimming old history on the way, must
 * give the same score track and detections as one replay of the detector
 * over the stored track (what a parameter change does), and the detections
 * must match the track detector's (keywords only: silence is filtered). */
#include "test.h"

#include <stdlib.h>
#include <string.h>

#include "dash/dash.h"

static void test_trim(void)
{
    enum { SECS = 620, N = SECS * CAP_RATE_HZ };
    int16_t *x = malloc((size_t)N * sizeof *x);
    uint32_t lcg = 1;
    for (size_t i = 0; i < N; i++) { /* noise with a slow tone: every frame differs */
        lcg = lcg * 1103515245u + 12345u;
        x[i] = (int16_t)((int)((lcg >> 16) & 0x3FF) - 512 + (int)(8000 * ((i / 400) % 7)) / 7);
    }
    static struct tui_scope s;
    tui_scope_live(&s, "trim", "trim");
    double trimmed = 0;
    bool done;
    for (size_t at = 0; at < N; at += CAP_RATE_HZ) {
        trimmed += tui_scope_append(&s, x + at, CAP_RATE_HZ);
        CHECK(tui_scope_step(&s, TUI_VIEW_SPECTROGRAM, (size_t)-1, &done) == KWS_OK);
        CHECK(tui_scope_step(&s, TUI_VIEW_FEATURES, (size_t)-1, &done) == KWS_OK);
    }
    CHECK_NEAR(trimmed, TUI_SCOPE_TRIM_S, 1e-9);
    CHECK_NEAR(s.origin_s, TUI_SCOPE_TRIM_S, 1e-9);
    size_t keep = (size_t)(SECS - TUI_SCOPE_TRIM_S) * CAP_RATE_HZ;
    CHECK_INT(s.clip.n_samples, keep);
    CHECK(memcmp(s.clip.samples, x + (N - keep), keep * sizeof *x) == 0);

    /* Spectrogram: the frames of the kept samples, computed afresh. */
    struct dsp_matrix ref = { 0 };
    char err[256];
    CHECK(dsp_analyze(&s.cfg, DSP_KIND_SPECTROGRAM, s.clip.samples, s.clip.n_samples, &ref, err,
                      sizeof err) == KWS_OK);
    CHECK_INT(s.rows_ready[TUI_VIEW_SPECTROGRAM], ref.rows);
    size_t rows = ref.rows < s.rows_ready[TUI_VIEW_SPECTROGRAM]
        ? ref.rows
        : s.rows_ready[TUI_VIEW_SPECTROGRAM];
    size_t bad = 0;
    for (size_t i = 0; i < rows * ref.cols; i++)
        bad += s.mat[TUI_VIEW_SPECTROGRAM].data[i] != ref.data[i];
    CHECK_INT(bad, 0);
    dsp_matrix_free(&ref);

    /* Features: the frontend ran on, so they equal a whole-clip run over all
     * 620 s from frame TRIM_S / 20 ms on. */
    struct dsp_micro_config mc = dsp_micro_config_default();
    uint16_t *u16 = NULL;
    size_t frames = 0;
    CHECK(dsp_micro_clip(&mc, x, N, &u16, &frames, err, sizeof err) == KWS_OK);
    size_t skip = (size_t)TUI_SCOPE_TRIM_S * 1000 / (size_t)mc.step_ms;
    CHECK_INT(s.rows_ready[TUI_VIEW_FEATURES] + skip, frames);
    bad = 0;
    for (size_t r = 0; r + skip < frames && r < s.rows_ready[TUI_VIEW_FEATURES]; r++)
        for (int c = 0; c < mc.num_channels; c++)
            bad += s.mat[TUI_VIEW_FEATURES].data[r * (size_t)mc.num_channels + (size_t)c] !=
                dsp_micro_to_int8(u16[(r + skip) * (size_t)mc.num_channels + (size_t)c]);
    CHECK_INT(bad, 0);
    free(u16);
    free(x);
    tui_scope_free(&s);
}

int main(void)
{
    test_trim();
    char path[1024], err[256];
    struct cap_clip demo;
    if (cap_clip_load(SOURCE_PATH("assets/demo.wav", path), &demo, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    static struct dash_model m;
    CHECK(dash_model_open(&m, NULL, "silence,unknown,yes,no", err, sizeof err) == KWS_OK);
    if (!m.loaded) return test_done();

    /* 12 loops of the demo clip (28 s), fed in odd chunks. */
    static struct tui_scope s;
    tui_scope_live(&s, "test", "test");
    size_t loops = 12, fed = 0, chunk = 1237;
    size_t total = loops * demo.n_samples;
    int16_t *x = malloc(total * sizeof *x);
    for (size_t i = 0; i < total; i++) x[i] = demo.samples[i % demo.n_samples];
    while (fed < total) {
        size_t n = total - fed < chunk ? total - fed : chunk;
        CHECK(tui_scope_append(&s, x + fed, n) >= 0);
        fed += n;
        chunk = chunk * 7 % 3001 + 17;
        bool pending = true;
        while (pending) dash_model_step(&m, &s, 7, &pending);
    }
    size_t rows = m.track.rows;
    CHECK(rows > 1000);
    size_t n_live = m.n_dets;
    struct tui_detection live[DASH_MAX_DETECTIONS];
    memcpy(live, m.dets, n_live * sizeof live[0]);
    CHECK(n_live >= 1);

    /* The track detector over the whole track, silence dropped. */
    struct tui_detection all[DASH_MAX_DETECTIONS];
    size_t n_all = 0, k = 0;
    CHECK(tui_track_detect(&m.track, &m.det, all, DASH_MAX_DETECTIONS, &n_all, err, sizeof err) ==
          KWS_OK);
    for (size_t i = 0; i < n_all; i++)
        if (!dash_is_silence(m.labels[all[i].label])) all[k++] = all[i];
    CHECK_INT(n_live, k);
    for (size_t i = 0; i < n_live && i < k; i++) {
        CHECK_NEAR(live[i].t_s, all[i].t_s, 1e-9);
        CHECK_INT(live[i].label, all[i].label);
        CHECK_INT(live[i].score, all[i].score);
    }
    /* The detector runs with the model's calibrated settings (its sidecar). */
    struct mdl_detect_config side = mdl_detect_config_default();
    char sp[4096];
    CHECK_INT(mdl_detect_config_load(SOURCE_PATH("assets/default_model.tflite", sp), &side, 0, NULL,
                                     err, sizeof err),
              KWS_OK);
    CHECK(m.det.threshold == side.threshold && m.det.window_ms == side.window_ms &&
          m.det.suppression_ms == side.suppression_ms && m.det.min_count == side.min_count);
    /* A parameter change and back replays to the same detections. */
    char msg[320], want[32];
    snprintf(want, sizeof want, "threshold %d",
             (int)(m.det.threshold <= 245 ? m.det.threshold + 10 : 255));
    CHECK(dash_model_key(&m, 'T', &s, msg, sizeof msg));
    CHECK(strstr(msg, want) != NULL);
    CHECK(dash_model_key(&m, 't', &s, msg, sizeof msg));
    CHECK_INT(m.n_dets, n_live);
    for (size_t i = 0; i < n_live && i < m.n_dets; i++)
        CHECK_NEAR(m.dets[i].t_s, live[i].t_s, 1e-9);
    /* A threshold nobody reaches: no detections, no marks. */
    for (int i = 0; i < 26; i++) dash_model_key(&m, 'T', &s, msg, sizeof msg);
    CHECK_INT(m.det.threshold, 255);
    CHECK(m.n_marks <= m.n_dets);
    /* Marks sit on the scope's own time axis. */
    CHECK(dash_model_key(&m, 't', &s, msg, sizeof msg));
    for (size_t i = 0; i < m.n_marks; i++)
        CHECK_NEAR(m.marks[i].t_s, m.dets[i].t_s - s.origin_s, 1e-9);

    free(x);
    tui_scope_free(&s);
    dash_model_free(&m);
    cap_clip_free(&demo);
    return test_done();
}
