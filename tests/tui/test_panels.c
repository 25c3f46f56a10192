/* test_panels.c: the dashboard's model, board and model-info panels on
 * canvases (text, proportions, highlighting, ASCII fallback, clipping to any
 * rectangle), the stage statistics and sparklines, and the score track
 * against `kwscope classify --json` and against the models functions called
 * directly, in one shot and fed in odd chunks. */
#include "test.h"

#include "capture/capture.h"
#include "dash/panels.h"
#include "tui/tui.h"

/* ---- canvas helpers ---- */

/* Row y as UTF-8 (static buffer). */
static const char *row_text(struct tui_canvas *c, int y)
{
    static char buf[4096];
    size_t o = 0;
    for (int x = 0; x < c->w && o + 5 < sizeof buf; x++) {
        uint32_t ch = tui_canvas_at(c, x, y)->ch;
        if (ch < 0x80) {
            buf[o++] = (char)ch;
        } else if (ch < 0x800) {
            buf[o++] = (char)(0xC0 | (ch >> 6));
            buf[o++] = (char)(0x80 | (ch & 0x3F));
        } else {
            buf[o++] = (char)(0xE0 | (ch >> 12));
            buf[o++] = (char)(0x80 | ((ch >> 6) & 0x3F));
            buf[o++] = (char)(0x80 | (ch & 0x3F));
        }
    }
    buf[o] = '\0';
    return buf;
}

/* First row containing s, or -1. */
static int find_row(struct tui_canvas *c, const char *s)
{
    for (int y = 0; y < c->h; y++)
        if (strstr(row_text(c, y), s)) return y;
    return -1;
}

static int count_in_row(struct tui_canvas *c, int y, uint32_t ch)
{
    int n = 0;
    for (int x = 0; x < c->w; x++) n += tui_canvas_at(c, x, y)->ch == ch;
    return n;
}

#define SENTINEL 'Z'
static void fill_sentinel(struct tui_canvas *c)
{
    for (int i = 0; i < c->w * c->h; i++) c->cells[i] = (struct tui_cell){ SENTINEL, 99, 98, 0 };
}

/* Every cell outside r still holds the sentinel. */
static int outside_untouched(struct tui_canvas *c, struct tui_rect r)
{
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) continue;
            struct tui_cell *k = tui_canvas_at(c, x, y);
            if (k->ch != SENTINEL || k->fg != 99 || k->bg != 98 || k->attr) return 0;
        }
    return 1;
}

/* ---- fixtures ---- */

static const char *const labels4[] = { "silence", "unknown", "yes", "no" };
static const float scores4[] = { 0.0f, 0.25f, 0.5f, 1.0f };
static const int32_t avg4[] = { 0, 64, 128, 255 }; /* bars: 0, 1/4, 1/2, all */
static const struct tui_detection log3[] = { { 1.0, 2, 232 }, { 2.0, 3, 219 }, { 3.5, 2, 250 } };

static struct tui_scores_model scores_fixture(const struct mdl_detect_config *dc)
{
    return (struct tui_scores_model){ .title = "Model",
                                      .t_s = 3.6,
                                      .n = 4,
                                      .labels = labels4,
                                      .scores = scores4,
                                      .avg = avg4,
                                      .top = -1,
                                      .threshold = -1,
                                      .detect = dc,
                                      .log = log3,
                                      .n_log = 3,
                                      .led = true };
}

static struct tui_stage_stats stages[TUI_STAGE_COUNT];
static const char *const board_labels[] = { "silence", "unknown", "yes", "no" };

static struct tui_board_model board_fixture(void)
{
    for (int i = 0; i < TUI_STAGE_COUNT; i++) tui_stage_stats_reset(&stages[i]);
    for (uint32_t k = 0; k < 20; k++)
        tui_stage_stats_add_result(stages, 1000 + 10 * k, 137000 + 100 * k, 50);
    return (struct tui_board_model){ .state = TUI_BOARD_TIMEOUT,
                                     .port = "/dev/pts/7",
                                     .message = "no answer in 300 ms",
                                     .firmware = "kwscope-core 0.1",
                                     .model_name = "tinyconv",
                                     .n_labels = 4,
                                     .labels = board_labels,
                                     .arena_bytes = 12345,
                                     .ram_bytes = 45678,
                                     .flash_bytes = 98765,
                                     .mode = TUI_BOARD_PUSH,
                                     .frames_ok = 77,
                                     .bad_frames = 3,
                                     .lost_chunks = 0,
                                     .stages = stages };
}

static struct mdl_model model;
static struct mdl_info info;
static bool have_model;

static void load_model(void)
{
    char p[4096], err[256];
    if (mdl_model_load(SOURCE_PATH("assets/default_model.tflite", p), &model, err, sizeof err) ||
        mdl_model_info(&model, MDL_FLOPS_DEFAULT, &info, err, sizeof err)) {
        fprintf(stderr, "default model: %s\n", err);
        test_failures++;
        return;
    }
    have_model = true;
}

