/* m4_cost.h: cycles per executed instruction of each pipeline stage on a
 * 64 MHz Cortex-M4F, x1000. The cost model and how these numbers are made
 * are in ../README-emu.md ("Cost model"): per instruction class cycles from
 * Arm's Cortex-M4 TRM applied to each stage's dynamic instruction mix, which
 * tools/m4_mix.py measures on the emulated board. */
#ifndef M4_COST_H
#define M4_COST_H

#define M4_CLOCK_MHZ 64u
#define M4_CPI_MILLI_PRE 1400u
#define M4_CPI_MILLI_INFER 1400u
#define M4_CPI_MILLI_POST 1400u

#endif
