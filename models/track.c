/* track.c: the model over a stream: the int8 score of every 20 ms window and
 * its time stamp, the one definition `kwscope classify`, the dashboard and
 * the board share.
 *
 * The micro frontend is stateful (noise estimates, PCAN), so the track
 * streams: it keeps the frontend state and the newest window of frames, and
 * each feed picks up where the last one stopped. That makes a live source and
 * a long file the same case, and lets a caller cap the rows (model
 * invocations, the expensive part) per call so a 10-minute file fills
 * progressively while a UI stays responsive. Only the scores and stamps are
 * kept, never the features, so detector re-runs cost a pass over small
 * integers. */
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include "dsp/dsp.h"

int32_t mdl_track_stamp_ms(size_t w, int win_frames)
{
    /* Window w covers frames w .. w + win - 1; frame f's audio ends at
     * stride * f + window samples. */
    int64_t end = (int64_t)KWS_STRIDE_SAMPLES * ((int64_t)w + win_frames - 1) + KWS_WINDOW_SAMPLES;
    return (int32_t)(end * 1000 / KWS_RATE_HZ);
}

enum kws_status mdl_track_init(struct mdl_track *t, struct mdl_kws *k, char *err, size_t err_len)
{
    memset(t, 0, sizeof *t);
    if (!k || k->frames < 1 || k->n_classes < 1 || k->n_classes > MDL_DETECT_MAX_CLASSES)
        return kws_err(err, err_len, KWS_ERR_ARG, "score track: no usable model");
    struct dsp_micro_config mc = dsp_micro_config_default();
    t->kws = k;
    t->n_classes = k->n_classes;
    t->fe = malloc(sizeof *t->fe);
    t->window = malloc((size_t)k->frames * KWS_FEATURE_CHANNELS * sizeof *t->window);
    if (!t->fe || !t->window) {
        mdl_track_free(t);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "score track: out of memory");
    }
    enum kws_status st = dsp_micro_init(t->fe, &mc, err, err_len);
    if (st != KWS_OK) mdl_track_free(t);
    return st;
}

void mdl_track_free(struct mdl_track *t)
{
    free(t->fe);
    free(t->window);
    free(t->scores);
    free(t->t_ms);
    memset(t, 0, sizeof *t);
}

void mdl_track_reset(struct mdl_track *t)
{
    if (t->fe) dsp_micro_reset(t->fe);
    t->win_frames = t->frames = t->samples = t->rows = 0;
}

static enum kws_status grow(struct mdl_track *t, char *err, size_t err_len)
{
    if (t->rows < t->cap_rows) return KWS_OK;
    size_t cap = t->cap_rows ? 2 * t->cap_rows : 256;
    int8_t *s = realloc(t->scores, cap * (size_t)t->n_classes);
    if (s) t->scores = s;
    int32_t *tm = s ? realloc(t->t_ms, cap * sizeof *tm) : NULL;
    if (!s || !tm)
        return kws_err(err, err_len, KWS_ERR_NOMEM, "score track: out of memory at %zu rows",
                       t->rows);
    t->t_ms = tm;
    t->cap_rows = cap;
    return KWS_OK;
}

enum kws_status mdl_track_feed(struct mdl_track *t, const int16_t *samples, size_t n,
                               size_t budget_rows, size_t *consumed, char *err, size_t err_len)
{
    size_t pos = 0, done = 0, win = (size_t)t->kws->frames, ch = KWS_FEATURE_CHANNELS;
    enum kws_status st = KWS_OK;
    uint16_t frame[DSP_MICRO_MAX_CHANNELS];
    while (pos < n && done < budget_rows) {
        size_t used = 0;
        size_t got = dsp_micro_feed(t->fe, samples + pos, n - pos, &used, frame, 1);
        pos += used;
        if (!got) break; /* the rest is buffered in the frontend */
        t->frames++;
        if (t->win_frames == win) { /* slide the window by one frame */
            memmove(t->window, t->window + ch, (win - 1) * ch * sizeof *t->window);
            t->win_frames--;
        }
        memcpy(t->window + t->win_frames * ch, frame, ch * sizeof *frame);
        t->win_frames++;
        if (t->win_frames < win) continue;
        if ((st = grow(t, err, err_len)) != KWS_OK ||
            (st = mdl_kws_score(t->kws, t->window, t->scores + t->rows * (size_t)t->n_classes, err,
                                err_len)) != KWS_OK)
            break;
        t->t_ms[t->rows] = mdl_track_stamp_ms(t->rows, (int)win);
        t->rows++;
        done++;
    }
    t->samples += pos;
    if (consumed) *consumed = pos;
    return st;
}

const int8_t *mdl_track_row(const struct mdl_track *t, size_t i)
{
    return i < t->rows ? t->scores + i * (size_t)t->n_classes : NULL;
}

long mdl_track_row_at(const struct mdl_track *t, double t_s)
{
    double ms = t_s * 1000.0;
    size_t lo = 0, hi = t->rows; /* first row stamped after ms */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->t_ms[mid] <= ms)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

int mdl_track_avg(const struct mdl_track *t, const struct mdl_detect_config *cfg, size_t i,
                  int32_t *avg)
{
    int n = t->n_classes;
    memset(avg, 0, (size_t)n * sizeof *avg);
    if (i >= t->rows) return 0;
    /* The detector's queue at row i holds only rows inside the window (and
     * at most MDL_DETECT_QUEUE of them), so replaying those rows through the
     * detector itself gives exactly its averages there. */
    size_t j = i;
    while (j > 0 && i - j + 1 < MDL_DETECT_QUEUE &&
           (int64_t)t->t_ms[i] - t->t_ms[j - 1] <= cfg->window_ms)
        j--;
    struct mdl_detect_config dc = *cfg;
    dc.n_classes = n;
    struct mdl_detect d;
    struct mdl_detect_result r = { 0 };
    if (mdl_detect_init(&d, &dc, NULL, 0) != KWS_OK) return 0;
    for (; j <= i; j++) mdl_detect_process(&d, mdl_track_row(t, j), t->t_ms[j], &r, NULL, 0);
    if (!r.valid) return 0;
    memcpy(avg, r.avg, (size_t)n * sizeof *avg);
    return d.count;
}

enum kws_status mdl_track_detect(const struct mdl_track *t, const struct mdl_detect_config *cfg,
                                 struct mdl_detection *out, size_t max, size_t *n_out, char *err,
                                 size_t err_len)
{
    struct mdl_detect_config dc = *cfg;
    dc.n_classes = t->n_classes;
    return mdl_detect_track(&dc, t->scores, t->t_ms, t->rows, out, max, n_out, err, err_len);
}
