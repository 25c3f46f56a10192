/* dash_model.c: the keyword model inside the dashboard (private to tui/).
 *
 * The model runs over the scope's samples as they are there: a file fills
 * its score track a slice per loop turn, a live source adds a row per 20 ms.
 * The track is what `kwscope classify` computes (tui_kws_track), so the
 * dashboard, classify and the board agree. Detections are never stored
 * apart from the track: every change of the detector's parameters (keys
 * t/T w/W u/U n/N) re-runs it over the stored scores at once, so a user tunes
 * the threshold on a recorded clip without recompiling firmware.
 *
 * Times: the track counts from the first sample the source gave; the scope
 * may have dropped old history (live), so marks are shifted by its origin. */
#include "dash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LED_HOLD_S 1.0 /* the detection light stays on this long */

enum kws_status dash_model_open(struct dash_model *m, const char *arg, const char *labels,
                                char *err, size_t err_len)
{
    memset(m, 0, sizeof *m);
    m->det = mdl_detect_config_default();
    enum kws_status st =
        mdl_model_find(arg, KWSCOPE_DATADIR, m->path, sizeof m->path, err, err_len);
    if (st == KWS_OK) st = mdl_model_load(m->path, &m->model, err, err_len);
    if (st != KWS_OK) return st;
    /* The model's calibrated detector settings (kwscope calibrate), if any. */
    if ((st = mdl_detect_config_load(m->path, &m->det, 0, NULL, err, err_len)) != KWS_OK) {
        mdl_model_free(&m->model);
        return st;
    }
    char e2[256];
    if ((st = mdl_kws_init(&m->kws, &m->model, e2, sizeof e2)) != KWS_OK) {
        mdl_model_free(&m->model);
        return kws_err(err, err_len, st, "%s: %s", m->path, e2);
    }
    if (mdl_model_info(&m->model, MDL_FLOPS_DEFAULT, &m->info, e2, sizeof e2) != KWS_OK)
        memset(&m->info, 0, sizeof m->info); /* the panel then shows no table */
    for (const char *p = labels; *p && m->n_labels < MDL_DETECT_MAX_CLASSES;) {
        size_t n = strcspn(p, ",");
        snprintf(m->label_buf[m->n_labels], sizeof m->label_buf[0], "%.*s", (int)n, p);
        m->labels[m->n_labels] = m->label_buf[m->n_labels];
        m->n_labels++;
        p += n + (p[n] == ',');
    }
    while (m->n_labels < m->kws.n_classes && m->n_labels < MDL_DETECT_MAX_CLASSES) {
        snprintf(m->label_buf[m->n_labels], sizeof m->label_buf[0], "class%d", m->n_labels);
        m->labels[m->n_labels] = m->label_buf[m->n_labels];
        m->n_labels++;
    }
    m->det.n_classes = m->kws.n_classes;
    if ((st = mdl_track_init(&m->track, &m->kws, err, err_len)) != KWS_OK) {
        dash_model_free(m);
        return st;
    }
    m->detected_rows = (size_t)-1; /* the detector is set up on the first step */
    m->loaded = true;
    return KWS_OK;
}

void dash_model_free(struct dash_model *m)
{
    if (m->track.kws) mdl_track_free(&m->track);
    mdl_info_free(&m->info);
    mdl_kws_free(&m->kws);
    mdl_model_free(&m->model);
    memset(m, 0, sizeof *m);
}

bool dash_is_silence(const char *label)
{
    return !strcmp(label, "silence") || !strcmp(label, "_silence_");
}

void dash_model_reset(struct dash_model *m)
{
    if (!m->loaded) return;
    mdl_track_reset(&m->track);
    m->fed_abs = 0;
    m->n_dets = m->n_marks = 0;
    m->detected_rows = (size_t)-1;
    m->failed = false;
}

/* Marks on the scope's time axis: detections minus the scope's origin. */
static void remark(struct dash_model *m, double origin_s)
{
    m->n_marks = tui_detections_to_marks(m->dets, m->n_dets, m->labels, m->n_labels, m->marks,
                                         DASH_MAX_DETECTIONS);
    for (size_t i = 0; i < m->n_marks; i++) m->marks[i].t_s -= origin_s;
    m->shifted_origin = origin_s;
}

