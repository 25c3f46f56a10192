/* cmd_board.c: `kwscope board ...`: a real or virtual board from the shell.
 * This file parses the options (one set for every subcommand, see the
 * command table in commands.c), finds the port and hands over to
 * board_list.c (list, info), board_push.c (push), board_stream.c (stream),
 * board_timings.c (timings) and board_sim.c (the virtual board).
 *
 * --port defaults to the single Arduino (USB vendor 0x2341) found. Exit: 0
 * done, 1 runtime error (one line on stderr), 2 usage error. */
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board_priv.h"

volatile int board_stop;
int board_result_wait_s = 30;

/* Session chatter (state changes) is for the dashboard's log; on the command
 * line only warnings and errors reach stderr. */
static void quiet_log(enum kws_log_level level, const char *msg, void *user)
{
    (void)user;
    if (level >= KWS_LOG_WARN) fprintf(stderr, "kwscope: %s\n", msg);
}
static void on_signal(int sig)
{
    (void)sig;
    board_stop = 1;
}

int board_ports(struct dev_port ports[BOARD_MAX_PORTS], size_t *n)
{
    char err[256];
    *n = 0;
    if (dev_port_list(ports, BOARD_MAX_PORTS, n, err, sizeof err) == KWS_OK) return 0;
    fprintf(stderr, "kwscope board: %s\n", err);
    return 1;
}

static int pick_port(struct board_opts *o, char *buf, size_t len)
{
    if (o->port) return 0;
    struct dev_port ports[BOARD_MAX_PORTS];
    size_t n;
    if (board_ports(ports, &n)) return 1;
    int i = dev_port_pick(ports, n);
    if (i >= 0) {
        snprintf(buf, len, "%s", ports[i].path);
        o->port = buf;
        return 0;
    }
    fprintf(stderr, "kwscope board: %s; give --port",
            i == -1 ? "no Arduino found" : "several Arduinos found");
    for (size_t k = 0; k < n; k++)
        if (ports[k].arduino || i == -1) fprintf(stderr, "%s %s", k ? "," : ":", ports[k].path);
    fprintf(stderr, "\n");
    return 1;
}

