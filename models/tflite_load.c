/* tflite_load.c: loading a model from a file or memory (flatbuffer or `xxd
 * -i` C array, told apart by content), and the model search order every
 * command shares: --model, $KWSCOPE_MODEL, then the bundled default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"
#include "tflite_codes.h"

/* Far above a microcontroller model (1 MB flash); a C array is ~6x larger. */
#define MAX_FILE_BYTES ((size_t)256 << 20)

static bool looks_like_text(const uint8_t *b, size_t n)
{
    size_t k = n < 4096 ? n : 4096;
    for (size_t i = 0; i < k; i++)
        if (b[i] == 0) return false;
    return true;
}

enum kws_status mdl_model_load_mem(const void *data, size_t n, struct mdl_model *m, char *err,
                                   size_t err_len)
{
    const uint8_t *b = data;
    memset(m, 0, sizeof *m);
    if (n > MAX_FILE_BYTES)
        return kws_err(err, err_len, KWS_ERR_NOMEM, "model is absurdly large (%zu bytes)", n);
    uint8_t *copy;
    size_t len;
    if (n >= 8 && !memcmp(b + 4, "TFL3", 4)) {
        copy = malloc(n ? n : 1);
        if (!copy) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory reading the model");
        memcpy(copy, b, n);
        len = n;
    } else if (n > 0 && looks_like_text(b, n) && memchr(b, '{', n)) {
        enum kws_status st = mdl_xxd_parse((const char *)b, n, &copy, &len, err, err_len);
        if (st) return st;
    } else {
        return kws_err(err, err_len, KWS_ERR_FORMAT,
                       n < 8 ? "model is truncated (%zu bytes)"
                             : "not a TFLite model (%zu bytes, no TFL3 identifier, not a C array)",
                       n);
    }
    return mdl_flatbuffer_parse(copy, len, m, err, err_len);
}

enum kws_status mdl_model_load(const char *path, struct mdl_model *m, char *err, size_t err_len)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "rb");
    if (!f) return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    uint8_t *b = NULL;
    size_t n = 0, cap = 0;
    enum kws_status st = KWS_OK;
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE_BYTES) {
                st = kws_err(err, err_len, KWS_ERR_NOMEM, "%s: absurdly large for a model", path);
                break;
            }
            cap = cap ? 2 * cap : 65536;
            uint8_t *nb = realloc(b, cap);
            if (!nb) {
                st = kws_err(err, err_len, KWS_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            b = nb;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) st = kws_err(err, err_len, KWS_ERR_IO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (!st) {
        char e[200] = "";
        st = mdl_model_load_mem(b, n, m, e, sizeof e);
        if (st) kws_err(err, err_len, st, "%s: %s", path, e);
    }
    free(b);
    return st;
}

static bool readable(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (f) fclose(f);
    return f != NULL;
}

enum kws_status mdl_model_find(const char *arg, const char *datadir, char *path, size_t len,
                               char *err, size_t err_len)
{
    const char *env = getenv("KWSCOPE_MODEL");
    const char *pick = arg && *arg ? arg : env && *env ? env : NULL;
    if (pick) {
        if (!readable(pick))
            return kws_err(err, err_len, KWS_ERR_IO, "model %s%s: %s", pick,
                           pick == arg ? "" : " (from $KWSCOPE_MODEL)", strerror(errno));
        if ((size_t)snprintf(path, len, "%s", pick) >= len)
            return kws_err(err, err_len, KWS_ERR_ARG, "model path too long");
        return KWS_OK;
    }
    if (datadir && *datadir) {
        if ((size_t)snprintf(path, len, "%s/%s", datadir, MDL_DEFAULT_MODEL) >= len)
            return kws_err(err, err_len, KWS_ERR_ARG, "model path too long");
        if (readable(path)) return KWS_OK;
    }
    return kws_err(err, err_len, KWS_ERR_ARG,
                   "no model given and no default model is bundled yet (%s); "
                   "pass --model FILE or set KWSCOPE_MODEL",
                   MDL_DEFAULT_MODEL);
}