/* ---- scores panel ---- */

static void test_scores_ascii(void)
{
    struct mdl_detect_config dc = mdl_detect_config_default();
    struct tui_scores_model m = scores_fixture(&dc);
    struct tui_canvas *c = tui_canvas_new(60, 12, false, TUI_COLOR_NONE);
    tui_panel_scores(c, (struct tui_rect){ 0, 0, 60, 12 }, &m);
    /* Rows: 0 title, 1 column header, 2..5 classes, 6 parameters, 7.. log. */
    CHECK(strstr(row_text(c, 0), "Model @ 3.60 s"));
    CHECK(strstr(row_text(c, 0), "(*) yes")); /* LED lit, newest detection's label */
    CHECK(strstr(row_text(c, 1), "class"));
    CHECK(strstr(row_text(c, 1), "now  avg"));
    int rs = find_row(c, "silence"), ry = find_row(c, "yes  "), rn = find_row(c, "> no");
    CHECK_INT(rs, 2);
    CHECK_INT(ry, 4);
    CHECK_INT(rn, 5);                /* the top class (largest score) is marked */
    CHECK(find_row(c, "> yes") < 0); /* and only it */
    CHECK(tui_canvas_at(c, 2, rn)->attr & TUI_ATTR_BOLD);
    CHECK(!(tui_canvas_at(c, 2, ry)->attr & TUI_ATTR_BOLD));
    CHECK(strstr(row_text(c, ry), "0.50 0.50")); /* score and smoothed score, both 0..1 */
    /* Bars (the averages) proportional: 0, 1/4, 1/2 and all of the same width. The bar of
     * the zero score is all '.', and shows where the bars are. */
    int bar_x = 0, full = 0;
    while (bar_x < c->w && tui_canvas_at(c, bar_x, rs)->ch != '.') bar_x++;
    while (bar_x + full < c->w && tui_canvas_at(c, bar_x + full, rs)->ch == '.') full++;
    CHECK(full > 20);
    CHECK_INT(count_in_row(c, rn, '#'), full);
    CHECK_INT(count_in_row(c, rs, '#'), 0);
    CHECK_NEAR(count_in_row(c, rs + 1, '#'), full / 4.0, 0.51);
    CHECK_NEAR(count_in_row(c, ry, '#'), full / 2.0, 0.51);
    for (int y = rs; y <= rn; y++) /* filled from the left, then empty */
        for (int x = bar_x; x < bar_x + full; x++)
            CHECK(tui_canvas_at(c, x, y)->ch == (x - bar_x < count_in_row(c, y, '#') ? '#' : '.'));
    CHECK(
        strstr(row_text(c, 6), "win 1000ms thr 0.78 sup 1500ms min 3")); /* 60 cells: short form */
    /* Log newest first. */
    CHECK(strstr(row_text(c, 7), "Detections"));
    CHECK(strstr(row_text(c, 8), "yes 0.98 @ 3.50 s"));
    CHECK(strstr(row_text(c, 9), "no 0.86 @ 2.00 s"));
    CHECK(strstr(row_text(c, 10), "yes 0.91 @ 1.00 s"));
    for (int i = 0; i < c->w * c->h; i++) {
        CHECK(c->cells[i].ch >= 0x20 && c->cells[i].ch < 0x7F);
        CHECK(c->cells[i].ch != '?');
        CHECK(c->cells[i].fg == TUI_COLOR_DEFAULT);
    }

    struct tui_canvas *wide = tui_canvas_new(80, 12, false, TUI_COLOR_NONE);
    tui_panel_scores(wide, (struct tui_rect){ 0, 0, 80, 12 }, &m);
    CHECK(strstr(row_text(wide, 6),
                 "detect: window 1000 ms  threshold 0.78  suppression 1500 ms  min 3"));
    tui_canvas_free(wide);

    /* Short: no column header; the log keeps the newest and says how many
     * are left out. */
    tui_canvas_clear(c);
    tui_panel_scores(c, (struct tui_rect){ 0, 0, 60, 9 }, &m);
    CHECK_INT(find_row(c, "silence"), 1);
    CHECK(strstr(row_text(c, 7), "yes 0.98 @ 3.50 s"));
    CHECK(strstr(row_text(c, 8), "+2 more"));

    /* LED off, threshold marked: on the empty part of "yes" (score 0.5 < 200/255),
     * on the filled part of "no". */
    m.led = false;
    m.threshold = 200;
    m.log = NULL;
    m.n_log = 0;
    tui_canvas_clear(c);
    tui_panel_scores(c, (struct tui_rect){ 0, 0, 60, 12 }, &m);
    CHECK(strstr(row_text(c, 0), "( )"));
    CHECK(!strstr(row_text(c, 0), "(*)"));
    CHECK_INT(count_in_row(c, ry, ':'), 1);
    CHECK_INT(count_in_row(c, rn, '|'), 1);
    CHECK_INT(count_in_row(c, rn, '#'), full - 1);
    CHECK(find_row(c, "No detections") > 0);
    int tx = -1;
    for (int x = 0; x < c->w; x++)
        if (tui_canvas_at(c, x, ry)->ch == ':') tx = x;
    CHECK_NEAR(tx - bar_x, 200.0 / 255 * full, 1.0);
    /* The smoothed score above the threshold is shown in reverse. */
    const char *r = row_text(c, rn);
    int ax = (int)(strrchr(r, '1') - r); /* the average's "1.00" */
    CHECK(tui_canvas_at(c, ax, rn)->attr & TUI_ATTR_REVERSE);
    r = row_text(c, ry);
    CHECK(!(tui_canvas_at(c, (int)(strrchr(r, '0') - r), ry)->attr & TUI_ATTR_REVERSE));
    tui_canvas_free(c);
}