/* Runs the detector over the rows it has not seen: live audio costs one
 * step per new row, not a replay of the whole track. Keyword detections
 * only ("silence" winning again is not news); the newest are kept. */
static void detect_rows(struct dash_model *m, double origin_s)
{
    bool added = false;
    for (size_t i = m->detected_rows; i < m->track.rows; i++) {
        struct mdl_detect_result r;
        if (mdl_detect_process(&m->detector, mdl_track_row(&m->track, i), m->track.t_ms[i], &r,
                               NULL, 0) != KWS_OK)
            break;
        if (!r.is_new || (r.label < m->n_labels && dash_is_silence(m->labels[r.label]))) continue;
        if (m->n_dets == DASH_MAX_DETECTIONS)
            memmove(m->dets, m->dets + 1, --m->n_dets * sizeof m->dets[0]);
        m->dets[m->n_dets++] =
            (struct tui_detection){ m->track.t_ms[i] / 1000.0, r.label, r.score };
        added = true;
    }
    m->detected_rows = m->track.rows;
    if (added) remark(m, origin_s);
}

/* New parameters: the detector starts over and replays the stored track. */
static void redetect(struct dash_model *m, double origin_s)
{
    m->n_dets = 0;
    m->detected_rows = 0;
    if (mdl_detect_init(&m->detector, &m->det, NULL, 0) != KWS_OK) {
        m->n_marks = 0;
        return;
    }
    detect_rows(m, origin_s);
    remark(m, origin_s);
}

bool dash_model_step(struct dash_model *m, const struct tui_scope *s, size_t budget_rows,
                     bool *pending)
{
    *pending = false;
    if (!m->loaded || m->failed) return false;
    uint64_t origin = (uint64_t)(s->origin_s * CAP_RATE_HZ + 0.5);
    if (m->fed_abs < origin) /* history dropped before the model saw it: skip it */
        m->fed_abs = origin;
    size_t at = (size_t)(m->fed_abs - origin), rows = m->track.rows;
    if (at < s->clip.n_samples) {
        size_t used = 0;
        if (mdl_track_feed(&m->track, s->clip.samples + at, s->clip.n_samples - at, budget_rows,
                           &used, m->error, sizeof m->error) != KWS_OK) {
            m->failed = true;
            return true;
        }
        m->fed_abs += used;
        *pending = used < s->clip.n_samples - at;
    }
    if (m->detected_rows == (size_t)-1)
        redetect(m, s->origin_s);
    else if (m->track.rows != m->detected_rows)
        detect_rows(m, s->origin_s);
    if (m->shifted_origin != s->origin_s) remark(m, s->origin_s);
    return m->track.rows != rows;
}

static int32_t step_up(int32_t v, int32_t step, int32_t max)
{
    return v <= max - step ? v + step : max;
}

bool dash_model_key(struct dash_model *m, int key, const struct tui_scope *s, char *msg,
                    size_t msg_len)
{
    struct mdl_detect_config *c = &m->det;
    switch (key) {
    /* the same limits as the command line's (models/models.h) */
    case 't': c->threshold = c->threshold >= 10 ? c->threshold - 10 : 0; break;
    case 'T': c->threshold = step_up(c->threshold, 10, MDL_DETECT_THRESHOLD_MAX); break;
    case 'w': c->window_ms = c->window_ms >= 100 ? c->window_ms - 100 : 0; break;
    case 'W': c->window_ms = step_up(c->window_ms, 100, MDL_DETECT_WINDOW_MS_MAX); break;
    case 'u': c->suppression_ms = c->suppression_ms >= 250 ? c->suppression_ms - 250 : 0; break;
    case 'U':
        c->suppression_ms = step_up(c->suppression_ms, 250, MDL_DETECT_SUPPRESSION_MS_MAX);
        break;
    case 'n': c->min_count = c->min_count > 1 ? c->min_count - 1 : 1; break;
    case 'N': c->min_count += c->min_count < MDL_DETECT_QUEUE ? 1 : 0; break;
    default: return false;
    }
    if (!m->loaded) {
        snprintf(msg, msg_len, "no model loaded");
        return true;
    }
    redetect(m, s->origin_s);
    snprintf(msg, msg_len,
             "detector: window %d ms, threshold %d, suppression %d ms, min count %d "
             "-> %zu detection%s",
             (int)c->window_ms, (int)c->threshold, (int)c->suppression_ms, (int)c->min_count,
             m->n_dets, m->n_dets == 1 ? "" : "s");
    return true;
}

