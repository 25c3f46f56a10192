/* capture.h: where audio comes from. Clips from files (libsndfile, any rate
 * and channel count, converted to 16 kHz mono int16 with libsamplerate), the
 * PC microphone (PortAudio), the lock-free ring between an audio thread and
 * the UI, and the recorder that writes WAV/FLAC as it goes.
 *
 * Everything here is below the UI: it never prints (errors go into
 * caller-owned buffers, diagnostics through kws_log). */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "common/kws.h"

#define CAP_RATE_HZ 16000 /* analysis rate: the board's */

/* ---- clips ------------------------------------------------------------ */

/* What the file was before conversion, for the info line. */
struct cap_format {
    int rate_hz;           /* original sample rate */
    int channels;          /* original channel count */
    int64_t frames;        /* original length in frames */
    char container[16];    /* "WAV", "FLAC", "OGG", ... */
    char encoding[24];     /* "PCM 16-bit", "float 32-bit", "Vorbis", ... */
};

/* A clip at the analysis rate. samples is owned by the clip. */
struct cap_clip {
    int16_t *samples;      /* 16 kHz mono */
    size_t n_samples;
    struct cap_format original;
};

/* Load any file libsndfile reads; downmix (mean of channels) and resample to
 * 16 kHz. Missing, empty, truncated, non-audio or zero-length files fail with
 * KWS_ERR_IO / KWS_ERR_FORMAT and a one-line message in err. */
enum kws_status cap_clip_load(const char *path, struct cap_clip *clip,
                              char *err, size_t err_len);
void cap_clip_free(struct cap_clip *clip);

/* Save 16-bit mono samples; the container follows the extension (.wav, .flac).
 * Refuses to replace an existing file unless overwrite is non-zero. */
enum kws_status cap_clip_save(const char *path, const int16_t *samples, size_t n,
                              int rate_hz, int overwrite, char *err, size_t err_len);

/* "WAV PCM 16-bit, 44100 Hz, stereo, 2.50 s" */
void cap_format_describe(const struct cap_format *f, char *buf, size_t len);

#endif
