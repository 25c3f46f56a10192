/* dash_board.c: a board inside the dashboard (private to tui/).
 *
 * The board is a dev_session on a real port or on the pty of a virtual board
 * that runs in this process (the firmware core with the real pipeline,
 * stepped by the dashboard's own poll loop, so there is no thread). The
 * session never blocks; every loop turn pumps it and turns its events into
 * view models: state, INFO, results with stage timings (min/max/avg and a
 * history per stage), detections, and the board's features for the diff.
 *
 * Two modes ('b' and 'p'): the board's mic streamed to the host, where it
 * is a capture source like the PC mic (so the views, the level meter and 'r'
 * work on it unchanged); or the host pushing audio to the board for
 * classification: the live PC mic continuously, a clip one second at a time. */
#include "dash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIC_FIFO (CAP_RATE_HZ * 4) /* board mic samples waiting for the loop */
#define PUSH_HOP (CAP_RATE_HZ / 2) /* live push: classify every 0.5 s */
#define PUSH_BACKLOG 4             /* pending requests above which live pushes wait */
#define LED_HOLD_S 1.0

/* ---- the board's mic as a capture source ---- */

struct board_mic {
    struct cap_source base;
    struct dash_board *b;
    int16_t fifo[MIC_FIFO];
    size_t head, n; /* ring of samples from AUDIO events */
    uint64_t lost;  /* chunks missing from the sequence, plus fifo overflow */
    bool on;
};

static enum kws_status mic_start(struct cap_source *s, char *err, size_t len)
{
    struct board_mic *m = s->impl;
    (void)err, (void)len;
    m->on = true;
    return dev_session_mic(m->b->sess, 1);
}

static void mic_stop(struct cap_source *s)
{
    struct board_mic *m = s->impl;
    if (m->on && m->b->sess) dev_session_mic(m->b->sess, 0);
    m->on = false;
}

static size_t mic_read(struct cap_source *s, int16_t *out, size_t max)
{
    struct board_mic *m = s->impl;
    size_t k = 0;
    for (; k < max && m->n; k++, m->n--) {
        out[k] = m->fifo[m->head];
        m->head = (m->head + 1) % MIC_FIFO;
    }
    return k;
}

static int mic_finished(struct cap_source *s)
{
    (void)s;
    return 0;
} /* it reconnects */

static void mic_counters(struct cap_source *s, struct cap_counters *c)
{
    struct board_mic *m = s->impl;
    struct dev_counters dc;
    dev_session_counters(m->b->sess, &dc);
    c->input_overflows = dc.lost_chunks;
    c->ring_overruns = m->lost;
}

static void mic_destroy(struct cap_source *s)
{
    struct board_mic *m = s->impl;
    if (m->b->mic == m) m->b->mic = NULL;
    free(m);
}

static const struct cap_source_ops board_mic_ops = { mic_start,    mic_stop,     mic_read,
                                                     mic_finished, mic_counters, mic_destroy };

static void mic_put(struct board_mic *m, const int16_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (m->n == MIC_FIFO) { /* the loop fell behind: drop the oldest, count it */
            m->head = (m->head + 1) % MIC_FIFO;
            m->n--;
            m->lost++;
        }
        m->fifo[(m->head + m->n++) % MIC_FIFO] = x[i];
    }
}

struct cap_source *dash_board_mic_source(struct dash_board *b)
{
    struct board_mic *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->b = b;
    m->base.ops = &board_mic_ops;
    m->base.impl = m;
    snprintf(m->base.name, sizeof m->base.name, "board mic: %.80s", b->port);
    m->base.original = (struct cap_format){
        .rate_hz = CAP_RATE_HZ, .channels = 1, .container = "board", .encoding = "PCM 16-bit"
    };
    b->mic = m;
    return &m->base;
}

/* ---- opening ---- */

/* The virtual board (device/sim_setup.c): the model, the real pipeline
 * behind a pty; its mic plays mic_clip in a loop. */
