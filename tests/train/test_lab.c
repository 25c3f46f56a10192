/* test_lab.c: the model lab's parts without a data set.
 * - b-bit quantisation: at 8 bits exactly mdl_tc_quantize; below, weights on
 *   [-(2^(b-1)-1), 2^(b-1)-1] (reaching the bound), the ReLU output on 2^b
 *   levels ending at 127; `model info` reads the width back and packs it;
 *   the fake-quantised weights are the quantised ones times their scales;
 *   backward without fake quantisers is mdl_tc_backward;
 * - pruning: exact sparsities (per layer and global), 90% leaves <= 10%;
 * - structured 50%: the exported model has 4 depthwise channels, half the
 *   conv FLOPs, a smaller arena, and the interpreter gives the very same
 *   outputs as the full model with those channels zeroed;
 * - line plots: 1-2-5 ticks, tick labels and legend on the canvas;
 * - result rows: JSON written and read back (quotes, commas, null). */
#include <stdio.h>
#include <stdlib.h>

#include "dash/lab.h"
#include "train/train.h"
#include "test.h"

static char labels[MDL_TC_MAX_CLASSES][32] = { "_silence_", "_unknown_", "yes", "no" };

static void random_model(struct mdl_tinyconv *m, uint64_t seed)
{
    struct mdl_rng r = { seed };
    mdl_tc_init(m, 4, seed);
    for (int i = 0; i < MDL_TC_CONV_W; i++) m->conv_w[i] = (float)(mdl_rng_normal(&r) * 0.05);
    for (int c = 0; c < MDL_TC_FILTERS; c++) m->conv_b[c] = (float)(mdl_rng_normal(&r) * 0.5);
    for (int c = 0; c < 4; c++) m->fc_b[c] = (float)(mdl_rng_normal(&r) * 0.1);
}

static struct mdl_model load(const struct mdl_tc_quant *q, const uint8_t *keep, struct mdl_info *in)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[256];
    struct mdl_model m = { 0 };
    CHECK_INT(mdl_tc_to_tflite_channels(q, keep, &buf, &len, err, sizeof err), KWS_OK);
    CHECK_INT(mdl_model_load_mem(buf, len, &m, err, sizeof err), KWS_OK);
    CHECK_INT(mdl_model_info(&m, MDL_FLOPS_DEFAULT, in, err, sizeof err), KWS_OK);
    free(buf);
    return m;
}

static void test_bits(void)
{
    static struct mdl_tinyconv m, f;
    static struct mdl_tc_quant a, b;
    struct mdl_tc_ranges r = { 20.0f, -10.0f, 12.0f };
    random_model(&m, 5);
    mdl_tc_quantize(&m, &r, labels, &a);
    mdl_tc_quantize_bits(&m, &r, labels, 8, &b);
    CHECK(!memcmp(&a, &b, sizeof a));
    for (int bits = 2; bits <= 8; bits++) {
        int qmax = (1 << (bits - 1)) - 1, lo = 0, hi = 0;
        mdl_tc_quantize_bits(&m, &r, labels, bits, &b);
        for (int i = 0; i < 4 * MDL_TC_ACT; i++) {
            lo = b.fc_w[i] < lo ? b.fc_w[i] : lo;
            hi = b.fc_w[i] > hi ? b.fc_w[i] : hi;
        }
        CHECK(lo >= -qmax && hi <= qmax && (hi == qmax || lo == -qmax));
        CHECK_INT(b.conv_out_zp, 128 - (1 << bits));
        struct mdl_info in;
        struct mdl_model mm = load(&b, NULL, &in);
        CHECK_INT(in.weight_bits, bits);
        uint64_t want = (MDL_TC_CONV_W * (uint64_t)bits + 7) / 8 + 4 * MDL_TC_FILTERS +
            (4 * MDL_TC_ACT * (uint64_t)bits + 7) / 8 + 4 * 4;
        CHECK_INT(in.packed_weight_bytes, want);
        mdl_info_free(&in);
        mdl_model_free(&mm);
        mdl_tc_fake_weights(&m, bits, &f);
        for (int i = 0; i < MDL_TC_CONV_W; i++)
            CHECK_NEAR(f.conv_w[i], b.conv_w[i] * b.conv_scale[i % MDL_TC_FILTERS], 1e-7);
        for (int i = 0; i < 4 * MDL_TC_ACT; i += 97)
            CHECK_NEAR(f.fc_w[i], b.fc_w[i] * b.fc_scale, 1e-7);
    }
    static struct mdl_tinyconv g1, g2;
    static float x[MDL_TC_IN];
    struct mdl_rng rr = { 9 };
    for (int i = 0; i < MDL_TC_IN; i++) x[i] = (float)(mdl_rng_uniform(&rr) * 25);
    mdl_tc_zero(&g1);
    mdl_tc_zero(&g2);
    g1.n_classes = g2.n_classes = 4;
    float l1 = mdl_tc_backward(&m, x, 2, NULL, &g1, NULL);
    float l2 = mdl_tc_backward_fq(&m, NULL, x, 2, NULL, &g2, NULL);
    CHECK(l1 == l2 && !memcmp(&g1, &g2, sizeof g1));
}

