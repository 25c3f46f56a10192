#!/bin/sh
# curses_scroll.sh: the curses backend's terminal-side scrolling and glyph
# choice, checked on a real terminal (tmux). test_curses_scroll draws a
# scrolling heatmap frame by frame; the picture tmux then shows must equal
# the same canvas drawn in full from scratch, cell for cell (as colours:
# screen_cells.py), with scrolling on, off (KWSCOPE_NO_SCROLL) and in 24-bit
# colour (COLORTERM=truecolor with tmux-direct, when that terminfo entry is
# installed). Skips (77) without tmux.
# Usage: curses_scroll.sh TEST_CURSES_SCROLL
set -u
prog=$1
command -v tmux >/dev/null || { echo "skipped: tmux is not installed"; exit 77; }
. "${KWSCOPE_SOURCE_DIR:?}/tools/wait.sh"
here=$(dirname "$0")
tmp=$(mktemp -d /tmp/kws_scroll_XXXXXX)
T="tmux -L kwscope-scroll-$$ -f /dev/null"
trap '$T kill-server 2>/dev/null; [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
fails=0

# run NAME ENV...: draw, capture, redraw in full, capture, compare.
run() {
    name=$1; shift
    d=$tmp/$name
    mkdir -p "$d"
    $T new-session -d -s "$name" -x 120 -y 30 "exec env TERM=tmux-256color LC_ALL=C.UTF-8 $* $prog $d 60"
    if ! wait_until 60 test -e "$d/ready1"; then
        echo "FAIL ($name): no first picture in 60 s"; fails=$((fails + 1)); return
    fi
    $T capture-pane -e -p -t "$name" > "$d/scrolled.txt"
    $T send-keys -t "$name" x
    wait_until 60 test -e "$d/ready2" || { echo "FAIL ($name): no redraw"; fails=$((fails + 1)); return; }
    $T capture-pane -e -p -t "$name" > "$d/full.txt"
    $T send-keys -t "$name" x
    wait_until 60 test -e "$d/stats" || { echo "FAIL ($name): no exit"; fails=$((fails + 1)); return; }
    echo "$name: $(cat "$d/stats")"
    if ! /usr/bin/python3 "$here/screen_cells.py" "$d/scrolled.txt" "$d/full.txt"; then
        echo "FAIL ($name): the scrolled picture is not the canvas"; fails=$((fails + 1))
    fi
}

run scroll
grep -q "scrolled [1-9]" "$tmp/scroll/stats" || { echo "FAIL: no run was scrolled on the terminal"; fails=$((fails + 1)); }
run noscroll KWSCOPE_NO_SCROLL=1
grep -q "scrolled 0 " "$tmp/noscroll/stats" || { echo "FAIL: KWSCOPE_NO_SCROLL still scrolled"; fails=$((fails + 1)); }
if infocmp tmux-direct >/dev/null 2>&1; then
    run direct COLORTERM=truecolor
    grep -q "truecolor 1" "$tmp/direct/stats" || { echo "FAIL: COLORTERM=truecolor did not give 24-bit colour"; fails=$((fails + 1)); }
    grep -q "38;2;" "$tmp/direct/full.txt" || { echo "FAIL: no 24-bit colour on screen"; fails=$((fails + 1)); }
else
    echo "(no tmux-direct terminfo: the 24-bit case is not run)"
fi
echo "curses_scroll: $fails failure(s)"
[ $fails -eq 0 ]
