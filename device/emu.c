/* emu.c: the emulated board. The firmware core built for the Cortex-M4F
 * (device/firmware/emu/) run by qemu-system-arm on the mps2-an386 machine,
 * its UART on a pseudo-terminal that any session opens like a board's port.
 *
 * The pty is ours: QEMU's serial is its stdio, which is the pty's master
 * (QEMU's own "-serial pty" offers no way to learn the path from a pipe and
 * polls for a reader once a second). We keep the slave open for QEMU's whole
 * life, so a session may close and reopen the port without QEMU reading a
 * hang-up. QEMU must never outlive us: the child asks the kernel for SIGTERM
 * when its parent dies (PR_SET_PDEATHSIG, also on SIGKILL of kwscope), and
 * dev_emu_stop terminates and reaps it.
 *
 * A model other than the image's own and a mic clip reach the board through
 * QEMU's generic loader, from unlinked temporary files handed down as
 * /dev/fd/N: nothing is left in /tmp whatever happens to either process.
 * Their layout is emu_main.c's (struct emu_model_slot, emu_mic_slot). */
#define _GNU_SOURCE /* posix_openpt, grantpt, unlockpt, ptsname, prctl */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "device.h"

#ifndef DEV_EMU_ELF_DIR
#define DEV_EMU_ELF_DIR "."
#endif

#define SLOT_MODEL 0x000C0000u
#define SLOT_MIC 0x21000000u
#define SLOT_MODEL_MAX (256u * 1024u - 128u)
#define MIC_MAX (4u * 1024u * 1024u / 2u - 8u)

struct dev_emu {
    pid_t pid;
    int slave; /* held open: see above */
    char path[64];
    char elf[4096];
};

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* An unlinked temporary file holding head then body; its fd (inherited by
 * QEMU) or -1. */
static int blob(const void *head, size_t nh, const void *body, size_t nb)
{
    char tmpl[] = "/tmp/kwscope-emu-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) return -1;
    unlink(tmpl);
    if (write(fd, head, nh) != (ssize_t)nh || (nb && write(fd, body, nb) != (ssize_t)nb)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int model_blob(const struct dev_emu_config *c, char *err, size_t err_len)
{
    if (c->model_n > SLOT_MODEL_MAX) {
        kws_err(err, err_len, KWS_ERR_ARG, "model of %zu bytes: the emulated board's slot holds %u",
                c->model_n, SLOT_MODEL_MAX);
        return -1;
    }
    uint8_t h[128] = { 0 };
    put32(h, 0x4D53574Bu);
    put32(h + 4, (uint32_t)c->model_n);
    put32(h + 8, (uint32_t)(c->live_ms > 0 ? c->live_ms : 0));
    if (c->model_name) snprintf((char *)h + 16, 32, "%s", c->model_name);
    if (c->labels) {
        if (strlen(c->labels) >= 80) {
            kws_err(err, err_len, KWS_ERR_ARG,
                    "labels: at most 79 characters on the emulated board");
            return -1;
        }
        memcpy(h + 48, c->labels, strlen(c->labels));
    }
    return blob(h, sizeof h, c->model, c->model_n);
}

static int mic_blob(const struct dev_emu_config *c)
{
    uint8_t h[16] = { 0 };
    size_t n = c->mic_n < MIC_MAX ? c->mic_n : MIC_MAX;
    put32(h, 0x4D53574Cu);
    put32(h + 4, (uint32_t)n);
    put32(h + 8, c->mic_preload ? 1u : 0u); /* emu_main.c's EMU_MIC_PRELOAD */
    uint8_t *le = malloc(n * 2);
    if (!le) return -1;
    for (size_t i = 0; i < n; i++) {
        le[2 * i] = (uint8_t)(c->mic[i] & 0xff);
        le[2 * i + 1] = (uint8_t)((uint16_t)c->mic[i] >> 8);
    }
    int fd = blob(h, sizeof h, le, n * 2);
    free(le);
    return fd;
}

static int raw_pty(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) < 0) return -1;
    cfmakeraw(&t);
    t.c_oflag &= ~(tcflag_t)(OPOST | ONLCR);
    return tcsetattr(fd, TCSANOW, &t);
}

