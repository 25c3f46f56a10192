/* stft.c: the streaming STFT. Samples arrive in chunks of any size; frames
 * come out as soon as their last sample is in. Frame k covers samples
 * [k*hop, k*hop + n_fft) of the stream (no centering), so the frames are the
 * same, bit for bit, as dsp_analyze on the whole clip: both use the same
 * power engine on the same int16 samples.
 *
 * Pending samples (from the start of the next frame on) are kept as int16 in
 * a buffer that grows only when a caller asks for fewer frames than its
 * samples complete; normally it holds less than one frame. */
#include <stdlib.h>
#include <string.h>

#include "dsp_float.h"

struct dsp_stft {
    struct dsp_stft_config cfg;
    struct dsp_power_engine eng;
    int16_t *pend; /* samples from the next frame's start on */
    size_t pend_len, pend_cap;
    size_t skip; /* samples still to drop when hop > n_fft */
};

enum kws_status dsp_stft_init(struct dsp_stft **out, const struct dsp_stft_config *cfg)
{
    *out = NULL;
    struct dsp_stft *s = calloc(1, sizeof *s);
    if (!s) return KWS_ERR_NOMEM;
    enum kws_status st = dsp_power_engine_init(&s->eng, cfg, NULL, 0);
    if (st != KWS_OK) {
        free(s);
        return st;
    }
    s->cfg = *cfg;
    s->pend_cap = (size_t)cfg->n_fft * 2;
    s->pend = malloc(sizeof *s->pend * s->pend_cap);
    if (!s->pend) {
        dsp_stft_free(s);
        return KWS_ERR_NOMEM;
    }
    *out = s;
    return KWS_OK;
}

void dsp_stft_reset(struct dsp_stft *s)
{
    s->pend_len = 0;
    s->skip = 0;
}

void dsp_stft_free(struct dsp_stft *s)
{
    if (!s) return;
    dsp_power_engine_free(&s->eng);
    free(s->pend);
    free(s);
}

/* Append samples, growing the buffer geometrically; false when out of memory
 * (the samples are then dropped: a caller feeding without reading frames). */
static bool append(struct dsp_stft *s, const int16_t *x, size_t n)
{
    if (s->pend_len + n > s->pend_cap) {
        size_t cap = s->pend_cap;
        while (cap < s->pend_len + n) cap *= 2;
        int16_t *p = realloc(s->pend, sizeof *p * cap);
        if (!p) return false;
        s->pend = p;
        s->pend_cap = cap;
    }
    memcpy(s->pend + s->pend_len, x, sizeof *x * n);
    s->pend_len += n;
    return true;
}

size_t dsp_stft_feed(struct dsp_stft *s, const int16_t *samples, size_t n, float *power_out,
                     size_t max_frames)
{
    size_t drop = s->skip < n ? s->skip : n;
    s->skip -= drop;
    if (drop) /* samples may be NULL with n == 0 (a drain call) */
        samples += drop;
    n -= drop;
    size_t nfft = (size_t)s->cfg.n_fft, hop = (size_t)s->cfg.hop_length;
    size_t bins = nfft / 2 + 1, frames = 0, start = 0;
    if (n && !append(s, samples, n))
        kws_log(KWS_LOG_WARN, "dsp_stft_feed: out of memory, %zu samples dropped", n);
    while (frames < max_frames && s->pend_len - start >= nfft) {
        dsp_power_frame(&s->eng, s->pend + start, power_out + frames * bins);
        frames++;
        start += hop;
        if (start > s->pend_len) {
            s->skip = start - s->pend_len;
            start = s->pend_len;
        }
    }
    memmove(s->pend, s->pend + start, sizeof *s->pend * (s->pend_len - start));
    s->pend_len -= start;
    return frames;
}
