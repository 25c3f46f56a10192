/* test_pipeline.c: the board's real pipeline (device/board_pipeline.c) run
 * by the board core in process, against the host's own path (dsp_micro_clip
 * + mdl_kws_score, what `kwscope classify` does for a 1 s clip): identical
 * int8 features and scores on demo cuts, noise, silence and a tone; against
 * the conformance references (upstream model and clips) when ../shared is
 * there; a caller-owned arena (static, too small, misaligned); INFO fields;
 * the detector in the post stage, clock wrap included; bad labels. */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture/capture.h"
#include "device/device.h"
#include "test.h"

static uint32_t fake_us;
static uint32_t fake_micros(void *io)
{
    (void)io;
    return fake_us += 3;
}
static void no_write(void *io, const uint8_t *p, size_t n)
{
    (void)io;
    (void)p;
    (void)n;
}

static struct dev_board board;
static struct dev_pipeline pl;

/* The host's features and scores for one second. */
static void host_path(struct mdl_kws *k, const int16_t *x, int8_t *feat, int8_t *scores)
{
    struct dsp_micro_config mc = dsp_micro_config_default();
    uint16_t *u = NULL;
    size_t frames = 0;
    char err[256];
    CHECK_INT(dsp_micro_clip(&mc, x, DEV_BOARD_CLIP, &u, &frames, err, sizeof err), KWS_OK);
    CHECK_INT(frames, DEV_FEAT_ROWS);
    CHECK_INT(mdl_kws_input_i8(k, u, feat), KWS_OK);
    CHECK_INT(mdl_kws_score(k, u, scores, err, sizeof err), KWS_OK);
    free(u);
}

/* One second through the board core; checks features and scores. */
static void same_as_host(struct mdl_kws *host, const int16_t *x, const char *what)
{
    int8_t feat[DEV_FEAT_ROWS * DEV_FEAT_COLS], s[DEV_MAX_LABELS];
    host_path(host, x, feat, s);
    dev_board_feed(&board, x, DEV_BOARD_CLIP);
    struct dev_result r;
    CHECK_INT(dev_board_classify(&board, &r), 0);
    CHECK_INT(r.n_scores, host->n_classes);
    int bad_feat = memcmp(board.feat.data, feat, sizeof feat) != 0;
    int bad_scores = memcmp(r.scores, s, (size_t)host->n_classes) != 0;
    if (bad_feat || bad_scores) fprintf(stderr, "%s: board and host differ\n", what);
    CHECK(!bad_feat);
    CHECK(!bad_scores);
    if (!r.detected) CHECK_INT(r.label, mdl_kws_top(s, host->n_classes));
    CHECK(r.preprocess_us > 0 && r.inference_us > 0);
}

static void test_host_parity(const struct mdl_model *m)
{
    char err[256], p[4096];
    static struct mdl_kws host;
    CHECK_INT(mdl_kws_init(&host, m, err, sizeof err), KWS_OK);
    CHECK_INT(dev_pipeline_init(&pl, m, NULL, NULL, 0, err, sizeof err), KWS_OK);
    struct dev_board_pipeline st = dev_pipeline_stages(&pl);
    struct dev_info info = { 0 };
    dev_board_init(&board, &info, &st, no_write, fake_micros, NULL);
    struct cap_clip demo = { 0 };
    CHECK_INT(cap_clip_load(SOURCE_PATH("assets/demo.wav", p), &demo, err, sizeof err), KWS_OK);
    static int16_t x[DEV_BOARD_CLIP];
    for (size_t off = 0; demo.n_samples >= DEV_BOARD_CLIP && off + DEV_BOARD_CLIP <= demo.n_samples;
         off += 2900) {
        char what[64];
        snprintf(what, sizeof what, "demo.wav @%zu", off);
        same_as_host(&host, demo.samples + off, what);
    }
    cap_clip_free(&demo);
    uint32_t r = 7;
    for (int i = 0; i < DEV_BOARD_CLIP; i++) {
        r = r * 1664525u + 1013904223u;
        x[i] = (int16_t)((int32_t)(r >> 16) - 32768);
    }
    same_as_host(&host, x, "full-scale noise");
    memset(x, 0, sizeof x);
    same_as_host(&host, x, "digital silence");
    for (int i = 0; i < DEV_BOARD_CLIP; i++) x[i] = (int16_t)(8000 * ((i / 8) % 2 ? 1 : -1));
    same_as_host(&host, x, "1 kHz square");
    mdl_kws_free(&host);
    dev_pipeline_free(&pl);
}