static enum kws_status open_sim(struct dash_board *b, const char *model, const char *labels,
                                const struct cap_clip *mic_clip, char *err, size_t len)
{
    struct dev_sim_setup_config c = {
        .model = model,
        .datadir = KWSCOPE_DATADIR,
        .labels = labels,
        .dialect = b->dialect,
        .mic = mic_clip ? mic_clip->samples : NULL,
        .mic_n = mic_clip ? mic_clip->n_samples : 0,
        .live_ms = -1,
    };
    enum kws_status st = dev_sim_setup(&b->vsim, &c, NULL, err, len);
    if (st != KWS_OK) return st;
    b->sim = b->vsim.sim;
    snprintf(b->port, sizeof b->port, "%s", dev_sim_path(b->sim));
    b->virtual_board = true;
    return KWS_OK;
}

/* The emulated Cortex-M4F (device/emu.c): the firmware core under QEMU on
 * its own pty; its stage timings are 64 MHz M4 estimates. */
static enum kws_status open_emu(struct dash_board *b, const char *which, const char *model,
                                const char *labels, char *err, size_t len)
{
    char path[4096];
    if (model && mdl_model_find(model, KWSCOPE_DATADIR, path, sizeof path, err, len) != KWS_OK)
        return KWS_ERR_IO;
    enum kws_status st =
        dev_emu_open(&b->emu, which, model ? path : NULL, labels, NULL, 0, err, len);
    if (st == KWS_OK) snprintf(b->port, sizeof b->port, "%s", dev_emu_path(b->emu));
    return st;
}

enum kws_status dash_board_open(struct dash_board *b, const char *which, enum dev_dialect dialect,
                                const char *model, const char *labels,
                                const struct cap_clip *sim_mic, char *err, size_t len)
{
    memset(b, 0, sizeof *b);
    b->dialect = dialect;
    enum kws_status st = KWS_OK;
    if (!strcmp(which, "sim")) {
        st = open_sim(b, model, labels, sim_mic, err, len);
    } else if (dev_emu_spec(which, NULL)) {
        st = open_emu(b, which, model, labels, err, len);
    } else if (!strcmp(which, "auto")) {
        struct dev_port ports[32];
        size_t n = 0;
        int i = dev_port_list(ports, 32, &n, err, len) == KWS_OK ? dev_port_pick(ports, n) : -1;
        if (i >= 0)
            snprintf(b->port, sizeof b->port, "%s", ports[i].path);
        else
            st = open_sim(b, model, labels, sim_mic, err, len);
    } else {
        snprintf(b->port, sizeof b->port, "%s", which);
    }
    if (st == KWS_OK) {
        /* QEMU's one-byte UART takes frames slowly: no resends behind them */
        struct dev_session_config sc = { .path = b->port,
                                         .dialect = b->dialect,
                                         .timeout_ms = b->emu ? DEV_EMU_FRAME_TIMEOUT_MS : 0 };
        st = dev_session_open(&b->sess, &sc, dev_now(), err, len);
    }
    if (st != KWS_OK) {
        dash_board_free(b);
        return st;
    }
    b->open = true;
    return KWS_OK;
}

void dash_board_free(struct dash_board *b)
{
    dev_session_close(b->sess);
    b->sess = NULL;
    dev_sim_teardown(&b->vsim);
    dev_emu_stop(b->emu);
    memset(b, 0, sizeof *b);
}

/* ---- the loop's part ---- */

static void on_result(struct dash_board *b, const struct dev_event *ev, double now_s)
{
    const struct dev_result *r = &ev->result;
    if (ev->has_timings)
        tui_stage_stats_add_result(b->stages, r->preprocess_us, r->inference_us, r->postprocess_us);
    /* Results on the dashboard's time axis, never the board's clock: the
     * answer to a push belongs to the end of the second pushed; a live
     * detection to the newest audio (the board's mic as the host has it). */
    double t = b->now_audio_s;
    if (ev->requested && b->n_push_end > 0) {
        t = b->push_end_s[0];
        memmove(b->push_end_s, b->push_end_s + 1,
                (size_t)--b->n_push_end * sizeof b->push_end_s[0]);
    }
    if (ev->has_scores) {
        b->last = *r;
        b->last_t_s = t;
        b->last_live = !ev->requested;
        b->have_result = true;
    }
    if (ev->requested && b->oneshot && b->n_push_end == 0 && b->mode == TUI_BOARD_PUSH) {
        b->mode = TUI_BOARD_IDLE; /* the push is done when its answer is in */
        b->oneshot = false;
    }
    b->results++;
    /* Detections of keywords go to the log; "silence" firing is not news. */
    bool heard = r->detected || (!ev->has_scores && ev->label[0]); /* dialect "Heard" lines */
    if (!heard || dash_is_silence(ev->label)) return;
    if (b->n_dets == DASH_BOARD_DETS)
        memmove(b->dets, b->dets + 1, (size_t)--b->n_dets * sizeof b->dets[0]);
    int score = ev->line.kind == DEV_LINE_HEARD ? ev->line.score /* "Heard yes (201)" */
        : r->n_scores > r->label                ? r->scores[r->label] + 128
                                                : 0;
    b->dets[b->n_dets++] = (struct tui_detection){ t, r->label, score };
    b->led_until_s = now_s + LED_HOLD_S;
}

