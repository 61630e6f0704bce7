// Tickets.openProject: the nearest .tickets/ upward, from a given directory or the current one;
// linked git worktrees (made by `git worktree add`) share the main worktree's store and claims.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Tickets, childEnv, nodeJson, throwsCode, tmp } from './support/helpers.mjs';

const git = (cwd, ...args) =>
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args],
    { cwd, stdio: 'pipe' },
  );

test('openProject(start) finds the nearest .tickets upward; openProject() starts at the cwd', async (t) => {
  const root = realpathSync(tmp(t));
  const store = path.join(root, 'proj', '.tickets');
  const deep = path.join(root, 'proj', 'src', 'deep');
  mkdirSync(store, { recursive: true });
  mkdirSync(deep, { recursive: true });
  const made = Tickets.openProject(deep, { actor: 'planner' }).create('Found from below');
  assert.ok(existsSync(path.join(store, `${made.id}.md`)));
  const r = await nodeJson(
    `import { Tickets } from 'ayo-tickets';
     process.chdir(${JSON.stringify(deep)});
     const t = Tickets.openProject(undefined, { lease: 60 });
     process.stdout.write(JSON.stringify({ location: t.location, ids: t.list().map((x) => x.id) }));`,
    childEnv(),
  );
  assert.equal(path.resolve(r.location), store);
  assert.deepEqual(r.ids, [made.id]);
});

test('openProject with no .tickets upward is INVALID, and bad arguments too', (t) => {
  const root = realpathSync(tmp(t));
  const above = root.split(path.sep).some((_, i, parts) =>
    existsSync(path.join(path.sep, ...parts.slice(0, i + 1), '.tickets')),
  );
  if (!above) {
    const e = throwsCode(() => Tickets.openProject(root), 'INVALID');
    assert.match(e.message, /no \.tickets\/ found from .* upward/);
  }
  throwsCode(() => Tickets.openProject(42), 'INVALID');
  throwsCode(() => Tickets.openProject(root, { bogus: 1 }), 'INVALID');
});

test('two linked worktrees share the main worktree store: one claim excludes the other', async (t) => {
  const root = realpathSync(tmp(t));
  const main = path.join(root, 'repo');
  mkdirSync(main);
  git(main, 'init', '-q');
  const only = Tickets.open(path.join(main, '.tickets')).create('The one task');
  git(main, 'add', '-A');
  git(main, 'commit', '-q', '-m', 'tickets');
  git(main, 'worktree', 'add', '-q', '../wt1', '-b', 'wt1');
  git(main, 'worktree', 'add', '-q', '../wt2', '-b', 'wt2');
  const one = Tickets.openProject(path.join(root, 'wt1'));
  const two = Tickets.openProject(path.join(root, 'wt2'));
  assert.equal(path.resolve(two.location), path.join(main, '.tickets'));
  const got = await one.claim('agent1');
  assert.equal(got.id, only.id);
  assert.equal(await two.claim('agent2'), null);
  assert.equal(two.get(only.id).assignee, '@agent1');
  const copy = readFileSync(path.join(root, 'wt2', '.tickets', `${only.id}.md`), 'utf8');
  assert.ok(!copy.includes('in_progress'), "the worktree's checked-out copy is not written");
});