static void test_scores_unicode(void)
{
    struct mdl_detect_config dc = mdl_detect_config_default();
    struct tui_scores_model m = scores_fixture(&dc);
    int8_t s8[4] = { -128, -64, 0, 127 }; /* 0, 0.25, 0.5, 0.996 */
    m.scores = NULL;
    m.scores_i8 = s8;
    m.top = 1; /* the caller may highlight another class */
    m.detect = NULL;
    m.t_s = -1;
    struct tui_canvas *c = tui_canvas_new(50, 10, true, TUI_COLOR_256);
    tui_panel_scores(c, (struct tui_rect){ 0, 0, 50, 10 }, &m);
    CHECK(strstr(row_text(c, 0), "\u25CF yes"));
    CHECK(!strstr(row_text(c, 0), "@")); /* no time given */
    CHECK(find_row(c, "window") < 0);    /* no parameters given */
    int ru = find_row(c, "\u25B6 unknown"), rs = find_row(c, "silence");
    CHECK_INT(ru, rs + 1);
    CHECK(!strstr(row_text(c, rs + 3), "\u25B6"));
    CHECK_INT(tui_canvas_at(c, 0, ru)->fg, tui_ui_color(TUI_COLOR_256, TUI_UI_GOOD));
    CHECK(strstr(row_text(c, rs + 2), "0.50"));
    /* Eighth blocks: the filled length in eighths follows the score. */
    long e[4] = { 0 };
    int w = 0;
    for (int y = rs; y < rs + 4; y++)
        for (int x = 0; x < c->w; x++) {
            uint32_t ch = tui_canvas_at(c, x, y)->ch;
            if (ch == 0x2588)
                e[y - rs] += 8;
            else if (ch >= 0x2589 && ch <= 0x258F)
                e[y - rs] += 0x2590 - ch;
            if (y == rs && ch == 0x2591) w++;
        }
    CHECK(w > 10);
    CHECK_INT(e[0], 0);
    CHECK_NEAR(e[1], 0.25 * w * 8, 1);
    CHECK_NEAR(e[2], 0.5 * w * 8, 1);
    CHECK_NEAR(e[3], 255.0 / 256 * w * 8, 1);
    tui_canvas_free(c);
}

/* ---- stage statistics, sparkline, board panel ---- */

static void test_stage_stats(void)
{
    struct tui_stage_stats s = { 0 };
    CHECK_NEAR(tui_stage_stats_avg_us(&s), 0, 0);
    tui_stage_stats_add(&s, 500);
    tui_stage_stats_add(&s, 100);
    tui_stage_stats_add(&s, 300);
    CHECK_INT(s.count, 3);
    CHECK_INT(s.min_us, 100);
    CHECK_INT(s.max_us, 500);
    CHECK_INT(s.last_us, 300);
    CHECK_NEAR(tui_stage_stats_avg_us(&s), 300, 1e-9);
    CHECK_INT(tui_stage_stats_hist(&s, 0), 500);
    CHECK_INT(tui_stage_stats_hist(&s, 2), 300);
    CHECK_INT(tui_stage_stats_hist(&s, 3), 0);
    /* Past the ring: the oldest drop out, statistics still cover everything. */
    tui_stage_stats_reset(&s);
    for (uint32_t k = 1; k <= TUI_STAGE_HISTORY + 5; k++) tui_stage_stats_add(&s, k);
    CHECK_INT(s.n_ring, TUI_STAGE_HISTORY);
    CHECK_INT(tui_stage_stats_hist(&s, 0), 6);
    CHECK_INT(tui_stage_stats_hist(&s, TUI_STAGE_HISTORY - 1), TUI_STAGE_HISTORY + 5);
    CHECK_INT(s.min_us, 1);
    CHECK_NEAR(tui_stage_stats_avg_us(&s), (TUI_STAGE_HISTORY + 6) / 2.0, 1e-9);

    struct tui_stage_stats st[TUI_STAGE_COUNT] = { { 0 } };
    tui_stage_stats_add_result(st, 10, 200, 3);
    CHECK_INT(st[TUI_STAGE_TOTAL].last_us, 213);
    CHECK_INT(st[TUI_STAGE_INFER].last_us, 200);
    CHECK_STR(tui_stage_name(TUI_STAGE_POST), "postprocess");
}

