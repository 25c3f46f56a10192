/* session_dialects.c: the dialect table and what the stock dialects do with
 * each kind of line.
 *
 * A dialect is a row of dialects[] (struct dev_dialect_desc in
 * session_priv.h): its name, its capabilities, what it sends when the port
 * opens and before it closes, how it reads bytes and what it does on ticks,
 * and for text dialects a table of line handlers by line kind. Lines no
 * handler takes become log events.
 *
 * micro_speech: "Heard" lines and "Scores:" lines (window averages, 0..255)
 * become results; after a test-over-serial push the next of each answers it,
 * and nothing within the detector's window answers "no detection". "## time:"
 * lines become profile events. The sketch leaves its mic off after "!TEST"
 * until reset: the session says so once, as a log event.
 * Edge Impulse: "AT+RUNIMPULSE" starts its classification loop when the port
 * opens, a 'b' ends it before the port closes; each block (old
 * "Predictions (DSP: ..)" or new "Timing: DSP .." + "#Classification
 * predictions:") becomes one result with timings, its anomaly score kept
 * apart from the classes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "session_priv.h"

static const char *const ms_labels[] = { "silence", "unknown", "yes", "no" };

/* micro_speech's RecognizeCommands averages 1 s of results and suppresses a
 * repeat for 1.5 s: a push not answered within this is not going to be. */
#define MS_ANSWER_WINDOW_S 1.5

static void ms_info(struct dev_session *s)
{
    snprintf(s->info.model, sizeof s->info.model, "micro_speech");
    s->info.n_labels = 4;
    for (int i = 0; i < 4; i++) snprintf(s->info.labels[i], DEV_LABEL_LEN, "%s", ms_labels[i]);
}

static int ms_heard(struct dev_session *s, const struct dev_line *l, double now)
{
    (void)now;
    struct dev_event *e = dev_session_push_event(s, DEV_EV_RESULT);
    if (!e) return 1;
    e->line = *l;
    e->result.detected = 1;
    e->result.board_ms = l->time_ms;
    /* after "!OK DATA" the next Heard answers the push; another Heard is a
     * live detection again */
    e->requested = (s->ls_want & LS_WANT_HEARD) != 0;
    s->ls_want &= ~LS_WANT_HEARD;
    s->ls_due = 0;
    snprintf(e->label, sizeof e->label, "%s", l->label);
    int i = dev_lines_label_index(s, l->label, 1);
    e->result.label = (uint8_t)(i < 0 ? 0 : i);
    e->code = l->score;
    return 1;
}

/* Averages on 0..255 (each output + 128): kept exactly as v - 128 in the
 * int8 convention of the model output, never clamped. */
static int ms_scores(struct dev_session *s, const struct dev_line *l, double now)
{
    (void)now;
    struct dev_event *e = dev_session_push_event(s, DEV_EV_RESULT);
    if (!e) return 1;
    e->line = *l;
    e->has_scores = 1;
    e->scores_u8 = 1;
    e->requested = (s->ls_want & LS_WANT_SCORES) != 0;
    s->ls_want &= ~LS_WANT_SCORES;
    e->result.n_scores = (uint8_t)l->n_scores;
    for (int i = 0; i < l->n_scores; i++) {
        int v = l->scores[i] - 128;
        e->result.scores[i] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
        if (e->result.scores[i] > e->result.scores[e->result.label]) e->result.label = (uint8_t)i;
    }
    int li = dev_lines_label_index(s, l->score_labels[e->result.label], 0);
    snprintf(e->label, sizeof e->label, "%s",
             li >= 0 ? s->info.labels[li] : l->score_labels[e->result.label]);
    return 1;
}

static int profile(struct dev_session *s, const struct dev_line *l, double now)
{
    (void)now;
    struct dev_event *e = dev_session_push_event(s, DEV_EV_PROFILE);
    if (e) e->line = *l;
    return 1;
}

