#!/usr/bin/python3
"""classify_jobs.py: `kwscope classify --jobs N` prints exactly what --jobs 1
prints (stdout, stderr and exit status), for a folder in the Speech Commands
layout and for a list of files, in text and --json, with a broken clip, a
missing file, a long file and a short clip among them; and the confusion
matrix counts every good clip once.

The clips are one-second windows cut from the bundled demo clip at different
offsets, plus tones and noise, so the labels differ from clip to clip."""
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import wave

K = os.environ.get("KWSCOPE_BIN", "build/kwscope")
SRC = os.environ.get("KWSCOPE_SOURCE_DIR", ".")
DEMO = os.path.join(SRC, "assets", "demo.wav")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def write_wav(path, frames):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(frames)


def make_set(root):
    """Returns (folder, file list, good one-second clips in the folder)."""
    with wave.open(DEMO, "rb") as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1
        demo = w.readframes(w.getnframes())
    rng = random.Random(7)
    sc = os.path.join(root, "sc")
    words = ["yes", "no", "_silence_", "_unknown_", "cat"]
    good = 0
    for word in words:
        os.makedirs(os.path.join(sc, word))
        for i in range(23):
            n = 16000 * 2
            off = rng.randrange(0, max(1, len(demo) - n)) & ~1
            clip = demo[off:off + n]
            if i % 7 == 3:  # a tone, then noise
                f = rng.uniform(100, 4000)
                clip = b"".join(int(8000 * math.sin(2 * math.pi * f * t / 16000)).to_bytes(
                    2, "little", signed=True) for t in range(16000))
            elif i % 7 == 5:
                clip = b"".join(rng.randrange(-3000, 3000).to_bytes(2, "little", signed=True)
                                for _ in range(16000))
            write_wav(os.path.join(sc, word, "c%02d_nohash_0.wav" % i), clip)
            good += 1
    os.makedirs(os.path.join(sc, "_background_noise_"))
    write_wav(os.path.join(sc, "_background_noise_", "n.wav"), demo)
    with open(os.path.join(sc, "no", "broken.wav"), "wb") as f:
        f.write(b"RIFF\x10\x00\x00\x00WAVEjunk")
    with open(os.path.join(sc, "readme.txt"), "w") as f:
        f.write("not a clip\n")
    write_wav(os.path.join(sc, "yes", "short_nohash_0.wav"), demo[:16000])  # 0.5 s
    good += 1
    write_wav(os.path.join(sc, "_unknown_", "long.wav"), demo)  # a track, not counted
    write_wav(os.path.join(sc, "flat.wav"), demo[:32000])
    files = sorted(os.path.join(sc, w, f) for w in words for f in os.listdir(os.path.join(sc, w)))
    files.insert(5, os.path.join(root, "missing.wav"))
    return sc, files, good


def run(*args):
    p = subprocess.run([K, "classify", *args], capture_output=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def main():
    if not os.path.exists(DEMO):
        print("no demo clip", file=sys.stderr)
        return 77
    with tempfile.TemporaryDirectory() as root:
        sc, files, good = make_set(root)
        for what, args in (("folder", [sc]), ("folder --json", ["--json", sc]),
                           ("files", files), ("files --json", ["--json", *files]),
                           ("folder and files", [files[0], sc, *files[1:9]])):
            ref = run("--jobs", "1", *args)
            check(ref[0] == 1, "%s: exit 1 for the broken clip (got %d)" % (what, ref[0]))
            check(ref[2].count(b"broken.wav") == 1, "%s: the broken clip named once" % what)
            for jobs in ("2", "3", "8"):
                got = run("--jobs", jobs, *args)
                check(got[0] == ref[0], "%s --jobs %s: exit status" % (what, jobs))
                check(got[1] == ref[1], "%s --jobs %s: stdout differs from --jobs 1" % (what, jobs))
                check(got[2] == ref[2], "%s --jobs %s: stderr differs from --jobs 1" % (what, jobs))
        # default --jobs (one per core) too
        check(run(sc) == run("--jobs", "1", sc), "default --jobs differs from --jobs 1")
        # every good clip counted once, and labels vary
        rc, out, _ = run("--jobs", "2", sc)
        all_row = [l for l in out.decode().splitlines() if l.startswith("all ")]
        check(all_row and int(all_row[0].split()[1]) == good,
              "confusion matrix counts %s clips, expected %d" % (all_row, good))
        rc, out, _ = run("--jobs", "2", "--json", sc)
        rows = [json.loads(l) for l in out.decode().splitlines()]
        clip_rows = [r for r in rows if "t_s" not in r]
        check(len(clip_rows) == good + 1, "json: %d clip rows, expected %d" %
              (len(clip_rows), good + 1))
        check(len({r["label"] for r in clip_rows}) > 1, "json: all clips got one label")
        check(run("--jobs", "0", sc)[0] == 2, "--jobs 0 is a usage error")
    print("classify_jobs: %d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
