// Defer, why, links and the guide through the real addon, in memory and in a directory store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as esm from 'ayo-tickets';

import { Tickets, throwsCode, tmp } from './support/helpers.mjs';

const STORES = {
  memory: () => Tickets.inMemory(),
  dir: (t) => Tickets.open(tmp(t)),
};

for (const [kind, open] of Object.entries(STORES)) {
  describe(`defer, why, links (${kind} store)`, () => {
    test('a deferred ticket is neither ready nor claimable until then', async (t) => {
      const tickets = open(t);
      const a = tickets.create('Publish the report', { deferUntil: '2h' });
      assert.ok(a.deferUntil instanceof Date && a.deferUntil.getTime() > Date.now());
      assert.equal(a.ready, false);
      assert.deepEqual(tickets.ready(), []);
      assert.equal(await tickets.claim('@w'), null);
      assert.equal(tickets.defer(a.id, null).ready, true);
      const at = new Date('2030-01-02T03:04:05.678Z');
      assert.equal(tickets.defer(a.id, at).deferUntil.getTime(), at.getTime());
      assert.equal(tickets.get(a.id).deferUntil.getTime(), at.getTime());
      throwsCode(() => tickets.defer(a.id, 'tomorrow'), 'INVALID');
    });

    test('a waiting claim wakes when the deferral ends', async (t) => {
      const tickets = open(t);
      const a = tickets.create('Soon', { deferUntil: new Date(Date.now() + 600) });
      const started = Date.now();
      const got = await tickets.claim('@w', { wait: true, timeout: 20 });
      assert.equal(got.id, a.id);
      assert.ok(Date.now() - started >= 500);
    });

    test('why names the open deps, their roots, the deferral and the assignee', (t) => {
      const tickets = open(t);
      const root = tickets.create('Root');
      const mid = tickets.create('Middle', { deps: [root.id] });
      const top = tickets.create('Top', { deps: [mid.id], assignee: '@v', deferUntil: '1h' });
      const why = tickets.why(top.id, { agent: '@x' });
      assert.equal(why.id, top.id);
      assert.equal(why.ready, false);
      assert.equal(why.claimable, false);
      assert.deepEqual(why.reasons.map((r) => r.kind), ['blocked', 'deferred', 'assigned']);
      assert.deepEqual(why.reasons[0].deps, [mid.id]);
      assert.deepEqual(why.reasons[0].roots, [root.id]);
      assert.ok(why.reasons[1].until instanceof Date);
      assert.equal(why.reasons[2].to, '@v');
      const free = tickets.why(root.id);
      assert.deepEqual([free.ready, free.claimable, free.reasons], [true, true, []]);
      throwsCode(() => tickets.why(root.id, { agnt: 'x' }), 'INVALID');
    });

    test('links are symmetric', (t) => {
      const tickets = open(t);
      const [a, b, c] = ['A', 'B', 'C'].map((x) => tickets.create(x));
      assert.deepEqual(tickets.link(a.id, [b.id, c.id]).links, [b.id, c.id]);
      assert.deepEqual(tickets.get(b.id).links, [a.id]);
      assert.deepEqual(tickets.unlink(c.id, a.id).links, []);
      assert.deepEqual(tickets.get(a.id).links, [b.id]);
      throwsCode(() => tickets.link(a.id, [a.id]), 'INVALID');
      throwsCode(() => tickets.link(a.id, b.id), 'INVALID');
    });
  });
}

test('guide() is the core guide, exported by name', () => {
  assert.equal(typeof esm.guide, 'function');
  assert.match(esm.guide(), /^# Working with ayo tickets/);
});
