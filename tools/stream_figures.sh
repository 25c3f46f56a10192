#!/bin/sh
# tools/stream_figures.sh MODEL DIR [classify options...]: the streaming
# figures of assets/MODEL.md: `kwscope classify` over every labelled stream
# in DIR (NAME.wav with NAME.txt), grouped by the SNR in the file name
# (..._snrN.wav), then all together. The detector settings are the model's
# sidecar (M.detect) unless options say otherwise.
set -eu
k=${KWSCOPE_BIN:-build/kwscope}
model=$1 dir=$2
shift 2
for snr in $(ls "$dir" | sed -n 's/.*_snr\([0-9]*\)\.wav$/\1/p' | sort -rn | uniq); do
    echo "== SNR $snr dB"
    "$k" classify --model "$model" "$@" "$dir"/*_snr"$snr".wav | sed -n '/^all streams/,$p'
done
echo "== all SNRs"
"$k" classify --model "$model" "$@" "$dir"/*.wav | sed -n '/^all streams/,$p'
