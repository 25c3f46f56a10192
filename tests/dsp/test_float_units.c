/* test_float_units.c: properties of the float analysis that need no
 * reference data: a tone's peak bin, the periodic Hann coefficients and their
 * placement, mel filter shapes, DCT orthonormality, streaming == whole clip
 * for odd chunkings, configuration validation, short clips, Welch. */
#include <stdint.h>

#include "dsp.h"
#include "test.h"

static int16_t *tone(size_t n, double hz, double amp)
{
    int16_t *x = malloc(sizeof *x * n);
    for (size_t i = 0; i < n; i++)
        x[i] = (int16_t)lrint(amp * 32767.0 * sin(2.0 * M_PI * hz * (double)i / 16000.0));
    return x;
}

/* 1 kHz at 16 kHz with n_fft 512 sits exactly on bin 32 (31.25 Hz a bin). */
static void test_tone_bin(void)
{
    struct dsp_analysis_config cfg = dsp_analysis_config_default();
    int16_t *x = tone(16000, 1000.0, 0.5);
    struct dsp_matrix m = { 0 };
    char err[256];
    CHECK_INT(dsp_analyze(&cfg, DSP_KIND_SPECTROGRAM, x, 16000, &m, err, sizeof err), KWS_OK);
    CHECK_INT(m.rows, (16000 - 512) / 160 + 1);
    CHECK_INT(m.cols, 257);
    for (size_t r = 0; r < m.rows; r += 17) {
        size_t best = 0;
        for (size_t k = 1; k < m.cols; k++)
            if (m.data[r * m.cols + k] > m.data[r * m.cols + best]) best = k;
        CHECK_INT(best, 32);
        /* Peak power: (A * sum(w) / 2)^2, sum of a periodic Hann of 480 = 240. */
        double want = 10.0 * log10(pow(0.5 * 32767.0 / 32768.0 * 240.0 / 2.0, 2));
        CHECK_NEAR(m.data[r * m.cols + 32], want, 0.01);
        CHECK(m.data[r * m.cols + 100] < want - 60.0); /* far bins: leakage only */
    }
    dsp_matrix_free(&m);
    /* Welch of the same tone: one peak at bin 32, 97 frames averaged. */
    float w[257];
    CHECK_INT(dsp_welch_db(&cfg.stft, x, 16000, w), 97);
    size_t best = 0;
    for (size_t k = 1; k < 257; k++) best = w[k] > w[best] ? k : best;
    CHECK_INT(best, 32);
    free(x);
}

static void test_hann(void)
{
    float w[512];
    dsp_hann_periodic(w, 480, 512);
    for (int i = 0; i < 16; i++) {
        CHECK(w[i] == 0.0f);
        CHECK(w[511 - i] == 0.0f);
    }
    CHECK(w[16] == 0.0f);               /* periodic: starts at 0 ... */
    CHECK_NEAR(w[16 + 240], 1.0, 1e-7); /* ... peaks at N/2 ... */
    CHECK_NEAR(w[16 + 479], 0.5 - 0.5 * cos(2 * M_PI * 479 / 480.0), 1e-7); /* ... no final 0 */
    CHECK_NEAR(w[16 + 120], 0.5, 1e-6);
    for (int i = 1; i < 240; i++) /* symmetric about N/2 */
        CHECK_NEAR(w[16 + 240 - i], w[16 + 240 + i], 1e-6);
    float odd[9];
    dsp_hann_periodic(odd, 4, 9); /* left pad (9 - 4) / 2 = 2 */
    CHECK(odd[0] == 0.0f && odd[1] == 0.0f && odd[2] == 0.0f);
    CHECK_NEAR(odd[3], 0.5, 1e-7);
    CHECK_NEAR(odd[4], 1.0, 1e-7);
    CHECK_NEAR(odd[5], 0.5, 1e-7);
    CHECK(odd[6] == 0.0f && odd[8] == 0.0f);
}

