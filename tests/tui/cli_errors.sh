#!/bin/sh
# cli_errors.sh: exit codes and one-line errors of the command line.
set -u
BIN=${KWSCOPE_BIN:?}
CLIP=${KWSCOPE_SOURCE_DIR:?}/assets/demo.wav
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

# expect CODE ARGS...: exit code and, for errors, exactly one line on stderr.
expect() {
    want=$1; shift
    "$BIN" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    rc=$?
    if [ $rc -ne "$want" ]; then
        echo "FAIL: kwscope $* exited $rc, want $want"; cat "$TMP/err"; fails=$((fails + 1))
    elif [ "$want" -ne 0 ] && [ "$(wc -l <"$TMP/err")" -lt 1 ]; then
        echo "FAIL: kwscope $*: no error message"; fails=$((fails + 1))
    elif [ "$want" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
        echo "FAIL: kwscope $*: error is not one line:"; cat "$TMP/err"; fails=$((fails + 1))
    fi
}

expect 0 --help
expect 0 --version
expect 2 frobnicate
expect 2 plot
expect 2 plot --view nope "$CLIP"
expect 2 plot --width 5 "$CLIP"
expect 2 plot --color sometimes "$CLIP"
expect 2 plot --bogus "$CLIP"
expect 1 plot /nonexistent.wav
printf 'not audio at all' >"$TMP/junk.wav"
expect 1 plot "$TMP/junk.wav"
: >"$TMP/empty.wav"
expect 1 plot --view mel "$TMP/empty.wav"
expect 1 /nonexistent.wav            # dashboard: error before curses
expect 1 "$CLIP"                     # dashboard without a terminal
expect 2 --source
expect 0 plot --view wave --width 40 --height 8 "$CLIP"
grep -q "Waveform" "$TMP/out" || { echo "FAIL: plot printed no waveform"; fails=$((fails + 1)); }

echo "cli_errors: $fails failure(s)"
[ $fails -eq 0 ]
