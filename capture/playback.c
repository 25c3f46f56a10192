/* playback.c: clip playback with a PortAudio callback stream.
 *
 * The callback only copies samples and publishes the position through an
 * atomic, so the UI can draw a moving play head without locks. */
#include "capture.h"
#include "pa_lazy.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct cap_player {
    PaStream *stream;
    const int16_t *samples;
    size_t end;
    atomic_long pos; /* next sample to play; -1 when finished */
};

static int play_cb(const void *in, void *out, unsigned long frames,
                   const PaStreamCallbackTimeInfo *ti, PaStreamCallbackFlags flags, void *user)
{
    (void)in;
    (void)ti;
    (void)flags;
    struct cap_player *p = user;
    int16_t *o = out;
    long pos = atomic_load_explicit(&p->pos, memory_order_relaxed);
    size_t avail = pos >= 0 && (size_t)pos < p->end ? p->end - (size_t)pos : 0;
    size_t n = avail < frames ? avail : frames;
    if (n) memcpy(o, p->samples + pos, n * sizeof *o);
    memset(o + n, 0, (frames - n) * sizeof *o);
    atomic_store_explicit(&p->pos, n < frames ? -1 : pos + (long)n, memory_order_release);
    return n < frames ? paComplete : paContinue;
}

enum kws_status cap_player_open(struct cap_player **out, char *err, size_t err_len)
{
    *out = NULL;
    if (cap_pa_load(err, err_len) != KWS_OK) return KWS_ERR_IO;
    if (Pa_Initialize() != paNoError)
        return kws_err(err, err_len, KWS_ERR_IO,
                       "audio output unavailable (PortAudio failed to start)");
    if (Pa_GetDefaultOutputDevice() == paNoDevice) {
        Pa_Terminate();
        return kws_err(err, err_len, KWS_ERR_IO, "no audio output device: cannot play");
    }
    struct cap_player *p = calloc(1, sizeof *p);
    if (!p) {
        Pa_Terminate();
        return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    }
    atomic_init(&p->pos, -1);
    *out = p;
    return KWS_OK;
}

enum kws_status cap_player_start(struct cap_player *p, const int16_t *samples, size_t from,
                                 size_t to, char *err, size_t err_len)
{
    cap_player_stop(p);
    if (from >= to) return kws_err(err, err_len, KWS_ERR_ARG, "nothing to play");
    p->samples = samples;
    p->end = to;
    atomic_store(&p->pos, (long)from);
    PaError e = Pa_OpenDefaultStream(&p->stream, 0, 1, paInt16, CAP_RATE_HZ,
                                     paFramesPerBufferUnspecified, play_cb, p);
    if (e == paNoError) e = Pa_StartStream(p->stream);
    if (e != paNoError) {
        if (p->stream) Pa_CloseStream(p->stream);
        p->stream = NULL;
        atomic_store(&p->pos, -1);
        return kws_err(err, err_len, KWS_ERR_IO, "cannot play: %s", Pa_GetErrorText(e));
    }
    return KWS_OK;
}

long cap_player_position(struct cap_player *p)
{
    return p ? atomic_load_explicit(&p->pos, memory_order_acquire) : -1;
}

void cap_player_stop(struct cap_player *p)
{
    if (!p || !p->stream) return;
    Pa_AbortStream(p->stream);
    Pa_CloseStream(p->stream);
    p->stream = NULL;
    atomic_store(&p->pos, -1);
}

void cap_player_close(struct cap_player *p)
{
    if (!p) return;
    cap_player_stop(p);
    free(p);
    Pa_Terminate();
}
