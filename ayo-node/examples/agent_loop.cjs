// The quickstart of agent_loop.mjs in CommonJS: require() and an async function instead of
// top-level await. Run: node agent_loop.cjs
const { Tickets } = require('ayo-tickets');

async function main() {
  const tickets = Tickets.openSession(undefined, { actor: '@worker' });
  const extract = tickets.create('Extract data from invoices', { priority: 1 });
  const validate = tickets.create('Validate extracted data', { deps: [extract.id] });
  tickets.create('Import to accounting system', { deps: [validate.id], tags: ['finance'] });

  let closed = 0;
  for (;;) {
    const ticket = await tickets.claim('@worker', { wait: true, timeout: 2, lease: 300 });
    if (ticket === null) break; // idle for 2 s: done
    tickets.note(ticket.id, `Picked up "${ticket.title}"`);
    const { unblocked } = tickets.close(ticket.id, { reason: 'Done' });
    for (const next of unblocked) console.log(`now ready: ${next.id} ${next.title}`);
    closed += 1;
  }
  console.log(`@worker closed ${closed} tickets`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