struct dev_session *board_connect(const struct board_opts *o)
{
    struct dev_session_config c = { 0 };
    c.path = o->port;
    c.dialect = o->dialect;
    c.timeout_ms = o->emu ? DEV_EMU_FRAME_TIMEOUT_MS : 0; /* QEMU boots and reads slowly */
    struct dev_session *s = NULL;
    char err[512];
    if (dev_session_open(&s, &c, dev_now(), err, sizeof err) != KWS_OK ||
        dev_session_wait_ready(s, o->emu ? 60 : 5, &board_stop, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        dev_session_close(s);
        return NULL;
    }
    return s;
}

/* A push is hundreds of acknowledged frames, each waits for its ACK: sleep
 * on the port, not on a timer. */
void board_wait_readable(struct dev_session *s, int ms)
{
    struct pollfd p = { dev_session_fd(s), POLLIN, 0 };
    if (p.fd < 0 || poll(&p, 1, ms) < 0) usleep((useconds_t)ms * 1000);
}

/* A real number after a flag (seconds, a speed-up): finite, > 0 and at
 * most a million. 0, or 2 (reported). */
static int positive(const char *flag, const char *v, double *out)
{
    if (cli_parse_double(v, 1e-6, 1e6, out)) return 0;
    fprintf(stderr, "kwscope board: %s needs a number in (0, 1e6]\n", flag);
    return 2;
}

/* One option into o: 0, or the exit status of a usage error (reported). */
static int board_option(struct board_opts *o, int c, const char *name)
{
    long v;
    switch (c) {
    case 'p': o->port = optarg; return 0;
    case 'j': o->json = 1; return 0;
    case 'l': o->link = optarg; return 0;
    case 'm': o->mic = optarg; return 0;
    case 'M': o->model = optarg; return 0;
    case 'f': o->force = 1; return 0;
    case 'o': o->out = optarg; return 0;
    case 'L': o->labels = optarg; return 0;
    case 'T': {
        char flag[32];
        snprintf(flag, sizeof flag, "--%s", name);
        o->dc_set |= !strcmp(name, "threshold") ? MDL_DETECT_SET_THRESHOLD
            : !strcmp(name, "window-ms")        ? MDL_DETECT_SET_WINDOW
            : !strcmp(name, "suppression-ms")   ? MDL_DETECT_SET_SUPPRESSION
                                                : MDL_DETECT_SET_MIN_COUNT;
        return cli_detect_option("kwscope board", flag, optarg, &o->dc);
    }
    case 'v':
        if (!cli_parse_long(optarg, 0, 60000, &o->live_ms)) {
            fprintf(stderr, "kwscope board: bad --live-ms '%s' (0..60000, 0: off)\n", optarg);
            return 2;
        }
        return 0;
    case 'D':
        if (dev_dialect_parse(optarg, &o->dialect) == KWS_OK) return 0;
        fprintf(stderr,
                "kwscope board: unknown dialect '%s' (kwscope, micro_speech, edge-impulse)\n",
                optarg);
        return 2;
    case 'd': return positive("-d", optarg, &o->secs);
    case 's': return positive("--speed", optarg, &o->speed);
    case 'n':
        if (!cli_parse_long(optarg, 1, 1000000000, &v)) {
            fprintf(stderr, "kwscope board: bad -n '%s'\n", optarg);
            return 2;
        }
        o->n = (int)v;
        return 0;
    default: return 2;
    }
}

static int parse_options(int argc, char **argv, struct board_opts *o)
{
    static const struct option lo[] = {
        { "port", required_argument, 0, 'p' },      { "json", no_argument, 0, 'j' },
        { "link", required_argument, 0, 'l' },      { "mic", required_argument, 0, 'm' },
        { "model", required_argument, 0, 'M' },     { "dialect", required_argument, 0, 'D' },
        { "speed", required_argument, 0, 's' },     { "force", no_argument, 0, 'f' },
        { "output", required_argument, 0, 'o' },    { "labels", required_argument, 0, 'L' },
        { "live-ms", required_argument, 0, 'v' },   { "threshold", required_argument, 0, 'T' },
        { "window-ms", required_argument, 0, 'T' }, { "suppression-ms", required_argument, 0, 'T' },
        { "min-count", required_argument, 0, 'T' }, { 0, 0, 0, 0 }
    };
    *o = (struct board_opts){
        .n = 100, .speed = 1, .live_ms = -1, .dc = mdl_detect_config_default()
    };
    int c, li = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:jd:n:o:", lo, &li)) != -1) {
        int rc = board_option(o, c, lo[li].name);
        if (rc) return rc;
    }
    return 0;
}

int cli_cmd_board(int argc, char **argv)
{
    struct board_opts o;
    char portbuf[256];
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc;
    if (optind >= argc) {
        fprintf(stderr,
                "usage: kwscope board list|info|push FILE|stream -o OUT|timings [FILE]|sim|emu "
                "[options]\n");
        return 2;
    }
    const char *sub = argv[optind];
    kws_log_set(quiet_log, NULL);
    /* no SA_RESTART: a signal ends a blocking open/read/poll at once */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (!strcmp(sub, "list")) return board_list(&o);
    if (!strcmp(sub, "sim")) return board_sim(&o);
    if (!strcmp(sub, "emu")) return board_emu(&o);
    if (strcmp(sub, "info") && strcmp(sub, "push") && strcmp(sub, "stream") &&
        strcmp(sub, "timings")) {
        fprintf(stderr, "kwscope board: unknown subcommand '%s'\n", sub);
        return 2;
    }
    if (!strcmp(sub, "push") && optind + 1 >= argc) {
        fprintf(stderr, "kwscope board push: give an audio FILE\n");
        return 2;
    }
    struct dev_emu *emu = NULL;
    if (o.port && dev_emu_spec(o.port, NULL)) {
        if (board_emu_open(&o, &emu)) return 1;
        board_result_wait_s = 600; /* a push crawls through QEMU's one-byte UART */
    } else if (pick_port(&o, portbuf, sizeof portbuf)) {
        return 1;
    }

    if (!strcmp(sub, "info"))
        rc = board_info(&o);
    else if (!strcmp(sub, "push"))
        rc = board_push(&o, argv[optind + 1]);
    else if (!strcmp(sub, "timings"))
        rc = board_timings(&o, optind + 1 < argc ? argv[optind + 1] : NULL);
    else
        rc = board_stream(&o);
    if (emu) dev_emu_stop(emu);
    return rc;
}
