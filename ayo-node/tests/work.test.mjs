// `Tickets.work(agent, fn, options)`: the job closes when fn resolves, gives back with a note
// when it throws (rejecting with the same error), and aborts `job.signal` when it is lost,
// proven with a real takeover of a stopped process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { SUPPORT, Tickets, childEnv, rejectsCode, sleep, tmp } from './support/helpers.mjs';

test('work closes the ticket when fn resolves, and the dependent becomes ready', async (t) => {
  const tickets = Tickets.open(tmp(t));
  const a = tickets.create('Extract');
  const b = tickets.create('Validate', { deps: [a.id] });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const closed = await tickets.work(
    '@w',
    async (job) => {
      assert.equal(job.ticket.id, a.id);
      assert.equal(job.agent, '@w');
      assert.equal(job.lease, 2);
      assert.equal(job.lost, false);
      assert.equal(job.signal.aborted, false);
      job.note('halfway');
      await sleep(2500); // past the lease: the job renews it
      assert.equal(await tickets.claim('@other'), null);
    },
    { lease: 2 },
  );
  clearInterval(timer);
  assert.ok(ticks > 100, `the event loop ran: ${ticks} ticks`);
  assert.equal(closed.ticket.id, a.id);
  assert.deepEqual(
    closed.unblocked.map((x) => x.id),
    [b.id],
  );
  const got = tickets.get(a.id);
  assert.equal(got.status, 'closed');
  assert.deepEqual(
    got.notes.map((n) => n.text),
    ['halfway'],
  );
});

test('work gives the ticket back with a note when fn throws, and rejects with that error', async (t) => {
  const tickets = Tickets.open(tmp(t));
  const a = tickets.create('Flaky');
  const boom = new TypeError('bad row 7');
  await assert.rejects(
    tickets.work('@w', async () => {
      throw boom;
    }),
    (e) => e === boom,
  );
  const got = tickets.get(a.id);
  assert.equal(got.status, 'open');
  assert.equal(got.leaseUntil, null);
  assert.equal(got.notes.at(-1).text, 'Given back: the function threw TypeError: bad row 7');
  assert.equal(got.notes.at(-1).author, '@w');
});

test('work resolves null when nothing is claimable, and refuses a missing fn', async (t) => {
  const tickets = Tickets.open(tmp(t));
  assert.equal(await tickets.work('@w', async () => {}), null);
  assert.equal(await tickets.work('@w', async () => {}, { wait: true, timeout: 0.2 }), null);
  await rejectsCode(tickets.work('@w', 'not a function'), 'INVALID');
  await rejectsCode(tickets.work('@w', async () => {}, { lease: 0 }), 'INVALID');
});

test('a job ended by fn itself is not closed again', async (t) => {
  const tickets = Tickets.open(tmp(t));
  const a = tickets.create('a');
  const r = await tickets.work('@w', async (job) => {
    job.release({ note: 'not mine after all' });
  });
  assert.equal(r, null);
  assert.equal(tickets.get(a.id).status, 'open');
  assert.equal(tickets.get(a.id).notes.at(-1).text, 'not mine after all');
});

test('job.signal aborts when the ticket is released by someone else', async (t) => {
  const tickets = Tickets.open(tmp(t));
  const a = tickets.create('a');
  await rejectsCode(
    tickets.work('@w', async (job) => {
      const aborted = new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
      tickets.release(a.id);
      await aborted;
      assert.equal(job.lost, true);
      assert.match(job.lostReason, /released by someone else/);
      assert.equal(job.signal.reason.code, 'CONFLICT');
      // Resolving a lost job cannot close it.
    }),
    'CONFLICT',
  );
});

test('job.signal aborts in a stopped process whose ticket was taken over', async (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  const a = tickets.create('a');
  const child = spawn(process.execPath, [path.join(SUPPORT, 'worker.mjs'), dir], {
    env: childEnv(),
    cwd: path.dirname(SUPPORT),
  });
  let out = '';
  const lines = [];
  const waiters = [];
  child.stdout.on('data', (d) => {
    out += d;
    const parts = out.split('\n');
    out = parts.pop();
    lines.push(...parts);
    while (waiters.length && lines.length) waiters.shift()(lines.shift());
  });
  const nextLine = () =>
    new Promise((resolve) => (lines.length ? resolve(lines.shift()) : waiters.push(resolve)));
  const ended = new Promise((resolve) => child.on('close', resolve));
  try {
    assert.equal(await nextLine(), a.id);
    process.kill(child.pid, 'SIGSTOP');
    const taken = await tickets.claim('@b', { wait: true, timeout: 10, lease: 60 });
    assert.equal(taken.id, a.id);
    process.kill(child.pid, 'SIGCONT');
    const seen = await nextLine();
    assert.match(seen, /^aborted true CONFLICT /);
    assert.equal(await nextLine(), 'rejected CONFLICT');
    assert.equal(await ended, 0);
  } finally {
    child.kill('SIGKILL');
  }
  const got = tickets.get(a.id);
  assert.equal(got.status, 'in_progress');
  assert.equal(got.assignee, '@b');
});
