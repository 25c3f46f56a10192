/* lab_ops.c: cuts a model into one-operator models for the op-by-op Arm NN
 * comparison (tools/armnn_check.py --ops) and records what kwscope's
 * interpreter feeds each operator and what it gets out.
 *
 *     lab_ops MODEL INPUTS.bin N OUTDIR
 *
 * INPUTS.bin holds N model inputs back to back. For every operator k after
 * the first (the leading RESHAPE only renames the input) OUTDIR gets
 * opK.tflite (operator k alone, its input and output the graph's, written by
 * our writer), opK_in.bin and opK_out.bin (N rows each, from the whole
 * model run up to operator k: later operators reuse the arena, so each row
 * is read right after its operator), and ops.txt a line "K OPNAME" for each.
 * With N = 1 and a one-operator MODEL it
 * just runs MODEL on one input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"

static int fail(const char *what, const char *err)
{
    fprintf(stderr, "lab_ops: %s: %s\n", what, err);
    return 1;
}

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(p, 1, n, f) == n;
    if (f && fclose(f) != 0) ok = 0;
    return ok ? 0 : fail(path, "cannot write");
}

/* Operator k alone: the model's own tensors and buffers, one operator. */
static int write_single(struct mdl_model *m, int k, const char *dir)
{
    struct mdl_model one = *m;
    int in = m->ops[k].inputs[0], out = m->ops[k].outputs[0];
    one.ops = &m->ops[k];
    one.n_ops = 1;
    one.n_inputs = one.n_outputs = 1;
    one.inputs = &in;
    one.outputs = &out;
    uint8_t *b;
    size_t n;
    char err[256], name[64];
    if (mdl_model_write(&one, &b, &n, err, sizeof err) != KWS_OK) return fail("write", err);
    snprintf(name, sizeof name, "op%d.tflite", k);
    int rc = write_file(dir, name, b, n);
    free(b);
    return rc;
}

static int run_rows(struct mdl_model *m, struct mdl_interp *it, const int8_t *x, size_t in_bytes,
                    int n, int k, const char *dir)
{
    const struct mdl_tensor *ti = &m->tensors[m->ops[k].inputs[0]];
    const struct mdl_tensor *to = &m->tensors[m->ops[k].outputs[0]];
    uint8_t *ins = malloc(ti->bytes * (size_t)n), *outs = malloc(to->bytes * (size_t)n);
    char err[256], name[64];
    int rc = !ins || !outs;
    for (int i = 0; i < n && !rc; i++) {
        void *in;
        mdl_interp_input(it, 0, &in);
        memcpy(in, x + in_bytes * (size_t)i, in_bytes);
        if (k > 0 && mdl_interp_invoke_ops(it, k, err, sizeof err) != KWS_OK)
            return fail("invoke", err);
        memcpy(ins + ti->bytes * (size_t)i, mdl_interp_tensor_data(it, m->ops[k].inputs[0]),
               ti->bytes);
        memcpy(in, x + in_bytes * (size_t)i, in_bytes); /* the arena may reuse it */
        if (mdl_interp_invoke_ops(it, k + 1, err, sizeof err) != KWS_OK) return fail("invoke", err);
        memcpy(outs + to->bytes * (size_t)i, mdl_interp_tensor_data(it, m->ops[k].outputs[0]),
               to->bytes);
    }
    snprintf(name, sizeof name, "op%d_in.bin", k);
    rc = rc || write_file(dir, name, ins, ti->bytes * (size_t)n);
    snprintf(name, sizeof name, "op%d_out.bin", k);
    rc = rc || write_file(dir, name, outs, to->bytes * (size_t)n);
    free(ins);
    free(outs);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: lab_ops MODEL INPUTS.bin N OUTDIR\n");
        return 2;
    }
    char err[256];
    struct mdl_model m;
    struct mdl_interp it;
    if (mdl_model_load(argv[1], &m, err, sizeof err) != KWS_OK) return fail(argv[1], err);
    if (mdl_interp_init(&it, &m, err, sizeof err) != KWS_OK) return fail(argv[1], err);
    int n = atoi(argv[3]);
    size_t in_bytes = m.tensors[m.inputs[0]].bytes;
    int8_t *x = malloc(in_bytes * (size_t)(n > 0 ? n : 1));
    FILE *f = fopen(argv[2], "rb");
    if (n < 1 || !x || !f || fread(x, in_bytes, (size_t)n, f) != (size_t)n)
        return fail(argv[2], "cannot read N inputs");
    fclose(f);
    char list[1024] = "";
    int rc = 0;
    for (int k = m.n_ops > 1; k < m.n_ops && !rc; k++) {
        rc = write_single(&m, k, argv[4]) || run_rows(&m, &it, x, in_bytes, n, k, argv[4]);
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%d %s\n", k, mdl_op_name(m.ops[k].op));
    }
    rc = rc || write_file(argv[4], "ops.txt", list, strlen(list));
    free(x);
    mdl_interp_free(&it);
    mdl_model_free(&m);
    return rc;
}
