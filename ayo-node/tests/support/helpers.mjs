// Shared helpers of the node:test suites: temporary directories, error assertions, and child
// processes that run a snippet against the real addon.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export { Tickets, TicketsPromises } from 'ayo-tickets';

/** The folder of the support scripts. */
export const SUPPORT = path.dirname(fileURLToPath(import.meta.url));

/** A fresh temporary directory, removed after the test `t`. */
export function tmp(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ayo-node-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Asserts that `fn` throws an Error with this contract code; returns the error. */
export function throwsCode(fn, code) {
  let caught;
  assert.throws(fn, (e) => {
    caught = e;
    return true;
  });
  assert.ok(caught instanceof Error, `expected an Error, got ${caught}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/** Asserts that the promise rejects with an Error with this code; returns the error. */
export async function rejectsCode(promise, code) {
  let caught;
  await assert.rejects(promise, (e) => {
    caught = e;
    return true;
  });
  assert.ok(caught instanceof Error, `expected an Error, got ${caught}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/** An environment for a child process: this one's, less the ayo variables, plus `extra`. */
export function childEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('AYO_') || key === 'XDG_DATA_HOME') delete env[key];
  }
  return { ...env, ...extra };
}

/**
 * Runs a Node script (a file path, or ES module source with `{ code }`) with these arguments
 * and environment; resolves to `{ code, stdout, stderr }` when it exits.
 */
export function runNode(script, args = [], env = childEnv()) {
  const argv =
    typeof script === 'string' ? [script, ...args] : ['--input-type=module', '-e', script.code, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, cwd: path.dirname(SUPPORT) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs an ES module snippet that prints one JSON value; resolves to that value. */
export async function nodeJson(code, env) {
  const r = await runNode({ code }, [], env);
  assert.equal(r.code, 0, `child failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
