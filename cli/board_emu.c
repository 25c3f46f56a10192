/* board_emu.c: the emulated board (the firmware core on QEMU's Cortex-M4F,
 * device/emu.c): `kwscope board emu` runs it until a signal and prints its
 * pty; `--port emu` (or `emu:ref`, the reference-loop image) starts one for
 * a single info/push/stream/timings command. */
#include <stdio.h>
#include <unistd.h>

#include "board_priv.h"

/* The path of --model for the image (NULL: the image's own model). */
static int emu_model(const struct board_opts *o, char *path, size_t len, const char **out)
{
    char err[256];
    *out = NULL;
    if (!o->model) return 0;
    if (mdl_model_find(o->model, KWSCOPE_DATADIR, path, len, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        return 1;
    }
    *out = path;
    return 0;
}

int board_emu_open(struct board_opts *o, struct dev_emu **emu)
{
    char path[4096], err[256] = "";
    const char *model;
    *emu = NULL;
    if (emu_model(o, path, sizeof path, &model)) return 1;
    const char *spec = o->port && dev_emu_spec(o->port, NULL) ? o->port : "emu";
    if (dev_emu_open(emu, spec, model, o->labels, o->mic, o->live_ms > 0 ? o->live_ms : 0, err,
                     sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        return 1;
    }
    o->port = dev_emu_path(*emu);
    o->emu = 1;
    return 0;
}

int board_emu(const struct board_opts *opts)
{
    struct board_opts o = *opts;
    struct dev_emu *e;
    double t0 = dev_now();
    if (board_emu_open(&o, &e)) return 1;
    struct dev_session *s = board_connect(&o);
    if (!s) {
        dev_emu_stop(e);
        return 1;
    }
    const struct dev_info *i = dev_session_info(s);
    printf("%s\n", dev_emu_path(e));
    printf("emulated board (QEMU mps2-an386, Cortex-M4F, timings are 64 MHz M4 estimates) on %s, "
           "ready in %.2f s: %s, model %s (crc32 %08x), mic %s\n",
           dev_emu_path(e), dev_now() - t0, i->firmware, i->model, (unsigned)i->model_hash,
           o.mic ? o.mic : "silence");
    fflush(stdout);
    dev_session_close(s);
    int st = 0;
    while (!board_stop && !dev_emu_exited(e, &st)) usleep(50000);
    int died = !board_stop;
    dev_emu_stop(e);
    if (died) fprintf(stderr, "kwscope board emu: the emulator exited (status %d)\n", st);
    return died;
}
