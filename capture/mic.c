/* mic.c: the PC microphone through PortAudio.
 *
 * The stream is opened at 16 kHz mono int16 when Pa_IsFormatSupported says
 * so; then the callback's samples are already final. Otherwise it opens the
 * device's default rate with 1 or 2 channels of int16 and the consumer side
 * (cap_source_read) downmixes (mean) and resamples with a streaming
 * libsamplerate state (CAP_SRC_CONVERTER). The callback itself only copies
 * into a cap_ring and counts overflow flags with a relaxed atomic add: no
 * locks, allocation or logging, as PortAudio's docs ask of callbacks. */
#include "capture.h"
#include "clip_priv.h"
#include "pa_lazy.h"

#include <ctype.h>
#include <samplerate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIC_RING_SECONDS 4 /* ring holds this much audio (at the device rate) */
#define MIC_STAGE 4096     /* float frames staged for the resampler */

struct mic_src {
    struct cap_source base;
    PaStream *stream;
    struct cap_ring ring;       /* interleaved int16 at the device rate */
    _Atomic uint64_t overflows; /* callbacks with paInputOverflow */
    int rate_hz, channels;
    int direct; /* 16 kHz mono: no conversion */
    SRC_STATE *src;
    float stage[MIC_STAGE]; /* mono float waiting for the resampler */
    size_t staged;
    int16_t raw[MIC_STAGE * 2];
    float conv[MIC_STAGE];
    int running, lost;
};

static int pa_refs;

enum kws_status cap_pa_init(char *err, size_t err_len)
{
    if (pa_refs > 0) {
        pa_refs++;
        return KWS_OK;
    }
    enum kws_status st = cap_pa_load(err, err_len);
    if (st != KWS_OK) return st;
    PaError e = Pa_Initialize();
    if (e != paNoError)
        return kws_err(err, err_len, KWS_ERR_IO, "cannot initialise PortAudio: %s",
                       Pa_GetErrorText(e));
    pa_refs = 1;
    return KWS_OK;
}

void cap_pa_terminate(void)
{
    if (pa_refs > 0 && --pa_refs == 0) Pa_Terminate();
}

static int mic_callback(const void *input, void *output, unsigned long frames,
                        const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags,
                        void *user)
{
    struct mic_src *m = user;
    if (flags & paInputOverflow) atomic_fetch_add_explicit(&m->overflows, 1, memory_order_relaxed);
    if (input) cap_ring_write_frames(&m->ring, input, frames, (size_t)m->channels);
    return paContinue;
}

static enum kws_status mic_start(struct cap_source *s, char *err, size_t err_len)
{
    struct mic_src *m = s->impl;
    if (m->running) return KWS_OK;
    PaError e = Pa_StartStream(m->stream);
    if (e != paNoError)
        return kws_err(err, err_len, KWS_ERR_IO, "cannot start input: %s", Pa_GetErrorText(e));
    m->running = 1;
    return KWS_OK;
}

static void mic_stop(struct cap_source *s)
{
    struct mic_src *m = s->impl;
    if (!m->running) return;
    Pa_StopStream(m->stream);
    m->running = 0;
}

/* Fill the staging buffer from the ring: interleaved int16 -> mono float. */
static void mic_stage(struct mic_src *m)
{
    size_t room = MIC_STAGE - m->staged, ch = (size_t)m->channels;
    size_t frames = cap_ring_read(&m->ring, m->raw, room * ch) / ch;
    /* the ring is written in whole frames, so reads stay frame-aligned as
     * long as we only ask for whole frames (room * ch). */
    for (size_t i = 0; i < frames; i++) {
        int acc = 0;
        for (size_t c = 0; c < ch; c++) acc += m->raw[i * ch + c];
        m->stage[m->staged + i] = (float)acc / (float)ch / 32768.0f;
    }
    m->staged += frames;
}

