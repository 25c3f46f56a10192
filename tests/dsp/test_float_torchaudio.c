/* test_float_torchaudio.c: dsp/'s spectrogram, mel (HTK and Slaney+norm) and
 * MFCC against torchaudio outputs committed under
 * tests/dsp/fixtures/torchaudio/ (made by tools/gen_torchaudio_fixtures.py;
 * the layout and the reasoning behind these tolerances are in the README
 * there). No torch needed here.
 *
 * dB outputs (spectrogram, mel):
 *  - every value within 60 dB of its frame's maximum: |ours - ref| <= 1e-3 dB;
 *  - every value: |p_ours - p_ref| <= 1e-3 * max(p_ref, 1e-6 * P_frame_max)
 *    in power, i.e. 1e-3 relative, against a floor 60 dB below the frame's
 *    peak for quieter values. Below
 *    that floor both sides are float32 FFT rounding noise (it grows ~10x in
 *    dB per 20 dB below the peak, 1 dB at -130 dB), so 1e-3 dB is not
 *    meaningful there.
 * MFCC:
 *  - our DCT of torchaudio's mel dB equals its MFCC to 1e-3 relative
 *    (|d| <= 1e-3 max(1, |ref|)): the DCT and its scaling are exact;
 *  - frames whose mel bands all lie within 60 dB of the frame's top band:
 *    our MFCC to 1e-3 relative;
 *  - every frame: |d_k| <= ||mel_ours - mel_ref||_2 + 1e-3 (an orthonormal
 *    DCT cannot amplify errors), so any MFCC difference is explained by the
 *    mel differences checked above. */
#include <stdint.h>

#include "dsp.h"
#include "test.h"

#define RANGE_DB 60.0  /* dB below a frame's maximum still held to 1e-3 dB */
#define FLOOR_REL 1e-6 /* the same 60 dB as a power ratio */
#define TOL_DB 1e-3
#define TOL_REL 1e-3

struct ref {
    float *v;
    uint32_t rows, cols, step;
};

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int load_ref(const char *clip, const char *kind, struct ref *r)
{
    char rel[256], path[4096];
    snprintf(rel, sizeof rel, "tests/dsp/fixtures/torchaudio/%s.%s.f32", clip, kind);
    FILE *f = fopen(SOURCE_PATH(rel, path), "rb");
    unsigned char h[16];
    if (!f || fread(h, 1, 16, f) != 16 || memcmp(h, "KWSF", 4)) {
        fprintf(stderr, "cannot read %s\n", path);
        if (f) fclose(f);
        return 0;
    }
    r->rows = le32(h + 4);
    r->cols = le32(h + 8);
    r->step = le32(h + 12);
    size_t n = (size_t)r->rows * r->cols;
    r->v = malloc(sizeof *r->v * n);
    unsigned char *b = malloc(4 * n);
    int ok = r->v && b && fread(b, 4, n, f) == n;
    for (size_t i = 0; ok && i < n; i++) {
        uint32_t u = le32(b + 4 * i);
        memcpy(&r->v[i], &u, 4);
    }
    free(b);
    fclose(f);
    return ok;
}

