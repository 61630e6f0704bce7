// Every error code of the contract, with the data its variant carries.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Tickets, rejectsCode, throwsCode, tmp } from './support/helpers.mjs';

test('NOT_FOUND: no such id or prefix', () => {
  const t = Tickets.inMemory();
  const e = throwsCode(() => t.get('nope42'), 'NOT_FOUND');
  assert.equal(e.id, 'nope42');
  assert.match(e.message, /nope42/);
  throwsCode(() => t.close('nope42'), 'NOT_FOUND');
  throwsCode(() => t.create('B', { deps: ['nope42'] }), 'NOT_FOUND');
});

test('NOT_FOUND: removeDep of a dep the ticket does not have names both', () => {
  const t = Tickets.inMemory();
  t.create('A', { id: 'a' });
  t.create('D', { id: 'd' });
  const e = throwsCode(() => t.removeDep('a', 'd'), 'NOT_FOUND');
  assert.equal(e.id, 'a');
  assert.equal(e.dep, 'd');
  assert.equal(e.message, "ticket 'a' does not depend on 'd'");
});

test('AMBIGUOUS: a prefix of several ids names the candidates', () => {
  const t = Tickets.inMemory();
  t.create('One', { id: 'ab2' });
  t.create('Two', { id: 'ab1' });
  const e = throwsCode(() => t.get('ab'), 'AMBIGUOUS');
  assert.deepEqual(e.candidates, ['ab1', 'ab2']);
  assert.equal(e.prefix, 'ab');
  // The core's error object, as the CLI's JSON and Python's exception give it for the same
  // call (ayo-cli tests/integration/errors.rs, ayo-py tests/test_errors.py).
  const { code, message, prefix, candidates } = e;
  assert.deepEqual(
    { code, message, prefix, candidates },
    { code: 'AMBIGUOUS', message: "'ab' matches several tickets: ab1, ab2", prefix: 'ab', candidates: ['ab1', 'ab2'] },
  );
});

test('EXISTS: a chosen id that is taken', () => {
  const t = Tickets.inMemory();
  t.create('One', { id: 'taken' });
  const e = throwsCode(() => t.create('Two', { id: 'taken' }), 'EXISTS');
  assert.equal(e.id, 'taken');
});

test('CYCLE: names the cycle along the dependency edges', () => {
  const t = Tickets.inMemory();
  const a = t.create('A', { id: 'a' });
  const b = t.create('B', { id: 'b', deps: ['a'] });
  t.create('C', { id: 'c', deps: ['b'] });
  const e = throwsCode(() => t.addDep('a', 'c'), 'CYCLE');
  assert.deepEqual(e.cycle, ['a', 'c', 'b', 'a']);
  assert.match(e.message, /a -> c -> b -> a/);
  const self = throwsCode(() => t.addDep(b.id, b.id), 'CYCLE');
  assert.deepEqual(self.cycle, ['b', 'b']);
  assert.deepEqual(t.get(a.id).deps, [], 'nothing was written');
});

test('INVALID_TRANSITION: close of a closed ticket, reopen of an open one', () => {
  const t = Tickets.inMemory();
  const a = t.create('A');
  t.close(a.id);
  const e = throwsCode(() => t.close(a.id), 'INVALID_TRANSITION');
  assert.equal(e.id, a.id);
  assert.equal(e.action, 'close');
  assert.equal(e.status, 'closed');
  t.reopen(a.id);
  throwsCode(() => t.reopen(a.id), 'INVALID_TRANSITION');
  throwsCode(() => t.release(a.id), 'INVALID_TRANSITION');
});

test('BLOCKED: start of a ticket whose deps are not closed carries blockedBy', () => {
  const t = Tickets.inMemory();
  const a = t.create('A');
  const b = t.create('B');
  const c = t.create('C', { deps: [a.id, b.id] });
  t.close(b.id);
  const e = throwsCode(() => t.start(c.id), 'BLOCKED');
  assert.deepEqual(e.blockedBy, [a.id]);
  assert.equal(e.id, c.id);
});

test('CONFLICT: held by another agent, a displaced holder, a delete with dependents', async (t) => {
  const tickets = Tickets.inMemory();
  const a = tickets.create('A');
  tickets.start(a.id, { agent: 'one' });
  const e = throwsCode(() => tickets.start(a.id, { agent: 'two' }), 'CONFLICT');
  assert.equal(e.id, a.id);
  const b = tickets.create('B');
  tickets.create('C', { deps: [b.id] });
  throwsCode(() => tickets.delete(b.id), 'CONFLICT');

  const dir = tmp(t);
  const store = Tickets.open(dir);
  const d = store.create('D');
  await store.claim('first', { lease: 1 });
  const taken = await store.claim('second', { wait: true, timeout: 5, lease: 60 });
  assert.equal(taken.id, d.id);
  const first = Tickets.open(dir, { actor: 'first' });
  throwsCode(() => first.note(d.id, 'still mine?'), 'CONFLICT');
  throwsCode(() => first.close(d.id), 'CONFLICT');
  throwsCode(() => first.heartbeat(d.id, 'first', { lease: 5 }), 'CONFLICT');
});

