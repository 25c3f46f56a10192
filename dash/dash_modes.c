/* dash_modes.c: the board's modes as the loop sees them (private to tui/).
 *
 * 'b' swaps the board's mic in as the source (a live scope of its own; the
 * file or PC mic, "home", waits) and back; 'p' pushes audio to the board;
 * 'd' asks for the board's features. Each loop turn also pumps the board. */
#include "dash.h"

#include <stdio.h>
#include <string.h>

/* 'b': the board's mic becomes the source (a live scope of its own), or the
 * home source comes back. The model starts its track over on either. */
static void toggle_board_mic(struct dash_loop *L)
{
    struct dash *d = &L->d;
    struct dash_board *b = &L->board;
    if (b->mode == TUI_BOARD_MIC) {
        dash_live_free(&L->board_live);
        tui_scope_free(&L->board_scope);
        d->scope = L->home_scope;
        d->live = L->home_live;
        d->tl = L->home_tl;
        d->paused = L->home_paused;
        b->mode = TUI_BOARD_IDLE;
        dash_say(d, DASH_MSG_INFO, "board mic off: back to %.130s", d->scope->name);
    } else {
        char err[256];
        struct cap_source *src = dash_board_mic_source(b);
        if (!src || cap_source_start(src, err, sizeof err) != KWS_OK) {
            dash_say(d, DASH_MSG_ERROR, "board mic: %.140s", src ? err : "out of memory");
            cap_source_close(src);
            return;
        }
        L->home_scope = d->scope;
        L->home_live = d->live;
        L->home_tl = d->tl;
        L->home_paused = d->paused;
        tui_scope_live(&L->board_scope, src->name, "board mic, PCM 16-bit, 16000 Hz, mono");
        L->board_scope.cmap = d->scope->cmap;
        dash_live_init(&L->board_live, src, L->live.out_dir);
        d->scope = &L->board_scope;
        d->live = &L->board_live;
        d->paused = false;
        d->tl = tui_timeline_full(DASH_LIVE_SPAN_S);
        dash_follow(d, 0);
        b->mode = TUI_BOARD_MIC;
        dash_say(d, DASH_MSG_OK, "streaming the board's mic (b: back, r: record)");
    }
    if (d->model) dash_model_reset(d->model);
    for (int v = 0; v < TUI_VIEW_COUNT; v++) d->scope->computed[v] = false;
}

/* 'p': live audio is pushed continuously (toggle); a clip pushes the second
 * ending at the cursor (or the play head, or the first second). */
static void push_to_board(struct dash_loop *L)
{
    struct dash *d = &L->d;
    struct dash_board *b = &L->board;
    if (b->mode == TUI_BOARD_MIC) { /* never switch the source behind the user's back */
        dash_say(d, DASH_MSG_INFO,
                 "the board is classifying its own mic; b returns to %.100s, "
                 "then p pushes it",
                 L->home_scope ? L->home_scope->name : "the file");
        return;
    }
    if (d->live) {
        b->mode = b->mode == TUI_BOARD_PUSH ? TUI_BOARD_IDLE : TUI_BOARD_PUSH;
        b->pushed_abs = 0;
        dash_say(d, DASH_MSG_INFO, "%s",
                 b->mode == TUI_BOARD_PUSH
                     ? "pushing the live audio to the board (a result every 0.5 s; p stops)"
                     : "push stopped");
        return;
    }
    double at = d->tl.cursor_s >= 0 ? d->tl.cursor_s : d->tl.play_s >= 0 ? d->tl.play_s : 1.0;
    dash_board_push_clip(b, d->scope, at);
    b->mode = TUI_BOARD_PUSH;
    dash_say(d, DASH_MSG_OK, "pushed the second ending at %.2f s to the board",
             at < 1.0 ? 1.0 : at);
}

void dash_loop_board(struct dash_loop *L, double now_s)
{
    struct dash *d = &L->d;
    if (!d->board) return;
    int want = d->want_board;
    d->want_board = 0;
    if (want == 1)
        toggle_board_mic(L);
    else if (want == 2)
        push_to_board(L);
    else if (want == 3) {
        L->board.diff_view = !L->board.diff_view;
        if (L->board.diff_view) dash_board_request_features(&L->board);
    }
    if (want) L->dirty = true;
    L->board.now_audio_s = tui_scope_duration(d->scope) + d->scope->origin_s;
    if (L->board.mode == TUI_BOARD_PUSH && d->live) dash_board_push_live(&L->board, d->scope);
    L->dirty |= dash_board_poll(&L->board, now_s, d->message, sizeof d->message);
}
