/* interp.c: runs a struct mdl_model. Init validates every operator (op/type
 * combination, tensor ranks and shape consistency), computes the requantisation
 * multipliers and geometry once (as TFLM's Prepare does), plans the arena with
 * mdl_plan_model and allocates it once (or uses the caller's arena: the
 * firmware keeps it in static RAM). Invoke is a loop over the prepared steps
 * calling each op's invoke from the registry (ops.c): no allocation, no
 * validation left to do. */
#include <stdlib.h>
#include <string.h>

#include "ops.h"

struct prep {
    struct mdl_step *steps;
};

void *mdl_interp_tensor_data(const struct mdl_interp *it, int t)
{
    if (t < 0 || t >= it->model->n_tensors) return NULL;
    const struct mdl_tensor *x = &it->model->tensors[t];
    if (x->data) return (void *)x->data;
    if (!it->arena || it->plan.offset[t] == MDL_PLAN_NONE) return NULL;
    return it->arena + it->plan.offset[t];
}

const struct mdl_tensor *mdl_interp_input(const struct mdl_interp *it, int i, void **data)
{
    if (i < 0 || i >= it->model->n_inputs) return NULL;
    int t = it->model->inputs[i];
    if (data) *data = mdl_interp_tensor_data(it, t);
    return &it->model->tensors[t];
}

const struct mdl_tensor *mdl_interp_output(const struct mdl_interp *it, int i, void **data)
{
    if (i < 0 || i >= it->model->n_outputs) return NULL;
    int t = it->model->outputs[i];
    if (data) *data = mdl_interp_tensor_data(it, t);
    return &it->model->tensors[t];
}

/* The common part of every op's prepare: the registry row does the rest. */
static enum kws_status prep_op(const struct mdl_model *m, const struct mdl_operator *op,
                               struct mdl_step *s, char *err, size_t err_len)
{
    const struct mdl_op_reg *r = mdl_op_reg(op->op);
    if (!r) return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "unknown operator");
    if (op->n_inputs < 1 || op->n_outputs < 1 || op->inputs[0] < 0)
        return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "%s without input or output", r->name);
    s->type = m->tensors[op->inputs[0]].type;
    mdl_act_range_f32(op->p.act, &s->act_lo, &s->act_hi);
    return r->prepare(m, op, s, err, err_len);
}

void mdl_interp_free(struct mdl_interp *it)
{
    struct prep *p = it->prep;
    if (p && it->model) {
        for (int i = 0; i < it->model->n_ops; i++) {
            free(p->steps[i].mult);
            free(p->steps[i].shift);
        }
        free(p->steps);
    }
    free(p);
    if (it->own_arena) free(it->arena);
    mdl_plan_free(&it->plan);
    memset(it, 0, sizeof *it);
}

enum kws_status mdl_interp_init(struct mdl_interp *it, const struct mdl_model *m, char *err,
                                size_t err_len)
{
    return mdl_interp_init_arena(it, m, NULL, 0, err, err_len);
}

enum kws_status mdl_interp_init_arena(struct mdl_interp *it, const struct mdl_model *m, void *arena,
                                      size_t arena_cap, char *err, size_t err_len)
{
    memset(it, 0, sizeof *it);
    it->model = m;
    if (!m || m->n_ops <= 0 || m->n_inputs < 1 || m->n_outputs < 1)
        return kws_err(err, err_len, KWS_ERR_ARG, "model has no operators or no inputs/outputs");
    struct prep *p = calloc(1, sizeof *p);
    if (!p) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    it->prep = p;
    p->steps = calloc((size_t)m->n_ops, sizeof *p->steps);
    if (!p->steps) {
        mdl_interp_free(it);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < m->n_ops; i++) {
        char why[200] = "";
        enum kws_status st = prep_op(m, &m->ops[i], &p->steps[i], why, sizeof why);
        if (st != KWS_OK) {
            mdl_interp_free(it);
            return kws_err(err, err_len, st, "operator %d (%s): %s", i, mdl_op_name(m->ops[i].op),
                           why);
        }
    }
    enum kws_status st = mdl_plan_model(m, &it->plan, err, err_len);
    if (st != KWS_OK) {
        mdl_interp_free(it);
        return st;
    }
    size_t n = it->plan.arena_bytes ? it->plan.arena_bytes : MDL_ARENA_ALIGN;
    n = (n + MDL_ARENA_ALIGN - 1) / MDL_ARENA_ALIGN * MDL_ARENA_ALIGN;
    if (arena) {
        if ((uintptr_t)arena % MDL_ARENA_ALIGN || arena_cap < n) {
            mdl_interp_free(it);
            return kws_err(err, err_len, KWS_ERR_NOMEM,
                           "the model needs a %zu-byte arena aligned to %d (given %zu bytes%s)", n,
                           MDL_ARENA_ALIGN, arena_cap,
                           (uintptr_t)arena % MDL_ARENA_ALIGN ? ", misaligned" : "");
        }
        it->arena = arena;
    } else {
        it->arena = aligned_alloc(MDL_ARENA_ALIGN, n);
        it->own_arena = true;
    }
    if (!it->arena) {
        mdl_interp_free(it);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "cannot allocate a %zu-byte arena", n);
    }
    memset(it->arena, 0, n);
    for (int i = 0; i < m->n_ops; i++)
        for (int k = 0; k < m->ops[i].n_outputs; k++)
            if (!mdl_interp_tensor_data(it, m->ops[i].outputs[k])) {
                mdl_interp_free(it);
                return kws_err(err, err_len, KWS_ERR_FORMAT, "operator %d output has no memory", i);
            }
    return KWS_OK;
}

enum kws_status mdl_interp_invoke(struct mdl_interp *it, char *err, size_t err_len)
{
    return mdl_interp_invoke_ops(it, it->model ? it->model->n_ops : 0, err, err_len);
}

enum kws_status mdl_interp_invoke_ops(struct mdl_interp *it, int n_ops, char *err, size_t err_len)
{
    const struct mdl_model *m = it->model;
    struct prep *p = it->prep;
    if (!p || !it->arena) return kws_err(err, err_len, KWS_ERR_ARG, "interpreter not initialised");
    if (n_ops > m->n_ops) n_ops = m->n_ops;
    for (int i = 0; i < n_ops; i++) {
        const struct mdl_operator *op = &m->ops[i];
        const struct mdl_step *s = &p->steps[i];
        void *in = mdl_interp_tensor_data(it, op->inputs[0]);
        void *w = op->n_inputs > 1 ? mdl_interp_tensor_data(it, op->inputs[1]) : NULL;
        void *b = op->n_inputs > 2 ? mdl_interp_tensor_data(it, op->inputs[2]) : NULL;
        void *out = mdl_interp_tensor_data(it, op->outputs[0]);
        mdl_op_reg(op->op)->invoke(s, in, w, b, out);
    }
    (void)err;
    (void)err_len;
    return KWS_OK;
}
