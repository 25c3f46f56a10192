/* test_micro_units.c: each stage of the fixed-point micro frontend with
 * vectors derived by hand (explained next to each check), plus streaming in
 * odd-sized chunks == whole clip, silence, full-scale squares and clipping.
 * Needs nothing from ../shared. */
#include <stdint.h>

#include "dsp.h"
#include "micro_internal.h"
#include "test.h"

static struct dsp_micro_state st; /* ~13 KB: static, as on the board */

static void init_default(void)
{
    struct dsp_micro_config cfg = dsp_micro_config_default();
    char err[256];
    CHECK_INT(dsp_micro_init(&st, &cfg, err, sizeof err), KWS_OK);
}

static void test_window(void)
{
    init_default();
    CHECK_INT(st.window_size, 480);
    CHECK_INT(st.step_size, 320);
    CHECK_INT(st.fft_size, 512);
    /* w[0] = round(4096 (1 - cos(pi/480)) / 2) = round(0.044) = 0; the centre
     * pair (i + 0.5 = 240 +- 0.5) is round(4096 (1 + cos(pi/480)) / 2) = 4096;
     * index 17 is 53 in double precision (micro_window.c). Symmetric. */
    CHECK_INT(st.window_q12[0], 0);
    CHECK_INT(st.window_q12[17], 53);
    CHECK_INT(st.window_q12[239], 4096);
    CHECK_INT(st.window_q12[240], 4096);
    int sym = 1;
    for (int i = 0; i < 480; i++) sym &= st.window_q12[i] == st.window_q12[479 - i];
    CHECK(sym);
    /* a constant 4096 windowed is the table itself: (4096 w) >> 12 = w;
     * max_abs is the largest coefficient, 4096 */
    for (int i = 0; i < 480; i++) st.input[i] = 4096;
    int16_t out[512];
    CHECK_INT(micro_window_apply(&st, out), 4096);
    CHECK_INT(out[17], 53);
    /* -1 * w >> 12 is -1 wherever w > 0 (arithmetic shift floors) */
    for (int i = 0; i < 480; i++) st.input[i] = -1;
    CHECK_INT(micro_window_apply(&st, out), 1);
    CHECK_INT(out[0], 0);
    CHECK_INT(out[17], -1);
    /* -32768 at the centre gives -32768, which negates to itself in int16
     * and is ignored for max_abs; its neighbours are -32767 or so */
    for (int i = 0; i < 480; i++) st.input[i] = 0;
    st.input[239] = -32768;
    st.input[100] = 1000;
    int m = micro_window_apply(&st, out);
    CHECK_INT(out[239], -32768);
    CHECK_INT(m, (1000 * st.window_q12[100]) >> 12);
}

static void test_fft(void)
{
    init_default();
    CHECK_INT(st.cfft_size, 256);
    CHECK_INT(st.num_stages, 4);
    CHECK_INT(st.twiddle[0].r, 32767);
    CHECK_INT(st.twiddle[64].i, -32767); /* phase -pi/2 */
    /* Impulse 16384 at sample 0: complex z[0] = (16384, 0). Each radix-4
     * stage scales by 8191/32768 with rounding: 16384 -> 4096 -> 1024
     * (1024.375) -> 256 (256.47) -> 64 (64.49), so all 256 complex bins are
     * (64, 0). Split step: halves (16383/32768) give 32; dc = 32 so bin 0 =
     * bin 256 = 32; f2 = 0 so every bin k is ((64 + 0) >> 1, 0) = (32, 0):
     * the flat spectrum 16384 / 512 = 32. */
    memset(st.fft_in, 0, sizeof st.fft_in);
    st.fft_in[0] = 16384;
    micro_fft_real(&st);
    int flat = 1;
    for (int k = 0; k <= 256; k++) flat &= st.fft_re[k] == 32 && st.fft_im[k] == 0;
    CHECK(flat);
    /* DC: 512 everywhere; the FFT scales by 1/N so bin 0 ~ 512, the rest ~0
     * (a few units of rounding noise at most). */
    for (int i = 0; i < 512; i++) st.fft_in[i] = 512;
    micro_fft_real(&st);
    CHECK_NEAR(st.fft_re[0], 512, 4);
    int quiet = 1;
    for (int k = 1; k <= 256; k++) quiet &= abs(st.fft_re[k]) <= 4 && abs(st.fft_im[k]) <= 4;
    CHECK(quiet);
    /* Cosine of amplitude 16000 at bin 32 (1000 Hz): X[32] = 16000 / 2 = 8000
     * after the 1/N scaling; other bins near zero. */
    for (int i = 0; i < 512; i++)
        st.fft_in[i] = (int16_t)lround(16000.0 * cos(2.0 * M_PI * 32.0 * i / 512.0));
    micro_fft_real(&st);
    double mag = hypot(st.fft_re[32], st.fft_im[32]);
    CHECK_NEAR(mag, 8000, 40);
    int leak = 0;
    for (int k = 0; k <= 256; k++)
        if (k != 32) leak = leak > abs(st.fft_re[k]) ? leak : abs(st.fft_re[k]);
    CHECK(leak <= 8);
}

