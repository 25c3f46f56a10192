#!/usr/bin/env python3
"""board_safety.py: `kwscope board` never damages a user's file, never hangs,
and never lets a board's bytes reach the terminal raw:

- --port on a regular file (info, push, stream, timings), a FIFO, a folder or
  /dev/null: one line "... is not a serial port (...)", exit 1, the file
  byte-identical afterwards;
- board sim --link over an existing file: refused, the file intact;
- a hostile board (a fake one on a pty, speaking the real framing): escape
  sequences in INFO strings and ERROR text come out escaped in board info,
  valid JSON in board info --json, escaped in push's error; INFO with 9
  labels is named ("lists 9 labels"), not "no answer after N tries";
- board stream ends with an error, exit 1, when no audio arrives (a board
  that answers HELLO and then nothing; the stock micro_speech dialect), and
  on Ctrl-C before any audio;
- board stream -o never follows a dangling symlink;
- board push of a FIFO nobody writes to ends (no hang).
Every wait has a deadline; no fixed sleeps decide an outcome.
"""
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import tty
import zlib

K = os.environ.get("KWSCOPE_BIN", "build/kwscope")
SRC = os.environ.get("KWSCOPE_SOURCE_DIR", ".")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def run(*args, timeout=60):
    return subprocess.run([K, *args], capture_output=True, timeout=timeout)


def one_line(err):
    return err.count(b"\n") == 1 and b"\x1b" not in err


def cobs(b):
    out, block = bytearray(), bytearray()
    for x in b:
        if x == 0:
            out += bytes([len(block) + 1]) + block
            block = bytearray()
        else:
            block.append(x)
            if len(block) == 254:
                out += b"\xff" + block
                block = bytearray()
    out += bytes([len(block) + 1]) + block
    return bytes(out)


def frame(t, seq, payload):
    body = struct.pack("<BHH", t, seq, len(payload)) + payload
    return b"\x00" + cobs(body + struct.pack("<I", zlib.crc32(body))) + b"\x00"


def s8(x):
    return bytes([len(x)]) + x


def info_payload(firmware, model, labels, n_labels=None):
    p = bytes([1]) + s8(firmware) + s8(model) + struct.pack("<II", 0x1234, 16000)
    p += bytes([len(labels) if n_labels is None else n_labels]) + b"".join(s8(l) for l in labels)
    return p + struct.pack("<III", 1000, 2000, 3000)


class FakeBoard:
    """A board on a pty that answers HELLO with the given INFO, ACKs every
    other request and answers CLASSIFY with an ERROR frame; no audio ever."""

    def __init__(self, info, error_text=b""):
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self.slave = slave
        self.info, self.error_text = info, error_text
        self.stop = False
        self.th = threading.Thread(target=self.serve, daemon=True)
        self.th.start()

    def serve(self):
        buf, seq = b"", 0
        while not self.stop:
            r, _, _ = select.select([self.master], [], [], 0.05)
            if not r:
                continue
            try:
                buf += os.read(self.master, 4096)
            except OSError:
                continue
            while buf.count(b"\x00") >= 2:
                start = buf.index(b"\x00")
                end = buf.index(b"\x00", start + 1)
                raw, buf = buf[start + 1:end], buf[end:]
                if not raw:
                    continue
                dec, i = bytearray(), 0
                while i < len(raw):
                    c = raw[i]
                    dec += raw[i + 1:i + c]
                    i += c
                    if c < 255 and i < len(raw):
                        dec.append(0)
                if len(dec) < 5:
                    continue
                t, s = dec[0], struct.unpack("<H", dec[1:3])[0]
                out = frame(0x80, seq, struct.pack("<BH", t, s))
                seq += 1
                if t == 0x01:
                    out = frame(0x81, seq, self.info)
                elif t == 0x05:
                    out += frame(0x88, seq, bytes([2]) + self.error_text)
                seq += 1
                os.write(self.master, out)

    def close(self):
        self.stop = True
        self.th.join(timeout=5)
        os.close(self.master)
        os.close(self.slave)


def test_ports(tmp):
    demo = os.path.join(SRC, "assets", "demo.wav")
    v = os.path.join(tmp, "v.wav")
    original = open(demo, "rb").read()
    open(v, "wb").write(original)
    for sub in (["info"], ["push", demo], ["stream", "-d", "1", "-o", os.path.join(tmp, "o.wav")],
                ["timings", demo]):
        r = run("board", *sub, "--port", v)
        check(r.returncode == 1 and b"is not a serial port (regular file)" in r.stderr and one_line(r.stderr),
              "board %s --port v.wav: rc %d %r" % (sub[0], r.returncode, r.stderr))
        check(open(v, "rb").read() == original, "board %s --port v.wav left the file byte-identical" % sub[0])
    check(not os.path.exists(os.path.join(tmp, "o.wav")), "no output when the port is refused")
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    for port, what in ((fifo, b"(FIFO)"), (tmp, b"(directory)"), ("/dev/null", b"not a serial port")):
        r = run("board", "info", "--port", port, timeout=30)
        check(r.returncode == 1 and what in r.stderr and one_line(r.stderr),
              "board info --port %s: rc %d %r" % (port, r.returncode, r.stderr))


def test_link(tmp):
    f = os.path.join(tmp, "precious")
    open(f, "w").write("precious\n")
    r = run("board", "sim", "--link", f, timeout=30)
    check(r.returncode == 1 and one_line(r.stderr), "sim --link FILE refused: rc %d %r" % (r.returncode, r.stderr))
    check(open(f).read() == "precious\n", "sim --link left the file alone")


