#!/usr/bin/python3
"""make_dataset.py: synthesise a small keyword data set in the Speech Commands
layout, so kwscope can train its default model with no download.

    tools/make_dataset.py DIR [--speakers N] [--seed S] [--jobs J]

Output (all 1 s, 16 kHz, mono, int16 WAV):
    DIR/yes/<speaker>_nohash_<n>.wav, DIR/no/..., one folder per unknown word,
    DIR/_silence_/..., DIR/_background_noise_/*.wav (long noise files).

A speaker is an espeak-ng voice plus a voice variant (e.g. en-gb-scotland+f3);
each clip of a speaker also gets its own rate, pitch and placement in the
window. The train/validation/test split is the Speech Commands rule applied by
the trainer: SHA-1 of the file name with its `_nohash_` suffix removed, i.e.
of the speaker name. All clips of one speaker therefore land in the same
partition, so test voices are never heard in training. The script prints how
many speakers fall in each partition (same hash rule) so this can be checked.

Uses espeak-ng (Debian package espeak-ng) and sox for resampling; numpy from
Debian's python3-numpy. Deterministic for a given seed.
"""
import argparse
import hashlib
import os
import random
import subprocess
import sys
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np

RATE = 16000
# English espeak-ng voices (the gmw family ships with Debian's espeak-ng-data).
VOICES = ["en-gb", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
          "en-gb-x-gbcwmd", "en-029"]
# Words that are neither "yes" nor "no": the _unknown_ class. Several are
# phonetically close on purpose (yet, yeah, less, know, now, go, toe).
UNKNOWN = ["yet", "yeah", "less", "test", "know", "now", "go", "toe", "up",
           "down", "left", "right", "on", "off", "stop", "one", "two", "three",
           "four", "five", "six", "seven", "eight", "nine", "zero", "bed",
           "bird", "cat", "dog", "house", "tree", "wow", "happy", "sheila"]
MAX_NUM_WAVS_PER_CLASS = 2 ** 27 - 1   # TF speech_commands input_data.py


def which_set(speaker, val_pct=10.0, test_pct=10.0):
    """The Speech Commands split rule (TF input_data.which_set)."""
    h = int(hashlib.sha1(speaker.encode()).hexdigest(), 16)
    pct = (h % (MAX_NUM_WAVS_PER_CLASS + 1)) * (100.0 / MAX_NUM_WAVS_PER_CLASS)
    if pct < val_pct:
        return "validation"
    if pct < val_pct + test_pct:
        return "testing"
    return "training"


def variants():
    out = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True,
                         text=True, check=True).stdout.split("\n")[1:]
    names = []
    for line in out:
        f = line.split()
        if len(f) >= 5 and f[4].startswith("!v/"):
            names.append(f[4][3:])
    return sorted(set(names))


def synth(voice, text, rate, pitch, amp=100):
    """espeak-ng -> 16 kHz int16 numpy array."""
    esp = subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch),
                          "-a", str(amp), "--stdout", text],
                         capture_output=True, check=True).stdout
    raw = subprocess.run(["sox", "-q", "-t", "wav", "-", "-t", "raw", "-e", "signed",
                          "-b", "16", "-c", "1", "-r", str(RATE), "-"],
                         input=esp, capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.int16).astype(np.float32)


def trim(x, thresh=0.02):
    """Cut leading/trailing quiet parts (relative to the peak)."""
    if x.size == 0:
        return x
    a = np.abs(x)
    idx = np.nonzero(a > thresh * a.max())[0]
    if idx.size == 0:
        return x[:0]
    return x[idx[0]:idx[-1] + 1]


