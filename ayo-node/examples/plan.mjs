// Defer, why, links and the guide. Run: node plan.mjs
import { Tickets, guide } from 'ayo-tickets';

const tickets = Tickets.inMemory();
const a = tickets.create('Renew the certificate', { deferUntil: '30d' }); // or a Date
const b = tickets.create('Rotate the keys');
const c = tickets.create('Update the docs');
tickets.defer(a.id, new Date('2030-12-24T09:00:00Z')); // a Date, an RFC 3339 string, '2h', or null
const why = tickets.why(a.id, { agent: '@ops' }); // { id, ready, claimable, reasons: [{ kind, ... }] }
console.log(why.ready, why.reasons.map((r) => r.kind));
tickets.defer(a.id, null); // ready again
tickets.link(a.id, [b.id, c.id]);
tickets.unlink(a.id, b.id);
console.log(tickets.get(a.id).links[0] === c.id, tickets.get(c.id).links[0] === a.id);
console.log(guide().split('\n')[0]); // the guide's text
