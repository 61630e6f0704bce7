// A child process of the wait test: after argv[4] milliseconds, closes ticket argv[3] of the
// store in argv[2] (as its own process, so only the store's change signal can wake the waiter).
import { Tickets } from 'ayo-tickets';

const [dir, id, delay] = process.argv.slice(2);
setTimeout(() => {
  const closed = Tickets.open(dir).close(id, { reason: 'closed by another process' });
  process.stdout.write(JSON.stringify(closed.unblocked.map((t) => t.id)));
}, Number(delay));
