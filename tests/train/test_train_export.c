/* test_train_export.c: the exported int8 TinyConv is a valid .tflite that our
 * reader loads with the upstream graph (RESHAPE, DEPTHWISE_CONV_2D + ReLU,
 * FULLY_CONNECTED, SOFTMAX), the quantisation we wrote (per-channel conv
 * weights on dimension 3, upstream input scale/zero point, softmax 1/256 and
 * -128), sizing that matches the architecture (conv 640,008 / fc 32,004
 * FLOPs in the seed convention), and the .cc array holds the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "train/train.h"
#include "test.h"

static void random_quant(struct mdl_tc_quant *q)
{
    static struct mdl_tinyconv m;
    char labels[MDL_TC_MAX_CLASSES][32] = { "_silence_", "_unknown_", "yes", "no" };
    struct mdl_rng r = { 11 };
    mdl_tc_init(&m, 4, 2);
    for (int i = 0; i < MDL_TC_CONV_W; i++) m.conv_w[i] = (float)(mdl_rng_normal(&r) * 0.05);
    struct mdl_tc_ranges rg = { 20.0f, -10.0f, 12.0f };
    mdl_tc_quantize(&m, &rg, labels, q);
}

int main(void)
{
    static struct mdl_tc_quant q;
    char err[256];
    random_quant(&q);
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK_INT(mdl_tc_to_tflite(&q, &buf, &len, err, sizeof err), KWS_OK);
    CHECK(len > 16000 && len < 24000);

    struct mdl_model m = { 0 };
    enum kws_status st = mdl_model_load_mem(buf, len, &m, err, sizeof err);
    if (st != KWS_OK) fprintf(stderr, "load: %s\n", err);
    CHECK_INT(st, KWS_OK);
    if (st == KWS_OK) {
        CHECK_INT(m.n_ops, 4);
        CHECK_INT(m.ops[0].op, MDL_OP_RESHAPE);
        CHECK_INT(m.ops[1].op, MDL_OP_DEPTHWISE_CONV_2D);
        CHECK_INT(m.ops[2].op, MDL_OP_FULLY_CONNECTED);
        CHECK_INT(m.ops[3].op, MDL_OP_SOFTMAX);
        const struct mdl_op_params *p = &m.ops[1].p;
        CHECK_INT(p->padding, MDL_PAD_SAME);
        CHECK_INT(p->stride_w, 2);
        CHECK_INT(p->stride_h, 2);
        CHECK_INT(p->depth_multiplier, 8);
        CHECK_INT(p->act, MDL_ACT_RELU);
        const struct mdl_tensor *in = &m.tensors[m.inputs[0]];
        CHECK_INT(in->type, MDL_T_INT8);
        CHECK_INT(in->n_elems, 1960);
        CHECK_INT(in->n_quant, 1);
        CHECK_NEAR(in->scale[0], 0.10171568393707275, 1e-9);
        CHECK_INT(in->zero_point[0], -128);
        const struct mdl_tensor *w = &m.tensors[m.ops[1].inputs[1]];
        CHECK_INT(w->n_quant, 8);
        CHECK_INT(w->quant_dim, 3);
        CHECK(w->data && !memcmp(w->data, q.conv_w, sizeof q.conv_w));
        const struct mdl_tensor *out = &m.tensors[m.outputs[0]];
        CHECK_NEAR(out->scale[0], 1.0 / 256, 0);
        CHECK_INT(out->zero_point[0], -128);
        const struct mdl_tensor *fw = &m.tensors[m.ops[2].inputs[1]];
        CHECK(fw->data && !memcmp(fw->data, q.fc_w, 4 * MDL_TC_ACT));
        static struct mdl_tc_quant back;
        CHECK_INT(mdl_tc_from_model(&m, &back, err, sizeof err), KWS_OK);
        CHECK(!memcmp(back.conv_w, q.conv_w, sizeof q.conv_w));
        CHECK(!memcmp(back.fc_b, q.fc_b, 4 * sizeof q.fc_b[0]));
        CHECK_NEAR(back.conv_scale[5], q.conv_scale[5], 0);
        CHECK_NEAR(back.fc_out_scale, q.fc_out_scale, 0);
        CHECK_INT(back.conv_out_zp, q.conv_out_zp);

        struct mdl_info info = { 0 };
        st = mdl_model_info(&m, MDL_FLOPS_SEED, &info, err, sizeof err);
        CHECK_INT(st, KWS_OK);
        if (st == KWS_OK) {
            uint64_t conv = 0, fc = 0;
            for (int i = 0; i < info.n_layers; i++) {
                if (info.layers[i].op == MDL_OP_DEPTHWISE_CONV_2D) conv = info.layers[i].flops;
                if (info.layers[i].op == MDL_OP_FULLY_CONNECTED) fc = info.layers[i].flops;
            }
            CHECK_INT(conv, 640008);
            CHECK_INT(fc, 32004);
            CHECK_INT(info.model_bytes, len);
            mdl_info_free(&info);
        }
    }
    mdl_model_free(&m);

    /* The .cc array round-trips through the xxd reader. */
    char path[] = "/tmp/kws_train_export_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        close(fd);
        CHECK_INT(mdl_write_cc(path, "g_model", buf, len, err, sizeof err), KWS_OK);
        FILE *f = fopen(path, "rb");
        static char text[200000];
        size_t n = f ? fread(text, 1, sizeof text, f) : 0;
        if (f) fclose(f);
        CHECK(strstr(text, "alignas(16) const unsigned char g_model[]") != NULL);
        uint8_t *back = NULL;
        size_t back_n = 0;
        CHECK_INT(mdl_xxd_parse(text, n, &back, &back_n, err, sizeof err), KWS_OK);
        CHECK_INT(back_n, len);
        CHECK(back && !memcmp(back, buf, len));
        free(back);
        remove(path);
    }
    free(buf);
    return test_done();
}
