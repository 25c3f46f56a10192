/* test_safety.c: the capture layer never damages or misplaces a user's file
 * and never hangs on odd inputs:
 * - cap_output: refuses to overwrite without force, replaces with force, and
 *   on a write error (a file-size rlimit, SIGXFSZ ignored) leaves the old
 *   file byte-identical and no temporary file behind;
 * - cap_name_is_component: words/speakers/labels are single path components;
 * - the recorder on a write error stops, reports, and leaves a valid shorter
 *   WAV whose header matches its data; /dev/full fails cleanly too;
 * - creating a recording never follows a (dangling) symlink, even with force;
 * - loading a FIFO nobody writes to ends on a signal (no SA_RESTART) instead
 *   of blocking in open(); a 0 Hz WAV says "invalid sample rate 0". */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "capture.h"
#include "clip_priv.h"

static char dir[] = "/tmp/kws_capsafe_XXXXXX";

static void put(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

static long slurp(const char *path, char *b, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    long n = (long)fread(b, 1, cap, f);
    fclose(f);
    return n;
}

/* Files in dir whose name contains part (temporary files left behind). */
static int count_like(const char *part)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, part)) n++;
    closedir(d);
    return n;
}

static void set_fsize(rlim_t lim)
{
    struct rlimit r;
    getrlimit(RLIMIT_FSIZE, &r);
    r.rlim_cur = lim;
    setrlimit(RLIMIT_FSIZE, &r);
}

static void test_output(void)
{
    char p[600], err[512], b[256];
    snprintf(p, sizeof p, "%s/out.txt", dir);
    put(p, "precious", 8);
    struct cap_output o;
    CHECK(cap_output_open(&o, p, 0, err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "exists") != NULL);
    CHECK(slurp(p, b, sizeof b) == 8 && !memcmp(b, "precious", 8));

    CHECK_INT(cap_output_open(&o, p, 1, err, sizeof err), KWS_OK);
    fputs("new content", o.fp);
    CHECK(slurp(p, b, sizeof b) == 8); /* untouched until commit */
    CHECK_INT(cap_output_commit(&o, err, sizeof err), KWS_OK);
    CHECK(slurp(p, b, sizeof b) == 11 && !memcmp(b, "new content", 11));
    CHECK_INT(count_like("kwscope-"), 0);

    /* a write error: the old file stays, the temporary one goes */
    signal(SIGXFSZ, SIG_IGN);
    CHECK_INT(cap_output_open(&o, p, 1, err, sizeof err), KWS_OK);
    set_fsize(4096);
    static char big[65536];
    fwrite(big, 1, sizeof big, o.fp);
    CHECK(cap_output_commit(&o, err, sizeof err) != KWS_OK);
    set_fsize(RLIM_INFINITY);
    CHECK(strstr(err, "write failed") != NULL && !strchr(err, '\n'));
    CHECK(slurp(p, b, sizeof b) == 11 && !memcmp(b, "new content", 11));
    CHECK_INT(count_like("kwscope-"), 0);

    /* a new name without force; abort leaves nothing */
    snprintf(p, sizeof p, "%s/fresh.txt", dir);
    CHECK_INT(cap_output_open(&o, p, 0, err, sizeof err), KWS_OK);
    cap_output_abort(&o);
    CHECK(access(p, F_OK) != 0);
    CHECK_INT(count_like("kwscope-"), 0);
}

static void test_names(void)
{
    CHECK(cap_name_is_component("yes"));
    CHECK(cap_name_is_component("speaker_01"));
    CHECK(!cap_name_is_component(""));
    CHECK(!cap_name_is_component("."));
    CHECK(!cap_name_is_component(".."));
    CHECK(!cap_name_is_component("../../evil"));
    CHECK(!cap_name_is_component("a/b"));
    CHECK(!cap_name_is_component("a\x1b[2J"));
    CHECK(!cap_name_is_component("tab\there"));
}

