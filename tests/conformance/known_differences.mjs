// Where mcpgw in front of a reference server may score less than the reference directly
// (run.mjs, run_next.mjs), each with the reason it is not the gateway's to fix. An entry covers one check
// of a scenario (check: its id) or, without check, the whole scenario; every other check that
// scores less still fails the test.
// target: gateway-http (the reference over Streamable HTTP) or gateway-stdio (its stdio variant,
// which speaks the legacy revisions only); requirements: the suite's --requirements revision, or
// "0.1.16" for the released suite's --suite all run (run.mjs).
const SERVER_REQUESTS_IN_MODERN_ERA =
  "the reference lists only 2026-07-28 in server/discover, so the gateway speaks to it in that era, where its legacy-style tools cannot send the client a request (they get -32601); directly, a 2025-11-25 client reaches its legacy path";

const LEGACY_VARIANT =
  "the stdio variant speaks the legacy revisions only, and the reference offers this scenario's tools (the multi round-trip, diagnostic and task tools) on its 2026-07-28 HTTP path alone: through the gateway they do not exist";
const UNLISTED_TOOLS =
  "the scenario calls a tool the reference does not list (test_trigger_tool_change, test_trigger_prompt_change); the gateway routes only what its merged lists hold";
const TASK_TOOLS_UNLISTED =
  "the reference lists its task tools (greet, slow_compute) only to a client that declares the tasks extension, and the gateway's own connection, which makes the merged lists, does not declare it";
const TWO_JSON_TEXTS =
  "the reference answers test_streaming_elicitation with two JSON texts in one application/json body, which is not one JSON-RPC message: the gateway refuses it as unreadable (-32001)";

export const KNOWN_DIFFERENCES = [
  {
    scenario: "tools-call-sampling", requirements: "2025-11-25", target: "gateway-http",
    why: SERVER_REQUESTS_IN_MODERN_ERA,
  },
  {
    scenario: "tools-call-elicitation", requirements: "2025-11-25", target: "gateway-http",
    why: SERVER_REQUESTS_IN_MODERN_ERA,
  },
  {
    scenario: "elicitation-sep1034-defaults", requirements: "2025-11-25", target: "gateway-http",
    why: SERVER_REQUESTS_IN_MODERN_ERA,
  },
  {
    scenario: "elicitation-sep1330-enums", requirements: "2025-11-25", target: "gateway-http",
    why: SERVER_REQUESTS_IN_MODERN_ERA,
  },
  {
    scenario: "server-sse-polling", requirements: "2025-11-25", target: "gateway-http", check: "server-sse-disconnect-resume",
    why: "the gateway speaks 2026-07-28 to the reference, an era without resumable streams, where its test_reconnection answers at once on the request's own stream: there is no closed upstream stream for the gateway to pass on",
  },
  {
    scenario: "server-sse-polling", requirements: "2025-11-25", target: "gateway-stdio", check: "server-sse-disconnect-resume",
    why: "the stdio variant's test_reconnection answers at once, as it has no HTTP stream to close, so there is no closed upstream stream for the gateway to pass on",
  },
  { scenario: "server-stateless", requirements: "2026-07-28", target: "gateway-http", check: "sep-2575-server-sends-prompts-list-changed-on-subscription", why: UNLISTED_TOOLS },
  { scenario: "server-stateless", requirements: "2026-07-28", target: "gateway-http", check: "sep-2575-server-sends-tools-list-changed-on-subscription", why: UNLISTED_TOOLS },
  { scenario: "server-stateless", requirements: "2026-07-28", target: "gateway-http", check: "sep-2575-http-server-no-independent-requests-on-stream", why: TWO_JSON_TEXTS },
  { scenario: "server-stateless", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "tasks-lifecycle", requirements: "2026-07-28", target: "gateway-http", check: "tasks-sync-tool-call", why: TASK_TOOLS_UNLISTED },
  { scenario: "tasks-lifecycle", requirements: "2026-07-28", target: "gateway-stdio", check: "tasks-sync-tool-call", why: LEGACY_VARIANT },
  { scenario: "tasks-capability-negotiation", requirements: "2026-07-28", target: "gateway-http", check: "sep-2663-server-rejects-undeclared-client", why: TASK_TOOLS_UNLISTED },
  { scenario: "tasks-capability-negotiation", requirements: "2026-07-28", target: "gateway-stdio", check: "sep-2663-server-rejects-undeclared-client", why: LEGACY_VARIANT },
  { scenario: "tasks-dispatch-and-envelope", requirements: "2026-07-28", target: "gateway-http", check: "tasks-immediate-result-shortcut", why: TASK_TOOLS_UNLISTED },
  { scenario: "tasks-dispatch-and-envelope", requirements: "2026-07-28", target: "gateway-stdio", check: "tasks-immediate-result-shortcut", why: LEGACY_VARIANT },
  { scenario: "input-required-result-basic-elicitation", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-basic-sampling", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-basic-list-roots", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-request-state", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-multiple-input-requests", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-multi-round", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-missing-input-response", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-non-tool-request", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-result-type", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-tampered-state", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-capability-check", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
  { scenario: "input-required-result-ignore-extra-params", requirements: "2026-07-28", target: "gateway-stdio", why: LEGACY_VARIANT },
];

/** The known differences of `scenario` through `target` under `requirements`: [{ check, why }]. */
export function knownDifferences(scenario, requirements, target) {
  return KNOWN_DIFFERENCES.filter((d) => d.scenario === scenario && d.requirements === requirements && d.target === target);
}