static void test_filterbank(void)
{
    init_default();
    CHECK_INT(st.start_bin, 5); /* int(1.5 + 125 / 31.25) */
    CHECK_INT(st.end_bin, 241); /* 240 * 31.25 = 7500 Hz is the last bin */
    /* weight + unweight = 4096 up to the separate roundings */
    int sums = 1;
    for (int b = 5; b < 241; b++) sums &= abs(st.weight_q12[b] + st.unweight_q12[b] - 4096) <= 1;
    CHECK(sums);
    /* Single-bin energy: bin 10 = (1000, 0), energy 10^6. Bin 10 is in
     * segment s with weight w, unweight u: channel s-1 gets w * 10^6, channel
     * s gets u * 10^6, each then rounded-square-rooted (>> shift 0). */
    memset(st.fft_re, 0, sizeof st.fft_re);
    memset(st.fft_im, 0, sizeof st.fft_im);
    st.fft_re[10] = 1000;
    micro_filterbank_apply(&st, 0);
    int s = st.seg[10];
    CHECK_INT(s, 3); /* mel(312.5 Hz) lies between edges 2 and 3 */
    CHECK_INT(st.signal[s - 1], llround(sqrt((double)st.weight_q12[10] * 1e6)));
    CHECK_INT(st.signal[s], llround(sqrt((double)st.unweight_q12[10] * 1e6)));
    int others = 0;
    for (int i = 0; i < 40; i++)
        if (i != s && i != s - 1) others |= (int)st.signal[i];
    CHECK_INT(others, 0);
    micro_filterbank_apply(&st, 2); /* the input shift divides by 4 */
    CHECK_INT(st.signal[s], llround(sqrt((double)st.unweight_q12[10] * 1e6)) >> 2);
    /* rounded sqrt: +1 when n - r^2 > r; caps 0xFFFF (n < 2^32), 0xFFFFFFFF */
    CHECK_INT(micro_sqrt64_round(0), 0);
    CHECK_INT(micro_sqrt64_round(2), 1); /* 2 - 1 = 1, not > 1 */
    CHECK_INT(micro_sqrt64_round(3), 2); /* 3 - 1 = 2 > 1 */
    CHECK_INT(micro_sqrt64_round(4), 2);
    CHECK_INT(micro_sqrt64_round(0xFFFFFFFFu), 0xFFFF);
    CHECK_INT(micro_sqrt64_round(0x100000000ull), 0x10000);
    CHECK_INT(micro_sqrt64_round(UINT64_MAX), 0xFFFFFFFFu);
}