static uint32_t rd32(const unsigned char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_recorder_full(void)
{
    char p[600], err[512];
    snprintf(p, sizeof p, "%s/rec.wav", dir);
    struct cap_recorder *r;
    CHECK_INT(cap_recorder_open(p, 16000, 0, &r, err, sizeof err), KWS_OK);
    if (!r) return;
    static int16_t chunk[1000];
    for (int i = 0; i < 1000; i++) chunk[i] = (int16_t)(i * 7);
    signal(SIGXFSZ, SIG_IGN);
    set_fsize(20000); /* ~0.6 s of 16 kHz int16 fits */
    enum kws_status st = KWS_OK;
    int writes = 0;
    while (st == KWS_OK && writes < 100) {
        st = cap_recorder_write(r, chunk, 1000, err, sizeof err);
        writes++;
    }
    CHECK(st != KWS_OK);
    CHECK(strstr(err, "write failed") != NULL);
    uint64_t kept = cap_recorder_samples(r);
    CHECK(kept > 0 && kept < 10000);
    char cerr[512];
    CHECK(cap_recorder_close(r, cerr, sizeof cerr) != KWS_OK); /* the error again */
    set_fsize(RLIM_INFINITY);
    static unsigned char b[40000];
    long n = slurp(p, (char *)b, sizeof b);
    CHECK(n > 44 && n <= 20000);
    /* the header matches the data on disk, and the data is what was kept */
    CHECK(!memcmp(b, "RIFF", 4) && !memcmp(b + 36, "data", 4));
    CHECK_INT(rd32(b + 4), n - 8);
    CHECK_INT(rd32(b + 40), n - 44);
    CHECK_INT(rd32(b + 40), kept * 2);
    struct cap_clip c;
    CHECK_INT(cap_clip_load(p, &c, err, sizeof err), KWS_OK);
    CHECK_INT(c.n_samples, kept);
    if (c.samples) CHECK_INT(c.samples[999], chunk[999]);
    cap_clip_free(&c);

    /* /dev/full: every write fails */
    int fd = open("/dev/full", O_WRONLY);
    if (fd >= 0) {
        close(fd);
        CHECK(cap_recorder_open("/dev/full", 16000, 1, &r, err, sizeof err) != KWS_OK ||
              (cap_recorder_write(r, chunk, 1000, err, sizeof err) != KWS_OK ||
               cap_recorder_close(r, err, sizeof err) != KWS_OK));
    }
}

/* Killed at any byte, the data on disk beyond the header's data size stays
 * within CAP_RECORDER_UPDATE_SAMPLES, whatever the chunk size (a board sends
 * 512 samples). A child writes under a file size limit with SIGXFSZ at its
 * default action, so it dies inside the write that crosses the limit: one
 * kill at an exact place per limit, no timing involved. */
static long killed_at(const char *p, size_t chunk, long data_bytes)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        signal(SIGXFSZ, SIG_DFL);
        char err[512];
        struct cap_recorder *r;
        if (cap_recorder_open(p, 16000, 1, &r, err, sizeof err) != KWS_OK) _exit(3);
        set_fsize((rlim_t)(44 + data_bytes));
        static int16_t x[20000];
        for (int i = 0; i < 100; i++) cap_recorder_write(r, x, chunk, err, sizeof err);
        _exit(4); /* never killed: the limit was not reached */
    }
    int ws;
    if (pid < 0 || waitpid(pid, &ws, 0) != pid || !WIFSIGNALED(ws)) return -1;
    unsigned char h[44];
    struct stat st;
    if (slurp(p, (char *)h, sizeof h) != 44 || stat(p, &st) != 0 || memcmp(h + 36, "data", 4))
        return -1;
    return (long)(st.st_size - 44) - (long)rd32(h + 40);
}

static void test_recorder_lag(void)
{
    char p[600];
    snprintf(p, sizeof p, "%s/lag.wav", dir);
    static const size_t sizes[] = { 512, 333, 7999, 8001 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        long worst = -1;
        for (long d = 2 * 7900; d <= 2 * 8300; d += 2 * 25) {
            long outside = killed_at(p, sizes[k], d);
            CHECK(outside >= 0);
            if (outside > worst) worst = outside;
        }
        CHECK(worst <= 2 * CAP_RECORDER_UPDATE_SAMPLES);
        if (worst > 2 * CAP_RECORDER_UPDATE_SAMPLES)
            fprintf(stderr, "chunks of %zu: %ld bytes outside the header\n", sizes[k], worst);
    }
}

static void test_symlink(void)
{
    char p[600], target[600], err[512];
    snprintf(p, sizeof p, "%s/link.wav", dir);
    snprintf(target, sizeof target, "%s/victim.wav", dir);
    CHECK_INT(symlink(target, p), 0); /* dangling */
    struct cap_recorder *r;
    CHECK(cap_recorder_open(p, 16000, 0, &r, err, sizeof err) != KWS_OK);
    CHECK(cap_recorder_open(p, 16000, 1, &r, err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "symbolic link") != NULL);
    CHECK(access(target, F_OK) != 0);
    int16_t x[10] = { 0 };
    CHECK(cap_clip_save(p, x, 10, 16000, 1, err, sizeof err) != KWS_OK);
    CHECK(access(target, F_OK) != 0);
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void test_inputs(void)
{
    char p[600], err[512];
    struct cap_clip c;
    /* a FIFO with no writer: a signal ends the wait (no SA_RESTART) */
    snprintf(p, sizeof p, "%s/fifo", dir);
    CHECK_INT(mkfifo(p, 0600), 0);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    CHECK(cap_clip_load(p, &c, err, sizeof err) != KWS_OK);
    alarm(0);
    CHECK(strstr(err, "interrupted") != NULL || strstr(err, "no writer") != NULL);
    /* a directory and a character device are no audio */
    CHECK(cap_clip_load(dir, &c, err, sizeof err) != KWS_OK);
    CHECK(cap_clip_load("/dev/zero", &c, err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "not a regular file") != NULL);
    /* a WAV claiming 0 Hz */
    unsigned char h[44 + 32] = { 0 };
    memcpy(h, "RIFF", 4);
    h[4] = sizeof h - 8;
    memcpy(h + 8, "WAVEfmt ", 8);
    h[16] = 16;
    h[20] = 1;
    h[22] = 1;
    h[32] = 2;
    h[34] = 16; /* rate (24..27) stays 0 */
    memcpy(h + 36, "data", 4);
    h[40] = 32;
    snprintf(p, sizeof p, "%s/zero.wav", dir);
    put(p, h, sizeof h);
    CHECK(cap_clip_load(p, &c, err, sizeof err) != KWS_OK);
    CHECK(strstr(err, "invalid sample rate 0") != NULL);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    test_output();
    test_names();
    test_recorder_full();
    test_recorder_lag();
    test_symlink();
    test_inputs();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "cleanup failed\n");
    return test_done();
}
