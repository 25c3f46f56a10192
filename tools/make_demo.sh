#!/bin/sh
# make_demo.sh: regenerate assets/demo.wav, the bundled demo clip: a synthetic
# voice (espeak-ng) saying "yes", ~0.8 s of silence, then "no", as 16 kHz mono
# 16-bit PCM WAV (the analysis format), padded with short silences and
# normalised to -3 dBFS peak (sox -D: no dither). Reruns may differ in a few
# LSBs; the committed file is the reference. Needs espeak-ng and sox.
# Usage: tools/make_demo.sh [OUT.wav]   (default: assets/demo.wav)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/assets/demo.wav}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# -s 140 words/min; voice "en-us"; espeak-ng writes 22050 Hz mono WAV.
espeak-ng -v en-us -s 140 -w "$tmp/yes.wav" "yes"
espeak-ng -v en-us -s 140 -w "$tmp/no.wav" "no"
for w in yes no; do
    # trim espeak's leading/trailing silence, convert to the analysis format
    sox -D "$tmp/$w.wav" -r 16000 -c 1 -b 16 "$tmp/${w}16.wav" \
        silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse
done
sox -n -r 16000 -c 1 -b 16 "$tmp/gap.wav" trim 0 0.8
sox -n -r 16000 -c 1 -b 16 "$tmp/pad.wav" trim 0 0.3
sox -D "$tmp/pad.wav" "$tmp/yes16.wav" "$tmp/gap.wav" "$tmp/no16.wav" "$tmp/pad.wav" \
    -r 16000 -c 1 -b 16 -e signed-integer "$tmp/all.wav"
sox -D "$tmp/all.wav" -r 16000 -c 1 -b 16 -e signed-integer "$out" gain -n -3
soxi "$out" >&2
