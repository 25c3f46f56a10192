/* board_core.c: the board's side of the protocol, shared by the firmware
 * sketch and the virtual board. Portable C: no stdio, no allocation, no
 * clock or serial of its own; the shell supplies write() and micros() and the
 * three pipeline stages, and the core times each stage with micros().
 *
 * Every host frame is acknowledged (host-to-board bytes travel in small
 * acknowledged chunks, see PROTOCOL.md); a repeated frame (same type and
 * sequence: the host retrying after a lost ACK) is acknowledged again but not
 * acted on twice.
 *
 * Live detection (live_stride > 0): the mic is classified every live_stride
 * samples; a detection calls the shell's on_detect (the sketch's LED) and,
 * while the mic streams, goes to the host as a RESULT with detected = 1.
 * Pushed audio shares the classification buffer, so live classification
 * pauses for DEV_BOARD_HOLD_US of board time after every PUSH, CLASSIFY or
 * FEATURES_REQ: a host's push is never mixed with the mic, and a RESULT
 * during a request is always the requested one. (Board time, not mic
 * samples: the virtual board's mic may run at 50x, its host does not.) */
#include <string.h>

#include "device.h"

static void send(struct dev_board *b, uint8_t type, const uint8_t *pl, size_t n)
{
    size_t w = dev_frame_encode(type, b->tx_seq++, pl, n, b->txbuf, sizeof b->txbuf);
    if (w) b->write(b->io, b->txbuf, w);
}

void dev_board_send_log(struct dev_board *b, const char *text)
{
    size_t n = strlen(text);
    if (n > DEV_MAX_PAYLOAD) n = DEV_MAX_PAYLOAD;
    send(b, DEV_MSG_LOG, (const uint8_t *)text, n);
}

static void send_error(struct dev_board *b, uint8_t code, const char *text)
{
    size_t n = strlen(text);
    if (n > 200) n = 200;
    b->pl[0] = code;
    memcpy(b->pl + 1, text, n);
    send(b, DEV_MSG_ERROR, b->pl, n + 1);
}

void dev_board_init(struct dev_board *b, const struct dev_info *info,
                    const struct dev_board_pipeline *pipe,
                    void (*write)(void *io, const uint8_t *p, size_t n),
                    uint32_t (*micros)(void *io), void *io)
{
    memset(b, 0, sizeof *b);
    dev_decoder_init(&b->dec);
    b->info = *info;
    b->info.proto = DEV_PROTO_VERSION;
    if (pipe) b->pipe = *pipe;
    b->write = write;
    b->micros = micros;
    b->io = io;
}

void dev_board_restart(struct dev_board *b)
{
    b->ring_fill = b->unfed = 0;
    b->streaming = 0;
}

static void ring_add(struct dev_board *b, const int16_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        b->ring[b->ring_head] = s[i];
        b->ring_head = (b->ring_head + 1) % DEV_BOARD_CLIP;
    }
    b->ring_fill = b->ring_fill + n > DEV_BOARD_CLIP ? DEV_BOARD_CLIP : b->ring_fill + n;
    b->unfed = b->unfed + n > DEV_BOARD_CLIP ? DEV_BOARD_CLIP : b->unfed + n;
}

/* Audio from src: a push is never mixed with the mic (nor the mic with a
 * push): a change of source starts a new stream. */
static void source_add(struct dev_board *b, uint8_t src, const int16_t *s, size_t n)
{
    if (b->source != src) dev_board_restart(b);
    b->source = src;
    ring_add(b, s, n);
}

void dev_board_feed(struct dev_board *b, const int16_t *s, size_t n)
{
    ring_add(b, s, n);
}

/* The newest n samples of the ring, oldest first, in at most two runs. */
static void ring_stream(struct dev_board *b, size_t n, int restart)
{
    size_t start = (b->ring_head + DEV_BOARD_CLIP - n) % DEV_BOARD_CLIP;
    size_t n1 = DEV_BOARD_CLIP - start < n ? DEV_BOARD_CLIP - start : n;
    b->pipe.stream(b->pipe.user, b->ring + start, n1, restart);
    if (n > n1) b->pipe.stream(b->pipe.user, b->ring, n - n1, 0);
}

/* Brings the pipeline's window up to the newest audio (see device.h for
 * when a new stream begins). */
