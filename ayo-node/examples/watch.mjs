// Follow the audit log as it grows: each change once, as soon as it is committed; it never blocks
// the event loop. Ctrl-C (or controller.abort()) ends it with an AbortError; `break` ends it
// quietly. Run: node watch.mjs
import { Tickets } from 'ayo-tickets';

const t = Tickets.openSession();
t.create('Extract data from invoices');

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
const anHourAgo = new Date(Date.now() - 3600_000);
try {
  for await (const e of t.watch({ since: anHourAgo, signal: controller.signal })) {
    console.log(e.at.toISOString(), e.actor, e.ticket, e.action);
  }
} catch (err) {
  if (err.name !== 'AbortError') throw err;
}