static void on_features(struct dash_board *b, const struct dev_features *f)
{
    b->board_feat = *f;
    b->have_board_feat = true;
    if (!b->have_push) {
        b->n_diff = -1; /* nothing of ours to compare with */
        return;
    }
    /* The host's features of the same second, as the board computes them. */
    struct dsp_micro_config cfg = dsp_micro_config_default();
    uint16_t *u16 = NULL;
    size_t frames = 0;
    char err[128];
    b->n_diff = -1;
    if (dsp_micro_clip(&cfg, b->pushed, DEV_BOARD_CLIP, &u16, &frames, err, sizeof err) != KWS_OK)
        return;
    int rows = f->rows < frames ? f->rows : (int)frames, cols = f->cols;
    b->n_diff = 0;
    b->diff_rows = rows;
    b->diff_cols = cols;
    for (int i = 0; i < rows * cols && i < DEV_FEAT_ROWS * DEV_FEAT_COLS; i++) {
        b->host_feat[i] = dsp_micro_to_int8(u16[i]);
        b->n_diff += b->host_feat[i] != f->data[i];
    }
    free(u16);
}

/* A stock micro_speech board reports "## <stage> time: min max avg" lines
 * (its PROFILE build) instead of per-result timings: the running average is
 * the sample for the history, min and max are the board's own. */
static void on_profile(struct dash_board *b, const struct dev_line *l)
{
    static const char *const names[3] = { "Preprocess", "Inference", "Postprocess" };
    for (int i = 0; i < 3; i++) {
        if (strcmp(l->profile_name, names[i])) continue;
        struct tui_stage_stats *st = &b->stages[i];
        tui_stage_stats_add(st, (uint32_t)(l->avg_ms * 1000 + 0.5f));
        st->min_us = (uint32_t)(l->min_ms * 1000 + 0.5f);
        st->max_us = (uint32_t)(l->max_ms * 1000 + 0.5f);
        st->sum_us = (uint64_t)(l->avg_ms * 1000 + 0.5f) * st->count; /* avg = the board's */
    }
}

bool dash_board_poll(struct dash_board *b, double now_s, char *msg, size_t msg_len)
{
    if (!b->open) return false;
    bool changed = false;
    if (b->sim) dev_sim_step(b->sim, dev_now());
    dev_session_on_readable(b->sess, dev_now());
    dev_session_tick(b->sess, dev_now());
    struct dev_event ev;
    while (dev_session_next_event(b->sess, &ev)) {
        changed = true;
        switch (ev.kind) {
        case DEV_EV_STATE:
            if (ev.state == DEV_ST_VERSION_MISMATCH || ev.state == DEV_ST_DISCONNECTED ||
                ev.state == DEV_ST_TIMEOUT)
                snprintf(msg, msg_len, "board: %s%s%s", dev_state_name(ev.state),
                         ev.text[0] ? ": " : "", ev.text);
            break;
        case DEV_EV_RESULT: on_result(b, &ev, now_s); break;
        case DEV_EV_AUDIO:
            if (b->mic) mic_put(b->mic, ev.audio.samples, ev.audio.n);
            break;
        case DEV_EV_FEATURES: on_features(b, &ev.features); break;
        case DEV_EV_ERROR: snprintf(msg, msg_len, "board error %d: %s", ev.code, ev.text); break;
        case DEV_EV_LOG: snprintf(b->log, sizeof b->log, "%s", ev.text); break;
        case DEV_EV_PROFILE: on_profile(b, &ev.line); break;
        default: break;
        }
    }
    bool led = now_s < b->led_until_s;
    if (led != b->led) {
        b->led = led;
        changed = true;
    }
    return changed;
}