static void test_sparkline(void)
{
    struct tui_stage_stats s = { 0 };
    for (uint32_t k = 1; k <= 8; k++) tui_stage_stats_add(&s, 100 * k); /* rising */
    struct tui_canvas *c = tui_canvas_new(12, 2, true, TUI_COLOR_NONE);
    struct tui_rect all = { 0, 0, 12, 2 };
    tui_sparkline(c, all, 0, 0, 12, &s, -1);
    /* Right-aligned, newest last: 4 cells empty, then one step per value. */
    CHECK_INT(tui_canvas_at(c, 3, 0)->ch, ' ');
    for (int i = 0; i < 8; i++) CHECK_INT(tui_canvas_at(c, 4 + i, 0)->ch, 0x2581 + (uint32_t)i);
    /* Narrower than the history: only the newest show (the last is the tallest). */
    tui_sparkline(c, all, 0, 1, 3, &s, -1);
    CHECK_INT(tui_canvas_at(c, 0, 1)->ch, 0x2581 + 5);
    CHECK_INT(tui_canvas_at(c, 2, 1)->ch, 0x2588);
    tui_canvas_free(c);

    struct tui_stage_stats d = { 0 };
    for (uint32_t k = 8; k >= 1; k--) tui_stage_stats_add(&d, 100 * k); /* falling */
    c = tui_canvas_new(8, 1, false, TUI_COLOR_NONE);
    tui_sparkline(c, (struct tui_rect){ 0, 0, 8, 1 }, 0, 0, 8, &d, -1);
    CHECK_STR(row_text(c, 0), "#*+=:-._");
    tui_canvas_free(c);
}

static void test_board(void)
{
    struct tui_board_model m = board_fixture();
    struct tui_canvas *c = tui_canvas_new(80, 14, false, TUI_COLOR_NONE);
    tui_panel_board(c, (struct tui_rect){ 0, 0, 80, 14 }, &m);
    CHECK(strstr(row_text(c, 0), "Board [timeout] /dev/pts/7"));
    CHECK(find_row(c, "no answer in 300 ms") == 1);
    CHECK(find_row(c, "fw kwscope-core 0.1  model tinyconv") >= 0);
    CHECK(find_row(c, "labels silence unknown yes no") >= 0);
    CHECK(find_row(c, "arena 12,345 B  RAM 45,678 B  flash 98,765 B") >= 0);
    int my = find_row(c, "mode pushing  frames 77  bad 3");
    CHECK(my >= 0);
    CHECK(my >= 0 && !strstr(row_text(c, my), "lost")); /* zero counters stay hidden */
    int hy = find_row(c, "ms (board)");                 /* whose clock timed the stages */
    CHECK(hy > my);
    CHECK(hy >= 0 && strstr(row_text(c, hy), "last    min    max    avg history"));
    /* inference: last 138.90, min 137.00, max 138.90, avg 137.95 */
    CHECK(find_row(c, "inference   138.90 137.00 138.90 137.95 ") == hy + 2);
    CHECK(find_row(c, "total") == hy + 4);
    /* The preprocess history rises: its last cell is the ramp's top. */
    CHECK_INT(tui_canvas_at(c, 79, hy + 1)->ch, '#');
    CHECK_INT(tui_canvas_at(c, 79, hy + 3)->ch, '#'); /* constant: a full line */
    CHECK_INT(tui_canvas_at(c, 70, hy + 3)->ch, '#');

    /* Narrow: short names, fewer figures in whole columns, the history
     * under the table when there are rows for it. */
    tui_canvas_clear(c);
    m.state = TUI_BOARD_READY;
    m.message = NULL;
    tui_panel_board(c, (struct tui_rect){ 0, 0, 26, 14 }, &m);
    CHECK(strstr(row_text(c, 0), "[ready]"));
    CHECK(find_row(c, "infer 138.90 137.00 138.90") >= 0); /* never a cut figure */
    CHECK(find_row(c, "137.95") < 0);
    CHECK(find_row(c, "history") < 0); /* 14 rows: no room for it */
    tui_canvas_free(c);
    c = tui_canvas_new(26, 24, false, TUI_COLOR_NONE);
    tui_panel_board(c, (struct tui_rect){ 0, 0, 26, 24 }, &m);
    int hr = find_row(c, "history");
    CHECK(hr > 0 && find_row(c, "infer 138.90") < hr);
    CHECK(hr > 0 && strstr(row_text(c, hr + 2), "infer") &&
          tui_canvas_at(c, 25, hr + 2)->ch == '#');
    CHECK(find_row(c, "inference") < 0);
    tui_canvas_free(c);

    /* Colour: the state is coloured by how healthy it is. */
    c = tui_canvas_new(40, 3, true, TUI_COLOR_8);
    m.state = TUI_BOARD_VERSION_MISMATCH;
    tui_panel_board(c, (struct tui_rect){ 0, 0, 40, 3 }, &m);
    CHECK(strstr(row_text(c, 0), "[version mismatch]"));
    CHECK_INT(tui_canvas_at(c, 7, 0)->fg, tui_ui_color(TUI_COLOR_8, TUI_UI_ALERT));
    tui_canvas_free(c);
}

