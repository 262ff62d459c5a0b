#!/usr/bin/env bash
# Sets up everything, builds mcpgw and starts it over stdio in front of the demo config:
# server-everything, server-filesystem (reading conf/demo-files) and server-memory.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh </dev/null  # stdin is the client's: keep it for the gateway
dir=$(scripts/build.sh </dev/null)
cat >&2 <<HINT
mcpgw is serving MCP on stdin/stdout in front of conf/demo.json. Try typing:
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"me","version":"1"}}}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"hi"}}}
Ctrl-D ends the session. To list the merged tools as OpenAI functions instead:
  $dir/mcpgw tools --config conf/demo.json --format openai
HINT
exec "$dir/mcpgw" --config conf/demo.json
