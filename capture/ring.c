/* ring.c: lock-free single-producer single-consumer int16 ring.
 *
 * DESIGN: head (total samples ever written) belongs to the producer, tail
 * (total samples ever read) to the consumer; each side reads the other's
 * counter with acquire and publishes its own with release, so the sample
 * copies are ordered before the counter that announces them. The counters
 * are free-running size_t and the capacity a power of two, so head - tail is
 * the fill level even across wrap-around. The producer never waits: what does
 * not fit is dropped and counted (overruns), which is what an audio callback
 * needs. */
#include "capture.h"

#include <stdlib.h>
#include <string.h>

enum kws_status cap_ring_init(struct cap_ring *r, size_t min_capacity, char *err, size_t err_len)
{
    memset(r, 0, sizeof *r);
    if (min_capacity < 2 || min_capacity > ((size_t)1 << 28))
        return kws_err(err, err_len, KWS_ERR_ARG,
                       "ring capacity %zu out of range (2..2^28 samples)", min_capacity);
    size_t cap = 2;
    while (cap < min_capacity) cap <<= 1;
    r->buf = calloc(cap, sizeof *r->buf);
    if (!r->buf) return kws_err(err, err_len, KWS_ERR_NOMEM, "ring: out of memory");
    r->capacity = cap;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->overruns, 0);
    return KWS_OK;
}

void cap_ring_free(struct cap_ring *r)
{
    if (!r) return;
    free(r->buf);
    r->buf = NULL;
    r->capacity = 0;
}

size_t cap_ring_space(struct cap_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    return r->capacity - (head - tail);
}

size_t cap_ring_write(struct cap_ring *r, const int16_t *s, size_t n)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = r->capacity - (head - tail);
    size_t w = n < space ? n : space;
    size_t mask = r->capacity - 1, at = head & mask;
    size_t first = r->capacity - at < w ? r->capacity - at : w;
    memcpy(r->buf + at, s, first * sizeof *s);
    memcpy(r->buf, s + first, (w - first) * sizeof *s);
    atomic_store_explicit(&r->head, head + w, memory_order_release);
    if (w < n) atomic_fetch_add_explicit(&r->overruns, (uint64_t)(n - w), memory_order_relaxed);
    return w;
}

size_t cap_ring_write_frames(struct cap_ring *r, const int16_t *s, size_t frames, size_t channels)
{
    size_t space = cap_ring_space(r);
    size_t fit = space / channels;
    size_t w = frames < fit ? frames : fit;
    cap_ring_write(r, s, w * channels);
    if (w < frames)
        atomic_fetch_add_explicit(&r->overruns, (uint64_t)((frames - w) * channels),
                                  memory_order_relaxed);
    return w;
}

size_t cap_ring_read(struct cap_ring *r, int16_t *out, size_t max)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = head - tail;
    size_t n = max < avail ? max : avail;
    size_t mask = r->capacity - 1, at = tail & mask;
    size_t first = r->capacity - at < n ? r->capacity - at : n;
    memcpy(out, r->buf + at, first * sizeof *out);
    memcpy(out + first, r->buf, (n - first) * sizeof *out);
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

size_t cap_ring_available(struct cap_ring *r)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    return head - tail;
}

uint64_t cap_ring_overruns(struct cap_ring *r)
{
    return atomic_load_explicit(&r->overruns, memory_order_relaxed);
}
