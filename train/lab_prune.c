/* lab_prune.c: pruning masks for TinyConv.
 *
 * Unstructured pruning removes single weights by magnitude (the weights with
 * the smallest |w| go, globally over conv and FC or in each layer on its
 * own); the model keeps its shape, only zeros appear. Structured pruning
 * removes whole depthwise channels, ranked by the L1 norm of their conv
 * filter (Li et al. 2017, "Pruning Filters for Efficient ConvNets"), and with
 * them every FC weight that reads the channel, so the exported model is
 * genuinely smaller (lab_export.c). Biases are never counted as prunable
 * weights; a removed channel's bias goes with it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

void mdl_tc_mask_all(struct mdl_tc_mask *k)
{
    memset(k, 1, sizeof *k);
}

struct mag {
    float a;
    int i;
};

static int cmp_mag(const void *pa, const void *pb)
{
    const struct mag *a = pa, *b = pb;
    if (a->a != b->a) return a->a < b->a ? -1 : 1;
    return a->i - b->i;
}

/* Clears the n_cut smallest of n weights (w) in keep; ties by index. */
static int prune_smallest(const float *w, uint8_t *keep, int n, long n_cut)
{
    struct mag *v = malloc((size_t)n * sizeof *v);
    if (!v) return -1;
    for (int i = 0; i < n; i++) v[i] = (struct mag){ fabsf(w[i]), i };
    qsort(v, (size_t)n, sizeof *v, cmp_mag);
    for (long i = 0; i < n_cut && i < n; i++) keep[v[i].i] = 0;
    free(v);
    return 0;
}

void mdl_tc_prune_magnitude(const struct mdl_tinyconv *m, double sparsity, bool global,
                            struct mdl_tc_mask *k)
{
    mdl_tc_mask_all(k);
    if (!(sparsity > 0.0)) return;
    int nfc = m->n_classes * MDL_TC_ACT, n = MDL_TC_CONV_W + nfc;
    if (!global) {
        prune_smallest(m->conv_w, k->conv_w, MDL_TC_CONV_W, lround(sparsity * MDL_TC_CONV_W));
        prune_smallest(m->fc_w, k->fc_w, nfc, lround(sparsity * nfc));
        return;
    }
    /* One ranking over both layers: conv weights first, then FC. */
    float *w = malloc((size_t)n * sizeof *w);
    uint8_t *keep = malloc((size_t)n);
    if (!w || !keep) {
        free(w);
        free(keep);
        return;
    }
    memcpy(w, m->conv_w, sizeof m->conv_w);
    memcpy(w + MDL_TC_CONV_W, m->fc_w, (size_t)nfc * sizeof *w);
    memset(keep, 1, (size_t)n);
    prune_smallest(w, keep, n, lround(sparsity * n));
    memcpy(k->conv_w, keep, MDL_TC_CONV_W);
    memcpy(k->fc_w, keep + MDL_TC_CONV_W, (size_t)nfc);
    free(w);
    free(keep);
}

int mdl_tc_prune_channels(const struct mdl_tinyconv *m, double sparsity, struct mdl_tc_mask *k)
{
    mdl_tc_mask_all(k);
    long keep_n = lround(MDL_TC_FILTERS * (1.0 - sparsity));
    keep_n = keep_n < 1 ? 1 : keep_n > MDL_TC_FILTERS ? MDL_TC_FILTERS : keep_n;
    float l1[MDL_TC_FILTERS] = { 0 };
    for (int i = 0; i < MDL_TC_KH * MDL_TC_KW; i++)
        for (int c = 0; c < MDL_TC_FILTERS; c++) l1[c] += fabsf(m->conv_w[i * MDL_TC_FILTERS + c]);
    /* Drop the weakest channel until keep_n remain (ties: higher index goes). */
    for (long left = MDL_TC_FILTERS; left > keep_n; left--) {
        int worst = -1;
        for (int c = 0; c < MDL_TC_FILTERS; c++)
            if (k->chan[c] && (worst < 0 || l1[c] <= l1[worst])) worst = c;
        k->chan[worst] = 0;
    }
    for (int i = 0; i < MDL_TC_KH * MDL_TC_KW; i++)
        for (int c = 0; c < MDL_TC_FILTERS; c++) k->conv_w[i * MDL_TC_FILTERS + c] = k->chan[c];
    for (int cl = 0; cl < m->n_classes; cl++)
        for (int i = 0; i < MDL_TC_ACT; i++)
            k->fc_w[cl * MDL_TC_ACT + i] = k->chan[i % MDL_TC_FILTERS];
    return (int)keep_n;
}

void mdl_tc_mask_apply(struct mdl_tinyconv *m, const struct mdl_tc_mask *k)
{
    for (int i = 0; i < MDL_TC_CONV_W; i++)
        if (!k->conv_w[i]) m->conv_w[i] = 0.0f;
    for (int c = 0; c < MDL_TC_FILTERS; c++)
        if (!k->chan[c]) m->conv_b[c] = 0.0f;
    for (int i = 0; i < m->n_classes * MDL_TC_ACT; i++)
        if (!k->fc_w[i]) m->fc_w[i] = 0.0f;
}
