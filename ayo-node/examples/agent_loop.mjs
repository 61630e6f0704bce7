// Quickstart (ESM: save as a .mjs file, or use "type": "module", for the top-level await):
// plan a small pipeline, then run an agent loop that waits for work, claims it, notes progress
// and closes it; it stops when nothing is claimable for 2 s, or on Ctrl-C.
// Run: node agent_loop.mjs
import { Tickets } from 'ayo-tickets';

// The session store of $AYO_SESSION_ID (else "default") under $AYO_HOME; or Tickets.open('.tickets').
const tickets = Tickets.openSession(undefined, { actor: '@worker' });

const extract = tickets.create('Extract data from invoices', { priority: 1 });
const validate = tickets.create('Validate extracted data', { deps: [extract.id] });
tickets.create('Import to accounting system', { deps: [validate.id], tags: ['finance'] });

// Stop cleanly on Ctrl-C: the signal cancels a pending wait.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

let closed = 0;
while (!stop.signal.aborted) {
  let ticket;
  try {
    // Waits on a thread of its own: timers, I/O and other promises keep running meanwhile.
    ticket = await tickets.claim('@worker', { wait: true, timeout: 2, lease: 300, signal: stop.signal });
  } catch (err) {
    if (err.name === 'AbortError') break;
    throw err;
  }
  if (ticket === null) break; // nothing became claimable within the timeout: done
  tickets.note(ticket.id, `Picked up "${ticket.title}"`);
  // ... do the work, calling tickets.heartbeat(ticket.id, '@worker') within each lease ...
  const { unblocked } = tickets.close(ticket.id, { reason: 'Done' });
  for (const next of unblocked) console.log(`now ready: ${next.id} ${next.title}`);
  closed += 1;
}
console.log(`@worker closed ${closed} tickets`);
