/* board_push.c: `kwscope board push FILE`: one second of a clip to the
 * board, its answer printed as `kwscope classify` prints the host's. Also
 * the push-and-wait step board_timings.c repeats. */
#include <stdio.h>
#include <string.h>

#include "board_priv.h"
#include "capture/capture.h"

/* A micro_speech board answers a push with "Scores:" (DEBUG build) and
 * "Heard" lines, in either order, and profile lines ("## <stage> time:" from
 * the virtual board, "## time:" for the whole loop from the stock sketch):
 * gather what follows the first answer into one result for a moment. */
static void gather_lines(struct dev_session *s, struct dev_event *ev,
                         double prof[BOARD_PROF_ROWS][3], int *n_prof)
{
    static const char *const names[BOARD_PROF_ROWS] = { "Preprocess", "Inference", "Postprocess",
                                                        "loop" };
    struct dev_event e;
    double end = dev_now() + 0.5;
    int profiles = 0, loop = 0;
    while (dev_now() < end && (!ev->has_scores || (profiles < 3 && !loop)) && !board_stop) {
        dev_session_on_readable(s, dev_now());
        dev_session_tick(s, dev_now());
        while (dev_session_next_event(s, &e)) {
            if (e.kind == DEV_EV_RESULT && e.requested && e.has_scores && !ev->has_scores) {
                memcpy(ev->result.scores, e.result.scores, sizeof e.result.scores);
                ev->result.n_scores = e.result.n_scores;
                ev->has_scores = 1;
                ev->scores_u8 = e.scores_u8;
            } else if (e.kind == DEV_EV_PROFILE && profiles < BOARD_PROF_ROWS) {
                for (int j = 0; j < BOARD_PROF_ROWS; j++)
                    if (!strcmp(e.line.profile_name, names[j]) && prof) {
                        prof[j][0] = e.line.min_ms;
                        prof[j][1] = e.line.max_ms;
                        prof[j][2] = e.line.avg_ms;
                        loop |= j == BOARD_PROF_LOOP;
                    }
                profiles++;
            }
        }
        board_wait_readable(s, 2);
    }
    if (n_prof) *n_prof = profiles;
}

int board_push_window(struct dev_session *s, const int16_t *x, size_t n, struct dev_event *ev,
                      double prof[BOARD_PROF_ROWS][3], int *n_prof)
{
    int16_t win[DEV_BOARD_CLIP] = { 0 };
    size_t k = n < DEV_BOARD_CLIP ? n : DEV_BOARD_CLIP;
    memcpy(win + (DEV_BOARD_CLIP - k), x + (n - k), k * sizeof *x);
    if (n_prof) *n_prof = 0;
    dev_session_push(s, win, DEV_BOARD_CLIP);
    dev_session_classify(s);
    char err[512];
    if (dev_session_wait_result(s, board_result_wait_s, &board_stop, ev, err, sizeof err) ==
        KWS_OK) {
        if (!ev->has_timings && !ev->no_detection) gather_lines(s, ev, prof, n_prof);
        return 0;
    }
    fprintf(stderr, "kwscope board: %s\n", err);
    return 1;
}

void board_test_mode_note(const struct board_opts *o)
{
    if (o->dialect == DEV_DIALECT_MICRO_SPEECH)
        fprintf(stderr,
                "kwscope board: note: a stock micro_speech board stays in test mode "
                "(mic off) after a push until it is reset\n");
}

static void print_json(const struct dev_event *e, const char *file, const struct dev_info *info)
{
    const struct dev_result *r = &e->result;
    printf("{\"file\":");
    cli_json_str(file);
    if (e->no_detection) {
        printf(",\"label\":null,\"no_detection\":true,\"detected\":false}\n");
        return;
    }
    printf(",\"label\":");
    cli_json_str(e->label);
    printf(",\"labels\":[");
    for (int k = 0; k < info->n_labels; k++) {
        printf(k ? "," : "");
        cli_json_str(info->labels[k]);
    }
    printf("],\"scores_i8\":[");
    for (int k = 0; k < r->n_scores; k++) printf("%s%d", k ? "," : "", r->scores[k]);
    printf("],\"scores\":[");
    for (int k = 0; k < r->n_scores; k++)
        printf("%s%.6f", k ? "," : "", (r->scores[k] + 128) / 256.0);
    printf("]");
    if (e->has_timings)
        printf(",\"timings_us\":{\"preprocess\":%u,\"inference\":%u,\"postprocess\":%u}",
               (unsigned)r->preprocess_us, (unsigned)r->inference_us, (unsigned)r->postprocess_us);
    if (r->has_instr) /* counted by the emulated board: its *_us are M4 estimates */
        printf(",\"timings\":\"m4_estimate\",\"instructions\":{\"preprocess\":%u,"
               "\"inference\":%u,\"postprocess\":%u}",
               (unsigned)r->preprocess_instr, (unsigned)r->inference_instr,
               (unsigned)r->postprocess_instr);
    printf(",\"detected\":%s,\"board_ms\":%u}\n", r->detected ? "true" : "false",
           (unsigned)r->board_ms);
}

static void print_result(const struct dev_event *e, const char *file, const struct dev_info *info,
                         int json)
{
    const struct dev_result *r = &e->result;
    if (json) {
        print_json(e, file, info);
        return;
    }
    if (e->no_detection) {
        printf("%s: no detection (the board's detector did not fire within its window)\n", file);
        return;
    }
    printf("%s: %s", file, e->label[0] ? e->label : "?");
    /* micro_speech's Scores are window averages on 0..255: shown as printed */
    for (int k = 0; k < r->n_scores; k++)
        printf("  %s %d", k < info->n_labels ? info->labels[k] : "?",
               r->scores[k] + (e->scores_u8 ? 128 : 0));
    if (e->scores_u8) printf("  (window averages, 0..255)");
    if (e->has_timings)
        printf("\n  preprocess %.3f ms, inference %.3f ms, postprocess %.3f ms (board)",
               r->preprocess_us / 1000.0, r->inference_us / 1000.0, r->postprocess_us / 1000.0);
    if (e->has_timings && r->has_instr)
        printf("\n  M4 est. at 64 MHz from %u, %u and %u executed instructions",
               (unsigned)r->preprocess_instr, (unsigned)r->inference_instr,
               (unsigned)r->postprocess_instr);
    printf("\n");
}

int board_push(const struct board_opts *o, const char *file)
{
    struct cap_clip clip;
    char err[256];
    if (cap_clip_load(file, &clip, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board: %s\n", err);
        return 1;
    }
    struct dev_session *s = board_connect(o);
    if (!s) {
        cap_clip_free(&clip);
        return 1;
    }
    struct dev_event ev;
    int rc = board_push_window(s, clip.samples, clip.n_samples, &ev, NULL, NULL);
    if (!rc) print_result(&ev, file, dev_session_info(s), o->json);
    if (!rc) board_test_mode_note(o);
    dev_session_close(s);
    cap_clip_free(&clip);
    return rc;
}