static void stream_update(struct dev_board *b)
{
    if (!b->streaming || b->unfed >= DEV_BOARD_CLIP) {
        static const int16_t zeros[KWS_STRIDE_SAMPLES];
        size_t pad = DEV_BOARD_CLIP - b->ring_fill;
        b->pipe.stream(b->pipe.user, NULL, 0, 1);
        for (size_t k; pad; pad -= k) {
            k = pad < KWS_STRIDE_SAMPLES ? pad : KWS_STRIDE_SAMPLES;
            b->pipe.stream(b->pipe.user, zeros, k, 0);
        }
        ring_stream(b, b->ring_fill, 0);
    } else if (b->unfed) {
        ring_stream(b, b->unfed, 0);
    }
    b->unfed = 0;
    b->streaming = 1;
}

/* Without a stream stage: the last second in place, oldest first at the
 * front of the ring, zero-padded at the front when short (a rotation by
 * three reversals, so no second buffer). */
static void reverse(int16_t *x, size_t i, size_t j)
{
    for (; i + 1 < j; i++, j--) {
        int16_t t = x[i];
        x[i] = x[j - 1];
        x[j - 1] = t;
    }
}

static const int16_t *ring_linear(struct dev_board *b)
{
    size_t pad = DEV_BOARD_CLIP - b->ring_fill;
    size_t start = (b->ring_head + DEV_BOARD_CLIP - b->ring_fill) % DEV_BOARD_CLIP;
    size_t r = (pad + DEV_BOARD_CLIP - start) % DEV_BOARD_CLIP; /* rotate right by r */
    reverse(b->ring, 0, DEV_BOARD_CLIP);
    reverse(b->ring, 0, r);
    reverse(b->ring, r, DEV_BOARD_CLIP);
    memset(b->ring, 0, pad * sizeof b->ring[0]);
    b->ring_head = 0;
    return b->ring;
}

int dev_board_classify(struct dev_board *b, struct dev_result *r)
{
    memset(r, 0, sizeof *r);
    if (!b->pipe.features || !b->pipe.infer) return -1;
    const int16_t *clip = b->pipe.stream ? NULL : ring_linear(b);
    uint32_t i0 = b->instret ? b->instret(b->io) : 0;
    uint32_t t0 = b->micros(b->io);
    if (b->pipe.stream) stream_update(b);
    if (b->pipe.features(b->pipe.user, clip, clip ? DEV_BOARD_CLIP : 0, b->feat.data) < 0)
        return -1;
    b->feat.rows = DEV_FEAT_ROWS;
    b->feat.cols = DEV_FEAT_COLS;
    b->have_feat = 1;
    uint32_t t1 = b->micros(b->io);
    uint32_t i1 = b->instret ? b->instret(b->io) : 0;
    int n = b->pipe.infer(b->pipe.user, b->feat.data, r->scores);
    uint32_t t2 = b->micros(b->io);
    uint32_t i2 = b->instret ? b->instret(b->io) : 0;
    if (n <= 0 || n > DEV_MAX_LABELS) return -2;
    r->n_scores = (uint8_t)n;
    r->label = 0;
    for (int i = 1; i < n; i++)
        if (r->scores[i] > r->scores[r->label]) r->label = (uint8_t)i;
    /* a requested result keeps the top score as its label (what the host
     * compares with its own); the detector's class is kept for live results */
    b->detect_label = r->label;
    if (b->pipe.post)
        b->pipe.post(b->pipe.user, r->scores, n, t2 / 1000u, &b->detect_label, &r->detected,
                     &b->detect_score);
    uint32_t t3 = b->micros(b->io);
    if (b->instret) {
        uint32_t i3 = b->instret(b->io);
        r->has_instr = 1;
        r->preprocess_instr = i1 - i0;
        r->inference_instr = i2 - i1;
        r->postprocess_instr = i3 - i2;
    }
    r->preprocess_us = t1 - t0;
    r->inference_us = t2 - t1;
    r->postprocess_us = t3 - t2;
    r->board_ms = t3 / 1000u;
    return 0;
}

static void do_classify(struct dev_board *b)
{
    struct dev_result r;
    int st = dev_board_classify(b, &r);
    if (st == -1 && !b->pipe.features) {
        send_error(b, DEV_ERR_NO_MODEL, "no features stage on this board");
        return;
    }
    if (st < 0) {
        send_error(b, DEV_ERR_NO_MODEL, "no model on this board (features only)");
        return;
    }
    /* a detection on pushed audio says what the detector heard, as a live
     * one does; otherwise the label is the top score */
    if (r.detected) r.label = b->detect_label;
    size_t n = dev_result_encode(&r, b->pl, sizeof b->pl);
    send(b, DEV_MSG_RESULT, b->pl, n);
}

