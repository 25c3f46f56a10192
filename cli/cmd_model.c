/* cmd_model.c: `kwscope model info` sizes a keyword model per layer: op,
 * input/output shapes, parameters, MACs, FLOPs, weight bytes; totals; the
 * planned tensor arena (RAM) and model bytes (flash) against the Arduino
 * Nano 33 BLE Sense (256 KB RAM, 1 MB flash).
 *
 *   kwscope model info [--json] [--convention default|seed] [--model M] [M]
 *
 * The model is M (or --model M), else $KWSCOPE_MODEL, else the bundled
 * default (mdl_model_find). FLOPs: 2 per multiply-add plus one per biased
 * output element; `--convention seed` counts one per bias parameter instead
 * (models/info.c explains both). --json prints one object with "layers" and
 * "totals". `--target m4` also boots the emulated Cortex-M4F board with the
 * model (device/emu_bench.c), classifies one second and adds what that
 * build measured: stack high-water mark, heap, arena, the image's flash and
 * static RAM ("m4" in --json).
 *
 * Exit status: 0 done, 1 runtime error (no model, unreadable or malformed
 * model), 2 usage error. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "device/device.h"
#include "models/models.h"
#include "tui/tui.h"

#ifndef KWSCOPE_DATADIR
#define KWSCOPE_DATADIR "."
#endif

static const char *shape(const struct mdl_model *m, int t, char *buf, size_t len)
{
    if (t < 0 || t >= m->n_tensors) return "-";
    const struct mdl_tensor *x = &m->tensors[t];
    size_t o = 0;
    buf[0] = '\0';
    if (x->n_dims == 0) snprintf(buf, len, "scalar");
    for (int d = 0; d < x->n_dims && o < len; d++)
        o += (size_t)snprintf(buf + o, len - o, "%s%d", d ? "x" : "", (int)x->dims[d]);
    return buf;
}

static void json_shape(const struct mdl_model *m, int t)
{
    putchar('[');
    if (t >= 0 && t < m->n_tensors)
        for (int d = 0; d < m->tensors[t].n_dims; d++)
            printf("%s%d", d ? ", " : "", (int)m->tensors[t].dims[d]);
    putchar(']');
}

static void m4_json(const struct dev_emu_bench *b)
{
    if (!b) return;
    printf(",\n \"m4\": {\"stack_used\": %u, \"stack_bytes\": %u, \"heap_used\": %u, "
           "\"arena_bytes\": %u, \"model_bytes\": %u, \"image_flash\": %u, \"image_ram\": %u, "
           "\"inference_instructions\": %.0f, \"inference_ms\": %.3f}",
           (unsigned)b->info.stack_used, (unsigned)b->info.stack_bytes, (unsigned)b->info.heap_used,
           (unsigned)b->info.arena_bytes, (unsigned)b->info.flash_bytes, (unsigned)b->image_flash,
           (unsigned)b->image_ram, b->stage[1].avg_instr, b->stage[1].avg_ms);
}

static void m4_table(const struct dev_emu_bench *b)
{
    char a[32], c[32], d[32], e[32], f[32];
    if (!b) return;
    printf("\n  on the emulated Cortex-M4F (QEMU mps2-an386, %s):\n", b->info.firmware);
    printf("  stack  high-water   %12s B  of %s B\n",
           tui_format_grouped(b->info.stack_used, a, sizeof a),
           tui_format_grouped(b->info.stack_bytes, c, sizeof c));
    printf("  heap   used         %12s B  (the model's RAM copy and its tables)\n",
           tui_format_grouped(b->info.heap_used, a, sizeof a));
    printf("  arena  planned      %12s B\n", tui_format_grouped(b->info.arena_bytes, a, sizeof a));
    printf("  image  flash        %12s B, static RAM %s B (with its built-in default model; "
           "this one runs from the flash slot)\n",
           tui_format_grouped(b->image_flash, d, sizeof d),
           tui_format_grouped(b->image_ram, e, sizeof e));
    printf("  inference           %12s instructions, M4 est. %.1f ms at 64 MHz\n",
           tui_format_grouped((uint64_t)b->stage[1].avg_instr, f, sizeof f), b->stage[1].avg_ms);
}

static void print_json(const char *path, const struct mdl_model *m, const struct mdl_info *in,
                       const char *conv, const struct dev_emu_bench *b)
{
    printf("{\"model\": ");
    cli_json_str(path);
    printf(", \"description\": ");
    cli_json_str(m->description);
    printf(", \"subgraphs\": %d, \"convention\": \"%s\", \"layers\": [", m->n_subgraphs, conv);
    for (int i = 0; i < in->n_layers; i++) {
        const struct mdl_layer_info *l = &in->layers[i];
        printf("%s\n  {\"index\": %d, \"op\": \"%s\", \"input_shape\": ", i ? "," : "", i,
               mdl_op_name(l->op));
        json_shape(m, l->in_tensor);
        printf(", \"output_shape\": ");
        json_shape(m, l->out_tensor);
        printf(", \"input_type\": \"%s\", \"output_type\": \"%s\"",
               mdl_type_name(m->tensors[l->in_tensor].type),
               mdl_type_name(m->tensors[l->out_tensor].type));
        printf(", \"params\": %llu, \"macs\": %llu, \"flops\": %llu, \"weight_bytes\": %llu"
               ", \"nonzero_params\": %llu, \"weight_bits\": %d}",
               (unsigned long long)l->params, (unsigned long long)l->macs,
               (unsigned long long)l->flops, (unsigned long long)l->weight_bytes,
               (unsigned long long)l->nonzero_params, l->weight_bits);
    }
    printf("],\n \"totals\": {\"params\": %llu, \"macs\": %llu, \"flops\": %llu, "
           "\"weight_bytes\": %llu, \"arena_bytes\": %zu, \"model_bytes\": %zu, "
           "\"ram_bytes\": %u, \"flash_bytes\": %u, \"ram_share\": %.6f, \"flash_share\": %.6f, "
           "\"nonzero_params\": %llu, \"weight_bits\": %d, \"packed_weight_bytes\": %llu}",
           (unsigned long long)in->params, (unsigned long long)in->macs,
           (unsigned long long)in->flops, (unsigned long long)in->weight_bytes, in->arena_bytes,
           in->model_bytes, MDL_NANO33_RAM, MDL_NANO33_FLASH, in->ram_share, in->flash_share,
           (unsigned long long)in->nonzero_params, in->weight_bits,
           (unsigned long long)in->packed_weight_bytes);
    m4_json(b);
    printf("}\n");
}

static void print_table(const char *path, const struct mdl_model *m, const struct mdl_info *in,
                        const char *conv)
{
    char a[32], b[32], c[32], d[32], s1[64], s2[64];
    printf("model: %s\n", path);
    printf("  %s bytes, schema v%u, %d operators, %d tensors, \"%s\"\n",
           tui_format_grouped(m->n_bytes, a, sizeof a), m->version, m->n_ops, m->n_tensors,
           m->description);
    if (m->n_subgraphs > 1)
        printf("  %d subgraphs: only subgraph 0 is sized and run\n", m->n_subgraphs);
    printf("  FLOPs: 2 per multiply-add + %s (%s convention)\n\n",
           strcmp(conv, "seed") ? "1 per biased output element" : "1 per bias parameter", conv);
    printf("  %2s  %-18s %-14s %-14s %10s %12s %12s %10s\n", "#", "op", "input", "output", "params",
           "MACs", "FLOPs", "weight B");
    for (int i = 0; i < in->n_layers; i++) {
        const struct mdl_layer_info *l = &in->layers[i];
        printf("  %2d  %-18s %-14s %-14s %10s %12s %12s %10s\n", i, mdl_op_name(l->op),
               shape(m, l->in_tensor, s1, sizeof s1), shape(m, l->out_tensor, s2, sizeof s2),
               tui_format_grouped(l->params, a, sizeof a), tui_format_grouped(l->macs, b, sizeof b),
               tui_format_grouped(l->flops, c, sizeof c),
               tui_format_grouped(l->weight_bytes, d, sizeof d));
    }
    printf("      %-18s %-14s %-14s %10s %12s %12s %10s\n\n", "total", "", "",
           tui_format_grouped(in->params, a, sizeof a), tui_format_grouped(in->macs, b, sizeof b),
           tui_format_grouped(in->flops, c, sizeof c),
           tui_format_grouped(in->weight_bytes, d, sizeof d));
    printf("  RAM    tensor arena %12s B  %5.1f%% of 256 KB (Nano 33 BLE Sense)\n",
           tui_format_grouped(in->arena_bytes, a, sizeof a), 100.0 * in->ram_share);
    printf("  flash  model        %12s B  %5.1f%% of 1 MB\n",
           tui_format_grouped(in->model_bytes, a, sizeof a), 100.0 * in->flash_share);
    if (in->weight_bits) {
        /* A sub-8-bit model is stored as int8; packed is what its weights
         * would take at the width their values span. */
        uint64_t saved = in->weight_bytes - in->packed_weight_bytes;
        printf("  weights %d-bit (the int8 values span %d levels): packed at %d bits %s B, "
               "model %s B\n",
               in->weight_bits, 1 << in->weight_bits, in->weight_bits,
               tui_format_grouped(in->packed_weight_bytes, a, sizeof a),
               tui_format_grouped(in->model_bytes - saved, b, sizeof b));
    }
    printf("  non-zero parameters %s of %s (%.1f%%)\n",
           tui_format_grouped(in->nonzero_params, a, sizeof a),
           tui_format_grouped(in->params, b, sizeof b),
           in->params ? 100.0 * (double)in->nonzero_params / (double)in->params : 0.0);
}

