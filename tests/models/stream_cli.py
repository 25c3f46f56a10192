#!/usr/bin/python3
"""stream_cli.py: streaming evaluation end to end, on a stream made by hand
from Google's real clips in ../shared/conformance (skips, 77, without it),
with Google's micro_speech model:

- classify --labels-file: only keyword detections are reported (no silence,
  no unknown without --all); JSON detection rows carry the detected label;
  the evaluation rows agree with the detections and labels counted here
  (hits, misses, false alarms, per hour, median latency); a sibling NAME.txt
  is found without the flag; text mode prints the table;
- --sweep --color never: an ASCII plot with its axis name and legend;
- calibrate: --dry-run writes nothing, a run writes M.detect, a second run
  needs --force, and classify then uses the sidecar (same detections as the
  same settings given as flags);
- classify DIR: the Speech Commands layout counts _silence_ and _unknown_,
  says what it skipped; a flat folder of clips; an empty folder is an error.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import wave

K = os.environ.get("KWSCOPE_BIN", "build/kwscope")
SHARED = os.environ.get("KWSCOPE_SHARED_DIR", "")
CONF = os.path.join(SHARED, "conformance")
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def run(*args):
    return subprocess.run([K, *args], capture_output=True, text=True, timeout=300)


def pcm(name):
    with wave.open(os.path.join(CONF, name + ".wav")) as w:
        return w.readframes(w.getnframes())


def write_wav(path, data):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(data)


def expected(labels, dets, seconds, tol=1.0):
    """The matching rule of models/evaluate.c, written again here."""
    used = [False] * len(labels)
    out = {w: {"labels": 0, "hits": 0, "false_alarms": 0, "lat": []} for w in ("yes", "no")}
    for s, e, w in labels:
        if w in out:
            out[w]["labels"] += 1
    for t, w in dets:
        hit = None
        for i, (s, e, lw) in enumerate(labels):
            if not used[i] and lw == w and s <= t <= e + tol:
                hit = i
                break
        if hit is None:
            out[w]["false_alarms"] += 1
        else:
            used[hit] = True
            out[w]["hits"] += 1
            out[w]["lat"].append(round((t - labels[hit][1]) * 1000))
    return out


def main():
    if not os.path.exists(os.path.join(CONF, "manifest.json")):
        print("skipped: no ../shared/conformance")
        return 77
    model_src = os.path.join(CONF, "micro_speech_quantized.tflite")
    tmp = tempfile.mkdtemp(prefix="kws_stream_")
    try:
        model = os.path.join(tmp, "ms.tflite")
        shutil.copy(model_src, model)
        sil, yes, no, noise = pcm("silence_1000ms"), pcm("yes_1000ms"), pcm("no_1000ms"), pcm("noise_1000ms")
        parts = [sil, yes, sil, sil, no, sil, sil, yes, sil, noise, sil, yes, no, sil, sil]
        stream = os.path.join(tmp, "stream.wav")
        write_wav(stream, b"".join(parts))
        # Labels: each word clip's second, plus a "no" over silence (a miss
        # unless something fires there) and a near miss that is no keyword.
        labels = [(1.0, 2.0, "yes"), (4.0, 5.0, "no"), (7.0, 8.0, "yes"), (11.0, 12.0, "yes"),
                  (12.0, 13.0, "no"), (14.0, 14.5, "no"), (9.2, 9.6, "yet")]
        lab = os.path.join(tmp, "labels.txt")
        with open(lab, "w", newline="") as f:   # CRLF, unsorted: the reader copes
            for s, e, w in labels:
                f.write("%.6f\t%.6f\t%s\r\n" % (s, e, w))
        seconds = len(parts)
        r = run("classify", "--json", "--model", model, "--labels-file", lab, stream)
        check(r.returncode == 0, "classify --labels-file: rc %d %s" % (r.returncode, r.stderr))
        rows = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
        dets = [(x["t_s"], x["label"]) for x in rows if x.get("detection")]
        check(all(w in ("yes", "no") for _, w in dets), "only keyword detections: %s" % dets)
        check(len(dets) >= 2, "some detections on real yes/no clips: %s" % dets)
        check(all("score" in x for x in rows if x.get("detection")), "detection rows carry score")
        ev = {x["keyword"]: x for x in rows if "keyword" in x}
        want = expected(sorted(labels), dets, seconds)
        for w in ("yes", "no"):
            check(ev[w]["labels"] == want[w]["labels"], "%s labels %s" % (w, ev[w]))
            check(ev[w]["hits"] == want[w]["hits"], "%s hits %s want %s" % (w, ev[w], want[w]))
            check(ev[w]["false_alarms"] == want[w]["false_alarms"], "%s f.a. %s want %s" % (w, ev[w], want[w]))
            check(ev[w]["misses"] == want[w]["labels"] - want[w]["hits"], "%s misses" % w)
            fa_h = want[w]["false_alarms"] * 3600.0 / seconds
            check(abs(ev[w]["fa_per_hour"] - fa_h) < 1e-3 * max(1, fa_h), "%s f.a./h" % w)
            lat = sorted(want[w]["lat"])
            if lat:
                n = len(lat)
                med = lat[n // 2] if n % 2 else (lat[n // 2 - 1] + lat[n // 2]) / 2
                check(abs(ev[w]["latency_median_ms"] - med) <= 1, "%s median %s want %s" % (w, ev[w], med))
        tot = ev["total"]
        check(tot["total"] is True and tot["labels"] == 6, "total row %s" % tot)
        check(tot["hits"] + tot["misses"] == 6, "total hits + misses")
        # The same through a sibling NAME.txt, in text mode.
        shutil.copy(lab, os.path.join(tmp, "stream.txt"))
        r = run("classify", "--model", model, stream)
        check(r.returncode == 0 and "keyword" in r.stdout and "total" in r.stdout and
              "silence" not in r.stdout, "text report: %s" % r.stdout)
        # --all adds unknown detections, never silence.
        r = run("classify", "--all", "--model", model, stream)
        check(" silence " not in r.stdout, "--all never shows silence")
        r = run("classify", "--sweep", "--color", "never", "--model", model, stream)
        check(r.returncode == 0, "sweep rc %d %s" % (r.returncode, r.stderr))
        check("false alarms per hour" in r.stdout and "all" in r.stdout, "sweep plot")
        check(all(ord(ch) < 128 for ch in r.stdout), "--color never is ASCII")

        # calibrate
        side = os.path.join(tmp, "ms.detect")
        r = run("calibrate", "--model", model, "--dry-run", stream)
        check(r.returncode == 0 and not os.path.exists(side), "dry run: rc %d %s" % (r.returncode, r.stderr))
        check("calibrated" in r.stdout, "dry run prints the result")
        r = run("calibrate", "--model", model, stream)
        check(r.returncode == 0 and os.path.exists(side), "calibrate: rc %d %s" % (r.returncode, r.stderr))
        r2 = run("calibrate", "--model", model, stream)
        check(r2.returncode == 1 and "--force" in r2.stderr, "no overwrite without --force")
        check(run("calibrate", "--force", "--model", model, stream).returncode == 0, "--force")
        cfg = {}
        for line in open(side):
            f = line.split()
            if len(f) == 2 and not line.startswith("#"):
                cfg[f[0]] = f[1]
        check(set(cfg) == {"threshold", "window_ms", "suppression_ms", "min_count"}, "sidecar %s" % cfg)
        a = run("classify", "--json", "--model", model, stream)
        b = run("classify", "--json", "--model", model_src, "--threshold", cfg["threshold"],
                "--window-ms", cfg["window_ms"], "--suppression-ms", cfg["suppression_ms"],
                "--min-count", cfg["min_count"], stream)
        da = [(x["t_s"], x["label"]) for x in map(json.loads, a.stdout.splitlines()) if x.get("detection")]
        db = [(x["t_s"], x["label"]) for x in map(json.loads, b.stdout.splitlines()) if x.get("detection")]
        check(da == db, "sidecar used by classify: %s vs %s" % (da, db))
        with open(side, "w") as f:
            f.write("threshold 300\n")
        r = run("classify", "--model", model, stream)
        check(r.returncode == 1 and "ms.detect" in r.stderr and r.stderr.count("\n") == 1,
              "bad sidecar: one error line: %s" % r.stderr)
        r = run("calibrate", "--model", model_src, os.path.join(tmp, "nolabels.wav"))
        check(r.returncode == 1 and r.stderr.count("\n") == 1, "calibrate without labels: %s" % r.stderr)

        # classify DIR
        d = os.path.join(tmp, "set")
        for sub, clip in (("_silence_", sil), ("yes", yes), ("no", no), ("_unknown_", noise),
                          ("_background_noise_", sil * 5)):
            os.makedirs(os.path.join(d, sub))
            write_wav(os.path.join(d, sub, "a_nohash_0.wav"), clip)
        with open(os.path.join(d, "README"), "w") as f:
            f.write("x")
        r = run("classify", "--model", model_src, d)
        check(r.returncode == 0, "classify DIR rc %d %s" % (r.returncode, r.stderr))
        rows = {l.split()[0]: l.split() for l in r.stdout.splitlines() if l.split()}
        check(rows.get("silence", [0, 0])[1] == "1" and rows.get("unknown", [0, 0])[1] == "1",
              "silence and unknown rows count their folders: %s" % r.stdout)
        check(rows.get("all", [0, 0])[1] == "4", "four clips: %s" % r.stdout)
        check("_background_noise_" in r.stderr and "README" in r.stderr, "skips said: %s" % r.stderr)
        flat = os.path.join(tmp, "flat")
        os.makedirs(flat)
        write_wav(os.path.join(flat, "one.wav"), yes)
        write_wav(os.path.join(flat, "two.wav"), no)
        r = run("classify", "--model", model_src, flat)
        check(r.returncode == 0 and "2 clips in the folder itself" in r.stdout, "flat: %s" % r.stdout)
        empty = os.path.join(tmp, "empty")
        os.makedirs(empty)
        r = run("classify", "--model", model_src, empty)
        check(r.returncode == 1 and "no WAV clips" in r.stderr, "empty folder: %s" % r.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
