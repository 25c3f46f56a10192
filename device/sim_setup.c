/* sim_setup.c: the virtual board set up once for every caller (the board
 * sim command, the dashboard, collect): find and load the model, bind the
 * real pipeline, describe it in INFO, copy the mic clip, open the pty. */
#include <stdlib.h>
#include <string.h>

#include "device.h"

static long live_ms_default(enum dev_dialect d)
{
    return d == DEV_DIALECT_EDGE_IMPULSE ? DEV_LIVE_MS_EDGE_IMPULSE : DEV_LIVE_MS;
}

static enum kws_status load(struct dev_sim_setup *v, const struct dev_sim_setup_config *c,
                            bool *bad_labels, char *err, size_t len)
{
    enum kws_status st =
        mdl_model_find(c->model, c->datadir, v->model_path, sizeof v->model_path, err, len);
    if (st == KWS_OK) st = mdl_model_load(v->model_path, &v->model, err, len);
    if (st != KWS_OK) return st;
    v->model_loaded = true;
    char why[256];
    st = dev_pipeline_init(&v->pipe, &v->model, c->detect, NULL, 0, why, sizeof why);
    if (st != KWS_OK) return kws_err(err, len, st, "%s: %s", v->model_path, why);
    v->pipe_ready = true;
    const char *base =
        strrchr(v->model_path, '/') ? strrchr(v->model_path, '/') + 1 : v->model_path;
    st = dev_pipeline_describe(&v->pipe, &v->model, base, c->labels, &v->cfg.info, err, len);
    if (st != KWS_OK && bad_labels) *bad_labels = true;
    return st;
}

enum kws_status dev_sim_setup(struct dev_sim_setup *v, const struct dev_sim_setup_config *c,
                              bool *bad_labels, char *err, size_t err_len)
{
    memset(v, 0, sizeof *v);
    if (bad_labels) *bad_labels = false;
    enum kws_status st = load(v, c, bad_labels, err, err_len);
    if (st == KWS_OK && c->mic && c->mic_n) {
        v->mic = malloc(c->mic_n * sizeof *v->mic);
        if (!v->mic)
            st = kws_err(err, err_len, KWS_ERR_NOMEM, "out of memory");
        else
            memcpy(v->mic, c->mic, c->mic_n * sizeof *v->mic);
    }
    if (st != KWS_OK) {
        dev_sim_teardown(v);
        return st;
    }
    v->live_ms = c->live_ms >= 0 ? c->live_ms : live_ms_default(c->dialect);
    v->cfg.mic = v->mic;
    v->cfg.mic_n = v->mic ? c->mic_n : 0;
    v->cfg.dialect = c->dialect;
    v->cfg.speed = c->speed > 0 ? c->speed : 1;
    v->cfg.live_stride = (size_t)v->live_ms * KWS_RATE_HZ / 1000;
    v->cfg.link = c->link;
    v->cfg.on_detect = c->on_detect;
    v->cfg.user = c->user;
    v->cfg.pipe = dev_pipeline_stages(&v->pipe);
    if ((st = dev_sim_open(&v->sim, &v->cfg, err, err_len)) != KWS_OK) dev_sim_teardown(v);
    return st;
}

void dev_sim_teardown(struct dev_sim_setup *v)
{
    if (v->sim) dev_sim_close(v->sim);
    if (v->pipe_ready) dev_pipeline_free(&v->pipe);
    if (v->model_loaded) mdl_model_free(&v->model);
    free(v->mic);
    memset(v, 0, sizeof *v);
}
