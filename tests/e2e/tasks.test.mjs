// Tasks (2025-11-25, experimental) through the gateway, with server-everything's task tool
// simulate-research-query (execution.taskSupport "required") and the official SDK client's
// experimental task API: the client sees only ids the gateway minted, and one key can neither
// get, cancel, wait for nor list another key's task.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  TaskStatusNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { connectGateway, expectMcpError, makeWorkspace, upstreams, waitFor, waitForTools, withTimeout } from "./helpers.mjs";
import { startHttpGateway } from "./http_helpers.mjs";

const TOOL = "everything__simulate-research-query";
const TASKS_CAPABILITY = { list: {}, cancel: {}, requests: { tools: { call: {} } } };
const KEYS = { alice: "alice-secret-key-1", bob: "bob-secret-key-2" };
const hash = (key) => `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;

// Runs the task tool as the SDK does for a tool that requires a task: create, poll tasks/get,
// then tasks/result. Returns the messages the stream yielded.
async function runTask(client, topic) {
  const messages = [];
  const stream = client.experimental.tasks.callToolStream({ name: TOOL, arguments: { topic } });
  for await (const message of stream) messages.push(message);
  return messages;
}

// The notifications/tasks/status a client receives, as they come.
function statusesOf(client) {
  const statuses = [];
  client.setNotificationHandler(TaskStatusNotificationSchema, (n) => statuses.push(n.params));
  return statuses;
}

// Creates a task with a raw task-augmented tools/call; returns the CreateTaskResult.
function createTask(client, topic) {
  return client.request(
    { method: "tools/call", params: { name: TOOL, arguments: { topic }, task: { ttl: 60000 } } },
    CreateTaskResultSchema,
  );
}

describe("tasks over stdio", () => {
  let ws;
  let gw;
  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
    gw = await connectGateway(ws.configPath);
  });
  after(async () => {
    await gw?.close();
    ws?.cleanup();
  });

  test("the gateway offers tasks for tools/call, and a task runs to its result under a gateway id", { timeout: 60000 }, async () => {
    assert.deepEqual(gw.client.getServerCapabilities().tasks, TASKS_CAPABILITY);
    const tools = await waitForTools(gw.client, [TOOL]);
    assert.equal(tools.find((t) => t.name === TOOL).execution?.taskSupport, "required");
    const statuses = statusesOf(gw.client);
    const messages = await withTimeout(runTask(gw.client, "gateways"), 40000, "the task stream");
    const created = messages.find((m) => m.type === "taskCreated");
    assert.ok(created, JSON.stringify(messages));
    assert.match(created.task.taskId, /^task-[0-9a-f]{32}$/);
    const last = messages.at(-1);
    assert.equal(last.type, "result", JSON.stringify(last));
    assert.match(last.result.content[0].text, /gateways/);
    // The result's related-task names the gateway's id, not the upstream's.
    const related = last.result._meta?.["io.modelcontextprotocol/related-task"];
    if (related) assert.equal(related.taskId, created.task.taskId);
    const listed = await gw.client.experimental.tasks.listTasks();
    const mine = listed.tasks.find((t) => t.taskId === created.task.taskId);
    assert.ok(mine, JSON.stringify(listed));
    assert.equal(mine.status, "completed");
    // server-everything reports each status change; they arrive under the gateway's id.
    await waitFor(() => statuses.some((t) => t.status === "completed"), 10000, "a completed status");
    assert.ok(statuses.every((t) => t.taskId === created.task.taskId), JSON.stringify(statuses));
  });
});

describe("tasks over HTTP, per key", () => {
  let ws;
  let gw;
  const clients = [];
  before(async () => {
    ws = makeWorkspace(() => ({ everything: upstreams.everything() }));
    Object.assign(ws.config, {
      keys: [
        { name: "alice", hash: hash(KEYS.alice) },
        { name: "bob", hash: hash(KEYS.bob) },
      ],
      policies: { full: { default: "execute" } },
      permissions: { default: "deny", keys: { alice: "full", bob: "full" } },
    });
    fs.writeFileSync(ws.configPath, JSON.stringify(ws.config, null, 2));
    gw = await startHttpGateway(ws.configPath);
  });
  after(async () => {
    await Promise.all(clients.map((c) => withTimeout(c.close(), 10000, "close").catch(() => {})));
    gw?.kill();
    ws?.cleanup();
  });

  async function connect(key) {
    const transport = new StreamableHTTPClientTransport(new URL(gw.url), {
      requestInit: { headers: { Authorization: `Bearer ${key}` } },
    });
    const client = new Client({ name: "mcpgw-tasks-e2e", version: "1.0.0" }, { capabilities: {} });
    await withTimeout(client.connect(transport), 30000, "connect");
    clients.push(client);
    await waitForTools(client, [TOOL]);
    return client;
  }

  test("key B cannot get, wait for, cancel or list key A's task; A can, from another session too", { timeout: 90000 }, async () => {
    const alice = await connect(KEYS.alice);
    const bob = await connect(KEYS.bob);
    assert.deepEqual(alice.getServerCapabilities().tasks, TASKS_CAPABILITY);
    const aliceStatuses = statusesOf(alice);
    const bobStatuses = statusesOf(bob);

    const created = await createTask(alice, "isolation");
    const id = created.task.taskId;
    assert.match(id, /^task-[0-9a-f]{32}$/);
    assert.equal(created.task.status, "working");

    await expectMcpError(bob.experimental.tasks.getTask(id), -32602, "bob's tasks/get of alice's task");
    await expectMcpError(bob.experimental.tasks.cancelTask(id), -32602, "bob's tasks/cancel of alice's task");
    await expectMcpError(
      bob.experimental.tasks.getTaskResult(id, CallToolResultSchema),
      -32602,
      "bob's tasks/result of alice's task",
    );
    const bobs = await bob.experimental.tasks.listTasks();
    assert.deepEqual(bobs.tasks, [], JSON.stringify(bobs));

    const got = await alice.experimental.tasks.getTask(id);
    assert.equal(got.taskId, id);
    assert.ok(["working", "input_required", "completed"].includes(got.status), JSON.stringify(got));

    // Bob's own task is his alone, and alice's listing does not show it.
    const bobTask = (await createTask(bob, "bob's")).task.taskId;
    const alices = await alice.experimental.tasks.listTasks();
    assert.deepEqual(alices.tasks.map((t) => t.taskId), [id]);
    assert.deepEqual((await bob.experimental.tasks.listTasks()).tasks.map((t) => t.taskId), [bobTask]);

    // The same key from a new session reaches its task, and cancels it.
    const alice2 = await connect(KEYS.alice);
    const cancelled = await alice2.experimental.tasks.cancelTask(id);
    assert.equal(cancelled.taskId, id);
    assert.equal(cancelled.status, "cancelled");
    assert.equal((await alice.experimental.tasks.getTask(id)).status, "cancelled");
    // Bob's task was untouched by all of this.
    const bobsTask = await bob.experimental.tasks.getTask(bobTask);
    assert.notEqual(bobsTask.status, "cancelled");
    // Each session hears of its own task's status only (on its GET stream).
    await waitFor(() => bobStatuses.some((t) => t.status === "completed"), 20000, "bob's task completing");
    assert.ok(bobStatuses.every((t) => t.taskId === bobTask), JSON.stringify(bobStatuses));
    assert.ok(aliceStatuses.every((t) => t.taskId === id), JSON.stringify(aliceStatuses));
  });

  test("an unknown task id is refused like another key's", { timeout: 30000 }, async () => {
    const alice = await connect(KEYS.alice);
    await expectMcpError(
      alice.experimental.tasks.getTask("task-00000000000000000000000000000000"),
      -32602,
      "tasks/get of an unknown id",
    );
  });
});
