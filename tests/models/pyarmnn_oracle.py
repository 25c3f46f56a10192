#!/usr/bin/python3
"""pyarmnn_oracle.py: run a .tflite file in Arm NN (Debian python3-pyarmnn,
TFLite parser, CpuRef backend) on raw input bytes and write the raw output
bytes. An independent implementation of TFLite semantics for
tests/models/test_interp_armnn.c.

usage: pyarmnn_oracle.py MODEL.tflite IN.bin OUT.bin
Exit 77 (with the reason on stderr) when pyarmnn or numpy cannot be imported.
"""
import sys


def main():
    try:
        import numpy as np
        import pyarmnn as ann
    except Exception as e:  # noqa: BLE001 - any import failure means "skip"
        print("pyarmnn_oracle: cannot import pyarmnn/numpy: %s" % e, file=sys.stderr)
        return 77
    model, in_path, out_path = sys.argv[1:4]
    parser = ann.ITfLiteParser()
    net = parser.CreateNetworkFromBinaryFile(model)
    in_name = parser.GetSubgraphInputTensorNames(0)[0]
    out_name = parser.GetSubgraphOutputTensorNames(0)[0]
    ib = parser.GetNetworkInputBindingInfo(0, in_name)
    ob = parser.GetNetworkOutputBindingInfo(0, out_name)
    rt = ann.IRuntime(ann.CreationOptions())
    opt, _ = ann.Optimize(net, [ann.BackendId("CpuRef")], rt.GetDeviceSpec(),
                          ann.OptimizerOptions())
    nid, _ = rt.LoadNetwork(opt)
    # Arm NN DataType: 1 = Float32, 8 = QAsymmS8 (int8 asymmetric).
    dtype = {1: np.float32, 8: np.int8}[ib[1].GetDataType()]
    x = np.fromfile(in_path, dtype=dtype)
    if x.size != ib[1].GetNumElements():
        print("pyarmnn_oracle: input has %d elements, model wants %d"
              % (x.size, ib[1].GetNumElements()), file=sys.stderr)
        return 1
    outs = ann.make_output_tensors([ob])
    rt.EnqueueWorkload(nid, ann.make_input_tensors([ib], [x]), outs)
    y = ann.workload_tensors_to_ndarray(outs)[0].reshape(-1)
    y.tofile(out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
