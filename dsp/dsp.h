/* dsp.h: signal analysis. Two independent halves:
 *
 *  - float analysis with FFTW (single precision): framing, periodic Hann
 *    window, power spectrum, streaming STFT, mel filterbank, dB, MFCC. The
 *    defaults reproduce torchaudio's MFCC with the conventions in README.md.
 *  - the fixed-point micro frontend (TFLM-compatible model features), portable
 *    C without FFTW or floating point in the per-frame path.
 *
 * Samples enter as int16 at 16 kHz; the float half scales them by 1/32768
 * (as torchaudio.load does). */
#ifndef DSP_H
#define DSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"

/* ===== float analysis ================================================== */

/* A dense row-major matrix: rows are frames (time), cols are bins/bands/
 * coefficients. data is owned by whoever called the function that filled it;
 * release with dsp_matrix_free. */
struct dsp_matrix {
    float *data;
    size_t rows;
    size_t cols;
};
void dsp_matrix_free(struct dsp_matrix *m);

struct dsp_stft_config {
    int rate_hz;     /* 16000 */
    int n_fft;       /* 512: FFT size; bins = n_fft/2 + 1 */
    int win_length;  /* 480: periodic Hann, centred (zero-padded) in n_fft */
    int hop_length;  /* 160 */
};
struct dsp_stft_config dsp_stft_config_default(void);

enum dsp_mel_scale { DSP_MEL_HTK, DSP_MEL_SLANEY };

struct dsp_mel_config {
    int n_mels;              /* 40 */
    float f_min_hz;          /* 20 */
    float f_max_hz;          /* 8000 */
    enum dsp_mel_scale scale;/* HTK */
    bool slaney_norm;        /* false: no area normalisation */
};
struct dsp_mel_config dsp_mel_config_default(void);

/* All float analysis parameters together (what the views and `features` use). */
struct dsp_analysis_config {
    struct dsp_stft_config stft;
    struct dsp_mel_config mel;
    int n_mfcc;              /* 13 */
};
struct dsp_analysis_config dsp_analysis_config_default(void);

enum dsp_kind {
    DSP_KIND_SPECTROGRAM, /* power in dB, cols = n_fft/2 + 1 */
    DSP_KIND_MEL,         /* mel power in dB, cols = n_mels */
    DSP_KIND_MFCC,        /* cols = n_mfcc */
};

/* Frames of a whole clip (no centering: frame k covers samples
 * [k*hop, k*hop + n_fft)); rows = 0 when the clip is shorter than n_fft.
 * dB is 10*log10(max(p, 1e-10)), no top_db clipping. */
enum kws_status dsp_analyze(const struct dsp_analysis_config *cfg, enum dsp_kind kind,
                            const int16_t *samples, size_t n, struct dsp_matrix *out,
                            char *err, size_t err_len);

/* Welch-averaged power spectrum of the whole clip (mean of the STFT power
 * frames), in dB, n_fft/2 + 1 values written to db_out. Returns the number
 * of frames averaged (0: clip too short, db_out set to -100 dB). */
size_t dsp_welch_db(const struct dsp_stft_config *cfg, const int16_t *samples, size_t n,
                    float *db_out);

/* ---- streaming STFT: feed samples, frames come out as they complete ---- */
struct dsp_stft; /* opaque; owns its FFTW plan (plans are cached per size) */
enum kws_status dsp_stft_init(struct dsp_stft **out, const struct dsp_stft_config *cfg);
/* Consumes all n samples; writes up to max_frames power frames (each
 * n_fft/2 + 1 floats) into power_out and returns how many. Samples that would
 * complete frames beyond max_frames are kept for the next call. */
size_t dsp_stft_feed(struct dsp_stft *s, const int16_t *samples, size_t n,
                     float *power_out, size_t max_frames);
void dsp_stft_reset(struct dsp_stft *s);
void dsp_stft_free(struct dsp_stft *s);

/* ---- building blocks, for streaming callers ---- */
/* Mel filterbank: n_mels x (n_fft/2+1) weights; NULL on bad config. */
struct dsp_mel;
struct dsp_mel *dsp_mel_create(const struct dsp_mel_config *cfg, int n_fft, int rate_hz,
                               char *err, size_t err_len);
void dsp_mel_apply(const struct dsp_mel *m, const float *power, float *mel_out);
void dsp_mel_free(struct dsp_mel *m);
/* In place: x = 10*log10(max(x, 1e-10)). */
void dsp_power_to_db(float *x, size_t n);
/* Orthonormal DCT-II (torchaudio's create_dct(norm="ortho")): n_mfcc of n_mels. */
void dsp_dct_ortho(const float *in, size_t n_in, float *out, size_t n_out);

/* Hz <-> mel in the given scale (HTK: 2595*log10(1 + f/700); Slaney: linear
 * below 1 kHz, logarithmic above). */
float dsp_hz_to_mel(float hz, enum dsp_mel_scale scale);
float dsp_mel_to_hz(float mel, enum dsp_mel_scale scale);

/* ===== micro frontend (fixed point) ====================================== */
/* (declared below by the micro-frontend work; see issue "The model's features") */

#endif
