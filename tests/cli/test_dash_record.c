/* test_dash_record.c: the dashboard's 'r' names each take
 * DIR/kwscope-YYYYmmdd-HHMMSS.wav; a second take within the same second
 * (or over a file of that name) gets -2, -3, ... instead of being refused,
 * and no existing file is touched. The names of the current and the next few
 * seconds are taken beforehand, so every start must pick a suffix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "dash/dash.h"

static char dir[] = "/tmp/kws_dashrec_XXXXXX";

static void stamp_path(time_t t, char *p, size_t n)
{
    struct tm tm;
    char stamp[32];
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(p, n, "%s/kwscope-%s.wav", dir, stamp);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    time_t now = time(NULL);
    for (int s = 0; s < 30; s++) { /* generous: a busy machine may take long */
        char p[256];
        stamp_path(now + s, p, sizeof p);
        FILE *f = fopen(p, "w");
        CHECK(f != NULL);
        if (f) {
            fputs("precious", f);
            fclose(f);
        }
    }
    struct dash_live l;
    dash_live_init(&l, NULL, dir);
    char msg[1200], seen[3][1024];
    for (int k = 0; k < 3; k++) {
        CHECK_INT(dash_live_record(&l, 0.0, msg, sizeof msg), 1);
        snprintf(seen[k], sizeof seen[k], "%s", l.rec_path);
        CHECK(strstr(l.rec_path, "-2.wav") || strstr(l.rec_path, "-3.wav") ||
              strstr(l.rec_path, "-4.wav"));
        CHECK_INT(dash_live_record(&l, 1.0, msg, sizeof msg), 0);
        CHECK(access(seen[k], F_OK) == 0);
    }
    CHECK(strcmp(seen[0], seen[1]) && strcmp(seen[1], seen[2]) && strcmp(seen[0], seen[2]));
    for (int s = 0; s < 30; s++) { /* the files that were there are intact */
        char p[256], b[16] = "";
        stamp_path(now + s, p, sizeof p);
        FILE *f = fopen(p, "r");
        CHECK(f && fgets(b, sizeof b, f) && !strcmp(b, "precious"));
        if (f) fclose(f);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "cleanup failed\n");
    return test_done();
}
