#!/usr/bin/python3
"""cli_safety.py: the commands that write never damage what the user owns,
and the command line reads the way users expect:

- board stream killed with SIGKILL leaves a WAV whose header covers all but
  at most 0.5 s of the audio on disk (the recorder's update interval);
- features -o: an existing file is refused without --force; on a full disk
  (a file size limit) one error line, exit 1, the old file byte-identical or
  no file at all, and no temporary file left beside it;
- train --out: files already there are refused before training unless
  --force; on a full disk the previous files stay whole; --words that are
  not single names are refused;
- collect and the dashboard's collect mode: --words/--collect and --speaker
  that are not single names (../x, ., control characters) are refused before
  anything is created; takes land as DATA/WORD/SPEAKER_nohash_N.wav, whole,
  a full disk leaves no partial take;
- `--` ends the options of every command, so a file named "-x.wav" can be
  given (classify, plot, features, model info, record, bench, board
  push/timings, train, collect, the dashboard);
- numbers are parsed strictly: plot --at, features --fmin/--fmax, board -d
  and --speed, train --lr, record -d refuse nan, inf, 1e308 and trailing text (exit 2);
"""
import os
import shutil
import random
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time
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


def run(*args, timeout=120, **kw):
    return subprocess.run([K, *args], capture_output=True, timeout=timeout, **kw)


def one_line(err):
    return err.count(b"\n") == 1 and b"\x1b" not in err


def wait_for(cond, secs=30.0):
    """Polls cond until it holds or the deadline passes; its last value."""
    end = time.time() + secs
    while True:
        v = cond()
        if v or time.time() > end:
            return v
        time.sleep(0.02)


