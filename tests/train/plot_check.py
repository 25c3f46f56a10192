#!/usr/bin/python3
"""plot_check.py: the axis checks of the dashboard's plots, on the text of the
lab's figures (plots.txt, `kwscope lab --color never` output).

    plot_check.py PLOTS.txt [METHOD...]

For every figure (a line starting "Accuracy vs"), read from the drawn text,
not the titles: the value-axis labels (lines "  NUM ┤") and the x-axis labels
(the line under the "┬" marks, one label under each mark, k/M suffixes read)
are whole numbers or decimals in equal steps of 1, 2 or 5 times a power of
ten; at least two on each axis. The legend line under the x labels holds
every entry of the figure's methods in full and the x-axis unit at its end.
METHOD (ptq, qat, unstructured, structured) names the methods the rows had
(default all): their figures must be present. Exit 1 with the reason.
"""
import math
import re
import sys

# title start -> (method, legend entries, unit)
FIGURES = {
    "Accuracy vs bit width": ("ptq", ["P PTQ", "Q QAT"], "bits"),
    "Accuracy vs non-zero parameters": ("unstructured", ["u pruned", "U pruned + fine-tuned"],
                                        "non-zero params"),
    "Accuracy vs FLOPs": ("structured", ["s pruned", "S pruned + fine-tuned"], "FLOPs"),
    "Accuracy vs host runtime": ("structured", ["s pruned", "S pruned + fine-tuned"],
                                 "us per inference (host)"),
}
SUFFIX = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}


def value(label):
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)([kMG]?)", label)
    if not m:
        raise ValueError("tick label %r is not a whole number" % label)
    return float(m.group(1)) * SUFFIX[m.group(2)]


def check_steps(values, what):
    if len(values) < 2:
        raise ValueError("%s: %d tick labels" % (what, len(values)))
    steps = [b - a for a, b in zip(values, values[1:])]
    step = steps[0]
    if step == 0 or any(abs(s - step) > 1e-9 * abs(step) for s in steps):
        raise ValueError("%s: uneven ticks %s" % (what, values))
    mant = abs(step) / 10 ** math.floor(math.log10(abs(step)) + 1e-12)
    if not any(abs(mant - m) < 1e-9 for m in (1, 2, 5)):
        raise ValueError("%s: step %g is not 1, 2 or 5 x 10^n (%s)" % (what, step, values))


def check_figure(title, lines):
    ys = [value(m.group(1)) for m in (re.match(r"^\s*(\S+) \u2524", l) for l in lines) if m]
    check_steps(ys, title + ", value axis")
    marks = [i for i, l in enumerate(lines) if "\u252c" in l and "\u2524" not in l]
    if len(marks) != 1 or marks[0] + 2 >= len(lines):
        raise ValueError("%s: no x-axis tick marks with labels and legend under them" % title)
    mark_line, labels, legend = lines[marks[0]], lines[marks[0] + 1], lines[marks[0] + 2]
    cols = [i for i, ch in enumerate(mark_line) if ch == "\u252c"]
    spans = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", labels)]
    if len(spans) != len(cols):
        raise ValueError("%s: %d x labels under %d marks: %r" % (title, len(spans), len(cols), labels))
    for (a, b, text), c in zip(spans, cols):
        if not a <= c < b + 1:
            raise ValueError("%s: x label %r not under its mark (column %d)" % (title, text, c))
    check_steps([value(t) for _, _, t in spans], title + ", x axis")
    for start, (_, entries, unit) in FIGURES.items():
        if title.startswith(start):
            for e in entries:
                if not re.search(r"(^|\s)" + re.escape(e) + r"(\s|$)", legend):
                    raise ValueError("%s: legend %r lacks %r" % (title, legend.strip(), e))
            if not legend.rstrip().endswith(unit):
                raise ValueError("%s: legend %r does not end with the unit %r"
                                 % (title, legend.strip(), unit))


def main():
    text = open(sys.argv[1], encoding="utf-8").read().split("\n")
    methods = sys.argv[2:] or ["ptq", "unstructured", "structured"]
    starts = [i for i, l in enumerate(text) if l.startswith("Accuracy vs")]
    seen = []
    try:
        for k, i in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(text)
            check_figure(text[i].strip(), text[i + 1:end])
            seen.append(text[i])
        for start, (method, _, _) in FIGURES.items():
            if method in methods and not any(t.startswith(start) for t in seen):
                raise ValueError("no figure %r" % start)
    except ValueError as e:
        print("plot_check: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    print("plot_check: %d figures, ticks in 1-2-5 steps, legends whole" % len(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