/* One classification of 1 s of low noise on the emulated board: its memory
 * figures after running the model. 0, or 1 (reported). */
static int m4_measure(const char *model_path, struct dev_emu_bench *b)
{
    cli_log_quiet();
    struct dev_emu_bench_config c = { 0 };
    c.model_path = model_path;
    c.runs = 1;
    char err[512];
    if (dev_emu_bench(&c, b, err, sizeof err) == KWS_OK) return 0;
    fprintf(stderr, "kwscope model: %s\n", err);
    return 1;
}

static int model_info(int argc, char **argv)
{
    bool json = false, m4 = false;
    const char *conv = "default", *arg = NULL;
    for (int i = 0, operands = 0; i < argc; i++) {
        if (!operands && !strcmp(argv[i], "--")) { /* the end of options */
            operands = 1;
        } else if (operands) {
            if (arg) return cli_usage_error("model", "more than one model given", argv[i]);
            arg = argv[i];
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--target")) {
            if (i + 1 >= argc) return cli_usage_error("model", "missing value for", argv[i]);
            if (strcmp(argv[++i], "m4") && strcmp(argv[i], "host"))
                return cli_usage_error("model", "unknown target (host or m4)", argv[i]);
            m4 = !strcmp(argv[i], "m4");
        } else if (!strcmp(argv[i], "--convention") || !strcmp(argv[i], "--model")) {
            if (i + 1 >= argc) return cli_usage_error("model", "missing value for", argv[i]);
            if (!strcmp(argv[i], "--model"))
                arg = argv[++i];
            else
                conv = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            cli_help("model", NULL);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("model", "unknown option", argv[i]);
        } else if (arg) {
            return cli_usage_error("model", "more than one model given", argv[i]);
        } else {
            arg = argv[i];
        }
    }
    if (strcmp(conv, "default") && strcmp(conv, "seed"))
        return cli_usage_error("model", "unknown convention (default or seed)", conv);
    char path[4096], err[512];
    struct mdl_model m;
    struct mdl_info in;
    if (mdl_model_find(arg, KWSCOPE_DATADIR, path, sizeof path, err, sizeof err) ||
        mdl_model_load(path, &m, err, sizeof err)) {
        fprintf(stderr, "kwscope model: %s\n", err);
        return 1;
    }
    enum mdl_flops_conv fc = strcmp(conv, "seed") ? MDL_FLOPS_DEFAULT : MDL_FLOPS_SEED;
    if (mdl_model_info(&m, fc, &in, err, sizeof err)) {
        fprintf(stderr, "kwscope model: %s: %s\n", path, err);
        mdl_model_free(&m);
        return 1;
    }
    static struct dev_emu_bench b;
    if (m4 && m4_measure(path, &b)) {
        mdl_info_free(&in);
        mdl_model_free(&m);
        return 1;
    }
    if (json) {
        print_json(path, &m, &in, conv, m4 ? &b : NULL);
    } else {
        print_table(path, &m, &in, conv);
        m4_table(m4 ? &b : NULL);
    }
    mdl_info_free(&in);
    mdl_model_free(&m);
    return 0;
}

int cli_cmd_model(int argc, char **argv)
{
    /* argv[0] is "model". */
    if (argc < 2) return cli_usage_error("model", "missing subcommand", NULL);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        cli_help("model", NULL);
        return 0;
    }
    if (!strcmp(argv[1], "info")) return model_info(argc - 2, argv + 2);
    return cli_usage_error("model", "unknown subcommand", argv[1]);
}
