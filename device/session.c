/* session.c: the host's side of a board over the framed protocol: handshake,
 * one acknowledged request at a time with timeouts and resends, loss and
 * damage counters, connection states and reconnection. No thread, no
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

static void flush_out(struct dev_session *s);

void dev_session_send_raw(struct dev_session *s, const void *p, size_t n)
{
    uint8_t *o = grow(s->out, &s->out_cap, s->out_n + n, 1);
    if (!o) return;
    s->out = o;
    memcpy(s->out + s->out_n, p, n);
    s->out_n += n;
    flush_out(s);
}

static void lost_port(struct dev_session *s, const char *why)
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

static void flush_out(struct dev_session *s)
{
    while (s->tr_open && s->out_n) {
        long w = s->tr.write(&s->tr, s->out, s->out_n);
        if (w < 0) {
            lost_port(s, "the port went away (write failed)");
            return;
        }
        if (w == 0) return;
        memmove(s->out, s->out + w, s->out_n - (size_t)w);
        s->out_n -= (size_t)w;
    }
}

static enum kws_status add_op(struct dev_session *s, uint8_t type, size_t samples)
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

/* Frame and send one request; remembered for resending until acknowledged. */
static void send_frame(struct dev_session *s, uint8_t type, const uint8_t *pl, size_t n,
                       size_t samples, double now)
{
    s->if_len = dev_frame_encode(type, s->tx_seq, pl, n, s->if_wire, sizeof s->if_wire);
    s->if_type = type;
    s->if_seq = s->tx_seq++;
    s->if_samples = samples;
    s->if_sent = now;
    s->if_tries = 0;
    s->inflight = 1;
    dev_session_send_raw(s, s->if_wire, s->if_len);
}

static void send_next(struct dev_session *s, double now)
{
    if (s->inflight || !s->tr_open || s->cfg.dialect != DEV_DIALECT_KWSCOPE) return;
    if (s->need_hello) {
        uint8_t v = DEV_PROTO_VERSION;
        send_frame(s, DEV_MSG_HELLO, &v, 1, 0, now);
        return;
    }
    if (s->state != DEV_ST_READY && s->state != DEV_ST_TIMEOUT) return;
    if (!s->ops_n) return;
    struct dev_op *op = &s->ops[s->ops_head];
    if (op->type == DEV_MSG_PUSH) {
        struct dev_audio a;
        size_t k = op->samples < DEV_PUSH_MAX_SAMPLES ? op->samples : DEV_PUSH_MAX_SAMPLES;
        a.chunk = 0;
        a.n = (uint16_t)k;
        memcpy(a.samples, s->push + s->push_head, k * sizeof *s->push);
        uint8_t pl[64];
        size_t n = dev_audio_encode(&a, pl, sizeof pl);
        send_frame(s, DEV_MSG_PUSH, pl, n, k, now);
        return;
    }
    send_frame(s, op->type, NULL, 0, 0, now);
}

/* The in-flight request was acknowledged (or answered). */
static void complete(struct dev_session *s)
{
    s->inflight = 0;
    if (s->if_type == DEV_MSG_HELLO) {
        s->need_hello = 0;
        return;
    }
    if (!s->ops_n) return;
    struct dev_op *op = &s->ops[s->ops_head];
    if (op->type == DEV_MSG_PUSH) {
        s->push_head += s->if_samples;
        s->push_n -= s->if_samples;
        op->samples -= s->if_samples;
        if (!s->push_n) s->push_head = 0;
        if (op->samples) return;
    }
    dev_session_pop_op(s);
}

/* INFO strings reach terminals, JSON and file names: no control bytes. */
static void sanitize_info(struct dev_info *i)
{
    dev_text_sanitize(i->firmware, sizeof i->firmware);
    dev_text_sanitize(i->model, sizeof i->model);
    for (int k = 0; k < i->n_labels; k++) dev_text_sanitize(i->labels[k], DEV_LABEL_LEN);
}