/* ---- model info view ---- */

static void test_model(void)
{
    if (!have_model) return;
    struct tui_model_view v = { .path = "default_model.tflite", .model = &model, .info = &info };
    struct tui_canvas *c = tui_canvas_new(110, 16, false, TUI_COLOR_NONE);
    tui_panel_model(c, (struct tui_rect){ 0, 0, 110, 16 }, &v);
    CHECK(strstr(row_text(c, 0), "Model: default_model.tflite"));
    CHECK(find_row(c, "FLOPs: 2 per multiply-add + 1 per biased output element") >= 0);
    CHECK(find_row(c, "weight B") >= 0);
    char a[32], line[160];
    for (int i = 0; i < info.n_layers; i++) {
        int y = find_row(c, mdl_op_name(info.layers[i].op));
        CHECK(y >= 0);
        if (y >= 0)
            CHECK(strstr(row_text(c, y), tui_format_grouped(info.layers[i].flops, a, sizeof a)));
    }
    int ty = find_row(c, "total");
    CHECK(ty >= 0 && strstr(row_text(c, ty), tui_format_grouped(info.flops, a, sizeof a)));
    snprintf(line, sizeof line, "%s B  %5.1f%% of 256 KB",
             tui_format_grouped(info.arena_bytes, a, sizeof a), 100 * info.ram_share);
    int ry = find_row(c, "RAM    tensor arena");
    CHECK(ry >= 0 && strstr(row_text(c, ry), line));
    CHECK(ry >= 0 && count_in_row(c, ry, '.') > 0); /* the share bar */
    CHECK(find_row(c, "% of 1 MB") == ry + 1);

    /* Same figures as `kwscope model info`: every layer row's numbers appear
     * in its table (the CLI pads differently, so compare token by token). */
    const char *bin = getenv("KWSCOPE_BIN");
    char cmd[4096], p[4096];
    snprintf(cmd, sizeof cmd, "'%s' model info '%s'", bin ? bin : "kwscope",
             SOURCE_PATH("assets/default_model.tflite", p));
    FILE *f = popen(cmd, "r");
    CHECK(f != NULL);
    int matched = 0;
    while (f && fgets(line, sizeof line, f)) {
        for (int i = 0; i < info.n_layers; i++) {
            char want[64];
            snprintf(want, sizeof want, " %d  %s ", i, mdl_op_name(info.layers[i].op));
            if (!strstr(line, want)) continue;
            int y = find_row(c, mdl_op_name(info.layers[i].op));
            char *save, *tok = strtok_r(line + strlen(want), " \n", &save);
            for (; tok && y >= 0; tok = strtok_r(NULL, " \n", &save))
                CHECK(strstr(row_text(c, y), tok));
            matched++;
        }
    }
    if (f) CHECK_INT(pclose(f), 0);
    CHECK_INT(matched, info.n_layers);

    /* Short: the first layers, "+N more", then totals and RAM/flash. */
    tui_canvas_clear(c);
    tui_panel_model(c, (struct tui_rect){ 0, 0, 110, 8 }, &v);
    char more[32];
    snprintf(more, sizeof more, "+%d more", info.n_layers - 2);
    CHECK(info.n_layers > 3);
    CHECK(strstr(row_text(c, 4), more));
    CHECK(strstr(row_text(c, 5), "total"));
    CHECK(strstr(row_text(c, 6), "RAM    tensor arena"));
    CHECK(strstr(row_text(c, 7), "flash  model"));
    /* Scrolled to the end: the last layer shows, no "+N more". */
    v.first_layer = 99;
    tui_canvas_clear(c);
    tui_panel_model(c, (struct tui_rect){ 0, 0, 110, 8 }, &v);
    CHECK(find_row(c, "SOFTMAX") >= 0);
    CHECK(find_row(c, "more") < 0);
    /* Narrow: weight bytes and MACs go first, op stays. */
    v.first_layer = 0;
    tui_canvas_clear(c);
    tui_panel_model(c, (struct tui_rect){ 0, 0, 60, 16 }, &v);
    CHECK(!strstr(row_text(c, 3), "weight B"));
    CHECK(!strstr(row_text(c, 3), "MACs"));
    CHECK(strstr(row_text(c, 3), "FLOPs"));
    CHECK(strstr(row_text(c, 3), "params"));
    CHECK(find_row(c, "DEPTHWISE_CONV_2D") >= 0);
    tui_canvas_free(c);
}

