"""stream_synth.py: continuous speech for keyword spotting, used by
make_dataset.py (not run on its own).

An utterance is a list of chunks (text, label): a keyword alone, repeated,
inside a sentence, a near-miss word ("yet", "yesterday", "know", "note", ...)
inside a sentence, or a sentence with no keyword. Each chunk is synthesised on
its own by espeak-ng with the speaker's voice, rate and pitch, trimmed, and the
chunks are joined with 30-120 ms gaps: espeak-ng's command line gives no word
timings, so synthesising the words apart is what makes the label times exact
(to the sample), at the cost of some coarticulation at chunk borders.

Two products:
- streams (write_stream): a minute or so of utterances separated by 0.4-6 s
  of pause, background noise mixed at a given SNR (speech power measured over
  the utterances only), and an Audacity label track (start<TAB>end<TAB>word,
  seconds) naming every keyword and near-miss chunk;
- context clips (context_clip): a 1 s window cut from an utterance, with the
  keyword (if any) wholly inside at a random position, for training.
"""
import os

import numpy as np

RATE = 16000

KEYWORDS = ["yes", "no"]
NEAR_MISS = ["yet", "yesterday", "know", "note", "yellow", "nose", "noon", "yeah", "now"]
# Phrases around a keyword or a near miss. None of them contains "yes" or "no".
PREFIX = ["I think the answer is", "she said", "well", "and then he said", "my answer is",
          "they told me", "the sign said", "so the vote was", "ask him and he says",
          "the last word was", "my reply was", "he shouted", "I wrote down", "we heard",
          "the teacher said", "her first word was", "it was a clear"]
SUFFIX = ["to the question", "again", "for now", "and left", "at the meeting", "I guess",
          "of course", "to that idea", "right away", "in the end", "twice", "and smiled",
          "before lunch", "to everyone"]
FILLER = ["the weather is cold today", "we went to the market this morning",
          "please open the window", "the train leaves at seven", "my brother likes green tea",
          "turn the lights off in the kitchen", "this is a short test of the system",
          "the cat sat on the warm mat", "let us meet after lunch",
          "she reads a book every week", "put the box on the table",
          "the meeting starts in ten minutes", "how many apples are left",
          "a bird landed on the roof", "can you hear me at the back",
          "they built a house by the river", "the music was far too loud",
          "write your name at the top", "the shop closes at six",
          "thank you all for coming today"]


def trim(x, thresh=0.02):
    if x.size == 0:
        return x
    a = np.abs(x)
    idx = np.nonzero(a > thresh * a.max())[0]
    return x[:0] if idx.size == 0 else x[idx[0]:idx[-1] + 1]


def utterance_plan(rng, kind=None):
    """A random utterance: list of (text, label or None)."""
    kinds = ["alone", "repeat", "sentence", "near", "filler"]
    if kind is None:
        kind = kinds[int(rng.choice(5, p=[0.2, 0.1, 0.35, 0.2, 0.15]))]
    kw = KEYWORDS[int(rng.integers(0, len(KEYWORDS)))]
    pre = PREFIX[int(rng.integers(0, len(PREFIX)))]
    suf = SUFFIX[int(rng.integers(0, len(SUFFIX)))]
    if kind == "alone":
        return [(kw, kw)]
    if kind == "repeat":
        return [(kw, kw)] * int(rng.integers(2, 4))
    if kind == "filler":
        return [(FILLER[int(rng.integers(0, len(FILLER)))], None)]
    word = kw if kind == "sentence" else NEAR_MISS[int(rng.integers(0, len(NEAR_MISS)))]
    r = rng.uniform()
    if r < 0.4:
        return [(pre, None), (word, word), (suf, None)]
    if r < 0.7:
        return [(pre, None), (word, word)]
    return [(word, word), (suf, None)]