static int ms_ok(struct dev_session *s, const struct dev_line *l, double now)
{
    if (s->ls == LS_WAIT_TEST && !strncmp(l->text, "TEST", 4) && l->score > 0) {
        char cmd[96];
        if (!s->test_mode) {
            s->test_mode = 1;
            struct dev_event *e = dev_session_push_event(s, DEV_EV_LOG);
            if (e)
                snprintf(e->text, sizeof e->text,
                         "the board is in test mode: its mic stays off until it is reset");
        }
        s->ls_decode_len = (size_t)l->score > 700 ? 700 : (size_t)l->score;
        s->ls_off = 0;
        snprintf(cmd, sizeof cmd, "!DATA audio-pcm-16khz-mono-s16 %zu", s->ls_total);
        dev_lines_send(s, cmd);
        dev_lines_send_data(s, now);
        s->ls = LS_WAIT_ACK;
        return 1;
    }
    if (s->ls == LS_WAIT_DATA_OK && !strncmp(l->text, "DATA", 4)) {
        s->ls = LS_IDLE;
        s->ls_want = LS_WANT_HEARD | LS_WANT_SCORES;
        s->ls_due = now + s->d->answer_window_s;
        dev_session_pop_op(s);
        return 1;
    }
    return 0;
}

static int ms_data_ack(struct dev_session *s, const struct dev_line *l, double now)
{
    if (s->ls != LS_WAIT_ACK) return 0;
    size_t k = s->ls_total - s->ls_off;
    if (k > s->ls_decode_len) k = s->ls_decode_len;
    if (l->score >= 0 && (size_t)l->score != k) {
        char why[96];
        snprintf(why, sizeof why, "the board acknowledged %d bytes of a %zu-byte line", l->score,
                 k);
        dev_lines_fail(s, why);
        return 1;
    }
    s->ls_off += k;
    if (s->ls_off < s->ls_total)
        dev_lines_send_data(s, now);
    else
        s->ls = LS_WAIT_DATA_OK;
    return 1;
}

static int ms_fail(struct dev_session *s, const struct dev_line *l, double now)
{
    (void)now;
    if (s->ls == LS_IDLE) return 0;
    char why[128];
    snprintf(why, sizeof why, "board refused: !FAIL %s", l->text);
    dev_lines_fail(s, why);
    return 1;
}

/* A board's ms figure in us, clamped to [0, 1 h]: anything can arrive. */
static uint32_t ms_to_us(float ms)
{
    if (!(ms > 0)) return 0;
    return ms > 3.6e6f ? 3600000000u : (uint32_t)lrintf(ms * 1000.0f);
}

void dev_lines_ei_flush(struct dev_session *s)
{
    if (!s->ei_open) return;
    s->ei_open = 0;
    struct dev_event *e = dev_session_push_event(s, DEV_EV_RESULT);
    if (!e) return;
    *e = s->ei_ev;
    e->state = s->state;
    e->has_scores = e->result.n_scores > 0;
    int best = 0;
    for (int i = 1; i < e->result.n_scores; i++)
        if (e->result.scores[i] > e->result.scores[best]) best = i;
    e->result.label = (uint8_t)best;
    if (best < s->info.n_labels) snprintf(e->label, sizeof e->label, "%s", s->info.labels[best]);
}

static void ei_open(struct dev_session *s, const struct dev_line *l)
{
    memset(&s->ei_ev, 0, sizeof s->ei_ev);
    s->ei_ev.kind = DEV_EV_RESULT;
    s->ei_ev.line = *l;
    s->ei_open = 1;
}

static int ei_header(struct dev_session *s, const struct dev_line *l, double now)
{
    (void)now;
    ei_open(s, l);
    s->ei_ev.has_timings = 1;
    s->ei_ev.result.preprocess_us = ms_to_us(l->dsp_ms);
    s->ei_ev.result.inference_us = ms_to_us(l->class_ms);
    s->ei_ev.result.postprocess_us = ms_to_us(l->anomaly_ms);
    return 1;
}

/* "#Classification predictions:" follows "Timing:"; alone it still opens a
 * block (without timings) */