/* ---- every panel, every mode, every small size: inside r, only ASCII on ASCII ---- */

static void draw_all(struct tui_canvas *c, struct tui_rect r, int which)
{
    static struct mdl_detect_config dc;
    dc = mdl_detect_config_default();
    struct tui_scores_model sm = scores_fixture(&dc);
    sm.threshold = 200;
    struct tui_board_model bm = board_fixture();
    struct tui_model_view mv = { .path = "m.tflite", .model = &model, .info = &info };
    if (which == 0)
        tui_panel_scores(c, r, &sm);
    else if (which == 1)
        tui_panel_board(c, r, &bm);
    else if (have_model)
        tui_panel_model(c, r, &mv);
}

static void test_clipping(void)
{
    static const struct {
        bool u;
        enum tui_color_mode col;
    } modes[] = { { true, TUI_COLOR_256 }, { true, TUI_COLOR_8 }, { false, TUI_COLOR_NONE } };
    int bad = 0, non_ascii = 0, drawn = 0;
    for (size_t mi = 0; mi < 3; mi++)
        for (int which = 0; which < 3; which++)
            for (int w = 0; w <= 90; w += w < 8 ? 1 : 7)
                for (int h = 0; h <= 20; h += h < 6 ? 1 : 5) {
                    struct tui_canvas *c = tui_canvas_new(100, 24, modes[mi].u, modes[mi].col);
                    struct tui_rect r = { 3, 2, w, h };
                    fill_sentinel(c);
                    draw_all(c, r, which);
                    bad += !outside_untouched(c, r);
                    for (int i = 0; i < c->w * c->h; i++) {
                        drawn += c->cells[i].ch != SENTINEL;
                        if (!modes[mi].u && c->cells[i].ch >= 0x7F) non_ascii++;
                        if (!modes[mi].u && c->cells[i].ch == '?')
                            non_ascii++; /* a Unicode glyph that fell back */
                    }
                    tui_canvas_free(c);
                }
    CHECK_INT(bad, 0);
    CHECK_INT(non_ascii, 0);
    CHECK(drawn > 1000);
    /* A rect hanging off the canvas edge is clipped by the canvas. */
    struct tui_canvas *c = tui_canvas_new(10, 4, true, TUI_COLOR_256);
    for (int which = 0; which < 3; which++) {
        draw_all(c, (struct tui_rect){ 6, 2, 40, 30 }, which);
        draw_all(c, (struct tui_rect){ -5, -1, 12, 8 }, which);
    }
    tui_canvas_free(c);
}

/* ---- score track ---- */

struct track_fixture {
    struct mdl_kws k;
    struct cap_clip clip;
    bool ok;
};

static void track_open(struct track_fixture *f)
{
    char p[4096], err[256];
    memset(f, 0, sizeof *f);
    if (!have_model || mdl_kws_init(&f->k, &model, err, sizeof err) ||
        cap_clip_load(SOURCE_PATH("assets/demo.wav", p), &f->clip, err, sizeof err)) {
        fprintf(stderr, "track fixture: %s\n", err);
        test_failures++;
        return;
    }
    f->ok = true;
}

/* The classify algorithm spelled out with the models functions. */
static size_t direct_track(struct track_fixture *f, int8_t **scores)
{
    char err[256];
    struct dsp_micro_config mc = dsp_micro_config_default();
    uint16_t *u;
    size_t frames, win = (size_t)f->k.frames, rows = 0;
    CHECK_INT(dsp_micro_clip(&mc, f->clip.samples, f->clip.n_samples, &u, &frames, err, sizeof err),
              KWS_OK);
    rows = frames >= win ? frames - win + 1 : 0;
    *scores = malloc(rows * (size_t)f->k.n_classes + 1);
    for (size_t w = 0; w < rows; w++)
        CHECK_INT(mdl_kws_score(&f->k, u + w * KWS_FEATURE_CHANNELS,
                                *scores + w * (size_t)f->k.n_classes, err, sizeof err),
                  KWS_OK);
    free(u);
    return rows;
}

static void track_all(struct mdl_track *t, const struct cap_clip *clip)
{
    char err[256];
    size_t used;
    CHECK_INT(mdl_track_feed(t, clip->samples, clip->n_samples, (size_t)-1, &used, err, sizeof err),
              KWS_OK);
    CHECK_INT(used, clip->n_samples);
}

