#!/bin/sh
# features_cli.sh: `kwscope features` end to end: csv, npy and raw agree with
# each other for every kind, npy loads with numpy (shape and dtype), the float
# kinds match the torchaudio fixtures, and errors give one stderr line with
# exit 1 (runtime) or 2 (usage). Needs $KWSCOPE_BIN and Debian's python3-numpy.
set -u
BIN=${KWSCOPE_BIN:?KWSCOPE_BIN not set}
SRC=${KWSCOPE_SOURCE_DIR:?KWSCOPE_SOURCE_DIR not set}
PY=/usr/bin/python3
$PY -c 'import numpy' 2>/dev/null || { echo "skipped: python3-numpy missing"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
exec $PY - "$BIN" "$SRC" "$TMP" <<'PYEOF'
import os, pty, struct, subprocess, sys, wave
import numpy as np

BIN, SRC, TMP = sys.argv[1:4]
FIX = os.path.join(SRC, "tests/dsp/fixtures/torchaudio")
CLIP = os.path.join(FIX, "word_yes.wav")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def run(*args, stdout=subprocess.PIPE):
    return subprocess.run([BIN, "features", *args], stdout=stdout, stderr=subprocess.PIPE)


def ref(kind):
    with open(os.path.join(FIX, f"word_yes.{kind}.f32"), "rb") as f:
        magic, rows, cols, step = struct.unpack("<4sIII", f.read(16))
        return np.frombuffer(f.read(), "<f4").reshape(rows, cols), step


# Every kind in every format: the three agree exactly.
cases = [("spectrogram", [], "<f4", 257), ("mel", [], "<f4", 40), ("mfcc", [], "<f4", 13),
         ("micro", [], "|i1", 40), ("micro", ["--stage", "int8"], "|i1", 40),
         ("micro", ["--stage", "u16"], "<u2", 40)]
for kind, extra, dtype, cols in cases:
    tag = kind + "".join(extra)
    outs = {}
    for fmt in ("csv", "npy", "raw"):
        p = run("--kind", kind, "--format", fmt, *extra, CLIP)
        check(p.returncode == 0, f"{tag} {fmt}: exit {p.returncode} {p.stderr!r}")
        outs[fmt] = p.stdout
    path = os.path.join(TMP, tag + ".npy")
    with open(path, "wb") as f:
        f.write(outs["npy"])
    a = np.load(path)
    check(outs["npy"][:8] == b"\x93NUMPY\x01\x00", f"{tag}: NPY v1.0 magic")
    check(a.dtype == np.dtype(dtype), f"{tag}: dtype {a.dtype} != {dtype}")
    check(a.ndim == 2 and a.shape[1] == cols, f"{tag}: shape {a.shape}")
    frames = (16000 - 512) // 160 + 1 if kind != "micro" else (16000 - 480) // 320 + 1
    check(a.shape[0] == frames, f"{tag}: {a.shape[0]} frames, want {frames}")
    check(outs["raw"] == a.astype(dtype).tobytes(), f"{tag}: raw != npy data")
    lines = outs["csv"].decode().splitlines()
    check(len(lines) == a.shape[0] + 1, f"{tag}: csv has {len(lines)} lines")
    check(len(lines[0].split(",")) == cols, f"{tag}: csv header {lines[0][:40]}")
    c = np.array([[float(v) for v in l.split(",")] for l in lines[1:]]).astype(dtype)
    check(c.shape == a.shape and np.array_equal(c, a), f"{tag}: csv != npy")
    if kind in ("mel", "mfcc", "spectrogram") and not extra:
        r, step = ref({"mel": "mel_db", "mfcc": "mfcc", "spectrogram": "spec_db"}[kind])
        got = a[::step]
        top = r.max(axis=1, keepdims=True)
        near = r >= top - 60  # as test_float_torchaudio: in-range values to 1e-3 dB
        if kind == "mfcc":
            check(np.all(np.abs(got - r) <= 0.05 + 1e-3 * np.abs(r)), f"{tag}: vs torchaudio")
        else:
            check(np.max(np.abs(got - r)[near]) <= 1e-3, f"{tag}: vs torchaudio")

# Analysis options reach dsp.
p = run("--kind", "mel", "--format", "npy", "--n-mels", "64", "--n-fft", "1024", "--win",
        "1024", "--hop", "256", "--mel-scale", "slaney", "--mel-norm", "slaney", "-o",
        os.path.join(TMP, "o.npy"), CLIP)
check(p.returncode == 0, f"options: exit {p.returncode} {p.stderr!r}")
if p.returncode == 0:
    a = np.load(os.path.join(TMP, "o.npy"))
    check(a.shape == ((16000 - 1024) // 256 + 1, 64), f"options: shape {a.shape}")

# -o refuses to overwrite without --force; --force replaces.
out = os.path.join(TMP, "x.csv")
with open(out, "w") as f:
    f.write("keep\n")
p = run("--kind", "mfcc", "-o", out, CLIP)
check(p.returncode == 1 and open(out).read() == "keep\n", "overwrite without --force")
check(b"--force" in p.stderr and p.stderr.count(b"\n") == 1, f"overwrite msg {p.stderr!r}")
p = run("--kind", "mfcc", "-o", out, "--force", CLIP)
check(p.returncode == 0 and open(out).read().startswith("c0,c1,"), "--force overwrite")

# Clip shorter than one frame: header only / shape (0, cols).
short = os.path.join(TMP, "short.wav")
with wave.open(short, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"\x01\x00" * 300)
p = run("--kind", "mel", short)
check(p.returncode == 0 and p.stdout.decode().count("\n") == 1, f"short csv {p.stdout[:50]!r}")
p = run("--kind", "mel", "--format", "npy", "-o", os.path.join(TMP, "s.npy"), short)
check(p.returncode == 0 and np.load(os.path.join(TMP, "s.npy")).shape == (0, 40), "short npy")

# Errors: one line on stderr, exit 2 for usage, 1 for runtime.
bad = os.path.join(TMP, "bad.wav")
with open(bad, "w") as f:
    f.write("this is not audio\n")
for args, code in ((["--kind", "cepstrum", CLIP], 2), (["--format", "xml", CLIP], 2),
                   (["--kind", "mel", "--stage", "u16", CLIP], 2),
                   (["--kind", "micro", "--stage", "u12", CLIP], 2), (["--bogus", CLIP], 2),
                   ([], 2), (["--kind"], 2), (["--n-fft", "256", CLIP], 2),
                   (["--fmax", "9000", CLIP], 2), (["--hop", "abc", CLIP], 2),
                   ([os.path.join(TMP, "missing.wav")], 1), ([bad], 1),
                   (["-o", os.path.join(TMP, "nodir", "x.csv"), CLIP], 1)):
    p = run(*args)
    check(p.returncode == code, f"{args}: exit {p.returncode}, want {code}")
    first = p.stderr.decode().splitlines()[:1]
    check(first and first[0].startswith("kwscope features: "), f"{args}: stderr {p.stderr!r}")
    if code == 1:
        check(p.stderr.count(b"\n") == 1 and not p.stdout, f"{args}: one line, no output")

# Binary formats to a terminal are refused; csv to a terminal is fine (the
# short clip: a header line, so nothing can fill the unread pty).
for fmt, code in (("npy", 2), ("raw", 2), ("csv", 0)):
    master, slave = pty.openpty()
    p = subprocess.run([BIN, "features", "--kind", "mfcc", "--format", fmt, short],
                       stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    os.close(master)
    check(p.returncode == code, f"{fmt} to a tty: exit {p.returncode}, want {code}")
    if code:
        check(b"terminal" in p.stderr, f"{fmt} tty message {p.stderr!r}")

print("features_cli:", "ok" if not failures else f"{failures} failure(s)")
sys.exit(1 if failures else 0)
PYEOF
