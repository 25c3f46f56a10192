/* session_lines.c: sessions with boards running firmware users already have,
 * which print text lines instead of frames (see dialect.c for the formats).
 *
 * micro_speech: "Heard" lines become detections, "Scores:" lines scores,
 * "## time:" lines profile events. Pushing audio uses the sketch's
 * test-over-serial mode: "!TEST" (answer "!OK TEST <n>", n bytes per line),
 * then "!DATA audio-pcm-16khz-mono-s16 <bytes>" and base64 lines of n bytes,
 * each acknowledged with "!DATA_ACK <n>", closed by "!OK DATA ...".
 * Edge Impulse: "Predictions (DSP: ..)" blocks become results with timings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_priv.h"

static const char *const ms_labels[] = { "silence", "unknown", "yes", "no" };

const char *dev_dialect_name(enum dev_dialect d)
{
    switch (d) {
    case DEV_DIALECT_KWSCOPE: return "kwscope";
    case DEV_DIALECT_MICRO_SPEECH: return "micro_speech";
    case DEV_DIALECT_EDGE_IMPULSE: return "edge-impulse";
    }
    return "?";
}

enum kws_status dev_dialect_parse(const char *s, enum dev_dialect *d)
{
    for (int i = 0; i <= DEV_DIALECT_EDGE_IMPULSE; i++)
        if (!strcmp(s, dev_dialect_name((enum dev_dialect)i))) {
            *d = (enum dev_dialect)i;
            return KWS_OK;
        }
    return KWS_ERR_ARG;
}

void dev_lines_init_info(struct dev_session *s)
{
    memset(&s->info, 0, sizeof s->info);
    s->info.sample_rate = KWS_RATE_HZ;
    if (s->cfg.dialect == DEV_DIALECT_MICRO_SPEECH) {
        snprintf(s->info.firmware, sizeof s->info.firmware, "micro_speech (stock sketch)");
        snprintf(s->info.model, sizeof s->info.model, "micro_speech");
        s->info.n_labels = 4;
        for (int i = 0; i < 4; i++) snprintf(s->info.labels[i], DEV_LABEL_LEN, "%s", ms_labels[i]);
    } else {
        snprintf(s->info.firmware, sizeof s->info.firmware, "Edge Impulse");
    }
    s->have_info = 1;
    dev_session_push_event(s, DEV_EV_INFO);
}

static int label_index(struct dev_session *s, const char *name, int learn)
{
    for (int i = 0; i < s->info.n_labels; i++)
        if (!strcmp(s->info.labels[i], name)) return i;
    /* micro_speech prints initials in its Scores line */
    for (int i = 0; i < s->info.n_labels && strlen(name) == 1; i++)
        if (s->info.labels[i][0] == name[0]) return i;
    if (!learn || s->info.n_labels >= DEV_MAX_LABELS) return -1;
    snprintf(s->info.labels[s->info.n_labels], DEV_LABEL_LEN, "%s", name);
    return s->info.n_labels++;
}

static void ei_flush(struct dev_session *s)
{
    if (!s->ei_open) return;
    s->ei_open = 0;
    struct dev_event *e = dev_session_push_event(s, DEV_EV_RESULT);
    if (!e) return;
    *e = s->ei_ev;
    e->state = s->state;
    int best = 0;
    for (int i = 1; i < e->result.n_scores; i++)
        if (e->result.scores[i] > e->result.scores[best]) best = i;
    e->result.label = (uint8_t)best;
    if (best < s->info.n_labels) snprintf(e->label, sizeof e->label, "%s", s->info.labels[best]);
}

static void send_line(struct dev_session *s, const char *text)
{
    dev_session_send_raw(s, text, strlen(text));
    dev_session_send_raw(s, "\n", 1);
}

static void send_data_line(struct dev_session *s, double now)
{
    size_t k = s->ls_total - s->ls_off;
    if (k > s->ls_decode_len) k = s->ls_decode_len;
    char b64[1024];
    dev_base64_encode(s->ls_data + s->ls_off, k, b64, sizeof b64);
    send_line(s, b64);
    s->if_sent = now;
}

