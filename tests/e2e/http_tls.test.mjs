// TLS from a configured certificate and key: a self-signed pair made by `openssl req` for the test.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { makeWorkspace, upstreams } from "./helpers.mjs";
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
