#!/usr/bin/env bash
# Builds mcpgw into build/ (release) or, with --sanitize, into build-asan/ with
# -fsanitize=address,undefined. Prints the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build type=RelWithDebInfo sanitize=OFF
if [ "${1:-}" = "--sanitize" ]; then dir=build-asan type=Debug sanitize=ON; fi
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DMCPGW_SANITIZE="$sanitize" >/dev/null
cmake --build "$dir" -j"$(nproc)" >&2
echo "$dir"
