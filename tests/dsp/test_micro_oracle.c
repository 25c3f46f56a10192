/* test_micro_oracle.c: the optimised micro frontend stages against plain
 * reference versions kept here (the straightforward code they replaced:
 * kissfft-order in-place FFT with an input permutation, per-bin filterbank
 * accumulation, bit-by-bit rounded square root, branchy PCAN and log
 * shifts), bit for bit, on random and extreme inputs and on every FFT size
 * the state supports. The conformance test pins the pipeline to TFLM on real
 * audio; this one reaches the int16 wraps and corner values that audio
 * rarely does. Needs nothing from ../shared. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dsp.h"
#include "micro_internal.h"
#include "test.h"

static struct dsp_micro_state st;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ---- reference FFT (kissfft v130 order, in place) ---------------------- */
typedef struct dsp_micro_cpx cpx;

static int16_t r_qmul(int32_t a, int32_t b)
{
    return (int16_t)((a * b + 16384) >> 15);
}
static cpx r_cdiv(cpx x, int32_t k)
{
    cpx y = { r_qmul(x.r, k), r_qmul(x.i, k) };
    return y;
}
static cpx r_cmul(cpx a, cpx w)
{
    cpx y = { (int16_t)(((int32_t)a.r * w.r - (int32_t)a.i * w.i + 16384) >> 15),
              (int16_t)(((int32_t)a.r * w.i + (int32_t)a.i * w.r + 16384) >> 15) };
    return y;
}
static cpx r_add(cpx a, cpx b)
{
    cpx y = { (int16_t)(a.r + b.r), (int16_t)(a.i + b.i) };
    return y;
}
static cpx r_sub(cpx a, cpx b)
{
    cpx y = { (int16_t)(a.r - b.r), (int16_t)(a.i - b.i) };
    return y;
}

static void r_perm(uint16_t *perm, int n, int offset, int stride, const int *f, int nf)
{
    if (nf == 0 || n == 1) {
        perm[0] = (uint16_t)offset;
        return;
    }
    int p = f[0], m = n / p;
    for (int q = 0; q < p; q++)
        r_perm(perm + q * m, m, offset + q * stride, stride * p, f + 1, nf - 1);
}

/* real FFT of in (2 n samples) into out (n + 1 bins), from st's tables */
static void ref_fft(const int16_t *in, cpx *z)
{
    int n = st.cfft_size, outer[8], nf = 0;
    for (int r = n; r > 1;) {
        int p = (r % 4 == 0) ? 4 : 2;
        outer[nf++] = p;
        r /= p;
    }
    static uint16_t perm[DSP_MICRO_MAX_CFFT];
    r_perm(perm, n, 0, 1, outer, nf);
    for (int i = 0; i < n; i++) {
        z[i].r = in[2 * perm[i]];
        z[i].i = in[2 * perm[i] + 1];
    }
    const cpx *tw = st.twiddle;
    int m = 1;
    for (int s = nf - 1; s >= 0; s--) {
        int p = outer[s], len = p * m, fs = n / len;
        for (int b = 0; b < n; b += len) {
            cpx *f = z + b;
            for (int k = 0; k < m; k++) {
                if (p == 4) {
                    cpx x0 = r_cdiv(f[k], 8191), x1 = r_cdiv(f[k + m], 8191);
                    cpx x2 = r_cdiv(f[k + 2 * m], 8191), x3 = r_cdiv(f[k + 3 * m], 8191);
                    cpx t1 = r_cmul(x1, tw[k * fs]), t2 = r_cmul(x2, tw[2 * k * fs]);
                    cpx t3 = r_cmul(x3, tw[3 * k * fs]);
                    cpx u = r_sub(x0, t2);
                    x0 = r_add(x0, t2);
                    cpx sm = r_add(t1, t3), d = r_sub(t1, t3);
                    f[k + 2 * m] = r_sub(x0, sm);
                    f[k] = r_add(x0, sm);
                    f[k + m].r = (int16_t)(u.r + d.i);
                    f[k + m].i = (int16_t)(u.i - d.r);
                    f[k + 3 * m].r = (int16_t)(u.r - d.i);
                    f[k + 3 * m].i = (int16_t)(u.i + d.r);
                } else {
                    cpx a = r_cdiv(f[k], 16383), bb = r_cdiv(f[k + m], 16383);
                    cpx t = r_cmul(bb, tw[k * fs]);
                    f[k + m] = r_sub(a, t);
                    f[k] = r_add(a, t);
                }
            }
        }
        m = len;
    }
    cpx dc = r_cdiv(z[0], 16383);
    z[n].r = (int16_t)(dc.r - dc.i);
    z[n].i = 0;
    z[0].r = (int16_t)(dc.r + dc.i);
    z[0].i = 0;
    for (int k = 1; k <= n / 2; k++) {
        cpx fpk = r_cdiv(z[k], 16383);
        cpx nk = { z[n - k].r, (int16_t)-z[n - k].i };
        cpx fpnk = r_cdiv(nk, 16383);
        cpx f1 = r_add(fpk, fpnk), f2 = r_sub(fpk, fpnk);
        cpx sw = { st.split_tw_r[k], st.split_tw_i[k] };
        cpx t = r_cmul(f2, sw);
        z[k].r = (int16_t)((f1.r + t.r) >> 1);
        z[k].i = (int16_t)((f1.i + t.i) >> 1);
        z[n - k].r = (int16_t)((f1.r - t.r) >> 1);
        z[n - k].i = (int16_t)((t.i - f1.i) >> 1);
    }
}

