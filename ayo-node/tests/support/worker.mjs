// A child process of the work test: works on a ticket of the store in argv[2] as @a with a
// 1 s lease, prints its id, waits until job.signal aborts, prints what it saw, then throws.
import { Tickets } from 'ayo-tickets';

const [dir] = process.argv.slice(2);
const tickets = Tickets.open(dir);
try {
  await tickets.work(
    '@a',
    async (job) => {
      process.stdout.write(`${job.ticket.id}\n`);
      await new Promise((resolve) => job.signal.addEventListener('abort', resolve, { once: true }));
      process.stdout.write(`aborted ${job.lost} ${job.signal.reason.code} ${job.lostReason}\n`);
      throw job.signal.reason;
    },
    { lease: 1 },
  );
} catch (e) {
  process.stdout.write(`rejected ${e.code}\n`);
}
