#!/usr/bin/env python3
"""emu_board.py: the emulated Cortex-M4F board (kwscope board emu: the
firmware core cross-compiled for the M4, run by qemu-system-arm) end to end:

- boots and answers INFO with its measured memory (stack, heap) and the
  start-up time to ready is printed (not asserted: speed goes to bench/);
- pushes Google's test clips (../shared/conformance) with Google's model
  (--port emu --model: a board per push) and gets exactly the conformance
  scores, with M4-estimated timings and per-stage instruction counts;
- bench --target m4 and model info --target m4 report instruction counts,
  M4 estimates and the measured memory;
- the emulator never outlives kwscope: it is gone after a normal stop
  (SIGTERM) and after SIGKILL of kwscope.

Skips (77) where qemu-system-arm cannot start or the image was not built
(no arm-none-eabi-gcc), and without the shared folder after the parts that
do not need it. Waits are deadlines on conditions, never sleeps; they are
generous because a loaded machine slows QEMU's one-byte UART down.
"""
import os
import shutil
import signal
import subprocess
import sys
import time
import json

K = os.environ.get("KWSCOPE_BIN", "build/kwscope")
SHARED = os.environ.get("KWSCOPE_SHARED_DIR", "")
ELF_DIR = os.path.join(os.path.dirname(os.path.abspath(K)), "device", "firmware", "emu")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def wait_until(cond, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def start_emu(*extra):
    """kwscope board emu: returns (process, pty path, ready line)."""
    p = subprocess.Popen([K, "board", "emu", *extra], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    path = p.stdout.readline().strip()
    line = p.stdout.readline().strip()
    return p, path, line


def run(args, secs):
    return subprocess.run([K, *args], capture_output=True, text=True, timeout=secs)


def lifetime():
    """board emu's ready line and INFO; the emulator goes with kwscope on
    SIGTERM and on SIGKILL. 77 when QEMU cannot start, else 0."""
    p, path, line = start_emu()
    if not path.startswith("/dev/pts/"):
        err = p.stderr.read() if p.poll() is not None else ""
        p.kill()
        p.wait()
        if "qemu" in err.lower():
            print("skipped: qemu-system-arm cannot start:", err.strip())
            return 77
        check(False, "board emu printed no pty (%r %r)" % (path, err))
        return 0
    print(line)  # start-up to ready: printed, not asserted (speed goes to bench/)
    check("ready in" in line and "M4" in line, "ready line: " + line)
    info = run(["board", "info", "--json", "--port", path], 600)
    check(info.returncode == 0, "board info: " + info.stderr)
    if info.returncode == 0:
        j = json.loads(info.stdout)
        print("info:", info.stdout.strip())
        check(j.get("model") == "default_model", "info model")
        check(j.get("stack_bytes") == 16384 and 0 < j.get("stack_used", 0) < 16384,
              "INFO carries the painted stack's high-water mark")
        check(j.get("heap_used", 0) > 0, "INFO carries the heap in use")
    check(wait_until(lambda: len(children(p.pid)) == 1, 30), "board emu runs one emulator")
    qemu = children(p.pid)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=60)
    check(qemu and wait_until(lambda: all(not alive(q) for q in qemu), 30),
          "emulator gone after SIGTERM of kwscope")

    # SIGKILL of kwscope: the emulator dies with it (PR_SET_PDEATHSIG)
    p, path, line = start_emu()
    check(path.startswith("/dev/pts/"), "second board emu started: %r %r"
          % (path, p.stderr.read() if p.poll() is not None else ""))
    check(wait_until(lambda: len(children(p.pid)) == 1, 30), "second board emu runs one emulator")
    qemu = children(p.pid)
    p.kill()
    p.wait(timeout=60)
    check(qemu and wait_until(lambda: all(not alive(q) for q in qemu), 30),
          "emulator gone after SIGKILL of kwscope")
    return 0


def conformance(conf):
    model = os.path.join(conf, "micro_speech_quantized.tflite")
    # --port emu: kwscope starts a board for the command and stops it after
    for clip in ("yes", "no", "silence", "noise"):
        with open(os.path.join(conf, clip + "_1000ms.scores_i8.bin"), "rb") as f:
            want = [b - 256 if b > 127 else b for b in f.read()]
        t = time.monotonic()
        r = run(["board", "push", "--json", "--port", "emu", "--model", model,
                 os.path.join(conf, clip + "_1000ms.wav")], 900)
        check(r.returncode == 0, "push %s: %s" % (clip, r.stderr))
        if r.returncode:
            continue
        j = json.loads(r.stdout)
        print(clip, j["scores_i8"], j.get("timings_us"), j.get("instructions"),
              "(boot and push %.1f s)" % (time.monotonic() - t))
        check(j["scores_i8"] == want, "%s: board %s, conformance %s" % (clip, j["scores_i8"], want))
        check(j.get("timings") == "m4_estimate" and j.get("instructions", {}).get("inference", 0) > 0,
              "%s: M4 estimates with instruction counts" % clip)


def bench(conf):
    model = os.path.join(conf, "micro_speech_quantized.tflite")
    r = run(["bench", "--target", "m4", "--runs", "2", "--json", "--model", model], 900)
    check(r.returncode == 0, "bench --target m4: " + r.stderr)
    if r.returncode == 0:
        j = json.loads(r.stdout)
        print("bench:", r.stdout.strip())
        st = j["stages"]
        check(st["inference"]["instructions"]["min"] > 100000 and st["inference"]["avg_ms"] > 0,
              "bench: inference instructions and estimate")
        check(st["preprocess"]["min_ms"] <= st["preprocess"]["avg_ms"] <= st["preprocess"]["max_ms"],
              "bench: min <= avg <= max")
        pre = st["preprocess"]["instructions"]
        check(pre["min"] > 1000000 and pre["max"] < 1.01 * pre["min"],
              "bench: every run preprocesses the whole second (49 frames): %r" % pre)
        check(j["memory"]["image_flash"] > 0 and j["memory"]["stack_used"] > 0, "bench: memory")
    r = run(["model", "info", "--target", "m4", "--json", model], 900)
    check(r.returncode == 0, "model info --target m4: " + r.stderr)
    if r.returncode == 0:
        m4 = json.loads(r.stdout).get("m4", {})
        print("model info m4:", m4)
        # at boot the stack is about 1.2 KB deep; a classification takes it
        # through the depthwise kernel's frame
        check(2048 < m4.get("stack_used", 0) < m4.get("stack_bytes", 0),
              "model info: the high-water mark after a classification")
        check(m4.get("image_flash", 0) <= 1024 * 1024 and m4.get("image_ram", 0) <= 256 * 1024,
              "model info: the image fits the nRF52840")


def main():
    if not shutil.which("qemu-system-arm"):
        print("skipped: no qemu-system-arm")
        return 77
    if not os.path.exists(os.path.join(ELF_DIR, "kwscope_emu.elf")):
        print("skipped: the emulated board's image was not built (no arm-none-eabi-gcc)")
        return 77
    os.environ["KWSCOPE_EMU_ELF"] = ELF_DIR
    if lifetime() == 77:
        return 77
    conf = os.path.join(SHARED, "conformance") if SHARED else ""
    if not conf or not os.path.isdir(conf):
        print("conformance and bench parts skipped: no shared folder")
        return 1 if failures else 77
    conformance(conf)
    bench(conf)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
