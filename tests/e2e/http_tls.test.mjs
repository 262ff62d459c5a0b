// TLS from a configured certificate and key: a self-signed pair made by `openssl req` for the test.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { connectGateway, firstText, makeWorkspace, upstreams, waitFor, waitForTools } from "./helpers.mjs";
import { initializeRequest, JSON_AND_SSE, startHttpGateway } from "./http_helpers.mjs";

function httpsPost(url, body, ca) {
  return new Promise((resolve, reject) => {
    const headers = { "Content-Type": "application/json", Accept: JSON_AND_SSE };
    const req = https.request(url, { method: "POST", headers, ca }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("HTTPS with gateway.tls_cert and gateway.tls_key", () => {
  let ws;
  let gw;
  let cert;
  before(async () => {
    ws = makeWorkspace(() => ({ faulty: upstreams.faulty() }));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(ws.dir, "key.pem"), "-out", path.join(ws.dir, "cert.pem")],
    { stdio: "ignore" });
    cert = fs.readFileSync(path.join(ws.dir, "cert.pem"));
    const config = JSON.parse(fs.readFileSync(ws.configPath, "utf8"));
    config.gateway = { ...config.gateway, tls_cert: "cert.pem", tls_key: "key.pem" };  // relative to the config
    fs.writeFileSync(ws.configPath, JSON.stringify(config));
    gw = await startHttpGateway(ws.configPath);
  });
  after(() => {
    gw?.kill();
    ws?.cleanup();
  });

  test("serves initialize over https and logs an https URL", async () => {
    assert.match(gw.url, /^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const res = await httpsPost(gw.url, initializeRequest(), cert);
    assert.equal(res.status, 200);
    assert.ok(res.headers["mcp-session-id"]);
    assert.equal(JSON.parse(res.text).result.serverInfo.name, "mcpgw");
  });

  test("a missing key file stops start-up with a reason", async () => {
    const config = JSON.parse(fs.readFileSync(ws.configPath, "utf8"));
    config.gateway.tls_key = "missing.pem";
    const bad = path.join(ws.dir, "bad.json");
    fs.writeFileSync(bad, JSON.stringify(config));
    await assert.rejects(startHttpGateway(bad), /cannot load the TLS certificate/);
  });
});

// A second mcpgw reaches the first as an https upstream: the upstream side's tls_verify and
// ca_file, checked against a real TLS server.
describe("an https upstream: tls_verify and ca_file", () => {
  let front;
  let tlsGateway;
  let certPath;
  const gateways = [];

  before(async () => {
    front = makeWorkspace(() => ({ faulty: upstreams.faulty() }));
    certPath = path.join(front.dir, "cert.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(front.dir, "key.pem"), "-out", certPath],
    { stdio: "ignore" });
    const config = JSON.parse(fs.readFileSync(front.configPath, "utf8"));
    config.gateway = { ...config.gateway, tls_cert: "cert.pem", tls_key: "key.pem" };
    fs.writeFileSync(front.configPath, JSON.stringify(config));
    tlsGateway = await startHttpGateway(front.configPath);
  });
  after(async () => {
    for (const { gw, ws } of gateways) {
      await gw.close();
      ws.cleanup();
    }
    tlsGateway?.kill();
    front?.cleanup();
  });

  async function connectThrough(upstream) {
    const ws = makeWorkspace(() => ({ remote: { type: "http", url: tlsGateway.url, timeout_ms: 5000, ...upstream } }));
    const gw = await connectGateway(ws.configPath);
    gateways.push({ gw, ws });
    return gw;
  }

  test("with ca_file naming the server's certificate, calls go through", { timeout: 60000 }, async () => {
    const gw = await connectThrough({ ca_file: certPath });
    await waitForTools(gw.client, ["remote__faulty__echo"], 30000);
    const result = await gw.client.callTool({ name: "remote__faulty__echo", arguments: { text: "over tls" } });
    assert.match(firstText(result), /over tls/);
  });

  test("without the CA the certificate is refused and nothing is listed", { timeout: 60000 }, async () => {
    const gw = await connectThrough({});
    await waitFor(() => /upstream 'remote': HTTP SSLServerVerification/.test(gw.stderr()), 20000, "a refused certificate");
    const { tools } = await gw.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), []);
  });

  test("tls_verify false accepts the self-signed certificate", { timeout: 60000 }, async () => {
    const gw = await connectThrough({ tls_verify: false });
    await waitForTools(gw.client, ["remote__faulty__echo"], 30000);
  });
});
