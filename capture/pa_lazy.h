/* pa_lazy.h: PortAudio loaded on first use (private to capture/).
 *
 * Linking libportaudio pulls in ALSA, JACK, Berkeley DB and libstdc++: about
 * 6 M instructions of dynamic loading at every start, three quarters of what
 * a one-clip command like `kwscope classify` costs. So the library is opened
 * with dlopen() only when a mic or a speaker is first wanted, and mic.c and
 * playback.c call it through this table under PortAudio's own names. Call
 * cap_pa_load() before the first Pa_* call of any entry point. */
#ifndef CAPTURE_PA_LAZY_H
#define CAPTURE_PA_LAZY_H

#include <portaudio.h>

#include "capture.h"

struct cap_pa {
    PaError (*Initialize)(void);
    PaError (*Terminate)(void);
    const char *(*GetErrorText)(PaError e);
    PaDeviceIndex (*GetDeviceCount)(void);
    PaDeviceIndex (*GetDefaultInputDevice)(void);
    PaDeviceIndex (*GetDefaultOutputDevice)(void);
    const PaDeviceInfo *(*GetDeviceInfo)(PaDeviceIndex d);
    const PaHostApiInfo *(*GetHostApiInfo)(PaHostApiIndex h);
    PaError (*IsFormatSupported)(const PaStreamParameters *in, const PaStreamParameters *out,
                                 double rate);
    PaError (*OpenStream)(PaStream **s, const PaStreamParameters *in, const PaStreamParameters *out,
                          double rate, unsigned long frames, PaStreamFlags flags,
                          PaStreamCallback *cb, void *user);
    PaError (*OpenDefaultStream)(PaStream **s, int in_ch, int out_ch, PaSampleFormat fmt,
                                 double rate, unsigned long frames, PaStreamCallback *cb,
                                 void *user);
    PaError (*StartStream)(PaStream *s);
    PaError (*StopStream)(PaStream *s);
    PaError (*AbortStream)(PaStream *s);
    PaError (*CloseStream)(PaStream *s);
    PaError (*IsStreamActive)(PaStream *s);
};

/* Filled by the first successful cap_pa_load(); read-only afterwards. */
extern struct cap_pa cap_pa;

/* Opens libportaudio once (thread-safe). KWS_ERR_UNSUPPORTED with a
 * one-line reason when it is not installed. */
enum kws_status cap_pa_load(char *err, size_t err_len);

#define Pa_Initialize cap_pa.Initialize
#define Pa_Terminate cap_pa.Terminate
#define Pa_GetErrorText cap_pa.GetErrorText
#define Pa_GetDeviceCount cap_pa.GetDeviceCount
#define Pa_GetDefaultInputDevice cap_pa.GetDefaultInputDevice
#define Pa_GetDefaultOutputDevice cap_pa.GetDefaultOutputDevice
#define Pa_GetDeviceInfo cap_pa.GetDeviceInfo
#define Pa_GetHostApiInfo cap_pa.GetHostApiInfo
#define Pa_IsFormatSupported cap_pa.IsFormatSupported
#define Pa_OpenStream cap_pa.OpenStream
#define Pa_OpenDefaultStream cap_pa.OpenDefaultStream
#define Pa_StartStream cap_pa.StartStream
#define Pa_StopStream cap_pa.StopStream
#define Pa_AbortStream cap_pa.AbortStream
#define Pa_CloseStream cap_pa.CloseStream
#define Pa_IsStreamActive cap_pa.IsStreamActive

#endif
