/* kws_track.c: the model over a clip, for the dashboard: the int8 score of
 * every 20 ms window, exactly as `kwscope classify` computes a long file
 * (same micro frontend, same frames, same stamps), and the keyword detector
 * re-run over it whenever its parameters change.
 *
 * The frontend is stateful (noise estimates, PCAN), so the track streams: it
 * keeps the frontend state and the newest window of frames, and each feed
 * picks up where the last one stopped. That makes a live source and a long
 * file the same case, and lets a caller cap the rows (model invocations, the
 * expensive part) per call so a 10-minute file fills progressively while the
 * UI stays responsive. Only the track (scores and stamps) is kept, never the
 * features, so detection re-runs cost a pass over small integers. */
#include "panels.h"

#include <stdlib.h>
#include <string.h>

enum kws_status tui_kws_track_init(struct tui_kws_track *t, struct mdl_kws *k, char *err,
                                   size_t err_len)
{
    memset(t, 0, sizeof *t);
    if (!k || k->frames < 1 || k->n_classes < 1 || k->n_classes > MDL_DETECT_MAX_CLASSES)
        return kws_err(err, err_len, KWS_ERR_ARG, "score track: no usable model");
    struct dsp_micro_config mc = dsp_micro_config_default();
    t->kws = k;
    t->n_classes = k->n_classes;
    t->fe = malloc(sizeof *t->fe);
    t->window = malloc((size_t)k->frames * MDL_TC_IN_W * sizeof *t->window);
    if (!t->fe || !t->window) {
        tui_kws_track_free(t);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "score track: out of memory");
    }
    enum kws_status st = dsp_micro_init(t->fe, &mc, err, err_len);
    if (st != KWS_OK)
        tui_kws_track_free(t);
    return st;
}

void tui_kws_track_free(struct tui_kws_track *t)
{
    free(t->fe);
    free(t->window);
    free(t->scores);
    free(t->t_ms);
    memset(t, 0, sizeof *t);
}

void tui_kws_track_reset(struct tui_kws_track *t)
{
    if (t->fe)
        dsp_micro_reset(t->fe);
    t->win_frames = t->frames = t->samples = t->rows = 0;
}

static enum kws_status grow(struct tui_kws_track *t, char *err, size_t err_len)
{
    if (t->rows < t->cap_rows)
        return KWS_OK;
    size_t cap = t->cap_rows ? 2 * t->cap_rows : 256;
    int8_t *s = realloc(t->scores, cap * (size_t)t->n_classes);
    if (s)
        t->scores = s;
    int32_t *tm = s ? realloc(t->t_ms, cap * sizeof *tm) : NULL;
    if (!s || !tm)
        return kws_err(err, err_len, KWS_ERR_NOMEM, "score track: out of memory at %zu rows", t->rows);
    t->t_ms = tm;
    t->cap_rows = cap;
    return KWS_OK;
}

enum kws_status tui_kws_track_feed(struct tui_kws_track *t, const int16_t *samples, size_t n,
                                   size_t budget_rows, size_t *consumed, char *err,
                                   size_t err_len)
{
    size_t pos = 0, done = 0, win = (size_t)t->kws->frames, ch = MDL_TC_IN_W;
    enum kws_status st = KWS_OK;
    uint16_t frame[DSP_MICRO_MAX_CHANNELS];
    while (pos < n && done < budget_rows) {
        size_t used = 0;
        size_t got = dsp_micro_feed(t->fe, samples + pos, n - pos, &used, frame, 1);
        pos += used;
        if (!got)
            break;                    /* the rest is buffered in the frontend */
        t->frames++;
        if (t->win_frames == win) {   /* slide the window by one frame */
            memmove(t->window, t->window + ch, (win - 1) * ch * sizeof *t->window);
            t->win_frames--;
        }
        memcpy(t->window + t->win_frames * ch, frame, ch * sizeof *frame);
        t->win_frames++;
        if (t->win_frames < win)
            continue;
        if ((st = grow(t, err, err_len)) != KWS_OK ||
            (st = mdl_kws_score(t->kws, t->window, t->scores + t->rows * (size_t)t->n_classes,
                                err, err_len)) != KWS_OK)
            break;
        /* The classify stamp: the end of the window's audio, in ms. */
        size_t w = t->rows;
        t->t_ms[w] = (int32_t)((320 * (int64_t)w + 320 * ((int64_t)win - 1) + 480) / 16);
        t->rows++;
        done++;
    }
    t->samples += pos;
    *consumed = pos;
    return st;
}

const int8_t *tui_kws_track_row(const struct tui_kws_track *t, size_t i)
{
    return i < t->rows ? t->scores + i * (size_t)t->n_classes : NULL;
}

long tui_kws_track_row_at(const struct tui_kws_track *t, double t_s)
{
    double ms = t_s * 1000.0;
    size_t lo = 0, hi = t->rows;     /* first row stamped after ms */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->t_ms[mid] <= ms)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long)lo - 1;
}

int tui_kws_track_avg(const struct tui_kws_track *t, const struct mdl_detect_config *cfg,
                      size_t i, int32_t *avg)
{
    int n = t->n_classes, count = 0;
    memset(avg, 0, (size_t)n * sizeof *avg);
    if (i >= t->rows)
        return 0;
    /* What the detector holds at row i: at most MDL_DETECT_QUEUE newest rows,
     * none older than window_ms before row i. */
    for (size_t j = i + 1; j-- > 0 && count < MDL_DETECT_QUEUE;) {
        if ((int64_t)t->t_ms[i] - t->t_ms[j] > cfg->window_ms)
            break;
        const int8_t *s = tui_kws_track_row(t, j);
        for (int c = 0; c < n; c++)
            avg[c] += s[c] + 128;
        count++;
    }
    if (count < cfg->min_count) {
        memset(avg, 0, (size_t)n * sizeof *avg);
        return 0;
    }
    for (int c = 0; c < n; c++)
        avg[c] /= count;
    return count;
}

enum kws_status tui_kws_track_detect(const struct tui_kws_track *t,
                                     const struct mdl_detect_config *cfg,
                                     struct tui_detection *out, size_t max, size_t *n_out,
                                     char *err, size_t err_len)
{
    struct mdl_detect_config dc = *cfg;
    dc.n_classes = t->n_classes;
    *n_out = 0;
    struct mdl_detection *d = malloc((max ? max : 1) * sizeof *d);
    if (!d)
        return kws_err(err, err_len, KWS_ERR_NOMEM, "score track: out of memory");
    size_t n = 0;
    enum kws_status st = mdl_detect_track(&dc, t->scores, t->t_ms, t->rows, d, max, &n, err,
                                          err_len);
    for (size_t k = 0; st == KWS_OK && k < n; k++)
        out[k] = (struct tui_detection){d[k].t_ms / 1000.0, d[k].label, d[k].score};
    if (st == KWS_OK)
        *n_out = n;
    free(d);
    return st;
}

size_t tui_detections_to_marks(const struct tui_detection *d, size_t n,
                               const char *const *labels, int n_labels, struct tui_mark *out,
                               size_t max)
{
    size_t k = 0;
    for (; k < n && k < max; k++) {
        bool known = labels && d[k].label >= 0 && d[k].label < n_labels && labels[d[k].label];
        out[k] = (struct tui_mark){d[k].t_s, known ? labels[d[k].label] : "?"};
    }
    return k;
}
