/* session_priv.h: the session's state, shared by session.c (framed protocol,
 * connection, queues) and session_lines.c (line dialects). Private to device/. */
#ifndef DEV_SESSION_PRIV_H
#define DEV_SESSION_PRIV_H

#include "device.h"

enum { OP_HELLO_ = 0 };
struct dev_op {
    uint8_t type;   /* DEV_MSG_* request */
    size_t samples; /* PUSH: samples still to send from the push buffer */
};

enum line_state { LS_IDLE, LS_WAIT_TEST, LS_WAIT_ACK, LS_WAIT_DATA_OK };

struct dev_session {
    struct dev_session_config cfg;
    char path[256];
    struct dev_transport tr;
    int tr_open, by_path;
    enum dev_state state;
    char msg[256];
    struct dev_decoder dec;
    struct dev_info info;
    int have_info;
    char bad_info[128]; /* why the last INFO was unreadable ("" when fine) */
    struct dev_counters c;
    double timeout, reconnect;

    struct dev_event *ev; /* event queue: grows, never drops */
    size_t ev_head, ev_n, ev_cap;
    uint8_t *out; /* bytes not yet accepted by the transport */
    size_t out_n, out_cap;
    struct dev_op *ops; /* request queue */
    size_t ops_head, ops_n, ops_cap;
    int16_t *push; /* samples queued for PUSH (kwscope) or !DATA */
    size_t push_head, push_n, push_cap;

    int inflight; /* one acknowledged frame at a time */
    uint8_t if_type;
    uint16_t if_seq;
    size_t if_samples;
    double if_sent;
    int if_tries;
    uint8_t if_wire[DEV_MAX_WIRE];
    size_t if_len;
    uint16_t tx_seq;
    int need_hello, mic_wanted, have_chunk;
    int want_result; /* CLASSIFYs acknowledged whose RESULT has not come */
    uint32_t last_chunk;
    double next_reconnect;

    char line[512]; /* line dialects */
    size_t line_n;
    int line_overflow;
    enum line_state ls;
    size_t ls_decode_len, ls_off, ls_total;
    uint8_t *ls_data;
    int ls_want; /* 1: "!OK DATA" seen, its Heard is due; 2: Heard seen, Scores due */
    int ei_open;
    struct dev_event ei_ev;
};

struct dev_event *dev_session_push_event(struct dev_session *s, enum dev_event_kind kind);
void dev_session_set_state(struct dev_session *s, enum dev_state st, const char *why);
void dev_session_send_raw(struct dev_session *s, const void *p, size_t n);
void dev_session_pop_op(struct dev_session *s);
/* session_lines.c */
void dev_lines_rx(struct dev_session *s, const uint8_t *p, size_t n, double now);
void dev_lines_tick(struct dev_session *s, double now);
void dev_lines_init_info(struct dev_session *s);

#endif
