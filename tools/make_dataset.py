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

Context (--context N per training speaker, default 2): 1 s windows cut from
synthesised sentences (see stream_synth.py), a keyword wholly inside at a
random position with speech around it (DIR/yes, DIR/no), or speech with no
keyword, near misses included ("yet", "yesterday", "know", "note", ...), in
DIR/_unknown_; same speaker names, so the same partition as the speaker.

Streams (--test-streams / --val-streams, 0 for none): DIR/streams/test/ and
DIR/streams/validation/ hold --stream-seconds of continuous speech per file
(keywords inside sentences, alone, repeated, next to near misses), with
background noise (fresh noise, not the training files) at --snr dB (cycled),
and an Audacity label track beside each WAV (NAME.txt). Their voices are
never used for training clips: the speakers pair an espeak-ng voice (or
en-us-nyc, never used in training) with a variant from HELD_OUT_TEST or
HELD_OUT_VAL, and the training speakers never use those variants.
--streams-only writes only the streams.

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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stream_synth  # noqa: E402

RATE = 16000
# English espeak-ng voices (the gmw family ships with Debian's espeak-ng-data).
VOICES = ["en-gb", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
          "en-gb-x-gbcwmd", "en-029"]
# Words that are neither "yes" nor "no": the _unknown_ class. Several are
# phonetically close on purpose (yet, yeah, less, know, now, go, toe).
UNKNOWN = ["yet", "yeah", "less", "test", "know", "now", "go", "toe", "up",
           "down", "left", "right", "on", "off", "stop", "one", "two", "three",
           "four", "five", "six", "seven", "eight", "nine", "zero", "bed",
           "bird", "cat", "dog", "house", "tree", "wow", "happy", "sheila",
           "yesterday", "note", "nose", "yellow", "noon", "nest"]
# Near misses: what a keyword detector in running speech must not fire on.
NEAR_MISS = ["yet", "yesterday", "know", "note", "yellow", "nose", "noon", "yeah", "now"]
# Voice variants kept for the evaluation streams: no training clip uses them.
HELD_OUT_TEST = ["Alicia", "benjamin", "david", "f4", "m3", "klatt3", "steph2",
                 "Michael", "iven2", "linda", "max", "grandpa"]
HELD_OUT_VAL = ["Annie", "caleb", "f2", "m5", "klatt2", "john", "paul", "rob"]
STREAM_VOICES = VOICES + ["en-us-nyc"]
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


def speaker_name(v, w):
    return ("%s+%s" % (v, w)).replace("+", "-").replace("_", "-").lower()


def context_jobs(a, pairs, pyrng):
    """Per training speaker: --context windows with a keyword, as many without."""
    jobs = []
    for v, w in pairs:
        base_rate = pyrng.randint(120, 200)
        base_pitch = pyrng.randint(25, 75)
        for k in range(2 * a.context):
            kind = ("sentence" if k % 4 == 0 else "repeat" if k % 4 == 2 else
                    "near" if k % 4 == 1 else "filler") if k % 2 == 0 or k % 4 != 3 else "filler"
            jobs.append(("%s+%s" % (v, w), speaker_name(v, w), kind, base_rate, base_pitch, k,
                         pyrng.uniform(0.15, 0.9), pyrng.randrange(1 << 30)))
    return jobs


def context_work(a, job):
    spk, name, kind, rate, pitch, k, gain, seed = job
    rng = np.random.default_rng(seed)
    for label in stream_synth.KEYWORDS + ["_unknown_"]:
        done = os.path.join(a.dir, label, "%s_nohash_ctx%d.wav" % (name, k))
        if os.path.exists(done):   # an interrupted run resumes
            return done
    utt = stream_synth.render(stream_synth.utterance_plan(rng, kind), synth, spk, rate, pitch, rng)
    if utt is None:
        return None
    x = stream_synth.context_clip(utt, rng)
    if x is None:
        return None
    kws = [l[2] for l in utt[1] if l[2] in stream_synth.KEYWORDS]
    label = kws[0] if kws else "_unknown_"
    path = os.path.join(a.dir, label, "%s_nohash_ctx%d.wav" % (name, k))
    save(path, x * gain * 32767.0)
    return path


