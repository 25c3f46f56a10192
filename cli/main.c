/* main.c: kwscope's entry point. It only picks the subcommand from the
 * command table (commands.c) and hands over; every command parses its own
 * options. `--help` after a command (or a board subcommand) prints that
 * command's usage lines. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dash/dash.h"

static int is_help(const char *a)
{
    return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* `kwscope CMD [SUB] ... --help`: 1 if it asked (and got) help. "-h" counts
 * only right after the command, where no option can be waiting for a value. */
static int command_help(int argc, char **argv, const struct cli_command *c)
{
    int asked = argc >= 3 && is_help(argv[2]);
    for (int i = 3; i < argc && !asked; i++) asked = !strcmp(argv[i], "--help");
    if (!asked) return 0;
    const char *sub = argc >= 3 && cli_command_find(c->name, argv[2]) && c->sub ? argv[2] : NULL;
    cli_help(c->name, sub);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && is_help(argv[1])) {
        cli_help(NULL, NULL);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("kwscope %s\n", KWSCOPE_VERSION);
        return 0;
    }
    const struct cli_command *c = argc >= 2 && argv[1][0] ? cli_command_find(argv[1], NULL) : NULL;
    if (c) return command_help(argc, argv, c) ? 0 : c->run(argc - 1, argv + 1);
    /* A first word that is neither an option nor an existing file is a
     * mistyped command, not a clip to open. */
    if (argc >= 2 && argv[1][0] != '-' && access(argv[1], F_OK) != 0 && !strchr(argv[1], '.') &&
        !strchr(argv[1], '/')) {
        fprintf(stderr, "kwscope: unknown command '%s' (try kwscope --help)\n", argv[1]);
        return 2;
    }
    return dash_main(argc, argv);
}
