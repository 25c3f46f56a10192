/* clip.c: whole files in and out through libsndfile.
 *
 * Loading reads the file as float (libsndfile normalises every integer
 * encoding to [-1, 1)), takes the mean of the channels, resamples to 16 kHz
 * with libsamplerate's SRC_SINC_MEDIUM_QUALITY converter (band-limited sinc,
 * ~121 dB SNR, 90 % bandwidth per libsamplerate's docs: good enough for speech
 * analysis and several times faster than SINC_BEST on minute-long clips), then
 * rounds to int16 with clipping. A 16 kHz file is never resampled, and a 16 kHz
 * mono 16-bit file is read as int16 directly, so it loads bit-exact. Saving
 * writes 16-bit PCM WAV or FLAC. */
#include "capture.h"
#include "clip_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Refuse files whose decoded size would be absurd for this tool: more than
 * 2^28 input samples (1 GiB of floats, ~46 min of 48 kHz stereo) or more
 * channels than any audio interface offers. */
#define CAP_MAX_IN_SAMPLES ((int64_t)1 << 28)
#define CAP_MAX_CHANNELS 64
/* How long a pipe or FIFO may stay silent before loading gives up. */
#define CAP_PIPE_WAIT_MS 10000

int16_t cap_float_to_s16(float x)
{
    float v = x * 32768.0f;
    if (!(v == v)) return 0; /* NaN */
    if (v >= 32767.0f) return 32767;
    if (v <= -32768.0f) return -32768;
    return (int16_t)lrintf(v);
}

static void describe_sf(int format, struct cap_format *f)
{
    const char *c = "?";
    switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV: c = "WAV"; break;
    case SF_FORMAT_WAVEX: c = "WAV"; break;
    case SF_FORMAT_RF64: c = "RF64"; break;
    case SF_FORMAT_AIFF: c = "AIFF"; break;
    case SF_FORMAT_AU: c = "AU"; break;
    case SF_FORMAT_FLAC: c = "FLAC"; break;
    case SF_FORMAT_OGG: c = "OGG"; break;
    case SF_FORMAT_W64: c = "W64"; break;
    case SF_FORMAT_CAF: c = "CAF"; break;
    case SF_FORMAT_RAW: c = "RAW"; break;
    default: c = "other"; break;
    }
    const char *e = "?";
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: e = "PCM 8-bit"; break;
    case SF_FORMAT_PCM_U8: e = "PCM 8-bit"; break;
    case SF_FORMAT_PCM_16: e = "PCM 16-bit"; break;
    case SF_FORMAT_PCM_24: e = "PCM 24-bit"; break;
    case SF_FORMAT_PCM_32: e = "PCM 32-bit"; break;
    case SF_FORMAT_FLOAT: e = "float 32-bit"; break;
    case SF_FORMAT_DOUBLE: e = "float 64-bit"; break;
    case SF_FORMAT_VORBIS: e = "Vorbis"; break;
    case SF_FORMAT_ULAW: e = "u-law"; break;
    case SF_FORMAT_ALAW: e = "A-law"; break;
    default: e = "other"; break;
    }
    snprintf(f->container, sizeof f->container, "%s", c);
    snprintf(f->encoding, sizeof f->encoding, "%s", e);
}

enum kws_status cap_resample_to_16k(const float *mono, size_t n, int rate_hz, int16_t **out,
                                    size_t *n_out, char *err, size_t err_len)
{
    *out = NULL;
    *n_out = 0;
    if (rate_hz == CAP_RATE_HZ) {
        int16_t *s = malloc((n ? n : 1) * sizeof *s);
        if (!s) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) s[i] = cap_float_to_s16(mono[i]);
        *out = s;
        *n_out = n;
        return KWS_OK;
    }
    double ratio = (double)CAP_RATE_HZ / rate_hz;
    size_t cap = (size_t)ceil((double)n * ratio) + 16;
    float *tmp = malloc(cap * sizeof *tmp);
    if (!tmp) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    SRC_DATA d = { 0 };
    d.data_in = mono;
    d.input_frames = (long)n;
    d.data_out = tmp;
    d.output_frames = (long)cap;
    d.src_ratio = ratio;
    int e = src_simple(&d, CAP_SRC_CONVERTER, 1);
    if (e) {
        free(tmp);
        return kws_err(err, err_len, KWS_ERR_FORMAT, "resampling from %d Hz: %s", rate_hz,
                       src_strerror(e));
    }
    size_t m = (size_t)d.output_frames_gen;
    int16_t *s = malloc((m ? m : 1) * sizeof *s);
    if (!s) {
        free(tmp);
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < m; i++) s[i] = cap_float_to_s16(tmp[i]);
    free(tmp);
    *out = s;
    *n_out = m;
    return KWS_OK;
}

/* Open an input without ever blocking for good: regular files, and pipes or
 * FIFOs once they have data (a FIFO nobody writes to would hold open() and
 * read() forever). Directories, devices and sockets are refused. Returns the
 * fd (blocking mode), -1 (I/O error) or -2 (not audio), with err filled. */
