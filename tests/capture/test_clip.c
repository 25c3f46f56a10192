/* test_clip.c: cap_clip_load/save on every format libsndfile writes for us
 * (fixtures generated at test time with libsndfile itself), resampling from
 * 8/22.05/44.1/48 kHz and stereo (tone frequency, amplitude and length
 * survive), every bad-input case, bit-exact save/load round trips and the
 * overwrite refusal. */
#include "capture.h"
#include "clip_priv.h"
#include "test.h"

#include <samplerate.h>
#include <sndfile.h>
#include <stdint.h>
#include <unistd.h>

static char dir[] = "/tmp/kws_clip_XXXXXX";

static const char *tmp(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* Write a tone of freq Hz, amplitude amp (full scale 1), duration secs. In a
 * stereo file the right channel carries the same tone (mean = the tone). */
static void write_tone(const char *path, int format, int rate, int ch, double freq, double amp,
                       double secs)
{
    SF_INFO info = { .samplerate = rate, .channels = ch, .format = format };
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    if (!sf) {
        fprintf(stderr, "cannot write %s: %s\n", path, sf_strerror(NULL));
        exit(1);
    }
    size_t n = (size_t)(rate * secs);
    float *buf = malloc(n * ch * sizeof *buf);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < ch; c++)
            buf[i * ch + c] = (float)(amp * sin(2 * M_PI * freq * i / rate));
    sf_writef_float(sf, buf, (sf_count_t)n);
    free(buf);
    sf_close(sf);
}

/* Amplitude and frequency of a tone by correlation at a set of candidate
 * frequencies (1 Hz grid around the expected one), skipping the edges. */
static void tone_props(const int16_t *s, size_t n, double want_f, double *amp, double *freq)
{
    size_t a = n / 10, b = n - n / 10;
    double best = -1, bf = 0;
    for (double f = want_f - 20; f <= want_f + 20; f += 1) {
        double re = 0, im = 0;
        for (size_t i = a; i < b; i++) {
            re += s[i] * cos(2 * M_PI * f * i / 16000.0);
            im += s[i] * sin(2 * M_PI * f * i / 16000.0);
        }
        double m = 2 * sqrt(re * re + im * im) / (double)(b - a) / 32768.0;
        if (m > best) {
            best = m;
            bf = f;
        }
    }
    *amp = best;
    *freq = bf;
}

