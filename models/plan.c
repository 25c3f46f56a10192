/* plan.c: the tensor arena planner. Lifetimes come from the operator order
 * (operator i is step i): a tensor lives from the step that writes it to the
 * last step that reads it; graph inputs from step 0, graph outputs and
 * variable tensors to the last step; constant tensors (with buffer data) stay
 * in flash and are not placed. Placement is greedy like TFLM's
 * GreedyMemoryPlanner: largest first, each at the lowest aligned offset that
 * does not overlap any already placed buffer whose lifetime overlaps. Scratch
 * buffers of kernels are not counted (ours need none). */
#include <stdlib.h>
#include <string.h>

#include "models.h"

/* Largest first; ties by earlier start, then position, so plans are stable.
 * The sorted arrays hold pointers into one array, so comparing them is valid. */
static int by_size(const void *a, const void *b)
{
    const struct mdl_plan_buf *x = *(const struct mdl_plan_buf *const *)a;
    const struct mdl_plan_buf *y = *(const struct mdl_plan_buf *const *)b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* A buffer larger than this is absurd, and summing a few of them must not
 * wrap: 1 TB on 64-bit hosts, 1 GB where size_t is 32 bits (the board). */
#define MAX_BUF (SIZE_MAX > 0xFFFFFFFFu ? ((size_t)1 << 20) << 20 : (size_t)1 << 30)

enum kws_status mdl_plan_greedy(struct mdl_plan_buf *b, int n, size_t align, size_t *arena,
                                char *err, size_t err_len)
{
    *arena = 0;
    if (n < 0 || align == 0 || (align & (align - 1)))
        return kws_err(err, err_len, KWS_ERR_ARG, "planner: bad count or alignment");
    for (int i = 0; i < n; i++)
        if (b[i].first > b[i].last || b[i].size > MAX_BUF)
            return kws_err(err, err_len, KWS_ERR_ARG,
                           "planner: buffer %d has a bad lifetime or size", i);
    struct mdl_plan_buf **order = malloc((size_t)(n ? n : 1) * sizeof *order);
    struct mdl_plan_buf **live = malloc((size_t)(n ? n : 1) * sizeof *live);
    if (!order || !live) {
        free(order);
        free(live);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "planner: out of memory");
    }
    for (int i = 0; i < n; i++) order[i] = &b[i];
    qsort(order, (size_t)n, sizeof *order, by_size);
    /* live: the buffers placed so far, kept sorted by offset, so each
     * placement is one scan (O(n^2) overall, fine for 16384 tensors). */
    size_t top = 0;
    int n_placed = 0;
    for (int k = 0; k < n; k++) {
        struct mdl_plan_buf *x = order[k];
        size_t off = 0;
        for (int j = 0; j < n_placed && x->size; j++) {
            const struct mdl_plan_buf *y = live[j];
            if (!y->size || y->first > x->last || x->first > y->last)
                continue;                          /* never live at the same time */
            if (off + x->size <= y->offset) break; /* fits in the gap before y */
            size_t end = (y->offset + y->size + align - 1) / align * align;
            if (end > off) off = end;
        }
        x->offset = off;
        if (off + x->size > top) top = off + x->size;
        int at = n_placed;
        while (at > 0 && live[at - 1]->offset > off) {
            live[at] = live[at - 1];
            at--;
        }
        live[at] = x;
        n_placed++;
    }
    free(order);
    free(live);
    *arena = top;
    return KWS_OK;
}

enum kws_status mdl_plan_model(const struct mdl_model *m, struct mdl_plan *p, char *err,
                               size_t err_len)
{
    memset(p, 0, sizeof *p);
    int n = m->n_tensors, last_step = m->n_ops > 0 ? m->n_ops - 1 : 0;
    int *first = malloc((size_t)(n ? n : 1) * sizeof *first);
    int *last = malloc((size_t)(n ? n : 1) * sizeof *last);
    struct mdl_plan_buf *b = malloc((size_t)(n ? n : 1) * sizeof *b);
    int *tensor_of = malloc((size_t)(n ? n : 1) * sizeof *tensor_of);
    p->offset = malloc((size_t)(n ? n : 1) * sizeof *p->offset);
    enum kws_status st = KWS_OK;
    if (!first || !last || !b || !tensor_of || !p->offset) {
        st = kws_err(err, err_len, KWS_ERR_NOMEM, "planner: out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        first[i] = -1;
        last[i] = -1;
        p->offset[i] = MDL_PLAN_NONE;
    }
#define USE(t, s) \
    do { \
        int t_ = (t), s_ = (s); \
        if (t_ >= 0 && t_ < n) { \
            if (first[t_] < 0 || s_ < first[t_]) first[t_] = s_; \
            if (s_ > last[t_]) last[t_] = s_; \
        } \
    } while (0)
    for (int i = 0; i < m->n_inputs; i++) USE(m->inputs[i], 0);
    for (int i = 0; i < m->n_outputs; i++) USE(m->outputs[i], last_step);
    for (int s = 0; s < m->n_ops; s++) {
        const struct mdl_operator *o = &m->ops[s];
        for (int k = 0; k < o->n_inputs; k++) USE(o->inputs[k], s);
        for (int k = 0; k < o->n_outputs; k++) USE(o->outputs[k], s);
    }
    int nb = 0;
    for (int i = 0; i < n; i++) {
        if (m->tensors[i].data || first[i] < 0) continue;
        if (m->tensors[i].is_variable) {
            first[i] = 0;
            last[i] = last_step;
        }
        b[nb] = (struct mdl_plan_buf){ m->tensors[i].bytes, first[i], last[i], 0 };
        tensor_of[nb++] = i;
    }
#undef USE
    if ((st = mdl_plan_greedy(b, nb, MDL_ARENA_ALIGN, &p->arena_bytes, err, err_len))) goto out;
    for (int k = 0; k < nb; k++) p->offset[tensor_of[k]] = b[k].offset;
    p->n_tensors = n;
out:
    free(first);
    free(last);
    free(b);
    free(tensor_of);
    if (st) mdl_plan_free(p);
    return st;
}

void mdl_plan_free(struct mdl_plan *p)
{
    free(p->offset);
    memset(p, 0, sizeof *p);
}