/* A classification of the mic (live detection). */
static void live_classify(struct dev_board *b)
{
    struct dev_result r;
    if (dev_board_classify(b, &r) < 0 || !r.detected) return;
    r.label = b->detect_label;
    if (b->on_detect) b->on_detect(b->io, &r, b->detect_score);
    if (!b->mic_on) return;
    size_t n = dev_result_encode(&r, b->pl, sizeof b->pl);
    send(b, DEV_MSG_RESULT, b->pl, n);
}

static void handle(struct dev_board *b, const struct dev_frame *f)
{
    size_t n = dev_ack_encode(f->type, f->seq, b->pl, sizeof b->pl);
    send(b, DEV_MSG_ACK, b->pl, n);
    /* the host resends when an ACK was lost: acknowledge again, act once */
    if (f->type != DEV_MSG_HELLO && b->have_last && f->seq == b->last_seq &&
        f->type == b->last_type)
        return;
    b->have_last = 1;
    b->last_seq = f->seq;
    b->last_type = f->type;
    if (f->type == DEV_MSG_PUSH || f->type == DEV_MSG_CLASSIFY || f->type == DEV_MSG_FEATURES_REQ) {
        b->hold = 1;
        b->hold_us0 = b->micros(b->io);
    }
    switch (f->type) {
    case DEV_MSG_HELLO:
        if (f->len < 1 || f->payload[0] != DEV_PROTO_VERSION)
            send_error(b, DEV_ERR_VERSION, "protocol version mismatch (board speaks v1)");
        if (b->refresh_info) b->refresh_info(b->io, &b->info);
        n = dev_info_encode(&b->info, b->pl, sizeof b->pl);
        send(b, DEV_MSG_INFO, b->pl, n);
        if (b->hello_log) dev_board_send_log(b, b->hello_log);
        b->have_last = 1;
        break;
    case DEV_MSG_MIC_START:
        if (!b->mic_on) b->chunk.n = 0;
        b->mic_on = 1;
        break;
    case DEV_MSG_MIC_STOP: b->mic_on = 0; break;
    case DEV_MSG_PUSH: {
        if (dev_audio_decode(f->payload, f->len, &b->push) != KWS_OK) {
            send_error(b, DEV_ERR_BAD_PAYLOAD, "bad push payload");
            break;
        }
        source_add(b, DEV_BOARD_SRC_PUSH, b->push.samples, b->push.n);
        break;
    }
    case DEV_MSG_CLASSIFY: do_classify(b); break;
    case DEV_MSG_FEATURES_REQ:
        if (!b->have_feat) {
            send_error(b, DEV_ERR_NO_FEATURES, "no features computed yet");
            break;
        }
        n = dev_features_encode(&b->feat, b->pl, sizeof b->pl);
        send(b, DEV_MSG_FEATURES, b->pl, n);
        break;
    default: send_error(b, DEV_ERR_UNSUPPORTED, "unknown message type");
    }
}

void dev_board_rx(struct dev_board *b, const uint8_t *p, size_t n)
{
    while (n) {
        struct dev_frame f;
        int got;
        size_t used = dev_decoder_feed(&b->dec, p, n, &f, &got);
        p += used;
        n -= used;
        if (got) handle(b, &f);
    }
}

void dev_board_mic(struct dev_board *b, const int16_t *s, size_t n)
{
    if (b->hold && b->micros(b->io) - b->hold_us0 >= DEV_BOARD_HOLD_US) b->hold = 0;
    while (n) {
        size_t k = DEV_AUDIO_MAX_SAMPLES - b->chunk.n;
        if (k > n) k = n;
        /* classify exactly every live_stride samples */
        if (b->live_stride && !b->hold && k > b->live_stride - b->live_count)
            k = b->live_stride - b->live_count;
        if (b->mic_on) {
            memcpy(b->chunk.samples + b->chunk.n, s, k * sizeof *s);
            b->chunk.n = (uint16_t)(b->chunk.n + k);
            if (b->chunk.n == DEV_AUDIO_MAX_SAMPLES) {
                size_t w = dev_audio_encode(&b->chunk, b->pl, sizeof b->pl);
                send(b, DEV_MSG_AUDIO, b->pl, w);
                b->chunk.chunk++;
                b->chunk.n = 0;
            }
        }
        if (b->live_stride && !b->hold) {
            if (b->source != DEV_BOARD_SRC_MIC) b->live_count = 0;
            source_add(b, DEV_BOARD_SRC_MIC, s, k);
            b->live_count += k;
            if (b->live_count >= b->live_stride) {
                b->live_count = 0;
                /* from a full second of mic on: the windows of the stream
                 * from its first sample, as classify's track has them */
                if (b->ring_fill == DEV_BOARD_CLIP) live_classify(b);
            }
        }
        s += k;
        n -= k;
    }
}
