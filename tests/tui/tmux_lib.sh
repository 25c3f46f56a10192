# tmux_lib.sh: helpers for the tmux end-to-end tests (sourced). The caller
# sets T (the tmux command with its own socket) and S (the session name) and
# counts failures in $fails.
screen() { $T capture-pane -p -t "$S"; }
fail() { echo "FAIL: $*"; echo "---- screen ----"; screen; echo "----------------"; fails=$((fails + 1)); }

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
    i=0
    while [ $i -lt $((${2:-5} * 10)) ]; do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "screen never showed '$1'"
    return 1
}
wait_gone() {
    i=0
    while [ $i -lt 50 ]; do
        screen | grep -qF -- "$1" || return 0
        sleep 0.1
        i=$((i + 1))
    done
    fail "screen still shows '$1'"
}
keys() { $T send-keys -t "$S" "$@"; sleep 0.15; }
