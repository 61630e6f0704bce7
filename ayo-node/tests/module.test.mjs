// The package loads with require('ayo-tickets') and import, from its own directory and from a
// project that installs it, and ships its type declarations.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as esm from 'ayo-tickets';

import { childEnv, runNode, tmp } from './support/helpers.mjs';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

test('require and import give the same Tickets class', () => {
  const cjs = require('ayo-tickets');
  assert.equal(typeof cjs.Tickets, 'function');
  assert.equal(esm.Tickets, cjs.Tickets);
  assert.equal(typeof esm.Tickets.open, 'function');
  assert.ok(esm.Tickets.inMemory() instanceof cjs.Tickets);
});

test('the class has no public constructor: stores are opened by the static methods', () => {
  assert.throws(() => new esm.Tickets());
});

test('package.json names the entry points and index.d.ts declares the API', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'ayo-tickets');
  assert.equal(pkg.main, 'index.js');
  assert.equal(pkg.types, 'index.d.ts');
  const dts = readFileSync(path.join(ROOT, 'index.d.ts'), 'utf8');
  for (const name of [
    'static open(', 'static openSession(', 'static openGlobal(', 'static openProject(', 'static inMemory(', 'static connect(',
    'create(', 'get(', 'list(', 'ready(', 'blocked(', 'update(', 'start(', 'claim(', 'heartbeat(',
    'release(', 'close(', 'reopen(', 'note(', 'assign(', 'addDep(', 'removeDep(', 'depTree(',
    'delete(', 'waitReady(', 'history(', 'graph(', 'check(', 'batch<T>(',
  ]) {
    assert.ok(dts.includes(name), `index.d.ts declares ${name}`);
  }
  assert.match(dts, /claim\(agent: string, options\?: ClaimOptions[^)]*\): Promise<Ticket \| null>/);
  assert.match(dts, /blockedBy: Array<string>/);
  assert.match(dts, /leaseUntil: Date \| null/);
});

test('a project that depends on the package can require and import it', async (t) => {
  const project = tmp(t);
  const pkgDir = path.join(project, 'node_modules', 'ayo-tickets');
  mkdirSync(pkgDir, { recursive: true });
  for (const f of readdirSync(ROOT)) {
    if (f === 'package.json' || f.endsWith('.js') || f.endsWith('.d.ts') || f.endsWith('.node')) {
      cpSync(path.join(ROOT, f), path.join(pkgDir, f));
    }
  }
  writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","private":true}');
  const cjs = path.join(project, 'use.cjs');
  writeFileSync(cjs, "const { Tickets } = require('ayo-tickets'); process.stdout.write(Tickets.inMemory().create('cjs').title);");
  const mjs = path.join(project, 'use.mjs');
  writeFileSync(mjs, "import { Tickets } from 'ayo-tickets'; process.stdout.write(Tickets.inMemory().create('esm').title);");
  const r1 = await runNode(cjs, [], childEnv());
  const r2 = await runNode(mjs, [], childEnv());
  assert.equal(r1.stdout, 'cjs', r1.stderr);
  assert.equal(r2.stdout, 'esm', r2.stderr);
  assert.ok(existsSync(path.join(pkgDir, 'index.d.ts')));
});

test('index.js names every export of the generated loader, so ESM imports them all', () => {
  const generated = require(path.join(ROOT, 'binding.js'));
  const named = Object.keys(generated).filter((k) => k !== '__napiBindingTarget').sort();
  assert.ok(named.includes('Tickets'), named.join());
  for (const key of named) {
    assert.ok(key in esm, `import { ${key} } from 'ayo-tickets' is missing: add it to index.js`);
    assert.equal(esm[key], generated[key]);
  }
});

test('with no addon for the platform, loading says which package or file it needs', async () => {
  // napi's override variable, pointed at nothing, makes the loader find no addon at all.
  const env = childEnv({ NAPI_RS_NATIVE_LIBRARY_PATH: path.join(ROOT, 'no-such-addon.node') });
  const r = await runNode({ code: "await import('ayo-tickets');" }, [], env);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /ayo-tickets: no native addon for this platform \(linux-x64-gnu\)/);
  assert.match(r.stderr, /ayo-tickets-linux-x64-gnu nor \.\/ayo-tickets\.linux-x64-gnu\.node/);
  assert.match(r.stderr, /ERR_AYO_NO_ADDON/);
});
