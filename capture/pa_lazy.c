/* pa_lazy.c: dlopen() of libportaudio on first use; see pa_lazy.h for why. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "pa_lazy.h"

struct cap_pa cap_pa;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[200];

/* Each entry of the table, by its exported name. */
// clang-format off
#define ENTRIES(X) \
    X(Initialize) \
    X(Terminate) \
    X(GetErrorText) \
    X(GetDeviceCount) \
    X(GetDefaultInputDevice) \
    X(GetDefaultOutputDevice) \
    X(GetDeviceInfo) \
    X(GetHostApiInfo) \
    X(IsFormatSupported) \
    X(OpenStream) \
    X(OpenDefaultStream) \
    X(StartStream) \
    X(StopStream) \
    X(AbortStream) \
    X(CloseStream) \
    X(IsStreamActive)
// clang-format on

static void load(void)
{
    /* The soname Debian's libportaudio2 installs; the library stays loaded
     * for the life of the process. */
    void *h = dlopen("libportaudio.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "audio devices unavailable: %s",
                 why ? why : "cannot load libportaudio.so.2");
        return;
    }
    struct cap_pa t;
    void *sym;
#define LOOKUP(name) \
    if (!(sym = dlsym(h, "Pa_" #name))) { \
        snprintf(load_error, sizeof load_error, \
                 "audio devices unavailable: libportaudio " \
                 "lacks Pa_" #name); \
        return; \
    } \
    memcpy(&t.name, &sym, sizeof sym);
    ENTRIES(LOOKUP)
#undef LOOKUP
    cap_pa = t;
}

enum kws_status cap_pa_load(char *err, size_t err_len)
{
    pthread_once(&once, load);
    if (load_error[0]) return kws_err(err, err_len, KWS_ERR_UNSUPPORTED, "%s", load_error);
    return KWS_OK;
}
