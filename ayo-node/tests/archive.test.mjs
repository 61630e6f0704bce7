// archive, archiveOlderThan, unarchive and list({ archived: true }) through the real addon, sync
// and as promises, in memory and in a directory store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Tickets, rejectsCode, throwsCode, tmp } from './support/helpers.mjs';

const STORES = {
  memory: () => Tickets.inMemory(),
  dir: (t) => Tickets.open(tmp(t)),
};

const ids = (list) => list.map((x) => x.id);

for (const [kind, open] of Object.entries(STORES)) {
  describe(`archive (${kind} store)`, () => {
    test('archive moves closed tickets out of list, ready and search, and unarchive brings them back', (t) => {
      const tickets = open(t);
      const old = tickets.create('Ship the invoice parser');
      tickets.close(old.id, { reason: 'shipped' });
      const later = tickets.create('Report totals', { deps: [old.id] });
      const other = tickets.create('Still open');
      assert.equal(other.archived, false);
      const done = tickets.archive([old.id]);
      assert.deepEqual(ids(done), [old.id]);
      assert.equal(done[0].archived, true);
      assert.equal(done[0].status, 'closed');
      assert.deepEqual(ids(tickets.list()), [later.id, other.id]);
      assert.deepEqual(ids(tickets.list({ archived: true })), [old.id]);
      assert.deepEqual(ids(tickets.list({ archived: true, status: 'open' })), []);
      assert.deepEqual(ids(tickets.list({ archived: false })), [later.id, other.id]);
      assert.deepEqual(ids(tickets.search('invoice')), []);
      assert.deepEqual(ids(tickets.search('invoice', { archived: true })), [old.id]);
      // Still found by id and in the log; a dep on it counts as closed.
      assert.equal(tickets.get(old.id).archived, true);
      assert.equal(tickets.history(old.id).at(-1).action, 'archive');
      assert.deepEqual(ids(tickets.ready()), [later.id, other.id]);
      const back = tickets.unarchive(old.id);
      assert.equal(back.archived, false);
      assert.equal(back.status, 'closed');
      assert.deepEqual(ids(tickets.list()), [old.id, later.id, other.id]);
      assert.deepEqual(tickets.list({ archived: true }), []);
    });

    test('archive refuses what is not closed, all or none, and an archived ticket takes no write', (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      tickets.close(a.id);
      const b = tickets.create('B');
      const e = throwsCode(() => tickets.archive([a.id, b.id]), 'INVALID_TRANSITION');
      assert.match(e.message, /it is open/);
      assert.deepEqual(tickets.list({ archived: true }), []);
      throwsCode(() => tickets.archive([]), 'INVALID');
      throwsCode(() => tickets.archive(a.id), 'INVALID');
      throwsCode(() => tickets.archive(['nope']), 'NOT_FOUND');
      throwsCode(() => tickets.list({ archived: 'yes' }), 'INVALID');
      tickets.archive([a.id]);
      assert.match(throwsCode(() => tickets.note(a.id, 'late'), 'INVALID_TRANSITION').message, /it is archived/);
      throwsCode(() => tickets.archive([a.id]), 'INVALID_TRANSITION');
      throwsCode(() => tickets.unarchive(b.id), 'INVALID_TRANSITION');
    });

    test('archiveOlderThan takes seconds or a duration string', (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      tickets.close(a.id);
      tickets.create('Open');
      assert.deepEqual(tickets.archiveOlderThan('1d'), []);
      assert.deepEqual(tickets.archiveOlderThan(3600), []);
      for (const bad of ['3 weeks', -5, Infinity, null]) {
        const e = throwsCode(() => tickets.archiveOlderThan(bad), 'INVALID');
        assert.match(e.message, /^archiveOlderThan: age must be a number of seconds or a duration/);
      }
      assert.deepEqual(ids(tickets.archiveOlderThan(0)), [a.id]);
      assert.deepEqual(tickets.archiveOlderThan('0s'), []);
      assert.deepEqual(ids(tickets.list({ archived: true })), [a.id]);
    });

    test('the promise twins archive, archiveOlderThan and unarchive', async (t) => {
      const tickets = open(t);
      const p = tickets.promises;
      const a = await p.create('A');
      await p.close(a.id);
      const b = await p.create('B');
      await p.close(b.id);
      assert.deepEqual(ids(await p.archive([a.id])), [a.id]);
      assert.deepEqual(ids(await p.archiveOlderThan('0s')), [b.id]);
      assert.deepEqual(ids(await p.list({ archived: true })), [a.id, b.id]);
      assert.equal((await p.unarchive(a.id)).archived, false);
      assert.deepEqual(ids(await p.list()), [a.id]);
      await rejectsCode(p.archive([a.id, 'nope']), 'NOT_FOUND');
      await rejectsCode(p.archive('x'), 'INVALID');
      await rejectsCode(p.archiveOlderThan('soon'), 'INVALID');
      await rejectsCode(p.unarchive(a.id), 'INVALID_TRANSITION');
    });
  });
}
