#!/usr/bin/python3
"""batch_set.py: a Speech Commands-sized folder for timing `kwscope classify
--jobs N`, without a download and without gigabytes of disk.

    bench/batch_set.py DIR [--clips N] [--distinct D]

Writes D distinct one-second 16 kHz int16 WAV clips (windows of the bundled
demo clip at random offsets, with a little noise so no two are equal) and
fills DIR/{yes,no,_silence_,_unknown_,cat,...}/ up to N clips with hard links
to them (the Speech Commands layout; 105,829 clips in v0.02, so N defaults
to 105,000). Deterministic."""
import argparse
import os
import random
import wave

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = ["yes", "no", "_silence_", "_unknown_", "up", "down", "left", "right", "on", "off"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--clips", type=int, default=105000)
    ap.add_argument("--distinct", type=int, default=200)
    a = ap.parse_args()
    with wave.open(os.path.join(SRC, "assets", "demo.wav"), "rb") as w:
        demo = w.readframes(w.getnframes())
    rng = random.Random(1)
    pool = os.path.join(a.dir, "_pool_")
    os.makedirs(pool, exist_ok=True)
    srcs = []
    for i in range(a.distinct):
        off = rng.randrange(0, len(demo) - 32000) & ~1
        clip = bytearray(demo[off:off + 32000])
        for k in range(0, 32000, 2):
            v = int.from_bytes(clip[k:k + 2], "little", signed=True) + rng.randrange(-64, 64)
            clip[k:k + 2] = max(-32768, min(32767, v)).to_bytes(2, "little", signed=True)
        p = os.path.join(pool, "p%04d.wav" % i)
        with wave.open(p, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(bytes(clip))
        srcs.append(p)
    for n in range(a.clips):
        d = os.path.join(a.dir, "set", WORDS[n % len(WORDS)])
        os.makedirs(d, exist_ok=True)
        dst = os.path.join(d, "s%06d_nohash_0.wav" % n)
        if not os.path.exists(dst):
            os.link(srcs[n % len(srcs)], dst)
    print(os.path.join(a.dir, "set"))


if __name__ == "__main__":
    main()
