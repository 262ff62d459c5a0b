#!/usr/bin/env bash
# Installs everything mcpgw needs on a fresh Debian 12 machine, as root and without prompts:
# the build toolchain and libraries from Debian, and (with --test-fixtures) the real MCP servers
# and client from npm that the demo and the tests run. Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libcpp-httplib-dev nlohmann-json3-dev libssl-dev
          libcli11-dev libfmt-dev doctest-dev libboost-dev
          libvalijson-dev json-schema-test-suite libre2-dev
          wrk                       # the benchmark's load generator (its smoke run is a test)
          python3-prometheus-client)  # the e2e tests parse /metrics with it
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The npm packages are pinned by package-lock.json; reinstall only when the lock file changed.
stamp=node_modules/.mcpgw-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi
