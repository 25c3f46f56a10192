/* protocol.c: frame encoder and the streaming decoder state machine.
 *
 * A frame on the wire is 0x00, COBS(type seq16 len16 payload crc32), 0x00
 * (all little endian). COBS (Cheshire & Baker, "Consistent Overhead Byte
 * Stuffing", IEEE/ACM ToN 1999) removes every 0x00 from the body, so 0x00 only
 * ever delimits: after garbage or lost bytes the reader resynchronises on the
 * next delimiter. Pure: no I/O, no allocation. See PROTOCOL.md. */
#include <string.h>

#include "device.h"

enum { DEV_DEC_HUNT, DEV_DEC_COLLECT, DEV_DEC_OVERFLOW };

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* COBS-encode one logical byte stream given as header+payload+trailer pieces,
 * so the frame never needs to be assembled in a temporary buffer. */
struct cobs_out {
    uint8_t *out;
    size_t cap, n, code_at;
    uint8_t code;
    int overflow;
};

static void cobs_emit(struct cobs_out *c, uint8_t b)
{
    if (c->n >= c->cap) {
        c->overflow = 1;
        return;
    }
    c->out[c->n++] = b;
}

static void cobs_start_block(struct cobs_out *c)
{
    c->code_at = c->n;
    c->code = 1;
    cobs_emit(c, 0); /* placeholder for the code byte */
}

static void cobs_byte(struct cobs_out *c, uint8_t b)
{
    if (b == 0) {
        if (!c->overflow) c->out[c->code_at] = c->code;
        cobs_start_block(c);
        return;
    }
    cobs_emit(c, b);
    if (++c->code == 0xFF) {
        if (!c->overflow) c->out[c->code_at] = c->code;
        cobs_start_block(c);
    }
}

static void cobs_bytes(struct cobs_out *c, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) cobs_byte(c, p[i]);
}

size_t dev_frame_encode(uint8_t type, uint16_t seq, const void *payload, size_t len, uint8_t *out,
                        size_t cap)
{
    if (len > DEV_MAX_PAYLOAD || !out || (len && !payload)) return 0;
    uint8_t head[5], tail[4];
    head[0] = type;
    put16(head + 1, seq);
    put16(head + 3, (uint16_t)len);
    uint32_t crc = dev_crc32(0, head, sizeof head);
    crc = dev_crc32(crc, payload, len);
    put32(tail, crc);

    struct cobs_out c = { out, cap, 0, 0, 0, 0 };
    cobs_emit(&c, 0);
    cobs_start_block(&c);
    cobs_bytes(&c, head, sizeof head);
    cobs_bytes(&c, payload, len);
    cobs_bytes(&c, tail, sizeof tail);
    if (!c.overflow) c.out[c.code_at] = c.code;
    cobs_emit(&c, 0);
    return c.overflow ? 0 : c.n;
}

void dev_decoder_init(struct dev_decoder *d)
{
    memset(d, 0, sizeof *d);
    d->state = DEV_DEC_HUNT;
}

unsigned long dev_decoder_bad(const struct dev_decoder *d)
{
    return d->bad_crc + d->bad_cobs + d->bad_len + d->too_long;
}

/* Undo COBS from d->buf into d->frame; returns the decoded length or -1. */
static long cobs_decode(const struct dev_decoder *d, uint8_t *out, size_t cap)
{
    size_t i = 0, n = 0;
    while (i < d->n) {
        uint8_t code = d->buf[i++];
        if (code == 0) return -1;
        for (uint8_t k = 1; k < code; k++) {
            if (i >= d->n || n >= cap) return -1;
            out[n++] = d->buf[i++];
        }
        if (code != 0xFF && i < d->n) {
            if (n >= cap) return -1;
            out[n++] = 0;
        }
    }
    return (long)n;
}

/* A delimiter closed a non-empty run: check it and fill *f if it is good. */
static int finish_frame(struct dev_decoder *d, struct dev_frame *f)
{
    long n = cobs_decode(d, d->frame, sizeof d->frame);
    d->n = 0;
    if (n < 0) {
        d->bad_cobs++;
        return 0;
    }
    if (n < DEV_FRAME_OVERHEAD) {
        d->bad_len++;
        return 0;
    }
    uint16_t len = get16(d->frame + 3);
    if ((size_t)len + DEV_FRAME_OVERHEAD != (size_t)n) {
        d->bad_len++;
        return 0;
    }
    if (dev_crc32(0, d->frame, (size_t)n - 4) != get32(d->frame + n - 4)) {
        d->bad_crc++;
        return 0;
    }
    f->type = d->frame[0];
    f->seq = get16(d->frame + 1);
    f->len = len;
    f->payload = d->frame + 5;
    d->frames_ok++;
    return 1;
}

size_t dev_decoder_feed(struct dev_decoder *d, const uint8_t *in, size_t n, struct dev_frame *f,
                        int *got)
{
    *got = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        switch (d->state) {
        case DEV_DEC_HUNT:
            if (b == 0) {
                d->state = DEV_DEC_COLLECT;
                d->n = 0;
            }
            break;
        case DEV_DEC_OVERFLOW:
            if (b == 0) {
                d->state = DEV_DEC_COLLECT;
                d->n = 0;
            }
            break;
        default:
            if (b == 0) {
                if (d->n && finish_frame(d, f)) {
                    *got = 1;
                    return i + 1;
                }
            } else if (d->n < sizeof d->buf) {
                d->buf[d->n++] = b;
            } else {
                d->too_long++;
                d->n = 0;
                d->state = DEV_DEC_OVERFLOW;
            }
        }
    }
    return n;
}