/* Upstream model and clips: the board reproduces the reference bytes. */
static void test_conformance(void)
{
    char p[4096], err[256];
    FILE *f = fopen(SHARED_PATH("conformance/manifest.json", p), "rb");
    if (!f) {
        fprintf(stderr, "conformance: ../shared absent, skipped\n");
        return;
    }
    fclose(f);
    static struct mdl_model m;
    CHECK_INT(mdl_model_load(SHARED_PATH("conformance/micro_speech_quantized.tflite", p), &m, err,
                             sizeof err),
              KWS_OK);
    CHECK_INT(dev_pipeline_init(&pl, &m, NULL, NULL, 0, err, sizeof err), KWS_OK);
    struct dev_board_pipeline st = dev_pipeline_stages(&pl);
    struct dev_info info = { 0 };
    dev_board_init(&board, &info, &st, no_write, fake_micros, NULL);
    static const char *const names[4] = { "yes", "no", "silence", "noise" };
    for (int i = 0; i < 4; i++) {
        char rel[128];
        struct cap_clip c = { 0 };
        snprintf(rel, sizeof rel, "conformance/%s_1000ms.wav", names[i]);
        CHECK_INT(cap_clip_load(SHARED_PATH(rel, p), &c, err, sizeof err), KWS_OK);
        CHECK_INT(c.n_samples, DEV_BOARD_CLIP);
        if (c.n_samples != DEV_BOARD_CLIP) {
            cap_clip_free(&c);
            continue;
        }
        dev_board_feed(&board, c.samples, DEV_BOARD_CLIP);
        cap_clip_free(&c);
        struct dev_result r;
        CHECK_INT(dev_board_classify(&board, &r), 0);
        int8_t want_f[DEV_FEAT_ROWS * DEV_FEAT_COLS], want_s[4];
        snprintf(rel, sizeof rel, "conformance/%s_1000ms.features_i8.bin", names[i]);
        f = fopen(SHARED_PATH(rel, p), "rb");
        CHECK(f && fread(want_f, 1, sizeof want_f, f) == sizeof want_f);
        if (f) fclose(f);
        snprintf(rel, sizeof rel, "conformance/%s_1000ms.scores_i8.bin", names[i]);
        f = fopen(SHARED_PATH(rel, p), "rb");
        CHECK(f && fread(want_s, 1, 4, f) == 4);
        if (f) fclose(f);
        CHECK(!memcmp(board.feat.data, want_f, sizeof want_f));
        for (int j = 0; j < 4; j++) CHECK_INT(r.scores[j], want_s[j]);
    }
    dev_pipeline_free(&pl);
    mdl_model_free(&m);
}

static void test_arena(const struct mdl_model *m)
{
    char err[256];
    static alignas(16) uint8_t arena[8192];
    CHECK_INT(dev_pipeline_init(&pl, m, NULL, arena, 64, err, sizeof err), KWS_ERR_NOMEM);
    CHECK(strstr(err, "5968-byte arena") != NULL);
    CHECK_INT(dev_pipeline_init(&pl, m, NULL, arena + 1, sizeof arena - 1, err, sizeof err),
              KWS_ERR_NOMEM);
    CHECK(strstr(err, "misaligned") != NULL);
    CHECK_INT(dev_pipeline_init(&pl, m, NULL, arena, sizeof arena, err, sizeof err), KWS_OK);
    CHECK(pl.kws.it.arena == arena && !pl.kws.it.own_arena);
    static int16_t x[DEV_BOARD_CLIP];
    for (int i = 0; i < DEV_BOARD_CLIP; i++) x[i] = (int16_t)((i * 7919) % 20000 - 10000);
    int8_t feat[DEV_FEAT_ROWS * DEV_FEAT_COLS], s1[8], s2[8];
    struct dev_board_pipeline st = dev_pipeline_stages(&pl);
    CHECK_INT(st.features(st.user, x, DEV_BOARD_CLIP, feat), 0);
    CHECK_INT(st.infer(st.user, feat, s1), 4);
    dev_pipeline_free(&pl); /* must not free the static arena (ASan would say) */
    CHECK_INT(dev_pipeline_init(&pl, m, NULL, NULL, 0, err, sizeof err), KWS_OK);
    st = dev_pipeline_stages(&pl);
    CHECK_INT(st.features(st.user, x, DEV_BOARD_CLIP, feat), 0);
    CHECK_INT(st.infer(st.user, feat, s2), 4);
    CHECK(!memcmp(s1, s2, 4));
    dev_pipeline_free(&pl);
}

