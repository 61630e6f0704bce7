// The conformance table (ayo-tickets/tests/conformance/cases.json) through the real addon: each
// case opens its directory with `Tickets.open(dir, { actor, lease })`, runs its setup and its
// operation with the contract's arguments (camelCase methods, one options object; an explicit
// null clears `update`'s parent and `assign`'s agent), and compares the result (keys back in
// snake_case, Dates as ISO text) or the error's `code` and fields with the table. The core, the
// CLI and Python run the same table, so the same input means the same thing everywhere.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { SUPPORT, Tickets, tmp } from './support/helpers.mjs';

const TABLE = path.join(SUPPORT, '..', '..', '..', 'ayo-tickets', 'tests', 'conformance', 'cases.json');
const { cases } = JSON.parse(readFileSync(TABLE, 'utf8'));

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const snake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A result in the contract's JSON shape: snake_case keys, times as text. */
function toJson(v) {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), toJson(x)]));
  }
  return v;
}

/** Asserts that `got` has what `expected` asks for (the table's subset rules). */
function matches(expected, got, at) {
  if (expected === '*') {
    assert.ok(got !== null && got !== undefined, `at ${at}: expected a value, got ${got}`);
  } else if (expected !== null && typeof expected === 'object' && !Array.isArray(expected) && typeof got === 'string' && 'starts_with' in expected) {
    assert.ok(got.startsWith(expected.starts_with), `at ${at}: ${got}`);
    for (const part of expected.contains ?? []) assert.ok(got.includes(part), `at ${at}: ${part} not in ${got}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(got) && got.length === expected.length, `at ${at}: ${JSON.stringify(expected)} vs ${JSON.stringify(got)}`);
    expected.forEach((e, i) => matches(e, got[i], `${at}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(got !== null && typeof got === 'object', `at ${at}: expected an object, got ${JSON.stringify(got)}`);
    for (const [k, v] of Object.entries(expected)) matches(v, got[k] ?? null, `${at}.${k}`);
  } else {
    assert.equal(got ?? null, expected, `at ${at}`);
  }
}

/** The options object of `args` without the positional ones, in camelCase. */
function options(args, positional) {
  return Object.fromEntries(
    Object.entries(args).filter(([k]) => !positional.includes(k)).map(([k, v]) => [camel(k), v]),
  );
}

/** Calls the operation as a JavaScript user would; `signal` aborts a wait. */
async function run(t, op, a, signal) {
  switch (op) {
    case 'create': return t.create(a.title, options(a, ['title']));
    case 'get': return t.get(a.id);
    case 'list': return t.list(options(a, []));
    case 'search': return t.search(a.text, options(a, ['text']));
    case 'ready': return t.ready(options(a, []));
    case 'blocked': return t.blocked(options(a, []));
    case 'update': return t.update(a.id, options(a, ['id']));
    case 'start': return t.start(a.id, options(a, ['id']));
    case 'claim': return t.claim(a.agent, { ...options(a, ['agent']), signal });
    case 'heartbeat': return t.heartbeat(a.id, a.agent, options(a, ['id', 'agent']));
    case 'release': return t.release(a.id, options(a, ['id']));
    case 'close': return t.close(a.id, options(a, ['id']));
    case 'reopen': return t.reopen(a.id);
    case 'note': return t.note(a.id, a.text);
    case 'assign': return t.assign(a.id, a.agent);
    case 'add_dep': return t.addDep(a.id, a.dep);
    case 'remove_dep': return t.removeDep(a.id, a.dep);
    case 'dep_tree': return t.depTree(a.id);
    case 'delete': return t.delete(a.id, options(a, ['id']));
    case 'wait_ready': return t.waitReady({ ...options(a, []), signal });
    case 'history': return t.history(a.id);
    case 'graph': return t.graph(options(a, []));
    case 'check': return t.check();
    case 'defer': return t.defer(a.id, a.until);
    case 'why': return t.why(a.id, options(a, ['id']));
    case 'link': return t.link(a.id, a.others);
    case 'unlink': return t.unlink(a.id, a.other);
    case 'archive': return 'older_than' in a ? t.archiveOlderThan(a.older_than) : t.archive(a.ids);
    case 'unarchive': return t.unarchive(a.id);
    default: throw new Error(`the table names an operation the runner does not know: ${op}`);
  }
}

async function outcome(c, dir) {
  for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(path.join(dir, name), text);
  try {
    if (c.op === 'open') {
      Tickets.open(dir, options(c.args, []));
      return { result: null };
    }
    const t = Tickets.open(dir, options(c.open ?? {}, []));
    for (const step of c.setup ?? []) await run(t, step.op, step.args);
    const stop = new AbortController();
    const timer = c.interrupt_after === undefined ? null : setTimeout(() => stop.abort(), c.interrupt_after * 1000);
    try {
      return { result: toJson(await run(t, c.op, c.args, stop.signal)) };
    } finally {
      if (timer) clearTimeout(timer);
    }
  } catch (e) {
    if (typeof e?.code !== 'string') throw e;
    const fields = Object.fromEntries(Object.keys(c.error ?? {}).map((k) => [k, toJson(e[camel(k)])]));
    return { error: { ...fields, code: e.code }, message: e.message };
  }
}

for (const c of cases) {
  const skip = c.skip?.node;
  test(c.name, { skip }, async (t) => {
    const got = await outcome(c, tmp(t));
    if (c.error) {
      assert.ok(got.error, `expected the error ${JSON.stringify(c.error)}, got ${JSON.stringify(got.result)}`);
      matches(c.error, got.error, 'error');
    } else {
      assert.ok(!got.error, `expected a result, got ${JSON.stringify(got.error)}: ${got.message}`);
      matches(c.result, got.result, 'result');
    }
  });
}
