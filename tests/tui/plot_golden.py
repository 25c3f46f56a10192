#!/usr/bin/python3
"""plot_golden.py: `kwscope plot` of the demo clip against committed goldens.

Every view, with and without colour, 100x24. Outputs are parsed into cells
(glyph + SGR colour state) and compared cell by cell. The waveform and the
model features are integer computations and must match exactly. The float
views (FFTW, single precision) may differ in the last bits between CPUs, which
can move a value across a colour or density step; there, at most 0.5% of the
cells may differ, and the text rows (titles, axes, labels) must match exactly.

With --update the goldens are rewritten (tools/update_goldens.sh).
"""
import os
import re
import subprocess
import sys

VIEWS = ["wave", "spectrum", "spectrogram", "mel", "mfcc", "features"]
EXACT = {"wave", "features"}
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def cells(text):
    rows = []
    for line in text.split("\n"):
        state, row, pos = "", [], 0
        for m in SGR.finditer(line):
            row += [(ch, state) for ch in line[pos:m.start()]]
            state, pos = m.group(1), m.end()
        row += [(ch, state) for ch in line[pos:]]
        rows.append(row)
    return rows


def compare(view, got, want):
    g, w = cells(got), cells(want)
    if len(g) != len(w):
        return f"{len(g)} lines, golden has {len(w)}"
    total = diff = 0
    for i, (a, b) in enumerate(zip(g, w)):
        n = max(len(a), len(b))
        total += n
        bad = sum(1 for k in range(n) if (a[k] if k < len(a) else None) != (b[k] if k < len(b) else None))
        if bad and (view in EXACT or i < 2 or i == len(g) - 2):
            return f"line {i + 1} differs:\n  got:  {''.join(c for c, _ in a)!r}\n  want: {''.join(c for c, _ in b)!r}"
        diff += bad
    if diff > 0.005 * total:
        return f"{diff} of {total} cells differ (more than 0.5%)"
    return None


def main():
    update = "--update" in sys.argv
    binary = os.environ["KWSCOPE_BIN"]
    src = os.environ["KWSCOPE_SOURCE_DIR"]
    clip = os.path.join(src, "assets", "demo.wav")
    env = dict(os.environ, LC_ALL="C.UTF-8")
    failures = 0
    for view in VIEWS:
        for color in ["never", "always"]:
            golden = os.path.join(src, "tests", "tui", "golden", f"{view}.{color}.txt")
            out = subprocess.run([binary, "plot", "--view", view, "--width", "100", "--height", "24",
                                  "--color", color, clip], capture_output=True, env=env)
            if out.returncode != 0:
                print(f"FAIL {view}/{color}: exit {out.returncode}: {out.stderr.decode()}")
                failures += 1
                continue
            text = out.stdout.decode()
            if color == "never" and any(ord(ch) > 126 or ch == "\x1b" for ch in text.replace("\n", "")):
                print(f"FAIL {view}/never: output is not plain ASCII")
                failures += 1
            if update:
                with open(golden, "w") as f:
                    f.write(text)
                continue
            with open(golden) as f:
                problem = compare(view, text, f.read())
            if problem:
                print(f"FAIL {view}/{color}: {problem}")
                failures += 1
            else:
                print(f"ok   {view}/{color}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
