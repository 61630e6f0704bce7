// Arguments of the wrong shape: every one is INVALID with a message naming the method, the
// argument or option and the type it must have; `null` means "not given" for optional options.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Tickets, rejectsCode, throwsCode } from './support/helpers.mjs';

test('an options argument that is not an object is INVALID, and nothing is done', async () => {
  const t = Tickets.inMemory();
  const a = t.create('A');
  let e = throwsCode(() => t.start(a.id, '@one'), 'INVALID');
  assert.equal(e.message, 'start: options must be an object, not a string');
  assert.equal(t.get(a.id).status, 'open');
  e = throwsCode(() => t.close(a.id, 'why'), 'INVALID');
  assert.match(e.message, /^close: options must be an object, not a string$/);
  assert.equal(t.get(a.id).status, 'open');
  e = throwsCode(() => t.delete(a.id, true), 'INVALID');
  assert.match(e.message, /^delete: options must be an object, not a boolean$/);
  e = throwsCode(() => t.create('x', 'oops'), 'INVALID');
  assert.match(e.message, /^create: options must be an object, not a string$/);
  e = throwsCode(() => t.list(['open']), 'INVALID');
  assert.match(e.message, /^list: options must be an object, not an array$/);
  throwsCode(() => t.ready('@one'), 'INVALID');
  throwsCode(() => t.graph('dot'), 'INVALID');
  throwsCode(() => t.heartbeat(a.id, 'w', 30), 'INVALID');
  throwsCode(() => Tickets.inMemory('@me'), 'INVALID');
  e = throwsCode(() => t.update(a.id, 'New title'), 'INVALID');
  assert.match(e.message, /^update: changes must be an object, not a string$/);
  e = throwsCode(() => t.update(a.id), 'INVALID');
  assert.match(e.message, /^update: changes must be an object, not undefined$/);
  e = await rejectsCode(t.claim('w', 'wait'), 'INVALID');
  assert.match(e.message, /^claim: options must be an object, not a string$/);
  e = await rejectsCode(t.waitReady(5), 'INVALID');
  assert.match(e.message, /^waitReady: options must be an object, not a number$/);
  assert.deepEqual(t.list().map((x) => [x.title, x.status, x.notes.length]), [['A', 'open', 0]]);
});

test('an unknown option key is INVALID and names the key and the known ones', async () => {
  const t = Tickets.inMemory();
  const a = t.create('A');
  let e = throwsCode(() => t.create('x', { foo: 1 }), 'INVALID');
  assert.match(e.message, /^create: unknown option 'foo' \(known: assignee, deps, .*id, deferUntil\)$/);
  e = throwsCode(() => t.start(a.id, { agents: '@one' }), 'INVALID');
  assert.match(e.message, /unknown option 'agents'/);
  assert.equal(t.get(a.id).status, 'open');
  e = throwsCode(() => t.update(a.id, { titel: 'B' }), 'INVALID');
  assert.match(e.message, /^update: unknown option 'titel'/);
  assert.equal(t.get(a.id).title, 'A');
  throwsCode(() => t.list({ state: 'open' }), 'INVALID');
  throwsCode(() => t.close(a.id, { note: 'done' }), 'INVALID');
  throwsCode(() => t.delete(a.id, { forced: true }), 'INVALID');
  throwsCode(() => Tickets.inMemory({ agent: '@me' }), 'INVALID');
  e = await rejectsCode(t.claim('w', { wiat: true }), 'INVALID');
  assert.match(e.message, /^claim: unknown option 'wiat'/);
  await rejectsCode(t.waitReady({ agent: '@w', timeout: 0 }), 'INVALID');
  assert.deepEqual(t.list().map((x) => x.title), ['A']);
});

test('an argument or option of the wrong type is INVALID and says what was expected', () => {
  const t = Tickets.inMemory();
  const a = t.create('A');
  let e = throwsCode(() => t.get(undefined), 'INVALID');
  assert.equal(e.message, 'get: id must be a string, not undefined');
  e = throwsCode(() => t.get(42), 'INVALID');
  assert.equal(e.message, 'get: id must be a string, not a number');
  e = throwsCode(() => t.create(null), 'INVALID');
  assert.equal(e.message, 'create: title must be a string, not null');
  e = throwsCode(() => t.create('B', { deps: 'a' }), 'INVALID');
  assert.equal(e.message, "create: option 'deps' must be an array of strings, not a string");
  e = throwsCode(() => t.create('B', { deps: [a.id, 7] }), 'INVALID');
  assert.match(e.message, /'deps' must be an array of strings, not an array holding a number at index 1/);
  e = throwsCode(() => t.create('B', { priority: '1' }), 'INVALID');
  assert.equal(e.message, "create: option 'priority' must be a number, not a string");
  e = throwsCode(() => t.start(a.id, { force: 'yes' }), 'INVALID');
  assert.equal(e.message, "start: option 'force' must be a boolean, not a string");
  e = throwsCode(() => t.note(a.id, { text: 'hi' }), 'INVALID');
  assert.equal(e.message, 'note: text must be a string, not an object');
  e = throwsCode(() => t.batch(5), 'INVALID');
  assert.equal(e.message, 'batch: fn must be a function, not a number');
  throwsCode(() => t.addDep(a.id), 'INVALID');
  throwsCode(() => t.assign(a.id, 5), 'INVALID');
  throwsCode(() => t.history(5), 'INVALID');
  throwsCode(() => t.update(a.id, { tags: 'x' }), 'INVALID');
  throwsCode(() => Tickets.open(5), 'INVALID');
  throwsCode(() => Tickets.inMemory({ lease: '30' }), 'INVALID');
  assert.deepEqual(t.list().map((x) => x.title), ['A']);
});

