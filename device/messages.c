/* messages.c: payload layouts of each message (PROTOCOL.md, "Messages").
 *
 * Little endian, fixed order, strings as u8 length + bytes (no NUL). Decoders
 * check every length before reading, so a frame with a good CRC but a payload
 * from another protocol version cannot make them read past the payload. */
#include <string.h>

#include "device.h"

struct wr {
    uint8_t *p;
    size_t cap, n;
    int bad;
};
struct rd {
    const uint8_t *p;
    size_t len, n;
    int bad;
};

static void w8(struct wr *w, uint8_t v)
{
    if (w->n < w->cap)
        w->p[w->n++] = v;
    else
        w->bad = 1;
}
static void w16(struct wr *w, uint16_t v)
{
    w8(w, (uint8_t)v);
    w8(w, (uint8_t)(v >> 8));
}
static void w32(struct wr *w, uint32_t v)
{
    w16(w, (uint16_t)v);
    w16(w, (uint16_t)(v >> 16));
}
static void wstr(struct wr *w, const char *s, size_t max)
{
    size_t n = 0; /* strnlen is POSIX, not C11: the board's libc may lack it */
    while (n < max && s[n]) n++;
    w8(w, (uint8_t)n);
    for (size_t i = 0; i < n; i++) w8(w, (uint8_t)s[i]);
}

static uint8_t r8(struct rd *r)
{
    if (r->n < r->len) return r->p[r->n++];
    r->bad = 1;
    return 0;
}
static uint16_t r16(struct rd *r)
{
    uint16_t a = r8(r);
    return (uint16_t)(a | r8(r) << 8);
}
static uint32_t r32(struct rd *r)
{
    uint32_t a = r16(r);
    return a | (uint32_t)r16(r) << 16;
}
static void rstr(struct rd *r, char *s, size_t cap)
{
    size_t n = r8(r);
    if (n >= cap) {
        r->bad = 1;
        s[0] = 0;
        return;
    }
    for (size_t i = 0; i < n; i++) s[i] = (char)r8(r);
    s[n] = 0;
}
static enum kws_status rdone(const struct rd *r)
{
    return r->bad || r->n != r->len ? KWS_ERR_FORMAT : KWS_OK;
}

size_t dev_info_encode(const struct dev_info *v, uint8_t *out, size_t cap)
{
    struct wr w = { out, cap, 0, 0 };
    if (v->n_labels > DEV_MAX_LABELS) return 0;
    w8(&w, v->proto);
    wstr(&w, v->firmware, sizeof v->firmware - 1);
    wstr(&w, v->model, sizeof v->model - 1);
    w32(&w, v->model_hash);
    w32(&w, v->sample_rate);
    w8(&w, v->n_labels);
    for (int i = 0; i < v->n_labels; i++) wstr(&w, v->labels[i], DEV_LABEL_LEN - 1);
    w32(&w, v->arena_bytes);
    w32(&w, v->flash_bytes);
    w32(&w, v->ram_bytes);
    if (v->has_mem) {
        w32(&w, v->stack_used);
        w32(&w, v->stack_bytes);
        w32(&w, v->heap_used);
    }
    return w.bad ? 0 : w.n;
}

enum kws_status dev_info_decode(const uint8_t *p, size_t len, struct dev_info *v)
{
    struct rd r = { p, len, 0, 0 };
    memset(v, 0, sizeof *v);
    v->proto = r8(&r);
    rstr(&r, v->firmware, sizeof v->firmware);
    rstr(&r, v->model, sizeof v->model);
    v->model_hash = r32(&r);
    v->sample_rate = r32(&r);
    v->n_labels = r8(&r);
    if (v->n_labels > DEV_MAX_LABELS) return KWS_ERR_FORMAT;
    for (int i = 0; i < v->n_labels && !r.bad; i++) rstr(&r, v->labels[i], DEV_LABEL_LEN);
    v->arena_bytes = r32(&r);
    v->flash_bytes = r32(&r);
    v->ram_bytes = r32(&r);
    if (!r.bad && r.len - r.n == 12) { /* the optional memory tail */
        v->has_mem = 1;
        v->stack_used = r32(&r);
        v->stack_bytes = r32(&r);
        v->heap_used = r32(&r);
    }
    return rdone(&r);
}

