/* recorder.c: write audio as it arrives, crash-safe.
 *
 * libsndfile writes the samples straight through; every
 * CAP_RECORDER_UPDATE_SAMPLES we ask it to rewrite the header now
 * (SFC_UPDATE_HEADER_NOW), so the RIFF and data chunk sizes on disk never lag
 * more than 0.5 s behind the data, whatever the size of the caller's chunks. A SIGKILL then leaves a valid WAV that
 * ends at the last update (readers that trust the header stop there). */
#include "capture.h"
#include "clip_priv.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cap_recorder {
    SNDFILE *sf;
    char path[512];
    uint64_t written, since_update;
    enum kws_status failed;
    char why[1024];
};

enum kws_status cap_recorder_open(const char *path, int rate_hz, int overwrite,
                                  struct cap_recorder **out, char *err, size_t err_len)
{
    *out = NULL;
    SF_INFO info = { 0 };
    enum kws_status st = cap_sf_format_for_path(path, &info.format, err, err_len);
    if (st != KWS_OK) return st;
    if (rate_hz < 1000 || rate_hz > 768000)
        return kws_err(err, err_len, KWS_ERR_ARG, "sample rate %d Hz out of range", rate_hz);
    info.samplerate = rate_hz;
    info.channels = 1;
    struct cap_recorder *r = calloc(1, sizeof *r);
    if (!r) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    snprintf(r->path, sizeof r->path, "%s", path);
    int fd = cap_open_new(path, overwrite, err, err_len);
    if (fd < 0) {
        free(r);
        return KWS_ERR_IO;
    }
    r->sf = sf_open_fd(fd, SFM_WRITE, &info, 1);
    if (!r->sf) {
        st = kws_err(err, err_len, KWS_ERR_IO, "%s: cannot write: %s", path, sf_strerror(NULL));
        close(fd);
        free(r);
        return st;
    }
    /* Header on disk from the start: a kill before the first update still
     * leaves a valid (empty) WAV. */
    sf_command(r->sf, SFC_UPDATE_HEADER_NOW, NULL, 0);
    *out = r;
    return KWS_OK;
}

enum kws_status cap_recorder_write(struct cap_recorder *r, const int16_t *s, size_t n, char *err,
                                   size_t err_len)
{
    if (r->failed) return kws_err(err, err_len, r->failed, "%s", r->why);
    /* Written in pieces that end on an update boundary: a chunk that
     * straddles one (a board's 512-sample chunk) would otherwise leave up to
     * a chunk more than the promised interval outside the header. */
    while (n) {
        size_t room = CAP_RECORDER_UPDATE_SAMPLES - (size_t)r->since_update;
        size_t part = n < room ? n : room;
        sf_count_t w = sf_write_short(r->sf, s, (sf_count_t)part);
        if (w > 0) r->written += (uint64_t)w;
        if (w != (sf_count_t)part) {
            r->failed = KWS_ERR_IO;
            snprintf(r->why, sizeof r->why, "%s: write failed after %.2f s (%s); recording stopped",
                     r->path, (double)r->written / CAP_RATE_HZ, sf_strerror(r->sf));
            return kws_err(err, err_len, r->failed, "%s", r->why);
        }
        r->since_update += (uint64_t)w;
        if (r->since_update >= CAP_RECORDER_UPDATE_SAMPLES) {
            sf_command(r->sf, SFC_UPDATE_HEADER_NOW, NULL, 0);
            r->since_update = 0;
        }
        s += part;
        n -= part;
    }
    return KWS_OK;
}

uint64_t cap_recorder_samples(const struct cap_recorder *r)
{
    return r ? r->written : 0;
}

enum kws_status cap_recorder_close(struct cap_recorder *r, char *err, size_t err_len)
{
    if (!r) return KWS_OK;
    enum kws_status st = KWS_OK;
    if (r->failed) st = kws_err(err, err_len, r->failed, "%s", r->why);
    if (sf_close(r->sf) != 0 && st == KWS_OK)
        st = kws_err(err, err_len, KWS_ERR_IO, "%s: close failed", r->path);
    free(r);
    return st;
}