static void on_frame(struct dev_session *s, const struct dev_frame *f)
{
    struct dev_event *e;
    uint8_t at;
    uint16_t aseq;
    switch (f->type) {
    case DEV_MSG_ACK:
        if (dev_ack_decode(f->payload, f->len, &at, &aseq) != KWS_OK) {
            s->c.bad_payload++;
            return;
        }
        /* HELLO completes with INFO, not with its ACK */
        if (s->inflight && at == s->if_type && aseq == s->if_seq && at != DEV_MSG_HELLO) {
            /* the board answers a CLASSIFY right after its ACK, before
             * anything else: the next RESULT (or ERROR) is that answer */
            if (at == DEV_MSG_CLASSIFY) s->want_result++;
            complete(s);
            if (s->state == DEV_ST_TIMEOUT)
                dev_session_set_state(s, DEV_ST_READY, "the board answers again");
        }
        return;
    case DEV_MSG_INFO:
        if (dev_info_decode(f->payload, f->len, &s->info) != KWS_OK) {
            /* another version's layout: the first byte still says which */
            if (f->len >= 1 && f->payload[0] == DEV_PROTO_VERSION) {
                /* our version, but unreadable: say why instead of timing out */
                s->c.bad_payload++;
                if (s->info.n_labels > DEV_MAX_LABELS)
                    snprintf(s->bad_info, sizeof s->bad_info,
                             "the board's INFO lists %d labels "
                             "(at most %d)",
                             s->info.n_labels, DEV_MAX_LABELS);
                else
                    snprintf(s->bad_info, sizeof s->bad_info,
                             "the board's INFO is malformed "
                             "(%u bytes)",
                             (unsigned)f->len);
                memset(&s->info, 0, sizeof s->info);
                snprintf(s->msg, sizeof s->msg, "%s", s->bad_info);
                kws_log(KWS_LOG_INFO, "device: %s", s->bad_info);
            } else if (f->len >= 1) {
                char why[160];
                snprintf(why, sizeof why,
                         "the board speaks protocol v%d, kwscope speaks v%d: "
                         "flash device/firmware/ from this kwscope",
                         f->payload[0], DEV_PROTO_VERSION);
                dev_session_set_state(s, DEV_ST_VERSION_MISMATCH, why);
                s->inflight = 0;
                s->need_hello = 0;
            } else {
                s->c.bad_payload++;
            }
            return;
        }
        s->bad_info[0] = 0;
        sanitize_info(&s->info);
        s->have_info = 1;
        if (s->inflight && s->if_type == DEV_MSG_HELLO) complete(s);
        s->need_hello = 0;
        if (s->info.proto != DEV_PROTO_VERSION) {
            char why[160];
            snprintf(why, sizeof why,
                     "the board speaks protocol v%d, kwscope speaks v%d: "
                     "flash device/firmware/ from this kwscope",
                     s->info.proto, DEV_PROTO_VERSION);
            dev_session_set_state(s, DEV_ST_VERSION_MISMATCH, why);
            return;
        }
        dev_session_push_event(s, DEV_EV_INFO);
        dev_session_set_state(s, DEV_ST_READY,
                              s->info.model[0] ? s->info.model : "board has no model");
        return;
    case DEV_MSG_AUDIO:
        e = dev_session_push_event(s, DEV_EV_AUDIO);
        if (!e) return;
        if (dev_audio_decode(f->payload, f->len, &e->audio) != KWS_OK) {
            s->ev_n--;
            s->c.bad_payload++;
            return;
        }
        s->c.chunks++;
        if (s->have_chunk) {
            /* modulo 2^32, so the counter may wrap; a jump back or further
             * than DEV_CHUNK_GAP_MAX is a board that restarted its count,
             * not billions of lost chunks */
            uint32_t gap = e->audio.chunk - s->last_chunk - 1u;
            if (gap <= DEV_CHUNK_GAP_MAX)
                s->c.lost_chunks += gap;
            else
                s->c.chunk_resets++;
        }
        s->have_chunk = 1;
        s->last_chunk = e->audio.chunk;
        return;
    case DEV_MSG_RESULT:
        e = dev_session_push_event(s, DEV_EV_RESULT);
        if (!e) return;
        if (dev_result_decode(f->payload, f->len, &e->result) != KWS_OK) {
            s->ev_n--;
            s->c.bad_payload++;
            return;
        }
        e->has_scores = e->has_timings = 1;
        if (s->want_result > 0) {
            e->requested = 1;
            s->want_result--;
        }
        if (s->have_info && e->result.label < s->info.n_labels)
            snprintf(e->label, sizeof e->label, "%s", s->info.labels[e->result.label]);
        return;
    case DEV_MSG_FEATURES:
        e = dev_session_push_event(s, DEV_EV_FEATURES);
        if (e && dev_features_decode(f->payload, f->len, &e->features) != KWS_OK) {
            s->ev_n--;
            s->c.bad_payload++;
        }
        return;
    case DEV_MSG_LOG:
    case DEV_MSG_ERROR: {
        int err = f->type == DEV_MSG_ERROR;
        e = dev_session_push_event(s, err ? DEV_EV_ERROR : DEV_EV_LOG);
        if (!e) return;
        size_t off = err && f->len ? 1 : 0;
        dev_text_escape(f->payload + off, f->len - off, e->text, sizeof e->text);
        e->code = err && f->len ? f->payload[0] : 0;
        if (err && s->want_result > 0) s->want_result--;
        if (err && e->code == DEV_ERR_VERSION) {
            char why[300];
            snprintf(why, sizeof why, "%s; kwscope speaks v%d", e->text, DEV_PROTO_VERSION);
            dev_session_set_state(s, DEV_ST_VERSION_MISMATCH, why);
        }
        /* an error answers the request in flight (no model, bad payload) */
        return;
    }
    default: s->c.bad_payload++;
    }
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
    if (s->cfg.dialect == DEV_DIALECT_KWSCOPE) {
        s->need_hello = 1;
        dev_session_set_state(s, DEV_ST_CONNECTING, s->path);
        /* the board forgot its mic stream when the port went away */
        if (s->mic_wanted && !(s->ops_n && s->ops[s->ops_head].type == DEV_MSG_MIC_START)) {
            if (s->ops_head)
                s->ops[--s->ops_head] = (struct dev_op){ DEV_MSG_MIC_START, 0 }, s->ops_n++;
            else
                add_op(s, DEV_MSG_MIC_START, 0);
        }
        send_next(s, now);
    } else {
        dev_lines_init_info(s);
        dev_session_set_state(s, DEV_ST_READY, dev_dialect_name(s->cfg.dialect));
    }
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
        flush_out(s);
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
            lost_port(s, "the port went away");
            return;
        }
        if (r == 0) break;
        if (s->cfg.dialect != DEV_DIALECT_KWSCOPE) {
            dev_lines_rx(s, buf, (size_t)r, now);
            continue;
        }
        const uint8_t *p = buf;
        size_t n = (size_t)r;
        while (n) {
            struct dev_frame f;
            int got;
            size_t used = dev_decoder_feed(&s->dec, p, n, &f, &got);
            p += used;
            n -= used;
            if (got) on_frame(s, &f);
        }
    }
    send_next(s, now);
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
    flush_out(s);
    if (s->cfg.dialect != DEV_DIALECT_KWSCOPE) {
        dev_lines_tick(s, now);
        return;
    }
    if (s->state == DEV_ST_VERSION_MISMATCH) return;
    if (s->inflight && now - s->if_sent > s->timeout) {
        if (++s->if_tries > s->cfg.retries) {
            char why[160];
            if (s->if_type == DEV_MSG_HELLO && s->bad_info[0])
                snprintf(why, sizeof why, "%s", s->bad_info);
            else
                snprintf(why, sizeof why, "no answer after %d tries", s->cfg.retries + 1);
            dev_session_set_state(s, DEV_ST_TIMEOUT, why);
            s->if_tries = 0;
        }
        s->c.resends++;
        s->if_sent = now;
        dev_session_send_raw(s, s->if_wire, s->if_len);
    }
    send_next(s, now);
}