static int ei_predictions(struct dev_session *s, const struct dev_line *l, double now)
{
    (void)now;
    if (!s->ei_open) ei_open(s, l);
    return 1;
}

static int ei_score(struct dev_session *s, const struct dev_line *l, double now)
{
    (void)now;
    struct dev_result *r = &s->ei_ev.result;
    if (!s->ei_open || r->n_scores >= DEV_MAX_LABELS ||
        dev_lines_label_index(s, l->label, 1) != r->n_scores)
        return 0;
    /* 0..1 to the int8 convention of the model output: q = p*256 - 128 */
    float p = l->value < 0 ? 0 : l->value > 1 ? 1 : l->value; /* finite: the parser's */
    long q = lrintf(p * 256.0f) - 128;
    r->scores[r->n_scores++] = (int8_t)(q > 127 ? 127 : q < -128 ? -128 : q);
    return 1;
}

static int ei_anomaly(struct dev_session *s, const struct dev_line *l, double now)
{
    (void)now;
    if (!s->ei_open) return 0;
    s->ei_ev.has_anomaly = 1;
    s->ei_ev.anomaly = l->value;
    return 1;
}

static const struct dev_line_handler ms_lines[] = {
    { DEV_LINE_HEARD, ms_heard }, { DEV_LINE_SCORES, ms_scores },     { DEV_LINE_PROFILE, profile },
    { DEV_LINE_OK, ms_ok },       { DEV_LINE_DATA_ACK, ms_data_ack }, { DEV_LINE_FAIL, ms_fail },
    { DEV_LINE_NONE, NULL },
};

static const struct dev_line_handler ei_lines[] = {
    { DEV_LINE_EI_HEADER, ei_header }, { DEV_LINE_EI_PREDICTIONS, ei_predictions },
    { DEV_LINE_EI_SCORE, ei_score },   { DEV_LINE_EI_ANOMALY, ei_anomaly },
    { DEV_LINE_NONE, NULL },
};

static const struct dev_dialect_desc dialects[DEV_DIALECT_COUNT] = {
    {
        .id = DEV_DIALECT_KWSCOPE,
        .name = "kwscope",
        .caps = DEV_CAP_PUSH | DEV_CAP_MIC | DEV_CAP_FEATURES,
        .connect = dev_frames_connect,
        .rx = dev_frames_rx,
        .tick = dev_frames_tick,
    },
    {
        .id = DEV_DIALECT_MICRO_SPEECH,
        .name = "micro_speech",
        .firmware = "micro_speech (stock sketch)",
        .caps = DEV_CAP_PUSH,
        .answer_window_s = MS_ANSWER_WINDOW_S,
        .connect = dev_lines_connect,
        .rx = dev_lines_rx,
        .tick = dev_lines_tick,
        .info = ms_info,
        .lines = ms_lines,
    },
    {
        .id = DEV_DIALECT_EDGE_IMPULSE,
        .name = "edge-impulse",
        .firmware = "Edge Impulse",
        .hello = "AT+RUNIMPULSE\r",
        .bye = "b",
        .connect = dev_lines_connect,
        .rx = dev_lines_rx,
        .tick = dev_lines_tick,
        .lines = ei_lines,
    },
};

const struct dev_dialect_desc *dev_dialect_desc(enum dev_dialect d)
{
    return (unsigned)d < DEV_DIALECT_COUNT ? &dialects[d] : &dialects[0];
}

const char *dev_dialect_name(enum dev_dialect d)
{
    return (unsigned)d < DEV_DIALECT_COUNT ? dialects[d].name : "?";
}

unsigned dev_dialect_caps(enum dev_dialect d)
{
    return dev_dialect_desc(d)->caps;
}

enum kws_status dev_dialect_parse(const char *s, enum dev_dialect *d)
{
    for (int i = 0; i < DEV_DIALECT_COUNT; i++)
        if (!strcmp(s, dialects[i].name)) {
            *d = dialects[i].id;
            return KWS_OK;
        }
    return KWS_ERR_ARG;
}
