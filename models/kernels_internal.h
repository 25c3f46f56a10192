/* kernels_internal.h: what the int8 kernel files share (models/kernels_*.c
 * only): the inlined requantisation, the one-input-channel depthwise
 * geometry and staging, and the target-specific paths with their dispatch.
 * The portable C in kernels_conv.c / kernels_dw1.c is the reference every
 * target-specific path is pinned against (tests/models/test_kernel_fast.c);
 * a target path may decline a call (returns false) and the portable code
 * then runs it. */
#ifndef MDL_KERNELS_INTERNAL_H
#define MDL_KERNELS_INTERNAL_H

#include <string.h>

#include "models.h"

#define ACC_BLOCK 64

/* Vectorisation hint for the hot loops. gcc's -O2 vectoriser uses its
 * "very cheap" cost model, which refuses any loop whose trip count is not a
 * compile-time multiple of the vector length (so a runtime-length int16 dot
 * product stays scalar); the dynamic model (-O3's) vectorises it with pmaddwd
 * on x86-64 or the NEON equivalents. Only the cost model changes: no option
 * that alters arithmetic. Other compilers (clang vectorises at -O2 anyway)
 * and targets without SIMD (Cortex-M4) get plain C. Loop distribution is
 * kept from turning the 16-byte patch copies into memcpy calls. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__INTEL_COMPILER) && \
    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__ARM_NEON__))
#define KERN_HOT \
    __attribute__((optimize("vect-cost-model=dynamic", "no-tree-loop-distribute-patterns")))
#else
#define KERN_HOT
#endif

/* MultiplyByQuantizedMultiplier exactly as quant.c's mdl_mbqm (same
 * expressions, same wrap-free int64/uint32 arithmetic), here so the
 * compiler can inline it into the per-output loops: it is called once per
 * output value (4000 times per TinyConv inference), and a call through
 * three out-of-line functions cost as much as the requantised arithmetic.
 * tests/models/test_kernel_fast.c pins it against mdl_mbqm. */
static inline int32_t mbqm(int32_t x, int32_t mult, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int32_t a = (int32_t)((uint32_t)x << left);
    int32_t hi; /* SaturatingRoundingDoublingHighMul */
    if (a == mult && a == INT32_MIN) {
        hi = INT32_MAX;
    } else {
        int64_t ab = (int64_t)a * (int64_t)mult;
        int64_t nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
        hi = (int32_t)((ab + nudge) / (1LL << 31));
    }
    if (right <= 0) /* RoundingDivideByPOT */
        return hi;
    if (right > 31) right = 31;
    int32_t mask = (int32_t)((1LL << right) - 1);
    int32_t remainder = hi & mask;
    int32_t threshold = (mask >> 1) + (hi < 0 ? 1 : 0);
    return (hi >> right) + (remainder > threshold ? 1 : 0);
}

static inline int8_t requant_with(int32_t acc, int32_t mult, int shift, const struct mdl_rq *q)
{
    int32_t v = mbqm(acc, mult, shift) + q->out_offset;
    if (v < q->act_min) v = q->act_min;
    if (v > q->act_max) v = q->act_max;
    return (int8_t)v;
}

/* mbqm with one channel's shift decoded once: left/right shifts, and the
 * RoundingDivideByPOT mask (2^right - 1, right capped at 31) and half-mask.
 * With right = 0 the mask is 0 and the rounding term is 0 > threshold,
 * false, so no branch is needed; the one overflowing product
 * (INT32_MIN * INT32_MIN) is excluded by the caller, which uses mbqm for a
 * multiplier of INT32_MIN. Same operations, same results as mdl_mbqm. */
struct rq_ch {
    int32_t mult, mask, half;
    int left, right;
};

static inline void rq_ch_init(struct rq_ch *r, int32_t mult, int shift)
{
    r->mult = mult;
    r->left = shift > 0 ? shift : 0;
    r->right = shift > 0 ? 0 : -shift;
    if (r->right > 31) r->right = 31;
    r->mask = (int32_t)((1LL << r->right) - 1);
    r->half = r->mask >> 1;
}

static inline int8_t requant_ch(int32_t acc, const struct rq_ch *r, int left, int32_t out_offset,
                                int32_t act_min, int32_t act_max)
{
    int32_t a = (int32_t)((uint32_t)acc << left);
    int64_t ab = (int64_t)a * (int64_t)r->mult;
    /* TFLM's (ab + nudge) / 2^31 with nudge 2^30 (ab >= 0) or 1 - 2^30,
     * truncated: for ab < 0 that is ceil((ab + 1 - 2^30) / 2^31) =
     * floor((ab + 2^30) / 2^31), the same floor as for ab >= 0, so one
     * add and an arithmetic shift (no 64-bit division, no branch) */
    int32_t hi = (int32_t)((ab + (1LL << 30)) >> 31);
    int32_t threshold = r->half + (hi < 0 ? 1 : 0);
    int32_t v = (hi >> r->right) + ((hi & r->mask) > threshold ? 1 : 0) + out_offset;
    if (v < act_min) v = act_min;
    if (v > act_max) v = act_max;
    return (int8_t)v;
}

static inline int8_t requant(int32_t acc, const struct mdl_rq *q, int oc)
{
    int idx = q->per_channel ? oc : 0;
    return requant_with(acc, q->mult[idx], q->shift[idx], q);
}

/* One input channel depthwise (kernels_dw1.c); see dw1_portable. */
#define DW1_CH 8
#define DW1_TAPS 96  /* k_h * kw8; TinyConv: 10 * 8 = 80 */
#define DW1_BAND 512 /* k_h * band width; TinyConv: 10 * 46 */

struct dw1 {
    int kw8, taps, bw; /* padded kernel width, k_h * kw8, band row width */
};

bool mdl_dw1_fits(const struct mdl_conv_geom *g, struct dw1 *d);
void mdl_dw1_band_row(const struct mdl_conv_geom *g, const int8_t *restrict src, int iy, int bw,
                      int32_t in_offset, int16_t *restrict row);
void mdl_dw1_portable(const struct mdl_conv_geom *g, const struct dw1 *d, const struct mdl_rq *q,
                      const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out);

/* x86 paths are built only for x86 with GCC or Clang (target attributes,
 * <immintrin.h>); elsewhere the kernels call none of them. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define MDL_KERN_X86 1
#else
#define MDL_KERN_X86 0
#endif

/* Target-specific paths (kernels_x86.c, kernels_x86_dw1.h). mdl_simd_active
 * is the level in use (simd.c: the CPU's best unless KWSCOPE_NO_SIMD is set
 * or mdl_simd_set chose a lower one). */
enum mdl_simd mdl_simd_active(void);
bool mdl_dw1_x86(enum mdl_simd level, const struct mdl_conv_geom *g, const struct dw1 *d,
                 const struct mdl_rq *q, const int8_t *in, const int8_t *w, const int32_t *bias,
                 int8_t *out);
bool mdl_fc_x86(enum mdl_simd level, int rows, int in_n, int out_n, const struct mdl_rq *q,
                const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out);

#endif
