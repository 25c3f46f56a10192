/* loopback.c: an in-memory transport pair for unit tests. What one end
 * writes the other reads; closing one end makes the other read "closed" once
 * it has drained what was sent. No fd (the tests drive it directly). */
#include <stdlib.h>
#include <string.h>

#include "device.h"

#define LOOP_CAP 65536

struct loop_dir {
    uint8_t buf[LOOP_CAP];
    size_t head, n;
};
struct loop_shared {
    struct loop_dir dir[2];
    int open[2];
};
struct loop_end {
    struct loop_shared *sh;
    int side;
};

static long loop_read(struct dev_transport *t, void *buf, size_t n)
{
    struct loop_end *e = t->impl;
    struct loop_dir *d = &e->sh->dir[!e->side];
    if (!d->n) return e->sh->open[!e->side] ? 0 : KWS_ERR_CLOSED;
    size_t k = 0;
    uint8_t *o = buf;
    while (k < n && d->n) {
        o[k++] = d->buf[d->head];
        d->head = (d->head + 1) % LOOP_CAP;
        d->n--;
    }
    return (long)k;
}

static long loop_write(struct dev_transport *t, const void *buf, size_t n)
{
    struct loop_end *e = t->impl;
    if (!e->sh->open[!e->side]) return KWS_ERR_CLOSED;
    struct loop_dir *d = &e->sh->dir[e->side];
    const uint8_t *p = buf;
    size_t k = 0;
    while (k < n && d->n < LOOP_CAP) {
        d->buf[(d->head + d->n) % LOOP_CAP] = p[k++];
        d->n++;
    }
    return (long)k;
}

static void loop_close(struct dev_transport *t)
{
    struct loop_end *e = t->impl;
    if (!e) return;
    e->sh->open[e->side] = 0;
    if (!e->sh->open[!e->side]) free(e->sh);
    free(e);
    t->impl = NULL;
}

enum kws_status dev_loopback_pair(struct dev_transport *a, struct dev_transport *b)
{
    struct loop_shared *sh = calloc(1, sizeof *sh);
    struct loop_end *ea = malloc(sizeof *ea), *eb = malloc(sizeof *eb);
    if (!sh || !ea || !eb) {
        free(sh);
        free(ea);
        free(eb);
        return KWS_ERR_NOMEM;
    }
    sh->open[0] = sh->open[1] = 1;
    *ea = (struct loop_end){ sh, 0 };
    *eb = (struct loop_end){ sh, 1 };
    struct dev_transport *ends[2] = { a, b };
    struct loop_end *impl[2] = { ea, eb };
    for (int i = 0; i < 2; i++) {
        memset(ends[i], 0, sizeof *ends[i]);
        ends[i]->fd = -1;
        ends[i]->impl = impl[i];
        ends[i]->read = loop_read;
        ends[i]->write = loop_write;
        ends[i]->close = loop_close;
        ends[i]->kind = "loopback";
    }
    return KWS_OK;
}
