/* take.c: helpers for recording a data set one take at a time (kwscope
 * collect and the dashboard's collect mode): where the word is in a take,
 * and the next free file name in the Speech Commands layout. */
#include <stdio.h>
#include <unistd.h>

#include "capture.h"

#define RATE KWS_RATE_HZ

/* Start of the 1 s window centred on the utterance: energy per 10 ms frame,
 * frames above 10% of the loudest (and well above the quietest) weigh in
 * the centre. Silence-only takes are centred on the take. */
size_t cap_take_centre(const int16_t *s, size_t n)
{
    enum { HOP = RATE / 100 };
    size_t frames = n / HOP;
    double e[CAP_TAKE_SAMPLES / HOP], mx = 0.0, mn = 1e300;
    if (n <= RATE) return 0;
    if (frames > CAP_TAKE_SAMPLES / HOP) frames = CAP_TAKE_SAMPLES / HOP;
    for (size_t f = 0; f < frames; f++) {
        double sum = 0.0;
        for (size_t i = 0; i < HOP; i++) sum += (double)s[f * HOP + i] * s[f * HOP + i];
        e[f] = sum / HOP;
        mx = e[f] > mx ? e[f] : mx;
        mn = e[f] < mn ? e[f] : mn;
    }
    double thr = 0.1 * mx, wsum = 0.0, csum = 0.0;
    if (mx < 4.0 * mn + 100.0) return (n - RATE) / 2;
    for (size_t f = 0; f < frames; f++)
        if (e[f] > thr) {
            wsum += e[f];
            csum += e[f] * ((double)f + 0.5) * HOP;
        }
    long c = (long)(csum / wsum), start = c - RATE / 2;
    if (start < 0) start = 0;
    if (start > (long)(n - RATE)) start = (long)(n - RATE);
    return (size_t)start;
}

void cap_take_next_path(const char *wdir, const char *speaker, char *path, size_t len)
{
    for (int i = 0;; i++) {
        snprintf(path, len, "%s/%s_nohash_%d.wav", wdir, speaker, i);
        if (access(path, F_OK) != 0) return;
    }
}
