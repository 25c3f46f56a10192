/* fuzz_tflite.c: libFuzzer target for the model reader (models/tflite_*.c).
 * Any input is loaded from memory (flatbuffer or `xxd -i` text); a model
 * that loads is planned and sized in both FLOP conventions, written back
 * with the writer and loaded again, which must succeed with the same shape
 * of graph. The same entry point is replayed over the seed corpus plus
 * deterministic mutations in the normal test suite
 * (tests/models/test_format_fuzz.c), so gcc builds exercise it too. */
#include <stdint.h>
#include <stdlib.h>

#include "models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(enum kws_log_level level, const char *msg, void *user)
{
    (void)level;
    (void)msg;
    (void)user;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        kws_log_set(quiet, NULL);
        init = 1;
    }
    struct mdl_model m;
    char err[256];
    if (mdl_model_load_mem(data, size, &m, err, sizeof err) != KWS_OK) {
        if (!err[0]) abort(); /* every failure must say why */
        return 0;
    }
    struct mdl_plan p;
    if (mdl_plan_model(&m, &p, err, sizeof err) == KWS_OK) mdl_plan_free(&p);
    struct mdl_info in;
    for (int c = 0; c < 2; c++)
        if (mdl_model_info(&m, c ? MDL_FLOPS_SEED : MDL_FLOPS_DEFAULT, &in, err, sizeof err) ==
            KWS_OK)
            mdl_info_free(&in);
    uint8_t *b;
    size_t n;
    if (mdl_model_write(&m, &b, &n, err, sizeof err) == KWS_OK) {
        struct mdl_model again;
        if (mdl_model_load_mem(b, n, &again, err, sizeof err) != KWS_OK ||
            again.n_tensors != m.n_tensors || again.n_ops != m.n_ops)
            abort(); /* what we read, we must be able to write */
        mdl_model_free(&again);
        free(b);
    }
    mdl_model_free(&m);
    return 0;
}
