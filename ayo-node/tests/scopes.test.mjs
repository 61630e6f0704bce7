// Where tickets live: session, global and directory stores under AYO_HOME (a temporary
// directory), and the environment variables that choose them. Each case runs in a child
// process so that its environment is its own.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { childEnv, nodeJson, runNode, tmp } from './support/helpers.mjs';

const PRELUDE = "import { Tickets } from 'ayo-tickets';\nconst out = (v) => process.stdout.write(JSON.stringify(v));\n";

const run = (code, env) => nodeJson(PRELUDE + code, childEnv(env));

test('openSession(name) keeps tickets under <home>/sessions/<name>/.tickets', async (t) => {
  const home = tmp(t);
  const r = await run(
    "const t = Tickets.openSession('s1'); const a = t.create('In s1'); out({ id: a.id, location: t.location });",
    { AYO_HOME: home },
  );
  const dir = path.join(home, 'sessions', 's1', '.tickets');
  assert.equal(path.resolve(r.location), dir);
  assert.ok(existsSync(path.join(dir, `${r.id}.md`)), 'the ticket file is in the session directory');
});

test('openSession() takes AYO_SESSION_ID, else the default session', async (t) => {
  const home = tmp(t);
  const fromEnv = await run("out(Tickets.openSession().location);", {
    AYO_HOME: home,
    AYO_SESSION_ID: 'from-env',
  });
  assert.equal(path.resolve(fromEnv), path.join(home, 'sessions', 'from-env', '.tickets'));
  const fallback = await run("out(Tickets.openSession().location);", { AYO_HOME: home });
  assert.equal(path.resolve(fallback), path.join(home, 'sessions', 'default', '.tickets'));
  const explicit = await run("out(Tickets.openSession('given').location);", {
    AYO_HOME: home,
    AYO_SESSION_ID: 'from-env',
  });
  assert.equal(path.resolve(explicit), path.join(home, 'sessions', 'given', '.tickets'));
});

test('openGlobal() is <home>/tickets/.tickets, shared by every session', async (t) => {
  const home = tmp(t);
  const r = await run(
    `const g = Tickets.openGlobal();
     const a = g.create('Shared');
     const s1 = Tickets.openSession('s1');
     const b = s1.create('Private to s1');
     out({
       id: a.id,
       location: g.location,
       s1: s1.list().map((x) => x.id),
       s2: Tickets.openSession('s2').list().map((x) => x.id),
       global: Tickets.openGlobal().list().map((x) => x.id),
       b: b.id,
     });`,
    { AYO_HOME: home },
  );
  const dir = path.join(home, 'tickets', '.tickets');
  assert.equal(path.resolve(r.location), dir);
  assert.ok(existsSync(path.join(dir, `${r.id}.md`)));
  assert.deepEqual(r.global, [r.id]);
  assert.deepEqual(r.s1, [r.b]);
  assert.deepEqual(r.s2, []);
});

test('without AYO_HOME, <home> is $XDG_DATA_HOME/ayo', async (t) => {
  const xdg = tmp(t);
  const r = await run("out([Tickets.openSession('x').location, Tickets.openGlobal().location]);", {
    XDG_DATA_HOME: xdg,
  });
  assert.equal(path.resolve(r[0]), path.join(xdg, 'ayo', 'sessions', 'x', '.tickets'));
  assert.equal(path.resolve(r[1]), path.join(xdg, 'ayo', 'tickets', '.tickets'));
});

test('AYO_AGENT is the actor unless the constructor names one; AYO_LEASE the default lease', async (t) => {
  const home = tmp(t);
  const r = await run(
    `const t = Tickets.openSession('s');
     const named = Tickets.openSession('s', { actor: 'named' });
     const a = t.create('A');
     const noted = t.note(a.id, 'hi');
     const claimed = await t.claim('w');
     out({
       actor: t.actor,
       named: named.actor,
       author: noted.notes[0].author,
       leaseMs: claimed.leaseUntil.getTime() - Date.now(),
     });`,
    { AYO_HOME: home, AYO_AGENT: 'env-agent', AYO_LEASE: '90' },
  );
  assert.equal(r.actor, '@env-agent');
  assert.equal(r.named, '@named');
  assert.equal(r.author, '@env-agent');
  assert.ok(r.leaseMs > 85_000 && r.leaseMs <= 90_500, `lease ${r.leaseMs} ms`);
});

test('a bad session name, in the argument or the environment, is INVALID', async (t) => {
  const home = tmp(t);
  const r = await run(
    `const codes = [];
     for (const f of [() => Tickets.openSession('a/b'), () => Tickets.openSession()]) {
       try { f(); codes.push('none'); } catch (e) { codes.push(e.code); }
     }
     out(codes);`,
    { AYO_HOME: home, AYO_SESSION_ID: '..' },
  );
  assert.deepEqual(r, ['INVALID', 'INVALID']);
  for (const lease of ['soon', '0']) {
    for (const open of ["Tickets.openSession('s')", 'Tickets.inMemory()']) {
      const bad = await runNode(
        { code: `${PRELUDE} try { ${open}; out('ok'); } catch (e) { out(e.code); }` },
        [],
        childEnv({ AYO_HOME: home, AYO_LEASE: lease }),
      );
      assert.equal(JSON.parse(bad.stdout), 'INVALID', `AYO_LEASE=${lease}, ${open}`);
    }
  }
  const zero = await run(
    `try { Tickets.inMemory({ lease: 0 }); out('ok'); } catch (e) { out(e.code); }`,
    { AYO_HOME: home },
  );
  assert.equal(zero, 'INVALID');
});
