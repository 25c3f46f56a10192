#!/usr/bin/python3
"""armnn_check.py: run a .tflite keyword model in Arm NN (an implementation
independent of kwscope) and compare its labels with kwscope's.

    tools/armnn_check.py MODEL.tflite [FEATURES.bin LABELS.txt [SCORES.bin [TOL]]]

FEATURES.bin: N x 1960 int8 model inputs (what `kwscope train --out DIR`
writes as DIR/test_features_i8.bin); LABELS.txt: one predicted class index per
line from kwscope (DIR/test_pred_int8.txt). Without them, runs one all -128
input. Prints how many labels agree (kwscope's label has Arm NN's top
score, ties included); exits 1 if any differ. SCORES.bin
(N x classes int8, what `kwscope lab --export` writes as NAME_scores_i8.bin
from kwscope's interpreter) asks for more: every int8 output must be equal,
or at most TOL steps apart (default 1) where Arm NN's reference backend
rounds differently from TFLM: it accumulates in float and re-quantises with
round(), kwscope follows TFLM's fixed-point path (tests/models/
test_interp_armnn.c), so values near a rounding tie land one step apart in
a layer; a one-step difference in a b-bit hidden activation is 2^(8-b)
8-bit steps, so callers widen TOL for narrow models. The line printed says
how many vectors are exactly equal.

Needs Debian's python3-pyarmnn (Arm NN 20.08 TfLiteParser, CpuRef backend);
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


def main():
    if len(sys.argv) not in (2, 4, 5, 6):
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
    tol = int(sys.argv[5]) if len(sys.argv) == 6 else 1
    if len(sys.argv) >= 5:
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
            # kwscope's own top two scores are within the tolerance.
            top = np.sort(scores[i].astype(np.int32))
            if not ok and top[-1] - top[-2] <= tol:
                ok = True
                near += 1
        agree += ok
    print("armnn CpuRef: %d/%d labels agree with kwscope%s" % (
        agree, len(want), " (%d near ties within %d steps)" % (near, tol) if near else ""))
    if scores is None:
        return 0 if agree == len(want) else 1
    print("armnn CpuRef: %d/%d int8 score vectors equal kwscope's, largest difference %d"
          % (same, len(want), worst))
    return 0 if agree == len(want) and worst <= tol else 1


if __name__ == "__main__":
    sys.exit(main())
