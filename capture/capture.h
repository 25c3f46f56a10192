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
#include <stdio.h>

#include "common/kws.h"

#define CAP_RATE_HZ KWS_RATE_HZ /* analysis rate: the board's */

/* ---- clips ------------------------------------------------------------ */

/* What the file was before conversion, for the info line. */
struct cap_format {
    int rate_hz;        /* original sample rate */
    int channels;       /* original channel count */
    int64_t frames;     /* original length in frames */
    char container[16]; /* "WAV", "FLAC", "OGG", ... */
    char encoding[24];  /* "PCM 16-bit", "float 32-bit", "Vorbis", ... */
};

/* A clip at the analysis rate. samples is owned by the clip. */
struct cap_clip {
    int16_t *samples; /* 16 kHz mono */
    size_t n_samples;
    struct cap_format original;
};

/* Load any file libsndfile reads; downmix (mean of channels) and resample to
 * 16 kHz. Missing, empty, truncated, non-audio or zero-length files fail with
 * KWS_ERR_IO / KWS_ERR_FORMAT and a one-line message in err. */
enum kws_status cap_clip_load(const char *path, struct cap_clip *clip, char *err, size_t err_len);
void cap_clip_free(struct cap_clip *clip);

/* Save 16-bit mono samples; the container follows the extension (.wav, .flac).
 * Refuses to replace an existing file unless overwrite is non-zero, and a
 * symbolic link always; written through cap_output_*, so a failure leaves
 * the previous file or none, never a partial clip. */
enum kws_status cap_clip_save(const char *path, const int16_t *samples, size_t n, int rate_hz,
                              int overwrite, char *err, size_t err_len);

/* "WAV PCM 16-bit, 44100 Hz, stereo, 2.50 s" */
void cap_format_describe(const struct cap_format *f, char *buf, size_t len);

/* ---- SPSC ring ---------------------------------------------------------- */

/* Lock-free single-producer single-consumer ring of int16 samples (C11
 * atomics, acquire/release). Exactly one thread writes (cap_ring_write) and
 * exactly one reads (cap_ring_read/available); overruns may be read from any
 * thread. Fields are private: use the functions. */
struct cap_ring {
    int16_t *buf;              /* capacity samples, owned */
    size_t capacity;           /* power of two */
    _Atomic size_t head;       /* samples ever written (producer) */
    _Atomic size_t tail;       /* samples ever read (consumer) */
    _Atomic uint64_t overruns; /* samples dropped because the ring was full */
};

/* Capacity is min_capacity rounded up to a power of two (2..2^28). */
enum kws_status cap_ring_init(struct cap_ring *r, size_t min_capacity, char *err, size_t err_len);
void cap_ring_free(struct cap_ring *r);
/* Producer: copies what fits, drops and counts the rest; never blocks.
 * Returns the number of samples written. Safe in an audio callback. */
size_t cap_ring_write(struct cap_ring *r, const int16_t *s, size_t n);
/* Producer: like cap_ring_write for interleaved audio, but only whole frames
 * go in (so the consumer never sees a split frame). Returns frames written. */
size_t cap_ring_write_frames(struct cap_ring *r, const int16_t *s, size_t frames, size_t channels);
/* Consumer: copies up to max samples out; returns how many (0 when empty). */
size_t cap_ring_read(struct cap_ring *r, int16_t *out, size_t max);
/* Producer: free room now (a lower bound: the consumer may free more). */
size_t cap_ring_space(struct cap_ring *r);
/* Consumer: samples waiting. */
size_t cap_ring_available(struct cap_ring *r);
/* Samples dropped so far because the consumer did not keep up. */
uint64_t cap_ring_overruns(struct cap_ring *r);

/* ---- sources -------------------------------------------------------------

   A source delivers 16 kHz mono int16 samples to one consumer thread (the
   dashboard's main loop, `kwscope record`). Implementations: the file source
   (capture/source_file.c), the PC mic (capture/mic.c) and the board's mic
   (device/). Life cycle:

       struct cap_source *src;            // made by a cap_*_source_open()
       cap_source_start(src, err, len);   // begins producing (mic: opens the stream)
       loop: n = cap_source_read(src, buf, max);   // never blocks; 0 = nothing yet
             if (!n && cap_source_finished(src)) break;   // file ended / device gone
       cap_source_stop(src);              // optional; close also stops
       cap_source_close(src);             // frees everything

   All functions are called from the consumer thread only; a source with its
   own audio thread (mic, board) moves samples through a cap_ring inside it.

   To implement a source: fill a static struct cap_source_ops and allocate a
   struct cap_source (embed it first in your own struct, or use impl). */

