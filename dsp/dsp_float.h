/* dsp_float.h: private helpers shared by the float-analysis files of dsp/
 * (not part of the public API in dsp.h).
 *
 * One power-spectrum engine (window + r2c FFT + |X|^2) is used by both the
 * whole-clip path and the streaming STFT, so the two give bit-identical
 * frames for the same samples. */
#ifndef DSP_FLOAT_H
#define DSP_FLOAT_H

#include <fftw3.h>

#include "dsp.h"

/* A plan for an n-point single-precision r2c FFT, made once per size and kept
 * for the life of the process (FFTW_ESTIMATE: planning costs microseconds and
 * needs no scratch writes). Thread-safe. NULL if FFTW cannot plan. The plan
 * is made on fftwf_malloc'd arrays, so any fftwf_malloc'd in/out pair of the
 * same size may be passed to fftwf_execute_dft_r2c. */
fftwf_plan dsp_fft_plan_r2c(int n);

/* Window + FFT + power for one frame of n_fft int16 samples. */
struct dsp_power_engine {
    int n_fft;
    fftwf_plan plan;    /* cached, not owned */
    float *window;      /* n_fft: Hann centred, zeros outside, times 1/32768 */
    float *in;          /* fftwf_malloc'd, n_fft */
    fftwf_complex *out; /* fftwf_malloc'd, n_fft/2 + 1 */
};
enum kws_status dsp_power_engine_init(struct dsp_power_engine *e, const struct dsp_stft_config *cfg,
                                      char *err, size_t err_len);
void dsp_power_engine_free(struct dsp_power_engine *e);
/* power_out gets n_fft/2 + 1 values |X_k|^2 of frame x[0..n_fft) / 32768. */
void dsp_power_frame(struct dsp_power_engine *e, const int16_t *x, float *power_out);

#endif
