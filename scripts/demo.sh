#!/usr/bin/env bash
# Sets up everything, builds mcpgw and starts it on localhost over Streamable HTTP in front of the
# demo config: server-everything, server-filesystem (reading conf/demo-files) and server-memory.
# MCPGW_DEMO_LISTEN changes the address (default 127.0.0.1:8811).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh </dev/null
dir=$(scripts/build.sh </dev/null)
listen=${MCPGW_DEMO_LISTEN:-127.0.0.1:8811}
cat >&2 <<HINT
mcpgw is starting on http://$listen/mcp in front of conf/demo.json (Ctrl-C stops it).
Connect any MCP client to http://$listen/mcp (Streamable HTTP) or http://$listen/sse (legacy
HTTP+SSE). By hand, from another terminal:
  curl -si http://$listen/mcp -H 'Content-Type: application/json' \\
    -H 'Accept: application/json, text/event-stream' \\
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"me","version":"1"}}}'
  # then repeat with -H 'Mcp-Session-Id: <the id from that answer>' and, e.g.,
  #   -d '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"hi"}}}'
Over stdio, as Claude Desktop runs it:   $dir/mcpgw --config conf/demo.json
The merged tools as OpenAI functions:   $dir/mcpgw tools --config conf/demo.json --format openai
HINT
exec "$dir/mcpgw" --config conf/demo.json --listen "$listen"