struct cap_counters {
    uint64_t input_overflows; /* samples (or callbacks, see source) lost before
                                 reaching us: PortAudio input-overflow flags,
                                 board sequence gaps */
    uint64_t ring_overruns;   /* samples dropped because the ring was full
                                 (consumer too slow) */
    uint64_t samples_read;    /* samples delivered by cap_source_read so far */
};

struct cap_source;

struct cap_source_ops {
    /* Begin producing. KWS_ERR_IO etc. with a message on failure. */
    enum kws_status (*start)(struct cap_source *s, char *err, size_t err_len);
    /* Stop producing (idempotent); samples already buffered stay readable. */
    void (*stop)(struct cap_source *s);
    /* Copy up to max samples (16 kHz mono int16) that are available now. */
    size_t (*read)(struct cap_source *s, int16_t *out, size_t max);
    /* Non-zero when no more samples will ever come (end of file, device lost). */
    int (*finished)(struct cap_source *s);
    /* Current counters (ring_overruns, input_overflows); may be NULL. */
    void (*counters)(struct cap_source *s, struct cap_counters *c);
    /* Free everything (after stop). */
    void (*destroy)(struct cap_source *s);
};

struct cap_source {
    const struct cap_source_ops *ops;
    char name[96];              /* "file demo.wav", "mic: default (hw:0)" ... */
    struct cap_format original; /* what the device/file delivers before conversion */
    uint64_t samples_read;      /* maintained by cap_source_read */
    void *impl;                 /* the implementation's state */
};

enum kws_status cap_source_start(struct cap_source *s, char *err, size_t err_len);
void cap_source_stop(struct cap_source *s);
size_t cap_source_read(struct cap_source *s, int16_t *out, size_t max);
int cap_source_finished(struct cap_source *s);
void cap_source_counters(struct cap_source *s, struct cap_counters *c);
void cap_source_close(struct cap_source *s); /* stops, then destroys; NULL ok */

/* File source: loads the clip (cap_clip_load) and plays it. paced != 0
 * releases samples at real time from start (for the live dashboard);
 * paced == 0 hands out everything at once. */
enum kws_status cap_file_source_open(const char *path, int paced, struct cap_source **out,
                                     char *err, size_t err_len);

/* ---- PC microphone (PortAudio) ------------------------------------------ */

/* Open the input device: device NULL or "" = default input; all digits =
 * PortAudio device index; otherwise the first input device whose name
 * contains it (case-insensitive). Opens 16 kHz mono int16 when the device
 * supports it, otherwise its default rate with up to 2 channels, downmixed and
 * resampled (libsamplerate, streaming, in cap_source_read, not in the
 * callback). No input device: KWS_ERR_IO "no audio input device". */
enum kws_status cap_mic_source_open(const char *device, struct cap_source **out, char *err,
                                    size_t err_len);

/* PortAudio initialisation, reference-counted (each successful init needs
 * one terminate). */
enum kws_status cap_pa_init(char *err, size_t err_len);
void cap_pa_terminate(void);

/* One line per device, for `kwscope devices`. */
struct cap_device_info {
    int index;
    char name[128];
    char host_api[32];
    int max_in, max_out; /* channel counts */
    double default_rate_hz;
    int is_default_in, is_default_out;
};
/* Fills up to max entries, returns the device count (or a negative status).
 * Needs cap_pa_init. */
int cap_devices_list(struct cap_device_info *out, int max, char *err, size_t err_len);

/* ---- stderr noise (PortAudio/ALSA/JACK print during initialisation) ------ */

/* $XDG_STATE_HOME/kwscope/kwscope.log, else ~/.local/state/kwscope/kwscope.log;
 * creates the folder. Returns buf, or NULL if no folder could be made. */
