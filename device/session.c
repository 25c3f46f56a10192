/* session.c: the host's side of a board: the connection, its states and
 * reconnection, the event, output, request and push queues, and the public
 * calls. How bytes are spoken is the dialect's (s->d, session_dialects.c):
 * frames in session_frames.c, text lines in session_lines.c. No thread, no
 * blocking: the caller's poll() loop drives it (see device.h, SESSION). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "session_priv.h"

double dev_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

const char *dev_state_name(enum dev_state st)
{
    switch (st) {
    case DEV_ST_CONNECTING: return "connecting";
    case DEV_ST_READY: return "ready";
    case DEV_ST_TIMEOUT: return "timeout";
    case DEV_ST_DISCONNECTED: return "disconnected";
    case DEV_ST_VERSION_MISMATCH: return "version mismatch";
    }
    return "?";
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return p;
    size_t nc = *cap ? *cap : 64;
    while (nc < need) nc *= 2;
    void *q = realloc(p, nc * elem);
    if (!q) return NULL;
    *cap = nc;
    return q;
}

struct dev_event *dev_session_push_event(struct dev_session *s, enum dev_event_kind kind)
{
    if (s->ev_head && s->ev_head + s->ev_n == s->ev_cap) {
        memmove(s->ev, s->ev + s->ev_head, s->ev_n * sizeof *s->ev);
        s->ev_head = 0;
    }
    struct dev_event *e = grow(s->ev, &s->ev_cap, s->ev_head + s->ev_n + 1, sizeof *s->ev);
    if (!e) {
        kws_log(KWS_LOG_ERROR, "device: out of memory for events");
        return NULL;
    }
    s->ev = e;
    e = &s->ev[s->ev_head + s->ev_n++];
    memset(e, 0, offsetof(struct dev_event, audio));
    e->kind = kind;
    e->state = s->state;
    e->text[0] = 0;
    e->audio.n = 0;
    return e;
}

int dev_session_next_event(struct dev_session *s, struct dev_event *ev)
{
    if (!s->ev_n) return 0;
    *ev = s->ev[s->ev_head++];
    if (!--s->ev_n) s->ev_head = 0;
    return 1;
}

void dev_session_set_state(struct dev_session *s, enum dev_state st, const char *why)
{
    if (st == DEV_ST_TIMEOUT && s->state != DEV_ST_TIMEOUT) s->c.timeouts++;
    snprintf(s->msg, sizeof s->msg, "%s", why ? why : "");
    if (st == s->state) return;
    s->state = st;
    struct dev_event *e = dev_session_push_event(s, DEV_EV_STATE);
    if (e) snprintf(e->text, sizeof e->text, "%s", s->msg);
    kws_log(KWS_LOG_INFO, "device: %s%s%s", dev_state_name(st), *s->msg ? ": " : "", s->msg);
}

void dev_session_send_raw(struct dev_session *s, const void *p, size_t n)
{
    uint8_t *o = grow(s->out, &s->out_cap, s->out_n + n, 1);
    if (!o) return;
    s->out = o;
    memcpy(s->out + s->out_n, p, n);
    s->out_n += n;
    dev_session_flush_out(s);
}

void dev_session_lost_port(struct dev_session *s, const char *why)
{
    if (!s->tr_open) return;
    dev_transport_close(&s->tr);
    s->tr_open = 0;
    s->out_n = 0;
    s->c.disconnects++;
    s->inflight = 0; /* the request at the head of the queue is sent again */
    s->ls = LS_IDLE;
    s->next_reconnect = 0;
    dev_session_set_state(s, DEV_ST_DISCONNECTED, why);
}

void dev_session_flush_out(struct dev_session *s)
{
    while (s->tr_open && s->out_n) {
        long w = s->tr.write(&s->tr, s->out, s->out_n);
        if (w < 0) {
            dev_session_lost_port(s, "the port went away (write failed)");
            return;
        }
        if (w == 0) return;
        memmove(s->out, s->out + w, s->out_n - (size_t)w);
        s->out_n -= (size_t)w;
    }
}

