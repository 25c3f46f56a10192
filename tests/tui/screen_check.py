#!/usr/bin/python3
"""screen_check.py: what a dashboard screen (tmux capture-pane -p) shows.

  screen_check.py filled VIEW single|grid W H   < screen
      The plot of VIEW (1-6) has data over most of its width: at least 90% of
      its columns hold a non-blank cell (the waveform: 90% drawn and 20% with
      more than the zero line), and a heatmap's title counts more than 0
      frames. With 'grid', VIEW's cell of the 'a' grid is checked.
  screen_check.py panel W H            < screen
      No number in the side panel is cut by its border, and the footer names
      '? help' and 'q quit'.
  screen_check.py ticks                < screen
      Every tick label on the time axis row is whole (digits, '.', 's').

The geometry mirrors dash_layout (dash/dash_side.c) and the views' margins
(6 label columns on the left; heatmaps keep 8 on the right for the colour
bar). Exit 0 when the check holds, 1 with the reason otherwise.
"""
import re
import sys

LABEL_W, BAR_W = 6, 8
HEATMAPS = {3, 4, 5, 6}
ZERO_LINE = "\u2836"  # the waveform's zero line glyph


def layout(w, h):
    """(main_x, main_y, main_w, main_h) of the plots, like dash_layout."""
    body = h - 3
    if w >= 100:
        side = w * 3 // 10 if w >= 200 else 48 if w >= 150 else 36
        return 0, 1, w - side, body
    if h >= 36:
        return 0, 1, w, body - body * 2 // 5
    return 0, 1, w, body


def view_rect(w, h, view, grid):
    x, y, mw, mh = layout(w, h)
    if not grid:
        return x, y, mw, mh
    v = view - 1
    col, row = v % 2, v // 2
    cw, rh = mw // 2, mh // 3
    rw = mw - cw if col == 1 else cw
    rhh = mh - 2 * rh if row == 2 else rh
    return x + col * cw, y + row * rh, rw - 1, rhh


def cell(lines, x, y):
    if y < 0 or y >= len(lines):
        return " "
    line = lines[y]
    return line[x] if x < len(line) else " "


def filled(lines, w, h, view, grid):
    rx, ry, rw, rh = view_rect(w, h, view, grid)
    px0 = rx + LABEL_W
    px1 = rx + rw - (BAR_W if view in HEATMAPS else 1)
    rows = range(ry + 1, ry + rh - 1)
    cols = range(px0, px1)
    if len(cols) < 4 or len(rows) < 1:
        return f"plot of view {view} is too small ({len(cols)}x{len(rows)})"
    drawn = data = 0
    for x in cols:
        glyphs = [cell(lines, x, y) for y in rows]
        if any(g != " " for g in glyphs):
            drawn += 1
        if any(g not in (" ", ZERO_LINE, "\u2800") for g in glyphs):
            data += 1
    if drawn < 0.9 * len(cols):
        return f"view {view}: only {drawn} of {len(cols)} plot columns drawn"
    if view == 1 and data < 0.2 * len(cols):
        return f"waveform: only {data} of {len(cols)} columns show audio"
    if view in HEATMAPS:
        title = lines[ry] if ry < len(lines) else ""
        m = re.search(r"(\d+) frames", title[rx:rx + rw + 1])
        if not m or int(m.group(1)) <= 0:
            return f"view {view}: title has no frames: {title[rx:rx + rw].strip()!r}"
    return None


def panel(lines, w, h):
    x, y, mw, mh = layout(w, h)
    if w >= 100:
        for row in lines[1:h - 2]:
            inner = row[mw:]
            # a digit right against the right border: a number cut off
            if re.search(r"\d\u2502$", inner.rstrip(" ")) or re.search(r"\d\|$", inner.rstrip()):
                return f"number cut at the panel border: {inner.strip()!r}"
            # a label whose value was cut off entirely ("flash  |")
            if re.search(r"\b(flash|RAM|arena|frames|sup|thr|win|threshold|window)"
                         r"\s*[\u2502|]\s*$", inner):
                return f"value cut at the panel border: {inner.strip()!r}"
    foot = lines[-1] if lines else ""
    for key in ("? help", "q quit"):
        if key not in foot:
            return f"footer lacks {key!r}: {foot.strip()!r}"
    return None


def ticks(lines, w, h):
    for line in lines:
        if re.search(r"\d\.\d+s", line) and ("0.0s" in line or "0s" in line):
            for tok in line.split():
                tok = tok.lstrip("\u2502|")
                if not tok or tok.startswith("\u25b2") or tok.startswith("^"):
                    continue
                if re.fullmatch(r"[0-9.]+s", tok) or not re.match(r"\d", tok):
                    continue
                if re.match(r"\d+(\.\d+)?$", tok):
                    continue  # a number of another axis on the same row (colour bar)
                return f"cut tick label {tok!r} in {line.strip()!r}"
    return None


def main():
    lines = sys.stdin.read().split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    a = sys.argv[1:]
    try:
        if a[0] == "filled":    # filled VIEW single|grid W H
            why = filled(lines, int(a[3]), int(a[4]), int(a[1]), a[2] == "grid")
        elif a[0] == "panel":   # panel W H
            why = panel(lines, int(a[1]), int(a[2]))
        elif a[0] == "ticks":   # ticks
            why = ticks(lines, 0, 0)
        else:
            why = "unknown check"
    except (IndexError, ValueError):
        why = "usage: filled VIEW single|grid W H | panel W H | ticks"
    if why:
        print("screen_check:", why)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