static int open_input(const char *path, char *err, size_t err_len)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) != 0) {
        kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        kws_err(err, err_len, KWS_ERR_IO, "%s: is a directory", path);
    } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
        kws_err(err, err_len, KWS_ERR_FORMAT, "%s: empty file", path);
        rc = -2;
    } else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
        kws_err(err, err_len, KWS_ERR_IO, "%s: not a regular file", path);
    } else if (S_ISFIFO(st.st_mode)) {
        /* a signal ends the wait too: poll is never restarted */
        struct pollfd p = { fd, POLLIN, 0 };
        int r = poll(&p, 1, CAP_PIPE_WAIT_MS);
        if (r < 0)
            kws_err(err, err_len, KWS_ERR_IO, "%s: interrupted while waiting for data", path);
        else if (r == 0)
            kws_err(err, err_len, KWS_ERR_IO, "%s: a pipe with no data after %d s (no writer?)",
                    path, CAP_PIPE_WAIT_MS / 1000);
        else
            rc = 0;
    } else {
        rc = 0;
    }
    if (rc == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0) return fd;
    close(fd);
    return rc;
}

static uint32_t le32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* libsndfile's messages for a WAV with an impossible format chunk are about
 * its internals ("SF_INFO struct incomplete"): find the real reason. */
static int wav_header_problem(const char *path, char *why, size_t len)
{
    unsigned char h[512];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st;
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, h, sizeof h) : -1;
    close(fd);
    if (n < 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) return 0;
    for (size_t off = 12; off + 8 <= (size_t)n;) {
        uint32_t size = le32(h + off + 4);
        if (!memcmp(h + off, "fmt ", 4) && off + 16 <= (size_t)n) {
            unsigned ch = h[off + 10] | h[off + 11] << 8;
            uint32_t rate = le32(h + off + 12);
            if (rate == 0 || rate > 768000)
                return snprintf(why, len, "invalid sample rate %lu", (unsigned long)rate) > 0;
            if (ch == 0) return snprintf(why, len, "invalid channel count 0") > 0;
            return 0;
        }
        if (size > (size_t)n) return 0;
        off += 8 + size + (size & 1);
    }
    return 0;
}

/* The board's own format (16 kHz mono 16-bit PCM) is read as it is: the
 * float route would give the same samples (x / 32768 * 32768 is exact) at
 * a third of a 60 s load's time spent converting. */
static enum kws_status load_s16(SNDFILE *sf, const char *path, size_t frames, struct cap_clip *clip,
                                char *err, size_t err_len)
{
    int16_t *s = malloc(frames * sizeof *s);
    if (!s) return kws_err(err, err_len, KWS_ERR_NOMEM, "%s: out of memory", path);
    sf_count_t got = sf_readf_short(sf, s, (sf_count_t)frames);
    if (got <= 0) {
        free(s);
        return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: no audio could be decoded (%s)", path,
                       sf_strerror(sf));
    }
    clip->samples = s;
    clip->n_samples = (size_t)got;
    clip->original.frames = (int64_t)got;
    return KWS_OK;
}

enum kws_status cap_clip_load(const char *path, struct cap_clip *clip, char *err, size_t err_len)
{
    memset(clip, 0, sizeof *clip);
    if (!path || !*path) return kws_err(err, err_len, KWS_ERR_ARG, "no file given");
    int fd = open_input(path, err, err_len);
    if (fd < 0) return fd == -2 ? KWS_ERR_FORMAT : KWS_ERR_IO;
    SF_INFO info = { 0 };
    SNDFILE *sf = sf_open_fd(fd, SFM_READ, &info, 1);
    if (!sf) {
        char why[64];
        if (wav_header_problem(path, why, sizeof why))
            return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: %s", path, why);
        return kws_err(err, err_len, KWS_ERR_FORMAT, "%s: not a readable audio file (%s)", path,
                       sf_strerror(NULL));
    }
    enum kws_status rc = KWS_OK;
    float *inter = NULL, *mono = NULL;
    if (info.channels < 1 || info.channels > CAP_MAX_CHANNELS) {
        rc = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: %d channels (1..%d allowed)", path,
                     info.channels, CAP_MAX_CHANNELS);
        goto done;
    }
    if (info.samplerate < 1000 || info.samplerate > 768000) {
        rc = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: sample rate %d Hz (1000..768000 allowed)",
                     path, info.samplerate);
        goto done;
    }
    if (info.frames <= 0) {
        rc = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: no audio frames", path);
        goto done;
    }
    if (info.frames > CAP_MAX_IN_SAMPLES / info.channels) {
        rc = kws_err(err, err_len, KWS_ERR_NOMEM, "%s: too long (%lld frames x %d channels)", path,
                     (long long)info.frames, info.channels);
        goto done;
    }
    size_t frames = (size_t)info.frames, ch = (size_t)info.channels;
    if (ch == 1 && info.samplerate == CAP_RATE_HZ &&
        (info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16) {
        rc = load_s16(sf, path, frames, clip, err, err_len);
        goto described;
    }
    inter = malloc(frames * ch * sizeof *inter);
    mono = malloc(frames * sizeof *mono);
    if (!inter || !mono) {
        rc = kws_err(err, err_len, KWS_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    sf_count_t got = sf_readf_float(sf, inter, (sf_count_t)frames);
    if (got <= 0) {
        rc = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: no audio could be decoded (%s)", path,
                     sf_strerror(sf));
        goto done;
    }
    /* A truncated data chunk yields fewer frames than the header promised:
     * keep what decoded, the format line still shows the header's length. */
    frames = (size_t)got;
    for (size_t i = 0; i < frames; i++) {
        double acc = 0;
        for (size_t c = 0; c < ch; c++) acc += inter[i * ch + c];
        mono[i] = (float)(acc / (double)ch);
    }
    rc = cap_resample_to_16k(mono, frames, info.samplerate, &clip->samples, &clip->n_samples, err,
                             err_len);
    if (rc != KWS_OK) goto done;
    if (clip->n_samples == 0) {
        free(clip->samples);
        clip->samples = NULL;
        rc = kws_err(err, err_len, KWS_ERR_FORMAT, "%s: too short to resample", path);
        goto done;
    }
    clip->original.frames = (int64_t)frames;
described:
    if (rc == KWS_OK) {
        clip->original.rate_hz = info.samplerate;
        clip->original.channels = info.channels;
        describe_sf(info.format, &clip->original);
    }
done:
    free(inter);
    free(mono);
    sf_close(sf);
    return rc;
}

void cap_clip_free(struct cap_clip *clip)
{
    if (!clip) return;
    free(clip->samples);
    clip->samples = NULL;
    clip->n_samples = 0;
}

enum kws_status cap_sf_format_for_path(const char *path, int *format, char *err, size_t err_len)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (dot && !strcasecmp(dot, ".wav"))
        *format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    else if (dot && !strcasecmp(dot, ".flac"))
        *format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    else
        return kws_err(err, err_len, KWS_ERR_ARG, "%s: unknown output type (use .wav or .flac)",
                       path ? path : "");
    return KWS_OK;
}

