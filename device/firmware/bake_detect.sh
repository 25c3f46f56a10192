#!/bin/sh
# bake_detect.sh: a model's calibrated detector settings (its sidecar,
# MODEL.detect, written by `kwscope calibrate`; models/detect_config.c) as a C
# header of four #defines, which the firmware builds compile in: the sketch
# includes it as model_detect.h beside model_data.h, the emulated board's
# build.sh generates it for the model it bakes. Without a sidecar the header
# holds micro_speech's defaults, so a build always has one.
#
# usage: device/firmware/bake_detect.sh MODEL.detect|- > model_detect.h
#   (a missing file or "-": micro_speech's defaults)
set -eu
[ $# -eq 1 ] || { echo "usage: $0 MODEL.detect > model_detect.h" >&2; exit 2; }
threshold=200 window_ms=1000 suppression_ms=1500 min_count=3 from="micro_speech's defaults (no sidecar)"
if [ "$1" != - ] && [ -f "$1" ]; then
    from=$(basename "$1")
    line=0
    # the sidecar's grammar: "key integer" lines, # comments, blank lines
    while IFS= read -r l || [ -n "$l" ]; do
        line=$((line + 1))
        l=$(printf '%s' "${l%%#*}" | tr -d '\r')   # CRLF sidecars too
        set -f
        # shellcheck disable=SC2086
        set -- $l
        set +f
        [ $# -eq 0 ] && continue
        case "$#:$1:$2" in
        2:threshold:*|2:window_ms:*|2:suppression_ms:*|2:min_count:*) ;;
        *) echo "$from line $line: want 'threshold|window_ms|suppression_ms|min_count INTEGER'" >&2; exit 1 ;;
        esac
        case "$2" in ''|*[!0-9]*) echo "$from line $line: $1 is not a non-negative integer" >&2; exit 1 ;; esac
        [ ${#2} -le 6 ] || { echo "$from line $line: $1 $2 out of range" >&2; exit 1; }
        v=$(echo "$2" | sed 's/^0*\(.\)/\1/')   # no leading zeros: not octal in C
        eval "$1=$v"
    done < "$1"
fi
bad() { echo "$from: $1" >&2; exit 1; }
if [ "$threshold" -gt 255 ]; then bad "threshold $threshold outside 0..255"; fi
if [ "$window_ms" -gt 600000 ] || [ "$suppression_ms" -gt 600000 ]; then
    bad "window_ms and suppression_ms are 0..600000"
fi
if [ "$min_count" -lt 1 ] || [ "$min_count" -gt 128 ]; then bad "min_count $min_count outside 1..128"; fi
cat <<H
/* model_detect.h: the keyword detector settings baked into the firmware,
 * from $from by device/firmware/bake_detect.sh; do not edit. */
#define KWS_DETECT_THRESHOLD $threshold
#define KWS_DETECT_WINDOW_MS $window_ms
#define KWS_DETECT_SUPPRESSION_MS $suppression_ms
#define KWS_DETECT_MIN_COUNT $min_count
H