/* In the child: become QEMU, dying with our parent. Never returns. */
static void exec_qemu(const struct dev_emu_config *c, pid_t parent, int master, int mfd, int kfd)
{
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127); /* the parent died before prctl */
    dup2(master, 0);
    dup2(master, 1);
    int log = open(c->log_path ? c->log_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) dup2(log, 2);
    char elf[4200], mic[96], mdl[96];
    snprintf(elf, sizeof elf, "%s", c->elf);
    snprintf(mic, sizeof mic, "loader,file=/dev/fd/%d,addr=0x%x,force-raw=on", mfd, SLOT_MIC);
    snprintf(mdl, sizeof mdl, "loader,file=/dev/fd/%d,addr=0x%x,force-raw=on", kfd, SLOT_MODEL);
    const char *fixed[] = {
        "-M",      "mps2-an386",    "-cpu",    "cortex-m4", "-icount",
        "shift=0", "-nodefaults",   "-nic",    "none",      "-display",
        "none",    "-monitor",      "none",    "-chardev",  "stdio,id=uart0,signal=off",
        "-serial", "chardev:uart0", "-kernel", elf
    };
    /* the program, the fixed part, two loader devices, the end */
    const char *argv[1 + sizeof fixed / sizeof fixed[0] + 4 + 1];
    int n = 0;
    argv[n++] = c->qemu ? c->qemu : "qemu-system-arm";
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) argv[n++] = fixed[i];
    if (kfd >= 0) {
        argv[n++] = "-device";
        argv[n++] = mdl;
    }
    if (mfd >= 0) {
        argv[n++] = "-device";
        argv[n++] = mic;
    }
    argv[n] = NULL;
    execvp(argv[0], (char *const *)argv);
    fprintf(stderr, "kwscope: %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

enum kws_status dev_emu_start(struct dev_emu **out, const struct dev_emu_config *c, char *err,
                              size_t err_len)
{
    *out = NULL;
    struct dev_emu_config cc = *c;
    char elf[4096];
    if (!cc.elf) {
        const char *env = getenv("KWSCOPE_EMU_ELF");
        snprintf(elf, sizeof elf, "%s/kwscope_emu%s.elf", env && *env ? env : DEV_EMU_ELF_DIR,
                 cc.reference ? "_ref" : "");
        cc.elf = elf;
    }
    c = &cc;
    if (access(c->elf, R_OK) != 0)
        return kws_err(err, err_len, KWS_ERR_IO,
                       "emulated board firmware %s: %s (build it "
                       "with arm-none-eabi-gcc, or set KWSCOPE_EMU_ELF to its folder)",
                       c->elf, strerror(errno));
    struct dev_emu *e = calloc(1, sizeof *e);
    if (!e) return kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
    e->slave = -1;
    snprintf(e->elf, sizeof e->elf, "%s", c->elf);
    int master = posix_openpt(O_RDWR | O_NOCTTY), kfd = -1, mfd = -1;
    const char *name =
        master >= 0 && !grantpt(master) && !unlockpt(master) ? ptsname(master) : NULL;
    if (!name || raw_pty(master) < 0 ||
        snprintf(e->path, sizeof e->path, "%s", name) >= (int)sizeof e->path ||
        (e->slave = open(e->path, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 || raw_pty(e->slave) < 0) {
        kws_err(err, err_len, KWS_ERR_IO, "emulated board: cannot make a pty: %s", strerror(errno));
        goto fail;
    }
    if (c->model && (kfd = model_blob(c, err, err_len)) < 0) {
        if (!err || !*err)
            kws_err(err, err_len, KWS_ERR_IO, "emulated board: temporary file: %s",
                    strerror(errno));
        goto fail;
    }
    if (c->mic && c->mic_n && (mfd = mic_blob(c)) < 0) {
        kws_err(err, err_len, KWS_ERR_IO, "emulated board: temporary file: %s", strerror(errno));
        goto fail;
    }
    pid_t parent = getpid();
    e->pid = fork();
    if (e->pid < 0) {
        kws_err(err, err_len, KWS_ERR_IO, "emulated board: fork: %s", strerror(errno));
        goto fail;
    }
    if (e->pid == 0) exec_qemu(c, parent, master, mfd, kfd);
    close(master);
    if (kfd >= 0) close(kfd);
    if (mfd >= 0) close(mfd);
    *out = e;
    return KWS_OK;
fail:
    if (master >= 0) close(master);
    if (kfd >= 0) close(kfd);
    if (mfd >= 0) close(mfd);
    if (e->slave >= 0) close(e->slave);
    free(e);
    if (err && err_len && !*err) kws_err(err, err_len, KWS_ERR_IO, "emulated board: cannot start");
    return KWS_ERR_IO;
}

const char *dev_emu_path(const struct dev_emu *e)
{
    return e->path;
}
const char *dev_emu_elf(const struct dev_emu *e)
{
    return e->elf;
}
int dev_emu_pid(const struct dev_emu *e)
{
    return (int)e->pid;
}

int dev_emu_exited(struct dev_emu *e, int *status)
{
    if (e->pid <= 0) return 1;
    int st;
    pid_t r = waitpid(e->pid, &st, WNOHANG);
    if (r != e->pid) return 0;
    e->pid = 0;
    if (status) *status = st;
    return 1;
}

void dev_emu_stop(struct dev_emu *e)
{
    if (!e) return;
    if (e->pid > 0) {
        kill(e->pid, SIGTERM);
        /* QEMU exits within milliseconds of SIGTERM; insist after 2 s */
        for (int i = 0; i < 400 && !dev_emu_exited(e, NULL); i++) {
            struct timespec ts = { 0, 5000000 };
            nanosleep(&ts, NULL);
        }
        if (e->pid > 0) {
            kill(e->pid, SIGKILL);
            waitpid(e->pid, NULL, 0);
        }
    }
    if (e->slave >= 0) close(e->slave);
    free(e);
}

int dev_emu_spec(const char *port, int *reference)
{
    int ref = port && !strcmp(port, "emu:ref");
    if (reference) *reference = ref;
    return port && (ref || !strcmp(port, "emu"));
}

enum kws_status dev_emu_open(struct dev_emu **out, const char *spec, const char *model_path,
                             const char *labels, const char *mic_path, long live_ms, char *err,
                             size_t err_len)
{
    struct dev_emu_config c = { 0 };
    struct mdl_model m = { 0 };
    struct cap_clip clip = { 0 };
    enum kws_status st = KWS_OK;
    dev_emu_spec(spec, &c.reference);
    c.labels = labels;
    c.live_ms = live_ms;
    c.log_path = getenv("KWSCOPE_EMU_LOG");
    if (model_path) {
        if ((st = mdl_model_load(model_path, &m, err, err_len)) != KWS_OK) return st;
        const char *base = strrchr(model_path, '/') ? strrchr(model_path, '/') + 1 : model_path;
        c.model = m.bytes;
        c.model_n = m.n_bytes;
        c.model_name = base;
    }
    if (mic_path && (st = cap_clip_load(mic_path, &clip, err, err_len)) != KWS_OK) goto out;
    c.mic = clip.samples;
    c.mic_n = clip.n_samples;
    st = dev_emu_start(out, &c, err, err_len);
out:
    if (model_path) mdl_model_free(&m);
    cap_clip_free(&clip);
    return st;
}
