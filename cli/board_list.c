/* board_list.c: `kwscope board list` (the serial ports, Arduinos marked)
 * and `kwscope board info` (what a board says about itself on connect). */
#include <stdio.h>

#include "board_priv.h"

int board_list(const struct board_opts *o)
{
    struct dev_port ports[BOARD_MAX_PORTS];
    size_t n;
    if (board_ports(ports, &n)) return 1;
    for (size_t i = 0; i < n; i++) {
        const struct dev_port *p = &ports[i];
        if (o->json)
            printf(
                "{\"port\":\"%s\",\"usb\":%s,\"vid\":%d,\"pid\":%d,\"arduino\":%s,\"nano33\":%s}\n",
                p->path, p->usb ? "true" : "false", p->vid, p->pid, p->arduino ? "true" : "false",
                p->nano33 ? "true" : "false");
        else if (p->usb)
            printf("%-20s %04x:%04x %s%s\n", p->path, p->vid, p->pid,
                   p->nano33        ? "Arduino Nano 33 BLE"
                       : p->arduino ? "Arduino"
                                    : "",
                   p->arduino ? "" : p->desc);
        else
            printf("%-20s %s\n", p->path, p->desc);
    }
    if (!n && !o->json) printf("no serial ports\n");
    return 0;
}

static void print_info(const struct dev_info *i, const char *port, int json)
{
    if (json) {
        /* board strings come sanitised (no control bytes) but may hold '"' and '\\' */
        printf("{\"port\":");
        cli_json_str(port);
        printf(",\"proto\":%d,\"firmware\":", i->proto);
        cli_json_str(i->firmware);
        printf(",\"model\":");
        cli_json_str(i->model);
        printf(",\"model_hash\":\"%08x\",\"sample_rate\":%u,\"labels\":[", (unsigned)i->model_hash,
               (unsigned)i->sample_rate);
        for (int k = 0; k < i->n_labels; k++) {
            printf(k ? "," : "");
            cli_json_str(i->labels[k]);
        }
        printf("],\"arena_bytes\":%u,\"flash_bytes\":%u,\"ram_bytes\":%u", (unsigned)i->arena_bytes,
               (unsigned)i->flash_bytes, (unsigned)i->ram_bytes);
        if (i->has_mem) /* measured on the board (the emulated one) */
            printf(",\"stack_used\":%u,\"stack_bytes\":%u,\"heap_used\":%u",
                   (unsigned)i->stack_used, (unsigned)i->stack_bytes, (unsigned)i->heap_used);
        printf("}\n");
        return;
    }
    printf("port        %s\nfirmware    %s (protocol v%d)\nmodel       %s", port, i->firmware,
           i->proto, i->model[0] ? i->model : "(none)");
    if (i->model[0]) printf(" (crc32 %08x)", (unsigned)i->model_hash);
    printf("\nsample rate %u Hz\nlabels     ", (unsigned)i->sample_rate);
    for (int k = 0; k < i->n_labels; k++) printf(" %s", i->labels[k]);
    printf("\nmemory      arena %u B, flash %u B, RAM %u B\n", (unsigned)i->arena_bytes,
           (unsigned)i->flash_bytes, (unsigned)i->ram_bytes);
    if (i->has_mem)
        printf("measured    stack high-water %u of %u B, heap %u B\n", (unsigned)i->stack_used,
               (unsigned)i->stack_bytes, (unsigned)i->heap_used);
}

int board_info(const struct board_opts *o)
{
    struct dev_session *s = board_connect(o);
    if (!s) return 1;
    print_info(dev_session_info(s), o->port, o->json);
    dev_session_close(s);
    return 0;
}