static int count_zero(const uint8_t *k, int n)
{
    int z = 0;
    for (int i = 0; i < n; i++) z += !k[i];
    return z;
}

static void test_prune(void)
{
    static struct mdl_tinyconv m;
    static struct mdl_tc_mask k;
    random_model(&m, 7);
    int nfc = 4 * MDL_TC_ACT;
    mdl_tc_prune_magnitude(&m, 0.9, false, &k);
    CHECK_INT(count_zero(k.conv_w, MDL_TC_CONV_W), 576);
    CHECK_INT(count_zero(k.fc_w, nfc), 14400);
    mdl_tc_prune_magnitude(&m, 0.5, true, &k);
    CHECK_INT(count_zero(k.conv_w, MDL_TC_CONV_W) + count_zero(k.fc_w, nfc),
              (MDL_TC_CONV_W + nfc) / 2);
    mdl_tc_prune_magnitude(&m, 0.9, true, &k);
    mdl_tc_mask_apply(&m, &k);
    int nz = 0;
    for (int i = 0; i < MDL_TC_CONV_W; i++) nz += m.conv_w[i] != 0.0f;
    for (int i = 0; i < nfc; i++) nz += m.fc_w[i] != 0.0f;
    CHECK(nz * 10 <= MDL_TC_CONV_W + nfc);
}

/* Structured 50%: the cut model equals the full model with zeroed channels. */
static void test_channels(void)
{
    static struct mdl_tinyconv m;
    static struct mdl_tc_mask k;
    static struct mdl_tc_quant q;
    struct mdl_tc_ranges r = { 20.0f, -10.0f, 12.0f };
    random_model(&m, 11);
    CHECK_INT(mdl_tc_prune_channels(&m, 0.5, &k), 4);
    CHECK_INT(count_zero(k.chan, MDL_TC_FILTERS), 4);
    mdl_tc_mask_apply(&m, &k);
    mdl_tc_quantize_bits(&m, &r, labels, 8, &q);
    struct mdl_info fi, ci;
    struct mdl_model full = load(&q, NULL, &fi), cut = load(&q, k.chan, &ci);
    CHECK_INT(cut.ops[1].p.depth_multiplier, 4);
    const struct mdl_tensor *w = &cut.tensors[cut.ops[1].inputs[1]];
    CHECK_INT(w->dims[3], 4);
    CHECK_INT(cut.tensors[cut.ops[2].inputs[1]].dims[1], 2000);
    CHECK_INT(ci.layers[1].flops * 2, fi.layers[1].flops);
    CHECK_INT(ci.layers[2].flops * 2 - 4, fi.layers[2].flops); /* 4 biased outputs */
    CHECK(ci.arena_bytes < fi.arena_bytes && ci.model_bytes < fi.model_bytes);
    struct mdl_interp a, b;
    char err[256];
    CHECK_INT(mdl_interp_init(&a, &full, err, sizeof err), KWS_OK);
    CHECK_INT(mdl_interp_init(&b, &cut, err, sizeof err), KWS_OK);
    struct mdl_rng rr = { 3 };
    for (int t = 0; t < 20; t++) {
        void *ia, *ib, *oa, *ob;
        mdl_interp_input(&a, 0, &ia);
        mdl_interp_input(&b, 0, &ib);
        for (int i = 0; i < MDL_TC_IN; i++)
            ((int8_t *)ia)[i] = ((int8_t *)ib)[i] = (int8_t)(mdl_rng_next(&rr) & 0xff);
        CHECK_INT(mdl_interp_invoke(&a, err, sizeof err), KWS_OK);
        CHECK_INT(mdl_interp_invoke(&b, err, sizeof err), KWS_OK);
        mdl_interp_output(&a, 0, &oa);
        mdl_interp_output(&b, 0, &ob);
        CHECK(!memcmp(oa, ob, 4));
    }
    mdl_interp_free(&a);
    mdl_interp_free(&b);
    mdl_info_free(&fi);
    mdl_info_free(&ci);
    mdl_model_free(&full);
    mdl_model_free(&cut);
}

