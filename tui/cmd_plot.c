/* cmd_plot.c: work in progress in this session. */
#include <stdio.h>
#include "commands.h"
int tui_cmd_plot(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "kwscope: plot: not built yet\n");
    return 1;
}
