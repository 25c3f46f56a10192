#!/usr/bin/python3
"""armnn_rounding.py: why Arm NN and kwscope may differ by one step in an
operator of a lab model, shown on two one-operator models.

    armnn_rounding.py LAB_OPS FC.tflite SOFTMAX.tflite

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

SOFTMAX (tests/train/fixtures/softmax_rounding.tflite) is the softmax of
the sweep's unstructured-75 model (input scale 0.148724854, zero point 77,
beta 1) with the one input of 264 x 4 where the two disagreed: [-73, 90,
91, 14]. The exact third output is 9.5001 steps above the zero point -128;
TFLM's fixed-point exp (kwscope follows it, tests/models conformance) lands
just below the half step (9), Arm NN's float exp just above (10).

Checks: kwscope's interpreter (through LAB_OPS) gives TFLM's double-rounded
FC values, computed here from the formula; the exact values rounded once
differ by one step on three of the four outputs; Arm NN gives those; the
softmax case as above. Exit 77 (after the kwscope part) without
python3-pyarmnn.
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


def run_kwscope(lab_ops, model, x, tmp):
    with open(os.path.join(tmp, "x.bin"), "wb") as f:
        f.write(bytes(v & 0xFF for v in x))
    subprocess.run([lab_ops, model, os.path.join(tmp, "x.bin"), "1", tmp], check=True)
    with open(os.path.join(tmp, "op0_out.bin"), "rb") as f:
        return [b - 256 if b > 127 else b for b in f.read()]


def run_armnn(tmp):
    oracle = os.path.join(os.environ["KWSCOPE_SOURCE_DIR"], "tests/models/pyarmnn_oracle.py")
    out = os.path.join(tmp, "armnn.bin")
    subprocess.run([sys.executable, oracle, os.path.join(tmp, "op0.tflite"),
                    os.path.join(tmp, "x.bin"), out], check=True, stderr=subprocess.DEVNULL)
    with open(out, "rb") as f:
        return [b - 256 if b > 127 else b for b in f.read()]


SM_IN, SM_SCALE = [-73, 90, 91, 14], 0.148724854


def softmax_exact():
    e = [math.exp(f32(SM_SCALE) * (v - max(SM_IN))) for v in SM_IN]
    return [256 * v / sum(e) - 128 for v in e]


def main():
    lab_ops, fixture, sm_fixture = sys.argv[1:4]
    real = f32(S_IN) * f32(S_W) / f32(S_OUT)
    m, shift = quantize_multiplier(real)
    assert shift == -2, shift  # M = 0.5202 * 2^-2: a right shift of 2
    tflm = [max(-128, min(127, rdbpot(srdhm(w, m), -shift) + Z_OUT)) for w in WEIGHTS]
    once = [int(math.floor(abs(w * real) + 0.5)) * (1 if w >= 0 else -1) + Z_OUT for w in WEIGHTS]
    print("exact   ", ["%.3f" % (w * real + Z_OUT) for w in WEIGHTS])
    print("TFLM    ", tflm)
    print("rounded once", once)
    exact = softmax_exact()
    print("softmax exact", ["%.4f" % v for v in exact])
    assert abs(exact[2] - 9.5) < 1e-3, exact
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as tmp2:
        ours = run_kwscope(lab_ops, fixture, [Z_IN + 1], tmp)
        print("kwscope ", ours)
        assert ours == tflm == [58, 51, 38, 50], (ours, tflm)
        assert once == [57, 50, 39, 50], once
        sm = run_kwscope(lab_ops, sm_fixture, SM_IN, tmp2)
        print("kwscope softmax", sm)
        assert sm == [-128, -10, 9, -128], sm
        try:
            import numpy  # noqa: F401
            import pyarmnn  # noqa: F401
        except ImportError:
            print("skipped: no python3-pyarmnn")
            return 77
        armnn = run_armnn(tmp)
        print("Arm NN  ", armnn)
        assert armnn == once, (armnn, once)
        sm_armnn = run_armnn(tmp2)
        print("Arm NN softmax", sm_armnn)
        assert sm_armnn == [round(v) for v in exact] == [-128, -10, 10, -128], sm_armnn
    return 0


if __name__ == "__main__":
    sys.exit(main())