def place(x, rng, gain):
    """Put the utterance in a 1 s window with jitter; scale to gain * full scale peak."""
    out = np.zeros(RATE, dtype=np.float32)
    if x.size > RATE:
        x = x[(x.size - RATE) // 2:][:RATE]
    slack = RATE - x.size
    # Centre +- up to 150 ms of jitter, never past the edges.
    centre = slack // 2
    j = int(rng.uniform(-0.15, 0.15) * RATE)
    start = min(max(centre + j, 0), slack)
    peak = max(np.abs(x).max(), 1.0)
    out[start:start + x.size] = x * (gain * 32767.0 / peak)
    return out


def save(path, x):
    x = np.clip(np.round(x), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(x.tobytes())


def coloured(rng, n, exponent):
    """Noise with power spectrum ~ 1/f^exponent (0 white, 1 pink, 2 brown)."""
    spec = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    f = np.arange(n // 2 + 1, dtype=np.float64)
    f[0] = 1.0
    spec /= f ** (exponent / 2.0)
    x = np.fft.irfft(spec, n)
    return (x / np.abs(x).max()).astype(np.float32)


def background(dirpath, rng, babble_sources):
    os.makedirs(dirpath, exist_ok=True)
    n = RATE * 30
    names = {}
    names["white_noise"] = coloured(rng, n, 0.0)
    names["pink_noise"] = coloured(rng, n, 1.0)
    names["brown_noise"] = coloured(rng, n, 2.0)
    # Blue and violet noise: the high-frequency hiss a quiet room gives
    # through a real converter (what ../shared's silence recording holds).
    names["blue_noise"] = coloured(rng, n, -1.0)
    names["violet_noise"] = coloured(rng, n, -2.0)
    t = np.arange(n) / RATE
    for hz in (50, 60):
        hum = sum(np.sin(2 * np.pi * hz * k * t + rng.uniform(0, 6.28)) / k for k in range(1, 8))
        hum = hum + 0.05 * coloured(rng, n, 0.0)
        names["hum_%dhz" % hz] = (hum / np.abs(hum).max()).astype(np.float32)
    # Babble: many synthetic voices talking over each other.
    bab = np.zeros(n, dtype=np.float32)
    for k in range(40):
        s = babble_sources[k % len(babble_sources)]
        pos = int(rng.integers(0, n - 1))
        seg = s[:n - pos]
        bab[pos:pos + seg.size] += seg / max(np.abs(seg).max(), 1.0)
    bab += 0.02 * coloured(rng, n, 1.0)
    names["babble"] = bab / np.abs(bab).max()
    for name, x in names.items():
        save(os.path.join(dirpath, name + ".wav"), x * 0.5 * 32767.0)
    return list(names.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--speakers", type=int, default=210)
    ap.add_argument("--per-word", type=int, default=4, help="yes/no clips per speaker")
    ap.add_argument("--unknown", type=int, default=5, help="unknown clips per speaker")
    ap.add_argument("--silence", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    pyrng = random.Random(a.seed)
    var = variants()
    pairs = [(v, w) for v in VOICES for w in var]
    pyrng.shuffle(pairs)
    pairs = pairs[:a.speakers]

    jobs = []  # (path, voice, text, rate, pitch, gain, jitter seed)
    for v, w in pairs:
        spk = "%s+%s" % (v, w)
        name = spk.replace("+", "-").replace("_", "-").lower()
        voice = spk
        base_rate = pyrng.randint(120, 200)
        base_pitch = pyrng.randint(25, 75)
        words = ["yes"] * a.per_word + ["no"] * a.per_word + \
            pyrng.sample(UNKNOWN, a.unknown)
        counts = {}
        for word in words:
            label = word
            n = counts.get(label, 0)
            counts[label] = n + 1
            rate = max(80, base_rate + pyrng.randint(-30, 30))
            pitch = min(99, max(0, base_pitch + pyrng.randint(-20, 20)))
            gain = pyrng.uniform(0.15, 0.9)
            path = os.path.join(a.dir, label, "%s_nohash_%d.wav" % (name, n))
            jobs.append((path, voice, word, rate, pitch, gain, pyrng.randrange(1 << 30)))

    for word in ["yes", "no"] + UNKNOWN:
        os.makedirs(os.path.join(a.dir, word), exist_ok=True)

    def work(job):
        path, voice, text, rate, pitch, gain, s = job
        try:
            x = trim(synth(voice, text, rate, pitch))
        except subprocess.CalledProcessError:
            return None
        if x.size < 800:
            return None
        save(path, place(x, np.random.default_rng(s), gain))
        return path

    with ThreadPoolExecutor(max_workers=a.jobs) as ex:
        done = [p for p in ex.map(work, jobs) if p]

    # Babble sources: some utterances of the unknown words, longer sentences too.
    bsrc = []
    for k in range(12):
        v = VOICES[k % len(VOICES)]
        text = " ".join(pyrng.sample(UNKNOWN, 8))
        bsrc.append(trim(synth(v, text, 170, 50)))
    noises = background(os.path.join(a.dir, "_background_noise_"), rng, bsrc)

    # _silence_: quiet room tone (a slice of a noise file at low volume, or
    # zeros). Not babble: quiet babble is quiet speech, which would teach the
    # model that speech can be silence (babble stays for augmentation).
    sdir = os.path.join(a.dir, "_silence_")
    os.makedirs(sdir, exist_ok=True)
    quiet = noises[:-1]
    for i in range(a.silence):
        src = quiet[i % len(quiet)]
        pos = int(rng.integers(0, src.size - RATE))
        # Log-uniform level from a few LSB (a quiet room through a good
        # microphone) to 0.1 of full scale; one in ten all zero.
        vol = 0.0 if i % 10 == 0 else float(10 ** rng.uniform(-4.5, -1.0))
        save(os.path.join(sdir, "silence%d_nohash_%d.wav" % (i % 40, i // 40)),
             src[pos:pos + RATE] * vol * 32767.0)

    parts = {}
    for v, w in pairs:
        name = ("%s+%s" % (v, w)).replace("+", "-").replace("_", "-").lower()
        s = which_set(name)
        parts[s] = parts.get(s, 0) + 1
    print("%d clips + %d silence in %s; speakers per partition: %s"
          % (len(done), a.silence, a.dir, parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
