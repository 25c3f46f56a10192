/* alsa_tool.c: helpers for alsa_e2e.sh (the end-to-end tests through real
 * PortAudio over ALSA's file plugin).
 *
 *   alsa_tool exact IN.raw OUT.wav N      OUT's first N samples == IN's (s16 mono)
 *   alsa_tool resampled IN.raw RATE OUT.wav N TOL
 *       IN is s16 stereo at RATE; reference = mean of channels, libsamplerate
 *       (the converter capture/ uses) offline to 16 kHz, rounded to int16;
 *       OUT's first N samples must be within TOL LSB of it
 *   alsa_tool prefix IN.raw OUT.wav MIN_SECONDS [N]
 *       OUT loads, holds >= MIN_SECONDS, and is a prefix of IN (its first N
 *       samples only, when N is given)
 * (The paced FIFO "microphone" is tools/alsa_fifo.sh.)
 * Exit 0 pass, 1 fail (with a line saying why). */
#include "capture.h"
#include "clip_priv.h"

#include <samplerate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int16_t *read_raw(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    int16_t *s = malloc((size_t)sz + 2);
    *n = fread(s, 1, (size_t)sz, f) / 2;
    fclose(f);
    return s;
}

static struct cap_clip load(const char *path)
{
    struct cap_clip c;
    char err[512];
    if (cap_clip_load(path, &c, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "FAIL: %s\n", err);
        exit(1);
    }
    return c;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "exact")) {
        size_t n_in, want = strtoul(argv[4], NULL, 10);
        int16_t *in = read_raw(argv[2], &n_in);
        struct cap_clip c = load(argv[3]);
        if (c.n_samples != want) {
            fprintf(stderr, "FAIL: %zu samples recorded, want %zu\n", c.n_samples, want);
            return 1;
        }
        for (size_t i = 0; i < want; i++)
            if (i >= n_in || c.samples[i] != in[i]) {
                fprintf(stderr, "FAIL: sample %zu: got %d want %d\n", i, c.samples[i],
                        i < n_in ? in[i] : 0);
                return 1;
            }
        printf("exact: %zu samples identical\n", want);
        return 0;
    }
    if (argc >= 7 && !strcmp(argv[1], "resampled")) {
        size_t n_in;
        int16_t *in = read_raw(argv[2], &n_in);
        int rate = atoi(argv[3]);
        size_t want = strtoul(argv[5], NULL, 10);
        double tol = atof(argv[6]);
        size_t frames = n_in / 2;
        float *mono = malloc(frames * sizeof *mono);
        for (size_t i = 0; i < frames; i++)
            mono[i] = (float)(in[2 * i] + in[2 * i + 1]) / 2.0f / 32768.0f;
        int16_t *ref;
        size_t n_ref;
        char err[256];
        if (cap_resample_to_16k(mono, frames, rate, &ref, &n_ref, err, sizeof err) != KWS_OK) {
            fprintf(stderr, "FAIL: %s\n", err);
            return 1;
        }
        struct cap_clip c = load(argv[4]);
        if (c.n_samples != want || n_ref < want) {
            fprintf(stderr, "FAIL: %zu samples recorded, want %zu (ref %zu)\n", c.n_samples, want,
                    n_ref);
            return 1;
        }
        int maxd = 0;
        size_t at = 0;
        for (size_t i = 0; i < want; i++) {
            int d = abs(c.samples[i] - ref[i]);
            if (d > maxd) {
                maxd = d;
                at = i;
            }
        }
        printf("resampled: %zu samples, max |diff| %d LSB at %zu (tol %g)\n", want, maxd, at, tol);
        return maxd <= tol ? 0 : 1;
    }
    if (argc >= 5 && !strcmp(argv[1], "prefix")) {
        size_t n_in;
        int16_t *in = read_raw(argv[2], &n_in);
        struct cap_clip c = load(argv[3]);
        double secs = (double)c.n_samples / CAP_RATE_HZ, min = atof(argv[4]);
        size_t upto = argc >= 6 ? strtoul(argv[5], NULL, 10) : c.n_samples;
        for (size_t i = 0; i < c.n_samples && i < upto; i++)
            if (i >= n_in || c.samples[i] != in[i]) {
                fprintf(stderr, "FAIL: sample %zu differs\n", i);
                return 1;
            }
        printf("prefix: %.2f s valid (need %.2f)\n", secs, min);
        return secs >= min ? 0 : 1;
    }
    fprintf(stderr, "usage: see alsa_tool.c\n");
    return 2;
}