int cap_open_new(const char *path, int overwrite, char *err, size_t err_len)
{
    /* O_NOFOLLOW: --force replaces a file, never writes through a symlink */
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (overwrite ? O_TRUNC : O_EXCL);
    int fd = open(path, flags, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            kws_err(err, err_len, KWS_ERR_IO, "%s: exists (use --force to overwrite)", path);
        else if (errno == ELOOP)
            kws_err(err, err_len, KWS_ERR_IO, "%s: is a symbolic link (not followed)", path);
        else
            kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, strerror(errno));
    }
    return fd;
}

enum kws_status cap_clip_save(const char *path, const int16_t *samples, size_t n, int rate_hz,
                              int overwrite, char *err, size_t err_len)
{
    SF_INFO info = { 0 };
    enum kws_status rc = cap_sf_format_for_path(path, &info.format, err, err_len);
    if (rc != KWS_OK) return rc;
    if (rate_hz < 1000 || rate_hz > 768000)
        return kws_err(err, err_len, KWS_ERR_ARG, "sample rate %d Hz out of range", rate_hz);
    info.samplerate = rate_hz;
    info.channels = 1;
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return kws_err(err, err_len, KWS_ERR_IO, "%s: is a symbolic link (not followed)", path);
    /* Through the output policy: a clip is either all there or not at all
     * (a half-written take would poison a data set). */
    struct cap_output o;
    if ((rc = cap_output_open(&o, path, overwrite, err, err_len)) != KWS_OK) return rc;
    SNDFILE *sf = sf_open_fd(o.fd, SFM_WRITE, &info, 0);
    if (!sf) {
        cap_output_abort(&o);
        return kws_err(err, err_len, KWS_ERR_IO, "%s: %s", path, sf_strerror(NULL));
    }
    sf_count_t w = n ? sf_write_short(sf, samples, (sf_count_t)n) : 0;
    if (w != (sf_count_t)n)
        rc = kws_err(err, err_len, KWS_ERR_IO, "%s: write failed after %lld of %zu samples (%s)",
                     path, (long long)w, n, sf_strerror(sf));
    if (sf_close(sf) != 0 && rc == KWS_OK)
        rc = kws_err(err, err_len, KWS_ERR_IO, "%s: close failed", path);
    if (rc != KWS_OK) {
        cap_output_abort(&o);
        return rc;
    }
    return cap_output_commit(&o, err, err_len);
}

void cap_format_describe(const struct cap_format *f, char *buf, size_t len)
{
    if (!buf || !len) return;
    const char *chs = f->channels == 1 ? "mono" : f->channels == 2 ? "stereo" : NULL;
    double secs = f->rate_hz > 0 ? (double)f->frames / f->rate_hz : 0.0;
    if (chs)
        snprintf(buf, len, "%s %s, %d Hz, %s, %.2f s", f->container, f->encoding, f->rate_hz, chs,
                 secs);
    else
        snprintf(buf, len, "%s %s, %d Hz, %d channels, %.2f s", f->container, f->encoding,
                 f->rate_hz, f->channels, secs);
}
