/* kws.h: the few things every layer shares: status codes and logging.
 *
 * Lower layers never print while curses owns the screen; they log through a
 * callback that the top layer (tui/) installs (stderr by default). */
#ifndef KWS_H
#define KWS_H

#include <stdarg.h>
#include <stddef.h>

/* The board's audio and feature contract, one definition for every layer:
 * 16 kHz mono int16 audio (the Nano 33 BLE Sense's PDM rate), and the micro
 * frontend as micro_speech configures it (30 ms window, 20 ms stride, 40
 * channels), so one second is 1 + (16000 - 480) / 320 = 49 frames. */
#define KWS_RATE_HZ 16000
#define KWS_CLIP_SAMPLES KWS_RATE_HZ /* one second: what a model classifies */
#define KWS_WINDOW_SAMPLES 480       /* 30 ms */
#define KWS_STRIDE_SAMPLES 320       /* 20 ms */
#define KWS_STRIDE_MS 20
#define KWS_FEATURE_FRAMES (1 + (KWS_CLIP_SAMPLES - KWS_WINDOW_SAMPLES) / KWS_STRIDE_SAMPLES)
#define KWS_FEATURE_CHANNELS 40

/* Result of any function that can fail: 0 is success, negative an error.
 * Where details matter the function also fills a caller-owned message buffer. */
enum kws_status {
    KWS_OK = 0,
    KWS_ERR_ARG = -1,         /* invalid argument or configuration */
    KWS_ERR_IO = -2,          /* file or device read/write failed */
    KWS_ERR_FORMAT = -3,      /* malformed or unsupported input data */
    KWS_ERR_NOMEM = -4,       /* allocation failed or size absurd */
    KWS_ERR_UNSUPPORTED = -5, /* valid but not handled (op, type, feature) */
    KWS_ERR_TIMEOUT = -6,     /* a peer did not answer in time */
    KWS_ERR_CLOSED = -7,      /* the peer or stream went away */
};

/* Short English name of a status ("bad format", ...); static storage. */
const char *kws_status_str(enum kws_status st);

enum kws_log_level { KWS_LOG_DEBUG, KWS_LOG_INFO, KWS_LOG_WARN, KWS_LOG_ERROR };

/* Log sink. msg is one line without a trailing newline. */
typedef void (*kws_log_fn)(enum kws_log_level level, const char *msg, void *user);

/* Install a sink (NULL restores the default, which writes to stderr). */
void kws_log_set(kws_log_fn fn, void *user);
void kws_log(enum kws_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* snprintf into a caller's error buffer; buf may be NULL. Returns st, so a
 * failing path reads `return kws_err(err, err_len, KWS_ERR_IO, "...", ...)`. */
enum kws_status kws_err(char *buf, size_t len, enum kws_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