static void check_tone_file(const char *name, int format, int rate, int ch)
{
    char err[256] = "";
    const char *p = tmp(name);
    write_tone(p, format, rate, ch, 1000.0, 0.5, 1.0);
    struct cap_clip clip;
    enum kws_status st = cap_clip_load(p, &clip, err, sizeof err);
    if (st != KWS_OK) {
        fprintf(stderr, "%s: %s\n", name, err);
        CHECK(0);
        return;
    }
    CHECK_INT(clip.original.rate_hz, rate);
    CHECK_INT(clip.original.channels, ch);
    CHECK_INT(clip.original.frames, rate);
    CHECK_NEAR((double)clip.n_samples, 16000, 2);
    double amp, f;
    tone_props(clip.samples, clip.n_samples, 1000.0, &amp, &f);
    /* Vorbis is lossy: a looser amplitude tolerance. */
    double tol = (format & SF_FORMAT_SUBMASK) == SF_FORMAT_VORBIS ? 0.02 : 0.005;
    if ((format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_S8 ||
        (format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_U8)
        tol = 0.01;
    CHECK_NEAR(amp, 0.5, tol);
    CHECK_NEAR(f, 1000.0, 1.0);
    char desc[128];
    cap_format_describe(&clip.original, desc, sizeof desc);
    CHECK(strstr(desc, "Hz") != NULL);
    cap_clip_free(&clip);
}

static void check_bad(const char *name, const void *bytes, size_t n, int create)
{
    const char *p = name[0] == '/' ? name : tmp(name);
    if (create) {
        FILE *f = fopen(p, "wb");
        if (n) fwrite(bytes, 1, n, f);
        fclose(f);
    }
    char err[256] = "";
    struct cap_clip clip;
    enum kws_status st = cap_clip_load(p, &clip, err, sizeof err);
    CHECK(st != KWS_OK);
    CHECK(err[0] != 0);
    CHECK(strchr(err, '\n') == NULL);
    CHECK(clip.samples == NULL);
    fprintf(stderr, "  %s -> %s\n", name, err);
}

static void check_roundtrip(const char *name)
{
    int16_t s[5000];
    uint32_t x = 12345;
    for (size_t i = 0; i < 5000; i++) {
        x = x * 1664525u + 1013904223u;
        s[i] = (int16_t)(x >> 16);
    }
    s[0] = -32768;
    s[1] = 32767;
    char err[256] = "";
    const char *p = tmp(name);
    CHECK_INT(cap_clip_save(p, s, 5000, 16000, 0, err, sizeof err), KWS_OK);
    /* second save refuses to overwrite, then succeeds with the flag */
    CHECK_INT(cap_clip_save(p, s, 5000, 16000, 0, err, sizeof err), KWS_ERR_IO);
    CHECK(strstr(err, "exists") != NULL);
    CHECK_INT(cap_clip_save(p, s, 5000, 16000, 1, err, sizeof err), KWS_OK);
    struct cap_clip clip;
    CHECK_INT(cap_clip_load(p, &clip, err, sizeof err), KWS_OK);
    CHECK_INT(clip.n_samples, 5000);
    if (clip.n_samples == 5000) CHECK(memcmp(clip.samples, s, sizeof s) == 0);
    cap_clip_free(&clip);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    /* every format, at 16 kHz mono */
    check_tone_file("u8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 16000, 1);
    check_tone_file("s16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1);
    check_tone_file("s24.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 16000, 1);
    check_tone_file("s32.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 16000, 1);
    check_tone_file("f32.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 1);
    check_tone_file("a.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1);
    check_tone_file("a.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 16000, 1);
    /* resampling and downmix */
    check_tone_file("r8k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1);
    check_tone_file("r22k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050, 1);
    check_tone_file("r44k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 1);
    check_tone_file("r48k.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 2);
    check_tone_file("st16.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 2);

    /* downmix is the mean: left +0.5, right -0.5 cancel */
    {
        SF_INFO info = { .samplerate = 16000,
                         .channels = 2,
                         .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
        SNDFILE *sf = sf_open(tmp("lr.wav"), SFM_WRITE, &info);
        short b[2000];
        for (int i = 0; i < 1000; i++) {
            b[2 * i] = 1000;
            b[2 * i + 1] = 3000;
        }
        sf_writef_short(sf, b, 1000);
        sf_close(sf);
        struct cap_clip clip;
        char err[256];
        CHECK_INT(cap_clip_load(tmp("lr.wav"), &clip, err, sizeof err), KWS_OK);
        CHECK_INT(clip.n_samples, 1000);
        CHECK_INT(clip.samples[500], 2000);
        cap_clip_free(&clip);
    }

    /* bad inputs */
    check_bad("missing.wav", NULL, 0, 0);
    check_bad("empty.wav", NULL, 0, 1);
    check_bad("trunc.wav", "RIFF\x24\x00\x00\x00WAVEfmt ", 16, 1);
    unsigned char rnd[4096];
    uint32_t x = 99;
    for (size_t i = 0; i < sizeof rnd; i++) {
        x = x * 1103515245u + 12345u;
        rnd[i] = (unsigned char)(x >> 24);
    }
    check_bad("random.wav", rnd, sizeof rnd, 1);
    write_tone(tmp("zero.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, 100, 0.1, 0);
    check_bad("zero.wav", NULL, 0, 0);
    check_bad(dir, NULL, 0, 0); /* a directory */

    /* round trips, overwrite refusal, unknown extension */
    check_roundtrip("rt.wav");
    check_roundtrip("rt.flac");
    {
        char err[256] = "";
        int16_t s[10] = { 0 };
        CHECK_INT(cap_clip_save(tmp("x.mp3"), s, 10, 16000, 0, err, sizeof err), KWS_ERR_ARG);
        CHECK(strstr(err, ".wav") != NULL);
        CHECK(access(tmp("x.mp3"), F_OK) != 0);
    }
    /* the demo clip loads: 2-4 s at 16 kHz mono */
    {
        char p[4096], err[256];
        struct cap_clip clip;
        CHECK_INT(cap_clip_load(SOURCE_PATH("assets/demo.wav", p), &clip, err, sizeof err), KWS_OK);
        CHECK(clip.n_samples >= 32000 && clip.n_samples <= 64000);
        CHECK_INT(clip.original.rate_hz, 16000);
        CHECK_INT(clip.original.channels, 1);
        cap_clip_free(&clip);
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return test_done();
}
