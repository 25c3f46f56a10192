/* startup.c: reset and exception vectors of the emulated board (QEMU's
 * mps2-an386, a Cortex-M4F), its SysTick clock and newlib's heap hook.
 *
 * Reset: turn the FPU on (CPACR CP10/CP11; the core is built for hard float,
 * so this comes before any C that may touch an FP register), copy .data from
 * flash, zero .bss, paint the stack below us with a pattern so the firmware
 * can report how deep it ever went, then main(). Faults print one line on
 * the UART and stop: the host sees its session time out with that text. */
#include <stddef.h>
#include <stdint.h>

#include "emu.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[];
extern uint32_t _sstack[], _estack[], _heap_start[], _heap_end[];
int main(void);

#define REG(a) (*(volatile uint32_t *)(a))
#define CPACR 0xE000ED88u
#define SYST_CSR 0xE000E010u
#define SYST_RVR 0xE000E014u
#define SYST_CVR 0xE000E018u

static volatile uint32_t tick_hi;

__attribute__((noreturn)) void emu_reset(void);
__attribute__((noreturn)) void emu_reset(void)
{
    REG(CPACR) |= 0xFu << 20;
    __asm volatile("dsb\n isb" ::: "memory");
    for (uint32_t *s = _sidata, *d = _sdata; d < _edata;) *d++ = *s++;
    for (uint32_t *d = _sbss; d < _ebss;) *d++ = 0;
    /* paint from the stack's bottom to a little under where we stand */
    uint32_t *sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *p = _sstack; p < sp - 16; p++) *p = EMU_STACK_PAINT;
    main();
    for (;;) __asm volatile("wfi");
}

static void fault(void)
{
    emu_uart_puts("\r\nemu: hard fault\r\n");
    for (;;) __asm volatile("wfi");
}

static void systick(void)
{
    (void)REG(SYST_CSR); /* clears COUNTFLAG: this wrap is counted here */
    tick_hi++;
}

void emu_clock_init(void)
{
    REG(SYST_RVR) = EMU_TICK_PERIOD - 1;
    REG(SYST_CVR) = 0;
    REG(SYST_CSR) = 7; /* processor clock, interrupt, enable */
}

/* Ticks since reset. A wrap whose interrupt has not run yet shows as
 * COUNTFLAG (the handler's read of the CSR clears it), so it is counted
 * here, once; a wrap between the two reads of tick_hi is read again. */
uint64_t emu_ticks(void)
{
    uint32_t ms, v, wrapped;
    do {
        ms = tick_hi;
        v = REG(SYST_CVR);
        wrapped = REG(SYST_CSR) & (1u << 16);
    } while (ms != tick_hi);
    if (wrapped) {
        ms++;
        v = REG(SYST_CVR);
    }
    return (uint64_t)ms * EMU_TICK_PERIOD + (EMU_TICK_PERIOD - 1 - v);
}

size_t emu_stack_used(void)
{
    const uint32_t *p = _sstack;
    while (p < _estack && *p == EMU_STACK_PAINT) p++;
    return (size_t)((const char *)_estack - (const char *)p);
}

size_t emu_stack_size(void)
{
    return (size_t)((char *)_estack - (char *)_sstack);
}

/* newlib's malloc grows here, up to the stack's bottom: never into it */
static char *brk = (char *)_heap_start;
void *_sbrk(ptrdiff_t inc);
void *_sbrk(ptrdiff_t inc)
{
    if (inc > (char *)_heap_end - brk || (char *)_heap_start - brk > inc) return (void *)-1;
    char *old = brk;
    brk += inc;
    return old;
}

size_t emu_heap_used(void)
{
    return (size_t)(brk - (char *)_heap_start);
}

typedef void (*vector)(void);
__attribute__((section(".vectors"), used)) static const vector vectors[16 + 2] = {
    (vector)(uintptr_t)_estack,
    emu_reset,
    fault,
    fault,
    fault,
    fault,
    fault,
    0,
    0,
    0,
    0,
    fault,
    fault,
    0,
    fault,
    systick,
    emu_uart_irq, /* IRQ 0: UART0 RX */
    fault,        /* IRQ 1: UART0 TX (never enabled) */
};
