// The quickstart of agent_loop.mjs in TypeScript, checked with `tsc --strict --noEmit`
// (module and moduleResolution "nodenext"): the package's own index.d.ts types every call.
import { Tickets, type Closed, type Ticket } from 'ayo-tickets';

async function agentLoop(tickets: Tickets, agent: string, signal: AbortSignal): Promise<number> {
  let closed = 0;
  while (!signal.aborted) {
    let ticket: Ticket | null;
    try {
      ticket = await tickets.claim(agent, { wait: true, timeout: 2, lease: 300, signal });
    } catch (err: unknown) {
      if (err instanceof Error && err.name === 'AbortError') break;
      throw err;
    }
    if (ticket === null) break;
    const noted: Ticket = tickets.note(ticket.id, `Picked up "${ticket.title}"`);
    const done: Closed = tickets.close(noted.id, { reason: 'Done' });
    for (const next of done.unblocked) console.log(`now ready: ${next.id} ${next.title}`);
    closed += 1;
  }
  return closed;
}

const tickets: Tickets = Tickets.openSession(undefined, { actor: '@worker' });
const extract: Ticket = tickets.create('Extract data from invoices', { priority: 1 });
tickets.create('Validate extracted data', { deps: [extract.id], assignee: '@worker' });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
agentLoop(tickets, '@worker', stop.signal).then((n: number) => console.log(`@worker closed ${n} tickets`));
