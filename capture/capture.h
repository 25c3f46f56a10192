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
#include <stdatomic.h>
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

/* ---- SPSC ring ---------------------------------------------------------- */

/* Lock-free single-producer single-consumer ring of int16 samples (C11
 * atomics, acquire/release). Exactly one thread writes (cap_ring_write) and
 * exactly one reads (cap_ring_read/available); overruns may be read from any
 * thread. Fields are private: use the functions. */
struct cap_ring {
    int16_t *buf;               /* capacity samples, owned */
    size_t capacity;            /* power of two */
    _Atomic size_t head;        /* samples ever written (producer) */
    _Atomic size_t tail;        /* samples ever read (consumer) */
    _Atomic uint64_t overruns;  /* samples dropped because the ring was full */
};

/* Capacity is min_capacity rounded up to a power of two (2..2^28). */
enum kws_status cap_ring_init(struct cap_ring *r, size_t min_capacity,
                              char *err, size_t err_len);
void cap_ring_free(struct cap_ring *r);
/* Producer: copies what fits, drops and counts the rest; never blocks.
 * Returns the number of samples written. Safe in an audio callback. */
size_t cap_ring_write(struct cap_ring *r, const int16_t *s, size_t n);
/* Consumer: copies up to max samples out; returns how many (0 when empty). */
size_t cap_ring_read(struct cap_ring *r, int16_t *out, size_t max);
/* Producer: free room now (a lower bound: the consumer may free more). */
size_t cap_ring_space(struct cap_ring *r);
/* Consumer: samples waiting. */
size_t cap_ring_available(struct cap_ring *r);
/* Samples dropped so far because the consumer did not keep up. */
uint64_t cap_ring_overruns(struct cap_ring *r);

#endif
