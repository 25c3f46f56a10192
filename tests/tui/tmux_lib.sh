# tmux_lib.sh: helpers for the tmux end-to-end tests (sourced). The caller
# sets T (the tmux command with its own socket) and S (the session name), or
# has tmux_test_setup set them, and counts failures in $fails. wait_until and
# file_has_bytes: tools/wait.sh.
. "${KWSCOPE_SOURCE_DIR:?}/tools/wait.sh"

# tmux_test_setup NAME [alsa]: skips (77) without tmux; else session S=NAME
# on a tmux server of its own (T), a scratch folder $tmp, fails=0, and on exit
# the server killed and $tmp removed. With "alsa", tools/alsa_fifo.sh is
# sourced and its pacer stopped on exit too. ASan's leak check is off: the
# dashboard dlopens ALSA/JACK plugins that keep their allocations.
tmux_test_setup() {
    command -v tmux >/dev/null || { echo "skipped: tmux is not installed"; exit 77; }
    S=$1
    tmp=$(mktemp -d "/tmp/kws_${1}_XXXXXX")
    T="tmux -L kwscope-$1-$$ -f /dev/null"
    if [ "${2:-}" = alsa ]; then
        . "$KWSCOPE_SOURCE_DIR/tools/alsa_fifo.sh"
        trap '$T kill-server 2>/dev/null; alsa_fifo_stop; rm -rf "$tmp"' EXIT
    else
        trap '$T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
    fi
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    fails=0
}
screen() { $T capture-pane -p -t "$S"; }
fail() { echo "FAIL: $*"; echo "---- screen ----"; screen; echo "----------------"; fails=$((fails + 1)); }

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string). The
# deadlines (30 s unless given) only bound a hang: the suite runs on loaded
# machines and under ASan, where a redraw can take seconds.
wait_for() {
    _end=$(($(date +%s) + ${2:-30}))
    while :; do
        screen | grep -qF -- "$1" && return 0
        [ "$(date +%s)" -lt $_end ] || break
        sleep 0.1
    done
    fail "screen never showed '$1'"
    return 1
}
wait_gone() {
    _end=$(($(date +%s) + 30))
    while :; do
        screen | grep -qF -- "$1" || return 0
        [ "$(date +%s)" -lt $_end ] || break
        sleep 0.1
    done
    fail "screen still shows '$1'"
}
keys() { $T send-keys -t "$S" "$@"; sleep 0.15; }
