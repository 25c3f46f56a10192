#!/usr/bin/python3
"""armnn_rounding.py: why Arm NN and kwscope may differ by one step in a
requantising layer of a low-bit lab model, shown on a one-operator model.

    armnn_rounding.py LAB_OPS FIXTURE.tflite

FIXTURE (tests/train/fixtures/fc_double_rounding.tflite) is the fully
connected layer of a 4-bit PTQ variant from the course sweep, cut to one
input element: input scale 0.946255565 zero point 112, weights
[57, 3, -88, 1] at scale 0.0183018111, bias 0, output scale 0.133164421 zero
point 50. With the input at 113 the accumulators are the weights, and the
real multiplier M = 0.13005 = 0.5202 * 2^-2 is applied by TFLM as
RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc, m), 2): two
roundings, the first to a quarter step. acc 57 gives 7.413 steps: TFLM
rounds 29.65 to 30, then 7.5 up to 8 (58 with the zero point); rounding
once gives 7 (57). Arm NN's CpuRef computes in float and rounds once. So
on an output whose exact value lies within 2^-(s+1) of a half step (s the
right shift; 2 here, 10 for the sweep's 2-bit depthwise conv) the two are
one step apart, and TFLM (so kwscope) is the reference. The small
accumulators of low-bit models make s small and such outputs common (12 %
of the 4-bit FC outputs in the sweep).

Checks: kwscope's interpreter (through LAB_OPS) gives TFLM's double-rounded
values, computed here from the formula; the exact values rounded once
differ by one step on three of the four outputs; Arm NN gives those. Exit
77 (after the kwscope part) without python3-pyarmnn.
"""
import math
import os
import subprocess
import sys
import tempfile

S_IN, Z_IN, S_W, S_OUT, Z_OUT = 0.946255565, 112, 0.0183018111, 0.133164421, 50
WEIGHTS = [57, 3, -88, 1]


def f32(v):
    import struct
    return struct.unpack("f", struct.pack("f", v))[0]


def quantize_multiplier(real):  # TFLM QuantizeMultiplier
    q, shift = math.frexp(real)
    m = int(math.floor(q * (1 << 31) + 0.5))
    if m == 1 << 31:
        m, shift = m // 2, shift + 1
    return m, shift


def srdhm(a, b):  # gemmlowp SaturatingRoundingDoublingHighMul (no overflow here)
    ab = a * b
    v = ab + ((1 << 30) if ab >= 0 else 1 - (1 << 30))
    return (abs(v) >> 31) * (1 if v >= 0 else -1)


def rdbpot(x, e):  # gemmlowp RoundingDivideByPOT
    mask = (1 << e) - 1
    return (x >> e) + ((x & mask) > (mask >> 1) + (x < 0))


def main():
    lab_ops, fixture = sys.argv[1:3]
    real = f32(S_IN) * f32(S_W) / f32(S_OUT)
    m, shift = quantize_multiplier(real)
    assert shift == -2, shift  # M = 0.5202 * 2^-2: a right shift of 2
    tflm = [max(-128, min(127, rdbpot(srdhm(w, m), -shift) + Z_OUT)) for w in WEIGHTS]
    once = [int(math.floor(abs(w * real) + 0.5)) * (1 if w >= 0 else -1) + Z_OUT for w in WEIGHTS]
    print("exact   ", ["%.3f" % (w * real + Z_OUT) for w in WEIGHTS])
    print("TFLM    ", tflm)
    print("rounded once", once)
    with tempfile.TemporaryDirectory() as tmp:
        x = os.path.join(tmp, "x.bin")
        with open(x, "wb") as f:
            f.write(bytes([Z_IN + 1]))
        subprocess.run([lab_ops, fixture, x, "1", tmp], check=True)
        with open(os.path.join(tmp, "op0_out.bin"), "rb") as f:
            ours = [b - 256 if b > 127 else b for b in f.read()]
        print("kwscope ", ours)
        assert ours == tflm == [58, 51, 38, 50], (ours, tflm)
        assert once == [57, 50, 39, 50], once
        try:
            import numpy  # noqa: F401
            import pyarmnn  # noqa: F401
        except ImportError:
            print("skipped: no python3-pyarmnn")
            return 77
        oracle = os.path.join(os.environ["KWSCOPE_SOURCE_DIR"], "tests/models/pyarmnn_oracle.py")
        out = os.path.join(tmp, "armnn.bin")
        subprocess.run([sys.executable, oracle, os.path.join(tmp, "op0.tflite"), x, out],
                       check=True, stderr=subprocess.DEVNULL)
        with open(out, "rb") as f:
            armnn = [b - 256 if b > 127 else b for b in f.read()]
        print("Arm NN  ", armnn)
        assert armnn == once, (armnn, once)
    return 0


if __name__ == "__main__":
    sys.exit(main())