bool dash_board_busy(const struct dash_board *b)
{
    /* An idle virtual board needs no ticks: a request wakes the loop through
     * its pty, and its mic only runs in board-mic mode, which is live. */
    return b->open && (dev_session_pending(b->sess) || dev_session_state(b->sess) != DEV_ST_READY);
}

bool dash_board_tx_waiting(const struct dash_board *b)
{
    return b->open && b->sim && dev_sim_tx_queued(b->sim) > 0;
}

int dash_board_fd(const struct dash_board *b, int which)
{
    if (!b->open) return -1;
    return which == 0 ? dev_session_fd(b->sess) : b->sim ? dev_sim_fd(b->sim) : -1;
}

/* One second ending at sample end of x (zero-padded in front when short). */
static void push_second(struct dash_board *b, const int16_t *x, size_t end, double end_s)
{
    size_t k = end < DEV_BOARD_CLIP ? end : DEV_BOARD_CLIP;
    memset(b->pushed, 0, sizeof b->pushed);
    memcpy(b->pushed + (DEV_BOARD_CLIP - k), x + (end - k), k * sizeof *x);
    b->have_push = true;
    dev_session_push(b->sess, b->pushed, DEV_BOARD_CLIP);
    dev_session_classify(b->sess);
    b->pushes++;
    if (b->n_push_end == (int)(sizeof b->push_end_s / sizeof b->push_end_s[0]))
        memmove(b->push_end_s, b->push_end_s + 1,
                (size_t)--b->n_push_end * sizeof b->push_end_s[0]);
    b->push_end_s[b->n_push_end++] = end_s;
}

void dash_board_push_clip(struct dash_board *b, const struct tui_scope *s, double at_s)
{
    size_t end = (size_t)(at_s * CAP_RATE_HZ);
    if (end < DEV_BOARD_CLIP) end = DEV_BOARD_CLIP;
    if (end > s->clip.n_samples) end = s->clip.n_samples;
    push_second(b, s->clip.samples, end, (double)end / CAP_RATE_HZ + s->origin_s);
    b->oneshot = true;
}

void dash_board_push_live(struct dash_board *b, const struct tui_scope *s)
{
    uint64_t origin = (uint64_t)(s->origin_s * CAP_RATE_HZ + 0.5);
    uint64_t total = origin + s->clip.n_samples;
    if (b->pushed_abs < origin || b->pushed_abs > total)
        b->pushed_abs = origin; /* a new scope or trimmed history */
    if (total - b->pushed_abs < PUSH_HOP) return;
    b->pushed_abs = total;
    if (dev_session_pending(b->sess) > PUSH_BACKLOG) { /* a slow board: skip, do not pile up */
        b->skipped++;
        return;
    }
    push_second(b, s->clip.samples, s->clip.n_samples, tui_scope_duration(s) + s->origin_s);
    b->oneshot = false;
}

/* The board's features of the second we pushed, not of whatever its mic
 * heard since: the same second goes again right before the request (the
 * board holds its live classification after a push), so both sides look
 * at the same audio. */
void dash_board_request_features(struct dash_board *b)
{
    if (b->have_push) dev_session_push(b->sess, b->pushed, DEV_BOARD_CLIP);
    dev_session_request_features(b->sess);
}

