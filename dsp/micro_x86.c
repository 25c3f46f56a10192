/* micro_x86.c: AVX2 versions of the micro frontend's hottest per-frame
 * loops (window, radix-4 FFT butterflies, the real-FFT split step), 16
 * int16 lanes at a time, bit-exact with the portable loops in
 * micro_window.c / micro_fft.c, which stay the reference
 * (tests/dsp/test_micro_oracle.c runs both). Used when the CPU has AVX2
 * and KWSCOPE_NO_SIMD is not set; the portable loops run the rest (counts
 * that are not a multiple of 16, radix 2). The operations map one to one:
 *  - qmul(a, k) = (a k + 2^14) >> 15 is pmulhrsw(a, k) exactly (it computes
 *    ((a k >> 14) + 1) >> 1 in 32 bits);
 *  - a complex multiply's int32 sums come from pmaddwd on (re, im) pairs
 *    against (wr, -wi) and (wi, wr) (|w| <= 32767, so -wi fits), then
 *    (sum + 2^14) >> 15 wrapped to int16 is bits 15..30 of the rounded sum:
 *    (v << 1) >> 16 arithmetically, which packssdw then leaves unchanged;
 *  - the split step's (a + b) >> 1 and (a - b) >> 1 of int16 values are
 *    computed without widening: (a & b) + ((a ^ b) >> 1), and
 *    (a >> 1) - (b >> 1) - (~a & b & 1).
 * Functions carry target attributes; the rest of the build keeps the
 * baseline instruction set. */
#include <stdatomic.h>
#include <stdlib.h>

#include "micro_internal.h"

static atomic_int simd_on = -1;

static bool cpu_avx2(void)
{
#if MICRO_X86
    const char *e = getenv("KWSCOPE_NO_SIMD");
    if (e && *e && !(e[0] == '0' && e[1] == '\0')) return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

bool dsp_micro_simd_supported(void)
{
    return cpu_avx2();
}

bool micro_simd(void)
{
    int on = atomic_load_explicit(&simd_on, memory_order_relaxed);
    if (on < 0) {
        on = cpu_avx2();
        atomic_store_explicit(&simd_on, on, memory_order_relaxed);
    }
    return on;
}

bool dsp_micro_simd_set(bool on)
{
    bool l = on && cpu_avx2();
    atomic_store_explicit(&simd_on, l, memory_order_relaxed);
    return l;
}

#if MICRO_X86
#include <immintrin.h>

#define X86 __attribute__((target("avx2")))
#define X86_INLINE __attribute__((target("avx2"), always_inline)) static inline

typedef __m256i v16;

X86_INLINE v16 ld(const int16_t *p)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}
X86_INLINE void st(int16_t *p, v16 v)
{
    _mm256_storeu_si256((__m256i *)(void *)p, v);
}

/* int32 rounded sums -> int16, wrapped (bits 15..30 of v + 2^14). */
X86_INLINE v16 narrow(v16 lo, v16 hi)
{
    const v16 r = _mm256_set1_epi32(16384);
    lo = _mm256_srai_epi32(_mm256_slli_epi32(_mm256_add_epi32(lo, r), 1), 16);
    hi = _mm256_srai_epi32(_mm256_slli_epi32(_mm256_add_epi32(hi, r), 1), 16);
    return _mm256_packs_epi32(lo, hi);
}

/* (ar + i ai)(wr + i wi), each part rounded once, as cmul_r / cmul_i. wre
 * and wim are the twiddle pairs (wr, -wi) and (wi, wr), low and high
 * halves as unpacklo / unpackhi order them. */
struct x86_tw {
    v16 re_lo, re_hi, im_lo, im_hi;
};

X86_INLINE struct x86_tw tw_pairs(v16 wr, v16 wi)
{
    v16 nwi = _mm256_sub_epi16(_mm256_setzero_si256(), wi);
    struct x86_tw t = { _mm256_unpacklo_epi16(wr, nwi), _mm256_unpackhi_epi16(wr, nwi),
                        _mm256_unpacklo_epi16(wi, wr), _mm256_unpackhi_epi16(wi, wr) };
    return t;
}

X86_INLINE void cmul(v16 ar, v16 ai, const struct x86_tw *w, v16 *tr, v16 *ti)
{
    v16 lo = _mm256_unpacklo_epi16(ar, ai), hi = _mm256_unpackhi_epi16(ar, ai);
    *tr = narrow(_mm256_madd_epi16(lo, w->re_lo), _mm256_madd_epi16(hi, w->re_hi));
    *ti = narrow(_mm256_madd_epi16(lo, w->im_lo), _mm256_madd_epi16(hi, w->im_hi));
}

