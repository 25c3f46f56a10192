/* board_sim.c: `kwscope board sim`: the virtual board (device/sim_setup.c)
 * behind a pty until Ctrl-C, its LED printed as lines. It prints the pty's
 * path (and the link's, first, when --link is given) before anything else,
 * so a script can read where to connect. */
#include <stdio.h>
#include <string.h>

#include "board_priv.h"
#include "capture/capture.h"

/* The virtual LED: one line per live detection of a keyword (class 0 is
 * silence, which micro_speech hears but shows no LED for). */
static void sim_led(void *user, const char *label, int score, const struct dev_result *r)
{
    (void)user;
    if (!r->label) return;
    printf("LED: heard %s (%d) @%ums\n", label, score, (unsigned)r->board_ms);
    fflush(stdout);
}

static void banner(const struct board_opts *o, const struct dev_sim_setup *v,
                   const struct mdl_detect_config *dc, const char *sidecar)
{
    const struct dev_info *i = &v->cfg.info;
    const char *path = dev_sim_path(v->sim);
    printf("%s\n", o->link ? o->link : path);
    if (o->link) printf("%s\n", path);
    printf("virtual board (%s dialect) on %s: model %s (crc32 %08x, %u B), labels",
           dev_dialect_name(o->dialect), path, i->model, (unsigned)i->model_hash,
           (unsigned)i->flash_bytes);
    for (int k = 0; k < i->n_labels; k++) printf("%s%s", k ? "," : " ", i->labels[k]);
    printf(", arena %u B; mic %s at %gx", (unsigned)i->arena_bytes, o->mic ? o->mic : "silence",
           o->speed);
    if (v->live_ms)
        printf(", live detection every %ld ms\n", v->live_ms);
    else
        printf(", no live detection\n");
    printf("detector: threshold %d, window %d ms, suppression %d ms, min count %d (%s)\n",
           (int)dc->threshold, (int)dc->window_ms, (int)dc->suppression_ms, (int)dc->min_count,
           sidecar);
    fflush(stdout);
}

int board_sim(const struct board_opts *o)
{
    static struct dev_sim_setup v;
    struct cap_clip clip = { 0 };
    char err[256];
    if (o->mic && cap_clip_load(o->mic, &clip, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board sim: %s\n", err);
        return 1;
    }
    /* The model's calibrated detector settings (kwscope calibrate); flags win. */
    struct mdl_detect_config dc = o->dc;
    char path[4096], side[4096] = "micro_speech's defaults";
    bool found = false;
    if (mdl_model_find(o->model, KWSCOPE_DATADIR, path, sizeof path, err, sizeof err) == KWS_OK &&
        mdl_detect_config_load(path, &dc, o->dc_set, &found, err, sizeof err) != KWS_OK) {
        fprintf(stderr, "kwscope board sim: %s\n", err);
        cap_clip_free(&clip);
        return 1;
    }
    struct dev_sim_setup_config c = {
        .model = o->model,
        .datadir = KWSCOPE_DATADIR,
        .labels = o->labels,
        .detect = &dc,
        .mic = clip.samples,
        .mic_n = clip.n_samples,
        .dialect = o->dialect,
        .speed = o->speed,
        .live_ms = o->live_ms,
        .link = o->link,
        .on_detect = sim_led,
    };
    bool bad_labels;
    enum kws_status st = dev_sim_setup(&v, &c, &bad_labels, err, sizeof err);
    cap_clip_free(&clip);
    if (st != KWS_OK) {
        fprintf(stderr, "kwscope board sim: %s%s\n", err,
                bad_labels ? " (use --labels a,b,..)" : "");
        return bad_labels ? 2 : 1;
    }
    if (found) mdl_detect_sidecar_path(v.model_path, side, sizeof side);
    if (o->dc_set) snprintf(side + strlen(side), sizeof side - strlen(side), ", flags win");
    banner(o, &v, &dc, side);
    int rc = dev_sim_run(v.sim, &board_stop) == KWS_OK ? 0 : 1;
    dev_sim_teardown(&v);
    return rc;
}