def render(plan, synth, voice, rate, pitch, rng, gap_lo=0.03, gap_hi=0.12):
    """Synthesises the chunks and joins them. Returns (samples, [(start, end, label)])
    in samples; None when espeak-ng failed."""
    parts, labels, pos = [], [], 0
    for i, (text, label) in enumerate(plan):
        try:
            x = trim(synth(voice, text, rate, pitch))
        except Exception:
            return None
        if x.size < 400:
            return None
        x = x / max(np.abs(x).max(), 1.0)
        if i:
            g = np.zeros(int(rng.uniform(gap_lo, gap_hi) * RATE) if plan[i - 1][1] != plan[i][1]
                         else int(rng.uniform(0.15, 0.35) * RATE), dtype=np.float32)
            parts.append(g)
            pos += g.size
        if label:
            labels.append((pos, pos + x.size, label))
        parts.append(x.astype(np.float32))
        pos += x.size
    return np.concatenate(parts), labels


def context_clip(utt, rng):
    """A 1 s window of a rendered utterance with its (single) keyword wholly
    inside at a random position; for an utterance without one, any window.
    Returns the window (float, peak 1 scale) or None when it cannot fit."""
    x, labels = utt
    kws = [l for l in labels if l[2] in KEYWORDS]
    n = RATE
    if len(kws) > 1:
        return None
    if kws:
        s, e, _ = kws[0]
        if e - s > n:
            return None
        lo, hi = e - n, s            # window start range keeping [s, e) inside
        start = int(rng.integers(lo, hi + 1))
    else:
        start = int(rng.integers(-n // 4, max(x.size - 3 * n // 4, -n // 4 + 1)))
    out = np.zeros(n, dtype=np.float32)
    a, b = max(start, 0), min(start + n, x.size)
    if b > a:
        out[a - start:b - start] = x[a:b]
    return out


def mix_noise(speech, mask, noise, snr_db):
    """speech + noise scaled so that speech power (over mask) / noise power = snr."""
    ps = float(np.mean(speech[mask] ** 2)) if mask.any() else 1.0
    pn = float(np.mean(noise ** 2)) or 1.0
    y = speech + noise * np.sqrt(ps / (pn * 10 ** (snr_db / 10.0)))
    peak = np.abs(y).max()
    return y * (0.95 * 32767.0 / peak) if peak > 0.95 * 32767.0 else y


def write_stream(path, speaker, synth, rng, seconds, noise, snr_db, save):
    """One stream: utterances by speaker (voice, rate, pitch) until `seconds`,
    noise (a float array at least as long) mixed at snr_db. Writes path (.wav)
    and its label track (.txt beside it). Returns (duration_s, n_labels)."""
    voice, base_rate, base_pitch = speaker
    total = int(seconds * RATE)
    x = np.zeros(total + 10 * RATE, dtype=np.float32)
    mask = np.zeros(x.size, dtype=bool)
    labels = []
    pos = int(rng.uniform(0.5, 1.5) * RATE)
    failures = 0
    while pos < total and failures < 20:
        rate = max(80, base_rate + int(rng.integers(-25, 26)))
        pitch = min(99, max(0, base_pitch + int(rng.integers(-15, 16))))
        utt = render(utterance_plan(rng), synth, voice, rate, pitch, rng)
        if utt is None:
            failures += 1
            continue
        y, lab = utt
        if pos + y.size > x.size:
            break
        gain = rng.uniform(0.25, 0.9) * 32767.0
        x[pos:pos + y.size] = y * gain
        mask[pos:pos + y.size] = True
        labels += [(pos + s, pos + e, w) for s, e, w in lab]
        pos += y.size
        pause = rng.uniform(3.0, 6.0) if rng.uniform() < 0.1 else rng.uniform(0.4, 2.5)
        pos += int(pause * RATE)
    n = min(pos, x.size)
    y = mix_noise(x[:n], mask[:n], noise[:n], snr_db)
    save(path, y)
    with open(os.path.splitext(path)[0] + ".txt", "w") as f:
        for s, e, w in labels:
            f.write("%.6f\t%.6f\t%s\n" % (s / RATE, e / RATE, w))
    return n / RATE, len(labels)
