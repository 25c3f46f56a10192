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
    int rate_hz;    /* 16000 */
    int n_fft;      /* 512: FFT size; bins = n_fft/2 + 1 */
    int win_length; /* 480: periodic Hann, centred (zero-padded) in n_fft */
    int hop_length; /* 160 */
};
struct dsp_stft_config dsp_stft_config_default(void);

enum dsp_mel_scale { DSP_MEL_HTK, DSP_MEL_SLANEY };

struct dsp_mel_config {
    int n_mels;               /* 40 */
    float f_min_hz;           /* 20 */
    float f_max_hz;           /* 8000 */
    enum dsp_mel_scale scale; /* HTK */
    bool slaney_norm;         /* false: no area normalisation */
};
struct dsp_mel_config dsp_mel_config_default(void);

/* All float analysis parameters together (what the views and `features` use). */
struct dsp_analysis_config {
    struct dsp_stft_config stft;
    struct dsp_mel_config mel;
    int n_mfcc; /* 13 */
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
                            const int16_t *samples, size_t n, struct dsp_matrix *out, char *err,
                            size_t err_len);

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
size_t dsp_stft_feed(struct dsp_stft *s, const int16_t *samples, size_t n, float *power_out,
                     size_t max_frames);
void dsp_stft_reset(struct dsp_stft *s);
void dsp_stft_free(struct dsp_stft *s);

/* ---- building blocks, for streaming callers ---- */
/* Mel filterbank: n_mels x (n_fft/2+1) weights; NULL on bad config. */
struct dsp_mel;
struct dsp_mel *dsp_mel_create(const struct dsp_mel_config *cfg, int n_fft, int rate_hz, char *err,
                               size_t err_len);
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

/* ---- validation and small helpers ---- */
/* Check a configuration; KWS_ERR_ARG with a message naming the parameter and
 * its allowed range (n_fft in 2..65536, 1 <= win_length <= n_fft, hop > 0,
 * 0 <= f_min < f_max <= rate/2, 1 <= n_mfcc <= n_mels, ...). */
enum kws_status dsp_stft_config_check(const struct dsp_stft_config *c, char *err, size_t err_len);
enum kws_status dsp_mel_config_check(const struct dsp_mel_config *c, int n_fft, int rate_hz,
                                     char *err, size_t err_len);
enum kws_status dsp_analysis_config_check(const struct dsp_analysis_config *c, char *err,
                                          size_t err_len);
/* Periodic Hann of win_length samples centred in n_fft (zeros around, left
 * pad (n_fft - win_length) / 2); writes n_fft floats. */
void dsp_hann_periodic(float *out, int win_length, int n_fft);
/* The bank's dense weights, n_mels rows of n_bins (owned by m). */
const float *dsp_mel_weights(const struct dsp_mel *m, int *n_mels, int *n_bins);
/* n_out x n_in row-major orthonormal DCT-II matrix (malloc'd; free()). */
float *dsp_dct_matrix(size_t n_in, size_t n_out);

/* ===== micro frontend (fixed point) ====================================== */
/* The TFLM micro frontend as the Arduino micro_speech sketch configures it:
 * 30 ms window, 20 ms stride, 40 channels 125-7500 Hz, noise reduction, PCAN,
 * log scale; then the uint16 -> int8 model-input conversion. Bit-exact with
 * TFLM's reference (tests/dsp: test_micro_conformance against its outputs).
 * init may use floating point to build tables; the per-frame path is integer
 * only and never allocates. The state is a transparent struct the caller owns. */

#define DSP_MICRO_MAX_CHANNELS 64
#define DSP_MICRO_CHANNELS KWS_FEATURE_CHANNELS        /* default channel count */
#define DSP_MICRO_FRAMES_PER_SECOND KWS_FEATURE_FRAMES /* 1 s at 16 kHz, 480/320 framing */

struct dsp_micro_config {
    int rate_hz;                /* 16000 */
    int window_ms;              /* 30 */
    int step_ms;                /* 20 */
    int num_channels;           /* 40, at most DSP_MICRO_MAX_CHANNELS */
    float lower_hz, upper_hz;   /* 125, 7500 */
    int smoothing_bits;         /* 10 */
    float even_smoothing;       /* 0.025 */
    float odd_smoothing;        /* 0.06 */
    float min_signal_remaining; /* 0.05 */
    bool pcan_enable;           /* true */
    float pcan_strength;        /* 0.95 */
    float pcan_offset;          /* 80 */
    int pcan_gain_bits;         /* 21 */
    bool log_enable;            /* true */
    int log_scale_shift;        /* 6 */
};
struct dsp_micro_config dsp_micro_config_default(void);

/* ---- the frontend's state ---- */
/* Limits of the fixed-size state: FFT sizes are powers of two up to 512
 * (window up to 32 ms at 16 kHz); 512 gives a 256-point complex FFT. */
#define DSP_MICRO_MAX_FFT 512
#define DSP_MICRO_MAX_CFFT (DSP_MICRO_MAX_FFT / 2)
/* Split (real / imaginary) FFT buffers carry this many spare entries so the
 * vectorised split step may read one past the end (dsp/micro_fft.c). */
#define DSP_MICRO_FFT_PAD 8

struct dsp_micro_cpx {
    int16_t r, i;
};

/* Everything the frontend needs: tables built by dsp_micro_init (the only
 * place with floating point), the sample buffer and the per-channel noise
 * estimates carried between frames, and scratch for one frame. No pointers:
 * the caller may put it on the stack or in static memory (~12 KB). */