static void test_describe(const struct mdl_model *m, const uint8_t *bytes, size_t n)
{
    char err[256];
    CHECK_INT(dev_pipeline_init(&pl, m, NULL, NULL, 0, err, sizeof err), KWS_OK);
    struct dev_info info = { 0 };
    CHECK_INT(dev_pipeline_describe(&pl, m, "a_model_name_longer_than_thirty_one_chars.tflite",
                                    NULL, &info, err, sizeof err),
              KWS_OK);
    CHECK_INT(strlen(info.model), 31);
    CHECK_INT(info.model_hash, dev_crc32(0, bytes, n));
    CHECK_INT(info.n_labels, 4);
    CHECK_STR(info.labels[2], "yes");
    CHECK_INT(info.arena_bytes, 5960);
    CHECK_INT(info.flash_bytes, n);
    CHECK(info.ram_bytes > sizeof(struct dev_board) + info.arena_bytes + n);
    CHECK_INT(dev_pipeline_describe(&pl, m, "m", "a,b,c", &info, err, sizeof err), KWS_ERR_ARG);
    CHECK(strstr(err, "3 labels given, the model has 4") != NULL);
    CHECK_INT(dev_pipeline_describe(&pl, m, "m", "a,,c,d", &info, err, sizeof err), KWS_ERR_ARG);
    CHECK_INT(dev_pipeline_describe(&pl, m, "m", "a,b,c,seventeen_chars_x", &info, err, sizeof err),
              KWS_ERR_ARG);
    CHECK_INT(dev_pipeline_describe(&pl, m, "m", "s,u,y,n", &info, err, sizeof err), KWS_OK);
    CHECK_STR(info.labels[3], "n");
    dev_pipeline_free(&pl);
}

/* micro_speech's RecognizeCommands on the board clock: three confident
 * "yes" within a second fire once; suppression; the clock wrapping. */
static void test_post(const struct mdl_model *m)
{
    char err[256];
    CHECK_INT(dev_pipeline_init(&pl, m, NULL, NULL, 0, err, sizeof err), KWS_OK);
    struct dev_board_pipeline st = dev_pipeline_stages(&pl);
    const int8_t yes[4] = { -128, -128, 127, -128 };
    uint8_t label, det, score = 0;
    int fired = 0;
    for (uint32_t t = 4000000; t < 4000000 + 1000; t += 100) {
        label = 2;
        st.post(st.user, yes, 4, t, &label, &det, &score);
        if (det) {
            fired++;
            CHECK_INT(label, 2);
            CHECK_INT(score, 255);
        }
    }
    CHECK_INT(fired, 1);
    /* micros() wrapped: the detector starts over instead of failing */
    det = 9;
    st.post(st.user, yes, 4, 5, &label, &det, &score);
    CHECK_INT(det, 0);
    st.post(st.user, yes, 4, 105, &label, &det, &score);
    st.post(st.user, yes, 4, 205, &label, &det, &score);
    CHECK_INT(det, 1);
    CHECK_INT(pl.detections, 2);
    dev_pipeline_free(&pl);
}

int main(void)
{
    char p[4096], err[256];
    static struct mdl_model m;
    if (mdl_model_load(SOURCE_PATH("assets/default_model.tflite", p), &m, err, sizeof err) !=
        KWS_OK) {
        fprintf(stderr, "default model: %s\n", err);
        return 1;
    }
    FILE *f = fopen(p, "rb");
    static uint8_t bytes[1 << 16];
    size_t n = f ? fread(bytes, 1, sizeof bytes, f) : 0;
    if (f) fclose(f);
    test_host_parity(&m);
    test_conformance();
    test_arena(&m);
    test_describe(&m, bytes, n);
    test_post(&m);
    mdl_model_free(&m);
    return test_done();
}