static void test_noise(void)
{
    init_default();
    CHECK_INT(st.even_smoothing, 409); /* 0.025 * 16384 = 409.6, truncated */
    CHECK_INT(st.odd_smoothing, 983);  /* 0.06 * 16384 = 983.04 */
    CHECK_INT(st.min_signal_remaining, 819);
    /* Signal 100 on channel 0 (even) three frames running: up = 102400;
     * est1 = 102400*409 >> 14 = 2556, out = (102400-2556) >> 10 = 97;
     * est2 = (102400*409 + 2556*15975) >> 14 = 5048, out = 95;
     * est3 = (102400*409 + 5048*15975) >> 14 = 7478, out = 92.
     * Channel 1 (odd): est1 = 102400*983 >> 14 = 6143, out = 94. */
    static const uint32_t want0[3] = { 97, 95, 92 }, est0[3] = { 2556, 5048, 7478 };
    for (int f = 0; f < 3; f++) {
        for (int i = 0; i < 40; i++) st.signal[i] = 100;
        micro_noise_apply(&st);
        CHECK_INT(st.signal[0], want0[f]);
        CHECK_INT(st.estimate[0], est0[f]);
        if (f == 0) CHECK_INT(st.signal[1], 94);
    }
    /* an estimate far above the signal leaves the floor: 100*819 >> 14 = 4 */
    st.estimate[0] = 1000000000u;
    st.signal[0] = 100;
    micro_noise_apply(&st);
    CHECK_INT(st.signal[0], 4);
}

static void test_pcan(void)
{
    init_default();
    CHECK_INT(st.pcan_snr_shift, 6); /* 21 - 3 - 12 */
    /* At a power of two the fraction is 0 and the lookup is y0 = g(x) exactly;
     * at 1.5 x0 (fraction 512) the quadratic gives y0 + (a2 + 2 a1)/4 =
     * y0 + d1 = g(x1) exactly (a1 = 4 d1 - d2, a2 = d2 - a1). g is computed
     * here independently in single precision. */
    for (int v = 1; v <= 31; v++) {
        uint32_t xs[2] = { 1u << v, (1u << v) + (1u << (v - 1)) };
        for (int j = 0; j < 2; j++) {
            float g = 2097152.0f * powf((float)xs[j] / 128.0f + 80.0f, -0.95f);
            int want = g > 32767.0f ? 32767 : (int)(g + 0.5f);
            CHECK_INT(micro_pcan_gain(st.gain_lut, xs[j]), want);
        }
    }
    CHECK_INT(micro_pcan_gain(st.gain_lut, 0), 32636); /* 2^21 * 80^-0.95 */
    /* Estimate 0 -> gain 32636. Signal 10: snr = 326360 >> 6 = 5099 < 8192,
     * out = 5099^2 >> 20 = 24. Signal 100: snr = 50993, out = (50993 >> 6) -
     * 64 = 732. */
    memset(st.estimate, 0, sizeof st.estimate);
    st.signal[0] = 10;
    st.signal[1] = 100;
    micro_pcan_apply(&st);
    CHECK_INT(st.signal[0], 24);
    CHECK_INT(st.signal[1], 732);
}

static void test_log(void)
{
    init_default();
    CHECK_INT(st.log_correction_bits, 3);
    CHECK_INT(st.log_lut[0], 0);
    CHECK_INT(st.log_lut[128], 0); /* log2(2) - 1 = 0 */
    /* Powers of two have no fraction and L[0] = 0, so log2 = k << 16, ln =
     * 45426 k, out = round(45426 k * 64 / 65536): 44, 89, 133, 177 for k = 1..4 */
    static const int want[5] = { 0, 44, 89, 133, 177 };
    for (int k = 1; k <= 4; k++) CHECK_INT(micro_log_value(st.log_lut, 1u << k, 6), want[k]);
    CHECK_INT(micro_log_value(st.log_lut, 0, 6), 0);
    CHECK_INT(micro_log_value(st.log_lut, 1, 6), 0);
    /* monotonic over a sweep, and the largest input stays below the cap:
     * ln(2^32) * 64 = 1419.6 */
    uint32_t prev = 0;
    int mono = 1;
    for (uint64_t x = 2; x < 0x100000000ull; x = x * 5 / 4 + 1) {
        uint32_t y = micro_log_value(st.log_lut, (uint32_t)x, 6);
        mono &= y >= prev;
        prev = y;
    }
    CHECK(mono);
    CHECK_NEAR(micro_log_value(st.log_lut, 0xFFFFFFFFu, 6), 1420, 1);
    /* log_apply: signal 1 << 3 = 8 = 2^3 -> 133; without log, capped at 65535 */
    st.signal[0] = 1;
    st.signal[1] = 0;
    uint16_t out[40];
    micro_log_apply(&st, out);
    CHECK_INT(out[0], 133);
    CHECK_INT(out[1], 0);
    st.cfg.log_enable = false;
    st.signal[0] = 70000;
    micro_log_apply(&st, out);
    CHECK_INT(out[0], 65535);
}

