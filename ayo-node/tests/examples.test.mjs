// The README's examples of Running work, Watching changes and Defer (examples/work.mjs,
// watch.mjs, plan.mjs) run as written, against the real addon.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Tickets, childEnv, tmp } from './support/helpers.mjs';

const EXAMPLES = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'examples');

test('the work example closes its ticket', (t) => {
  const env = { ...childEnv(), AYO_HOME: tmp(t), AYO_SESSION_ID: 'work' };
  const run = spawnSync(process.execPath, [path.join(EXAMPLES, 'work.mjs')], { env, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, 3), ['processed a', 'processed b', 'processed c']);
  const [id, status] = lines[3].split(' ');
  assert.equal(status, 'closed');
  const closed = Tickets.open(path.join(env.AYO_HOME, 'sessions', 'work', '.tickets')).get(id);
  assert.equal(closed.notes[0].text, 'working on Process the rows');
  assert.equal(closed.notes[0].author, '@worker');
});

test('the watch example prints changes as they happen and ends on Ctrl-C', async (t) => {
  const env = { ...childEnv(), AYO_HOME: tmp(t), AYO_SESSION_ID: 'watch' };
  const child = spawn(process.execPath, [path.join(EXAMPLES, 'watch.mjs')], { env });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => (await lines.next()).value.split(' ');
  assert.equal((await next()).at(-1), 'create'); // replayed from the last hour
  const store = Tickets.open(path.join(env.AYO_HOME, 'sessions', 'watch', '.tickets'));
  const ticket = store.create('Validate extracted data', { assignee: '@validator' });
  store.claim('@validator');
  const seen = [await next(), await next()];
  assert.deepEqual(
    seen.map((s) => s.slice(1)),
    [['null', ticket.id, 'create'], ['@validator', ticket.id, 'claim']],
  );
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('the plan example defers, explains and links', () => {
  const run = spawnSync(process.execPath, [path.join(EXAMPLES, 'plan.mjs')], {
    env: childEnv(),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n'), [
    "false [ 'deferred' ]",
    'true true',
    '# Working with ayo tickets',
  ]);
});
