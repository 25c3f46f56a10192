#!/bin/sh
# tools/update_goldens.sh: rewrite tests/tui/golden/ from the current build.
# Look at the new pictures (cat them in a terminal) before committing.
set -eu
cd "$(dirname "$0")/.."
meson compile -C build
KWSCOPE_BIN=$PWD/build/kwscope KWSCOPE_SOURCE_DIR=$PWD /usr/bin/python3 tests/tui/plot_golden.py --update
