// Ticket files through the Node API: the sample .tickets/ directories of tk and ayo read
// unchanged, files written in the contract's format, hand edits found by check. These need the
// real markdown format of the core.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Tickets, tmp } from './support/helpers.mjs';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..', '..', 'ayo-tickets', 'tests', 'fixtures',
);

function copy(t, dialect) {
  const dir = tmp(t);
  cpSync(path.join(FIXTURES, dialect), dir, { recursive: true });
  return dir;
}

test("tk's tickets read as they are", (t) => {
  const tickets = Tickets.open(copy(t, 'tk'));
  const x = tickets.get('web-x7k2');
  assert.equal(x.title, 'Add SSE connection management');
  assert.equal(x.status, 'in_progress');
  assert.equal(x.assignee, 'Jane Doe');
  assert.deepEqual(x.deps, ['web-a1b2', 'web-q9z0']);
  assert.deepEqual(x.blockedBy, ['web-q9z0']);
  assert.deepEqual(x.tags, ['ui', 'backend']);
  assert.equal(x.type, 'feature');
  assert.equal(x.parent, 'web-ep01');
  assert.match(x.description, /## Design/);
  assert.deepEqual(x.created, new Date('2026-01-18T12:05:00Z'));
  assert.deepEqual(tickets.ready().map((r) => r.id), ['web-q9z0']);
  assert.deepEqual(
    tickets.get('web-a1b2').notes.map((n) => [n.at.toISOString(), n.text]),
    [
      ['2026-01-18T15:00:00.000Z', 'Server runs on :8080.'],
      ['2026-01-19T09:30:00.000Z', 'Added graceful shutdown.'],
    ],
  );
  assert.deepEqual(tickets.list({ assignee: 'Jane Doe' }).length, 2);
});

test("ayo's tickets read as they are", (t) => {
  const tickets = Tickets.open(copy(t, 'ayo'));
  const a = tickets.get('proj-a1b2');
  assert.equal(a.status, 'in_progress');
  assert.equal(a.assignee, '@backend');
  assert.deepEqual(a.tags, ['auth']);
  assert.deepEqual(a.blockedBy, []);
  assert.equal(a.ready, false);
  assert.deepEqual(a.started, new Date('2026-02-12T11:00:00Z'));
  assert.deepEqual(a.notes.map((n) => n.text), ['Completed JWT design', 'Token refresh works;\ntests next.']);
  assert.ok(!tickets.ready().some((r) => r.id === 'proj-a1b2'));
  assert.ok(!tickets.blocked().some((r) => r.id === 'proj-a1b2'));
});

test('a change through Node rewrites only what changed', (t) => {
  const dir = copy(t, 'tk');
  const file = path.join(dir, 'web-x7k2.md');
  const before = readFileSync(file, 'utf8');
  const tickets = Tickets.open(dir);
  tickets.update('web-x7k2', { priority: 1 });
  const after = readFileSync(file, 'utf8');
  assert.equal(after, before.replace('priority: 2', 'priority: 1'));
  tickets.update('web-x7k2', { priority: 2 });
  assert.equal(readFileSync(file, 'utf8'), before, 'back to byte-identical');
});

test('new tickets are written in the contract format', (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  const a = tickets.create('Extract data', { id: 'step1' });
  const b = tickets.create('Validate extracted data', {
    assignee: 'validator',
    deps: [a.id],
    tags: ['finance'],
    description: 'Free markdown description.',
  });
  Tickets.open(dir, { actor: 'processor' }).note(b.id, 'Processed 47 reports');
  const text = readFileSync(path.join(dir, `${b.id}.md`), 'utf8');
  assert.match(text, new RegExp(`^---\\nid: ${b.id}\\nstatus: open\\ndeps: \\[step1\\]\\n`));
  assert.match(text, /\nassignee: '@validator'\n/);
  assert.match(text, /\ntags: \[finance\]\n---\n# Validate extracted data\n\nFree markdown description\.\n/);
  assert.match(text, /\n## Notes\n\n### \d{4}-\d\d-\d\dT[\d:.]+Z @processor\nProcessed 47 reports\n/);
});

test('check lists deps on missing tickets and ids that disagree with file names', (t) => {
  const dir = tmp(t);
  const tickets = Tickets.open(dir);
  tickets.create('Fine', { id: 'fine' });
  writeFileSync(
    path.join(dir, 'orphan.md'),
    '---\nid: orphan\nstatus: open\ndeps: [ghost]\ncreated: 2026-11-23T10:00:00Z\ntype: task\npriority: 2\n---\n# Orphan\n',
  );
  writeFileSync(
    path.join(dir, 'named.md'),
    '---\nid: other-name\nstatus: open\ndeps: []\ncreated: 2026-11-23T10:00:00Z\ntype: task\npriority: 2\n---\n# Named\n',
  );
  const problems = tickets.check();
  const kinds = problems.map((p) => [p.kind, p.ticket]).sort();
  assert.deepEqual(kinds, [['id_mismatch', 'named'], ['missing_dep', 'orphan']]);
  assert.deepEqual(tickets.get('orphan').blockedBy, ['ghost']);
});

// The corpus of files as tk, ayo's tools and hand edits write them: every file listed, each
// read as the core's corpus test recorded it in corpus-expected.json (snake_case keys and
// RFC 3339 strings there; camelCase keys and Dates here).
test('the corpus reads as the core reads it', (t) => {
  const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'corpus-expected.json'), 'utf8'));
  const dir = copy(t, 'corpus');
  const tickets = Tickets.open(dir, { actor: '@node' });
  const listed = tickets.list();
  assert.equal(listed.length, Object.keys(expected.tickets).length);
  assert.deepEqual(listed.map((x) => x.id), expected.list);
  assert.deepEqual(tickets.ready().map((x) => x.id), expected.ready);
  const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const asJson = (v) => (v instanceof Date ? v.getTime() : v);
  for (const x of listed) {
    const want = expected.tickets[x.id];
    const got = tickets.get(x.id);
    for (const [key, value] of Object.entries(want)) {
      const mine = got[camel(key)];
      if (key === 'notes') {
        assert.deepEqual(
          mine.map((n) => [n.at.getTime(), n.author, n.text]),
          value.map((n) => [Date.parse(n.at), n.author, n.text]),
          `${x.id} notes`,
        );
      } else if (['created', 'started', 'closed', 'lease_until'].includes(key)) {
        assert.equal(asJson(mine), value === null ? null : Date.parse(value), `${x.id} ${key}`);
      } else {
        assert.deepEqual(mine, value, `${x.id} ${key}`);
      }
    }
  }
  const basic = tickets.get('c-tk-basic');
  assert.deepEqual([basic.links, basic.externalRef], [['c-tk-open', 'c-done'], 'gh-42']);
  assert.equal(tickets.get('c-deferred').status, 'deferred');
  const done = tickets.check().filter((p) => p.ticket === 'c-done');
  assert.deepEqual(
    done.map((p) => [p.kind, p.line, p.field, p.written, p.readAs]),
    [['nonstandard_value', 3, 'status', 'done', 'closed']],
  );
});