enum kws_status dev_session_mic(struct dev_session *s, int on)
{
    s->mic_wanted = on;
    if (s->cfg.dialect != DEV_DIALECT_KWSCOPE) return KWS_ERR_UNSUPPORTED;
    if (on) s->have_chunk = 0;
    enum kws_status st = add_op(s, on ? DEV_MSG_MIC_START : DEV_MSG_MIC_STOP, 0);
    send_next(s, dev_now());
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
    if (s->cfg.dialect == DEV_DIALECT_EDGE_IMPULSE) return KWS_ERR_UNSUPPORTED;
    enum kws_status st = append_push(s, samples, n);
    if (st != KWS_OK || s->cfg.dialect != DEV_DIALECT_KWSCOPE) return st;
    /* merge with a PUSH at the tail of the queue */
    if (s->ops_n && s->ops[s->ops_head + s->ops_n - 1].type == DEV_MSG_PUSH) {
        s->ops[s->ops_head + s->ops_n - 1].samples += n;
        return KWS_OK;
    }
    st = add_op(s, DEV_MSG_PUSH, n);
    send_next(s, dev_now());
    return st;
}

enum kws_status dev_session_classify(struct dev_session *s)
{
    if (s->cfg.dialect == DEV_DIALECT_EDGE_IMPULSE) return KWS_ERR_UNSUPPORTED;
    enum kws_status st = add_op(s, DEV_MSG_CLASSIFY, 0);
    if (s->cfg.dialect == DEV_DIALECT_KWSCOPE) send_next(s, dev_now());
    return st;
}

enum kws_status dev_session_request_features(struct dev_session *s)
{
    if (s->cfg.dialect != DEV_DIALECT_KWSCOPE) return KWS_ERR_UNSUPPORTED;
    enum kws_status st = add_op(s, DEV_MSG_FEATURES_REQ, 0);
    send_next(s, dev_now());
    return st;
}