void dash_model_panel(struct dash_model *m, const struct dash *d, struct tui_canvas *c,
                      struct tui_rect r)
{
    if (!m->loaded || m->failed) {
        int fg = tui_ui_color(c->color, TUI_UI_ALERT);
        tui_canvas_text(c, r.x, r.y, r.w, tui_ui_color(c->color, TUI_UI_TITLE), TUI_COLOR_DEFAULT,
                        "Model");
        tui_canvas_text(c, r.x, r.y + 1, r.w, fg, TUI_COLOR_DEFAULT,
                        m->error[0] ? m->error : "no model");
        return;
    }
    /* Which scores: the newest while live, else under the cursor, else at
     * the play head, else the newest computed. */
    const struct tui_timeline *tl = &d->tl;
    double origin = d->scope->origin_s, t = -1;
    bool following = d->live && !d->paused;
    if (!following && tl->cursor_s >= 0)
        t = tl->cursor_s + origin;
    else if (!following && tl->play_s >= 0)
        t = tl->play_s + origin;
    long row = t >= 0 ? mdl_track_row_at(&m->track, t) : (long)m->track.rows - 1;
    const int8_t *sc = row >= 0 ? mdl_track_row(&m->track, (size_t)row) : NULL;
    int32_t avg[MDL_DETECT_MAX_CLASSES];
    int have_avg = row >= 0 && mdl_track_avg(&m->track, &m->det, (size_t)row, avg) > 0;
    double shown_s = row >= 0 ? m->track.t_ms[row] / 1000.0 : -1;
    bool led = m->n_dets && shown_s >= 0 && shown_s - m->dets[m->n_dets - 1].t_s < LED_HOLD_S &&
        shown_s >= m->dets[m->n_dets - 1].t_s;
    /* A clip shorter than the model's input plus the averaging window
     * cannot reach min_count windows: say so instead of a bare "none". */
    double need_s = 0.98 + m->det.window_ms / 1000.0;
    char why[96] = "";
    if (!d->live && tui_scope_duration(d->scope) < need_s)
        snprintf(why, sizeof why, "clip shorter than the detector window (%.2f s < %.2f s)",
                 tui_scope_duration(d->scope), need_s);
    struct tui_scores_model sm = { .no_detections_why = why[0] ? why : NULL,
                                   .title = "Model",
                                   .t_s = shown_s,
                                   .n = m->kws.n_classes,
                                   .labels = m->labels,
                                   .scores_i8 = sc,
                                   .avg = have_avg ? avg : NULL,
                                   .top = -1,
                                   .threshold = m->det.threshold,
                                   .detect = &m->det,
                                   .log = m->dets,
                                   .n_log = m->n_dets,
                                   .led = led };
    tui_panel_scores(c, r, &sm);
}

void dash_model_view(struct dash_model *m, struct tui_canvas *c, struct tui_rect r)
{
    if (!m->loaded) {
        tui_draw_title(c, r, "Model", "");
        tui_canvas_text(c, r.x, r.y + 1, r.w, tui_ui_color(c->color, TUI_UI_ALERT),
                        TUI_COLOR_DEFAULT, m->error[0] ? m->error : "no model loaded (--model M)");
        return;
    }
    struct tui_model_view v = {
        .path = m->path, .model = &m->model, .info = &m->info, .first_layer = m->first_layer
    };
    tui_panel_model(c, r, &v);
}