static size_t mic_read(struct cap_source *s, int16_t *out, size_t max)
{
    struct mic_src *m = s->impl;
    if (m->direct) return cap_ring_read(&m->ring, out, max);
    size_t done = 0;
    while (done < max) {
        mic_stage(m);
        size_t cap = max - done < MIC_STAGE ? max - done : MIC_STAGE;
        SRC_DATA d = { 0 };
        d.data_in = m->stage;
        d.input_frames = (long)m->staged;
        d.data_out = m->conv;
        d.output_frames = (long)cap;
        d.src_ratio = (double)CAP_RATE_HZ / m->rate_hz;
        if (src_process(m->src, &d) != 0) break;
        for (long i = 0; i < d.output_frames_gen; i++)
            out[done + (size_t)i] = cap_float_to_s16(m->conv[i]);
        done += (size_t)d.output_frames_gen;
        size_t used = (size_t)d.input_frames_used;
        memmove(m->stage, m->stage + used, (m->staged - used) * sizeof *m->stage);
        m->staged -= used;
        if (d.output_frames_gen == 0 && used == 0) break;
    }
    return done;
}

static int mic_finished(struct cap_source *s)
{
    struct mic_src *m = s->impl;
    if (m->running && Pa_IsStreamActive(m->stream) == 0)
        m->lost = 1; /* the stream ended by itself: the device is gone */
    return m->lost && cap_ring_available(&m->ring) < (size_t)m->channels;
}

static void mic_counters(struct cap_source *s, struct cap_counters *c)
{
    struct mic_src *m = s->impl;
    c->input_overflows = atomic_load_explicit(&m->overflows, memory_order_relaxed);
    c->ring_overruns = cap_ring_overruns(&m->ring);
}

static void mic_destroy(struct cap_source *s)
{
    struct mic_src *m = s->impl;
    if (m->stream) Pa_CloseStream(m->stream);
    if (m->src) src_delete(m->src);
    cap_ring_free(&m->ring);
    cap_pa_terminate();
    free(m);
}

static const struct cap_source_ops mic_ops = {
    .start = mic_start,
    .stop = mic_stop,
    .read = mic_read,
    .finished = mic_finished,
    .counters = mic_counters,
    .destroy = mic_destroy,
};

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n) return 1;
    }
    return n == 0;
}

static PaDeviceIndex find_device(const char *spec, char *err, size_t err_len)
{
    int count = Pa_GetDeviceCount();
    if (count < 0) {
        kws_err(err, err_len, KWS_ERR_IO, "cannot list audio devices: %s", Pa_GetErrorText(count));
        return paNoDevice;
    }
    if (!spec || !*spec) {
        PaDeviceIndex d = Pa_GetDefaultInputDevice();
        if (d == paNoDevice) kws_err(err, err_len, KWS_ERR_IO, "no audio input device");
        return d;
    }
    int digits = 1;
    for (const char *p = spec; *p; p++) digits &= isdigit((unsigned char)*p) != 0;
    if (digits) {
        long i = strtol(spec, NULL, 10);
        const PaDeviceInfo *di = i < count ? Pa_GetDeviceInfo((PaDeviceIndex)i) : NULL;
        if (!di || di->maxInputChannels < 1) {
            kws_err(err, err_len, KWS_ERR_ARG,
                    "device %s: no such input device (see kwscope devices)", spec);
            return paNoDevice;
        }
        return (PaDeviceIndex)i;
    }
    for (int i = 0; i < count; i++) {
        const PaDeviceInfo *di = Pa_GetDeviceInfo(i);
        if (di && di->maxInputChannels > 0 && contains_ci(di->name, spec)) return i;
    }
    kws_err(err, err_len, KWS_ERR_ARG,
            "device \"%s\": no input device matches (see kwscope devices)", spec);
    return paNoDevice;
}

