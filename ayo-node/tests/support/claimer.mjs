// A child process of the race test: claims from the store in argv[2] as agent argv[3] until
// nothing is left, then prints the claimed ids as JSON.
import { Tickets } from 'ayo-tickets';

const [dir, agent] = process.argv.slice(2);
const tickets = Tickets.open(dir);
const claimed = [];
for (;;) {
  const t = await tickets.claim(agent);
  if (t === null) break;
  if (t.assignee !== `@${agent.replace(/^@/, '')}` || t.status !== 'in_progress') {
    throw new Error(`claimed ${JSON.stringify(t)}`);
  }
  claimed.push(t.id);
}
process.stdout.write(JSON.stringify(claimed));
