#!/usr/bin/python3
"""screen_cells.py A B: compares two `tmux capture-pane -e -p` dumps as
pictures. A cell drawn with a block glyph becomes its (top, bottom) colours,
so an upper half block on (x, y), a lower half block on (y, x), a full block
in x and a blank on x all read the same; other cells are (glyph, fg, bg).
Prints how many cells differ (and the first few); exit 1 if any do."""
import re
import sys

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def colours(params, fg, bg):
    p = re.split(r"[;:]", params) if params else ["0"]
    i = 0
    while i < len(p):
        v = p[i]
        if v in ("", "0"):
            fg = bg = "d"
        elif v in ("38", "48") and i + 1 < len(p):
            if p[i + 1] == "5":
                c, i = p[i + 2], i + 2
            else:  # 2;R;G;B (tmux prints no colour-space field)
                c, i = "#" + "".join("%02x" % int(x) for x in p[i + 2:i + 5]), i + 4
            if v == "38":
                fg = c
            else:
                bg = c
        elif v == "39":
            fg = "d"
        elif v == "49":
            bg = "d"
        elif v.isdigit() and 30 <= int(v) <= 37:
            fg = str(int(v) - 30)
        elif v.isdigit() and 40 <= int(v) <= 47:
            bg = str(int(v) - 40)
        elif v.isdigit() and 90 <= int(v) <= 97:
            fg = str(int(v) - 82)
        elif v.isdigit() and 100 <= int(v) <= 107:
            bg = str(int(v) - 92)
        i += 1
    return fg, bg


def parse(path):
    rows = []
    for line in open(path, encoding="utf-8").read().split("\n"):
        fg = bg = "d"
        row, i = [], 0
        while i < len(line):
            m = SGR.match(line, i)
            if m:
                fg, bg = colours(m.group(1), fg, bg)
                i = m.end()
                continue
            ch = line[i]
            i += 1
            if ch == "\u2580":
                row.append(("px", fg, bg))
            elif ch == "\u2584":
                row.append(("px", bg, fg))
            elif ch == "\u2588":
                row.append(("px", fg, fg))
            elif ch == " " and bg != "d":
                row.append(("px", bg, bg))
            else:
                row.append((ch, fg if ch != " " else "-", bg))
        rows.append(row)
    return rows


def main():
    a, b = parse(sys.argv[1]), parse(sys.argv[2])
    blank = (" ", "-", "d")
    diff = []
    for y in range(max(len(a), len(b))):
        ra = a[y] if y < len(a) else []
        rb = b[y] if y < len(b) else []
        for x in range(max(len(ra), len(rb))):
            ca = ra[x] if x < len(ra) else blank
            cb = rb[x] if x < len(rb) else blank
            if ca != cb:
                diff.append((y, x, ca, cb))
    print("%d cells differ" % len(diff))
    for d in diff[:8]:
        print("  row %d col %d: %s vs %s" % d)
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
