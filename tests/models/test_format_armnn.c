/* test_format_armnn.c: models from our writer load in an independent TFLite
 * parser, Arm NN's (Debian python3-pyarmnn, CpuRef backend; /usr/bin/python3):
 * the all-ops fixture (13 ops) is parsed, optimised and run, and the graph
 * input/output shapes, types and quantization Arm NN reports match ours; the
 * output is a probability vector. Skips (77) when pyarmnn is not installed. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models.h"
#include "test.h"
#include "test_format_fixtures.h"

static const char *script =
    "import sys\n"
    "try:\n"
    "    import numpy as np\n"
    "    import pyarmnn as ann\n"
    "except Exception as e:\n"
    "    print('IMPORT', e); sys.exit(77)\n"
    "rt = ann.IRuntime(ann.CreationOptions())\n"
    "p = ann.ITfLiteParser()\n"
    "net = p.CreateNetworkFromBinaryFile(sys.argv[1])\n"
    "i = p.GetNetworkInputBindingInfo(0, p.GetSubgraphInputTensorNames(0)[0])\n"
    "o = p.GetNetworkOutputBindingInfo(0, p.GetSubgraphOutputTensorNames(0)[0])\n"
    "for n, b in (('in', i), ('out', o)):\n"
    "    t = b[1]\n"
    "    print(n, list(t.GetShape()), t.GetDataType(), '%.9g' % t.GetQuantizationScale(),\n"
    "          t.GetQuantizationOffset())\n"
    "opt, _ = ann.Optimize(net, [ann.BackendId('CpuRef')], rt.GetDeviceSpec(), "
    "ann.OptimizerOptions())\n"
    "nid, _ = rt.LoadNetwork(opt)\n"
    "x = (np.arange(i[1].GetNumElements()) % 20 / 4 - 2).astype(np.float32)\n"
    "if i[1].GetDataType() == 8:\n"
    "    x = (x * 4).astype(np.int8)\n"
    "ot = ann.make_output_tensors([o])\n"
    "rt.EnqueueWorkload(nid, ann.make_input_tensors([i], [x]), ot)\n"
    "y = ann.workload_tensors_to_ndarray(ot)[0].reshape(-1)\n"
    "print('sum %.3f' % float(y.sum()), 'n', y.size)\n";

int main(void)
{
    static struct fixture fx;
    fixture_all_ops(&fx);
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char model[512], py[512], cmd[1200], err[256];
    snprintf(model, sizeof model, "%s/kws_armnn_%d.tflite", tmp, (int)getpid());
    snprintf(py, sizeof py, "%s/kws_armnn_%d.py", tmp, (int)getpid());
    CHECK(mdl_model_save(&fx.m, model, err, sizeof err) == KWS_OK);
    FILE *f = fopen(py, "w");
    if (!f) return 1;
    fputs(script, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s 2>/dev/null", py, model);
    FILE *p = popen(cmd, "r");
    char out[4096] = "";
    size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = '\0';
    int rc = p ? pclose(p) : -1;
    remove(py);
    remove(model);
    if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
        fprintf(stderr,
                "skipped: pyarmnn not importable with /usr/bin/python3 (%s); "
                "apt-get install python3-pyarmnn\n",
                out);
        return TEST_SKIP;
    }
    fprintf(stderr, "%s", out);
    CHECK(rc == 0);
    /* DataType 1 is Float32 in Arm NN; shapes as in the fixture. */
    CHECK(strstr(out, "in [1, 8, 8, 2] 1 0 0\n") != NULL);
    CHECK(strstr(out, "out [1, 3] 1 0 0\n") != NULL);
    CHECK(strstr(out, "sum 1.") != NULL || strstr(out, "sum 0.99") != NULL);
    CHECK(strstr(out, "n 3\n") != NULL);

    /* An int8 graph boundary: the fixture cut after QUANTIZE .. SOFTMAX, so
     * Arm NN reports our scale and zero point on both ends. */
    fx.in[0] = 1;
    fx.out[0] = 21;
    fx.m.ops = &fx.o[1];
    fx.m.n_ops = FX_OPS - 2;
    snprintf(model, sizeof model, "%s/kws_armnn8_%d.tflite", tmp, (int)getpid());
    CHECK(mdl_model_save(&fx.m, model, err, sizeof err) == KWS_OK);
    f = fopen(py, "w");
    if (!f) return 1;
    fputs(script, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s 2>/dev/null", py, model);
    p = popen(cmd, "r");
    n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = '\0';
    rc = p ? pclose(p) : -1;
    remove(py);
    remove(model);
    fprintf(stderr, "%s", out);
    CHECK(rc == 0);
    CHECK(strstr(out, "n 3\n") != NULL);
    /* DataType 8 is QAsymmS8. */
    CHECK(strstr(out, "in [1, 8, 8, 2] 8 0.0625 -3\n") != NULL);
    CHECK(strstr(out, "out [1, 3] 8 0.00390625 -128\n") != NULL);
    return test_done();
}
