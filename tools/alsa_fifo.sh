# tools/alsa_fifo.sh: a "microphone" for the live tests and benchmarks
# (sourced, POSIX sh). PortAudio opens ALSA's default PCM, which an ALSA
# config of ours makes the file plugin reading a FIFO; a pacer fills the FIFO
# with raw 16 kHz mono s16 at 32,000 bytes/s. The file plugin reads its
# infile in whatever format the PCM was opened with, and over the unpaced
# null slave it drains faster than real time, so callers count samples or
# bytes, never seconds.
#
#   alsa_fifo_conf INFILE CONF   CONF := default PCM reads INFILE (a file or FIFO)
#   alsa_fifo_start RAW DIR      DIR/fifo + DIR/alsa.conf, pacer looping RAW;
#                                sets ALSA_FIFO_CONFIG (for ALSA_CONFIG_PATH)
#                                and alsa_fifo_pid
#   alsa_fifo_stop               ends the pacer (if any)
# It sources tools/wait.sh (wait_until, file_has_bytes) for its callers.
# Callers set KWSCOPE_SOURCE_DIR (meson's test environment does).

. "${KWSCOPE_SOURCE_DIR:?}/tools/wait.sh"
alsa_fifo_pid=""
ALSA_FIFO_CONFIG=""

alsa_fifo_conf() {
    printf 'pcm.!default { type file; slave.pcm "null"; file "/dev/null"; infile "%s"; format "raw" }\n' \
        "$1" > "$2"
}

# The pacer writes RAW over and over, 640 bytes (320 samples) every 10 ms
# against absolute deadlines, so a late wake-up catches up instead of
# drifting, and a slow test never finds the FIFO at its end. PortAudio may
# open and close the device while probing: on a broken pipe the pacer starts
# again from the first sample with the next reader, so what the final reader
# gets always starts with RAW.
alsa_fifo_pacer='
import os, sys, time
data = open(sys.argv[1], "rb").read()
while True:
    fd = os.open(sys.argv[2], os.O_WRONLY)
    t = time.monotonic()
    try:
        while True:
            for i in range(0, len(data), 640):
                os.write(fd, data[i:i + 640])
                t += 0.01
                time.sleep(max(0.0, t - time.monotonic()))
    except BrokenPipeError:
        os.close(fd)
'

alsa_fifo_start() {
    mkfifo "$2/fifo" || return 1
    alsa_fifo_conf "$2/fifo" "$2/alsa.conf"
    ALSA_FIFO_CONFIG="/usr/share/alsa/alsa.conf:$2/alsa.conf"
    /usr/bin/python3 -c "$alsa_fifo_pacer" "$1" "$2/fifo" &
    alsa_fifo_pid=$!
}

alsa_fifo_stop() {
    [ -n "$alsa_fifo_pid" ] || return 0
    kill "$alsa_fifo_pid" 2>/dev/null
    wait "$alsa_fifo_pid" 2>/dev/null
    alsa_fifo_pid=""
}
