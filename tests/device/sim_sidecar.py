#!/usr/bin/env python3
"""sim_sidecar.py: `kwscope board sim` runs its detector with the model's
calibrated settings (the sidecar MODEL.detect beside the .tflite, as
classify and the dashboard read it): its banner names the settings and the
file, and a pushed clip is detected only when the sidecar allows it (a
sidecar with threshold 0 and min count 1 detects a pushed "yes" at once;
without one, micro_speech's min count 3 cannot fire on a single clip).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import wave

K = os.environ.get("KWSCOPE_BIN", "build/kwscope")
SRC = os.environ.get("KWSCOPE_SOURCE_DIR", ".")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def sim(tmp, model):
    link = os.path.join(tmp, "link")
    out = open(os.path.join(tmp, "sim.out"), "w+")
    p = subprocess.Popen([K, "board", "sim", "--live-ms", "0", "--link", link, "--model", model],
                         stdout=out, stderr=subprocess.STDOUT)
    end = time.time() + 60   # bounds a hang (ASan, busy machine), not the speed
    banner = ""
    while time.time() < end and p.poll() is None:
        out.seek(0)
        banner = out.read()
        if os.path.islink(link) and "detector:" in banner and banner.endswith("\n"):
            break
        time.sleep(0.02)
    return p, link, banner


def push(link, clip):
    r = subprocess.run([K, "board", "push", "--json", "--port", link, clip],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "push: rc %d %s" % (r.returncode, r.stderr))
    return json.loads(r.stdout) if r.returncode == 0 else {}


def stop(p):
    p.send_signal(signal.SIGTERM)
    check(p.wait(timeout=60) == 0, "sim exits 0")


def main():
    tmp = tempfile.mkdtemp(prefix="kws-sidecar-")
    with wave.open(os.path.join(SRC, "assets", "demo.wav")) as w:
        pcm = w.readframes(16000)   # the demo's first second says "yes"
    clip = os.path.join(tmp, "yes.wav")
    with wave.open(clip, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm)
    src_model = os.path.join(SRC, "assets", "default_model.tflite")
    for name, sidecar in (("eager", "threshold 0\nmin_count 1\nsuppression_ms 0\n"), ("plain", None)):
        d = os.path.join(tmp, name)
        os.mkdir(d)
        model = os.path.join(d, "m.tflite")
        shutil.copy(src_model, model)
        if sidecar:
            with open(os.path.join(d, "m.detect"), "w") as f:
                f.write(sidecar)
        p, link, banner = sim(d, model)
        if sidecar:
            check("detector: threshold 0, window 1000 ms, suppression 0 ms, min count 1 (%s)"
                  % os.path.join(d, "m.detect") in banner, "banner names the sidecar: " + banner)
        else:
            check("min count 3 (micro_speech's defaults)" in banner, "banner: defaults: " + banner)
        r = push(link, clip)
        check(r.get("label") == "yes", "%s: label %s" % (name, r.get("label")))
        check(r.get("detected") is bool(sidecar),
              "%s: detected %s, want %s" % (name, r.get("detected"), bool(sidecar)))
        stop(p)
    shutil.rmtree(tmp)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
