/* quiet.c: keep library noise off the terminal. PortAudio's ALSA and JACK
 * back ends print ("ALSA lib ...", "jack server is not running") straight to
 * fd 2 while initialising, which would scribble over the dashboard; we point
 * fd 2 at a log file around those calls (or for good, in the dashboard). */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        int r = mkdir(path, 0700);
        *p = '/';
        if (r != 0 && errno != EEXIST) return -1;
    }
    return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

const char *cap_log_path(char *buf, size_t len)
{
    char dir[1024];
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/')
        snprintf(dir, sizeof dir, "%s/kwscope", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/state/kwscope", home);
    else
        return NULL;
    if (mkdir_p(dir) != 0) return NULL;
    if ((size_t)snprintf(buf, len, "%s/kwscope.log", dir) >= len) return NULL;
    return buf;
}

int cap_quiet_stderr_begin(void)
{
    char path[1100];
    if (!cap_log_path(path, sizeof path)) return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    fflush(stderr);
    int saved = dup(2);
    if (saved < 0 || dup2(fd, 2) < 0) {
        if (saved >= 0) close(saved);
        close(fd);
        return -1;
    }
    close(fd);
    return saved;
}

void cap_quiet_stderr_end(int token)
{
    if (token < 0) return;
    fflush(stderr);
    dup2(token, 2);
    close(token);
}
