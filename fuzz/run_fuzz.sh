#!/bin/sh
# run_fuzz.sh BIN SEED_DIR WORK_DIR SECONDS [DICT]: a time-limited libFuzzer run that
# reads the committed seeds but writes new inputs (and any crash) under
# WORK_DIR in the build folder, never into the source tree.
set -eu
bin=$1 seeds=$2 work=$3 secs=$4 dict=${5:-}
mkdir -p "$work/corpus"
set --
[ -n "$dict" ] && set -- -dict="$dict"
exec "$bin" "$@" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" "$seeds"
