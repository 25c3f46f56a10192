/* sim_priv.h: the virtual board's state (sim.c, sim_lines.c). Private. */
#ifndef DEV_SIM_PRIV_H
#define DEV_SIM_PRIV_H

#include "device.h"

#define DEV_SIM_VERSION "0.1.0"
#define DEV_SIM_TXQ 65536 /* bytes queued for a slow host (~2 s of mic audio) */

struct dev_sim {
    struct dev_sim_config cfg;
    struct dev_board board;
    int master, slave;
    char path[256], link[1024];
    double t0;
    uint64_t us0; /* CLOCK_MONOTONIC at open: the board's power-up */
    uint64_t mic_pos;
    uint64_t mic_phase;   /* mic_pos where the clip's loop last began */
    uint64_t mic_skipped; /* mic samples skipped because the host fell behind */
    uint64_t dropped_bytes;
    uint8_t txq[DEV_SIM_TXQ]; /* ring of bytes the pty did not take yet */
    size_t tx_head, tx_n;
    /* line dialects */
    char line[1024];
    size_t line_n;
    int test_mode;  /* micro_speech after "!TEST": mic off until reset */
    int ei_running; /* Edge Impulse between "AT+RUNIMPULSE" and 'b' */
    size_t data_want, data_got;
    uint8_t data[2 * DEV_BOARD_CLIP];
    size_t live_count;
    uint32_t prof_n;
    double prof_min[3], prof_max[3], prof_sum[3];
};

/* A live detection: the virtual LED (cfg.on_detect). */
void dev_sim_detected(struct dev_sim *s, const struct dev_result *r, int score);
void dev_sim_lines_rx(struct dev_sim *s, const uint8_t *p, size_t n);
void dev_sim_lines_mic(struct dev_sim *s, const int16_t *x, size_t n);

#endif
