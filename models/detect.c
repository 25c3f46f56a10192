/* detect.c: keyword detection from a stream of model scores, following
 * micro_speech's RecognizeCommands (tflite-micro examples/micro_speech,
 * recognize_commands.cc): a time-stamped queue of results, averaging over a
 * window, a threshold on the 0..255 average, suppression of repeats, and a
 * minimum number of results before anything is judged. The state is a plain
 * fixed-size struct: no allocation, so the firmware can use it too. */
#include <string.h>

#include "models.h"

struct mdl_detect_config mdl_detect_config_default(void)
{
    /* micro_speech's RecognizeCommands defaults. */
    struct mdl_detect_config c = {
        .window_ms = 1000, .threshold = 200, .suppression_ms = 1500, .min_count = 3, .n_classes = 4
    };
    return c;
}

enum kws_status mdl_detect_init(struct mdl_detect *d, const struct mdl_detect_config *cfg,
                                char *err, size_t err_len)
{
    memset(d, 0, sizeof *d);
    if (cfg->n_classes < 1 || cfg->n_classes > MDL_DETECT_MAX_CLASSES)
        return kws_err(err, err_len, KWS_ERR_ARG, "detector: %d classes (allowed 1..%d)",
                       cfg->n_classes, MDL_DETECT_MAX_CLASSES);
    if (cfg->window_ms < 0 || cfg->suppression_ms < 0)
        return kws_err(err, err_len, KWS_ERR_ARG,
                       "detector: window and suppression must be >= 0 ms");
    if (cfg->threshold < 0 || cfg->threshold > 255)
        return kws_err(err, err_len, KWS_ERR_ARG, "detector: threshold %d outside 0..255",
                       cfg->threshold);
    if (cfg->min_count < 1 || cfg->min_count > MDL_DETECT_QUEUE)
        return kws_err(err, err_len, KWS_ERR_ARG, "detector: minimum count %d outside 1..%d",
                       cfg->min_count, MDL_DETECT_QUEUE);
    d->cfg = *cfg;
    return KWS_OK;
}

enum kws_status mdl_detect_process(struct mdl_detect *d, const int8_t *scores, int32_t t_ms,
                                   struct mdl_detect_result *r, char *err, size_t err_len)
{
    memset(r, 0, sizeof *r);
    if (d->started && t_ms < d->last_t_ms)
        return kws_err(err, err_len, KWS_ERR_ARG, "detector: result at %d ms is older than %d ms",
                       (int)t_ms, (int)d->last_t_ms);
    d->started = true;
    d->last_t_ms = t_ms;
    int n = d->cfg.n_classes;
    if (d->count == MDL_DETECT_QUEUE) { /* full: drop the oldest */
        d->head = (d->head + 1) % MDL_DETECT_QUEUE;
        d->count--;
    }
    int tail = (d->head + d->count) % MDL_DETECT_QUEUE;
    d->q[tail].t_ms = t_ms;
    memcpy(d->q[tail].s, scores, (size_t)n);
    d->count++;
    while (d->count > 0 && (int64_t)t_ms - d->q[d->head].t_ms > d->cfg.window_ms) {
        d->head = (d->head + 1) % MDL_DETECT_QUEUE;
        d->count--;
    }
    if (d->count < d->cfg.min_count) {
        r->label = d->prev_label;
        return KWS_OK;
    }
    for (int k = 0; k < d->count; k++) {
        const int8_t *s = d->q[(d->head + k) % MDL_DETECT_QUEUE].s;
        for (int c = 0; c < n; c++) r->avg[c] += s[c] + 128;
    }
    int top = 0;
    for (int c = 0; c < n; c++) {
        r->avg[c] /= d->count;
        if (r->avg[c] > r->avg[top]) top = c;
    }
    int64_t since =
        (d->prev_label == 0 || !d->have_prev_t) ? INT64_MAX : (int64_t)t_ms - d->prev_t_ms;
    r->valid = true;
    r->label = top;
    r->score = r->avg[top];
    if (r->score > d->cfg.threshold && (top != d->prev_label || since > d->cfg.suppression_ms)) {
        d->prev_label = top;
        d->prev_t_ms = t_ms;
        d->have_prev_t = true;
        r->is_new = true;
    }
    return KWS_OK;
}

enum kws_status mdl_detect_track(const struct mdl_detect_config *cfg, const int8_t *scores,
                                 const int32_t *t_ms, size_t n, struct mdl_detection *out,
                                 size_t max, size_t *n_out, char *err, size_t err_len)
{
    struct mdl_detect d;
    *n_out = 0;
    enum kws_status st = mdl_detect_init(&d, cfg, err, err_len);
    if (st != KWS_OK) return st;
    for (size_t i = 0; i < n; i++) {
        struct mdl_detect_result r;
        st = mdl_detect_process(&d, scores + i * (size_t)cfg->n_classes, t_ms[i], &r, err, err_len);
        if (st != KWS_OK) return st;
        if (r.is_new && *n_out < max)
            out[(*n_out)++] = (struct mdl_detection){ i, t_ms[i], r.label, r.score };
    }
    return KWS_OK;
}

enum kws_status mdl_detect_tops(const struct mdl_detect_config *cfg, const int8_t *scores,
                                const int32_t *t_ms, size_t n, int8_t *top, uint8_t *score,
                                char *err, size_t err_len)
{
    /* Threshold 255 never fires (the average must exceed it), so the state
     * that detections change (previous label and time) stays at its start
     * and only the averages are computed. */
    struct mdl_detect_config c = *cfg;
    c.threshold = 255;
    struct mdl_detect d;
    enum kws_status st = mdl_detect_init(&d, &c, err, err_len);
    for (size_t i = 0; i < n && st == KWS_OK; i++) {
        struct mdl_detect_result r;
        st = mdl_detect_process(&d, scores + i * (size_t)c.n_classes, t_ms[i], &r, err, err_len);
        top[i] = (int8_t)(r.valid ? r.label : -1);
        score[i] = (uint8_t)(r.valid ? r.score : 0);
    }
    return st;
}

size_t mdl_detect_from_tops(int32_t threshold, int32_t suppression_ms, const int8_t *top,
                            const uint8_t *score, const int32_t *t_ms, size_t n,
                            struct mdl_detection *out, size_t max)
{
    /* mdl_detect_process's decision, row by row. */
    int prev = 0;
    bool have_t = false;
    int32_t prev_t = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (top[i] < 0 || score[i] <= threshold) continue;
        int64_t since = (prev == 0 || !have_t) ? INT64_MAX : (int64_t)t_ms[i] - prev_t;
        if (top[i] == prev && since <= suppression_ms) continue;
        prev = top[i];
        prev_t = t_ms[i];
        have_t = true;
        if (k < max) out[k] = (struct mdl_detection){ i, t_ms[i], top[i], score[i] };
        k++;
    }
    return k < max ? k : max;
}
