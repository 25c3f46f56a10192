/* dash_help.c: the footer and the help overlay.
 *
 * The footer names the keys that do something now, for this view, source,
 * model and board, the most useful first; what does not fit is left out
 * (the help has everything). A message replaces it for a few seconds, in the
 * colour of its kind. The help is a box sized to the screen that scrolls. */
#include "dash.h"

#include <stdio.h>
#include <string.h>

static const char *const help_lines[] = {
    "Views",
    "  1-6          waveform, spectrum, spectrogram, mel, MFCC, model features",
    "  Tab          next view            a   all views at once",
    "  c            colormap (viridis, magma, gray)",
    "  d            waveform: linear / dBFS axis",
    "  l            spectrum: linear / log frequency",
    "Navigation",
    "  Left/Right   move the time cursor (mouse: click)",
    "  Up/Down      move the readout row (heatmaps; marked on the plot)",
    "  < > Shift+arrows  scroll half a window",
    "  Home/End     start / end          + / -   zoom around the cursor",
    "  v            start / finish a selection",
    "  Esc          close the overlay, else clear cursor and selection",
    "Playback and live sources",
    "  Space        play selection (or from the cursor) / stop;",
    "               live: pause / resume the display (capture goes on)",
    "  r            live: start / stop recording (WAV)",
    "Model",
    "  m            model info: layers, FLOPs, RAM, flash (Esc closes)",
    "  t / T        detection threshold -/+ 10 (of 255)",
    "  w / W        averaging window -/+ 100 ms",
    "  u / U        suppression -/+ 250 ms",
    "  n / N        minimum count -/+ 1",
    "Board",
    "  b            stream the board's mic / back to the file or PC mic",
    "  p            push audio: live toggles, a clip sends 1 s at the cursor",
    "  d            (features view) board vs host features, same second",
    "Collect mode (--collect)",
    "  k            take 2 s; Enter keeps, k again, Esc drops / leaves",
    "Screen",
    "  i            side panel over the plots (narrow screens)",
    "  ?            this help (arrows, PgUp/PgDn scroll)    q  quit",
};

void dash_draw_help(struct dash *d, struct tui_canvas *c)
{
    int n = (int)(sizeof help_lines / sizeof help_lines[0]), longest = 0;
    for (int i = 0; i < n; i++)
        longest = (int)strlen(help_lines[i]) > longest ? (int)strlen(help_lines[i]) : longest;
    int w = longest + 4, h = n + 4;
    if (w > c->w - 2) w = c->w - 2;
    if (h > c->h - 2) h = c->h - 2;
    int rows = h - 4; /* lines shown between the border, a blank and the log line */
    if (rows < 1) return;
    if (d->help_top > n - rows) d->help_top = n - rows > 0 ? n - rows : 0;
    struct tui_rect r = { (c->w - w) / 2, (c->h - h) / 2, w, h };
    tui_canvas_fill(c, r, ' ', TUI_COLOR_DEFAULT, TUI_COLOR_DEFAULT);
    tui_canvas_box(c, r, tui_ui_color(c->color, TUI_UI_TITLE));
    int fg = tui_ui_color(c->color, TUI_UI_TEXT), title = tui_ui_color(c->color, TUI_UI_TITLE);
    int axis = tui_ui_color(c->color, TUI_UI_AXIS);
    tui_canvas_text(c, r.x + 2, r.y, w - 4, title, TUI_COLOR_DEFAULT, " Keys ");
    for (int i = 0; i < rows && d->help_top + i < n; i++) {
        const char *line = help_lines[d->help_top + i];
        bool head = line[0] != ' ';
        tui_canvas_text(c, r.x + 2, r.y + 1 + i, w - 4, head ? title : fg, TUI_COLOR_DEFAULT, line);
    }
    if (rows < n) { /* where we are, on the border */
        char pos[48];
        snprintf(pos, sizeof pos, " %d-%d of %d, arrows scroll ", d->help_top + 1,
                 d->help_top + rows < n ? d->help_top + rows : n, n);
        int pw = (int)strlen(pos);
        tui_canvas_text(c, r.x + w - 2 - pw, r.y + h - 1, pw, axis, TUI_COLOR_DEFAULT, pos);
    }
    char log[256];
    snprintf(log, sizeof log, "log: %s", d->log_path ? d->log_path : "(stderr)");
    tui_canvas_text(c, r.x + 2, r.y + h - 2, w - 4, axis, TUI_COLOR_DEFAULT, log);
}

struct key_hint {
    const char *keys, *what;
    int prio; /* 0 first */
};

