/* m4_cost.h: cycles per executed instruction of each pipeline stage on a
 * 64 MHz Cortex-M4F, x1000, written by tools/m4_cost.py from the image's
 * instruction mix (the cost model: ../README-emu.md). */
#ifndef M4_COST_H
#define M4_COST_H

#define M4_CLOCK_MHZ 64u
/* pre: 1351 instructions in 17 functions: alu 49%, load 21%, store 13%, branch 11%, mul 4%, ldm 2%, div 0%, vldr 0%, fp 0%, fpdiv 0% */
#define M4_CPI_MILLI_PRE 1611u
/* infer: 1999 instructions in 15 functions: alu 47%, load 21%, branch 15%, store 8%, mul 4%, fp 2%, ldm 2%, vldr 1%, div 1%, fpdiv 0% */
#define M4_CPI_MILLI_INFER 1658u
/* post: 166 instructions in 1 functions: alu 56%, load 15%, branch 14%, store 11%, mul 2%, ldm 1%, div 1% */
#define M4_CPI_MILLI_POST 1593u

#endif
