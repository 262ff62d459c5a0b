-- wrk script: every request is an MCP tools/call over Streamable HTTP, checked for a real tool
-- result. Environment:
--   MCP_TOOLS    comma-separated tool names; requests cycle through them (required)
--   MCP_SESSION  Mcp-Session-Id to send (optional; stateless servers need none)
--   MCP_VERSION  MCP-Protocol-Version header (default 2025-06-18). A modern revision (2026-07-28
--                on) makes every request stateless, as that revision has it: the version, client
--                info and capabilities in params._meta, and the Mcp-Method and Mcp-Name headers
-- Prints one line: RESULT {"requests":...,"duration_s":...,"rps":...,"p50_us":...,"p99_us":...,"errors":...}
--   wrk -t2 -c16 -d5s --latency -s bench/wrk_call.lua http://127.0.0.1:PORT/mcp

local tools = {}
for name in string.gmatch(os.getenv("MCP_TOOLS") or "", "[^,%s]+") do
  tools[#tools + 1] = name
end
if #tools == 0 then
  io.stderr:write("wrk_call.lua: set MCP_TOOLS to a comma-separated list of tool names\n")
  os.exit(2)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local version = os.getenv("MCP_VERSION") or "2025-06-18"
local modern = version >= "2026-07-28"
wrk.headers["MCP-Protocol-Version"] = version
if modern then wrk.headers["Mcp-Method"] = "tools/call" end
local session = os.getenv("MCP_SESSION")
if session and session ~= "" then
  wrk.headers["Mcp-Session-Id"] = session
end

-- Tool names are sent as JSON strings.
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end
local quoted = {}
for i, name in ipairs(tools) do quoted[i] = json_string(name) end

-- Main Lua state: one entry per thread, numbered from 1.
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_no", #threads)
end

-- Thread Lua states (each has its own copy of these globals).
thread_no = 0
sent = 0
failures = 0  -- answered, but not with a real tool result (statuses >= 400 are wrk's own errors)

local meta = ""
if modern then
  meta = string.format(',"_meta":{"io.modelcontextprotocol/protocolVersion":%s,'
    .. '"io.modelcontextprotocol/clientInfo":{"name":"wrk","version":"1"},'
    .. '"io.modelcontextprotocol/clientCapabilities":{}}', json_string(version))
end

function request()
  sent = sent + 1
  local id = thread_no * 1000000000 + sent  -- unique across threads
  local at = (sent - 1) % #quoted + 1
  local body = string.format(
    '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%s,"arguments":{"text":"hi"}%s}}',
    id, quoted[at], meta)
  if modern then wrk.headers["Mcp-Name"] = tools[at] end
  return wrk.format(nil, nil, nil, body)
end

-- A JSON body, or the data of the events of an SSE body.
local function payload(body)
  if not body then return "" end
  if body:find("^%s*[%[{]") then return body end
  local data = {}
  for line in body:gmatch("[^\r\n]+") do
    local value = line:match("^data:%s?(.*)$")
    if value then data[#data + 1] = value end
  end
  return table.concat(data, "\n")
end

local function real_result(body)
  local json = payload(body)
  return json:find('"result"', 1, true) ~= nil
    and json:find('"content"', 1, true) ~= nil
    and json:find('"error"', 1, true) == nil
    and json:find('"isError"%s*:%s*true') == nil
end

function response(status, headers, body)
  if status >= 400 then return end  -- counted by wrk in summary.errors.status
  if status ~= 200 or not real_result(body) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local checks = 0
  for _, thread in ipairs(threads) do
    checks = checks + (tonumber(thread:get("failures")) or 0)
  end
  local e = summary.errors
  local errors = checks + e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_us":%d,"p99_us":%d,"errors":%d,'
      .. '"error_kinds":{"check":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), errors,
    checks, e.connect, e.read, e.write, e.status, e.timeout))
end