const char *cap_log_path(char *buf, size_t len);
/* Redirect fd 2 into the log (append). Returns a token for _end (the saved
 * fd), or -1 if redirection failed (stderr untouched). Calls may not nest. */
int cap_quiet_stderr_begin(void);
/* Restore fd 2 from the token (no-op for -1). The dashboard may simply never
 * call it, keeping stderr in the log for its whole run. */
void cap_quiet_stderr_end(int token);

/* ---- outputs: the policy for every file a command writes (output.c) ------
 * open: refuses an existing path unless force (and a folder always), creates
 * a temporary file beside it (mkstemp: never follows a symlink) and gives it
 * as fd and fp. Write through fp (or fd). commit: flush, fsync, then give it
 * the target's name (rename with force; link, which refuses a name that
 * appeared meanwhile, without); any error removes the temporary file, leaves
 * the old file and says "PATH: write failed (...)". abort: remove it. */
struct cap_output {
    char path[4096]; /* the target */
    char tmp[4200];  /* the temporary file beside it ("" when gone) */
    int fd;          /* open on tmp, -1 after commit/abort */
    FILE *fp;        /* stdio on fd */
    int force;
};
enum kws_status cap_output_open(struct cap_output *o, const char *path, int force, char *err,
                                size_t err_len);
enum kws_status cap_output_commit(struct cap_output *o, char *err, size_t err_len);
void cap_output_abort(struct cap_output *o);
/* A name from the command line or a board (word, speaker, label) that may
 * become one file or folder name: non-empty, at most 255 bytes, no '/' or
 * '\\', no control character, not starting with '.' (so never "." or ".."
 * or hidden). 1 if usable. */
int cap_name_is_component(const char *name);

/* ---- recorder ------------------------------------------------------------ */

/* Writes 16 kHz mono int16 to WAV (or FLAC, by extension) as samples arrive.
 * For WAV the RIFF/data sizes are rewritten at least every
 * CAP_RECORDER_UPDATE_SAMPLES samples, so a killed process leaves a valid
 * file missing at most that much. After a write error the recorder is failed:
 * further writes are refused and the error message says what happened; what
 * was written stays (close still fixes the header when it can). */
#define CAP_RECORDER_UPDATE_SAMPLES 8000 /* 0.5 s at 16 kHz */
struct cap_recorder;
enum kws_status cap_recorder_open(const char *path, int rate_hz, int overwrite,
                                  struct cap_recorder **out, char *err, size_t err_len);
enum kws_status cap_recorder_write(struct cap_recorder *r, const int16_t *s, size_t n, char *err,
                                   size_t err_len);
/* Samples written successfully so far. */
uint64_t cap_recorder_samples(const struct cap_recorder *r);
/* Finalise and free; returns the first error (if any) or a close error. */
enum kws_status cap_recorder_close(struct cap_recorder *r, char *err, size_t err_len);

/* ---- playback through the default PortAudio output (playback.c) ---- */

struct cap_player;

/* Opens PortAudio's default output at 16 kHz mono. Fails with a one-line
 * reason (e.g. "no audio output device") and leaves *out NULL. */
enum kws_status cap_player_open(struct cap_player **out, char *err, size_t err_len);
/* Plays samples[from, to). The samples must outlive playback. */
enum kws_status cap_player_start(struct cap_player *p, const int16_t *samples, size_t from,
                                 size_t to, char *err, size_t err_len);
/* Current sample index, or -1 when nothing is playing (stopped or finished). */
long cap_player_position(struct cap_player *p);
void cap_player_stop(struct cap_player *p);
void cap_player_close(struct cap_player *p);

/* ---- data-set takes (take.c) ---- */

#define CAP_TAKE_SAMPLES (2 * KWS_RATE_HZ) /* one take: 2 s around the word */

/* Start of the 1 s window centred on the utterance in a take of n samples
 * (at most CAP_TAKE_SAMPLES are looked at): the energy-weighted centre of
 * the loud 10 ms frames, the middle for silence. */
size_t cap_take_centre(const int16_t *s, size_t n);
/* wdir/SPEAKER_nohash_N.wav with the first N not taken yet. */
void cap_take_next_path(const char *wdir, const char *speaker, char *path, size_t len);

#endif
