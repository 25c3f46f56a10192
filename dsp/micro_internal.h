/* micro_internal.h: the stages of the fixed-point micro frontend, shared
 * between dsp/micro_*.c only. Each stage has an init part (tables, may use
 * floating point) and an integer-only per-frame part; each reproduces the
 * TFLM frontend stage of the same name bit for bit. */
#ifndef DSP_MICRO_INTERNAL_H
#define DSP_MICRO_INTERNAL_H

#include "dsp.h"

/* The per-frame loops are written for GCC's -O2 vectoriser: fixed blocks of
 * 8 (so no scalar epilogue is needed, which its cost model insists on) in
 * out-of-line functions whose restrict parameters tell it that the streams
 * do not overlap (inlined, the restrict would be lost), around small
 * helpers that must be inlined. Other compilers get plain C. When
 * optimising for size (the board's -Os, no vector unit to feed), the block
 * loops are compiled out and the plain loops that follow them do all the
 * work: same results, half the code. */
#if defined(__OPTIMIZE_SIZE__)
#define MICRO_BLOCKS 0
#else
#define MICRO_BLOCKS 1
#endif
#if defined(__GNUC__)
#define MICRO_INLINE static inline __attribute__((always_inline))
#define MICRO_NOINLINE static __attribute__((noinline))
#else
#define MICRO_INLINE static inline
#define MICRO_NOINLINE static
#endif

/* AVX2 versions of the hottest loops (micro_x86.c), x86 with GCC or Clang
 * only; micro_simd says whether they run (CPU support, KWSCOPE_NO_SIMD,
 * dsp_micro_simd_set). Elsewhere (the board) nothing refers to them. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define MICRO_X86 1
bool micro_simd(void);
void micro_x86_run4(const int16_t *const *x, int16_t *const *y, int count, const int16_t *wr,
                    const int16_t *wi, ptrdiff_t tl, const struct dsp_micro_cpx *wc);
void micro_x86_split(const int16_t *pr, const int16_t *pi, const int16_t *qr, const int16_t *qi,
                     const int16_t *wr, const int16_t *wi, int16_t *fr, int16_t *fi, int count,
                     int high);
int micro_x86_window(const int16_t *x, const int16_t *w, int16_t *out, int n);
void micro_x86_deinterleave(const int16_t *in, int16_t *zr, int16_t *zi, int n);
void micro_x86_reverse(const int16_t *x, int16_t *y, int n);
#else
#define MICRO_X86 0
#endif

/* Bit length of x (MSB(0) = 0). */
static inline int micro_msb32(uint32_t x)
{
#if defined(__GNUC__)
    return x ? 32 - __builtin_clz(x) : 0;
#else
    int n = 0;
    while (x) {
        n++;
        x >>= 1;
    }
    return n;
#endif
}

/* Wrap an int to int16 the way the reference's int16 stores do (two's
 * complement). The conversion of an out-of-range value is implementation-
 * defined in C11; GCC and Clang (host and arm-none-eabi) define it as modulo
 * 2^16, which is what the reference relies on too. Right shifts of negative
 * values are likewise arithmetic on these compilers. */
static inline int16_t micro_wrap16(int32_t x)
{
    return (int16_t)x;
}

/* Cortex-M4 DSP-extension loops (micro_m4.c); -DKWS_NO_M4_DSP keeps the
 * portable ones. */
#if defined(__ARM_FEATURE_DSP) && !defined(KWS_NO_M4_DSP)
#define MICRO_M4_DSP 1
int micro_m4_window(const int16_t *x, const int16_t *w, int16_t *out, int n);
void micro_m4_energy(const int16_t *re, const int16_t *im, uint32_t *energy, int n);
/* radix-4 butterflies j < count, two at a time; returns how many it ran.
 * Twiddle q of butterfly j: wr/wi[(q - 1) tl + j] (per_j) or [q - 1]. */
int micro_m4_bfly4(const int16_t *const x[8], int16_t *const y[8], int count, const int16_t *wr,
                   const int16_t *wi, ptrdiff_t tl, int per_j);
/* micro_m4_fft.c: the whole real FFT of fft_in (its first window_size
 * samples shifted left by shift as uint16, the rest zero) into fft_re /
 * fft_im, for the sizes micro_m4_fft_fits accepts. */
bool micro_m4_fft_fits(const struct dsp_micro_state *st);
void micro_m4_fft_real(struct dsp_micro_state *st, int shift);
#else
#define MICRO_M4_DSP 0
#endif

/* window: Q12 Hann table; apply to input[], returns max |windowed|. */
void micro_window_init(struct dsp_micro_state *st);
int micro_window_apply(const struct dsp_micro_state *st, int16_t *out);

/* FFT: twiddle tables; the real FFT of st->fft_in (fft_size int16) into
 * st->fft_re / st->fft_im (fft_size/2 + 1 bins). Uses st->fft_work. */
enum kws_status micro_fft_init(struct dsp_micro_state *st, char *err, size_t err_len);
void micro_fft_real(struct dsp_micro_state *st);

/* The layout a stage with sub-size m and L output offsets runs in: k-major
 * ([k][o]) while L >= m, o-major ([o][k]) after (micro_fft.c's DESIGN). The
 * plan and the transform must agree on it. */
MICRO_INLINE int micro_fft_stage_k_major(int m, int L)
{
    return L >= m;
}

/* filterbank: bin -> segment and Q12 weights; energies of st->fft_re/_im to
 * st->signal (num_channels values, already square-rooted and shifted). */
enum kws_status micro_filterbank_init(struct dsp_micro_state *st, char *err, size_t err_len);
void micro_filterbank_apply(struct dsp_micro_state *st, int input_shift);
uint32_t micro_sqrt64_round(uint64_t n);

/* noise reduction on st->signal, updating st->estimate. */
void micro_noise_init(struct dsp_micro_state *st);
void micro_noise_apply(struct dsp_micro_state *st);

/* PCAN gain control on st->signal using st->estimate. */
void micro_pcan_init(struct dsp_micro_state *st);
int16_t micro_pcan_gain(const int16_t *lut, uint32_t x);
void micro_pcan_apply(struct dsp_micro_state *st);

/* log scale: st->signal to uint16 output. */
void micro_log_init(struct dsp_micro_state *st);
uint32_t micro_log_value(const uint16_t *lut, uint32_t value, int scale_shift);
void micro_log_apply(const struct dsp_micro_state *st, uint16_t *out);

#endif
