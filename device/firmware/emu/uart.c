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

/* The received byte into the ring. The interrupt is cleared before the
 * data register is drained, never after: a byte that lands between the last
 * read and a late clear would keep the UART full with its interrupt gone,
 * and QEMU hands over no further byte until that one is read, so the link
 * would stop for good. */
static void drain(void)
{
    REG(0x0C) = 2u;
    while (REG(0x04) & 2u) {
        uint8_t c = (uint8_t)REG(0x00);
        if (ring_w - ring_r < RING) ring[ring_w++ % RING] = c;
    }
}

void emu_uart_irq(void)
{
    drain();
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
    /* also what the interrupt has not taken yet: the main loop never
     * sleeps on a full UART */
    __asm volatile("cpsid i" ::: "memory");
    drain();
    __asm volatile("cpsie i" ::: "memory");
    size_t n = 0;
    while (n < cap && ring_r != ring_w) p[n++] = ring[ring_r++ % RING];
    return n;
}

/* Called with interrupts masked before WFI. */
int emu_uart_pending(void)
{
    return ring_r != ring_w || (REG(0x04) & 2u);
}
