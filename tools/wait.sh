# tools/wait.sh: waiting on conditions in the shell tests and benchmarks
# (sourced, POSIX sh). Tests wait for what they check, never for a fixed
# time: deadlines are generous and only bound a hang, because the suite runs
# on loaded machines and under ASan.
#   wait_until SECS CMD...       runs CMD every 0.1 s until it succeeds (0) or
#                                SECS of wall time pass (1)
#   file_bytes PATH              size in bytes (0 when PATH is missing)
#   file_has_bytes PATH N        PATH exists and holds >= N bytes

wait_until() {
    _wu_end=$(($(date +%s) + $1))
    shift
    while :; do
        "$@" && return 0
        [ "$(date +%s)" -lt $_wu_end ] || return 1
        sleep 0.1
    done
}

file_bytes() { if [ -e "$1" ]; then wc -c < "$1" | tr -d ' '; else echo 0; fi; }
file_has_bytes() { [ "$(file_bytes "$1")" -ge "$2" ]; }
