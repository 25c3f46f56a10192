/* ports.c: list serial ports with their USB ids (libserialport) and pick the
 * board. Arduino's USB vendor id is 0x2341; 0x2341:0x805A is the Nano 33 BLE
 * (Arduino's boards.txt for the mbed_nano core). */
#include <stdio.h>
#include <string.h>

#include <libserialport.h>

#include "device.h"

enum kws_status dev_port_list(struct dev_port *out, size_t max, size_t *n, char *err,
                              size_t err_len)
{
    struct sp_port **list = NULL;
    *n = 0;
    if (sp_list_ports(&list) != SP_OK)
        return kws_err(err, err_len, KWS_ERR_IO, "cannot list serial ports");
    for (size_t i = 0; list[i] && *n < max; i++) {
        struct dev_port *p = &out[(*n)++];
        memset(p, 0, sizeof *p);
        const char *name = sp_get_port_name(list[i]);
        const char *desc = sp_get_port_description(list[i]);
        snprintf(p->path, sizeof p->path, "%s", name ? name : "?");
        snprintf(p->desc, sizeof p->desc, "%s", desc ? desc : "");
        if (sp_get_port_transport(list[i]) == SP_TRANSPORT_USB &&
            sp_get_port_usb_vid_pid(list[i], &p->vid, &p->pid) == SP_OK) {
            p->usb = 1;
            p->arduino = p->vid == DEV_ARDUINO_VID;
            p->nano33 = p->arduino && p->pid == DEV_NANO33_PID;
        }
    }
    sp_free_port_list(list);
    return KWS_OK;
}

int dev_port_pick(const struct dev_port *ports, size_t n)
{
    int found = -1;
    for (size_t i = 0; i < n; i++) {
        if (!ports[i].arduino) continue;
        if (found >= 0) return -2;
        found = (int)i;
    }
    return found;
}
