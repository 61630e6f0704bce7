// A child process that waits: claims as agent argv[3] from the store in argv[2], waiting up to
// argv[4] seconds, and prints the claimed ticket's id (or null) as JSON.
import { Tickets } from 'ayo-tickets';

const [dir, agent, timeout] = process.argv.slice(2);
const t = await Tickets.open(dir).claim(agent, { wait: true, timeout: Number(timeout) });
process.stdout.write(JSON.stringify(t && t.id));
