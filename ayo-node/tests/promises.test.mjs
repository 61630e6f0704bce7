// `tickets.promises`: the blocking methods as promises run off the event loop, and panics in the
// core as JavaScript errors (the test build has the core's AYO_TEST_HOOK; `=panic` panics there).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { SUPPORT, Tickets, TicketsPromises, childEnv, rejectsCode, runNode, tmp } from './support/helpers.mjs';

test('every promise method resolves to what its sync twin returns', async (t) => {
  const tickets = Tickets.inMemory({ actor: '@w' });
  const p = tickets.promises;
  assert.ok(p instanceof TicketsPromises);
  const a = await p.create('Extract', { priority: 1 });
  const b = await p.create('Validate', { deps: [a.id] });
  assert.deepEqual(await p.get(a.id), tickets.get(a.id));
  assert.deepEqual((await p.list()).map((x) => x.id), [a.id, b.id]);
  assert.deepEqual((await p.ready()).map((x) => x.id), [a.id]);
  assert.deepEqual((await p.blocked()).map((x) => x.id), [b.id]);
  assert.equal((await p.update(a.id, { title: 'Extract all' })).title, 'Extract all');
  assert.equal((await p.start(a.id, { agent: 'w' })).status, 'in_progress');
  assert.equal((await p.heartbeat(a.id, 'w', { lease: 60 })).assignee, '@w');
  assert.equal((await p.release(a.id, { agent: 'w' })).status, 'open');
  assert.equal((await p.note(a.id, 'hi')).notes.length, 1);
  assert.equal((await p.assign(a.id, 'x')).assignee, '@x');
  const c = await p.create('Report');
  assert.deepEqual((await p.addDep(c.id, b.id)).deps, [b.id]);
  assert.deepEqual((await p.removeDep(c.id, b.id)).deps, []);
  assert.equal((await p.depTree(b.id)).deps[0].id, a.id);
  assert.equal((await p.depTree(b.id)).truncated, false);
  const closed = await p.close(a.id, { reason: 'done' });
  assert.deepEqual(closed.unblocked.map((x) => x.id), [b.id]);
  assert.equal((await p.reopen(a.id)).status, 'open');
  assert.ok((await p.graph({ format: 'dot' })).startsWith('digraph'));
  assert.deepEqual(await p.check(), []);
  assert.equal((await p.delete(c.id)).id, c.id);
  assert.ok((await p.history(a.id)).length >= 5);
  // Bad arguments and the core's errors reject, with the contract's code.
  await rejectsCode(p.get(42), 'INVALID');
  await rejectsCode(p.get('nope'), 'NOT_FOUND');
});

test('every sync method that touches the store has a promise twin', () => {
  const own = (proto) => Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor');
  // Not twinned: the getters, the handles and waits that are promises already, and batch (its
  // function runs synchronously, inside the write).
  const apart = new Set([
    'actor', 'location', 'promises', 'claim', 'claimJob', 'work', 'waitReady', 'watch', 'watcher', 'batch',
  ]);
  const sync = own(Tickets.prototype).filter((n) => !apart.has(n)).sort();
  assert.deepEqual(own(TicketsPromises.prototype).sort(), sync);
});

