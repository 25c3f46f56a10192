/* kws.c: status names, the log sink and the error-buffer helper. */
#include "kws.h"

#include <stdio.h>

const char *kws_status_str(enum kws_status st)
{
    switch (st) {
    case KWS_OK: return "ok";
    case KWS_ERR_ARG: return "invalid argument";
    case KWS_ERR_IO: return "i/o error";
    case KWS_ERR_FORMAT: return "bad format";
    case KWS_ERR_NOMEM: return "out of memory";
    case KWS_ERR_UNSUPPORTED: return "unsupported";
    case KWS_ERR_TIMEOUT: return "timed out";
    case KWS_ERR_CLOSED: return "closed";
    }
    return "unknown error";
}

static void log_stderr(enum kws_log_level level, const char *msg, void *user)
{
    static const char *names[] = { "debug", "info", "warning", "error" };
    (void)user;
    if (level >= KWS_LOG_INFO) fprintf(stderr, "kwscope: %s: %s\n", names[level], msg);
}

static kws_log_fn log_fn = log_stderr;
static void *log_user;

void kws_log_set(kws_log_fn fn, void *user)
{
    log_fn = fn ? fn : log_stderr;
    log_user = user;
}

void kws_log(enum kws_log_level level, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_fn(level, msg, log_user);
}

enum kws_status kws_err(char *buf, size_t len, enum kws_status st, const char *fmt, ...)
{
    if (buf && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, len, fmt, ap);
        va_end(ap);
    }
    return st;
}
