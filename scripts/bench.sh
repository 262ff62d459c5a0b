#!/usr/bin/env bash
# Sets up everything, builds mcpgw and the benchmark's programs (release, with debug info) and
# runs the benchmark (README "Performance"): writes bench/results.md and prints it.
# Arguments go to bench/run.mjs, e.g. --rounds 5 --seconds 10, or --smoke.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
dir=$(scripts/build.sh)
exec node bench/run.mjs --build "$dir" "$@"