static void test_int8(void)
{
    /* (u*256 + 333) / 666 - 128: 0 and 1 -> -128; 2 -> 845/666 = 1 -> -127;
     * 662 -> 254 -> 126; 663 -> 255 -> 127; 665 and 666 -> 256 -> clamped */
    CHECK_INT(dsp_micro_to_int8(0), -128);
    CHECK_INT(dsp_micro_to_int8(1), -128);
    CHECK_INT(dsp_micro_to_int8(2), -127);
    CHECK_INT(dsp_micro_to_int8(662), 126);
    CHECK_INT(dsp_micro_to_int8(663), 127);
    CHECK_INT(dsp_micro_to_int8(665), 127);
    CHECK_INT(dsp_micro_to_int8(666), 127);
    CHECK_INT(dsp_micro_to_int8(65535), 127);
}

/* deterministic test signal: a chirp plus LCG noise */
static void make_signal(int16_t *x, size_t n)
{
    uint32_t seed = 12345;
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        double t = (double)i / 16000.0;
        double v = 8000.0 * sin(2 * M_PI * (200.0 + 3000.0 * t) * t) +
            (double)((seed >> 16) & 0x3FF) - 512;
        x[i] = (int16_t)lround(v);
    }
}

static void test_streaming(void)
{
    enum { N = 16000 };
    static int16_t x[N];
    make_signal(x, N);
    struct dsp_micro_config cfg = dsp_micro_config_default();
    uint16_t *whole = NULL;
    size_t frames = 0;
    char err[256];
    CHECK_INT(dsp_micro_clip(&cfg, x, N, &whole, &frames, err, sizeof err), KWS_OK);
    CHECK_INT(frames, 49);
    CHECK_INT(dsp_micro_frame_count(&cfg, 479), 0);
    CHECK_INT(dsp_micro_frame_count(&cfg, 480), 1);
    CHECK_INT(dsp_micro_frame_count(&cfg, 799), 1);
    CHECK_INT(dsp_micro_frame_count(&cfg, 800), 2);
    static const size_t chunks[] = { 1, 7, 319, 481, 2, 1000, 320, 13 };
    static uint16_t got[60 * 40]; /* room for more than 49: all input is taken */
    init_default();
    size_t pos = 0, nf = 0;
    for (int c = 0; pos < N; c++) {
        size_t len = chunks[c % 8], consumed = 0;
        if (len > N - pos) len = N - pos;
        /* 1000 samples can complete several frames: allow them all */
        nf += dsp_micro_feed(&st, x + pos, len, &consumed, got + nf * 40, 60 - nf);
        CHECK_INT(consumed, len);
        pos += len;
    }
    CHECK_INT(nf, 49);
    CHECK(whole && memcmp(got, whole, 49 * 40 * sizeof *got) == 0);
    /* max_frames = 1: stops right after the first frame and says how much it
     * took (480 samples); the rest continues where it stopped */
    dsp_micro_reset(&st);
    size_t consumed = 0;
    CHECK_INT(dsp_micro_feed(&st, x, N, &consumed, got, 1), 1);
    CHECK_INT(consumed, 480);
    CHECK_INT(dsp_micro_feed(&st, x + 480, N - 480, &consumed, got + 40, 48), 48);
    CHECK(whole && memcmp(got, whole, 49 * 40 * sizeof *got) == 0);
    /* reset gives a fresh state: the same first frame again */
    dsp_micro_reset(&st);
    CHECK_INT(dsp_micro_feed(&st, x, 480, NULL, got, 1), 1);
    CHECK(whole && memcmp(got, whole, 40 * sizeof *got) == 0);
    free(whole);
}

static void run_clip(const int16_t *x, size_t n, uint16_t *out)
{
    struct dsp_micro_config cfg = dsp_micro_config_default();
    uint16_t *u = NULL;
    size_t frames = 0;
    char err[256];
    CHECK_INT(dsp_micro_clip(&cfg, x, n, &u, &frames, err, sizeof err), KWS_OK);
    CHECK_INT(frames, 49);
    if (u && frames == 49) memcpy(out, u, 49 * 40 * sizeof *out);
    free(u);
}