struct dsp_micro_state {
    struct dsp_micro_config cfg;
    /* framing */
    int window_size; /* samples (480) */
    int step_size;   /* samples (320) */
    int input_used;  /* samples buffered in input[] */
    int16_t input[DSP_MICRO_MAX_FFT];
    int16_t window_q12[DSP_MICRO_MAX_FFT]; /* Hann coefficients, Q12 */
    /* FFT (kissfft-style, int16, evaluated in Stockham order) */
    int fft_size;                                     /* real FFT size (512) */
    int cfft_size;                                    /* complex FFT size (256) */
    int num_stages;                                   /* radix stages (4 for 256) */
    uint8_t radix[8];                                 /* innermost stage first */
    struct dsp_micro_cpx twiddle[DSP_MICRO_MAX_CFFT]; /* exp(-2 pi i k / n), Q15 */
    /* twiddle[q k L] laid out per stage as [q - 1][k] for the stages that
     * run with k innermost (micro_fft.c); at most cfft_size entries */
    int16_t stage_tw_r[DSP_MICRO_MAX_CFFT], stage_tw_i[DSP_MICRO_MAX_CFFT];
    /* split-step twiddles exp(-i pi (k / n + 1/2)) at index k = 1..n/2
     * (kissfft's super_twiddles[k - 1]); index 0 is 0 and unused */
    int16_t split_tw_r[DSP_MICRO_MAX_CFFT / 2 + 1], split_tw_i[DSP_MICRO_MAX_CFFT / 2 + 1];
    /* split_tw at index n/2 - j, for the bins above n/2 */
    int16_t split_twh_r[DSP_MICRO_MAX_CFFT / 2], split_twh_i[DSP_MICRO_MAX_CFFT / 2];
    /* filterbank: bins [start_bin, end_bin) go to segment seg[b]; segment s
     * covers bins [seg_start[s], seg_start[s + 1]) */
    int start_bin, end_bin;
    uint8_t seg[DSP_MICRO_MAX_CFFT + 1];
    int16_t weight_q12[DSP_MICRO_MAX_CFFT + 1];
    int16_t unweight_q12[DSP_MICRO_MAX_CFFT + 1];
    uint16_t seg_start[DSP_MICRO_MAX_CHANNELS + 2];
    /* noise reduction (Q14) */
    uint32_t even_smoothing, odd_smoothing, min_signal_remaining;
    uint32_t estimate[DSP_MICRO_MAX_CHANNELS];
    /* PCAN */
    int pcan_snr_shift;
    int16_t gain_lut[4 * 32 - 3]; /* TFLM layout: 3 + 4 per interval */
    /* log scale */
    int log_correction_bits; /* MSB(fft_size) - 1 - 6 */
    uint16_t log_lut[129];
    /* per-frame scratch; word aligned: the Cortex-M4 FFT reads int16 pairs */
    _Alignas(4) int16_t fft_in[DSP_MICRO_MAX_FFT]; /* real input of the FFT */
    /* complex FFT work, split: [buffer][0 = real, 1 = imaginary][index] */
    _Alignas(4) int16_t fft_work[2][2][DSP_MICRO_MAX_CFFT + DSP_MICRO_FFT_PAD];
    /* real FFT output, bins 0..fft_size/2 */
    int16_t fft_re[DSP_MICRO_MAX_CFFT + DSP_MICRO_FFT_PAD];
    int16_t fft_im[DSP_MICRO_MAX_CFFT + DSP_MICRO_FFT_PAD];
    uint32_t energy[DSP_MICRO_MAX_CFFT + DSP_MICRO_FFT_PAD];
    uint32_t signal[DSP_MICRO_MAX_CHANNELS];
};

enum kws_status dsp_micro_init(struct dsp_micro_state *st, const struct dsp_micro_config *cfg,
                               char *err, size_t err_len);
/* Back to a fresh state (noise estimates zero, no buffered samples). */
void dsp_micro_reset(struct dsp_micro_state *st);
/* Streaming: consumes samples until max_frames frames are complete or the
 * input ends; *consumed (may be NULL when max_frames is large enough) says how
 * many samples were taken. Each frame is num_channels uint16 values written to
 * out_u16. Returns the number of frames written. */
size_t dsp_micro_feed(struct dsp_micro_state *st, const int16_t *samples, size_t n,
                      size_t *consumed, uint16_t *out_u16, size_t max_frames);
/* Frames a whole clip of n samples yields: floor((n - window) / step) + 1, or 0. */
size_t dsp_micro_frame_count(const struct dsp_micro_config *cfg, size_t n);
/* The micro_speech model-input conversion:
 * clamp(floor((u16 * 256 + 333) / 666) - 128, -128, 127). */
int8_t dsp_micro_to_int8(uint16_t v);
/* The same for n values (in[] and out[] do not overlap). */
void dsp_micro_to_int8_n(const uint16_t *in, int8_t *out, size_t n);
/* The frontend's AVX2 paths (x86; off under KWSCOPE_NO_SIMD): whether the
 * machine allows them, and switching them off or back on (tests and
 * benchmarks compare against the portable loops); returns whether they now
 * run. Results are the same either way, bit for bit. */
bool dsp_micro_simd_supported(void);
bool dsp_micro_simd_set(bool on);
/* Whole clip from a fresh state: allocates *out_u16 (frames x num_channels,
 * frame-major; free() it) and sets *frames. */
enum kws_status dsp_micro_clip(const struct dsp_micro_config *cfg, const int16_t *samples, size_t n,
                               uint16_t **out_u16, size_t *frames, char *err, size_t err_len);

#endif
