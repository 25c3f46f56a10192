#!/usr/bin/python3
"""armnn_check.py: run a .tflite keyword model in Arm NN (an implementation
independent of kwscope) and compare its labels with kwscope's.

    tools/armnn_check.py MODEL.tflite [FEATURES.bin LABELS.txt [SCORES.bin]]
    tools/armnn_check.py --ops DIR N

FEATURES.bin: N x 1960 int8 model inputs (what `kwscope train --out DIR`
writes as DIR/test_features_i8.bin); LABELS.txt: one predicted class index per
line from kwscope (DIR/test_pred_int8.txt). Without them, runs one all -128
input. Prints how many labels agree (kwscope's label has Arm NN's top
score, ties included); exits 1 if any differ. SCORES.bin (N x classes int8,
what `kwscope lab --export` writes as NAME_scores_i8.bin from kwscope's
interpreter) adds the count of exactly equal score vectors and the largest
difference; a label may then differ only on a near tie, where kwscope's top
two scores are no further apart than Arm NN's scores are from kwscope's on
that input.

Whole models need not agree exactly: TFLM (so kwscope) requantises a conv
or fully connected output with two roundings (SaturatingRoundingDoubling-
HighMul, then RoundingDivideByPOT by the multiplier's right shift s), Arm
NN's CpuRef with one, in float; outputs within 2^-(s+1) of a half step land
one step apart (tests/train/armnn_rounding.py shows it on one operator).
Low-bit models have small accumulators and coarse hidden scales, so such a
step is common and grows through the next layers. --ops compares operator by
operator instead, on the inputs kwscope's interpreter fed each operator
(tests/train/lab_ops writes DIR/opK.tflite, opK_in.bin, opK_out.bin and
ops.txt for N inputs): conv, fully connected and softmax outputs within one
step (softmax: TFLM's fixed-point exp against Arm NN's float one, seen once
in 34 x 1056 sweep outputs, an exact 9.5001 rounded to 9), every other
operator (reshape) exactly equal; exits 1 otherwise.

Needs Debian's python3-pyarmnn (Arm NN TfLiteParser, CpuRef backend);
use /usr/bin/python3.
"""
import sys

import numpy as np
import pyarmnn as ann


def load(path):
    parser = ann.ITfLiteParser()
    net = parser.CreateNetworkFromBinaryFile(path)
    inp = parser.GetNetworkInputBindingInfo(0, parser.GetSubgraphInputTensorNames(0)[0])
    out = parser.GetNetworkOutputBindingInfo(0, parser.GetSubgraphOutputTensorNames(0)[0])
    rt = ann.IRuntime(ann.CreationOptions())
    opt, _ = ann.Optimize(net, [ann.BackendId("CpuRef")], rt.GetDeviceSpec(),
                          ann.OptimizerOptions())
    net_id, _ = rt.LoadNetwork(opt)
    return rt, net_id, inp, out


def run(model, x):
    rt, net_id, inp, out = model
    it = ann.make_input_tensors([inp], [x])
    ot = ann.make_output_tensors([out])
    rt.EnqueueWorkload(net_id, it, ot)
    return ann.workload_tensors_to_ndarray(ot)[0].reshape(-1)


# Operators where TFLM's integer arithmetic and Arm NN's float may round a
# value near a half step apart (tests/train/armnn_rounding.py): requantised
# with two roundings, or softmax's fixed-point exp against float exp.
ONE_STEP = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX")


def check_ops(d, n):
    ok = True
    for line in open(d + "/ops.txt"):
        k, name = line.split()
        model = load("%s/op%s.tflite" % (d, k))
        x = np.fromfile("%s/op%s_in.bin" % (d, k), dtype=np.int8).reshape(n, -1)
        want = np.fromfile("%s/op%s_out.bin" % (d, k), dtype=np.int8).reshape(n, -1)
        tol = 1 if name in ONE_STEP else 0
        diff = worst = 0
        for i in range(n):
            got = run(model, x[i:i + 1].copy()).astype(np.int32)
            dd = np.abs(got - want[i].astype(np.int32))
            diff += int((dd > 0).sum())
            worst = max(worst, int(dd.max()))
        print("armnn CpuRef: op %s %s alone: %d/%d outputs differ from kwscope's, largest %d "
              "(allowed %d)" % (k, name, diff, want.size, worst, tol))
        ok = ok and worst <= tol
    return 0 if ok else 1


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--ops":
        return check_ops(sys.argv[2], int(sys.argv[3]))
    if len(sys.argv) not in (2, 4, 5):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    model = load(sys.argv[1])
    if len(sys.argv) == 2:
        x = np.full((1, 1960), -128, dtype=np.int8)
        print("scores:", run(model, x).tolist())
        return 0
    feats = np.fromfile(sys.argv[2], dtype=np.int8).reshape(-1, 1960)
    want = [int(l) for l in open(sys.argv[3]) if l.strip()]
    if len(want) != feats.shape[0]:
        print("armnn_check: %d inputs but %d labels" % (feats.shape[0], len(want)), file=sys.stderr)
        return 2
    scores = None
    if len(sys.argv) == 5:
        scores = np.fromfile(sys.argv[4], dtype=np.int8).reshape(feats.shape[0], -1)
    agree = same = near = 0
    worst = 0
    for i in range(feats.shape[0]):
        s = run(model, feats[i:i + 1].copy())
        # kwscope's label comes from the logits; the int8 softmax can round
        # two classes to the same top score, and either is then Arm NN's.
        ok = int(s[want[i]]) == int(s.max())
        if scores is not None:
            d = np.abs(s.astype(np.int32) - scores[i].astype(np.int32))
            same += int(d.max()) == 0
            worst = max(worst, int(d.max()))
            # A rounding difference may flip a near tie: allowed only where
            # kwscope's own top two are as close as the scores moved.
            top = np.sort(scores[i].astype(np.int32))
            if not ok and top[-1] - top[-2] <= 2 * int(d.max()):
                ok = True
                near += 1
        agree += ok
    print("armnn CpuRef: %d/%d labels agree with kwscope%s" % (
        agree, len(want), " (%d near ties)" % near if near else ""))
    if scores is None:
        return 0 if agree == len(want) else 1
    print("armnn CpuRef: %d/%d int8 score vectors equal kwscope's, largest difference %d"
          % (same, len(want), worst))
    return 0 if agree == len(want) else 1


if __name__ == "__main__":
    sys.exit(main())