static void test_mel(void)
{
    /* HTK: 1000 Hz is ~1000 mel by construction; Slaney: 1000 Hz = 15 mel. */
    CHECK_NEAR(dsp_hz_to_mel(1000.0f, DSP_MEL_HTK), 999.99, 0.02);
    CHECK_NEAR(dsp_hz_to_mel(1000.0f, DSP_MEL_SLANEY), 15.0, 1e-5);
    CHECK_NEAR(dsp_hz_to_mel(500.0f, DSP_MEL_SLANEY), 7.5, 1e-5);
    for (float hz = 0.0f; hz <= 8000.0f; hz += 777.0f) {
        CHECK_NEAR(dsp_mel_to_hz(dsp_hz_to_mel(hz, DSP_MEL_HTK), DSP_MEL_HTK), hz, 0.01);
        CHECK_NEAR(dsp_mel_to_hz(dsp_hz_to_mel(hz, DSP_MEL_SLANEY), DSP_MEL_SLANEY), hz, 0.01);
    }
    struct dsp_mel_config mc = dsp_mel_config_default();
    char err[256];
    struct dsp_mel *m = dsp_mel_create(&mc, 512, 16000, err, sizeof err);
    CHECK(m != NULL);
    int nm = 0, nb = 0;
    const float *w = dsp_mel_weights(m, &nm, &nb);
    CHECK_INT(nm, 40);
    CHECK_INT(nb, 257);
    int prev_peak = -1;
    for (int b = 0; b < nm; b++) {
        int peak = 0, nonzero = 0;
        float mx = 0.0f;
        for (int k = 0; k < nb; k++) {
            float v = w[b * nb + k];
            CHECK(v >= 0.0f && v <= 1.0f);
            nonzero += v > 0.0f;
            if (v > mx) {
                mx = v;
                peak = k;
            }
        }
        CHECK(nonzero >= 1);      /* 40 bands over 257 bins: none empty */
        CHECK(peak >= prev_peak); /* centres rise */
        prev_peak = peak;
        /* Triangle: rises to the peak, then falls. */
        for (int k = 1; k <= peak; k++) CHECK(w[b * nb + k] >= w[b * nb + k - 1]);
        for (int k = peak + 1; k < nb; k++) CHECK(w[b * nb + k] <= w[b * nb + k - 1]);
    }
    /* No weight below f_min (bin 0 = 0 Hz) or above f_max. */
    for (int b = 0; b < nm; b++) CHECK(w[b * nb + 0] == 0.0f);
    /* Apply: a flat spectrum of ones gives each band the sum of its weights. */
    float ones[257], out[40];
    for (int k = 0; k < 257; k++) ones[k] = 1.0f;
    dsp_mel_apply(m, ones, out);
    for (int b = 0; b < nm; b++) {
        double s = 0.0;
        for (int k = 0; k < nb; k++) s += w[b * nb + k];
        CHECK_NEAR(out[b], s, 1e-4);
    }
    dsp_mel_free(m);
    /* Slaney norm: each filter's area in Hz is ~1 (2/(width) * width/2). */
    mc.scale = DSP_MEL_SLANEY;
    mc.slaney_norm = true;
    mc.f_min_hz = 0.0f;
    m = dsp_mel_create(&mc, 4096, 16000, err, sizeof err); /* fine bins: area ~ integral */
    CHECK(m != NULL);
    w = dsp_mel_weights(m, &nm, &nb);
    for (int b = 0; b < nm; b++) {
        double area = 0.0;
        for (int k = 0; k < nb; k++) area += w[b * nb + k] * (8000.0 / (nb - 1));
        CHECK_NEAR(area, 1.0, 0.05);
    }
    dsp_mel_free(m);
}

static void test_dct(void)
{
    /* Orthonormal: rows of the full N x N matrix are orthonormal. */
    enum { N = 40 };
    float *t = dsp_dct_matrix(N, N);
    CHECK(t != NULL);
    for (int a = 0; a < N; a++)
        for (int b = 0; b < N; b++) {
            double s = 0.0;
            for (int i = 0; i < N; i++) s += (double)t[a * N + i] * t[b * N + i];
            CHECK_NEAR(s, a == b ? 1.0 : 0.0, 1e-5);
        }
    /* dsp_dct_ortho agrees with the matrix; a constant maps to c0 only. */
    float in[N], out[13];
    for (int i = 0; i < N; i++) in[i] = 3.0f;
    dsp_dct_ortho(in, N, out, 13);
    CHECK_NEAR(out[0], 3.0 * sqrt((double)N), 1e-4);
    for (int k = 1; k < 13; k++) CHECK_NEAR(out[k], 0.0, 1e-4);
    for (int i = 0; i < N; i++) in[i] = (float)sin(i * 0.37) * 10.0f;
    dsp_dct_ortho(in, N, out, 13);
    for (int k = 0; k < 13; k++) {
        double s = 0.0;
        for (int i = 0; i < N; i++) s += (double)t[k * N + i] * in[i];
        CHECK_NEAR(out[k], s, 1e-4);
    }
    free(t);
}