/* One block of 16 radix-4 butterflies (bfly4 in micro_fft.c). */
X86_INLINE void bfly4x16(const int16_t *const *x, int16_t *const *y, ptrdiff_t j,
                         const struct x86_tw *w1, const struct x86_tw *w2, const struct x86_tw *w3)
{
    const v16 k = _mm256_set1_epi16(8191);
    v16 a0r = _mm256_mulhrs_epi16(ld(x[0] + j), k), a0i = _mm256_mulhrs_epi16(ld(x[1] + j), k);
    v16 a1r = _mm256_mulhrs_epi16(ld(x[2] + j), k), a1i = _mm256_mulhrs_epi16(ld(x[3] + j), k);
    v16 a2r = _mm256_mulhrs_epi16(ld(x[4] + j), k), a2i = _mm256_mulhrs_epi16(ld(x[5] + j), k);
    v16 a3r = _mm256_mulhrs_epi16(ld(x[6] + j), k), a3i = _mm256_mulhrs_epi16(ld(x[7] + j), k);
    v16 t1r, t1i, t2r, t2i, t3r, t3i;
    cmul(a1r, a1i, w1, &t1r, &t1i);
    cmul(a2r, a2i, w2, &t2r, &t2i);
    cmul(a3r, a3i, w3, &t3r, &t3i);
    v16 ur = _mm256_sub_epi16(a0r, t2r), ui = _mm256_sub_epi16(a0i, t2i);
    v16 vr = _mm256_add_epi16(a0r, t2r), vi = _mm256_add_epi16(a0i, t2i);
    v16 sr = _mm256_add_epi16(t1r, t3r), si = _mm256_add_epi16(t1i, t3i);
    v16 dr = _mm256_sub_epi16(t1r, t3r), di = _mm256_sub_epi16(t1i, t3i);
    st(y[0] + j, _mm256_add_epi16(vr, sr));
    st(y[1] + j, _mm256_add_epi16(vi, si));
    st(y[4] + j, _mm256_sub_epi16(vr, sr));
    st(y[5] + j, _mm256_sub_epi16(vi, si));
    st(y[2] + j, _mm256_add_epi16(ur, di));
    st(y[3] + j, _mm256_sub_epi16(ui, dr));
    st(y[6] + j, _mm256_sub_epi16(ur, di));
    st(y[7] + j, _mm256_add_epi16(ui, dr));
}

/* A run of count butterflies (count a multiple of 16). x, y: rows q = 0..3
 * as (re, im) pointer pairs. Twiddles: per butterfly from wr/wi
 * ([q - 1][j], rows tl apart) when wr is set, else the constant wc[0..2]
 * (w^0 = (32767, 0) included: its multiply is the identity on these
 * operands, as micro_fft.c shows, so bfly4_w0's results come out). */
X86 void micro_x86_run4(const int16_t *const *x, int16_t *const *y, int count, const int16_t *wr,
                        const int16_t *wi, ptrdiff_t tl, const struct dsp_micro_cpx *wc)
{
    struct x86_tw w1, w2, w3;
    if (!wr) {
        w1 = tw_pairs(_mm256_set1_epi16(wc[0].r), _mm256_set1_epi16(wc[0].i));
        w2 = tw_pairs(_mm256_set1_epi16(wc[1].r), _mm256_set1_epi16(wc[1].i));
        w3 = tw_pairs(_mm256_set1_epi16(wc[2].r), _mm256_set1_epi16(wc[2].i));
    }
    for (ptrdiff_t j = 0; j < count; j += 16) {
        if (wr) {
            w1 = tw_pairs(ld(wr + j), ld(wi + j));
            w2 = tw_pairs(ld(wr + tl + j), ld(wi + tl + j));
            w3 = tw_pairs(ld(wr + 2 * tl + j), ld(wi + 2 * tl + j));
        }
        bfly4x16(x, y, j, &w1, &w2, &w3);
    }
}

/* floor((a + b) / 2) and floor((a - b) / 2) of int16 lanes, exactly. */
X86_INLINE v16 half_sum(v16 a, v16 b)
{
    return _mm256_add_epi16(_mm256_and_si256(a, b), _mm256_srai_epi16(_mm256_xor_si256(a, b), 1));
}

