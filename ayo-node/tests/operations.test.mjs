// Every operation of the contract through the real addon, in memory and in a directory store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Tickets, rejectsCode, throwsCode, tmp } from './support/helpers.mjs';

const KEYS = [
  'id', 'title', 'status', 'assignee', 'deps', 'blockedBy', 'ready', 'priority', 'type', 'tags',
  'parent', 'links', 'externalRef', 'description', 'notes', 'created', 'started', 'closed', 'leaseUntil',
  'deferUntil', 'archived',
].sort();

const STORES = {
  memory: () => Tickets.inMemory(),
  dir: (t) => Tickets.open(tmp(t)),
};

for (const [kind, open] of Object.entries(STORES)) {
  describe(`operations (${kind} store)`, () => {
    test('create returns a plain object with camelCase keys, nulls and Dates', (t) => {
      const tickets = open(t);
      const before = Date.now();
      const a = tickets.create('Extract data from invoices');
      assert.deepEqual(Object.keys(a).sort(), KEYS);
      assert.equal(Object.getPrototypeOf(a), Object.prototype);
      assert.match(a.id, /^[a-z][a-z0-9]{5}$/);
      assert.equal(a.status, 'open');
      assert.equal(a.assignee, null);
      assert.equal(a.parent, null);
      assert.equal(a.started, null);
      assert.equal(a.closed, null);
      assert.equal(a.leaseUntil, null);
      assert.equal(a.priority, 2);
      assert.equal(a.type, 'task');
      assert.equal(a.ready, true);
      assert.deepEqual(a.blockedBy, []);
      assert.ok(a.created instanceof Date);
      assert.ok(a.created.getTime() >= before - 1000 && a.created.getTime() <= Date.now() + 1000);
    });

    test('create takes every option', (t) => {
      const tickets = open(t);
      const epic = tickets.create('Month end', { type: 'epic', id: 'epic-1' });
      const a = tickets.create('Extract', { assignee: 'extractor' });
      const b = tickets.create('Validate', {
        assignee: '@validator',
        deps: [a.id],
        priority: 0,
        type: 'bug',
        tags: ['finance', 'q3'],
        description: 'Check totals.\n\nTwice.',
        parent: 'epic',
        id: 'step2',
      });
      assert.equal(epic.id, 'epic-1');
      assert.equal(a.assignee, '@extractor');
      assert.equal(b.id, 'step2');
      assert.equal(b.assignee, '@validator');
      assert.deepEqual(b.deps, [a.id]);
      assert.deepEqual(b.blockedBy, [a.id]);
      assert.equal(b.ready, false);
      assert.equal(b.priority, 0);
      assert.equal(b.type, 'bug');
      assert.deepEqual(b.tags, ['finance', 'q3']);
      assert.equal(b.description, 'Check totals.\n\nTwice.');
      assert.equal(b.parent, 'epic-1');
      assert.deepEqual(tickets.get('step2'), b);
    });

    test('get by exact id and by unique prefix', (t) => {
      const tickets = open(t);
      const a = tickets.create('One', { id: 'alpha-1' });
      tickets.create('Two', { id: 'beta-1' });
      assert.equal(tickets.get('alpha-1').title, 'One');
      assert.equal(tickets.get('alp').id, a.id);
    });

    test('list filters by status, assignee, tag, type and parent, oldest first', (t) => {
      const tickets = open(t);
      const epic = tickets.create('Epic', { type: 'epic' });
      const a = tickets.create('A', { assignee: 'x', tags: ['red'], parent: epic.id });
      const b = tickets.create('B', { assignee: 'y', tags: ['red', 'blue'], type: 'bug' });
      const c = tickets.create('C', { tags: ['blue'], parent: epic.id });
      tickets.close(c.id);
      const ids = (list) => list.map((x) => x.id);
      assert.deepEqual(ids(tickets.list()), [epic.id, a.id, b.id, c.id]);
      assert.deepEqual(ids(tickets.list({ status: 'closed' })), [c.id]);
      assert.deepEqual(ids(tickets.list({ status: 'open' })), [epic.id, a.id, b.id]);
      assert.deepEqual(ids(tickets.list({ assignee: 'x' })), [a.id]);
      assert.deepEqual(ids(tickets.list({ assignee: '@y' })), [b.id]);
      assert.deepEqual(ids(tickets.list({ tag: 'blue' })), [b.id, c.id]);
      assert.deepEqual(ids(tickets.list({ type: 'bug' })), [b.id]);
      assert.deepEqual(ids(tickets.list({ parent: epic.id })), [a.id, c.id]);
      assert.deepEqual(ids(tickets.list({ tag: 'red', assignee: 'y' })), [b.id]);
    });

    test('ready orders by priority, then created; blocked lists the waiting ones', (t) => {
      const tickets = open(t);
      const low = tickets.create('Low', { priority: 3 });
      const high = tickets.create('High', { priority: 0, assignee: 'v' });
      const mid = tickets.create('Mid');
      const waiting = tickets.create('Waiting', { deps: [low.id], assignee: 'v' });
      assert.deepEqual(tickets.ready().map((x) => x.id), [high.id, mid.id, low.id]);
      assert.deepEqual(tickets.ready({ assignee: 'v' }).map((x) => x.id), [high.id]);
      assert.deepEqual(tickets.blocked().map((x) => x.id), [waiting.id]);
      assert.deepEqual(tickets.blocked({ assignee: '@v' }).map((x) => x.id), [waiting.id]);
      assert.deepEqual(tickets.blocked({ assignee: 'nobody' }), []);
      tickets.close(low.id);
      assert.deepEqual(tickets.blocked(), []);
      assert.ok(tickets.ready().some((x) => x.id === waiting.id));
    });

    test('update edits the given fields and keeps the rest; parent null clears', (t) => {
      const tickets = open(t);
      const epic = tickets.create('Epic', { type: 'epic' });
      const a = tickets.create('Old', { tags: ['a'], description: 'keep me', assignee: 'w' });
      const u = tickets.update(a.id, { title: 'New', priority: 4, type: 'chore', parent: epic.id });
      assert.equal(u.title, 'New');
      assert.equal(u.priority, 4);
      assert.equal(u.type, 'chore');
      assert.equal(u.parent, epic.id);
      assert.equal(u.description, 'keep me');
      assert.deepEqual(u.tags, ['a']);
      assert.equal(u.assignee, '@w');
      const v = tickets.update(a.id, { tags: ['b', 'c'], description: 'changed', parent: null });
      assert.deepEqual(v.tags, ['b', 'c']);
      assert.equal(v.description, 'changed');
      assert.equal(v.parent, null);
      assert.equal(v.title, 'New');
      assert.equal(tickets.update(a.id, {}).parent, null);
    });

    test('start sets started and the agent; force starts a blocked ticket', (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      const b = tickets.create('B', { deps: [a.id] });
      const s = tickets.start(a.id, { agent: 'one' });
      assert.equal(s.status, 'in_progress');
      assert.equal(s.assignee, '@one');
      assert.ok(s.started instanceof Date);
      assert.deepEqual(tickets.start(a.id, { agent: '@one' }), s, 'same agent: a no-op');
      throwsCode(() => tickets.start(b.id), 'BLOCKED');
      const forced = tickets.start(b.id, { force: true });
      assert.equal(forced.status, 'in_progress');
      assert.deepEqual(forced.blockedBy, [a.id]);
    });

    test('claim takes its own tickets first, then unassigned ones, then none', async (t) => {
      const tickets = open(t);
      const free = tickets.create('Free', { priority: 0 });
      const mine = tickets.create('Mine', { assignee: 'w', priority: 3 });
      tickets.create('Theirs', { assignee: 'other', priority: 0 });
      const first = tickets.claim('w');
      assert.ok(first instanceof Promise);
      const c1 = await first;
      assert.equal(c1.id, mine.id);
      assert.equal(c1.status, 'in_progress');
      assert.equal(c1.assignee, '@w');
      const c2 = await tickets.claim('@w');
      assert.equal(c2.id, free.id);
      assert.equal(c2.assignee, '@w');
      assert.equal(await tickets.claim('w'), null);
      assert.equal(await tickets.claim('w', { wait: true, timeout: 0.1 }), null);
    });

    test('claim with a lease; heartbeat renews it; release gives it back', async (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      const c = await tickets.claim('w', { lease: 60 });
      assert.equal(c.id, a.id);
      assert.ok(c.leaseUntil instanceof Date);
      const left = c.leaseUntil.getTime() - Date.now();
      assert.ok(left > 55_000 && left <= 60_500, `lease ends in ${left} ms`);
      const h = tickets.heartbeat(a.id, 'w', { lease: 600 });
      const renewed = h.leaseUntil.getTime() - Date.now();
      assert.ok(renewed > 590_000 && renewed <= 600_500, `renewed to ${renewed} ms`);
      assert.equal(tickets.heartbeat(a.id, '@w').leaseUntil.getTime() - Date.now() > 590_000, true);
      throwsCode(() => tickets.heartbeat(a.id, 'other'), 'CONFLICT');
      throwsCode(() => tickets.release(a.id, { agent: 'other' }), 'CONFLICT');
      const r = tickets.release(a.id, { agent: 'w' });
      assert.equal(r.status, 'open');
      assert.equal(r.assignee, '@w');
      assert.equal(r.leaseUntil, null);
    });

    test('a lease that ran out is taken over, with a note naming the holder', async (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      await tickets.claim('first', { lease: 1 });
      assert.equal(await tickets.claim('second'), null);
      const taken = await tickets.claim('second', { wait: true, timeout: 5 });
      assert.equal(taken.id, a.id);
      assert.equal(taken.assignee, '@second');
      assert.match(taken.notes.at(-1).text, /@first/);
      throwsCode(() => tickets.heartbeat(a.id, 'first'), 'CONFLICT');
      throwsCode(() => tickets.release(a.id, { agent: 'first' }), 'CONFLICT');
    });

    test('close returns { ticket, unblocked }; the reason becomes a note; reopen', (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      const b = tickets.create('B', { deps: [a.id] });
      const c = tickets.create('C', { deps: [a.id, b.id] });
      const closed = tickets.close(a.id, { reason: '47 reports' });
      assert.deepEqual(Object.keys(closed).sort(), ['ticket', 'unblocked']);
      assert.equal(closed.ticket.status, 'closed');
      assert.ok(closed.ticket.closed instanceof Date);
      assert.equal(closed.ticket.notes.at(-1).text, '47 reports');
      assert.ok(closed.ticket.notes.at(-1).at instanceof Date);
      assert.deepEqual(closed.unblocked.map((x) => x.id), [b.id]);
      assert.equal(closed.unblocked[0].ready, true);
      assert.deepEqual(tickets.get(c.id).blockedBy, [b.id]);
      assert.deepEqual(tickets.close(b.id).unblocked.map((x) => x.id), [c.id]);
      const r = tickets.reopen(a.id);
      assert.equal(r.status, 'open');
      assert.equal(r.closed, null);
      assert.equal(tickets.get(b.id).status, 'closed', 'b stays closed');
      assert.deepEqual(tickets.get(b.id).blockedBy, [a.id], 'readiness is derived');
    });

    test('note appends by the actor; assign sets and clears', (t) => {
      const tickets = Tickets.inMemory({ actor: 'boss' });
      assert.equal(tickets.actor, '@boss');
      const a = tickets.create('A');
      tickets.note(a.id, 'first');
      const n = tickets.note(a.id, 'second\nline');
      assert.deepEqual(n.notes.map((x) => [x.author, x.text]), [['@boss', 'first'], ['@boss', 'second\nline']]);
      assert.ok(n.notes[0].at <= n.notes[1].at);
      assert.equal(tickets.assign(a.id, 'helper').assignee, '@helper');
      assert.equal(tickets.assign(a.id, null).assignee, null);
      assert.equal(open(t).actor, null);
    });

    test('addDep, removeDep and depTree', (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      const b = tickets.create('B');
      const c = tickets.create('C');
      assert.deepEqual(tickets.addDep(c.id, b.id).deps, [b.id]);
      tickets.addDep(b.id, a.id);
      tickets.addDep(c.id, a.id);
      const tree = tickets.depTree(c.id);
      assert.equal(tree.id, c.id);
      assert.equal(tree.title, 'C');
      assert.equal(tree.status, 'open');
      assert.deepEqual(tree.deps.map((d) => d.id), [b.id, a.id]);
      assert.deepEqual(tree.deps[0].deps.map((d) => d.id), [a.id]);
      assert.equal(tree.deps[0].deps[0].missing, false);
      assert.deepEqual(tickets.removeDep(c.id, b.id).deps, [a.id]);
    });

    test('delete refuses while others depend on it; force removes those deps', (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      const b = tickets.create('B', { deps: [a.id] });
      throwsCode(() => tickets.delete(a.id), 'CONFLICT');
      const gone = tickets.delete(a.id, { force: true });
      assert.equal(gone.id, a.id);
      throwsCode(() => tickets.get(a.id), 'NOT_FOUND');
      assert.deepEqual(tickets.get(b.id).deps, []);
      assert.equal(tickets.delete(b.id).id, b.id);
      assert.deepEqual(tickets.list(), []);
    });

    test('waitReady resolves at once when a ticket is ready, without claiming it', async (t) => {
      const tickets = open(t);
      tickets.create('Theirs', { assignee: 'x' });
      const mine = tickets.create('Mine', { assignee: 'v', priority: 0 });
      const w = await tickets.waitReady({ assignee: 'v' });
      assert.equal(w.id, mine.id);
      assert.equal(w.status, 'open');
      assert.equal(await tickets.waitReady({ assignee: 'nobody', timeout: 0.05 }), null);
    });

    test('waitReady wakes when another handle makes a ticket ready', async (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      const b = tickets.create('B', { deps: [a.id], assignee: 'v' });
      const started = Date.now();
      const waiting = tickets.waitReady({ assignee: 'v', timeout: 20 });
      setTimeout(() => tickets.close(a.id), 200);
      const w = await waiting;
      assert.equal(w.id, b.id);
      assert.ok(Date.now() - started < 10_000);
    });

    test('history records who did what, oldest first', (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      const boss = kind === 'memory' ? tickets : Tickets.open(tickets.location, { actor: 'boss' });
      boss.note(a.id, 'hello');
      tickets.close(a.id);
      const log = tickets.history(a.id);
      assert.deepEqual(log.map((e) => e.action), ['create', 'note', 'close']);
      assert.ok(log.every((e) => e.at instanceof Date && e.ticket === a.id));
      assert.deepEqual(Object.keys(log[0]).sort(), ['action', 'actor', 'at', 'detail', 'ticket']);
      if (kind === 'dir') assert.equal(log[1].actor, '@boss');
      assert.equal(log[0].detail, 'A');
      tickets.create('B');
      assert.equal(tickets.history().length, 4);
      tickets.delete(a.id);
      assert.equal(tickets.history(a.id).at(-1).action, 'delete');
    });

    test('graph draws mermaid or dot, all or below one ticket', (t) => {
      const tickets = open(t);
      const a = tickets.create('A', { id: 'ga' });
      const b = tickets.create('B', { id: 'gb', deps: [a.id] });
      tickets.create('Other', { id: 'gc' });
      const mermaid = tickets.graph();
      assert.match(mermaid, /^graph TD/);
      assert.match(mermaid, /gb.*-->.*ga/);
      assert.match(mermaid, /gc/);
      const dot = tickets.graph({ format: 'dot', id: b.id });
      assert.match(dot, /digraph/);
      assert.match(dot, /gb.*->.*ga/);
      assert.doesNotMatch(dot, /gc/);
      assert.equal(tickets.graph({ format: 'mermaid' }), mermaid);
    });

    test('check finds nothing in a healthy store', (t) => {
      const tickets = open(t);
      const a = tickets.create('A');
      tickets.create('B', { deps: [a.id] });
      assert.deepEqual(tickets.check(), []);
    });

    test('batch commits when fn returns and drops everything when it throws', (t) => {
      const tickets = open(t);
      const value = tickets.batch((tk) => {
        assert.equal(tk, tickets, 'fn gets the handle');
        tk.create('One');
        const two = tickets.create('Two');
        tickets.note(two.id, 'inside');
        return two.id;
      });
      assert.equal(tickets.get(value).notes.length, 1);
      assert.equal(tickets.list().length, 2);
      const boom = new Error('boom');
      assert.throws(
        () =>
          tickets.batch(() => {
            tickets.create('Three');
            tickets.close(value);
            throw boom;
          }),
        (e) => e === boom,
      );
      assert.equal(tickets.list().length, 2);
      assert.equal(tickets.get(value).status, 'open');
      const nested = tickets.batch(() => tickets.batch(() => tickets.create('Nested').id));
      assert.equal(tickets.get(nested).title, 'Nested');
    });

    test('batch refuses an async fn and drops its writes', async (t) => {
      const tickets = open(t);
      const e = throwsCode(
        () =>
          tickets.batch(async () => {
            tickets.create('Sync part');
          }),
        'INVALID',
      );
      assert.match(e.message, /synchronous/);
      assert.deepEqual(tickets.list(), []);
    });

    test('a rejected claim still needs its arguments right', async (t) => {
      const tickets = open(t);
      await rejectsCode(tickets.claim('w', { lease: -1 }), 'INVALID');
      await rejectsCode(tickets.claim('w', { wait: true, timeout: -1 }), 'INVALID');
      await rejectsCode(tickets.waitReady({ timeout: Number.NaN }), 'INVALID');
      await rejectsCode(tickets.claim('not a handle!'), 'INVALID');
    });
  });
}

test('directory stores: two handles see the same tickets', (t) => {
  const dir = tmp(t);
  const one = Tickets.open(dir);
  const two = Tickets.open(dir);
  const a = one.create('Shared');
  assert.equal(two.get(a.id).title, 'Shared');
  assert.equal(one.location, two.location);
  assert.equal(Tickets.inMemory().location.length > 0, true);
});

test('the default lease of the constructor applies to claims', async () => {
  const tickets = Tickets.inMemory({ lease: 120 });
  tickets.create('A');
  const c = await tickets.claim('w');
  const left = c.leaseUntil.getTime() - Date.now();
  assert.ok(left > 115_000 && left <= 120_500, `lease ends in ${left} ms`);
});
