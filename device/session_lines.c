/* session_lines.c: sessions with boards running firmware users already have,
 * which print text lines instead of frames (dialect.c parses the lines,
 * session_dialects.c says what each dialect does with them).
 *
 * Here: lines cut from the byte stream and handed to the dialect's handler
 * for their kind (unhandled lines become log events), the generic INFO of a
 * stock board, and pushing audio by micro_speech's test-over-serial mode:
 * "!TEST" (answer "!OK TEST <n>", n bytes per line), then "!DATA
 * audio-pcm-16khz-mono-s16 <bytes>" and base64 lines of n bytes, each
 * acknowledged with "!DATA_ACK <n>", closed by "!OK DATA ...". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_priv.h"

void dev_lines_send(struct dev_session *s, const char *text)
{
    dev_session_send_raw(s, text, strlen(text));
    dev_session_send_raw(s, "\n", 1);
}

void dev_lines_connect(struct dev_session *s, double now)
{
    memset(&s->info, 0, sizeof s->info);
    s->info.sample_rate = KWS_RATE_HZ;
    snprintf(s->info.firmware, sizeof s->info.firmware, "%s", s->d->firmware);
    if (s->d->info) s->d->info(s);
    s->have_info = 1;
    s->last_line = now;
    dev_session_push_event(s, DEV_EV_INFO);
    dev_session_set_state(s, DEV_ST_READY, s->d->name);
    if (s->d->hello) dev_session_send_raw(s, s->d->hello, strlen(s->d->hello));
}

int dev_lines_label_index(struct dev_session *s, const char *name, int learn)
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

void dev_lines_send_data(struct dev_session *s, double now)
{
    size_t k = s->ls_total - s->ls_off;
    if (k > s->ls_decode_len) k = s->ls_decode_len;
    char b64[1024];
    dev_base64_encode(s->ls_data + s->ls_off, k, b64, sizeof b64);
    dev_lines_send(s, b64);
    s->if_sent = now;
}

void dev_lines_fail(struct dev_session *s, const char *why)
{
    struct dev_event *e = dev_session_push_event(s, DEV_EV_ERROR);
    if (e) snprintf(e->text, sizeof e->text, "%s", why);
    s->ls = LS_IDLE;
    dev_session_pop_op(s);
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

static int handle(struct dev_session *s, const struct dev_line *l, double now)
{
    for (const struct dev_line_handler *h = s->d->lines; h && h->kind != DEV_LINE_NONE; h++)
        if (h->kind == l->kind) return h->fn(s, l, now);
    return 0;
}

static void on_line(struct dev_session *s, const char *text, size_t n, double now)
{
    struct dev_line l;
    dev_line_parse(text, n, &l);
    sanitize_line(&l);
    s->c.lines++;
    s->last_line = now;
    /* an Edge Impulse block ends at the first line that is not part of it */
    if (l.kind != DEV_LINE_EI_SCORE && l.kind != DEV_LINE_EI_PREDICTIONS &&
        l.kind != DEV_LINE_EI_ANOMALY)
        dev_lines_ei_flush(s);
    if (handle(s, &l, now)) return;
    struct dev_event *e = dev_session_push_event(s, DEV_EV_LOG);
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

/* A push whose transfer is done but that nothing answered within the
 * detector's window: the stock sketch prints "Heard" only when its detector
 * fires, so silence (or a repeat inside its suppression time) is answered by
 * nothing at all. That is the answer "no detection", not a failure. */
static void check_overdue(struct dev_session *s, double now)
{
    if (!(s->ls_want & LS_WANT_HEARD) || !s->ls_due || now < s->ls_due) return;
    struct dev_event *e = dev_session_push_event(s, DEV_EV_RESULT);
    s->ls_want = 0;
    s->ls_due = 0;
    if (!e) return;
    e->requested = 1;
    e->no_detection = 1;
}

/* One classification: the last second pushed, as little-endian bytes. */
static void start_transfer(struct dev_session *s, double now)
{
    size_t k = s->push_n < DEV_BOARD_CLIP ? s->push_n : DEV_BOARD_CLIP;
    free(s->ls_data);
    s->ls_data = malloc(k * 2 + 1);
    if (!s->ls_data) {
        dev_lines_fail(s, "out of memory");
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
    dev_lines_send(s, "!TEST");
    s->ls_want = 0;
    s->ls_due = 0;
    s->if_sent = now;
    s->ls = LS_WAIT_TEST;
}

void dev_lines_tick(struct dev_session *s, double now)
{
    /* the last Edge Impulse block has no line after it: end it when the
     * board has been quiet for a moment */
    if (s->ei_open && now - s->last_line > 0.2) dev_lines_ei_flush(s);
    check_overdue(s, now);
    if (s->ls != LS_IDLE) {
        if (now - s->if_sent > s->timeout * (s->cfg.retries + 1)) {
            dev_session_set_state(s, DEV_ST_TIMEOUT, "no answer to test-over-serial");
            dev_lines_fail(s, "timeout in test-over-serial transfer");
        }
        return;
    }
    if (!s->ops_n || s->ops[s->ops_head].type != DEV_MSG_CLASSIFY) {
        if (s->ops_n) dev_session_pop_op(s);
        return;
    }
    start_transfer(s, now);
}