/* ---- reference scalar stages ------------------------------------------- */
static uint32_t ref_sqrt(uint64_t n)
{
    uint64_t rem = n, res = 0;
    if (n == 0) return 0;
    int top = (n >> 32) ? 32 + micro_msb32((uint32_t)(n >> 32)) - 1 : micro_msb32((uint32_t)n) - 1;
    for (uint64_t bit = (uint64_t)1 << (top & ~1); bit; bit >>= 2) {
        if (rem >= res + bit) {
            rem -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
    }
    uint64_t cap = (n >> 32) ? 0xFFFFFFFFu : 0xFFFFu;
    if (rem > res && res != cap) res++;
    return (uint32_t)res;
}

static void ref_filterbank(const cpx *z, int shift, uint32_t *out)
{
    uint64_t work[DSP_MICRO_MAX_CHANNELS + 2] = { 0 };
    for (int b = st.start_bin; b < st.end_bin; b++) {
        uint32_t e = (uint32_t)((int32_t)z[b].r * z[b].r) + (uint32_t)((int32_t)z[b].i * z[b].i);
        uint64_t e64 = (e & 0x80000000u) ? (uint64_t)e | 0xFFFFFFFF00000000u : e;
        work[st.seg[b]] += (uint64_t)st.weight_q12[b] * e64;
        work[st.seg[b] + 1] += (uint64_t)st.unweight_q12[b] * e64;
    }
    for (int i = 0; i < st.cfg.num_channels; i++) out[i] = ref_sqrt(work[i + 1]) >> shift;
}

static int16_t ref_pcan_gain(uint32_t x)
{
    if (x <= 2) return st.gain_lut[x];
    int v = micro_msb32(x);
    const int16_t *l = st.gain_lut + 4 * v - 6;
    int32_t frac = (int32_t)((v < 11 ? x << (11 - v) : x >> (v - 11)) & 0x3FF);
    int32_t r = (l[2] * frac) >> 5;
    r += (int32_t)((uint32_t)(int32_t)l[1] << 5);
    r *= frac;
    r = (r + 16384) >> 15;
    return (int16_t)(r + l[0]);
}

static uint32_t ref_log(uint32_t value, int scale_shift)
{
    if (value <= 1) return 0;
    int n = micro_msb32(value) - 1;
    int32_t frac = (int32_t)(value - ((uint32_t)1 << n));
    frac = n < 16 ? frac << (16 - n) : frac >> (n - 16);
    int seg = frac >> 9;
    int32_t c0 = st.log_lut[seg], c1 = st.log_lut[seg + 1];
    int32_t rel = ((c1 - c0) * (frac - 512 * seg)) >> 16;
    uint32_t log2v = ((uint32_t)n << 16) + (uint32_t)(frac + c0 + rel);
    uint32_t ln = (uint32_t)(((uint64_t)45426 * log2v + 32768) >> 16);
    return ((ln << scale_shift) + 32768) >> 16;
}

/* ---- checks ------------------------------------------------------------ */
static int16_t sample(int kind, int i, int trial)
{
    switch (kind) {
    case 0: return (int16_t)(rnd() & 0xFFFF);
    case 1: return (rnd() & 1) ? 32767 : -32768;
    case 2: return (rnd() & 3) ? -32768 : (int16_t)(rnd() & 0xFFFF);
    case 3: return (int16_t)((int)(rnd() % 64) - 32);
    default: return ((i >> (trial % 7)) & 1) ? -32768 : 32767;
    }
}

static void check_size(int window_ms, int rate_hz, int nch)
{
    struct dsp_micro_config c = dsp_micro_config_default();
    c.window_ms = window_ms;
    c.step_ms = window_ms;
    c.rate_hz = rate_hz;
    c.num_channels = nch;
    c.lower_hz = rate_hz / 64.0f;
    c.upper_hz = rate_hz / 2.2f;
    char err[256];
    CHECK_INT(dsp_micro_init(&st, &c, err, sizeof err), KWS_OK);
    static int16_t in[DSP_MICRO_MAX_FFT];
    static cpx want[DSP_MICRO_MAX_CFFT + 1];
    int fft_bad = 0, fb_bad = 0;
    for (int trial = 0; trial < 400; trial++) {
        for (int i = 0; i < st.fft_size; i++) in[i] = sample(trial % 5, i, trial);
        memcpy(st.fft_in, in, sizeof in);
        micro_fft_real(&st);
        ref_fft(in, want);
        for (int k = 0; k <= st.cfft_size; k++)
            fft_bad += st.fft_re[k] != want[k].r || st.fft_im[k] != want[k].i;
        /* the filterbank on that spectrum, with a random input shift */
        int shift = (int)(rnd() % 8);
        uint32_t ref[DSP_MICRO_MAX_CHANNELS];
        ref_filterbank(want, shift, ref);
        micro_filterbank_apply(&st, shift);
        for (int i = 0; i < nch; i++) fb_bad += st.signal[i] != ref[i];
    }
    if (fft_bad || fb_bad)
        fprintf(stderr, "FFT size %d: %d FFT / %d filterbank mismatches\n", st.fft_size, fft_bad,
                fb_bad);
    CHECK_INT(fft_bad, 0);
    CHECK_INT(fb_bad, 0);
}

static void test_fft_and_filterbank(void)
{
    check_size(30, 16000, 40); /* 512 (the default): radix 4, 4, 4, 4 */
    check_size(16, 16000, 20); /* 256: 2, 4, 4, 4 */
    check_size(8, 16000, 10);  /* 128: 4, 4, 4 */
    check_size(4, 16000, 6);   /* 64: 2, 4, 4 */
    check_size(2, 16000, 4);   /* 32: 4, 4 */
    check_size(16, 1000, 2);   /* 16: 2, 4 */
    check_size(8, 1000, 1);    /* 8: 4 */
}

static void test_sqrt(void)
{
    int bad = 0;
    for (int i = 0; i < 300000; i++) {
        uint64_t v = rnd() >> (rnd() % 64);
        bad += micro_sqrt64_round(v) != ref_sqrt(v);
    }
    /* around squares and the rounding points r^2 + r, and near the caps */
    for (uint64_t r = 0; r < 70000; r += 1 + r / 64) {
        uint64_t sq = r * r;
        for (int d = -2; d <= 2; d++) {
            bad += micro_sqrt64_round(sq + (uint64_t)d) != ref_sqrt(sq + (uint64_t)d);
            bad += micro_sqrt64_round(sq + r + (uint64_t)d) != ref_sqrt(sq + r + (uint64_t)d);
        }
    }
    for (uint64_t r = 0xFFFF0000ull; r <= 0x100000010ull; r += 97) {
        uint64_t sq = r * r;
        bad += micro_sqrt64_round(sq) != ref_sqrt(sq);
        bad += micro_sqrt64_round(sq + r) != ref_sqrt(sq + r);
        bad += micro_sqrt64_round(sq + r + 1) != ref_sqrt(sq + r + 1);
        bad += micro_sqrt64_round(sq - 1) != ref_sqrt(sq - 1);
    }
    for (uint64_t r = 0xFFFFFFF0ull; r <= 0xFFFFFFFFull; r++) {
        bad += micro_sqrt64_round(r * r + r) != ref_sqrt(r * r + r);
        bad += micro_sqrt64_round(r * r + r + 1) != ref_sqrt(r * r + r + 1);
    }
    bad += micro_sqrt64_round(UINT64_MAX) != ref_sqrt(UINT64_MAX);
    bad += micro_sqrt64_round(0xFFFFFFFFu) != ref_sqrt(0xFFFFFFFFu);
    CHECK_INT(bad, 0);
}

static void test_pcan_log(void)
{
    struct dsp_micro_config c = dsp_micro_config_default();
    char err[256];
    CHECK_INT(dsp_micro_init(&st, &c, err, sizeof err), KWS_OK);
    int bad = 0;
    for (uint32_t v = 0; v < (1u << 18); v++) {
        bad += micro_pcan_gain(st.gain_lut, v) != ref_pcan_gain(v);
        bad += micro_log_value(st.log_lut, v, 6) != ref_log(v, 6);
    }
    for (int i = 0; i < 300000; i++) {
        uint32_t v = (uint32_t)rnd() >> (rnd() % 32);
        int sh = (int)(rnd() % 16);
        bad += micro_pcan_gain(st.gain_lut, v) != ref_pcan_gain(v);
        bad += micro_log_value(st.log_lut, v, sh) != ref_log(v, sh);
    }
    bad += micro_pcan_gain(st.gain_lut, 0xFFFFFFFFu) != ref_pcan_gain(0xFFFFFFFFu);
    bad += micro_log_value(st.log_lut, 0xFFFFFFFFu, 6) != ref_log(0xFFFFFFFFu, 6);
    CHECK_INT(bad, 0);
}

/* The Q12 window against the plain expression, with random Q12
 * coefficients, extreme samples (-32768 included) and sizes that leave a
 * tail after the 16-lane blocks. */
static void test_window(void)
{
    static int16_t out[DSP_MICRO_MAX_FFT];
    for (int it = 0; it < 200; it++) {
        int n = 1 + (int)(rnd() % DSP_MICRO_MAX_FFT);
        st.window_size = n;
        for (int i = 0; i < n; i++) {
            uint64_t r = rnd();
            st.window_q12[i] = (int16_t)(r % 4097);
            st.input[i] =
                (r >> 20) % 4 == 0 ? ((r >> 24) & 1 ? 32767 : -32768) : (int16_t)(r >> 32);
        }
        int16_t max_abs = 0;
        int got = micro_window_apply(&st, out);
        for (int i = 0; i < n; i++) {
            int16_t v = (int16_t)(((int32_t)st.input[i] * st.window_q12[i]) >> 12);
            CHECK_INT(out[i], v);
            int16_t a = v < 0 ? (int16_t)-v : v;
            max_abs = a > max_abs ? a : max_abs;
        }
        CHECK_INT(got, max_abs);
    }
}

/* Each pass on the same inputs: the portable loops, then the AVX2 ones
 * where the machine runs them (not under KWSCOPE_NO_SIMD). */
int main(void)
{
    uint64_t seed = rng;
    for (int pass = 0; pass < 2; pass++) {
        bool on = dsp_micro_simd_set(pass == 1);
        if (pass == 1 && !on) break;
        printf("micro frontend loops: %s\n", on ? "avx2" : "portable");
        rng = seed;
        test_fft_and_filterbank();
        test_sqrt();
        test_pcan_log();
        test_window();
    }
    return test_done();
}