static void ls_fail(struct dev_session *s, const char *why)
{
    struct dev_event *e = dev_session_push_event(s, DEV_EV_ERROR);
    if (e) snprintf(e->text, sizeof e->text, "%s", why);
    s->ls = LS_IDLE;
    dev_session_pop_op(s);
}

/* A board's ms figure in us, clamped to [0, 1 h]: anything can arrive. */
static uint32_t ms_to_us(float ms)
{
    if (!(ms > 0)) return 0;
    return ms > 3.6e6f ? 3600000000u : (uint32_t)lrintf(ms * 1000.0f);
}

/* What a line parser copied out of the board's text reaches terminals and
 * JSON: no control bytes (see text.c). */
static void sanitize_line(struct dev_line *l)
{
    dev_text_sanitize(l->label, sizeof l->label);
    for (int i = 0; i < l->n_scores && i < DEV_MAX_LABELS; i++)
        dev_text_sanitize(l->score_labels[i], sizeof l->score_labels[i]);
    dev_text_sanitize(l->profile_name, sizeof l->profile_name);
    dev_text_sanitize(l->text, sizeof l->text);
}

static void on_line(struct dev_session *s, const char *text, size_t n, double now)
{
    struct dev_line l;
    dev_line_parse(text, n, &l);
    sanitize_line(&l);
    s->c.lines++;
    if (l.kind != DEV_LINE_EI_SCORE) ei_flush(s);
    struct dev_event *e;
    switch (l.kind) {
    case DEV_LINE_HEARD:
        e = dev_session_push_event(s, DEV_EV_RESULT);
        if (!e) return;
        e->line = l;
        e->result.detected = 1;
        e->result.board_ms = l.time_ms;
        /* after "!OK DATA" the next Heard answers the push; a second Heard
         * before any Scores line is a live detection again */
        e->requested = s->ls_want == 1;
        s->ls_want = s->ls_want == 1 ? 2 : 0;
        snprintf(e->label, sizeof e->label, "%s", l.label);
        e->result.label =
            (uint8_t)(label_index(s, l.label, 1) < 0 ? 0 : label_index(s, l.label, 1));
        e->code = l.score;
        return;
    case DEV_LINE_SCORES:
        e = dev_session_push_event(s, DEV_EV_RESULT);
        if (!e) return;
        e->line = l;
        e->has_scores = 1;
        e->requested = s->ls_want != 0;
        s->ls_want = 0;
        e->result.n_scores = (uint8_t)l.n_scores;
        for (int i = 0; i < l.n_scores; i++) {
            int v = l.scores[i] < -128 ? -128 : l.scores[i] > 127 ? 127 : l.scores[i];
            e->result.scores[i] = (int8_t)v;
            if (e->result.scores[i] > e->result.scores[e->result.label])
                e->result.label = (uint8_t)i;
        }
        int li = label_index(s, l.score_labels[e->result.label], 0);
        snprintf(e->label, sizeof e->label, "%s",
                 li >= 0 ? s->info.labels[li] : l.score_labels[e->result.label]);
        return;
    case DEV_LINE_PROFILE:
        e = dev_session_push_event(s, DEV_EV_PROFILE);
        if (e) e->line = l;
        return;
    case DEV_LINE_EI_HEADER:
        memset(&s->ei_ev, 0, sizeof s->ei_ev);
        s->ei_ev.kind = DEV_EV_RESULT;
        s->ei_ev.has_scores = s->ei_ev.has_timings = 1;
        s->ei_ev.result.preprocess_us = ms_to_us(l.dsp_ms);
        s->ei_ev.result.inference_us = ms_to_us(l.class_ms);
        s->ei_ev.result.postprocess_us = ms_to_us(l.anomaly_ms);
        s->ei_ev.line = l;
        s->ei_open = 1;
        return;
    case DEV_LINE_EI_SCORE:
        if (s->ei_open && s->ei_ev.result.n_scores < DEV_MAX_LABELS &&
            label_index(s, l.label, 1) == s->ei_ev.result.n_scores) {
            /* 0..1 to the int8 convention of the model output: q = p*256 - 128 */
            float p = l.value < 0 ? 0
                : l.value > 1     ? 1
                                  : l.value; /* the parser gives finite values */
            long q = lrintf(p * 256.0f) - 128;
            s->ei_ev.result.scores[s->ei_ev.result.n_scores++] = (int8_t)(q > 127        ? 127
                                                                              : q < -128 ? -128
                                                                                         : q);
            if (s->ei_ev.result.n_scores == DEV_MAX_LABELS) ei_flush(s);
            return;
        }
        break;
    case DEV_LINE_OK:
        if (s->ls == LS_WAIT_TEST && !strncmp(l.text, "TEST", 4) && l.score > 0) {
            char cmd[96];
            s->ls_decode_len = (size_t)l.score > 700 ? 700 : (size_t)l.score;
            s->ls_off = 0;
            snprintf(cmd, sizeof cmd, "!DATA audio-pcm-16khz-mono-s16 %zu", s->ls_total);
            send_line(s, cmd);
            send_data_line(s, now);
            s->ls = LS_WAIT_ACK;
            return;
        }
        if (s->ls == LS_WAIT_DATA_OK && !strncmp(l.text, "DATA", 4)) {
            s->ls = LS_IDLE;
            s->ls_want = 1;
            dev_session_pop_op(s);
            return;
        }
        break;
    case DEV_LINE_DATA_ACK:
        if (s->ls == LS_WAIT_ACK) {
            size_t k = s->ls_total - s->ls_off;
            if (k > s->ls_decode_len) k = s->ls_decode_len;
            if (l.score >= 0 && (size_t)l.score != k) {
                char why[96];
                snprintf(why, sizeof why, "the board acknowledged %d bytes of a %zu-byte line",
                         l.score, k);
                ls_fail(s, why);
                return;
            }
            s->ls_off += k;
            if (s->ls_off < s->ls_total)
                send_data_line(s, now);
            else
                s->ls = LS_WAIT_DATA_OK;
            return;
        }
        break;
    case DEV_LINE_FAIL:
        if (s->ls != LS_IDLE) {
            char why[128];
            snprintf(why, sizeof why, "board refused: !FAIL %s", l.text);
            ls_fail(s, why);
            return;
        }
        break;
    default: break;
    }
    e = dev_session_push_event(s, DEV_EV_LOG);
    if (!e) return;
    dev_text_escape(text, n, e->text, sizeof e->text);
    e->line = l;
}

