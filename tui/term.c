/* term.c: what a terminal can show, from the environment (no curses needed,
 * so `kwscope plot` works in pipes and tests). */
#include "tui.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

int tui_term_colors(int fd)
{
    const char *term = getenv("TERM");
    if (!isatty(fd) || !term || !*term || !strcmp(term, "dumb") || getenv("NO_COLOR")) return 0;
    const char *ct = getenv("COLORTERM");
    if (strstr(term, "256") || (ct && *ct)) return 256;
    if (!strncmp(term, "vt100", 5) || !strncmp(term, "vt220", 5)) return 0;
    return 8;
}

bool tui_locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}
