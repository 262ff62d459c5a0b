// Calls the reference's test_reconnection tool with the official SDK client over Streamable HTTP
// and times the answer. The reference closes the call's SSE stream right after its priming event
// and sends the result on the stream the client resumes (GET with Last-Event-ID) after the retry
// interval it announced; the conformance scenario server-sse-polling only looks at headers, so
// this is the check that a server's result really arrives after such a close.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { withTimeout } from "./children.mjs";

export const RECONNECTION_TEXT = "Reconnection test completed successfully";

/**
 * Connects to `url`, calls test_reconnection and returns { ms, text, isError } or { ms, error,
 * silent } when no result arrived within `boundMs` (silent) or an error did. Always closes the
 * client.
 */
export async function timeReconnection(url, boundMs) {
  const client = new Client({ name: "mcpgw-conformance", version: "1.0.0" }, { capabilities: {} });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const started = performance.now();
  try {
    await withTimeout(client.connect(transport), 15000, `connect to ${url}`);
    const callStarted = performance.now();
    try {
      const result = await withTimeout(
        client.callTool({ name: "test_reconnection", arguments: {} }, undefined, { timeout: boundMs }),
        boundMs + 1000, "test_reconnection");
      const text = (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
      return { ms: performance.now() - callStarted, text, isError: result.isError === true };
    } catch (e) {
      // silent: no answer at all came (the SDK's own request timeout, or ours), as opposed to an error answer
      const silent = /^timed out after \d+ ms: test_reconnection$/.test(e.message) ||
        (e.code === -32001 && e.data?.timeout !== undefined);
      return { ms: performance.now() - callStarted, error: e.message, silent };
    }
  } catch (e) {
    return { ms: performance.now() - started, error: e.message, connectFailed: true };
  } finally {
    await withTimeout(client.close(), 5000, "client.close()").catch(() => {});
  }
}
