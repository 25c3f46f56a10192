/* commands.c: the command table. Every usage line kwscope prints, its
 * --help pages and the option lists the README's command table and
 * kwscope.1 are held against (tests/cli/cli_docs.py) come from here, so a
 * new option is written down once. main() dispatches through it too.
 *
 * A synopsis names every option its command takes; the words are the man
 * page's (UPPER for values, a|b for choices, [..] for optional parts). */
#include <string.h>

#include "cli.h"
#include "dash/dash.h"

#define DIALECTS "kwscope|micro_speech|edge-impulse"
#define DETECTOR "[--threshold N] [--window-ms N] [--suppression-ms N] [--min-count N]"

const struct cli_command cli_commands[] = {
    { "", NULL, dash_main, DASH_SYNOPSIS, NULL },
    { "plot", NULL, cli_cmd_plot,
      "--view wave|spectrum|spectrogram|mel|mfcc|features [--width W] [--height H] "
      "[--color auto|always|never] [--cmap viridis|magma|gray] [--db] [--log-freq] "
      "[--at SECONDS] FILE",
      NULL },
    { "features", NULL, cli_cmd_features,
      "[--kind spectrogram|mel|mfcc|micro] [--format csv|npy|raw] [--stage u16|int8] [-o OUT] "
      "[--force] [--n-fft N] [--win N] [--hop N] [--n-mels N] [--n-mfcc N] [--fmin HZ] "
      "[--fmax HZ] [--mel-scale htk|slaney] [--mel-norm none|slaney] FILE",
      NULL },
    { "record", NULL, cli_cmd_record,
      "[-d SECONDS] [--source mic|FILE] [--device D] [--force] OUT.wav",
      "--duration for -d, -f for --force" },
    { "devices", NULL, cli_cmd_devices, "", NULL },
    { "classify", NULL, cli_cmd_classify,
      "[--model M] [--json] [--labels a,b,c,d] " DETECTOR " [--all] [--labels-file L.txt] "
      "[--tolerance-ms N] [--sweep] [--color auto|always|never] [--jobs N] FILE|DIR...",
      "-j for --jobs" },
    { "calibrate", NULL, cli_cmd_calibrate,
      "[--model M] [--labels a,b,..] [--max-fa-per-hour F] [--tolerance-ms N] [--dry-run] "
      "[--force] [--json] STREAM.wav|DIR...",
      NULL },
    { "model", "info", cli_cmd_model,
      "[--json] [--convention default|seed] [--target host|m4] [--model M] [M]", NULL },
    { "bench", NULL, cli_cmd_bench, "[--model M] [--json] [--runs N] [--target host|m4] [--ref]",
      NULL },
    { "board", "list", cli_cmd_board, "[--json]", NULL },
    { "board", "info", cli_cmd_board, "[--port P] [--dialect " DIALECTS "] [--json]", NULL },
    { "board", "push", cli_cmd_board, "[--port P] [--dialect D] [--json] FILE", NULL },
    { "board", "stream", cli_cmd_board,
      "-o OUT.wav [-d SECONDS] [--force] [--port P] [--dialect D] [--json]", "--output for -o" },
    { "board", "timings", cli_cmd_board,
      "[-n N] [--model M] [--port P] [--dialect D] [--json] [FILE]", NULL },
    { "board", "sim", cli_cmd_board,
      "[--link PATH] [--mic FILE] [--dialect D] [--speed X] [--model M] [--labels a,b,..] "
      "[--live-ms N] " DETECTOR,
      NULL },
    { "board", "emu", cli_cmd_board,
      "[--port emu|emu:ref] [--model M] [--labels a,b,..] [--mic FILE] [--live-ms N]", NULL },
    { "train", NULL, cli_cmd_train,
      "DATA_DIR [--words yes,no] [--epochs N] [--seed S] [--batch B] [--lr L] [--stream] [--out "
      "DIR] "
      "[--force]",
      NULL },
    { "lab", NULL, cli_cmd_lab,
      "DATA_DIR [--words yes,no] [--seed S] [--epochs N | --float FILE] "
      "[--methods ptq,qat,unstructured,structured] [--bits 2-8] [--sparsity 0,25,50,75,90] "
      "[--batch B] [--lr L] [--finetune no,yes] [--ft-epochs N] [--ft-lr L] [--scope layer|global] "
      "[--gradual] [--jobs N] "
      "[--out DIR] [--export DIR] [--force] [--color auto|always|never] [--width W] [--height H] "
      "| --plot RESULTS.jsonl",
      NULL },
    { "collect", NULL, cli_cmd_collect,
      "--words yes,no [--source mic|sim|board[:PORT]] [--device D] [--count N] [--speaker NAME] "
      "DATA_DIR",
      NULL },
};
const size_t cli_n_commands = sizeof cli_commands / sizeof cli_commands[0];

const struct cli_command *cli_command_find(const char *name, const char *sub)
{
    for (size_t i = 0; i < cli_n_commands; i++) {
        const struct cli_command *c = &cli_commands[i];
        if (!strcmp(c->name, name) && (!sub || (c->sub && !strcmp(c->sub, sub)))) return c;
    }
    return NULL;
}

/* Words of a synopsis, split at spaces outside brackets, so "[--collect
 * WORDS [--data DIR]]" never breaks across lines. */
static size_t word_len(const char *s)
{
    size_t n = 0;
    for (int depth = 0; s[n] && (depth || s[n] != ' '); n++) depth += (s[n] == '[') - (s[n] == ']');
    return n;
}

static void print_line(FILE *out, const char *lead, const struct cli_command *c)
{
    enum { WIDTH = 100 };
    int col = fprintf(out, "%skwscope%s%s%s%s", lead, *c->name ? " " : "", c->name,
                      c->sub ? " " : "", c->sub ? c->sub : "");
    int indent = col + 1;
    for (const char *s = c->synopsis; *s;) {
        size_t n = word_len(s);
        if (col + 1 + (int)n > WIDTH && col > indent)
            col = fprintf(out, "\n%*s", indent - 1, "") - 1;
        col += fprintf(out, " %.*s", (int)n, s);
        s += n;
        while (*s == ' ') s++;
    }
    fputc('\n', out);
}

void cli_usage(FILE *out, const char *name, const char *sub)
{
    int first = 1;
    for (size_t i = 0; i < cli_n_commands; i++) {
        const struct cli_command *c = &cli_commands[i];
        if ((name && strcmp(c->name, name)) || (sub && (!c->sub || strcmp(c->sub, sub)))) continue;
        print_line(out, first ? "usage: " : "       ", c);
        first = 0;
    }
    if (!name) fprintf(out, "       kwscope --help | --version | COMMAND [SUBCOMMAND] --help\n");
}

void cli_help(const char *name, const char *sub)
{
    cli_usage(stdout, name, sub);
    for (size_t i = 0; i < cli_n_commands; i++) {
        const struct cli_command *c = &cli_commands[i];
        if (c->also && (!name || !strcmp(c->name, name)) &&
            (!sub || (c->sub && !strcmp(c->sub, sub))))
            printf("(kwscope %s%s%s: also %s)\n", c->name, c->sub ? " " : "", c->sub ? c->sub : "",
                   c->also);
    }
}
