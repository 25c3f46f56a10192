/* main.c: kwscope's entry point. It only picks the subcommand and hands over;
 * every command parses its own options (see commands.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dash/dash.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
    {"plot", cli_cmd_plot,
     "plot --view wave|spectrum|spectrogram|mel|mfcc|features [--width W] [--height H] [--color auto|always|never] FILE"},
    {"features", cli_cmd_features,
     "features --kind micro|mel|mfcc|spectrogram [--format csv|npy|raw] FILE"},
    {"model", cli_cmd_model,
     "model info [--json] [--convention default|seed] [--model M] [M]"},
    {"board", cli_cmd_board,
     "board list|info|push FILE|stream -o OUT|timings [FILE]|sim [--port P] [--json] [-d SECONDS] [-n N]"},
    {"train", cli_cmd_train,
     "train DATA_DIR [--words yes,no] [--epochs N] [--seed S] [--batch B] [--lr L] [--out DIR]"},
    {"collect", cli_cmd_collect,
     "collect --words yes,no [--source mic|sim|board[:PORT]] [--device D] [--count N] [--speaker NAME] DATA_DIR"},
    {"record", cli_cmd_record,
     "record [-d SECONDS] [--source mic|FILE] [--device D] [--force] OUT.wav"},
    {"devices", cli_cmd_devices, "devices"},
    {"classify", cli_cmd_classify,
     "classify [--model M] [--json] [--labels a,b,c,d] [--threshold N] [--window-ms N] [--suppression-ms N] [--min-count N] FILE|DIR..."},
    {"bench", cli_cmd_bench, "bench [--model M] [--json] [--runs N]"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: kwscope [FILE] [--source mic|board[:PORT]|sim|FILE] [--device D] [--out-dir DIR]\n"
                 "               [--model M] [--labels a,b,..] [--board auto|none|sim|PORT] [--dialect D]\n"
                 "               [--collect WORDS [--data DIR] [--speaker NAME]]\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "       kwscope %s\n", commands[i].usage);
    fprintf(out, "       kwscope --help | --version\n");
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("kwscope %s\n", KWSCOPE_VERSION);
        return 0;
    }
    for (size_t i = 0; argc >= 2 && i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    /* A first word that is neither an option nor an existing file is a
     * mistyped command, not a clip to open. */
    if (argc >= 2 && argv[1][0] != '-' && access(argv[1], F_OK) != 0 &&
        !strchr(argv[1], '.') && !strchr(argv[1], '/')) {
        fprintf(stderr, "kwscope: unknown command '%s' (try kwscope --help)\n", argv[1]);
        return 2;
    }
    return dash_main(argc, argv);
}
