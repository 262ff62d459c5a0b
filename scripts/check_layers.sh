#!/usr/bin/env bash
# Fails when an #include points against the dependency direction
# protocol <- upstream, policy <- proxy (DESIGN.md §2). Prints each offending line.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
forbid() {  # folder, pattern of includes it may not have
  if grep -nE "#include \"($2)/" "$1"/*.h "$1"/*.cc 2>/dev/null; then
    echo "check_layers: $1/ may not include $2/" >&2
    status=1
  fi
}
forbid protocol 'upstream|policy|proxy'
forbid upstream 'policy|proxy'
forbid policy 'upstream|proxy'
if grep -nE '#include <httplib.h>' protocol/* policy/* 2>/dev/null; then
  echo "check_layers: protocol/ and policy/ stay free of httplib" >&2
  status=1
fi
[ $status -eq 0 ] && echo "1 passed, 0 failed"
exit $status
