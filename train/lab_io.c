/* lab_io.c: the float checkpoint `kwscope train` writes (model_float.bin:
 * "KWTC0001", int n_classes, then conv_w, conv_b, fc_w [classes x 4000],
 * fc_b as raw little-endian floats in TFLite layouts), read back so the lab
 * can start from a trained model instead of training its own. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "train.h"

enum kws_status mdl_tc_load_float(const char *path, struct mdl_tinyconv *m, char *err,
                                  size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    memset(m, 0, sizeof *m);
    char magic[8];
    enum kws_status st = KWS_OK;
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "KWTC0001", 8) ||
        fread(&m->n_classes, sizeof m->n_classes, 1, f) != 1)
        st = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: not a kwscope float checkpoint", path);
    else if (m->n_classes < 2 || m->n_classes > MDL_TC_MAX_CLASSES)
        st = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: bad class count %d", path, m->n_classes);
    size_t nfc = (size_t)m->n_classes * MDL_TC_ACT, nc = (size_t)m->n_classes;
    if (st == KWS_OK &&
        (fread(m->conv_w, sizeof m->conv_w, 1, f) != 1 ||
         fread(m->conv_b, sizeof m->conv_b, 1, f) != 1 ||
         fread(m->fc_w, sizeof(float), nfc, f) != nfc ||
         fread(m->fc_b, sizeof(float), nc, f) != nc || fgetc(f) != EOF))
        st = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: truncated or oversized checkpoint", path);
    fclose(f);
    return st;
}

int mdl_tc_write_float(FILE *f, const struct mdl_tinyconv *m)
{
    size_t nfc = (size_t)m->n_classes * MDL_TC_ACT, nc = (size_t)m->n_classes;
    int ok = fwrite("KWTC0001", 1, 8, f) == 8 &&
        fwrite(&m->n_classes, sizeof m->n_classes, 1, f) == 1 &&
        fwrite(m->conv_w, sizeof m->conv_w, 1, f) == 1 &&
        fwrite(m->conv_b, sizeof m->conv_b, 1, f) == 1 &&
        fwrite(m->fc_w, sizeof(float), nfc, f) == nfc &&
        fwrite(m->fc_b, sizeof(float), nc, f) == nc;
    return ok && !ferror(f);
}