/* Smoothed scores equal the detector's at every row, for two settings. */
static void check_smoothed_like_detector(const struct mdl_track *one, size_t rows, int nc)
{
    char err[256];
    struct mdl_detect_config cfgs[2] = { mdl_detect_config_default(), mdl_detect_config_default() };
    cfgs[1].window_ms = 300;
    cfgs[1].min_count = 5;
    for (int ci = 0; ci < 2; ci++) {
        struct mdl_detect d;
        cfgs[ci].n_classes = nc;
        CHECK_INT(mdl_detect_init(&d, &cfgs[ci], err, sizeof err), KWS_OK);
        int mismatch = 0, valid = 0;
        for (size_t i = 0; i < rows; i++) {
            struct mdl_detect_result r;
            int32_t avg[MDL_DETECT_MAX_CLASSES];
            mdl_detect_process(&d, mdl_track_row(one, i), one->t_ms[i], &r, err, sizeof err);
            int n = mdl_track_avg(one, &cfgs[ci], i, avg);
            mismatch +=
                (n > 0) != r.valid || (r.valid && memcmp(avg, r.avg, (size_t)nc * sizeof *avg));
            valid += n > 0;
        }
        CHECK_INT(mismatch, 0);
        CHECK(valid > 10);
    }
}

/* Re-tuning: the stored track through mdl_detect_track, for new settings. */
static void check_retuning(const struct mdl_track *one)
{
    char err[256];
    struct tui_detection det[64];
    size_t n_det, n_hi;
    struct mdl_detect_config dc = mdl_detect_config_default();
    dc.n_classes = 99; /* taken from the model */
    CHECK_INT(tui_track_detect(one, &dc, det, 64, &n_det, err, sizeof err), KWS_OK);
    dc.threshold = 255;
    CHECK_INT(tui_track_detect(one, &dc, det, 64, &n_hi, err, sizeof err), KWS_OK);
    CHECK_INT(n_hi, 0);
    dc.threshold = 0;
    dc.suppression_ms = 0;
    CHECK_INT(tui_track_detect(one, &dc, det, 64, &n_hi, err, sizeof err), KWS_OK);
    CHECK(n_hi > n_det);
    struct tui_mark marks[64];
    CHECK_INT(tui_detections_to_marks(det, n_hi, labels4, 4, marks, 64), n_hi);
    CHECK_NEAR(marks[0].t_s, det[0].t_s, 0);
    CHECK_STR(marks[0].label, labels4[det[0].label]);
    struct tui_detection odd = { 1.5, 7, 0 };
    CHECK_STR((tui_detections_to_marks(&odd, 1, labels4, 4, marks, 1), marks[0].label), "?");
    dc.min_count = 0;
    CHECK(tui_track_detect(one, &dc, det, 64, &n_hi, err, sizeof err) != KWS_OK);
}

static void test_track_direct_and_chunks(void)
{
    struct track_fixture f;
    track_open(&f);
    if (!f.ok) return;
    char err[256];
    int nc = f.k.n_classes;
    int8_t *want;
    size_t rows = direct_track(&f, &want);
    CHECK(rows > 50); /* demo.wav is 2.3 s: 116 frames, 68 windows */
    struct mdl_track one, inc;
    CHECK_INT(mdl_track_init(&one, &f.k, err, sizeof err), KWS_OK);
    track_all(&one, &f.clip);
    CHECK_INT(one.rows, rows);
    CHECK(!memcmp(one.scores, want, rows * (size_t)nc));
    CHECK_INT(one.t_ms[0], 990);
    CHECK_INT(one.t_ms[rows - 1], 990 + 20 * (int)(rows - 1));
    /* A different class wins somewhere: the track is not constant. */
    int tops = 0;
    for (size_t i = 0; i < rows; i++) tops |= 1 << mdl_kws_top(mdl_track_row(&one, i), nc);
    CHECK(tops & ~1);

    /* Odd chunks, at most 3 rows a call: the same track, and never more
     * than the budget per call. */
    CHECK_INT(mdl_track_init(&inc, &f.k, err, sizeof err), KWS_OK);
    static const size_t chunks[] = { 1, 7, 333, 1237, 2, 4801, 319, 321 };
    size_t pos = 0, calls = 0, over = 0, k = 0;
    while (pos < f.clip.n_samples && calls < 100000) {
        size_t n = chunks[k++ % 8], used;
        if (n > f.clip.n_samples - pos) n = f.clip.n_samples - pos;
        size_t before = inc.rows;
        CHECK_INT(mdl_track_feed(&inc, f.clip.samples + pos, n, 3, &used, err, sizeof err), KWS_OK);
        over += inc.rows - before > 3;
        pos += used;
        calls++;
    }
    CHECK_INT(over, 0);
    CHECK_INT(inc.samples, f.clip.n_samples);
    CHECK_INT(inc.rows, rows);
    CHECK(!memcmp(inc.scores, one.scores, rows * (size_t)nc));
    CHECK(!memcmp(inc.t_ms, one.t_ms, rows * sizeof *one.t_ms));
    /* Budget 0 takes nothing. */
    size_t used = 5;
    CHECK_INT(mdl_track_feed(&inc, f.clip.samples, 100, 0, &used, err, sizeof err), KWS_OK);
    CHECK_INT(used, 0);

    /* Reset gives a fresh frontend: the same track again. */
    mdl_track_reset(&inc);
    CHECK_INT(inc.rows, 0);
    track_all(&inc, &f.clip);
    CHECK_INT(inc.rows, rows);
    CHECK(!memcmp(inc.scores, one.scores, rows * (size_t)nc));

    /* Row lookup by time. */
    CHECK_INT(mdl_track_row_at(&one, 0.5), -1);
    CHECK_INT(mdl_track_row_at(&one, 0.985), -1);
    CHECK_INT(mdl_track_row_at(&one, 0.995), 0);
    CHECK_INT(mdl_track_row_at(&one, 1.005), 0);
    CHECK_INT(mdl_track_row_at(&one, 1.015), 1);
    CHECK_INT(mdl_track_row_at(&one, 99), (long)rows - 1);

    check_smoothed_like_detector(&one, rows, nc);
    check_retuning(&one);

    free(want);
    mdl_track_free(&one);
    mdl_track_free(&inc);
    mdl_kws_free(&f.k);
    cap_clip_free(&f.clip);
}