/* Streaming with odd chunk sizes (and frame caps) gives bit-identical frames. */
static void test_streaming(void)
{
    struct dsp_analysis_config cfg = dsp_analysis_config_default();
    size_t n = 16000 + 333;
    int16_t *x = malloc(sizeof *x * n);
    uint32_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        x[i] = (int16_t)(s >> 16);
    }
    struct dsp_matrix whole = { 0 };
    char err[256];
    float *db = NULL;
    CHECK_INT(dsp_analyze(&cfg, DSP_KIND_SPECTROGRAM, x, n, &whole, err, sizeof err), KWS_OK);
    static const size_t chunks[] = { 1, 7, 159, 161, 513, 1001, 16333 };
    static const size_t caps[] = { 1000, 1, 2, 1000, 1, 3, 1000 };
    size_t bins = 257;
    float *frames = malloc(sizeof *frames * bins * 200);
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        struct dsp_stft *st = NULL;
        CHECK_INT(dsp_stft_init(&st, &cfg.stft), KWS_OK);
        size_t got = 0;
        for (size_t pos = 0; pos < n; pos += chunks[c]) {
            size_t len = n - pos < chunks[c] ? n - pos : chunks[c];
            got += dsp_stft_feed(st, x + pos, len, frames + got * bins, caps[c]);
        }
        while (got < 200) { /* drain what the caps held back */
            size_t k = dsp_stft_feed(st, NULL, 0, frames + got * bins, caps[c]);
            if (!k) break;
            got += k;
        }
        CHECK_INT(got, whole.rows);
        db = frames;
        dsp_power_to_db(db, got * bins);
        size_t diff = 0;
        for (size_t i = 0; i < got * bins && got == whole.rows; i++) diff += db[i] != whole.data[i];
        CHECK_INT(diff, 0);
        /* After a reset the stream starts over. */
        dsp_stft_reset(st);
        CHECK_INT(dsp_stft_feed(st, x, 511, frames, 10), 0);
        CHECK_INT(dsp_stft_feed(st, x + 511, 1, frames, 10), 1);
        dsp_stft_free(st);
    }
    /* hop > n_fft skips samples between frames, identically in both paths. */
    cfg.stft.hop_length = 700;
    dsp_matrix_free(&whole);
    CHECK_INT(dsp_analyze(&cfg, DSP_KIND_SPECTROGRAM, x, n, &whole, err, sizeof err), KWS_OK);
    struct dsp_stft *st = NULL;
    CHECK_INT(dsp_stft_init(&st, &cfg.stft), KWS_OK);
    size_t got = 0;
    for (size_t pos = 0; pos < n; pos += 97)
        got += dsp_stft_feed(st, x + pos, n - pos < 97 ? n - pos : 97, frames + got * bins, 200);
    CHECK_INT(got, whole.rows);
    dsp_power_to_db(frames, got * bins);
    CHECK(got == whole.rows && !memcmp(frames, whole.data, sizeof *frames * got * bins));
    dsp_stft_free(st);
    dsp_matrix_free(&whole);
    free(frames);
    free(x);
}

static void expect_bad(struct dsp_analysis_config cfg, const char *needle)
{
    char err[256] = "";
    struct dsp_matrix m = { 0 };
    int16_t x[1024] = { 0 };
    CHECK_INT(dsp_analyze(&cfg, DSP_KIND_MFCC, x, 1024, &m, err, sizeof err), KWS_ERR_ARG);
    CHECK(m.data == NULL);
    if (!strstr(err, needle)) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err, needle);
        CHECK(0);
    }
}

