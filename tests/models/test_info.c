/* test_info.c: per-layer sizing of the all-ops fixture against figures
 * worked out by hand (see each comment), in both FLOP conventions, and the
 * budget shares. */
#include "models.h"
#include "test.h"
#include "test_format_fixtures.h"

int main(void)
{
    static struct fixture fx;
    fixture_all_ops(&fx);
    char err[128];
    uint8_t *b;
    size_t n;
    CHECK(mdl_model_write(&fx.m, &b, &n, err, sizeof err) == KWS_OK);
    struct mdl_model m;
    CHECK(mdl_model_load_mem(b, n, &m, err, sizeof err) == KWS_OK);
    free(b);
    struct mdl_info in, seed;
    CHECK(mdl_model_info(&m, MDL_FLOPS_DEFAULT, &in, err, sizeof err) == KWS_OK);
    CHECK(mdl_model_info(&m, MDL_FLOPS_SEED, &seed, err, sizeof err) == KWS_OK);
    CHECK_INT(in.n_layers, FX_OPS);
    /* CONV_2D: 64 outputs (1x4x4x4) x 3*3*2 = 1152 MACs; 72 weights + 4 biases. */
    CHECK_INT(in.layers[1].macs, 1152);
    CHECK_INT(in.layers[1].flops, 2304 + 64);
    CHECK_INT(seed.layers[1].flops, 2304 + 4);
    CHECK_INT(in.layers[1].params, 76);
    CHECK_INT(in.layers[1].weight_bytes, 72 + 16);
    CHECK_INT(in.layers[1].in_tensor, 1);
    CHECK_INT(in.layers[1].out_tensor, 4);
    /* DEPTHWISE: 128 outputs x 3*3 = 1152 MACs; 72 weights + 8 biases. */
    CHECK_INT(in.layers[2].macs, 1152);
    CHECK_INT(in.layers[2].flops, 2304 + 128);
    CHECK_INT(seed.layers[2].flops, 2304 + 8);
    CHECK_INT(in.layers[2].params, 80);
    /* AVERAGE_POOL 2x2 over 32 outputs; ADD and MUL one per output (128). */
    CHECK_INT(in.layers[4].flops, 128);
    CHECK_INT(in.layers[6].flops, 128);
    CHECK_INT(in.layers[7].flops, 128);
    CHECK_INT(in.layers[7].params, 0);
    /* FULLY_CONNECTED: 3 outputs x 128 = 384 MACs; 384 + 3 parameters. */
    CHECK_INT(in.layers[10].macs, 384);
    CHECK_INT(in.layers[10].flops, 768 + 3);
    CHECK_INT(in.layers[10].params, 387);
    CHECK_INT(in.layers[10].weight_bytes, 384 + 12);
    /* Softmax 3 per output (exp, sum, divide); data movement is free. */
    CHECK_INT(in.layers[11].flops, 9);
    CHECK_INT(in.layers[0].flops + in.layers[3].flops + in.layers[5].flops + in.layers[8].flops +
                  in.layers[9].flops + in.layers[12].flops,
              0);
    CHECK_INT(in.macs, 2688);
    CHECK_INT(in.flops, 5955 + 9);
    CHECK_INT(seed.flops, 5775 + 9);
    CHECK_INT(in.params, 543);
    CHECK_INT(in.weight_bytes, 588);
    CHECK_INT(in.model_bytes, m.n_bytes);
    CHECK(in.arena_bytes > 0);
    CHECK_NEAR(in.ram_share, (double)in.arena_bytes / (256 * 1024), 1e-12);
    CHECK_NEAR(in.flash_share, (double)m.n_bytes / (1024 * 1024), 1e-12);
    mdl_info_free(&in);
    mdl_info_free(&seed);
    /* A filter with the wrong rank is an error, not a crash. */
    fx.t[2].n_dims = 2;
    CHECK(mdl_model_info(&fx.m, MDL_FLOPS_DEFAULT, &in, err, sizeof err) == KWS_ERR_FORMAT);
    CHECK(strstr(err, "CONV_2D") != NULL);
    mdl_model_free(&m);
    return test_done();
}
