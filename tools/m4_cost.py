#!/usr/bin/python3
"""m4_cost.py: cycles per instruction of each pipeline stage on a 64 MHz
Cortex-M4F, from the emulated board's image (device/firmware/README-emu.md,
"Cost model").

Each instruction of a stage's functions is put in a class and given the
Cortex-M4 TRM's cycle count (Arm DDI 0439B, 3.3 "Instruction set summary"):

  class      cycles  TRM
  alu        1       data processing, moves, shifts, extends, bit fields
  mul        1       MUL, MLA, MLS, SMULxy, SMLAxy, SMLAD, SMMUL..., UMULL,
                     SMULL, UMLAL, SMLAL (the M4's single-cycle MAC)
  div        7       SDIV/UDIV take 2..12 cycles, early-terminating: middle
  load       2       LDR*: 2; a load followed by an independent load pipelines
                     (N+1), which this leaves out (pessimistic)
  store      1       STR* (write buffer)
  ldm/stm    1+N     LDM/STM/PUSH/POP/VLDM/VSTM/VPUSH/VPOP with N registers
  branch     2.5     B/BL/BX/CBZ...: 1 + pipeline refill of 1..3 when taken;
                     loops' branches are mostly taken: 1 + 1.5 on average
  fp         1       VADD/VSUB/VMUL/VMLA/VCVT/VMOV (FPv4-SP)
  fpdiv      14      VDIV, VSQRT
  vldr       2       VLDR/VSTR

The stage's CPI is the mean over its functions' instructions, each function
weighted by its size (a static mix: dynamic weights would need a trace; the
hot loops dominate these functions' code, so the mean tracks their mix).
Left out: flash wait states (the nRF52840 runs code from flash through its
instruction cache; hot loops hit it), bus contention with the PDM DMA,
interrupt overhead, and the pipelining of back-to-back loads.

usage: m4_cost.py FIRMWARE.elf   (prints a C header: m4_cost.h's defines)
"""
import re
import subprocess
import sys

STAGES = {
    'PRE': r'^(dsp_micro|micro_|run4_|mdl_kws_input_i8)',
    'INFER': r'^(mdl_conv_i8|mdl_dwconv_i8|mdl_fc_i8|dw_|conv_|fc_|mdl_softmax|'
             r'mdl_interp_invoke|mdl_misc_run|run_pool|run_pad|mdl_kws_score|mdl_mbqm|mdl_srdhm|mdl_rdbpot)',
    'POST': r'^mdl_detect_process',
}


def klass(mn, ops):
    m = mn.split('.')[0]
    if m in ('vdiv', 'vsqrt'):
        return 'fpdiv', 14
    if m in ('vldr', 'vstr'):
        return 'vldr', 2
    if m in ('vldmia', 'vldmdb', 'vstmia', 'vstmdb', 'vpush', 'vpop', 'vldm', 'vstm'):
        n = max(1, ops.count(',') + 1)
        return 'ldm', 1 + n
    if m.startswith('v'):
        return 'fp', 1
    if re.match(r'^(ldm|stm|push|pop)', m):
        n = max(1, ops.count(',') + 1)
        if 'pc' in ops:
            return 'branch', 1 + n + 2
        return 'ldm', 1 + n
    if re.match(r'^(sdiv|udiv)', m):
        return 'div', 7
    if re.match(r'^(mul|mla|mls|smul|smla|smls|smmul|smmla|smmls|umull|umlal|smuad|smusd|umaal)', m):
        return 'mul', 1
    if re.match(r'^ldr', m):
        return 'load', 2
    if re.match(r'^str', m):
        return 'store', 1
    if re.match(r'^(b|bl|blx|bx|cbz|cbnz|tbb|tbh)$', m) or re.match(r'^b(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)$', m):
        return 'branch', 2.5
    return 'alu', 1


def main():
    elf = sys.argv[1]
    out = subprocess.run(['arm-none-eabi-objdump', '-d', '--no-show-raw-insn', elf],
                         capture_output=True, text=True, check=True).stdout
    funcs, cur = {}, None
    for line in out.splitlines():
        m = re.match(r'^[0-9a-f]+ <([^>]+)>:', line)
        if m:
            cur = m.group(1)
            funcs[cur] = []
            continue
        m = re.match(r'^\s+[0-9a-f]+:\s+(\S+)\s*(.*)$', line)
        if m and cur:
            funcs[cur].append((m.group(1), m.group(2)))
    print('/* m4_cost.h: cycles per executed instruction of each pipeline stage on a\n'
          ' * 64 MHz Cortex-M4F, x1000, written by tools/m4_cost.py from the image\'s\n'
          ' * instruction mix (the cost model: ../README-emu.md). */')
    print('#ifndef M4_COST_H\n#define M4_COST_H\n\n#define M4_CLOCK_MHZ 64u')
    for stage, pat in STAGES.items():
        n = cyc = 0
        mix = {}
        names = [f for f in funcs if re.match(pat, f) and not re.search(r'_(init|prepare|free)', f)]
        for f in names:
            for mn, ops in funcs[f]:
                k, c = klass(mn, ops)
                mix[k] = mix.get(k, 0) + 1
                n += 1
                cyc += c
        cpi = cyc / n if n else 1.0
        share = ', '.join('%s %.0f%%' % (k, 100.0 * v / n) for k, v in sorted(mix.items(), key=lambda x: -x[1]))
        print('/* %s: %d instructions in %d functions: %s */' % (stage.lower(), n, len(names), share))
        print('#define M4_CPI_MILLI_%s %du' % (stage, round(cpi * 1000)))
    print('\n#endif')


if __name__ == '__main__':
    main()
