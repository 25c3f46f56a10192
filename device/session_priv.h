/* session_priv.h: the session's state and the dialect table, shared by
 * session.c (connection, queues, public calls), session_frames.c (the framed
 * protocol), session_lines.c (text lines, test-over-serial) and
 * session_dialects.c (the table and the stock dialects' line handlers).
 * Private to device/. */
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
    int ls_want;      /* LS_WANT_* bits: parts of a push's answer still due */
    double ls_due;    /* when a push's answer is overdue: "no detection" */
    int test_mode;    /* a stock micro_speech board in test mode (mic off) */
    double last_line; /* dev_now() of the last line */
    int ei_open;
    struct dev_event ei_ev;
    const struct dev_dialect_desc *d;
};

enum { LS_WANT_HEARD = 1, LS_WANT_SCORES = 2 };

/* One line form a dialect acts on: 1 when the line was used, 0 to keep it
 * as log text. */
struct dev_line_handler {
    enum dev_line_kind kind;
    int (*fn)(struct dev_session *s, const struct dev_line *l, double now);
};

/* A dialect, in the style of an op resolver's registration: what it is
 * called, what it can do, what it sends when the port opens and before it
 * closes, how bytes from the board are read (frames or lines), its timers,
 * and for text dialects a table of line handlers. The session calls only
 * these; adding a dialect is one more row in session_dialects.c. */
struct dev_dialect_desc {
    enum dev_dialect id;
    const char *name;     /* --dialect NAME */
    const char *firmware; /* INFO.firmware of a text dialect */
    unsigned caps;        /* DEV_CAP_* */
    const char *hello;    /* text sent when the port opens (NULL: none) */
    const char *bye;      /* text sent before the port closes (NULL: none) */
    /* a push answered by nothing within this (s) after its transfer is a
     * "no detection" (the detector's window: averages over 1 s, suppresses
     * repeats for 1.5 s) */
    double answer_window_s;
    void (*connect)(struct dev_session *s, double now);
    void (*rx)(struct dev_session *s, const uint8_t *p, size_t n, double now);
    void (*tick)(struct dev_session *s, double now);
    void (*info)(struct dev_session *s);  /* fills s->info for a text dialect */
    const struct dev_line_handler *lines; /* ends with kind DEV_LINE_NONE */
};
const struct dev_dialect_desc *dev_dialect_desc(enum dev_dialect d);

struct dev_event *dev_session_push_event(struct dev_session *s, enum dev_event_kind kind);
void dev_session_set_state(struct dev_session *s, enum dev_state st, const char *why);
void dev_session_send_raw(struct dev_session *s, const void *p, size_t n);
void dev_session_pop_op(struct dev_session *s);
enum kws_status dev_session_add_op(struct dev_session *s, uint8_t type, size_t samples);
void dev_session_lost_port(struct dev_session *s, const char *why);
void dev_session_flush_out(struct dev_session *s);
/* session_frames.c: the framed protocol (DEV_DIALECT_KWSCOPE) */
void dev_frames_connect(struct dev_session *s, double now);
void dev_frames_rx(struct dev_session *s, const uint8_t *p, size_t n, double now);
void dev_frames_tick(struct dev_session *s, double now);
void dev_frames_send_next(struct dev_session *s, double now);
/* session_lines.c: text dialects */
void dev_lines_connect(struct dev_session *s, double now);
void dev_lines_rx(struct dev_session *s, const uint8_t *p, size_t n, double now);
void dev_lines_tick(struct dev_session *s, double now);
void dev_lines_send(struct dev_session *s, const char *text);
int dev_lines_label_index(struct dev_session *s, const char *name, int learn);
void dev_lines_fail(struct dev_session *s, const char *why);
void dev_lines_send_data(struct dev_session *s, double now);
void dev_lines_ei_flush(struct dev_session *s);

#endif
