// Several processes on one directory store: a claim race and waits woken by another process.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { SUPPORT, Tickets, runNode, sleep, tmp } from './support/helpers.mjs';

test('claimers in 4 processes take each of 200 ready tickets exactly once', async (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  const ids = tickets.batch(() => Array.from({ length: 200 }, (_, i) => tickets.create(`Job ${i}`).id));
  assert.equal(tickets.ready().length, 200);
  const agents = ['w1', 'w2', 'w3', 'w4'];
  const runs = await Promise.all(
    agents.map((a) => runNode(path.join(SUPPORT, 'claimer.mjs'), [dir, a])),
  );
  const claimed = runs.map((r, i) => {
    assert.equal(r.code, 0, `claimer ${agents[i]} failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
  });
  const all = claimed.flat();
  assert.equal(all.length, 200, 'no ticket was claimed twice');
  assert.deepEqual([...new Set(all)].sort(), [...ids].sort(), 'every ticket was claimed');
  // Each claim is on file under the agent that made it.
  claimed.forEach((list, i) => {
    for (const id of list) assert.equal(tickets.get(id).assignee, `@${agents[i]}`);
  });
  assert.deepEqual(tickets.ready(), []);
  assert.equal(tickets.list({ status: 'in_progress' }).length, 200);
});

test("a wait is resolved by another process's close while timers keep ticking", async (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  const a = tickets.create('Extract', { assignee: 'extractor' });
  const b = tickets.create('Validate', { assignee: 'validator', deps: [a.id] });
  // waitReady watches a ticket nobody claims: were it to watch b, the claim below could take b
  // before waitReady looked, and b would never be ready for it.
  const c = tickets.create('Report', { assignee: 'reporter', deps: [a.id] });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const started = Date.now();
  const waiting = tickets.claim('validator', { wait: true, timeout: 30 });
  const ready = tickets.waitReady({ assignee: 'reporter', timeout: 30 });
  const closer = runNode(path.join(SUPPORT, 'closer.mjs'), [dir, a.id, '500']);
  const claimed = await waiting;
  const elapsed = Date.now() - started;
  clearInterval(timer);
  const closerRun = await closer;
  assert.equal(closerRun.code, 0, closerRun.stderr);
  assert.deepEqual(JSON.parse(closerRun.stdout).sort(), [b.id, c.id].sort());
  assert.equal(claimed.id, b.id);
  assert.equal(claimed.assignee, '@validator');
  const seen = await ready;
  assert.equal(seen.id, c.id);
  assert.equal(tickets.get(c.id).status, 'open', 'waitReady claims nothing');
  assert.ok(elapsed >= 450, `woke after ${elapsed} ms, before the close`);
  assert.ok(elapsed < 10_000, `woke only after ${elapsed} ms`);
  // The loop ran all along: about one tick per 10 ms (allow for a busy machine).
  assert.ok(ticks >= elapsed / 10 / 4, `${ticks} ticks in ${elapsed} ms`);
});

test('a waiting claimer in another process is woken by a create here', async (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  const child = runNode(path.join(SUPPORT, 'waiter.mjs'), [dir, 'remote', '30']);
  await sleep(700);
  const a = tickets.create('For the remote agent', { assignee: 'remote' });
  const r = await child;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), a.id);
  assert.equal(tickets.get(a.id).status, 'in_progress');
  assert.equal(tickets.get(a.id).assignee, '@remote');
});
