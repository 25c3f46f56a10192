/* board_pipeline.c: the board's real stages behind struct dev_board_pipeline:
 * the fixed-point micro frontend (dsp/), the int8 model (models/ mdl_kws) and
 * micro_speech's keyword detector (models/ mdl_detect). Portable C shared by
 * the virtual board and the firmware sketch: no stdio, no allocation after
 * dev_pipeline_init.
 *
 * DESIGN: host and board must agree bit for bit on continuous audio, so the
 * frontend streams exactly as `kwscope classify`'s track does (models/
 * track.c): one state from the stream's first sample, each completed frame
 * (480 samples every 320) shifted into the window of the last 49, and the
 * window stamped with the end of its newest frame's audio. The int8
 * conversion is models' own (mdl_kws_input_i8); inference takes exactly
 * those int8 features, which are also what the board sends in its FEATURES
 * frame. A whole clip (no stream stage used) is the same thing from a fresh
 * state: a stream of one second. */
#include <string.h>

#include "device.h"

#define DEFAULT_LABELS "silence,unknown,yes,no"

static void restart(struct dev_pipeline *p)
{
    dsp_micro_reset(&p->micro);
    memset(p->u16, 0, sizeof p->u16); /* frames not yet heard are zero, as classify pads */
    p->frames = 0;
    p->fresh_frames = false;
    p->have_ms = false;
    mdl_detect_init(&p->det, &p->dcfg, NULL, 0);
}

static int st_stream(void *user, const int16_t *s, size_t n, int fresh)
{
    struct dev_pipeline *p = user;
    const size_t ch = DEV_FEAT_COLS, last = (DEV_FEAT_ROWS - 1) * DEV_FEAT_COLS;
    if (fresh) restart(p);
    while (n) {
        size_t used = 0;
        uint16_t frame[DEV_FEAT_COLS];
        size_t got = dsp_micro_feed(&p->micro, s, n, &used, frame, 1);
        s += used;
        n -= used;
        if (!got) break; /* the rest waits in the frontend for its window */
        memmove(p->u16, p->u16 + ch, last * sizeof p->u16[0]);
        memcpy(p->u16 + last, frame, sizeof frame);
        p->frames++;
        p->fresh_frames = true;
    }
    return 0;
}

static int st_features(void *user, const int16_t *clip, size_t n, int8_t *feat)
{
    struct dev_pipeline *p = user;
    if (clip) st_stream(p, clip, n, 1); /* a whole clip: a stream of its own */
    if (p->float_input) {
        /* the model reads u16 itself; send micro_speech's int8 view */
        for (size_t i = 0; i < DEV_FEAT_ROWS * DEV_FEAT_COLS; i++)
            feat[i] = dsp_micro_to_int8(p->u16[i]);
        return 0;
    }
    return mdl_kws_input_i8(&p->kws, p->u16, feat) == KWS_OK ? 0 : -1;
}

static int st_infer(void *user, const int8_t *feat, int8_t *scores)
{
    struct dev_pipeline *p = user;
    enum kws_status st = p->float_input ? mdl_kws_score(&p->kws, p->u16, scores, NULL, 0)
                                        : mdl_kws_score_i8(&p->kws, feat, scores, NULL, 0);
    return st == KWS_OK ? p->kws.n_classes : -1;
}

static void st_post(void *user, const int8_t *scores, int n, uint32_t now_ms, uint8_t *label,
                    uint8_t *detected, uint8_t *score)
{
    struct dev_pipeline *p = user;
    *detected = 0;
    if (n != p->dcfg.n_classes) return;
    if (p->frames) {
        /* micro_speech's clock: the audio's own time, here the end of the
         * newest frame since the stream began (the track's row stamp); a
         * window with no new frame was judged already */
        if (!p->fresh_frames) return;
        p->fresh_frames = false;
        uint64_t end = (uint64_t)KWS_STRIDE_SAMPLES * (p->frames - 1) + KWS_WINDOW_SAMPLES;
        now_ms = (uint32_t)(end * 1000u / KWS_RATE_HZ);
    }
    /* clocks wrap (micros() every ~71 minutes, a stream's after 49 days):
     * the detector needs a clock that never goes back, so it starts afresh */
    if (p->have_ms && now_ms < p->last_ms) mdl_detect_init(&p->det, &p->dcfg, NULL, 0);
    p->have_ms = true;
    p->last_ms = now_ms;
    struct mdl_detect_result r;
    if (mdl_detect_process(&p->det, scores, (int32_t)now_ms, &r, NULL, 0) != KWS_OK) return;
    if (r.is_new) {
        *label = (uint8_t)r.label;
        *detected = 1;
        *score = (uint8_t)r.score;
        p->detections++;
    }
}