/* The keys that act now, in reading order; each with a priority. */
static int footer_hints(const struct dash *d, bool unicode, struct key_hint *h)
{
    int n = 0;
    const char *ud = unicode ? "\u2191\u2193" : "Up/Dn", *lr = unicode ? "\u2190\u2192" : "<-/->";
    bool heat = tui_view_desc(d->view)->kind == TUI_KIND_HEATMAP && !d->grid;
    if (d->help) {
        h[n++] = (struct key_hint){ ud, "scroll", 0 };
        h[n++] = (struct key_hint){ "Esc", "close", 0 };
    } else if (d->model && d->model->view) {
        h[n++] = (struct key_hint){ ud, "layers", 0 };
        h[n++] = (struct key_hint){ "Esc", "close", 0 };
    } else {
        h[n++] = (struct key_hint){ "1-6", "views", 1 };
        h[n++] = (struct key_hint){ "a", "all", 3 };
        h[n++] = (struct key_hint){ lr, "cursor", 2 };
        h[n++] = (struct key_hint){ "+/-", "zoom", 3 };
        if (heat) h[n++] = (struct key_hint){ ud, "row", 4 };
        if (d->live) {
            h[n++] = (struct key_hint){ "Space", d->paused ? "resume" : "pause", 1 };
            h[n++] = (struct key_hint){ "r", d->live->rec ? "stop rec" : "record", 2 };
        } else {
            h[n++] = (struct key_hint){ "v", "select", 5 };
            h[n++] = (struct key_hint){ "Space", d->play == DASH_PLAYING ? "stop" : "play", 2 };
        }
        if (d->view == TUI_VIEW_WAVE && !d->grid) h[n++] = (struct key_hint){ "d", "dBFS", 6 };
        if (d->view == TUI_VIEW_SPECTRUM && !d->grid)
            h[n++] = (struct key_hint){ "l", "log Hz", 6 };
        if (heat) h[n++] = (struct key_hint){ "c", "colors", 6 };
        if (d->view == TUI_VIEW_FEATURES && d->board)
            h[n++] = (struct key_hint){ "d", "board diff", 4 };
        if (d->model) {
            h[n++] = (struct key_hint){ "m", "model", 4 };
            h[n++] = (struct key_hint){ "t/T", "threshold", 5 };
        }
        if (d->board) {
            h[n++] = (struct key_hint){ "b", "board mic", 4 };
            h[n++] = (struct key_hint){ "p", "push", 4 };
        }
        struct dash_layout l;
        dash_layout(d, &l);
        if (!l.below && d->w < 100) h[n++] = (struct key_hint){ "i", "panel", 2 };
    }
    h[n++] = (struct key_hint){ "?", "help", 0 };
    h[n++] = (struct key_hint){ "q", "quit", 0 };
    return n;
}

/* The hints by priority while they fit, shown in reading order. */
static void footer_keys(const struct dash *d, const struct tui_canvas *c, char *buf, size_t len)
{
    struct key_hint h[32];
    int n = footer_hints(d, c->unicode, h), width = c->w;
    bool on[32] = { false };
    int used = 0;
    for (int prio = 0; prio <= 6; prio++)
        for (int i = 0; i < n; i++) {
            int kw = c->unicode && strstr(h[i].keys, "\u2191") ? 2 : (int)strlen(h[i].keys);
            if (c->unicode && strstr(h[i].keys, "\u2190")) kw = 2; /* two arrows, 3 bytes each */
            int w = 2 + kw + 1 + (int)strlen(h[i].what);
            if (h[i].prio == prio && used + w <= width - 1) {
                on[i] = true;
                used += w;
            }
        }
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && o < len; i++)
        if (on[i]) o += (size_t)snprintf(buf + o, len - o, " %s %s ", h[i].keys, h[i].what);
}

void dash_draw_footer(struct dash *d, struct tui_canvas *c)
{
    char keys[512], prompt[256];
    const char *text = keys;
    footer_keys(d, c, keys, sizeof keys);
    if (d->collect && d->collect->active && !d->message[0]) {
        dash_collect_prompt(d, prompt, sizeof prompt);
        text = prompt;
    }
    bool msg = d->message[0] != '\0';
    int y = c->h - 1, fg = TUI_COLOR_DEFAULT, bg = TUI_COLOR_DEFAULT;
    if (msg && d->msg_kind == DASH_MSG_ERROR)
        fg = tui_ui_color(c->color, TUI_UI_ALERT);
    else if (msg && d->msg_kind == DASH_MSG_OK)
        fg = tui_ui_color(c->color, TUI_UI_GOOD);
    tui_canvas_fill(c, (struct tui_rect){ 0, y, c->w, 1 }, ' ', fg, bg);
    if (msg) {
        char m[340];
        snprintf(m, sizeof m, " %s", d->message);
        tui_canvas_text(c, 0, y, c->w, fg, bg, m);
    } else {
        tui_canvas_text(c, 0, y, c->w, fg, bg, text);
    }
    /* Messages stand out reversed in their colour: red for errors, green
     * for success, the text colour for information; key hints are plain
     * reverse video like the header. */
    tui_canvas_attr(c, (struct tui_rect){ 0, y, c->w, 1 }, TUI_ATTR_REVERSE);
}