/* `kwscope classify --json` on the demo clip: the same rows, stamps, int8
 * scores and detections. */
static void test_track_vs_classify(void)
{
    struct track_fixture f;
    track_open(&f);
    if (!f.ok) return;
    char err[256], cmd[8192], p[4096], line[4096];
    struct mdl_track t;
    CHECK_INT(mdl_track_init(&t, &f.k, err, sizeof err), KWS_OK);
    track_all(&t, &f.clip);
    /* classify uses the model's calibrated settings and shows keyword
     * detections only (not silence, not unknown). */
    struct mdl_detect_config dc = mdl_detect_config_default();
    CHECK_INT(mdl_detect_config_load(SOURCE_PATH("assets/default_model.tflite", p), &dc, 0, NULL,
                                     err, sizeof err),
              KWS_OK);
    struct tui_detection det[64];
    size_t n_det, n_kw = 0;
    CHECK_INT(tui_track_detect(&t, &dc, det, 64, &n_det, err, sizeof err), KWS_OK);
    for (size_t k = 0; k < n_det; k++)
        if (det[k].label >= 2) /* silence, unknown, yes, no */
            det[n_kw++] = det[k];
    n_det = n_kw;

    const char *bin = getenv("KWSCOPE_BIN");
    snprintf(cmd, sizeof cmd, "'%s' classify --json '%s'", bin ? bin : "kwscope",
             SOURCE_PATH("assets/demo.wav", p));
    FILE *pf = popen(cmd, "r");
    CHECK(pf != NULL);
    size_t row = 0, bad = 0, k_det = 0;
    while (pf && fgets(line, sizeof line, pf)) {
        const char *ts = strstr(line, "\"t_s\": "), *sc = strstr(line, "\"scores_i8\": [");
        if (!ts || !sc) {
            bad++;
            continue;
        }
        double t_s = strtod(ts + 7, NULL);
        char *q = (char *)sc + 14;
        int8_t s[MDL_DETECT_MAX_CLASSES];
        for (int c = 0; c < f.k.n_classes; c++) {
            s[c] = (int8_t)strtol(q, &q, 10);
            q += strspn(q, ", ");
        }
        const int8_t *mine = mdl_track_row(&t, row);
        bad += !mine || fabs(t_s - t.t_ms[row] / 1000.0) > 0.0051 ||
            memcmp(mine, s, (size_t)f.k.n_classes);
        if (strstr(line, "\"detection\": true")) {
            bad += k_det >= n_det || fabs(det[k_det].t_s - t_s) > 0.0051;
            k_det++;
        }
        row++;
    }
    if (pf) CHECK_INT(pclose(pf), 0);
    CHECK_INT(bad, 0);
    CHECK_INT(row, t.rows);
    CHECK_INT(k_det, n_det);
    mdl_track_free(&t);
    mdl_kws_free(&f.k);
    cap_clip_free(&f.clip);
}

/* KWSCOPE_PANELS_DUMP=1: show each panel in both modes on stdout, to look at. */
static void dump(void)
{
    for (int u = 1; u >= 0; u--)
        for (int which = 0; which < 3; which++) {
            int h = which == 1 ? 13 : 12;
            struct tui_canvas *c = tui_canvas_new(76, h, u, u ? TUI_COLOR_256 : TUI_COLOR_NONE);
            draw_all(c, (struct tui_rect){ 0, 0, 76, h }, which);
            tui_render_text(c, stdout);
            printf("%s\n", "----");
            tui_canvas_free(c);
        }
}

int main(void)
{
    load_model();
    if (getenv("KWSCOPE_PANELS_DUMP")) dump();
    test_scores_ascii();
    test_scores_unicode();
    test_stage_stats();
    test_sparkline();
    test_board();
    test_model();
    test_clipping();
    test_track_direct_and_chunks();
    test_track_vs_classify();
    if (have_model) {
        mdl_info_free(&info);
        mdl_model_free(&model);
    }
    return test_done();
}