def test_hostile(tmp):
    evil = b"\x1b]0;PWNED\x07\x1b[2J"
    b = FakeBoard(info_payload(evil, b'm"\\\x1b[31m', [b"ye\x1bs", b"no"]), b"no model \x1b[2J\x07")
    try:
        r = run("board", "info", "--port", b.path, timeout=30)
        check(r.returncode == 0, "hostile info rc %d %r" % (r.returncode, r.stderr))
        check(b"\x1b" not in r.stdout and b"\x07" not in r.stdout, "info output has no control bytes: %r" % r.stdout)
        check(b"\\x1b]0;PWNED\\x07\\x1b[2J" in r.stdout, "info shows the escaped firmware: %r" % r.stdout)
        r = run("board", "info", "--json", "--port", b.path, timeout=30)
        check(r.returncode == 0, "hostile info --json rc %d" % r.returncode)
        try:
            j = json.loads(r.stdout.decode("utf-8"))
            check(j["firmware"] == "\\x1b]0;PWNED\\x07\\x1b[2J", "json firmware %r" % j["firmware"])
            check(j["model"] == 'm"\\\\x1b[31m', "json model %r" % j["model"])
            check(j["labels"] == ["ye\\x1bs", "no"], "json labels %r" % j["labels"])
        except (ValueError, KeyError) as e:
            check(False, "board info --json is valid JSON: %s %r" % (e, r.stdout))
        demo = os.path.join(SRC, "assets", "demo.wav")
        r = run("board", "push", "--port", b.path, demo, timeout=60)
        check(r.returncode == 1 and b"\x1b" not in r.stderr and b"\\x1b[2J" in r.stderr and one_line(r.stderr),
              "push error escaped: rc %d %r" % (r.returncode, r.stderr))
        # a board that answers HELLO and then never streams: an error, not a hang
        t0 = time.time()
        out = os.path.join(tmp, "silent.wav")
        r = run("board", "stream", "-d", "3", "-o", out, "--port", b.path, timeout=60)
        check(r.returncode == 1 and b"no audio" in r.stderr, "stream without audio: rc %d %r" % (r.returncode, r.stderr))
        check(time.time() - t0 < 50, "stream without audio ended by itself")
        # Ctrl-C before any audio: non-zero
        p = subprocess.Popen([K, "board", "stream", "-o", os.path.join(tmp, "int.wav"), "--port", b.path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        end = time.time() + 30
        while time.time() < end and not os.path.exists(os.path.join(tmp, "int.wav")):
            time.sleep(0.02)
        p.send_signal(signal.SIGINT)
        try:
            _, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            err = b"(hung)"
        check(p.returncode not in (0, None), "Ctrl-C before audio exits non-zero (%s) %r" % (p.returncode, err))
    finally:
        b.close()
    b = FakeBoard(info_payload(b"fw", b"m", [b"a"] * 9, 9))
    try:
        r = run("board", "info", "--port", b.path, timeout=30)
        check(r.returncode == 1 and b"lists 9 labels" in r.stderr, "9 labels named: %r" % r.stderr)
    finally:
        b.close()


def test_stream_outputs(tmp):
    sim_link = os.path.join(tmp, "ms")
    p = subprocess.Popen([K, "board", "sim", "--dialect", "micro_speech", "--link", sim_link],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.time() + 20
        while time.time() < end and not os.path.islink(sim_link):
            time.sleep(0.02)
        r = run("board", "stream", "--dialect", "micro_speech", "-d", "2", "-o",
                os.path.join(tmp, "ms.wav"), "--port", sim_link, timeout=60)
        check(r.returncode == 1 and b"no mic stream" in r.stderr, "micro_speech stream: %r" % r.stderr)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
    # a dangling symlink as -o: never followed
    sim_link = os.path.join(tmp, "kws")
    p = subprocess.Popen([K, "board", "sim", "--speed", "20", "--link", sim_link],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.time() + 20
        while time.time() < end and not os.path.islink(sim_link):
            time.sleep(0.02)
        victim = os.path.join(tmp, "victim.wav")
        out = os.path.join(tmp, "dangling.wav")
        os.symlink(victim, out)
        for extra in ([], ["--force"]):
            r = run("board", "stream", "-d", "1", "-o", out, "--port", sim_link, *extra, timeout=60)
            check(r.returncode == 1 and one_line(r.stderr), "stream -o dangling %s: %r" % (extra, r.stderr))
            check(not os.path.exists(victim), "stream -o did not follow the symlink %s" % extra)
        ok = os.path.join(tmp, "ok.wav")
        r = run("board", "stream", "-d", "1", "-o", ok, "--port", sim_link, timeout=60)
        check(r.returncode == 0 and os.path.getsize(ok) == 44 + 32000, "stream -d 1: %r" % r.stderr)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)


def test_fifo_push(tmp):
    fifo = os.path.join(tmp, "audio_fifo")
    os.mkfifo(fifo)
    p = subprocess.Popen([K, "board", "push", "--port", "/dev/null", fifo],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _, err = p.communicate(timeout=40)   # the load gives up after 10 s without a writer
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        err = b"(hung)"
    check(p.returncode == 1 and b"no writer" in err, "push of a FIFO with no writer: %s %r" % (p.returncode, err))


def main():
    tmp = tempfile.mkdtemp(prefix="kws-safety-")
    test_ports(tmp)
    test_link(tmp)
    test_hostile(tmp)
    test_stream_outputs(tmp)
    test_fifo_push(tmp)
    subprocess.run(["rm", "-rf", tmp])
    print("%d failure(s)" % failures, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