void dev_lines_rx(struct dev_session *s, const uint8_t *p, size_t n, double now)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            size_t k = s->line_n;
            while (k && s->line[k - 1] == '\r') k--;
            if (!s->line_overflow && k) on_line(s, s->line, k, now);
            s->line_n = 0;
            s->line_overflow = 0;
        } else if (s->line_n < sizeof s->line) {
            s->line[s->line_n++] = (char)p[i];
        } else {
            s->line_overflow = 1; /* a line longer than any dialect's: dropped */
        }
    }
}

void dev_lines_tick(struct dev_session *s, double now)
{
    if (s->ls != LS_IDLE) {
        if (now - s->if_sent > s->timeout * (s->cfg.retries + 1)) {
            dev_session_set_state(s, DEV_ST_TIMEOUT, "no answer to test-over-serial");
            ls_fail(s, "timeout in test-over-serial transfer");
        }
        return;
    }
    if (!s->ops_n || s->ops[s->ops_head].type != DEV_MSG_CLASSIFY) {
        if (s->ops_n) dev_session_pop_op(s);
        return;
    }
    /* one classification: the last second pushed, as little-endian bytes */
    size_t k = s->push_n < DEV_BOARD_CLIP ? s->push_n : DEV_BOARD_CLIP;
    free(s->ls_data);
    s->ls_data = malloc(k * 2 + 1);
    if (!s->ls_data) {
        ls_fail(s, "out of memory");
        return;
    }
    const int16_t *x = s->push + s->push_head + s->push_n - k;
    for (size_t i = 0; i < k; i++) {
        s->ls_data[2 * i] = (uint8_t)x[i];
        s->ls_data[2 * i + 1] = (uint8_t)((uint16_t)x[i] >> 8);
    }
    s->ls_total = k * 2;
    s->push_n = s->push_head = 0;
    if (s->state == DEV_ST_TIMEOUT) dev_session_set_state(s, DEV_ST_READY, "retrying");
    send_line(s, "!TEST");
    s->ls_want = 0;
    s->if_sent = now;
    s->ls = LS_WAIT_TEST;
}