static bool canvas_has(struct tui_canvas *c, const char *s)
{
    size_t n = strlen(s);
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x + (int)n <= c->w; x++) {
            size_t i = 0;
            while (i < n && tui_canvas_at(c, x + (int)i, y)->ch == (uint32_t)(unsigned char)s[i])
                i++;
            if (i == n) return true;
        }
    return false;
}

static void test_plot_and_rows(void)
{
    CHECK_NEAR(tui_nice_step125(100, 5), 20, 1e-12);
    CHECK_NEAR(tui_nice_step125(6, 7), 1, 1e-12);
    CHECK_NEAR(tui_nice_step125(700000, 8), 100000, 1e-9);
    CHECK_NEAR(tui_nice_step125(0.3, 4), 0.1, 1e-12);
    char b[32];
    tui_format_tick(500000, 100000, b, sizeof b);
    CHECK_STR(b, "500k");
    tui_format_tick(0, 5000, b, sizeof b);
    CHECK_STR(b, "0");
    tui_format_tick(0.5, 0.1, b, sizeof b);
    CHECK_STR(b, "0.5");

    struct dash_lab_row rows[4] = { 0 };
    for (int i = 0; i < 4; i++) {
        snprintf(rows[i].method, sizeof rows[i].method, "%s", i < 2 ? "ptq" : "qat");
        snprintf(rows[i].name, sizeof rows[i].name, "%s-%db", rows[i].method, i % 2 ? 8 : 2);
        rows[i].bits = i % 2 ? 8 : 2;
        rows[i].acc_int8 = 40 + 10 * i;
        rows[i].m4_ms = NAN;
    }
    struct tui_canvas *c = tui_canvas_new(70, 16, true, TUI_COLOR_NONE);
    CHECK(dash_lab_figure(c, (struct tui_rect){ 0, 0, 70, 16 }, rows, 4, 0));
    CHECK(canvas_has(c, "P PTQ") && canvas_has(c, "Q QAT") && canvas_has(c, "bits"));
    /* Accuracy 40..70 %: ticks every 10 on whole steps, the points on them. */
    CHECK(canvas_has(c, "40") && canvas_has(c, "50") && canvas_has(c, "60") && canvas_has(c, "70"));
    CHECK(!canvas_has(c, "100") && !canvas_has(c, "35"));
    for (int t = 2; t <= 8; t++) {
        char lab[4];
        snprintf(lab, sizeof lab, "%d", t);
        CHECK(canvas_has(c, lab));
    }
    CHECK(!dash_lab_figure(c, (struct tui_rect){ 0, 0, 70, 16 }, rows, 4, 2));
    tui_canvas_free(c);

    FILE *f = tmpfile();
    rows[1].params_nonzero = 12345678901ull;
    snprintf(rows[1].model, sizeof rows[1].model, "dir \"x\"/a,b.tflite");
    dash_lab_json_row(f, &rows[1]);
    rewind(f);
    char line[4096], err[128];
    struct dash_lab_row back;
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK(dash_lab_parse_json(line, &back, err, sizeof err));
    CHECK_STR(back.name, "ptq-8b");
    CHECK_STR(back.model, rows[1].model);
    CHECK_INT(back.params_nonzero, 12345678901ull);
    CHECK(isnan(back.m4_ms) && back.acc_int8 == 50);
    CHECK(!dash_lab_parse_json("{\"name\": 3}", &back, err, sizeof err));
    fclose(f);
}

int main(void)
{
    test_bits();
    test_prune();
    test_channels();
    test_plot_and_rows();
    return test_done();
}