enum kws_status dev_pipeline_init(struct dev_pipeline *p, const struct mdl_model *m,
                                  const struct mdl_detect_config *dc, void *arena, size_t arena_cap,
                                  char *err, size_t err_len)
{
    memset(p, 0, sizeof *p);
    struct dsp_micro_config mc = dsp_micro_config_default();
    enum kws_status st = dsp_micro_init(&p->micro, &mc, err, err_len);
    if (st != KWS_OK) return st;
    st = mdl_kws_init_arena(&p->kws, m, arena, arena_cap, err, err_len);
    if (st != KWS_OK) return st;
    if (p->kws.frames != DEV_FEAT_ROWS || p->kws.n_classes > DEV_MAX_LABELS) {
        int frames = p->kws.frames, classes = p->kws.n_classes;
        mdl_kws_free(&p->kws);
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED,
                       "the board runs models of %d x %d features and at most %d outputs "
                       "(this one: %d frames, %d outputs)",
                       DEV_FEAT_ROWS, DEV_FEAT_COLS, DEV_MAX_LABELS, frames, classes);
    }
    p->float_input = mdl_interp_input(&p->kws.it, 0, NULL)->type != MDL_T_INT8;
    p->dcfg = dc ? *dc : mdl_detect_config_default();
    p->dcfg.n_classes = p->kws.n_classes;
    st = mdl_detect_init(&p->det, &p->dcfg, err, err_len);
    if (st != KWS_OK) mdl_kws_free(&p->kws);
    return st;
}

void dev_pipeline_free(struct dev_pipeline *p)
{
    mdl_kws_free(&p->kws);
}

struct dev_board_pipeline dev_pipeline_stages(struct dev_pipeline *p)
{
    struct dev_board_pipeline s = { p, st_features, st_infer, st_post, st_stream };
    return s;
}

enum kws_status dev_pipeline_describe(const struct dev_pipeline *p, const struct mdl_model *m,
                                      const char *name, const char *labels, struct dev_info *info,
                                      char *err, size_t err_len)
{
    const char *l = labels ? labels : DEFAULT_LABELS;
    int n = 0;
    char tmp[DEV_MAX_LABELS][DEV_LABEL_LEN];
    while (1) {
        size_t k = strcspn(l, ",");
        if (!k || k >= DEV_LABEL_LEN)
            return kws_err(err, err_len, KWS_ERR_ARG, "labels: each needs 1..%d characters",
                           DEV_LABEL_LEN - 1);
        if (n == DEV_MAX_LABELS)
            return kws_err(err, err_len, KWS_ERR_ARG, "labels: at most %d", DEV_MAX_LABELS);
        memcpy(tmp[n], l, k);
        tmp[n++][k] = 0;
        if (!l[k]) break;
        l += k + 1;
    }
    if (n != p->kws.n_classes)
        return kws_err(err, err_len, KWS_ERR_ARG, "%d labels given, the model has %d outputs", n,
                       p->kws.n_classes);
    memset(info->model, 0, sizeof info->model);
    size_t nl = strlen(name);
    if (nl >= sizeof info->model) nl = sizeof info->model - 1;
    memcpy(info->model, name, nl);
    info->model_hash = dev_crc32(0, m->bytes, m->n_bytes);
    info->n_labels = (uint8_t)n;
    memset(info->labels, 0, sizeof info->labels);
    memcpy(info->labels, tmp, sizeof tmp[0] * (size_t)n);
    info->arena_bytes = (uint32_t)p->kws.it.plan.arena_bytes;
    info->flash_bytes = (uint32_t)m->n_bytes;
    info->ram_bytes = (uint32_t)(sizeof(struct dev_board) + sizeof(struct dev_pipeline) +
                                 p->kws.it.plan.arena_bytes + m->n_bytes);
    return KWS_OK;
}
