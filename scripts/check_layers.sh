#!/usr/bin/env bash
# Fails when an #include points against the dependency direction; prints each offending line.
# Libraries: protocol <- upstream, policy <- proxy. Inside proxy/, each folder may include only
# the folders before it: routing <- config <- access <- observe <- session <- http <- admin <- app.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
forbid() {  # files, pattern of include paths they may not have, what the rule says
  local files=$1 pattern=$2 rule=$3
  # shellcheck disable=SC2086
  if grep -nE "#include \"($pattern)/" $files 2>/dev/null; then
    echo "check_layers: $rule" >&2
    status=1
  fi
}
forbid "protocol/*.h protocol/*.cc" 'upstream|policy|proxy' "protocol/ may not include upstream/, policy/ or proxy/"
forbid "upstream/*.h upstream/*.cc" 'policy|proxy' "upstream/ may not include policy/ or proxy/"
forbid "policy/*.h policy/*.cc" 'upstream|proxy' "policy/ may not include upstream/ or proxy/"

folders=(routing config access observe session http admin app)
for ((i = 0; i < ${#folders[@]}; i++)); do
  later=$(printf "proxy/%s|" "${folders[@]:i+1}")
  later=${later%|}
  [ -n "$later" ] || continue
  forbid "proxy/${folders[i]}/*.h proxy/${folders[i]}/*.cc" "$later" \
    "proxy/${folders[i]}/ may include only proxy/ folders before it (${folders[*]:0:i})"
done
unknown=$(find proxy -mindepth 1 -type d | sed 's#^proxy/##' | grep -vxE "$(IFS='|'; echo "${folders[*]}")")
if [ -n "$unknown" ] || ls proxy/*.h proxy/*.cc >/dev/null 2>&1; then
  echo "check_layers: every proxy/ source sits in one of: ${folders[*]} (found ${unknown:-files at the top})" >&2
  status=1
fi
if grep -nE '#include <httplib.h>' protocol/* policy/* 2>/dev/null; then
  echo "check_layers: protocol/ and policy/ stay free of httplib" >&2
  status=1
fi
[ $status -eq 0 ] && echo "1 passed, 0 failed"
exit $status
