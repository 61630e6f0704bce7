// `search` and `importBeads` through the real addon, in memory and in a directory store.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Tickets, throwsCode, tmp } from './support/helpers.mjs';

const BEADS = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..', '..', 'ayo-tickets', 'tests', 'fixtures', 'beads',
);

const STORES = {
  memory: () => Tickets.inMemory(),
  dir: (t) => Tickets.open(tmp(t)),
};

for (const [kind, open] of Object.entries(STORES)) {
  describe(`search and importBeads (${kind} store)`, () => {
    test('search finds any case, title matches first, with the list filters', (t) => {
      const tickets = open(t);
      const body = tickets.create('Validate totals', { description: 'Check the INVOICE sums', assignee: 'validator' });
      const title = tickets.create('Extract invoice data', { tags: ['finance'] });
      tickets.create('Unrelated');
      assert.deepEqual(tickets.search('invoice').map((x) => x.id), [title.id, body.id]);
      assert.deepEqual(tickets.search('Invoice', { assignee: '@validator' }).map((x) => x.id), [body.id]);
      assert.deepEqual(tickets.search('invoice', { tag: 'finance', status: 'open' }).map((x) => x.id), [title.id]);
      throwsCode(() => tickets.search(' '), 'INVALID');
      throwsCode(() => tickets.search(), 'INVALID');
    });

    test('importBeads maps statuses and edges and counts what it left out', (t) => {
      const tickets = open(t);
      const done = tickets.importBeads(path.join(BEADS, 'issues.jsonl'));
      assert.equal(done.imported, 9);
      assert.equal(done.notMapped.filter((n) => n.kind === 'ephemeral').length, 2);
      assert.equal(tickets.get('bv-7').status, 'blocked');
      assert.deepEqual(tickets.ready().map((x) => x.id), ['bv-14', 'bv-2a4']);
      throwsCode(() => tickets.importBeads(path.join(BEADS, 'issues.jsonl')), 'EXISTS');
    });

    test('importBeads refuses a cycle by name and writes nothing', (t) => {
      const tickets = open(t);
      const e = throwsCode(() => tickets.importBeads(path.join(BEADS, 'cycle.jsonl')), 'CYCLE');
      assert.deepEqual(e.cycle, ['cy-1', 'cy-3', 'cy-2', 'cy-1']);
      assert.deepEqual(tickets.list(), []);
    });
  });
}