X86_INLINE v16 half_diff(v16 a, v16 b)
{
    v16 borrow = _mm256_and_si256(_mm256_andnot_si256(a, b), _mm256_set1_epi16(1));
    return _mm256_sub_epi16(_mm256_sub_epi16(_mm256_srai_epi16(a, 1), _mm256_srai_epi16(b, 1)),
                            borrow);
}

/* split_low / split_high (split_one in micro_fft.c), count a multiple of 16. */
X86 void micro_x86_split(const int16_t *pr_, const int16_t *pi_, const int16_t *qr_,
                         const int16_t *qi_, const int16_t *wr, const int16_t *wi, int16_t *fr,
                         int16_t *fi, int count, int high)
{
    const v16 k = _mm256_set1_epi16(16383), zero = _mm256_setzero_si256();
    for (ptrdiff_t j = 0; j < count; j += 16) {
        v16 pr = _mm256_mulhrs_epi16(ld(pr_ + j), k), pi = _mm256_mulhrs_epi16(ld(pi_ + j), k);
        v16 qr = _mm256_mulhrs_epi16(ld(qr_ + j), k);
        v16 qi = _mm256_mulhrs_epi16(_mm256_sub_epi16(zero, ld(qi_ + j)), k);
        v16 f1r = _mm256_add_epi16(pr, qr), f1i = _mm256_add_epi16(pi, qi);
        v16 f2r = _mm256_sub_epi16(pr, qr), f2i = _mm256_sub_epi16(pi, qi);
        struct x86_tw w = tw_pairs(ld(wr + j), ld(wi + j));
        v16 tr, ti;
        cmul(f2r, f2i, &w, &tr, &ti);
        if (!high) {
            st(fr + j, half_sum(f1r, tr));
            st(fi + j, half_sum(f1i, ti));
        } else {
            st(fr + j, half_diff(f1r, tr));
            st(fi + j, half_diff(ti, f1i));
        }
    }
}

/* window_run: (x w) >> 12 as int16 is (hi << 4) | (lo >> 12) of the 32-bit
 * product; |v| with the int16 wrap of -32768 (pabsw leaves it negative, so
 * it never wins the signed max, as in the portable loop). */
X86 int micro_x86_window(const int16_t *x, const int16_t *w, int16_t *out, int n)
{
    v16 m = _mm256_setzero_si256();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        v16 a = ld(x + i), b = ld(w + i);
        v16 v = _mm256_or_si256(_mm256_slli_epi16(_mm256_mulhi_epi16(a, b), 4),
                                _mm256_srli_epi16(_mm256_mullo_epi16(a, b), 12));
        st(out + i, v);
        m = _mm256_max_epi16(m, _mm256_abs_epi16(v));
    }
    __m128i h = _mm_max_epi16(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1));
    h = _mm_max_epi16(h, _mm_shuffle_epi32(h, 0x4E));
    h = _mm_max_epi16(h, _mm_shuffle_epi32(h, 0xB1));
    h = _mm_max_epi16(h, _mm_shufflelo_epi16(h, 0xB1));
    int16_t max_abs = (int16_t)_mm_extract_epi16(h, 0);
    for (; i < n; i++) {
        int16_t v = (int16_t)(((int32_t)x[i] * w[i]) >> 12);
        out[i] = v;
        int16_t a = v < 0 ? (int16_t)-v : v;
        max_abs = a > max_abs ? a : max_abs;
    }
    return max_abs;
}
/* deinterleave (micro_fft.c): complex sample j = (in[2 j], in[2 j + 1]);
 * n a multiple of 16. */
X86 void micro_x86_deinterleave(const int16_t *in, int16_t *zr, int16_t *zi, int n)
{
    /* within each 128-bit lane: the 4 even int16 first, then the 4 odd */
    const v16 sh = _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15, 0, 1, 4,
                                    5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15);
    for (int j = 0; j < n; j += 16) {
        v16 a = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(ld(in + 2 * j), sh), 0xD8);
        v16 b = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(ld(in + 2 * j + 16), sh), 0xD8);
        st(zr + j, _mm256_permute2x128_si256(a, b, 0x20));
        st(zi + j, _mm256_permute2x128_si256(a, b, 0x31));
    }
}

/* reverse (micro_fft.c): y[j] = x[-j], j < n, n a multiple of 16. */
X86 void micro_x86_reverse(const int16_t *x, int16_t *y, int n)
{
    const v16 sh = _mm256_setr_epi8(14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1, 14, 15,
                                    12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1);
    for (int j = 0; j < n; j += 16)
        st(y + j, _mm256_permute4x64_epi64(_mm256_shuffle_epi8(ld(x - j - 15), sh), 0x4E));
}
#endif
