/* uart.c: UART0 of the mps2-an386, an Arm CMSDK APB UART at 0x40004000
 * (DATA +0, STATE +4: bit 0 TX full, bit 1 RX full; CTRL +8: TX/RX enable,
 * bit 3 RX interrupt; INTSTATUS +0xC, write 1 to clear; BAUDDIV +0x10).
 * QEMU passes it to the host's pty; the baud divisor only has to be valid
 * (>= 16), nothing paces the bytes.
 *
 * The UART holds one received byte, so the RX interrupt moves each byte into
 * a ring as it arrives: the host's frames keep flowing while the main loop
 * classifies, and WFI wakes on input. */
#include "emu.h"

#define UART0 0x40004000u
#define REG(o) (*(volatile uint32_t *)(UART0 + (o)))
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define RING 4096u

static uint8_t ring[RING];
static volatile uint32_t ring_w, ring_r;

void emu_uart_init(void)
{
    REG(0x10) = EMU_TICK_HZ / 115200u;
    REG(0x08) = 1u | 2u | 8u; /* TX, RX, RX interrupt */
    NVIC_ISER0 = 1u;          /* IRQ 0: UART0 RX */
}

/* QEMU's model of this UART does not tell its character backend when the
 * one-byte buffer empties, so the next byte waits until QEMU's main loop
 * wakes for something else. Under -icount the main loop wakes when the
 * guest sleeps (WFI) up to its next timer deadline, so a sleep with a
 * deadline a few ticks away (CMSDK timer 0 at 0x40000000, its interrupt
 * never enabled) hands over the next byte at once: the main loop calls this
 * before WFI while bytes are arriving. */
#define TIMER0 0x40000000u
#define TREG(o) (*(volatile uint32_t *)(TIMER0 + (o)))

void emu_uart_kick(void)
{
    TREG(0x00) = 0; /* CTRL: stop */
    TREG(0x08) = 0; /* RELOAD: one shot, then idle at 0 */
    TREG(0x04) = 8; /* VALUE: a few ticks */
    TREG(0x00) = 1; /* CTRL: enable */
}

void emu_uart_irq(void)
{
    while (REG(0x04) & 2u) {
        uint8_t c = (uint8_t)REG(0x00);
        if (ring_w - ring_r < RING) ring[ring_w++ % RING] = c;
    }
    REG(0x0C) = 2u;
}

void emu_uart_write(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        while (REG(0x04) & 1u) {}
        REG(0x00) = p[i];
    }
}

void emu_uart_puts(const char *s)
{
    while (*s) emu_uart_write((const uint8_t *)s++, 1);
}

size_t emu_uart_read(uint8_t *p, size_t cap)
{
    size_t n = 0;
    while (n < cap && ring_r != ring_w) p[n++] = ring[ring_r++ % RING];
    return n;
}

int emu_uart_pending(void)
{
    return ring_r != ring_w;
}