enum kws_status cap_mic_source_open(const char *device, struct cap_source **out, char *err,
                                    size_t err_len)
{
    *out = NULL;
    enum kws_status st = cap_pa_init(err, err_len);
    if (st != KWS_OK) return st;
    PaDeviceIndex dev = find_device(device, err, err_len);
    if (dev == paNoDevice) {
        cap_pa_terminate();
        return device && *device ? KWS_ERR_ARG : KWS_ERR_IO;
    }
    const PaDeviceInfo *di = Pa_GetDeviceInfo(dev);
    struct mic_src *m = calloc(1, sizeof *m);
    if (!m) {
        cap_pa_terminate();
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    }
    m->base.ops = &mic_ops;
    m->base.impl = m;
    snprintf(m->base.name, sizeof m->base.name, "mic %d: %s", dev, di->name);
    atomic_init(&m->overflows, 0);

    PaStreamParameters in = { 0 };
    in.device = dev;
    in.channelCount = 1;
    in.sampleFormat = paInt16;
    in.suggestedLatency = di->defaultLowInputLatency;
    /* KWSCOPE_MIC_FORMAT=RATE:CHANNELS forces the stream format: for devices
     * that claim 16 kHz but do it badly, and for tests of the conversion path
     * (ALSA's file plugin accepts any format, so it never needs conversion). */
    const char *force = getenv("KWSCOPE_MIC_FORMAT");
    int f_rate = 0, f_ch = 0;
    if (force && sscanf(force, "%d:%d", &f_rate, &f_ch) == 2 && f_rate >= 1000 &&
        f_rate <= 768000 && f_ch >= 1 && f_ch <= 2 && f_ch <= di->maxInputChannels) {
        m->rate_hz = f_rate;
        m->channels = f_ch;
        m->direct = f_rate == CAP_RATE_HZ && f_ch == 1;
        in.channelCount = f_ch;
    } else if (Pa_IsFormatSupported(&in, NULL, CAP_RATE_HZ) == paFormatIsSupported) {
        m->rate_hz = CAP_RATE_HZ;
        m->channels = 1;
        m->direct = 1;
    } else {
        m->rate_hz = (int)(di->defaultSampleRate + 0.5);
        m->channels = di->maxInputChannels >= 2 ? 2 : 1;
        in.channelCount = m->channels;
    }
    char e2[128];
    st = cap_ring_init(&m->ring, (size_t)m->rate_hz * (size_t)m->channels * MIC_RING_SECONDS, e2,
                       sizeof e2);
    if (st != KWS_OK) {
        mic_destroy(&m->base);
        return kws_err(err, err_len, st, "%s", e2);
    }
    if (!m->direct) {
        int se = 0;
        m->src = src_new(CAP_SRC_CONVERTER, 1, &se);
        if (!m->src) {
            mic_destroy(&m->base);
            return kws_err(err, err_len, KWS_ERR_NOMEM, "resampler: %s", src_strerror(se));
        }
    }
    PaError pe = Pa_OpenStream(&m->stream, &in, NULL, m->rate_hz, paFramesPerBufferUnspecified,
                               paNoFlag, mic_callback, m);
    if (pe != paNoError) {
        m->stream = NULL;
        mic_destroy(&m->base);
        return kws_err(err, err_len, KWS_ERR_IO, "cannot open input device %d (%s) at %d Hz: %s",
                       dev, di->name, m->rate_hz, Pa_GetErrorText(pe));
    }
    m->base.original.rate_hz = m->rate_hz;
    m->base.original.channels = m->channels;
    snprintf(m->base.original.container, sizeof m->base.original.container, "mic");
    snprintf(m->base.original.encoding, sizeof m->base.original.encoding, "PCM 16-bit");
    kws_log(KWS_LOG_INFO, "%s: %d Hz, %d ch%s", m->base.name, m->rate_hz, m->channels,
            m->direct ? "" : " (resampled to 16 kHz mono)");
    *out = &m->base;
    return KWS_OK;
}

int cap_devices_list(struct cap_device_info *out, int max, char *err, size_t err_len)
{
    int count = Pa_GetDeviceCount();
    if (count < 0)
        return kws_err(err, err_len, KWS_ERR_IO, "cannot list audio devices: %s",
                       Pa_GetErrorText(count));
    PaDeviceIndex din = Pa_GetDefaultInputDevice(), dout = Pa_GetDefaultOutputDevice();
    for (int i = 0; i < count && i < max; i++) {
        const PaDeviceInfo *di = Pa_GetDeviceInfo(i);
        struct cap_device_info *o = &out[i];
        memset(o, 0, sizeof *o);
        o->index = i;
        if (!di) continue;
        snprintf(o->name, sizeof o->name, "%s", di->name);
        const PaHostApiInfo *h = Pa_GetHostApiInfo(di->hostApi);
        snprintf(o->host_api, sizeof o->host_api, "%s", h ? h->name : "?");
        o->max_in = di->maxInputChannels;
        o->max_out = di->maxOutputChannels;
        o->default_rate_hz = di->defaultSampleRate;
        o->is_default_in = i == din;
        o->is_default_out = i == dout;
    }
    return count;
}
