/* cmd_devices.c: `kwscope devices` lists PortAudio's devices: index, input
 * and output channel counts, default rate, name and host API, with the
 * default input and output marked. PortAudio's start-up noise goes to the log
 * (cap_log_path). Exit 0, or 1 when PortAudio cannot start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "cli.h"

int cli_cmd_devices(int argc, char **argv)
{
    if (argc > 1) {
        if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
            cli_help("devices", NULL);
            return 0;
        }
        return cli_usage_error("devices", "unexpected argument", argv[1]);
    }
    char err[256];
    int quiet = cap_quiet_stderr_begin();
    enum kws_status st = cap_pa_init(err, sizeof err);
    struct cap_device_info dev[128];
    int n = st == KWS_OK ? cap_devices_list(dev, 128, err, sizeof err) : (int)st;
    cap_quiet_stderr_end(quiet);
    if (st != KWS_OK || n < 0) {
        fprintf(stderr, "kwscope devices: %s\n", err);
        if (st == KWS_OK) cap_pa_terminate();
        return 1;
    }
    if (n == 0)
        puts("no audio devices");
    else
        printf("%5s %4s %4s %8s  %s\n", "index", "in", "out", "rate", "name");
    for (int i = 0; i < n && i < 128; i++)
        printf("%5d %4d %4d %8.0f  %s (%s)%s%s\n", dev[i].index, dev[i].max_in, dev[i].max_out,
               dev[i].default_rate_hz, dev[i].name, dev[i].host_api,
               dev[i].is_default_in ? " [default input]" : "",
               dev[i].is_default_out ? " [default output]" : "");
    quiet = cap_quiet_stderr_begin();
    cap_pa_terminate();
    cap_quiet_stderr_end(quiet);
    return 0;
}
