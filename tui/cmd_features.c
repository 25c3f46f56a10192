/* cmd_features.c: work in progress in this session. */
#include <stdio.h>
#include "commands.h"
int tui_cmd_features(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "kwscope: features: not built yet\n");
    return 1;
}