test('INVALID: bad input from the core and from the conversions', async () => {
  const t = Tickets.inMemory();
  const a = t.create('A');
  throwsCode(() => t.create('   '), 'INVALID');
  throwsCode(() => t.create('two\nlines'), 'INVALID');
  throwsCode(() => t.create('A', { priority: 9 }), 'INVALID');
  throwsCode(() => t.create('A', { priority: 1.5 }), 'INVALID');
  throwsCode(() => t.create('A', { type: 'saga' }), 'INVALID');
  throwsCode(() => t.create('A', { id: '../escape' }), 'INVALID');
  throwsCode(() => t.get('bad/id'), 'INVALID');
  throwsCode(() => t.list({ status: 'blocked' }), 'INVALID');
  throwsCode(() => t.update(a.id, { priority: -1 }), 'INVALID');
  throwsCode(() => t.graph({ format: 'png' }), 'INVALID');
  throwsCode(() => Tickets.openSession('../up'), 'INVALID');
  throwsCode(() => Tickets.inMemory({ lease: 2.5 }), 'INVALID');
  throwsCode(() => Tickets.inMemory({ actor: 'two words' }), 'INVALID');
  await rejectsCode(t.claim('w', { lease: 0 }), 'INVALID');
  await rejectsCode(t.claim('w', { signal: {} }), 'INVALID');
  throwsCode(() => t.heartbeat(a.id, 'w', { lease: -5 }), 'INVALID');
});

test('connect: this build has no database store, or none answers', () => {
  let caught;
  try {
    Tickets.connect('postgres://127.0.0.1:1/none?connect_timeout=1');
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error);
  assert.ok(['INVALID', 'STORAGE'].includes(caught.code), caught.code);
});

test('PARSE: an unreadable ticket file carries its path and line', (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  const ok = tickets.create('Fine');
  const file = path.join(dir, 'broken.md');
  writeFileSync(file, '---\nid: broken\nstatus: [open\n---\n# Broken\n');
  const e = throwsCode(() => tickets.get('broken'), 'PARSE');
  assert.equal(path.resolve(e.path), path.resolve(file));
  assert.ok(e.line === null || (Number.isInteger(e.line) && e.line >= 1), `line ${e.line}`);
  assert.match(e.message, /broken\.md/);
  // Reads go on without it; a write whose rules need it refuses.
  assert.deepEqual(tickets.list().map((x) => x.id), [ok.id]);
  throwsCode(() => tickets.create('Needs it', { deps: ['broken'] }), 'PARSE');
  const problems = tickets.check();
  assert.equal(problems.length, 1);
  assert.equal(problems[0].kind, 'unreadable');
  assert.equal(problems[0].ticket, 'broken');
  assert.equal(path.resolve(problems[0].path), path.resolve(file));
});

test('STORAGE: the store cannot be written', (t) => {
  const dir = tmp(t);
  const file = path.join(dir, 'plain-file');
  writeFileSync(file, 'not a directory');
  const tickets = Tickets.open(path.join(file, 'tickets'));
  throwsCode(() => tickets.create('Nowhere to go'), 'STORAGE');
  mkdirSync(path.join(dir, 'ok'));
  assert.equal(Tickets.open(path.join(dir, 'ok')).create('Fine').title, 'Fine');
});

test('errors from a callback and from the contract stay apart in batch', () => {
  const t = Tickets.inMemory();
  const e = throwsCode(() => t.batch(() => t.get('missing')), 'NOT_FOUND');
  assert.ok(e instanceof Error);
  assert.deepEqual(t.list(), []);
});

test('a read that skips an unreadable file emits an AyoTicketsWarning naming it', async (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  tickets.create('Fine');
  writeFileSync(path.join(dir, 'garbled.md'), '---\nid: garbled\nstatus: [open\n---\n# Garbled\n');
  let listener;
  const warned = new Promise((resolve) => {
    listener = (w) => w.message.includes('garbled') && resolve(w);
    process.on('warning', listener);
  });
  t.after(() => process.off('warning', listener));
  assert.equal(tickets.list().length, 1);
  const w = await warned;
  assert.equal(w.name, 'AyoTicketsWarning');
  assert.match(w.message, /garbled\.md/);
});

test('BUSY: a writer gives up after lockTimeout and names the holder', async (tc) => {
  const { spawn } = await import('node:child_process');
  const dir = tmp(tc);
  const t = Tickets.open(dir, { lockTimeout: 0.5 });
  t.create('first');
  // Another process holds the writers' lock (as a stopped writer would) and says who it is.
  const hold = `
import fcntl, json, os, sys, time
f = open(sys.argv[1], "a+")
fcntl.flock(f, fcntl.LOCK_EX)
f.truncate(0)
f.write(json.dumps({"pid": os.getpid(), "host": "here", "since": "2026-01-01T00:00:00Z"}))
f.flush()
print("LOCKED", flush=True)
time.sleep(60)
`;
  const holder = spawn('python3', ['-c', hold, path.join(dir, '.ayo', 'lock')]);
  try {
    await new Promise((resolve, reject) => {
      holder.stdout.on('data', (d) => (String(d).includes('LOCKED') ? resolve() : null));
      holder.on('exit', reject);
    });
    const start = Date.now();
    const e = throwsCode(() => t.create('second'), 'BUSY');
    assert.ok(Date.now() - start >= 400);
    assert.equal(e.pid, holder.pid);
    assert.equal(e.host, 'here');
    assert.equal(e.since, '2026-01-01T00:00:00Z');
    assert.match(e.lock, /\.ayo\/lock$/);
  } finally {
    holder.kill('SIGKILL');
  }
  assert.throws(() => Tickets.open(dir, { lockTimeout: -1 }), (err) => err.code === 'INVALID');
});
