// Upstream credentials: a fixture upstream that answers only authenticated requests, once per
// auth type; OAuth 2.0 client credentials with one token fetch per token lifetime under
// concurrent calls and a refresh after a 401; the downstream caller's key never goes upstream.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { connectGateway, firstText, makeWorkspace, sleep, waitForTools, withGatewayStderr } from "./helpers.mjs";
import { AUTH_SERVER, startFixture } from "./upstream_helpers.mjs";

const CALLER_KEY = "downstream-caller-key-must-not-leak";

const CASES = {
  bearer: {
    env: { AUTH_TOKEN: "bearer-secret-1" },
    auth: { type: "bearer", token: "${UPSTREAM_SECRET}" },
    secret: "bearer-secret-1",
  },
  api_key: {
    env: { AUTH_KEY: "api-key-secret-2", AUTH_HEADER: "X-Custom-Key" },
    auth: { type: "api_key", key: "${UPSTREAM_SECRET}", header: "X-Custom-Key" },
    secret: "api-key-secret-2",
  },
  basic: {
    env: { AUTH_USER: "gateway", AUTH_PASSWORD: "basic-secret-3" },
    auth: { type: "basic", username: "gateway", password: "${UPSTREAM_SECRET}" },
    secret: "basic-secret-3",
  },
};

const stats = async (fixture) => (await fetch(`${fixture.base}/admin/stats`)).json();

/** Starts the fixture and a gateway in front of it; returns {fixture, gw, ws, stop()}. */
async function setUp(mode, fixtureEnv, serverEntry, gatewayEnv) {
  const fixture = await startFixture(AUTH_SERVER, { AUTH_MODE: mode, FORBIDDEN_VALUE: CALLER_KEY, ...fixtureEnv });
  const ws = makeWorkspace(() => ({ up: { type: "http", url: `${fixture.base}/mcp`, ...serverEntry(fixture) } }));
  const gw = await connectGateway(ws.configPath, { env: { MCPGW_API_KEY: CALLER_KEY, ...gatewayEnv } });
  await withGatewayStderr(() => gw, () => waitForTools(gw.client, ["up__whoami"]));
  return {
    fixture, gw, ws,
    async stop() {
      await gw.close();
      await fixture.stop();
      ws.cleanup();
    },
  };
}

describe("static upstream credentials", () => {
  for (const [mode, c] of Object.entries(CASES)) {
    test(`${mode}: the upstream sees the configured credentials and headers, no caller key, no secret in logs`,
      { timeout: 60000 }, async () => {
        const env = { ...c.env, EXTRA_HEADER: "X-Org:acme" };
        const s = await setUp(mode, env, () => ({ auth: c.auth, headers: { "X-Org": "acme" } }), { UPSTREAM_SECRET: c.secret });
        try {
          const result = await s.gw.client.callTool({ name: "up__whoami", arguments: {} });
          assert.equal(firstText(result), `authenticated by ${mode}`);
          const seen = await stats(s.fixture);
          assert.equal(seen.unauthorized, 0);
          assert.equal(seen.forbiddenSeen, false, "the downstream caller's key reached the upstream");
          assert.ok(!s.gw.stderr().includes(c.secret), "a secret reached the gateway's log");
        } finally {
          await s.stop();
        }
      });
  }

  test("a wrong credential is refused and the gateway logs no secret", { timeout: 60000 }, async () => {
    const fixture = await startFixture(AUTH_SERVER, { AUTH_MODE: "bearer", AUTH_TOKEN: "right" });
    const ws = makeWorkspace(() => ({ up: { type: "http", url: `${fixture.base}/mcp`, auth: { type: "bearer", token: "wrong-secret-9" } } }));
    const gw = await connectGateway(ws.configPath);
    try {
      await sleep(1500);
      const { tools } = await gw.client.listTools();
      assert.equal(tools.length, 0);
      assert.ok((await stats(fixture)).unauthorized > 0);
      assert.match(gw.stderr(), /HTTP 401/);
      assert.ok(!gw.stderr().includes("wrong-secret-9"));
    } finally {
      await gw.close();
      await fixture.stop();
      ws.cleanup();
    }
  });
});

describe("OAuth 2.0 client credentials", () => {
  let s;
  const TTL_S = 3;
  after(async () => s?.stop());

  const oauthEntry = (fixture) => ({
    auth: {
      type: "oauth2", client_id: "gw-client", client_secret: "${UPSTREAM_SECRET}",
      token_url: `${fixture.base}/token`, scope: "mcp:tools", audience: "https://up.example",
    },
  });
  const callMany = (n) => Promise.all(Array.from({ length: n }, () =>
    s.gw.client.callTool({ name: "up__whoami", arguments: {} }).then((r) => assert.equal(firstText(r), "authenticated by oauth2"))));

  test("one token fetch per token lifetime under concurrent calls, and a refresh after a 401",
    { timeout: 60000 }, async () => {
      s = await setUp("oauth2", {
        OAUTH_CLIENT_ID: "gw-client", OAUTH_CLIENT_SECRET: "oauth-secret-4", TOKEN_TTL_S: String(TTL_S),
      }, oauthEntry, { UPSTREAM_SECRET: "oauth-secret-4" });
      await withGatewayStderr(() => s.gw, async () => {
        let seen = await stats(s.fixture);
        assert.equal(seen.fetches, 1, "initialize and the lists share one token");
        assert.equal(seen.lastScope, "mcp:tools");
        assert.equal(seen.lastAudience, "https://up.example");

        await callMany(20);
        assert.equal((await stats(s.fixture)).fetches, 1, "concurrent calls within the lifetime fetch nothing");

        await sleep(TTL_S * 1000);  // the token is now past its refresh point
        await callMany(20);
        seen = await stats(s.fixture);
        assert.equal(seen.fetches, 2, "20 concurrent calls after expiry share one fetch");
        assert.equal(seen.unauthorized, 0, "the token was refreshed before it expired");

        await fetch(`${s.fixture.base}/admin/revoke`, { method: "POST" });
        await callMany(1);
        seen = await stats(s.fixture);
        assert.equal(seen.unauthorized, 1, "the revoked token got one 401");
        assert.equal(seen.fetches, 3, "the 401 fetched a fresh token and the call was retried");
        assert.equal(seen.forbiddenSeen, false);
        assert.ok(!s.gw.stderr().includes("oauth-secret-4"));
        assert.ok(!/token-\d+-/.test(s.gw.stderr()), "an access token reached the log");
      });
    });
});
