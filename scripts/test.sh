#!/usr/bin/env bash
# Sets up everything and runs every test (unit and end-to-end) in a build with
# AddressSanitizer and UndefinedBehaviorSanitizer, so memory errors fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
dir=$(scripts/build.sh --sanitize)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$dir" --output-on-failure --timeout 900 --parallel "$(nproc)"