size_t dev_audio_encode(const struct dev_audio *v, uint8_t *out, size_t cap)
{
    struct wr w = { out, cap, 0, 0 };
    if (v->n > DEV_AUDIO_MAX_SAMPLES) return 0;
    w32(&w, v->chunk);
    w16(&w, v->n);
    for (int i = 0; i < v->n; i++) w16(&w, (uint16_t)v->samples[i]);
    return w.bad ? 0 : w.n;
}

enum kws_status dev_audio_decode(const uint8_t *p, size_t len, struct dev_audio *v)
{
    struct rd r = { p, len, 0, 0 };
    v->chunk = r32(&r);
    v->n = r16(&r);
    if (v->n > DEV_AUDIO_MAX_SAMPLES) return KWS_ERR_FORMAT;
    for (int i = 0; i < v->n; i++) v->samples[i] = (int16_t)r16(&r);
    return rdone(&r);
}

size_t dev_result_encode(const struct dev_result *v, uint8_t *out, size_t cap)
{
    struct wr w = { out, cap, 0, 0 };
    if (v->n_scores > DEV_MAX_LABELS) return 0;
    w8(&w, v->label);
    w8(&w, v->detected);
    w8(&w, v->n_scores);
    for (int i = 0; i < v->n_scores; i++) w8(&w, (uint8_t)v->scores[i]);
    w32(&w, v->preprocess_us);
    w32(&w, v->inference_us);
    w32(&w, v->postprocess_us);
    w32(&w, v->board_ms);
    if (v->has_instr) {
        w32(&w, v->preprocess_instr);
        w32(&w, v->inference_instr);
        w32(&w, v->postprocess_instr);
    }
    return w.bad ? 0 : w.n;
}

enum kws_status dev_result_decode(const uint8_t *p, size_t len, struct dev_result *v)
{
    struct rd r = { p, len, 0, 0 };
    memset(v, 0, sizeof *v);
    v->label = r8(&r);
    v->detected = r8(&r);
    v->n_scores = r8(&r);
    if (v->n_scores > DEV_MAX_LABELS) return KWS_ERR_FORMAT;
    for (int i = 0; i < v->n_scores; i++) v->scores[i] = (int8_t)r8(&r);
    v->preprocess_us = r32(&r);
    v->inference_us = r32(&r);
    v->postprocess_us = r32(&r);
    v->board_ms = r32(&r);
    if (!r.bad && r.len - r.n == 12) { /* the optional instruction-count tail */
        v->has_instr = 1;
        v->preprocess_instr = r32(&r);
        v->inference_instr = r32(&r);
        v->postprocess_instr = r32(&r);
    }
    if (v->n_scores && v->label >= v->n_scores) return KWS_ERR_FORMAT;
    return rdone(&r);
}

size_t dev_features_encode(const struct dev_features *v, uint8_t *out, size_t cap)
{
    struct wr w = { out, cap, 0, 0 };
    size_t n = (size_t)v->rows * v->cols;
    if (n > sizeof v->data) return 0;
    w8(&w, v->rows);
    w8(&w, v->cols);
    for (size_t i = 0; i < n; i++) w8(&w, (uint8_t)v->data[i]);
    return w.bad ? 0 : w.n;
}

enum kws_status dev_features_decode(const uint8_t *p, size_t len, struct dev_features *v)
{
    struct rd r = { p, len, 0, 0 };
    v->rows = r8(&r);
    v->cols = r8(&r);
    size_t n = (size_t)v->rows * v->cols;
    if (n > sizeof v->data) return KWS_ERR_FORMAT;
    for (size_t i = 0; i < n; i++) v->data[i] = (int8_t)r8(&r);
    return rdone(&r);
}

size_t dev_ack_encode(uint8_t type, uint16_t seq, uint8_t *out, size_t cap)
{
    struct wr w = { out, cap, 0, 0 };
    w8(&w, type);
    w16(&w, seq);
    return w.bad ? 0 : w.n;
}

enum kws_status dev_ack_decode(const uint8_t *p, size_t len, uint8_t *type, uint16_t *seq)
{
    struct rd r = { p, len, 0, 0 };
    *type = r8(&r);
    *seq = r16(&r);
    return rdone(&r);
}
