/* train_stream.c: training examples that look like windows of a stream.
 *
 * A detector on continuous speech sees 1 s windows sliding every 20 ms: the
 * word anywhere in the window (not only centred), other words before and
 * after it, background at any SNR, and a micro frontend that has been
 * running for a while (its noise estimate and PCAN gain adapted to what came
 * before, which changes the features of the same word a lot compared with a
 * fresh frontend on an isolated clip). A model trained only on centred
 * isolated clips through a fresh frontend misses most words in a stream.
 *
 * So an example here is: context audio (0.5-1.5 s of other training
 * clips, so the frontend has adapted), then the 1 s window with the clip's
 * word placed at a random position where it fits whole, unknown words
 * before and after it (in half the examples the word sits anywhere it fits
 * whole, in the other half within TF's +-100 ms shift), and background noise
 * over all of it at an SNR drawn from 5-30 dB (relative to the word's own
 * power). The caller runs the frontend over the whole and keeps the last 49
 * frames (train_data.c). Silence clips get noise at volume U(0, 0.1) and no
 * words. train_data.c uses this for 35% of the examples and TF's augmentation
 * of the isolated clip for the rest, so the isolated-clip accuracy
 * (fresh frontend, centred word) is learnt too. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "train.h"

#define N MDL_CLIP_SAMPLES
#define FRAME KWS_STRIDE_SAMPLES

/* First and last sample above 5% of the peak; false for an all-quiet clip. */
static bool bounds(const int16_t *x, int *a, int *b, double *power)
{
    int peak = 0;
    for (int i = 0; i < N; i++) peak = abs(x[i]) > peak ? abs(x[i]) : peak;
    if (peak < 64) return false;
    int t = peak / 20;
    *a = 0;
    *b = N - 1;
    while (*a < N && abs(x[*a]) <= t) (*a)++;
    while (*b > *a && abs(x[*b]) <= t) (*b)--;
    double p = 0;
    for (int i = *a; i <= *b; i++) p += (double)x[i] * x[i];
    *power = p / (*b - *a + 1);
    return true;
}

static const struct mdl_clip *random_clip(const struct mdl_dataset *ds, struct mdl_rng *r,
                                          int label)
{
    for (int tries = 0; tries < 64; tries++) {
        const struct mdl_clip *c = &ds->clips[mdl_rng_next(r) % ds->n];
        if (c->split == MDL_SPLIT_TRAIN && (label < 0 || c->label == label)) return c;
    }
    return NULL;
}

/* Adds another clip's word ending at `end` (before) or starting at `start`
 * (after) into w[0, N), scaled to about the word's level. */
static void neighbour(const struct mdl_dataset *ds, struct mdl_rng *r, float *w, int at, bool after,
                      double level)
{
    const struct mdl_clip *o = random_clip(ds, r, 1);
    int a, b;
    double p;
    if (!o || !bounds(o->samples, &a, &b, &p)) return;
    float g = (float)(sqrt(level / p) * (0.5 + mdl_rng_uniform(r)));
    int len = b - a + 1, dst = after ? at : at - len;
    for (int i = 0; i < len; i++)
        if (dst + i >= 0 && dst + i < N) w[dst + i] += g * o->samples[a + i];
}

size_t mdl_stream_example(const struct mdl_dataset *ds, const struct mdl_clip *c, struct mdl_rng *r,
                          int16_t *out)
{
    float w[N];
    memset(w, 0, sizeof w);
    int a = 0, b = N - 1;
    double power = 0;
    bool word = c->label != 0 && bounds(c->samples, &a, &b, &power);
    int shift = 0;
    if (word && mdl_rng_uniform(r) < 0.5) { /* anywhere the whole word fits */
        int lo = -a, hi = N - 1 - b;
        shift = lo + (int)(mdl_rng_next(r) % (uint64_t)(hi - lo + 1));
    } else {
        shift = (int)(mdl_rng_next(r) % (2 * MDL_SHIFT_MAX + 1)) - MDL_SHIFT_MAX;
    }
    for (int i = 0; i < N; i++) {
        int j = i - shift;
        w[i] = j >= 0 && j < N ? c->samples[j] : 0.0f;
    }
    if (word) {
        int gap = (int)(0.03 * N + mdl_rng_uniform(r) * 0.3 * N);
        if (mdl_rng_uniform(r) < 0.4) neighbour(ds, r, w, a + shift - gap, false, power);
        gap = (int)(0.03 * N + mdl_rng_uniform(r) * 0.3 * N);
        if (mdl_rng_uniform(r) < 0.4) neighbour(ds, r, w, b + shift + gap, true, power);
    }
    /* Context: the frontend runs over 0.5-1.5 s of other clips first. */
    size_t ctx = FRAME * (25 + (size_t)(mdl_rng_next(r) % 51));
    float mix[MDL_STREAM_MAX];
    for (size_t i = 0; i < ctx; i++) mix[i] = 0.0f;
    for (size_t filled = 0; filled < ctx;) {
        const struct mdl_clip *o = random_clip(ds, r, -1);
        float g = (float)(0.3 + 1.2 * mdl_rng_uniform(r));
        size_t len = ctx - filled < N ? ctx - filled : N;
        for (size_t i = 0; o && i < len; i++)
            mix[ctx - filled - len + i] = g * o->samples[N - len + i];
        filled += len;
    }
    memcpy(mix + ctx, w, sizeof w);
    size_t n = ctx + N;
    if (ds->n_noise && mdl_rng_uniform(r) < 0.8) {
        size_t k = (size_t)(mdl_rng_next(r) % ds->n_noise);
        if (ds->noise_len[k] >= n) {
            const int16_t *nz = ds->noise[k] + mdl_rng_next(r) % (ds->noise_len[k] - n + 1);
            double np = 0;
            for (size_t i = 0; i < n; i++) np += (double)nz[i] * nz[i];
            np = np / (double)n + 1e-9;
            double g = word ? sqrt(power / (np * pow(10.0, 0.5 + 2.5 * mdl_rng_uniform(r))))
                            : 0.1 * mdl_rng_uniform(r);
            for (size_t i = 0; i < n; i++) mix[i] += (float)(g * nz[i]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        float s = mix[i];
        out[i] = (int16_t)(s > 32767.0f ? 32767 : s < -32768.0f ? -32768 : lrintf(s));
    }
    return n;
}