enum kws_status dev_session_add_op(struct dev_session *s, uint8_t type, size_t samples)
{
    if (s->ops_head && s->ops_head + s->ops_n == s->ops_cap) {
        memmove(s->ops, s->ops + s->ops_head, s->ops_n * sizeof *s->ops);
        s->ops_head = 0;
    }
    struct dev_op *o = grow(s->ops, &s->ops_cap, s->ops_head + s->ops_n + 1, sizeof *s->ops);
    if (!o) return KWS_ERR_NOMEM;
    s->ops = o;
    s->ops[s->ops_head + s->ops_n++] = (struct dev_op){ type, samples };
    return KWS_OK;
}

void dev_session_pop_op(struct dev_session *s)
{
    if (!s->ops_n) return;
    s->ops_head++;
    if (!--s->ops_n) s->ops_head = 0;
}

static void after_connect(struct dev_session *s, double now)
{
    /* counters survive reconnection: fold the old decoder's into ours */
    s->c.frames_ok += s->dec.frames_ok;
    s->c.bad_frames += dev_decoder_bad(&s->dec);
    dev_decoder_init(&s->dec);
    s->inflight = 0;
    s->have_chunk = 0;
    s->line_n = 0;
    s->d->connect(s, now);
}

enum kws_status dev_session_open(struct dev_session **out, const struct dev_session_config *cfg,
                                 double now, char *err, size_t err_len)
{
    *out = NULL;
    if (!cfg->transport && !cfg->path)
        return kws_err(err, err_len, KWS_ERR_ARG, "no board port given");
    struct dev_session *s = calloc(1, sizeof *s);
    if (!s) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    s->cfg = *cfg;
    s->d = dev_dialect_desc(cfg->dialect);
    s->timeout = (cfg->timeout_ms > 0 ? cfg->timeout_ms : 300) / 1000.0;
    s->reconnect = (cfg->reconnect_ms > 0 ? cfg->reconnect_ms : 250) / 1000.0;
    if (s->cfg.retries <= 0) s->cfg.retries = 5;
    s->state = DEV_ST_DISCONNECTED;
    if (cfg->transport) {
        s->tr = *cfg->transport;
        snprintf(s->path, sizeof s->path, "%s", cfg->path ? cfg->path : s->tr.kind);
    } else {
        snprintf(s->path, sizeof s->path, "%s", cfg->path);
        s->by_path = 1;
        enum kws_status st = dev_transport_open(&s->tr, s->path, err, err_len);
        if (st != KWS_OK) {
            free(s);
            return st;
        }
    }
    s->tr_open = 1;
    s->cfg.path = s->path;
    after_connect(s, now);
    *out = s;
    return KWS_OK;
}

void dev_session_close(struct dev_session *s)
{
    if (!s) return;
    if (s->tr_open) {
        /* Edge Impulse's firmware classifies until it reads a 'b' */
        if (s->d->bye) dev_session_send_raw(s, s->d->bye, strlen(s->d->bye));
        dev_session_flush_out(s);
        dev_transport_close(&s->tr);
    }
    free(s->ev);
    free(s->out);
    free(s->ops);
    free(s->push);
    free(s->ls_data);
    free(s);
}

int dev_session_fd(const struct dev_session *s)
{
    return s->tr_open ? s->tr.fd : -1;
}
enum dev_state dev_session_state(const struct dev_session *s)
{
    return s->state;
}
const char *dev_session_message(const struct dev_session *s)
{
    return s->msg;
}
const struct dev_info *dev_session_info(const struct dev_session *s)
{
    return s->have_info ? &s->info : NULL;
}

void dev_session_counters(const struct dev_session *s, struct dev_counters *c)
{
    *c = s->c;
    c->frames_ok += s->dec.frames_ok;
    c->bad_frames += dev_decoder_bad(&s->dec);
}

