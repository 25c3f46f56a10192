/* board_priv.h: what the `kwscope board` subcommands (cli/board_*.c) share:
 * their parsed options, the connection to a board, and pushing one window. */
#ifndef CLI_BOARD_PRIV_H
#define CLI_BOARD_PRIV_H

#include "cli.h"
#include "device/device.h"

#ifndef KWSCOPE_DATADIR
#define KWSCOPE_DATADIR "."
#endif

struct board_opts {
    const char *port, *link, *mic, *model, *out, *labels;
    enum dev_dialect dialect;
    int json, n, force;
    long live_ms;                /* -1: the dialect's default */
    struct mdl_detect_config dc; /* sim: the detector (the model's sidecar, else micro_speech's) */
    unsigned dc_set;             /* MDL_DETECT_SET_* bits of the detector flags given */
    double secs, speed;
    int emu; /* the port is an emulated board's (slow frames) */
};

/* Set by SIGINT/SIGTERM: every loop below stops at the next turn. */
extern volatile int board_stop;
/* How long a push waits for its result, s (30; longer for the emulated board). */
extern int board_result_wait_s;

/* The serial ports (at most BOARD_MAX_PORTS): 0, or 1 (reported). */
#define BOARD_MAX_PORTS 64
int board_ports(struct dev_port ports[BOARD_MAX_PORTS], size_t *n);
/* Opens a session on o->port and waits until READY; NULL (reported) if not. */
struct dev_session *board_connect(const struct board_opts *o);
/* Sleeps until the board says something, or ms pass. */
void board_wait_readable(struct dev_session *s, int ms);
/* Profile rows a stock board may print: its three stages (kwscope's virtual
 * board) and the stock sketch's whole loop ("## time:"). */
enum { BOARD_PROF_LOOP = 3, BOARD_PROF_ROWS };
/* Pushes one second (zero-padded in front, or the last second of x) and
 * waits for its result; a micro_speech board's profile lines (min/max/avg ms
 * per row) go to prof when not NULL, *n_prof counting them. A stock board
 * whose detector does not fire answers ev->no_detection. 0, or 1 (reported). */
int board_push_window(struct dev_session *s, const int16_t *x, size_t n, struct dev_event *ev,
                      double prof[BOARD_PROF_ROWS][3], int *n_prof);
/* What a stock micro_speech board does after a test-over-serial push. */
void board_test_mode_note(const struct board_opts *o);

int board_list(const struct board_opts *o);
int board_info(const struct board_opts *o);
int board_push(const struct board_opts *o, const char *file);
int board_stream(const struct board_opts *o);
int board_timings(const struct board_opts *o, const char *file);
int board_sim(const struct board_opts *o);
int board_emu(const struct board_opts *o);
/* --port emu|emu:ref: starts the emulated board and points o->port at it;
 * 0, or 1 (reported). dev_emu_stop(*emu) when done. */
int board_emu_open(struct board_opts *o, struct dev_emu **emu);

#endif
