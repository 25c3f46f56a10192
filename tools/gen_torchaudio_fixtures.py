#!/usr/bin/python3
"""gen_torchaudio_fixtures.py: reference outputs for dsp/'s float analysis.

Makes three 1 s, 16 kHz mono int16 clips (a chirp, noise plus tones, the word
"yes" spoken by espeak-ng and resampled with sox) and runs torchaudio on them
with the conventions of the README ("Feature conventions"). The results are committed under
tests/dsp/fixtures/torchaudio/ so the tests never need torch; README.md there
documents the file layout.

Run with Debian's interpreter (python3-torchaudio is a Debian package, only
needed to regenerate):  /usr/bin/python3 tools/gen_torchaudio_fixtures.py
"""
import os
import struct
import subprocess
import sys
import tempfile
import wave

import numpy as np
import torch
import torchaudio

RATE = 16000
N = RATE  # 1 s
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "dsp",
                   "fixtures", "torchaudio")
STFT = dict(n_fft=512, win_length=480, hop_length=160, center=False)
MEL = dict(sample_rate=RATE, n_mels=40, f_min=20.0, f_max=8000.0, **STFT)


def write_wav(path, x):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(x.astype("<i2").tobytes())


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == RATE
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def to_i16(x):
    return np.clip(np.round(x * 32767.0), -32768, 32767).astype(np.int16)


def clip_chirp():
    t = np.arange(N) / RATE
    f0, f1 = 100.0, 7900.0  # linear sweep over the whole band
    phase = 2 * np.pi * (f0 * t + (f1 - f0) / 2 * t * t)
    return to_i16(0.5 * np.sin(phase))


def clip_tones_noise():
    rng = np.random.default_rng(20261124)
    t = np.arange(N) / RATE
    x = 0.03 * rng.standard_normal(N)
    for f, a in ((440.0, 0.3), (1000.0, 0.2), (3150.0, 0.1)):
        x += a * np.sin(2 * np.pi * f * t)
    return to_i16(x)


def clip_word():
    with tempfile.TemporaryDirectory() as d:
        raw, res = os.path.join(d, "w.wav"), os.path.join(d, "r.wav")
        subprocess.run(["espeak-ng", "-w", raw, "yes"], check=True)
        subprocess.run(["sox", raw, "-r", str(RATE), "-c", "1", "-b", "16", res], check=True)
        x = read_wav(res)
    out = np.zeros(N, dtype=np.int16)  # pad or cut to 1 s, word 0.1 s in
    k = min(len(x), N - 1600)
    out[1600:1600 + k] = x[:k]
    return out


def write_f32(path, m, row_step=1):
    """KWSF: magic, u32 rows, u32 cols, u32 row_step, then rows*cols float32
    LE, row-major; row r is analysis frame r * row_step."""
    m = np.ascontiguousarray(m[::row_step], dtype="<f4")
    with open(path, "wb") as f:
        f.write(b"KWSF" + struct.pack("<III", m.shape[0], m.shape[1], row_step))
        f.write(m.tobytes())


def main():
    os.makedirs(OUT, exist_ok=True)
    todb = torchaudio.transforms.AmplitudeToDB(stype="power", top_db=None)
    spec = torchaudio.transforms.Spectrogram(power=2.0, **STFT)
    mel_htk = torchaudio.transforms.MelSpectrogram(mel_scale="htk", norm=None, **MEL)
    mel_sl = torchaudio.transforms.MelSpectrogram(mel_scale="slaney", norm="slaney", **MEL)
    mfcc = torchaudio.transforms.MFCC(sample_rate=RATE, n_mfcc=13, log_mels=False,
                                      melkwargs=dict(n_mels=40, f_min=20.0, f_max=8000.0,
                                                     mel_scale="htk", norm=None, **STFT))
    mfcc.amplitude_to_DB.top_db = None
    for name, make in (("chirp", clip_chirp), ("tones_noise", clip_tones_noise),
                       ("word_yes", clip_word)):
        x = make()
        write_wav(os.path.join(OUT, name + ".wav"), x)
        w = torch.from_numpy(x.astype(np.float32) / 32768.0)  # as torchaudio.load
        with torch.no_grad():
            outs = {
                "spec_db": todb(spec(w)),
                "mel_db": todb(mel_htk(w)),
                "mel_slaney_db": todb(mel_sl(w)),
                "mfcc": mfcc(w),
            }
        for kind, t in outs.items():
            # The 257-bin spectrogram keeps every 3rd frame: the committed data
            # stays small and the frames kept still cover the whole clip.
            write_f32(os.path.join(OUT, f"{name}.{kind}.f32"), t.numpy().T,
                      3 if kind == "spec_db" else 1)
        print(name, {k: tuple(v.T.shape) for k, v in outs.items()}, file=sys.stderr)


if __name__ == "__main__":
    main()
