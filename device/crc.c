/* crc.c: CRC-32 (IEEE 802.3 / zlib) for the frame trailer.
 *
 * Reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF; the
 * standard check value of "123456789" is 0xCBF43926 (Koopman & Chakravarty's
 * catalogue, and the "CRC-32" entry of Greg Cook's CRC catalogue). A 16-entry
 * table (nibble at a time) keeps flash use tiny on the board. */
#include "device.h"

static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t dev_crc32(uint32_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
        crc = (crc >> 4) ^ crc_nibble[crc & 15];
    }
    return ~crc;
}
