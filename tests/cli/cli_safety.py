#!/usr/bin/python3
"""cli_safety.py: the commands that write never damage what the user owns,
and the command line reads the way users expect:

- board stream killed with SIGKILL leaves a WAV whose header covers all but
  at most 0.5 s of the audio on disk (the recorder's update interval);
- features -o: an existing file is refused without --force; on a full disk
  (a file size limit) one error line, exit 1, the old file byte-identical or
  no file at all, and no temporary file left beside it;
"""
import os
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time

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
    test_stream_sigkill(tmp)
    subprocess.run(["rm", "-rf", tmp])
    print("%d failure(s)" % failures, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