static void test_edges(void)
{
    enum { N = 16000 };
    static int16_t x[N];
    static uint16_t out[49 * 40];
    /* silence: max_abs 0 -> MSB(0) = 0 -> shift 15; all energies, estimates,
     * gains and logs stay 0, so every value is 0 and every int8 -128 */
    memset(x, 0, sizeof x);
    run_clip(x, N, out);
    int zero = 1;
    for (int i = 0; i < 49 * 40; i++) zero &= out[i] == 0 && dsp_micro_to_int8(out[i]) == -128;
    CHECK(zero);
    /* full-scale 500 Hz square (+-32767, period 32): energy in the channel
     * around 500 Hz, odd harmonics above; no overflow trap (UBSan run) */
    for (int i = 0; i < N; i++) x[i] = (i / 16) % 2 ? -32767 : 32767;
    run_clip(x, N, out);
    int ch500 = -1, best = -1;
    for (int c = 0; c < 40; c++)
        if (out[40 * 0 + c] > best) {
            best = out[c];
            ch500 = c;
        }
    CHECK(best > 0);
    CHECK(ch500 >= 6 && ch500 <= 10); /* mel(500 Hz) sits near channel 8 of 40 */
    /* clipping: -32768/+32767 square and constant -32768 (the windowed centre
     * is -32768, ignored by max_abs); the result is defined and repeatable */
    for (int i = 0; i < N; i++) x[i] = (i / 3) % 2 ? -32768 : 32767;
    static uint16_t again[49 * 40];
    run_clip(x, N, out);
    run_clip(x, N, again);
    CHECK(memcmp(out, again, sizeof out) == 0);
    for (int i = 0; i < N; i++) x[i] = -32768;
    run_clip(x, N, out);
    /* A constant has no energy above bin 2 of a Hann-windowed frame: the
     * 125-7500 Hz channels see only FFT rounding noise, which is the same in
     * every frame, so noise reduction drives the later frames down: the last
     * frame's sum is below the first's. (PCAN boosts the first frame, whose
     * noise estimate is still 0, close to full scale, so no absolute bound.) */
    long first = 0, last = 0;
    for (int c = 0; c < 40; c++) {
        first += out[c];
        last += out[48 * 40 + c];
    }
    fprintf(stderr, "constant -32768: first frame sum %ld, last %ld\n", first, last);
    CHECK(last < first);
}

static void test_config(void)
{
    char err[256];
    struct dsp_micro_config c = dsp_micro_config_default();
    c.num_channels = 0;
    CHECK_INT(dsp_micro_init(&st, &c, err, sizeof err), KWS_ERR_ARG);
    c = dsp_micro_config_default();
    c.window_ms = 40; /* 640 samples > 512 */
    CHECK_INT(dsp_micro_init(&st, &c, err, sizeof err), KWS_ERR_ARG);
    c = dsp_micro_config_default();
    c.upper_hz = 9000; /* above Nyquist */
    CHECK_INT(dsp_micro_init(&st, &c, err, sizeof err), KWS_ERR_ARG);
    /* a smaller, valid configuration: 16 ms window -> 256-point FFT (128
     * complex = radix 4, 4, 4, 2), 20 channels */
    c = dsp_micro_config_default();
    c.window_ms = 16;
    c.step_ms = 10;
    c.num_channels = 20;
    CHECK_INT(dsp_micro_init(&st, &c, err, sizeof err), KWS_OK);
    CHECK_INT(st.fft_size, 256);
    CHECK_INT(st.num_stages, 4);
    /* its impulse response is flat too: 16384 / 256 = 64 */
    memset(st.fft_in, 0, sizeof st.fft_in);
    st.fft_in[0] = 16384;
    micro_fft_real(&st);
    CHECK_NEAR(st.fft_re[0], 64, 1);
    CHECK_NEAR(st.fft_re[37], 64, 1);
}

int main(void)
{
    test_window();
    test_fft();
    test_filterbank();
    test_noise();
    test_pcan();
    test_log();
    test_int8();
    test_streaming();
    test_edges();
    test_config();
    return test_done();
}
