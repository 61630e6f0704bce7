// Waits run on threads of their own: the event loop keeps serving timers, libuv's thread pool
// stays free for fs and dns, and an AbortSignal cancels a wait.
import assert from 'node:assert/strict';
import dns from 'node:dns/promises';
import { getEventListeners } from 'node:events';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Tickets, sleep, tmp } from './support/helpers.mjs';

const POOL = Number(process.env.UV_THREADPOOL_SIZE || 4);

test('waitReady never blocks the event loop: timers tick while it waits', async (t) => {
  const tickets = Tickets.open(tmp(t));
  const a = tickets.create('A');
  const b = tickets.create('B', { deps: [a.id], assignee: 'v' });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const started = Date.now();
  const waiting = tickets.waitReady({ assignee: 'v', timeout: 30 });
  await sleep(400);
  const during = ticks;
  tickets.close(a.id);
  const ready = await waiting;
  clearInterval(timer);
  assert.equal(ready.id, b.id);
  // 400 ms of 10 ms ticks: a blocked loop would show none at all.
  assert.ok(during >= 15, `only ${during} ticks in 400 ms`);
  assert.ok(Date.now() - started < 10_000);
});

test(`more than ${POOL} concurrent waits leave the thread pool to fs and dns`, async (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  const waits = POOL * 2 + 1;
  const settled = [];
  const pending = Array.from({ length: waits }, (_, i) =>
    tickets.waitReady({ assignee: 'v', timeout: 60 }).then((r) => {
      settled.push(i);
      return r;
    }),
  );
  const claims = Array.from({ length: waits }, () =>
    tickets.claim('other', { wait: true, timeout: 60 }),
  );
  await sleep(100);
  // Thread-pool work: file reads and writes, stat, and a dns lookup of localhost.
  const started = Date.now();
  const file = path.join(dir, 'probe.txt');
  await fs.writeFile(file, 'x'.repeat(1000));
  const reads = await Promise.all(Array.from({ length: 16 }, () => fs.readFile(file, 'utf8')));
  await fs.stat(file);
  await dns.lookup('localhost');
  const elapsed = Date.now() - started;
  assert.equal(reads.length, 16);
  assert.ok(elapsed < 2000, `fs and dns took ${elapsed} ms while ${waits * 2} waits were pending`);
  assert.deepEqual(settled, [], 'the waits were still pending');
  const c = tickets.create('Now', { assignee: 'v' });
  const results = await Promise.all(pending);
  assert.ok(results.every((r) => r.id === c.id));
  // One ticket for the other agent per waiting claimer: each gets exactly one.
  tickets.batch(() => {
    for (let i = 0; i < waits; i++) tickets.create(`For other ${i}`, { assignee: 'other' });
  });
  const claimed = await Promise.all(claims);
  const ids = claimed.map((x) => x.id);
  assert.equal(new Set(ids).size, waits);
  assert.ok(claimed.every((x) => x.assignee === '@other' && x.status === 'in_progress'));
});

test('an AbortSignal cancels a wait with an AbortError carrying the reason', async () => {
  const tickets = Tickets.inMemory();
  const ac = new AbortController();
  const started = Date.now();
  const waiting = tickets.waitReady({ signal: ac.signal });
  assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
  setTimeout(() => ac.abort(new Error('enough')), 50);
  await assert.rejects(waiting, (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'AbortError');
    // The core's code for an interrupted wait, as in Python and the CLI.
    assert.equal(e.code, 'INTERRUPTED');
    assert.equal(e.cause.message, 'enough');
    return true;
  });
  assert.ok(Date.now() - started < 2000, 'cancelled within the interrupt interval');
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'the listener is removed');
});

test('a claim that waits is cancelled too, and claims nothing afterwards', async () => {
  const tickets = Tickets.inMemory();
  const ac = new AbortController();
  const waiting = tickets.claim('w', { wait: true, signal: ac.signal });
  await sleep(30);
  ac.abort();
  await assert.rejects(waiting, { name: 'AbortError', code: 'INTERRUPTED' });
  const a = tickets.create('After');
  await sleep(150);
  assert.equal(tickets.get(a.id).status, 'open', 'the cancelled claim took nothing');
});

test('an already aborted signal rejects at once without claiming', async () => {
  const tickets = Tickets.inMemory();
  const a = tickets.create('A');
  const signal = AbortSignal.abort('stop');
  await assert.rejects(tickets.claim('w', { signal }), (e) => e.name === 'AbortError' && e.cause === 'stop');
  await assert.rejects(tickets.waitReady({ signal }), { name: 'AbortError' });
  assert.equal(tickets.get(a.id).status, 'open');
  assert.equal(getEventListeners(signal, 'abort').length, 0);
});

test('a signal that never fires lets the wait finish and is released', async () => {
  const tickets = Tickets.inMemory();
  const ac = new AbortController();
  assert.equal(await tickets.waitReady({ timeout: 0.05, signal: ac.signal }), null);
  const a = tickets.create('A');
  const got = await tickets.claim('w', { signal: ac.signal });
  assert.equal(got.id, a.id);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  ac.abort();
});

test('AbortSignal.timeout works as a deadline', async () => {
  const tickets = Tickets.inMemory();
  const started = Date.now();
  await assert.rejects(tickets.waitReady({ signal: AbortSignal.timeout(100) }), { name: 'AbortError' });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 90 && elapsed < 2000, `${elapsed} ms`);
});

test('timeouts resolve to null after about the time given', async () => {
  const tickets = Tickets.inMemory();
  const started = Date.now();
  const [w, c] = await Promise.all([
    tickets.waitReady({ timeout: 0.3 }),
    tickets.claim('w', { wait: true, timeout: 0.3 }),
  ]);
  const elapsed = Date.now() - started;
  assert.equal(w, null);
  assert.equal(c, null);
  assert.ok(elapsed >= 280 && elapsed < 3000, `${elapsed} ms`);
});

test('a timeout longer than any clock waits as long as it takes', async () => {
  for (const timeout of [1e300, 2 ** 64, Infinity]) {
    const tickets = Tickets.inMemory();
    let settled = false;
    const waiting = tickets.waitReady({ timeout }).finally(() => { settled = true; });
    await sleep(150);
    assert.equal(settled, false, `timeout ${timeout} ended the wait at once`);
    const made = tickets.create('for the patient waiter');
    assert.equal((await waiting).id, made.id);
  }
  await assert.rejects(Tickets.inMemory().waitReady({ timeout: -1 }), { code: 'INVALID' });
});
