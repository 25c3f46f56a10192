#!/usr/bin/env python3
"""board_cli.py: `kwscope board` end to end against `kwscope board sim` over a
real pty, with the real pipeline and the default model:

- board info: the model's name, CRC-32 and labels;
- board push of yes clips (the demo's first second; the conformance yes clip
  when ../shared is there) and other seconds: the same label and int8 scores
  as `kwscope classify --json`, with measured stage timings;
- board timings: the table (Process stage | Min | Max | Avg (ms)) with
  non-zero board timings and the host's figures beside them, and --json;
- board stream -d 60 at 30x: 60 s recorded, zero lost chunks, every sample
  the looped mic clip;
- the micro_speech dialect: push gives the same label and scores;
- bad input: one line on stderr, exit 1 or 2, never a crash.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import wave
import zlib

K = os.environ.get("KWSCOPE_BIN", "build/kwscope")
SRC = os.environ.get("KWSCOPE_SOURCE_DIR", ".")
SHARED = os.environ.get("KWSCOPE_SHARED_DIR", "")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def run(*args, timeout=120):
    return subprocess.run([K, *args], capture_output=True, text=True, timeout=timeout)


def read_wav(path):
    with wave.open(path) as w:
        return w.getnframes(), w.readframes(w.getnframes())


def write_wav(path, pcm):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm)


class Sim:
    """`kwscope board sim` in the background, linked at tmp/NAME."""

    def __init__(self, tmp, name, *args):
        self.link = os.path.join(tmp, name)
        self.out = open(os.path.join(tmp, name + ".out"), "w+")
        self.p = subprocess.Popen([K, "board", "sim", "--link", self.link, *args],
                                  stdout=self.out, stderr=subprocess.STDOUT)
        # Up to 60 s for the link and the banner's labels line: the deadline
        # bounds a hang, not the speed (loaded machines, ASan).
        end = time.time() + 60
        self.banner = ""
        while time.time() < end and self.p.poll() is None:
            self.out.seek(0)
            self.banner = self.out.read()
            if os.path.islink(self.link) and "labels" in self.banner and self.banner.endswith("\n"):
                break
            time.sleep(0.02)

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(timeout=60)
        check(rc == 0, "sim exits 0 on SIGTERM (got %s)" % rc)
        check(not os.path.lexists(self.link), "sim removes its link")


def push_matches_classify(link, clip, extra=()):
    c = run("classify", "--json", clip)
    b = run("board", "push", "--json", "--port", link, *extra, clip)
    check(c.returncode == 0 and b.returncode == 0,
          "push/classify %s: rc %d/%d %s%s" % (clip, b.returncode, c.returncode, b.stderr, c.stderr))
    if c.returncode or b.returncode:
        return None
    cj, bj = json.loads(c.stdout), json.loads(b.stdout)
    check(bj["label"] == cj["label"], "%s: board %s, classify %s" % (clip, bj["label"], cj["label"]))
    check(bj["scores_i8"] == cj["scores_i8"],
          "%s: board scores %s, classify %s" % (clip, bj["scores_i8"], cj["scores_i8"]))
    check(bj["labels"] == cj["labels"], "%s: labels" % clip)
    return bj


def main():
    tmp = tempfile.mkdtemp(prefix="kws-board-")
    demo = os.path.join(SRC, "assets", "demo.wav")
    n, pcm = read_wav(demo)
    clips = []
    for off in (0, 5000, 9000, n - 16000):   # the first second says "yes"
        path = os.path.join(tmp, "demo_%d.wav" % off)
        write_wav(path, pcm[2 * off:2 * (off + 16000)])
        clips.append(path)
    conf = os.path.join(SHARED, "conformance") if SHARED else ""
    if conf and os.path.isdir(conf):
        clips += [os.path.join(conf, c + "_1000ms.wav") for c in ("yes", "no", "noise", "silence")]
    else:
        print("conformance clips absent (../shared): demo cuts only", file=sys.stderr)

    sim = Sim(tmp, "kws", "--mic", demo, "--speed", "30")
    check("default_model.tflite" in sim.banner and "silence,unknown,yes,no" in sim.banner,
          "sim banner names the model and labels: %r" % sim.banner)
    try:
        info = run("board", "info", "--json", "--port", sim.link)
        check(info.returncode == 0, "board info: " + info.stderr)
        if info.returncode == 0:
            ij = json.loads(info.stdout)
            model = open(os.path.join(SRC, "assets", "default_model.tflite"), "rb").read()
            check(ij["model"] == "default_model.tflite", "info model %r" % ij["model"])
            check(ij["model_hash"] == "%08x" % zlib.crc32(model), "info model_hash")
            check(ij["labels"] == ["silence", "unknown", "yes", "no"], "info labels")
            check(ij["flash_bytes"] == len(model) and ij["arena_bytes"] > 0, "info memory")

        yes = push_matches_classify(sim.link, clips[0])
        if yes:
            check(yes["label"] == "yes", "the demo's first second is yes on the board")
            t = yes.get("timings_us", {})
            check(t.get("preprocess", 0) > 0 and t.get("inference", 0) > 0, "timings %s" % t)
        for clip in clips[1:]:
            r = push_matches_classify(sim.link, clip)
            if r and clip.endswith("yes_1000ms.wav"):
                check(r["label"] == "yes", "conformance yes clip is yes on the board")

        tm = run("board", "timings", "--port", sim.link, "-n", "10", clips[0])
        check(tm.returncode == 0, "board timings: " + tm.stderr)
        lines = tm.stdout.splitlines()
        head = [c.strip() for c in lines[0].split("|")] if lines else []
        check(head[:4] == ["Process stage", "Min", "Max", "Avg (ms)"] and "Host avg (ms)" in head,
              "timings header %r" % head)
        for stage in ("Preprocessing", "Inference"):
            row = [l for l in lines if l.startswith(stage)]
            check(len(row) == 1, "timings row " + stage)
            if row:
                v = [c.strip() for c in row[0].split("|")[1:]]
                check(all(float(x) > 0 for x in v[:6]), "%s: board and host figures > 0: %s" % (stage, v))
        check(any(l.startswith("Post-processing") for l in lines), "post-processing row")
        check("host scores equal the board's" in tm.stdout, "host and board agree:\n" + tm.stdout)
        tj = run("board", "timings", "--json", "--port", sim.link, "-n", "3")   # default clip
        check(tj.returncode == 0, "board timings --json: " + tj.stderr)
        if tj.returncode == 0:
            j = json.loads(tj.stdout)
            check(j["windows"] == 3 and j["timings_us"]["inference"]["avg"] > 0 and
                  j["host_timings_us"]["inference"]["avg"] > 0 and j["host_scores_equal"], tj.stdout)

        rec = os.path.join(tmp, "rec.wav")
        st = run("board", "stream", "--json", "--port", sim.link, "-d", "60", "-o", rec, timeout=240)
        check(st.returncode == 0, "board stream: " + st.stderr)
        if st.returncode == 0:
            sj = json.loads(st.stdout)
            check(sj["samples"] == 960000 and sj["lost_chunks"] == 0 and sj["bad_frames"] == 0,
                  "stream: " + st.stdout)
            frames, got = read_wav(rec)
            check(frames == 960000, "recorded %d samples" % frames)
            # where the stream joined the looped mic (a long prefix: the demo
            # has stretches of near silence that repeat)
            loop = pcm * (2 + len(got) // len(pcm))
            start, ok = loop.find(got[:32000]), False
            while 0 <= start < len(pcm) and not ok:
                ok = start % 2 == 0 and loop[start:start + len(got)] == got
                start = loop.find(got[:32000], start + 1)
            check(ok, "every recorded sample is the looped mic clip")
    finally:
        sim.stop()

    ms = Sim(tmp, "ms", "--dialect", "micro_speech", "--speed", "30")
    try:
        for clip in clips[:2]:
            r = push_matches_classify(ms.link, clip, ("--dialect", "micro_speech"))
        check(r is not None, "micro_speech push")
    finally:
        ms.stop()

    bad = [
        (("board", "sim", "--model", os.path.join(tmp, "none.tflite")), 1),
        (("board", "sim", "--model", demo), 1),
        (("board", "sim", "--labels", "a,b"), 2),
        (("board", "sim", "--live-ms", "-1"), 2),
        (("board", "sim", "--threshold", "999"), 2),
        (("board", "sim", "--mic", os.path.join(tmp, "none.wav")), 1),
        (("board", "push", "--port", os.path.join(tmp, "no-port"), clips[0]), 1),
        (("board", "timings", "--port", os.path.join(tmp, "no-port"), os.path.join(tmp, "none.wav")), 1),
        (("board", "push"), 2),
    ]
    for args, want in bad:
        r = run(*args, timeout=60)
        err = r.stderr.strip().splitlines()
        check(r.returncode == want and len(err) == 1,
              "%s: rc %d (want %d), stderr %r" % (" ".join(args), r.returncode, want, r.stderr))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
