# tmux_lib.sh: helpers for the tmux end-to-end tests (sourced). The caller
# sets T (the tmux command with its own socket) and S (the session name) and
# counts failures in $fails. wait_until and file_has_bytes: tools/wait.sh.
. "${KWSCOPE_SOURCE_DIR:?}/tools/wait.sh"
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