void dash_board_panel(struct dash_board *b, struct tui_canvas *c, struct tui_rect r)
{
    const struct dev_info *info = dev_session_info(b->sess);
    const char *labels[DEV_MAX_LABELS];
    int n_labels = info ? info->n_labels : 0;
    for (int i = 0; i < n_labels && i < DEV_MAX_LABELS; i++) labels[i] = info->labels[i];
    struct dev_counters dc;
    dev_session_counters(b->sess, &dc);
    char mode[64] = "", link[64] = "", g[32];
    if (b->mode == TUI_BOARD_PUSH)
        snprintf(mode, sizeof mode, "%s",
                 b->oneshot ? "pushing 1 s, waiting" : "pushing live (p stops)");
    else if (b->mode == TUI_BOARD_MIC)
        snprintf(mode, sizeof mode, "streaming its mic");
    else if (b->pushes)
        snprintf(mode, sizeof mode, "idle (%lu pushed)", b->pushes);
    uint64_t dropped = b->sim ? dev_sim_dropped_bytes(b->sim) : 0;
    if (dev_session_state(b->sess) == DEV_ST_DISCONNECTED)
        snprintf(link, sizeof link, "dead");
    else if (dropped)
        snprintf(link, sizeof link, "full, %s B dropped", tui_format_grouped(dropped, g, sizeof g));
    struct tui_board_model m = { .title = b->virtual_board ? "Board (virtual)" : "Board",
                                 .state = (enum tui_board_state)dev_session_state(b->sess),
                                 .port = b->port,
                                 .message = dev_session_state(b->sess) == DEV_ST_READY
                                     ? NULL
                                     : dev_session_message(b->sess),
                                 .firmware = info ? info->firmware : NULL,
                                 .model_name = info ? info->model : NULL,
                                 .n_labels = n_labels,
                                 .labels = labels,
                                 .arena_bytes = info ? info->arena_bytes : 0,
                                 .ram_bytes = info ? info->ram_bytes : 0,
                                 .flash_bytes = info ? info->flash_bytes : 0,
                                 .mode = b->mode,
                                 .frames_ok = dc.frames_ok,
                                 .bad_frames = dc.bad_frames,
                                 .lost_chunks = dc.lost_chunks,
                                 .stages = b->stages,
                                 .timing_source = b->emu ? "M4 est."
                                     : b->virtual_board  ? "host"
                                                         : "board",
                                 .mode_text = mode[0] ? mode : NULL,
                                 .link_note = link[0] ? link : NULL };
    int h_scores = b->have_result ? (n_labels + 4 < r.h / 2 ? n_labels + 4 : r.h / 2) : 0;
    tui_panel_board(c, (struct tui_rect){ r.x, r.y, r.w, r.h - h_scores }, &m);
    if (!h_scores) return;
    struct tui_scores_model sm = { .title = b->last_live ? "Board live result" : "Board result",
                                   .t_s = b->last_t_s,
                                   .n = b->last.n_scores,
                                   .labels = labels,
                                   .scores_i8 = b->last.scores,
                                   .top = -1,
                                   .threshold = -1,
                                   .log = b->dets,
                                   .n_log = b->n_dets,
                                   .led = b->led };
    if (sm.n > n_labels) sm.n = n_labels;
    tui_panel_scores(c, (struct tui_rect){ r.x, r.y + r.h - h_scores, r.w, h_scores }, &sm);
}

/* The features diff ('d' in the features view): the board's 49 x 40 input
 * against the host's for the same pushed second; equal cells blank,
 * different ones marked, the count in the title. */
void dash_board_diff_view(struct dash_board *b, struct tui_canvas *c, struct tui_rect r)
{
    char info[96];
    if (!b->have_board_feat || b->n_diff < 0)
        snprintf(info, sizeof info, "%s",
                 b->have_push ? "waiting for the board's features" : "push a second first (p)");
    else
        snprintf(info, sizeof info, "%d of %d cells differ", b->n_diff,
                 b->diff_rows * b->diff_cols);
    tui_draw_title(c, r, "Features: board vs host (d)", info);
    if (!b->have_board_feat || b->n_diff < 0) return;
    int alert = tui_ui_color(c->color, TUI_UI_ALERT), ok = tui_ui_color(c->color, TUI_UI_AXIS);
    /* Frames left to right, channels bottom to top, one cell each (clipped). */
    for (int f = 0; f < b->diff_rows && f + 6 < r.w; f++)
        for (int ch = 0; ch < b->diff_cols && ch + 1 < r.h - 1; ch++) {
            int i = f * b->diff_cols + ch;
            bool same = b->host_feat[i] == b->board_feat.data[i];
            tui_canvas_set(c, r.x + 6 + f, r.y + r.h - 2 - ch,
                           same ? (c->unicode ? 0x00B7 : '.') : 'X', same ? ok : alert,
                           TUI_COLOR_DEFAULT);
        }
    tui_canvas_text(c, r.x, r.y + r.h - 1, r.w, ok, TUI_COLOR_DEFAULT,
                    "      frame 0 ->                      48   (rows: channel 0 at the bottom)");
}
