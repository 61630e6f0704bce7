// `tickets.watch()`: an async iterator of the store's changes, woken by another process's
// writes, never blocking the event loop; `since` replays the log; an AbortSignal ends it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Tickets, runNode, sleep, tmp } from './support/helpers.mjs';

const WRITER = `
import { Tickets } from 'ayo-tickets';
const t = Tickets.open(process.argv[1]);
const a = t.create('Extract');
if ((await t.claim('@worker')).id !== a.id) throw new Error('claimed another ticket');
t.close(a.id);
process.stdout.write(a.id);
`;

test('a watch sees another process create, claim and close, in order', async (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  const controller = new AbortController();
  const changes = tickets.watch({ signal: controller.signal });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const writer = runNode({ code: WRITER }, [dir]);
  // A writer that fails ends the watch (the test then fails on its output) rather than hang.
  writer.then((r) => r.code !== 0 && controller.abort());
  const seen = [];
  for await (const e of changes) {
    seen.push(e);
    if (seen.length === 3) break;
  }
  clearInterval(timer);
  const { code, stdout, stderr } = await writer;
  assert.equal(code, 0, stderr);
  assert.deepEqual(
    seen.map((e) => [e.ticket, e.action]),
    [
      [stdout, 'create'],
      [stdout, 'claim'],
      [stdout, 'close'],
    ],
  );
  assert.equal(seen[1].actor, '@worker');
  assert.ok(seen[0].at instanceof Date);
  assert.ok(ticks > 0, 'the event loop ran while the watch waited');
});

test('since replays the log first; agent keeps its own changes', async (t) => {
  const tickets = Tickets.open(tmp(t));
  const old = tickets.create('Old');
  await sleep(10);
  const since = new Date();
  const mine = tickets.create('Mine', { assignee: 'me' });
  tickets.note(old.id, 'not mine');
  const changes = tickets.watch({ since, agent: '@me' });
  const first = await changes.next();
  assert.deepEqual([first.value.ticket, first.value.action], [mine.id, 'create']);
  tickets.start(mine.id);
  const second = await changes.next();
  assert.deepEqual([second.value.ticket, second.value.action], [mine.id, 'start']);
  const fromString = tickets.watch({ since: since.toISOString() });
  assert.equal((await fromString.next()).value.ticket, mine.id);
  assert.throws(() => tickets.watch({ since: 'yesterday' }), (e) => e.code === 'INVALID');
  assert.throws(() => tickets.watch({ until: since }), (e) => e.code === 'INVALID');
});

test('aborting the signal ends a waiting watch with an AbortError', async (t) => {
  const tickets = Tickets.open(tmp(t));
  const controller = new AbortController();
  const changes = tickets.watch({ signal: controller.signal });
  const step = changes.next();
  await sleep(200);
  controller.abort();
  await assert.rejects(step, (e) => e.name === 'AbortError');
  // The generator is done after it threw.
  assert.deepEqual(await changes.next(), { value: undefined, done: true });
});
