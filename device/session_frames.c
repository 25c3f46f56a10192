/* session_frames.c: the framed protocol of PROTOCOL.md from the host's side
 * (DEV_DIALECT_KWSCOPE): HELLO and INFO, one acknowledged request at a time
 * with timeouts and resends, and each incoming frame turned into events by a
 * handler per message type. */
#include <stdio.h>
#include <string.h>

#include "session_priv.h"

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

void dev_frames_send_next(struct dev_session *s, double now)
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

static void version_mismatch(struct dev_session *s, int theirs)
{
    char why[160];
    snprintf(why, sizeof why,
             "the board speaks protocol v%d, kwscope speaks v%d: "
             "flash device/firmware/ from this kwscope",
             theirs, DEV_PROTO_VERSION);
    dev_session_set_state(s, DEV_ST_VERSION_MISMATCH, why);
}

static void on_ack(struct dev_session *s, const struct dev_frame *f)
{
    uint8_t at;
    uint16_t aseq;
    if (dev_ack_decode(f->payload, f->len, &at, &aseq) != KWS_OK) {
        s->c.bad_payload++;
        return;
    }
    /* HELLO completes with INFO, not with its ACK */
    if (s->inflight && at == s->if_type && aseq == s->if_seq && at != DEV_MSG_HELLO) {
        /* the board answers a CLASSIFY right after its ACK, before anything
         * else: the next RESULT (or ERROR) is that answer */
        if (at == DEV_MSG_CLASSIFY) s->want_result++;
        complete(s);
        if (s->state == DEV_ST_TIMEOUT)
            dev_session_set_state(s, DEV_ST_READY, "the board answers again");
    }
}

/* An INFO that does not decode: another version's layout (its first byte
 * still says which), or ours but unreadable (say why instead of timing out). */
static void on_bad_info(struct dev_session *s, const struct dev_frame *f)
{
    if (f->len >= 1 && f->payload[0] == DEV_PROTO_VERSION) {
        s->c.bad_payload++;
        if (s->info.n_labels > DEV_MAX_LABELS)
            snprintf(s->bad_info, sizeof s->bad_info,
                     "the board's INFO lists %d labels (at most %d)", s->info.n_labels,
                     DEV_MAX_LABELS);
        else
            snprintf(s->bad_info, sizeof s->bad_info, "the board's INFO is malformed (%u bytes)",
                     (unsigned)f->len);
        memset(&s->info, 0, sizeof s->info);
        snprintf(s->msg, sizeof s->msg, "%s", s->bad_info);
        kws_log(KWS_LOG_INFO, "device: %s", s->bad_info);
    } else if (f->len >= 1) {
        version_mismatch(s, f->payload[0]);
        s->inflight = 0;
        s->need_hello = 0;
    } else {
        s->c.bad_payload++;
    }
}

static void on_info(struct dev_session *s, const struct dev_frame *f)
{
    if (dev_info_decode(f->payload, f->len, &s->info) != KWS_OK) {
        on_bad_info(s, f);
        return;
    }
    s->bad_info[0] = 0;
    sanitize_info(&s->info);
    s->have_info = 1;
    if (s->inflight && s->if_type == DEV_MSG_HELLO) complete(s);
    s->need_hello = 0;
    if (s->info.proto != DEV_PROTO_VERSION) {
        version_mismatch(s, s->info.proto);
        return;
    }
    dev_session_push_event(s, DEV_EV_INFO);
    dev_session_set_state(s, DEV_ST_READY, s->info.model[0] ? s->info.model : "board has no model");
}

static void on_audio(struct dev_session *s, const struct dev_frame *f)
{
    struct dev_event *e = dev_session_push_event(s, DEV_EV_AUDIO);
    if (!e) return;
    if (dev_audio_decode(f->payload, f->len, &e->audio) != KWS_OK) {
        s->ev_n--;
        s->c.bad_payload++;
        return;
    }
    s->c.chunks++;
    if (s->have_chunk) {
        /* modulo 2^32, so the counter may wrap; a jump back or further than
         * DEV_CHUNK_GAP_MAX is a board that restarted its count, not
         * billions of lost chunks */
        uint32_t gap = e->audio.chunk - s->last_chunk - 1u;
        if (gap <= DEV_CHUNK_GAP_MAX)
            s->c.lost_chunks += gap;
        else
            s->c.chunk_resets++;
    }
    s->have_chunk = 1;
    s->last_chunk = e->audio.chunk;
}

static void on_result(struct dev_session *s, const struct dev_frame *f)
{
    struct dev_event *e = dev_session_push_event(s, DEV_EV_RESULT);
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
}

static void on_features(struct dev_session *s, const struct dev_frame *f)
{
    struct dev_event *e = dev_session_push_event(s, DEV_EV_FEATURES);
    if (e && dev_features_decode(f->payload, f->len, &e->features) != KWS_OK) {
        s->ev_n--;
        s->c.bad_payload++;
    }
}

/* LOG and ERROR: text; an error also answers the request in flight (no
 * model, bad payload). */
static void on_text(struct dev_session *s, const struct dev_frame *f)
{
    int err = f->type == DEV_MSG_ERROR;
    struct dev_event *e = dev_session_push_event(s, err ? DEV_EV_ERROR : DEV_EV_LOG);
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
}

static const struct {
    uint8_t type;
    void (*fn)(struct dev_session *s, const struct dev_frame *f);
} frame_handlers[] = {
    { DEV_MSG_ACK, on_ack },       { DEV_MSG_INFO, on_info },         { DEV_MSG_AUDIO, on_audio },
    { DEV_MSG_RESULT, on_result }, { DEV_MSG_FEATURES, on_features }, { DEV_MSG_LOG, on_text },
    { DEV_MSG_ERROR, on_text },
};

static void on_frame(struct dev_session *s, const struct dev_frame *f)
{
    for (size_t i = 0; i < sizeof frame_handlers / sizeof *frame_handlers; i++)
        if (frame_handlers[i].type == f->type) {
            frame_handlers[i].fn(s, f);
            return;
        }
    s->c.bad_payload++;
}

void dev_frames_connect(struct dev_session *s, double now)
{
    s->need_hello = 1;
    dev_session_set_state(s, DEV_ST_CONNECTING, s->path);
    /* the board forgot its mic stream when the port went away */
    if (s->mic_wanted && !(s->ops_n && s->ops[s->ops_head].type == DEV_MSG_MIC_START)) {
        if (s->ops_head)
            s->ops[--s->ops_head] = (struct dev_op){ DEV_MSG_MIC_START, 0 }, s->ops_n++;
        else
            dev_session_add_op(s, DEV_MSG_MIC_START, 0);
    }
    dev_frames_send_next(s, now);
}

void dev_frames_rx(struct dev_session *s, const uint8_t *p, size_t n, double now)
{
    (void)now;
    while (n) {
        struct dev_frame f;
        int got;
        size_t used = dev_decoder_feed(&s->dec, p, n, &f, &got);
        p += used;
        n -= used;
        if (got) on_frame(s, &f);
    }
}

void dev_frames_tick(struct dev_session *s, double now)
{
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
    dev_frames_send_next(s, now);
}
