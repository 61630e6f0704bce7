// A Claude Code task list as the store of the Node API: the seed workflow through
// Tickets.connect('claude:...'), with every task file still in Claude Code's schema after
// each write.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Tickets, tmp } from './support/helpers.mjs';

/** ids are strings equal to the file name, activeForm is there, the status is Claude Code's,
 * and every `blocks` is the exact reverse of the `blockedBy` lists. */
function assertClaudeSchema(dir) {
  const tasks = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    tasks[name.slice(0, -5)] = JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
  }
  const reverse = {};
  for (const [id, t] of Object.entries(tasks)) {
    assert.equal(t.id, id);
    assert.equal(typeof t.activeForm, 'string');
    assert.ok(['pending', 'in_progress', 'completed', 'deleted'].includes(t.status));
    for (const dep of t.blockedBy) (reverse[dep] ??= []).push(id);
  }
  for (const [id, t] of Object.entries(tasks)) {
    assert.deepEqual([...t.blocks].sort(), (reverse[id] ?? []).sort(), id);
  }
}

test('the seed workflow on a Claude Code task list', async (t) => {
  const dir = path.join(tmp(t), 'list');
  const tickets = Tickets.connect(`claude:${dir}`, { actor: 'node' });
  const a = tickets.create('Extract data', { assignee: 'extractor' });
  const b = tickets.create('Validate data', { deps: [a.id] });
  const c = tickets.create('Import data', { deps: [b.id] });
  assert.deepEqual([a.id, b.id, c.id], ['1', '2', '3']);
  assertClaudeSchema(dir);

  const claimed = await tickets.claim('extractor');
  assert.equal(claimed.id, '1');
  assertClaudeSchema(dir);
  tickets.note('1', 'Half of the invoices read');
  assertClaudeSchema(dir);
  const closed = tickets.close('1', { reason: 'done' });
  assert.deepEqual(closed.unblocked.map((x) => x.id), ['2']);
  assertClaudeSchema(dir);

  const task = JSON.parse(readFileSync(path.join(dir, '1.json'), 'utf8'));
  assert.equal(task.status, 'completed');
  assert.equal(task.owner, '@extractor');
  assert.deepEqual(task.blocks, ['2']);
  assert.equal(task.metadata.ayo.notes[0].text, 'Half of the invoices read');
  assert.deepEqual(tickets.ready().map((x) => x.id), ['2']);
});
