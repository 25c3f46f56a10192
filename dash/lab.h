/* lab.h: the model lab's results as the command line writes them and the
 * dashboard reads them back (one row per variant, CSV and JSON Lines), and
 * the lab's figures drawn from rows (accuracy against bits, parameters,
 * FLOPs, runtime). Shared by `kwscope lab` and the dashboard's lab view. */
#ifndef DASH_LAB_H
#define DASH_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/kws.h"
#include "tui/tui.h"

#define DASH_LAB_M4_NA "n/a (no emulated board)"

struct dash_lab_row {
    char name[64];   /* "qat-4b", "structured-50-ft" */
    char method[16]; /* ptq, qat, unstructured, structured */
    int bits, sparsity_pct;
    bool finetuned;
    int ft_epochs;
    char scope[16];             /* pruning: "layer", "global", "channel"; else "" */
    bool gradual;               /* pruned on the gradual schedule */
    double acc_float, acc_int8; /* percent, test split */
    int n_test;
    uint64_t params, params_nonzero, weights, weights_nonzero, flops, conv_flops;
    int channels, weight_bits;
    uint64_t flash_bytes, packed_weight_bytes, arena_bytes;
    double host_us;  /* median host interpreter invoke */
    double m4_ms;    /* NaN: no estimate (no emulated board) */
    char model[512]; /* exported .tflite, "" when not kept */
};

/* Header line, then one row (timings included). */
void dash_lab_csv_header(FILE *f);
void dash_lab_csv_row(FILE *f, const struct dash_lab_row *r);
void dash_lab_json_row(FILE *f, const struct dash_lab_row *r);
/* One JSON Lines row back; false (err says why) when it is not one. */
bool dash_lab_parse_json(const char *line, struct dash_lab_row *r, char *err, size_t err_len);
/* All rows of a results.jsonl; *rows malloc'd. */
enum kws_status dash_lab_load(const char *path, struct dash_lab_row **rows, size_t *n, char *err,
                              size_t err_len);

/* The lab's figures: 0 accuracy vs bits (PTQ, QAT), 1 vs non-zero
 * parameters (unstructured +- fine-tuning), 2 vs FLOPs and 3 vs host
 * runtime (structured +- fine-tuning), 4 vs M4 runtime (when rows have it).
 * Returns false when the rows have nothing for figure `which`. */
#define DASH_LAB_FIGURES 5
bool dash_lab_figure(struct tui_canvas *c, struct tui_rect r, const struct dash_lab_row *rows,
                     size_t n, int which);

/* The dashboard's lab view (lab_view.c): key L toggles it; Left/Right pick
 * the figure, Up/Down the variant, Enter loads the variant's exported model
 * into slot (the dashboard's model) as the current model. */
struct dash;
struct dash_model;
struct dash_lab {
    char path[512]; /* results.jsonl */
    struct dash_lab_row *rows;
    size_t n, sel;   /* rows; selected row */
    int figure;      /* 0..DASH_LAB_FIGURES-1 */
    bool shown;      /* the view replaces the main area */
    char loaded[64]; /* variant loaded as the current model, or "" */
    bool swapped;    /* a model was just loaded: the loop rescores */
    struct dash_model *slot;
};
enum kws_status dash_lab_open(struct dash_lab *l, const char *path, struct dash_model *slot,
                              char *err, size_t err_len);
void dash_lab_close(struct dash_lab *l);
/* True when the key was the lab's (L anywhere; the rest while shown). */
bool dash_lab_key(struct dash *d, int key);
void dash_lab_draw(struct dash *d, struct tui_canvas *c, struct tui_rect r);

#endif