test('the newer operations as promises: search, importBeads, defer, why, link, unlink', async (t) => {
  const tickets = Tickets.inMemory({ actor: '@w' });
  const p = tickets.promises;
  const a = await p.create('Extract invoice data', { tags: ['finance'] });
  const b = await p.create('Validate totals', { description: 'the invoice sums', deps: [a.id] });
  assert.deepEqual((await p.search('INVOICE')).map((x) => x.id), [a.id, b.id]);
  assert.deepEqual((await p.search('invoice', { tag: 'finance' })).map((x) => x.id), [a.id]);
  const deferred = await p.defer(a.id, '2h');
  assert.ok(deferred.deferUntil instanceof Date && deferred.ready === false);
  assert.deepEqual(await p.defer(a.id, null), tickets.get(a.id));
  const why = await p.why(b.id, { agent: '@v' });
  assert.deepEqual(why, tickets.why(b.id, { agent: '@v' }));
  assert.equal(why.ready, false);
  assert.deepEqual(why.reasons.find((r) => r.kind === 'blocked').deps, [a.id]);
  const c = await p.create('Report');
  assert.deepEqual((await p.link(c.id, [a.id, b.id])).links.sort(), [a.id, b.id].sort());
  assert.deepEqual(tickets.get(a.id).links, [c.id]);
  assert.deepEqual((await p.unlink(c.id, a.id)).links, [b.id]);
  assert.deepEqual(tickets.get(a.id).links, []);
  const u = await p.update(c.id, { deferUntil: '1h', priority: 0 });
  assert.ok(u.deferUntil instanceof Date && u.ready === false && u.priority === 0);
  assert.equal((await p.update(c.id, { deferUntil: null })).deferUntil, null);
  const beads = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '..', '..', 'ayo-tickets', 'tests', 'fixtures', 'beads',
  );
  const other = Tickets.inMemory().promises;
  const done = await other.importBeads(path.join(beads, 'issues.jsonl'));
  assert.equal(done.imported, 9);
  assert.equal(done.notMapped.filter((n) => n.kind === 'ephemeral').length, 2);
  // Bad arguments and the core's errors reject, with the contract's code.
  await rejectsCode(p.search(' '), 'INVALID');
  await rejectsCode(p.defer(a.id, 'tomorrow'), 'INVALID');
  await rejectsCode(p.why('nope'), 'NOT_FOUND');
  await rejectsCode(p.link(a.id, 'not a list'), 'INVALID');
  await rejectsCode(p.unlink(a.id), 'INVALID');
  await rejectsCode(other.importBeads(path.join(beads, 'cycle.jsonl')), 'CYCLE');
  await rejectsCode(other.importBeads(42), 'INVALID');
});

test('a write waiting on a lock held by another process leaves the event loop running', async (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  tickets.create('first');
  // The other process holds the writer lock in a batch for 1.5 s.
  const code = `
    import { Tickets } from 'ayo-tickets';
    const t = Tickets.open(process.argv[1]);
    t.batch(() => {
      t.create('in the batch');
      console.log('holding');
      const end = Date.now() + 1500;
      while (Date.now() < end) {}
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, dir], {
    env: childEnv(),
    cwd: path.dirname(SUPPORT),
  });
  const closed = once(child, 'close'); // listened to now: it may close before the create resolves
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const holding = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('holding')) resolve();
    });
    child.on('close', (code) => reject(new Error(`the lock holder exited (${code}): ${err}`)));
  });
  await holding;
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const made = await tickets.promises.create('after the batch');
  clearInterval(timer);
  // The timer ran while the write waited for the lock (about 1.5 s): it was not blocked.
  assert.ok(ticks >= 5, `the event loop was blocked: ${ticks} ticks`);
  const [exit] = await closed;
  assert.equal(exit, 0);
  assert.deepEqual(
    tickets.list().map((x) => x.title).sort(),
    ['after the batch', 'first', 'in the batch'],
  );
  assert.equal(tickets.get(made.id).title, 'after the batch');
});

test('a panic in the core is an Error, sync or promised, not an abort', async (t) => {
  const dir = tmp(t);
  Tickets.open(dir).create('ready');
  const code = `
    import { Tickets } from 'ayo-tickets';
    const t = Tickets.open(process.argv[1]);
    const point = process.env.AYO_TEST_HOOK.split('=')[0];
    const report = (how, e) => console.log(JSON.stringify({ how, error: e instanceof Error, message: e.message }));
    if (point === 'after_temp') {
      try { t.create('sync'); console.log('no panic'); } catch (e) { report('sync', e); }
      await t.promises.create('promised').then(() => console.log('no panic'), (e) => report('promised', e));
    } else {
      await t.claim('w').then(() => console.log('no panic'), (e) => report('claim', e));
    }
    console.log(JSON.stringify({ alive: true }));`;
  for (const point of ['after_temp', 'claim_pick']) {
    const r = await runNode({ code }, [dir], childEnv({ AYO_TEST_HOOK: `${point}=panic` }));
    assert.equal(r.code, 0, `the process died (${r.code}): ${r.stderr}`);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.at(-1), { alive: true });
    const reports = lines.slice(0, -1);
    assert.equal(reports.length, point === 'after_temp' ? 2 : 1, r.stdout);
    for (const x of reports) {
      assert.equal(x.error, true);
      assert.match(x.message, new RegExp(`panic at ${point}`));
    }
  }
});