static void test_validation(void)
{
    struct dsp_analysis_config d = dsp_analysis_config_default(), c;
    c = d;
    c.stft.n_fft = 256;
    expect_bad(c, "win_length");
    c = d;
    c.stft.hop_length = 0;
    expect_bad(c, "hop_length");
    c = d;
    c.stft.win_length = 0;
    expect_bad(c, "win_length");
    c = d;
    c.stft.rate_hz = 0;
    expect_bad(c, "rate");
    c = d;
    c.stft.n_fft = 1 << 20;
    expect_bad(c, "n_fft");
    c = d;
    c.mel.f_max_hz = 9000.0f;
    expect_bad(c, "f_max");
    c = d;
    c.mel.f_min_hz = -1.0f;
    expect_bad(c, "f_min");
    c = d;
    c.mel.f_min_hz = 8000.0f;
    expect_bad(c, "f_min");
    c = d;
    c.mel.n_mels = 0;
    expect_bad(c, "n_mels");
    c = d;
    c.n_mfcc = 41;
    expect_bad(c, "n_mfcc");
    c = d;
    c.n_mfcc = 0;
    expect_bad(c, "n_mfcc");
    c = d;
    c.mel.scale = (enum dsp_mel_scale)7;
    expect_bad(c, "scale");
    struct dsp_stft *st = (struct dsp_stft *)&c;
    c = d;
    c.stft.hop_length = -3;
    CHECK_INT(dsp_stft_init(&st, &c.stft), KWS_ERR_ARG);
    CHECK(st == NULL);
    char err[128];
    c = d;
    c.mel.f_max_hz = 8001.0f;
    CHECK(dsp_mel_create(&c.mel, 512, 16000, err, sizeof err) == NULL);
    CHECK(strstr(err, "f_max") != NULL);
    /* A valid non-default configuration works: 1024-point FFT, Slaney, 64 mels. */
    c = d;
    c.stft.n_fft = 1024;
    c.stft.win_length = 1024;
    c.stft.hop_length = 256;
    c.mel.n_mels = 64;
    c.mel.scale = DSP_MEL_SLANEY;
    c.n_mfcc = 20;
    int16_t *x = tone(8000, 440.0, 0.3);
    struct dsp_matrix m = { 0 };
    CHECK_INT(dsp_analyze(&c, DSP_KIND_MFCC, x, 8000, &m, err, sizeof err), KWS_OK);
    CHECK_INT(m.rows, (8000 - 1024) / 256 + 1);
    CHECK_INT(m.cols, 20);
    dsp_matrix_free(&m);
    free(x);
}

static void test_short(void)
{
    struct dsp_analysis_config cfg = dsp_analysis_config_default();
    int16_t x[600] = { 0 };
    char err[128];
    for (int k = DSP_KIND_SPECTROGRAM; k <= DSP_KIND_MFCC; k++) {
        struct dsp_matrix m = { 0 };
        CHECK_INT(dsp_analyze(&cfg, (enum dsp_kind)k, x, 511, &m, err, sizeof err), KWS_OK);
        CHECK_INT(m.rows, 0);
        dsp_matrix_free(&m);
        CHECK_INT(dsp_analyze(&cfg, (enum dsp_kind)k, x, 512, &m, err, sizeof err), KWS_OK);
        CHECK_INT(m.rows, 1);
        /* silence: every value at the -100 dB floor (MFCC: c0 = -100 sqrt(40)) */
        CHECK_NEAR(m.data[0], k == DSP_KIND_MFCC ? -100.0 * sqrt(40.0) : -100.0, 1e-3);
        dsp_matrix_free(&m);
        CHECK_INT(dsp_analyze(&cfg, (enum dsp_kind)k, NULL, 0, &m, err, sizeof err), KWS_OK);
        CHECK_INT(m.rows, 0);
        dsp_matrix_free(&m);
    }
    float w[257];
    CHECK_INT(dsp_welch_db(&cfg.stft, x, 100, w), 0);
    CHECK_NEAR(w[0], -100.0, 1e-4);
    CHECK_NEAR(w[256], -100.0, 1e-4);
}

int main(void)
{
    test_tone_bin();
    test_hann();
    test_mel();
    test_dct();
    test_streaming();
    test_validation();
    test_short();
    return test_done();
}