test('claim and waitReady reject, never throw, for bad input', async () => {
  const t = Tickets.inMemory();
  t.create('A');
  let p;
  assert.doesNotThrow(() => (p = t.claim(undefined)));
  let e = await rejectsCode(p, 'INVALID');
  assert.equal(e.message, 'claim: agent must be a string, not undefined');
  assert.doesNotThrow(() => (p = t.claim('w', { lease: '60' })));
  e = await rejectsCode(p, 'INVALID');
  assert.equal(e.message, "claim: option 'lease' must be a number, not a string");
  assert.doesNotThrow(() => (p = t.claim('w', { signal: 5 })));
  await rejectsCode(p, 'INVALID');
  assert.doesNotThrow(() => (p = t.waitReady({ timeout: '1' })));
  e = await rejectsCode(p, 'INVALID');
  assert.equal(e.message, "waitReady: option 'timeout' must be a number, not a string");
  assert.equal(t.list({ status: 'in_progress' }).length, 0);
});

test('null means "not given" for every optional option', async () => {
  const t = Tickets.inMemory({ actor: null, lease: null });
  const a = t.create('A', { assignee: null, deps: null, priority: null, type: null, tags: null, id: null });
  assert.equal(a.assignee, null);
  assert.equal(a.priority, 2);
  assert.deepEqual(t.ready({ assignee: null }).map((x) => x.id), [a.id]);
  assert.deepEqual(t.blocked({ assignee: null }), []);
  assert.deepEqual(t.list({ status: null, assignee: null, tag: null, type: null, parent: null }).length, 1);
  assert.equal(t.graph({ format: null, id: null }).startsWith('graph'), true);
  const w = await t.waitReady({ assignee: null, timeout: 5, signal: null });
  assert.equal(w.id, a.id);
  const started = t.start(a.id, { agent: null, force: null });
  assert.equal(started.status, 'in_progress');
  assert.equal(started.assignee, null);
  t.release(a.id, { agent: null });
  const closed = t.close(a.id, { reason: null });
  assert.equal(closed.ticket.notes.length, 0);
  t.reopen(a.id);
  const b = t.create('B');
  const claimed = await t.claim('w', { wait: null, timeout: null, lease: 30, signal: null });
  assert.equal(claimed.id, a.id);
  assert.equal(t.heartbeat(a.id, 'w', { lease: null }).id, a.id);
  assert.equal(t.delete(b.id, { force: null }).id, b.id);
  assert.ok(t.history(null).length > 0);
});

test('update keeps its meaning of null: "keep" for fields, "clear" for parent; assign(id, null) clears', () => {
  const t = Tickets.inMemory();
  const epic = t.create('Epic', { type: 'epic' });
  const a = t.create('A', { parent: epic.id, assignee: '@one', priority: 1 });
  let u = t.update(a.id, { title: null, priority: null, tags: null });
  assert.equal(u.title, 'A');
  assert.equal(u.priority, 1);
  assert.equal(u.parent, epic.id);
  const e = throwsCode(() => t.update(a.id, { parent: '' }), 'INVALID');
  assert.match(e.message, /parent must name a ticket/);
  u = t.update(a.id, { parent: null });
  assert.equal(u.parent, null);
  assert.equal(t.assign(a.id, null).assignee, null);
});

test('update takes deferUntil as create does (a Date, RFC 3339, "2h"); null ends the deferral', () => {
  const t = Tickets.inMemory();
  const a = t.create('A', { priority: 2 });
  const at = new Date('2030-01-02T03:04:05.678Z');
  let u = t.update(a.id, { deferUntil: at, title: 'B' });
  assert.equal(u.deferUntil.getTime(), at.getTime());
  assert.equal(u.ready, false);
  assert.equal(u.title, 'B');
  u = t.update(a.id, { priority: 1 });
  assert.equal(u.deferUntil.getTime(), at.getTime(), 'left out, it is kept');
  u = t.update(a.id, { deferUntil: '2030-06-01T00:00:00Z' });
  assert.equal(u.deferUntil.toISOString(), '2030-06-01T00:00:00.000Z');
  u = t.update(a.id, { deferUntil: '2h' });
  assert.ok(u.deferUntil.getTime() > Date.now() + 3_500_000);
  const e = throwsCode(() => t.update(a.id, { deferUntil: 'tomorrow', title: 'C' }), 'INVALID');
  assert.match(e.message, /^update: option 'deferUntil' must be a Date, an RFC 3339 string or a duration/);
  throwsCode(() => t.update(a.id, { deferUntil: 5 }), 'INVALID');
  assert.equal(t.get(a.id).title, 'B');
  u = t.update(a.id, { deferUntil: null });
  assert.equal(u.deferUntil, null);
  assert.equal(u.ready, true);
});

test('leases are checked by the core, with its one message', async () => {
  const message = /^lease must be a whole number of seconds, at least 1, not /;
  for (const bad of [0, -1, 1.5]) {
    assert.match(throwsCode(() => Tickets.inMemory({ lease: bad }), 'INVALID').message, message);
  }
  const t = Tickets.inMemory({ lease: 60 });
  assert.equal(t.location, 'memory');
  const a = t.create('A');
  const e = await rejectsCode(t.claim('w', { lease: -1 }), 'INVALID');
  assert.match(e.message, message);
  assert.notEqual((await t.claim('w')).leaseUntil, null);
  assert.match(throwsCode(() => t.heartbeat(a.id, 'w', { lease: 0.5 }), 'INVALID').message, message);
});
