/* emu.h: the emulated board's platform (QEMU mps2-an386, Cortex-M4F):
 * start-up, clock, UART, memory figures. Private to device/firmware/emu/. */
#ifndef EMU_H
#define EMU_H

#include <stddef.h>
#include <stdint.h>

/* SysTick runs on the 25 MHz processor clock; under -icount shift=0 QEMU
 * executes one instruction per ns of virtual time, so one tick is 40
 * instructions. It interrupts every 10 ms (the main loop's slowest wake-up). */
#define EMU_TICK_HZ 25000000u
#define EMU_NS_PER_TICK 40u
#define EMU_TICK_PERIOD 250000u
#define EMU_STACK_PAINT 0x5AA5C33Cu

void emu_clock_init(void);
uint64_t emu_ticks(void);    /* since reset */
size_t emu_stack_used(void); /* high-water mark of the painted stack */
size_t emu_stack_size(void);
size_t emu_heap_used(void); /* newlib's heap, bytes taken from _sbrk */

void emu_uart_init(void);
void emu_uart_write(const uint8_t *p, size_t n);
void emu_uart_puts(const char *s);
size_t emu_uart_read(uint8_t *p, size_t cap); /* what the RX interrupt has queued */
int emu_uart_pending(void);
void emu_uart_irq(void);

#endif