size_t dev_session_pending(const struct dev_session *s)
{
    return s->ops_n + (s->inflight && s->if_type == DEV_MSG_HELLO) + (s->ls != LS_IDLE);
}

void dev_session_on_readable(struct dev_session *s, double now)
{
    uint8_t buf[4096];
    for (int rounds = 0; s->tr_open && rounds < 64; rounds++) {
        long r = s->tr.read(&s->tr, buf, sizeof buf);
        if (r < 0) {
            dev_session_lost_port(s, "the port went away");
            return;
        }
        if (r == 0) break;
        s->d->rx(s, buf, (size_t)r, now);
    }
    dev_frames_send_next(s, now);
}

void dev_session_tick(struct dev_session *s, double now)
{
    if (!s->tr_open) {
        if (!s->by_path || now < s->next_reconnect) return;
        s->next_reconnect = now + s->reconnect;
        if (dev_transport_open(&s->tr, s->path, NULL, 0) != KWS_OK) return;
        s->tr_open = 1;
        s->c.reconnects++;
        after_connect(s, now);
        return;
    }
    /* a hang-up with nothing to read is only seen by reading */
    if (s->tr.fd < 0) dev_session_on_readable(s, now);
    dev_session_flush_out(s);
    s->d->tick(s, now);
}

enum kws_status dev_session_mic(struct dev_session *s, int on)
{
    s->mic_wanted = on;
    if (!(s->d->caps & DEV_CAP_MIC)) return KWS_ERR_UNSUPPORTED;
    if (on) s->have_chunk = 0;
    enum kws_status st = dev_session_add_op(s, on ? DEV_MSG_MIC_START : DEV_MSG_MIC_STOP, 0);
    dev_frames_send_next(s, dev_now());
    return st;
}

static enum kws_status append_push(struct dev_session *s, const int16_t *x, size_t n)
{
    if (s->push_head && s->push_head + s->push_n + n > s->push_cap) {
        memmove(s->push, s->push + s->push_head, s->push_n * sizeof *s->push);
        s->push_head = 0;
    }
    int16_t *p = grow(s->push, &s->push_cap, s->push_head + s->push_n + n, sizeof *s->push);
    if (!p) return KWS_ERR_NOMEM;
    s->push = p;
    memcpy(s->push + s->push_head + s->push_n, x, n * sizeof *x);
    s->push_n += n;
    return KWS_OK;
}

enum kws_status dev_session_push(struct dev_session *s, const int16_t *samples, size_t n)
{
    if (!n) return KWS_OK;
    if (!(s->d->caps & DEV_CAP_PUSH)) return KWS_ERR_UNSUPPORTED;
    enum kws_status st = append_push(s, samples, n);
    if (st != KWS_OK || s->cfg.dialect != DEV_DIALECT_KWSCOPE) return st;
    /* merge with a PUSH at the tail of the queue */
    if (s->ops_n && s->ops[s->ops_head + s->ops_n - 1].type == DEV_MSG_PUSH) {
        s->ops[s->ops_head + s->ops_n - 1].samples += n;
        return KWS_OK;
    }
    st = dev_session_add_op(s, DEV_MSG_PUSH, n);
    dev_frames_send_next(s, dev_now());
    return st;
}

enum kws_status dev_session_classify(struct dev_session *s)
{
    if (!(s->d->caps & DEV_CAP_PUSH)) return KWS_ERR_UNSUPPORTED;
    enum kws_status st = dev_session_add_op(s, DEV_MSG_CLASSIFY, 0);
    if (s->cfg.dialect == DEV_DIALECT_KWSCOPE) dev_frames_send_next(s, dev_now());
    return st;
}

enum kws_status dev_session_request_features(struct dev_session *s)
{
    if (!(s->d->caps & DEV_CAP_FEATURES)) return KWS_ERR_UNSUPPORTED;
    enum kws_status st = dev_session_add_op(s, DEV_MSG_FEATURES_REQ, 0);
    dev_frames_send_next(s, dev_now());
    return st;
}
