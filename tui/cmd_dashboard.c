/* cmd_dashboard.c: work in progress in this session. */
#include <stdio.h>
#include "commands.h"
int tui_cmd_dashboard(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "kwscope: dashboard: not built yet\n");
    return 1;
}
