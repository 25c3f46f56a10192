/* kernels_m4.c: Cortex-M4 DSP-extension inner loops for the int8 kernels
 * (kernels_conv.c calls them when the compiler targets the DSP extension;
 * elsewhere this file compiles to nothing). SMLAD multiplies two int16
 * pairs and adds both products to an int32 in one instruction: the same
 * exact integer products and sums as the portable loops, so the results are
 * identical (integer addition is associative mod 2^32, and no partial sum
 * here comes near 2^31). tests/device/m4_dsp.sh pins them against the
 * portable kernels on QEMU's Cortex-M4. */
#include "models.h"

#if MDL_M4_DSP
#include <arm_acle.h>
#include <string.h>

/* Two adjacent int16 (or four int8) as one word; the M4 allows unaligned
 * LDR, and memcpy lets the compiler emit it without aliasing worries. */
static inline __attribute__((always_inline)) uint32_t ld32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Eight dot products of one int16 patch with eight channels' int16 weights
 * (channel c's at w + c * 96), taps a multiple of 8: two passes of four
 * channels (eight accumulators and their operands would not fit the M4's
 * registers), eight taps per step, the weights loaded two words at a time
 * (LDRD: word aligned, taps step by 8 bytes), the patch by single word
 * loads (it may be unaligned). */
#define DW_M4_STRIDE 96
typedef uint64_t dw_m4_u64 __attribute__((may_alias));

static inline __attribute__((always_inline)) int32_t dw_m4_mac4(uint64_t x, uint64_t w, int32_t s)
{
    s = __smlad((int16x2_t)(uint32_t)x, (int16x2_t)(uint32_t)w, s);
    return __smlad((int16x2_t)(uint32_t)(x >> 32), (int16x2_t)(uint32_t)(w >> 32), s);
}

/* Four dot products with the patch read in place: rows of 8 taps
 * at p + r * row_stride (unaligned word loads: the M4's LDR allows them),
 * channel c's weights for row r at w + c * 96 + r * 8 (word aligned). */
static void dw_m4_rows4(const int16_t *p, int row_stride, const int16_t *w, int rows, int32_t *acc)
{
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int r = 0; r < rows; r++, p += row_stride, w += 8) {
        uint64_t xa = ld32(p) | (uint64_t)ld32(p + 2) << 32;
        uint64_t xb = ld32(p + 4) | (uint64_t)ld32(p + 6) << 32;
        s0 = dw_m4_mac4(xa, *(const dw_m4_u64 *)w, s0);
        s0 = dw_m4_mac4(xb, *(const dw_m4_u64 *)(w + 4), s0);
        s1 = dw_m4_mac4(xa, *(const dw_m4_u64 *)(w + DW_M4_STRIDE), s1);
        s1 = dw_m4_mac4(xb, *(const dw_m4_u64 *)(w + DW_M4_STRIDE + 4), s1);
        s2 = dw_m4_mac4(xa, *(const dw_m4_u64 *)(w + 2 * DW_M4_STRIDE), s2);
        s2 = dw_m4_mac4(xb, *(const dw_m4_u64 *)(w + 2 * DW_M4_STRIDE + 4), s2);
        s3 = dw_m4_mac4(xa, *(const dw_m4_u64 *)(w + 3 * DW_M4_STRIDE), s3);
        s3 = dw_m4_mac4(xb, *(const dw_m4_u64 *)(w + 3 * DW_M4_STRIDE + 4), s3);
    }
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
}

void mdl_m4_dw1_dot8(const int16_t *p, const int16_t *w, int stride, int taps, int32_t *acc)
{
    if (stride == DW_M4_STRIDE && taps % 8 == 0 && (uintptr_t)w % 4 == 0) {
        /* a contiguous patch is rows of 8 taps, 8 apart */
        dw_m4_rows4(p, 8, w, taps / 8, acc);
        dw_m4_rows4(p, 8, w + 4 * DW_M4_STRIDE, taps / 8, acc + 4);
        return;
    }
    for (int c = 0; c < 8; c++) {
        int32_t s = 0;
        int t = 0;
        for (; t + 2 <= taps; t += 2)
            s = __smlad((int16x2_t)ld32(p + t), (int16x2_t)ld32(w + c * stride + t), s);
        for (; t < taps; t++) s += p[t] * w[c * stride + t];
        acc[c] = s;
    }
}

void mdl_m4_dw1_rows8(const int16_t *p, int row_stride, const int16_t *w, int stride, int rows,
                      int32_t *acc)
{
    if (stride == DW_M4_STRIDE && (uintptr_t)w % 4 == 0) {
        dw_m4_rows4(p, row_stride, w, rows, acc);
        dw_m4_rows4(p, row_stride, w + 4 * DW_M4_STRIDE, rows, acc + 4);
        return;
    }
    for (int c = 0; c < 8; c++) {
        int32_t s = 0;
        for (int r = 0; r < rows; r++)
            for (int t = 0; t < 8; t++) s += p[r * row_stride + t] * w[c * stride + r * 8 + t];
        acc[c] = s;
    }
}

/* Fully connected: acc[o] += sum_i x[i] * w[o * w_stride + i], i < len, for
 * o < n; x is int16 (input plus offset), w int8. Four weights are one word:
 * SXTB16 sign-extends bytes 0 and 2 to an int16 pair, and bytes 1 and 3 after
 * a rotate by 8, so the inputs are paired to match: (x0, x2) and (x1, x3),
 * built once per four inputs (PKHBT/PKHTB) and shared by two output rows. */
static inline __attribute__((always_inline)) int32_t fc_m4_quad(uint32_t xe, uint32_t xo,
                                                                uint32_t wv, int32_t s)
{
    s = __smlad((int16x2_t)xe, __sxtb16((int8x4_t)wv), s);
    return __smlad((int16x2_t)xo, __sxtb16((int8x4_t)((wv >> 8) | (wv << 24))), s);
}

static void fc_m4_rows2(const int16_t *x, const int8_t *w0, const int8_t *w1, int len, int32_t *a0,
                        int32_t *a1)
{
    int32_t s0 = 0, s1 = 0;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t x01 = ld32(x + i), x23 = ld32(x + i + 2);
        uint32_t xe = (x01 & 0xFFFFu) | (x23 << 16);     /* (x0, x2) */
        uint32_t xo = (x01 >> 16) | (x23 & 0xFFFF0000u); /* (x1, x3) */
        s0 = fc_m4_quad(xe, xo, ld32(w0 + i), s0);
        s1 = fc_m4_quad(xe, xo, ld32(w1 + i), s1);
    }
    for (; i < len; i++) {
        s0 += x[i] * w0[i];
        s1 += x[i] * w1[i];
    }
    *a0 += s0;
    *a1 += s1;
}

void mdl_m4_fc_acc(const int16_t *x, const int8_t *w, size_t w_stride, int len, int n, int32_t *acc)
{
    int o = 0;
    for (; o + 2 <= n; o += 2)
        fc_m4_rows2(x, w + (size_t)o * w_stride, w + (size_t)(o + 1) * w_stride, len, &acc[o],
                    &acc[o + 1]);
    if (o < n) {
        int32_t spare = 0;
        fc_m4_rows2(x, w + (size_t)o * w_stride, w + (size_t)o * w_stride, len, &acc[o], &spare);
    }
}
#endif
