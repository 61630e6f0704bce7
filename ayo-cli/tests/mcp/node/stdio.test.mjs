// `ayo mcp` over stdio, driven by the TypeScript MCP SDK from npm: the seed workflow, the tool
// list, and bad input answered as errors while the server keeps serving.
// The binary is $AYO_BIN, else target/debug/ayo of this checkout.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../../..');
const AYO = process.env.AYO_BIN || join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'debug', 'ayo');

/** Runs `fn` with a client connected to `ayo mcp ...args` in a temporary $AYO_HOME. */
async function withServer(args, fn) {
  const home = mkdtempSync(join(tmpdir(), 'ayo-mcp-node-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AYO_')));
  const transport = new StdioClientTransport({
    command: AYO,
    args: ['mcp', ...args],
    env: { ...env, AYO_HOME: home },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => (stderr += chunk));
  const client = new Client({ name: 'ayo-node-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    await fn(client);
  } finally {
    await client.close();
    rmSync(home, { recursive: true, force: true });
  }
  assert.doesNotMatch(stderr, /panicked/);
}

/** The JSON a successful call answered: its structured content, which its text repeats. */
function answer(result) {
  assert.notEqual(result.isError, true, JSON.stringify(result));
  assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
  return result.structuredContent;
}

/** The contract's error of a failed call: {code, message, ...}. */
function error(result) {
  assert.equal(result.isError, true, JSON.stringify(result));
  return JSON.parse(result.content[0].text).error;
}

const call = (client, name, args = {}) => client.callTool({ name, arguments: args });

test('the seed workflow: three steps with deps, claim, note, close, the next is ready', async () => {
  await withServer(['--actor', '@extractor'], async (c) => {
    const extract = answer(await call(c, 'create', { title: 'Extract data from invoices', assignee: 'extractor' }));
    const validate = answer(
      await call(c, 'create', { title: 'Validate extracted data', assignee: 'validator', deps: [extract.id] }),
    );
    const load = answer(await call(c, 'create', { title: 'Import to accounting', deps: [validate.id] }));
    assert.deepEqual(validate.blocked_by, [extract.id]);
    assert.deepEqual(answer(await call(c, 'ready')).tickets.map((t) => t.id), [extract.id]);

    const claimed = answer(await call(c, 'claim'));
    assert.equal(claimed.id, extract.id);
    assert.equal(claimed.status, 'in_progress');
    assert.equal(claimed.assignee, '@extractor');
    const noted = answer(await call(c, 'note', { id: extract.id, text: 'read 47 invoices' }));
    assert.equal(noted.notes.at(-1).text, 'read 47 invoices');

    const closed = answer(await call(c, 'close', { id: extract.id, reason: 'done' }));
    assert.equal(closed.ticket.status, 'closed');
    assert.deepEqual(closed.unblocked.map((t) => t.id), [validate.id]);
    const ready = answer(await call(c, 'ready', { assignee: '@validator' })).tickets;
    assert.deepEqual(ready.map((t) => t.id), [validate.id]);
    assert.deepEqual(answer(await call(c, 'blocked')).tickets.map((t) => t.id), [load.id]);
    assert.deepEqual(answer(await call(c, 'claim')), { ticket: null });
  });
});

test('the tool list is small and every tool explains itself', async () => {
  await withServer([], async (c) => {
    const list = await c.listTools();
    const names = list.tools.map((t) => t.name);
    for (const name of ['create', 'show', 'list', 'ready', 'claim', 'note', 'close', 'wait']) {
      assert.ok(names.includes(name), name);
    }
    for (const t of list.tools) {
      assert.ok(t.description, t.name);
      assert.equal(t.inputSchema.type, 'object');
    }
    assert.ok(JSON.stringify(list).length <= 8 * 1024);
    const guide = await c.readResource({ uri: 'ayo://guide' });
    assert.match(guide.contents[0].text, /claim/);
  });
});

test('bad input is answered as errors and the server keeps serving', async () => {
  await withServer([], async (c) => {
    const a = answer(await call(c, 'create', { title: 'a' }));
    const b = answer(await call(c, 'create', { title: 'b', deps: [a.id] }));
    await assert.rejects(call(c, 'no_such_tool'), /tool not found/i);
    assert.equal(error(await call(c, 'note', { id: a.id })).code, 'INVALID');
    assert.equal(error(await call(c, 'create', { title: 'x', tags: 'one' })).code, 'INVALID');
    assert.equal(error(await call(c, 'show', { id: '../../etc/passwd' })).code, 'INVALID');
    assert.equal(error(await call(c, 'show', { id: 'zzzzzz' })).code, 'NOT_FOUND');
    assert.equal(error(await call(c, 'create', { title: 'x', id: '../x' })).code, 'INVALID');
    const cycle = error(await call(c, 'dep_add', { id: a.id, dep: b.id }));
    assert.equal(cycle.code, 'CYCLE');
    assert.deepEqual(cycle.cycle, [a.id, b.id, a.id]);
    assert.deepEqual(answer(await call(c, 'list')).tickets.map((t) => t.title), ['a', 'b']);
  });
});