/* The fixtures' WAVs are canonical 44-byte-header PCM16 mono (Python's wave). */
static int16_t *load_wav(const char *clip, size_t *n)
{
    char rel[256], path[4096];
    snprintf(rel, sizeof rel, "tests/dsp/fixtures/torchaudio/%s.wav", clip);
    FILE *f = fopen(SOURCE_PATH(rel, path), "rb");
    if (!f) return NULL;
    unsigned char h[44];
    if (fread(h, 1, 44, f) != 44 || memcmp(h, "RIFF", 4) || memcmp(h + 36, "data", 4)) {
        fclose(f);
        return NULL;
    }
    *n = le32(h + 40) / 2;
    int16_t *x = malloc(sizeof *x * (*n ? *n : 1));
    unsigned char *b = malloc(2 * (*n ? *n : 1));
    if (!x || !b || fread(b, 2, *n, f) != *n) {
        free(x);
        x = NULL;
    }
    for (size_t i = 0; x && i < *n; i++) x[i] = (int16_t)(uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
    free(b);
    fclose(f);
    return x;
}

/* Row maximum of n floats. */
static float row_max(const float *v, size_t n)
{
    float mx = -1e30f;
    for (size_t k = 0; k < n; k++) mx = v[k] > mx ? v[k] : mx;
    return mx;
}

/* Compare a dB matrix (see the tolerances above); prints the worst figures. */
static void cmp_db(const char *what, const struct dsp_matrix *m, const struct ref *r)
{
    double worst = 0.0, worst_floor = 0.0;
    size_t below = 0;
    for (uint32_t i = 0; i < r->rows; i++) {
        const float *ref = r->v + (size_t)i * r->cols;
        const float *got = m->data + (size_t)i * r->step * m->cols;
        float mx = row_max(ref, r->cols);
        double pmax = pow(10.0, mx / 10.0);
        for (uint32_t k = 0; k < r->cols; k++) {
            double d = fabs((double)got[k] - ref[k]);
            double pref = pow(10.0, ref[k] / 10.0);
            double dp = fabs(pow(10.0, got[k] / 10.0) - pref);
            double fl = dp / (TOL_REL * fmax(pref, FLOOR_REL * pmax));
            worst_floor = fl > worst_floor ? fl : worst_floor;
            if (ref[k] >= mx - RANGE_DB)
                worst = d > worst ? d : worst;
            else
                below++;
        }
    }
    fprintf(stderr,
            "%s: max |diff| %.3g dB within %.0f dB of frame max (tol %g); %zu values "
            "below; max |dp| / (1e-3 max(p, 1e-6 frame max)) = %.3g (tol 1)\n",
            what, worst, RANGE_DB, TOL_DB, below, worst_floor);
    CHECK(worst <= TOL_DB);
    CHECK(worst_floor <= 1.0);
}

/* MFCC checks (see above); mel_ours/mel_ref: the HTK mel dB of the clip. */
static void cmp_mfcc(const char *what, const struct dsp_matrix *m, const struct ref *r,
                     const struct dsp_matrix *mel_ours, const struct ref *mel_ref)
{
    double worst_dct = 0.0, worst_in = 0.0, worst_bound = 0.0;
    size_t in_range = 0;
    float c[64];
    for (uint32_t i = 0; i < r->rows && r->cols <= 64; i++) {
        const float *ref = r->v + (size_t)i * r->cols, *got = m->data + (size_t)i * m->cols;
        const float *mr = mel_ref->v + (size_t)i * mel_ref->cols;
        const float *mo = mel_ours->data + (size_t)i * mel_ours->cols;
        dsp_dct_ortho(mr, mel_ref->cols, c, r->cols);
        double e2 = 0.0;
        float mx = row_max(mr, mel_ref->cols), mn = 1e30f;
        for (uint32_t k = 0; k < mel_ref->cols; k++) {
            e2 += ((double)mo[k] - mr[k]) * ((double)mo[k] - mr[k]);
            mn = mr[k] < mn ? mr[k] : mn;
        }
        bool ok_range = mn >= mx - RANGE_DB;
        in_range += ok_range;
        for (uint32_t k = 0; k < r->cols; k++) {
            double lim = TOL_REL * fmax(1.0, fabs(ref[k]));
            double dd = fabs((double)c[k] - ref[k]) / lim;
            worst_dct = dd > worst_dct ? dd : worst_dct;
            double d = fabs((double)got[k] - ref[k]);
            if (ok_range) worst_in = d / lim > worst_in ? d / lim : worst_in;
            double b = d / (sqrt(e2) + 1e-3);
            worst_bound = b > worst_bound ? b : worst_bound;
        }
    }
    fprintf(stderr,
            "%s: DCT of ref mel: max |d|/(1e-3 max(1,|ref|)) = %.3g; %zu frames in "
            "range: %.3g; all frames: max |d| / (||mel diff|| + 1e-3) = %.3g (tol 1 each)\n",
            what, worst_dct, in_range, worst_in, worst_bound);
    CHECK(r->cols <= 64);
    CHECK(worst_dct <= 1.0);
    CHECK(worst_in <= 1.0);
    CHECK(worst_bound <= 1.0);
}

static void check_clip(const char *clip)
{
    size_t n = 0;
    int16_t *x = load_wav(clip, &n);
    CHECK(x != NULL);
    if (!x) return;
    struct dsp_analysis_config cfg = dsp_analysis_config_default();
    char err[256] = "", what[128];
    static const struct {
        const char *kind;
        enum dsp_kind k;
        bool slaney;
    } cases[] = {
        { "spec_db", DSP_KIND_SPECTROGRAM, false },
        { "mel_slaney_db", DSP_KIND_MEL, true },
        { "mel_db", DSP_KIND_MEL, false }, /* kept for the MFCC case after it */
        { "mfcc", DSP_KIND_MFCC, false },
    };
    struct dsp_matrix mel = { 0 };
    struct ref mel_ref = { 0 };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct ref r = { 0 };
        CHECK(load_ref(clip, cases[c].kind, &r));
        cfg.mel.scale = cases[c].slaney ? DSP_MEL_SLANEY : DSP_MEL_HTK;
        cfg.mel.slaney_norm = cases[c].slaney;
        struct dsp_matrix m = { 0 };
        CHECK_INT(dsp_analyze(&cfg, cases[c].k, x, n, &m, err, sizeof err), KWS_OK);
        CHECK_INT(m.cols, r.cols);
        size_t want_rows = r.step ? (m.rows + r.step - 1) / r.step : 0;
        CHECK_INT(want_rows, r.rows);
        snprintf(what, sizeof what, "%s %s", clip, cases[c].kind);
        bool shape_ok = r.v && m.cols == r.cols && want_rows == r.rows;
        if (shape_ok && cases[c].k == DSP_KIND_MFCC && mel.data)
            cmp_mfcc(what, &m, &r, &mel, &mel_ref);
        else if (shape_ok && cases[c].k != DSP_KIND_MFCC)
            cmp_db(what, &m, &r);
        if (!strcmp(cases[c].kind, "mel_db")) {
            mel = m;
            mel_ref = r;
            continue;
        }
        dsp_matrix_free(&m);
        free(r.v);
    }
    dsp_matrix_free(&mel);
    free(mel_ref.v);
    free(x);
}

int main(void)
{
    check_clip("chirp");
    check_clip("tones_noise");
    check_clip("word_yes");
    return test_done();
}
