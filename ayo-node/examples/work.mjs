// An agent's turn with work(): fn resolving closes the ticket (the promise resolves with what
// close returns); fn throwing gives it back with a note and rejects with the same error;
// job.signal is aborted when the job is lost; null when nothing was claimable.
// Run: node work.mjs
import { Tickets } from 'ayo-tickets';

const t = Tickets.openSession(undefined, { actor: '@worker' });
t.create('Process the rows');

const closed = await t.work('@worker', async (job) => {
  job.note(`working on ${job.ticket.title}`);
  for (const row of ['a', 'b', 'c']) {
    job.signal.throwIfAborted(); // taken over, closed or released by someone else
    await new Promise((resolve) => setTimeout(resolve, 10)); // the event loop keeps running
    console.log('processed', row);
  }
}, { lease: 60, wait: true, timeout: 30 });
console.log(closed.ticket.id, closed.ticket.status); // closed