def start_sim(link, *extra):
    p = subprocess.Popen([K, "board", "sim", "--link", link, *extra],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_for(lambda: os.path.islink(link)):
        stop(p)
        raise RuntimeError("board sim did not create its link")
    return p


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def wav_outside(path):
    """Bytes of audio on disk beyond the data size the header claims."""
    with open(path, "rb") as f:
        h = f.read(44)
    if len(h) < 44 or h[:4] != b"RIFF" or h[36:40] != b"data":
        return None
    return os.path.getsize(path) - 44 - struct.unpack("<I", h[40:44])[0]


def small_disk(limit):
    """A preexec_fn: files larger than limit bytes cannot be written (EFBIG,
    the signal ignored), as on a full disk."""
    def setup():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return setup


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_features_out(tmp):
    d = os.path.join(tmp, "feat")
    os.mkdir(d)
    out = os.path.join(d, "a.npy")
    base = ["features", "--kind", "spectrogram", "--format", "npy", "-o", out]
    r = run(*base, DEMO)
    check(r.returncode == 0 and read(out)[:6] == b"\x93NUMPY", "features -o: %r" % r.stderr)
    old = read(out)
    r = run(*base, "--kind", "mel", DEMO)
    check(r.returncode == 1 and b"exists" in r.stderr and read(out) == old,
          "features -o over a file without --force: %r" % r.stderr)
    for extra in (["--force"], []):
        target = out if extra else os.path.join(d, "new.npy")
        r = run(*base[:-1], target, "--kind", "mel", *extra, DEMO, preexec_fn=small_disk(8192))
        check(r.returncode == 1 and one_line(r.stderr) and b"write failed" in r.stderr,
              "features -o on a full disk %s: %s %r" % (extra, r.returncode, r.stderr))
        if extra:
            check(read(out) == old, "features -o --force on a full disk changed the old file")
        else:
            check(not os.path.exists(target), "features -o on a full disk left a file")
        check(sorted(os.listdir(d)) == ["a.npy"], "left behind: %s" % os.listdir(d))
    r = run(*base, "--force", "--kind", "mel", DEMO)
    check(r.returncode == 0 and read(out) != old, "features -o --force: %r" % r.stderr)


def write_wav(path, samples):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(struct.pack("<%dh" % len(samples), *samples))


def tiny_dataset(d, words=("yes", "no", "other"), per_word=12):
    """Speech Commands layout, one second of noise per clip, a distinct
    loudness per word so training has something to learn."""
    rnd = random.Random(5)
    for k, w in enumerate(words):
        os.makedirs(os.path.join(d, w))
        for i in range(per_word):
            amp = 500 * (k + 1)
            write_wav(os.path.join(d, w, "spk%02d_nohash_0.wav" % i),
                      [rnd.randint(-amp, amp) for _ in range(16000)])


def listing(d):
    return {n: read(os.path.join(d, n)) for n in sorted(os.listdir(d))}


def test_train_out(tmp):
    data, out = os.path.join(tmp, "data"), os.path.join(tmp, "model")
    tiny_dataset(data)
    base = ["train", data, "--epochs", "1", "--batch", "8", "--out", out]
    r = run(*base, timeout=600)
    check(r.returncode == 0 and os.path.exists(os.path.join(out, "model.cc")),
          "train: %s %r" % (r.returncode, r.stderr[-300:]))
    if r.returncode:
        return
    old = listing(out)
    r = run(*base, "--seed", "2", timeout=600)
    check(r.returncode == 1 and b"exists (use --force" in r.stderr and b"epoch" not in r.stdout,
          "train over its files without --force: %r" % r.stderr)
    check(listing(out) == old, "train without --force changed %s" % out)
    # every file fits but model.cc, the biggest
    limit = max(len(v) for k, v in old.items() if k != "model.cc") + 4096
    check(len(old["model.cc"]) > limit, "model.cc is not the biggest file")
    r = run(*base, "--seed", "2", "--force", timeout=600, preexec_fn=small_disk(limit))
    check(r.returncode == 1 and b"model.cc: write failed" in r.stderr,
          "train --force on a full disk: %s %r" % (r.returncode, r.stderr))
    now = listing(out)
    check(sorted(now) == sorted(old), "train on a full disk left %s" % sorted(now))
    check(now.get("model.cc") == old["model.cc"], "train on a full disk damaged model.cc")
    r = run(*base, "--seed", "2", "--force", timeout=600)
    check(r.returncode == 0 and listing(out)["model.tflite"] != old["model.tflite"],
          "train --force: %r" % r.stderr[-300:])
    for bad in ("../evil", ".", "a\x1b[2Jb", "x/y"):
        r = run("train", data, "--words", "yes," + bad, "--out", os.path.join(tmp, "m2"))
        check(r.returncode == 2 and one_line(r.stderr) and not os.path.exists(os.path.join(tmp, "m2")),
              "train --words %r: %s %r" % (bad, r.returncode, r.stderr))


def wav_frames(path):
    with wave.open(path, "rb") as w:
        return w.getnframes()


def test_collect(tmp):
    root = os.path.join(tmp, "col")
    os.mkdir(root)
    data = os.path.join(root, "a", "data")
    os.makedirs(os.path.dirname(data))
    for bad in ("../../evil", "yes,.", "yes,..", "x/y", "a\x1b]0;PWNED\x07b"):
        r = run("collect", "--words", bad, "--source", "sim", "--count", "1", data, input=b"\n\n")
        check(r.returncode == 2 and one_line(r.stderr), "collect --words %r: %s %r" % (bad, r.returncode, r.stderr))
        r = run("--collect", bad, "--source", "sim", DEMO, input=b"q")
        check(r.returncode == 2 and b"\x1b]" not in r.stderr, "kwscope --collect %r: %s %r" % (bad, r.returncode, r.stderr))
    for bad in ("..", ".hidden", "a/b", "x\ty"):
        r = run("collect", "--words", "yes", "--speaker", bad, "--count", "1", data, input=b"\n\n")
        check(r.returncode == 2 and one_line(r.stderr), "collect --speaker %r: %s %r" % (bad, r.returncode, r.stderr))
        r = run("--collect", "yes", "--speaker", bad, DEMO, input=b"q")
        check(r.returncode == 2, "kwscope --speaker %r: %s %r" % (bad, r.returncode, r.stderr))
    check(sorted(os.listdir(root)) == ["a"] and os.listdir(os.path.join(root, "a")) == [],
          "refused collects created %s" % list(os.walk(root)))
    # a source that cannot start (no such port, no mic device) creates nothing
    for src in (["--source", "board:" + os.path.join(root, "no-such-port")],
                ["--source", "mic", "--device", "no-such-device"]):
        r = run("collect", "--words", "yes", "--count", "1", *src, data, input=b"\n\n")
        check(r.returncode == 1 and one_line(r.stderr) and not os.path.exists(data),
              "collect %s: %s %r, data folder %s" % (src, r.returncode, r.stderr, os.path.exists(data)))
    base = ["collect", "--words", "yes", "--count", "1", "--source", "sim", data]
    for i in range(2):
        r = run(*base, input=b"\n\n")
        take = os.path.join(data, "yes", "me_nohash_%d.wav" % i)
        check(r.returncode == 0 and os.path.exists(take) and wav_frames(take) == 16000,
              "collect take %d: %s %r" % (i, r.returncode, r.stderr))
    r = run(*base, input=b"\n\n", preexec_fn=small_disk(20000))
    check(r.returncode == 1 and one_line(r.stderr) and b"write failed" in r.stderr,
          "collect on a full disk: %s %r" % (r.returncode, r.stderr))
    check(sorted(os.listdir(os.path.join(data, "yes"))) == ["me_nohash_0.wav", "me_nohash_1.wav"],
          "collect on a full disk left %s" % os.listdir(os.path.join(data, "yes")))


def test_numbers(tmp):
    for bad in ("nan", "1e308", "inf", "-inf", "1x", ""):
        for args in (["plot", "--at", bad, DEMO], ["features", "--fmin", bad, DEMO],
                     ["features", "--fmax", bad, DEMO], ["board", "sim", "--speed", bad],
                     ["board", "stream", "-d", bad, "-o", os.path.join(tmp, "n.wav"), "--port", "/dev/null"],
                     ["train", "--lr", bad, tmp],
                     ["record", "-d", bad, "--source", DEMO, os.path.join(tmp, "n.wav")]):
            r = run(*args, timeout=30)
            flag = args[2] if args[0] == "board" else args[1]
            check(r.returncode == 2 and flag.encode() in r.stderr.split(b"\n")[0],
                  "%s: %s %r" % (" ".join(args), r.returncode, r.stderr[:200]))
    r = run("plot", "--at", "0.5", "--view", "spectrum", DEMO)
    check(r.returncode == 0, "plot --at 0.5: %r" % r.stderr)


def test_end_of_options(tmp):
    d = os.path.join(tmp, "dd")
    os.mkdir(d)
    shutil.copy(DEMO, os.path.join(d, "-weird.wav"))
    shutil.copy(os.path.join(SRC, "assets", "default_model.tflite"), os.path.join(d, "-m.tflite"))
    ok = [
        (["classify", "--", "-weird.wav"], b"-weird.wav: "),
        (["plot", "--view", "wave", "--width", "40", "--height", "6", "--", "-weird.wav"], b"-weird.wav"),
        (["features", "--kind", "micro", "--", "-weird.wav"], b","),
        (["model", "info", "--", "-m.tflite"], b"-m.tflite"),
        (["record", "-d", "0.2", "--source", "-weird.wav", "--", "-out.wav"], b""),
        (["bench", "--runs", "1", "--"], b"1 runs"),
    ]
    for args, want in ok:
        r = run(*args, cwd=d, stdin=subprocess.DEVNULL)
        check(r.returncode == 0 and want in r.stdout, "%s: %s %r" % (" ".join(args), r.returncode, r.stderr))
    check(os.path.exists(os.path.join(d, "-out.wav")), "record -- -out.wav wrote nothing")
    # past parsing: the error is about the port or the data, not the command line
    for args in (["board", "push", "--port", "/dev/null", "--", "-weird.wav"],
                 ["board", "timings", "--port", "/dev/null", "--", "-weird.wav"],
                 ["train", "--epochs", "1", "--", "-nodata"],
                 ["--", "-missing.wav"]):
        r = run(*args, cwd=d, stdin=subprocess.DEVNULL)
        check(r.returncode == 1 and one_line(r.stderr), "%s: %s %r" % (" ".join(args), r.returncode, r.stderr))
    r = run("collect", "--words", "yes", "--source", "nothing", "--", "-data", cwd=d, stdin=subprocess.DEVNULL)
    check(r.returncode == 2 and b"--source" in r.stderr, "collect -- -data: %s %r" % (r.returncode, r.stderr))


def test_stream_sigkill(tmp):
    link = os.path.join(tmp, "sim")
    sim = start_sim(link, "--speed", "4")
    try:
        for i, secs in enumerate((0.7, 1.3, 2.1, 2.9)):
            out = os.path.join(tmp, "kill%d.wav" % i)
            p = subprocess.Popen([K, "board", "stream", "-d", "600", "-o", out, "--port", link],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            want = 44 + int(secs * 32000)
            grew = wait_for(lambda: os.path.exists(out) and os.path.getsize(out) >= want, 60)
            stop(p, signal.SIGKILL)
            check(grew, "stream never wrote %.1f s" % secs)
            o = wav_outside(out)
            check(o is not None and 0 <= o <= 16000,
                  "stream killed after %.1f s: %s bytes outside the header (at most 16000)" % (secs, o))
    finally:
        stop(sim)


def main():
    tmp = tempfile.mkdtemp(prefix="kws-clisafe-")
    test_features_out(tmp)
    test_train_out(tmp)
    test_collect(tmp)
    test_numbers(tmp)
    test_end_of_options(tmp)
    test_stream_sigkill(tmp)
    subprocess.run(["rm", "-rf", tmp])
    print("%d failure(s)" % failures, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