def stream_noise(rng, n, babble_sources, kind):
    if kind < 4:
        return stream_synth_noise_coloured(rng, n, [1.0, 0.0, 2.0, -1.0][kind])
    bab = np.zeros(n, dtype=np.float32)
    for k in range(max(4, n // RATE)):
        src = babble_sources[int(rng.integers(0, len(babble_sources)))]
        pos = int(rng.integers(0, n - 1))
        seg = src[:n - pos]
        bab[pos:pos + seg.size] += seg / max(np.abs(seg).max(), 1.0)
    return bab + 0.05 * stream_synth_noise_coloured(rng, n, 1.0) * np.abs(bab).max()


def stream_synth_noise_coloured(rng, n, e):
    return coloured(rng, n, e)


NOISE_NAMES = ["pink", "white", "brown", "blue", "babble"]


def write_streams(a, pyrng):
    """The held-out streams (see the module comment)."""
    rng = np.random.default_rng(a.seed + 7919)
    bsrc = []
    for k in range(16):
        v = VOICES[k % len(VOICES)]
        bsrc.append(trim(synth(v, stream_synth.FILLER[k % len(stream_synth.FILLER)], 160, 50)))
    snrs = [float(x) for x in a.snr.split(",")]
    for part, count, held in (("validation", a.val_streams, HELD_OUT_VAL),
                              ("test", a.test_streams, HELD_OUT_TEST)):
        if not count:
            continue
        d = os.path.join(a.dir, "streams", part)
        os.makedirs(d, exist_ok=True)
        pairs = [(v, w) for v in STREAM_VOICES for w in held]
        pyrng.shuffle(pairs)
        total_s, total_l = 0.0, 0
        for i in range(count):
            v, w = pairs[i % len(pairs)]
            snr = snrs[i % len(snrs)]
            kind = i % len(NOISE_NAMES)
            spk = ("%s+%s" % (v, w), pyrng.randint(130, 190), pyrng.randint(30, 70))
            n = int((a.stream_seconds + 12) * RATE)
            noise = stream_noise(rng, n, bsrc, kind)
            path = os.path.join(d, "%s_%s_snr%d.wav" % (speaker_name(v, w), NOISE_NAMES[kind],
                                                        int(snr)))
            secs, nl = stream_synth.write_stream(path, spk, synth, rng, a.stream_seconds, noise,
                                                 snr, save)
            total_s += secs
            total_l += nl
        print("%s streams: %d files, %.1f min, %d labels in %s" % (part, count, total_s / 60,
                                                                    total_l, d))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--speakers", type=int, default=210)
    ap.add_argument("--per-word", type=int, default=4, help="yes/no clips per speaker")
    ap.add_argument("--unknown", type=int, default=5, help="unknown clips per speaker")
    ap.add_argument("--silence", type=int, default=400)
    ap.add_argument("--context", type=int, default=2, help="context clips per speaker and kind")
    ap.add_argument("--test-streams", type=int, default=20)
    ap.add_argument("--val-streams", type=int, default=10)
    ap.add_argument("--stream-seconds", type=float, default=60.0)
    ap.add_argument("--snr", default="20,10,5", help="stream SNRs in dB, cycled")
    ap.add_argument("--streams-only", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    pyrng = random.Random(a.seed)
    held = set(HELD_OUT_TEST + HELD_OUT_VAL)
    var = [w for w in variants() if w not in held]
    pairs = [(v, w) for v in VOICES for w in var]
    pyrng.shuffle(pairs)
    pairs = pairs[:a.speakers]
    if a.streams_only:
        write_streams(a, random.Random(a.seed + 1))
        return 0

    jobs = []  # (path, voice, text, rate, pitch, gain, jitter seed)
    for v, w in pairs:
        spk = "%s+%s" % (v, w)
        name = speaker_name(v, w)
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

    for word in ["yes", "no", "_unknown_"] + UNKNOWN:
        os.makedirs(os.path.join(a.dir, word), exist_ok=True)

    def work(job):
        path, voice, text, rate, pitch, gain, s = job
        if os.path.exists(path):   # deterministic: an interrupted run resumes
            return path
        try:
            x = trim(synth(voice, text, rate, pitch))
        except subprocess.CalledProcessError:
            return None
        if x.size < 800:
            return None
        save(path, place(x, np.random.default_rng(s), gain))
        return path

    cjobs = context_jobs(a, pairs, pyrng) if a.context else []
    with ThreadPoolExecutor(max_workers=a.jobs) as ex:
        done = [p for p in ex.map(work, jobs) if p]
        ctx = [p for p in ex.map(lambda j: context_work(a, j), cjobs) if p]

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
        s = which_set(speaker_name(v, w))
        parts[s] = parts.get(s, 0) + 1
    print("%d clips + %d context clips + %d silence in %s; speakers per partition: %s"
          % (len(done), len(ctx), a.silence, a.dir, parts))
    write_streams(a, random.Random(a.seed + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
