// Type-checked against index.d.ts by `tsc --noEmit -p tests/types` (never run). The
// `@ts-expect-error` lines must stay errors: they prove the declarations reject misuse.
import { Tickets, type Job, type Closed, type DepTree, type LogEntry, type Problem, type Status, type Ticket, type Why } from 'ayo-tickets';

export async function agentLoop(dir: string, signal: AbortSignal): Promise<number> {
  const t: Tickets = Tickets.open(dir, { actor: 'worker' });
  const a: Ticket = t.create('Extract', { assignee: '@extractor', priority: 1, tags: ['x'] });
  const b = t.create('Validate', { assignee: '@validator', deps: [a.id], type: 'task' });
  const blockedBy: string[] = b.blockedBy;
  const created: Date | null = b.created;
  const status: Status | string = b.status;
  const known: boolean = status === 'open' || status === 'in_progress' || status === 'closed';
  const links: string[] = b.links;
  const externalRef: string | null = b.externalRef;
  const lease: Date | null = b.leaseUntil;
  for await (const change of t.watch({ since: new Date(0), agent: '@worker', signal })) {
    const what: string = `${change.at.toISOString()} ${change.actor ?? '-'} ${change.ticket} ${change.action}`;
    if (what) break;
  }
  let done = 0;
  for (;;) {
    const next: Ticket | null = await t.waitReady({ assignee: '@worker', timeout: 5, signal });
    if (next === null) break;
    const claimed: Ticket | null = await t.claim('@worker', { wait: true, timeout: 1.5, lease: 60, signal });
    if (claimed === null) continue;
    t.note(claimed.id, 'working');
    t.heartbeat(claimed.id, '@worker', { lease: 30 });
    const closed: Closed = t.close(claimed.id, { reason: 'done' });
    done += closed.unblocked.length;
  }
  t.start(b.id, { agent: '@one', force: true });
  t.release(b.id, { agent: '@one' });
  t.update(b.id, { title: 'Renamed', parent: null, priority: 3 });
  t.assign(b.id, null);
  t.addDep(b.id, a.id);
  t.removeDep(b.id, a.id);
  const tree: DepTree = t.depTree(b.id);
  const cut: boolean = tree.truncated;
  const promised: Ticket = await t.promises.create('Later', { deps: [a.id] });
  const closedLater: Closed = await t.promises.close(promised.id);
  const treeLater: DepTree = await t.promises.depTree(b.id);
  const found: Ticket[] = await t.promises.search('later', { status: 'open' });
  const held: Ticket = await t.promises.defer(a.id, new Date());
  const why: Why = await t.promises.why(a.id, { agent: '@w' });
  const linked: Ticket = await t.promises.link(a.id, [b.id]);
  const unlinked: Ticket = await t.promises.unlink(a.id, b.id);
  const deferred: Ticket = t.update(a.id, { deferUntil: '2h' });
  const undeferred: Ticket = await t.promises.update(a.id, { deferUntil: null });
  const archived: Ticket[] = t.archive([a.id]);
  const aged: Ticket[] = await t.promises.archiveOlderThan('30d');
  const agedSecs: Ticket[] = t.archiveOlderThan(3600);
  const back: Ticket = await t.promises.unarchive(a.id);
  const inArchive: Ticket[] = t.list({ archived: true });
  const isArchived: boolean = back.archived;
  void [cut, closedLater, treeLater, found, held, why, linked, unlinked, deferred, undeferred, archived, aged, agedSecs, inArchive, isArchived];
  const log: LogEntry[] = t.history(b.id);
  const problems: Problem[] = t.check();
  const text: string = t.graph({ format: 'dot', id: b.id });
  const ids: string[] = t.batch((tk) => [tk.create('One').id, tk.create('Two').id]);
  const listed: Ticket[] = t.list({ status: 'in_progress', assignee: '@x', tag: 'y', type: 'bug', parent: a.id });
  const ready: Ticket[] = t.ready({ assignee: 'v' });
  const blocked: Ticket[] = t.blocked();
  t.reopen(a.id);
  t.delete(a.id, { force: true });
  // null is "not given" for an optional option
  t.ready({ assignee: null });
  t.start(b.id, { agent: null, force: null });
  t.close(b.id, { reason: null });
  void t.claim('@w', { wait: null, lease: null, signal: null });
  const others: Tickets[] = [Tickets.inMemory(), Tickets.openSession(), Tickets.openSession('s', { lease: 30 }), Tickets.openGlobal(), Tickets.openProject(), Tickets.openProject('.', { actor: 'me' })];
  void [blockedBy, created, status, known, links, externalRef, lease, tree, log, problems, text, ids, listed, ready, blocked, others];

  // @ts-expect-error: the title is required
  t.create();
  // @ts-expect-error: options are an object, not positional arguments
  t.create('Title', '@agent');
  // @ts-expect-error: unknown option keys are refused
  t.create('Title', { foo: 1 });
  // @ts-expect-error: not a status
  t.list({ status: 'blocked' });
  // @ts-expect-error: claim is a promise
  const sync: Ticket | null = t.claim('@w');
  // @ts-expect-error: a ticket's keys are camelCase
  void a.blocked_by;
  // @ts-expect-error: graph formats are mermaid and dot
  t.graph({ format: 'png' });
  // @ts-expect-error: no public constructor arguments
  new Tickets('dir');
  void sync;
  return done;
}

export async function workLoop(t: Tickets): Promise<number> {
  let closed = 0;
  for (;;) {
    const done: Closed | null = await t.work(
      '@worker',
      async (job: Job) => {
        const ticket: Ticket = job.ticket;
        const signal: AbortSignal = job.signal;
        const lost: boolean = job.lost;
        const why: string | null = job.lostReason;
        job.note(`working on ${ticket.title} (${lost}, ${why}, ${signal.aborted})`);
      },
      { lease: 60, wait: true, timeout: 5 },
    );
    if (done === null) return closed;
    closed += 1;
  }
}

export async function manualJob(t: Tickets): Promise<void> {
  const job: Job | null = await t.claimJob('@worker', { lease: 30 });
  if (job === null) return;
  const lost: string | null = await Promise.race([job.waitLost(), Promise.resolve(null)]);
  if (lost === null) job.release({ note: 'not now' });
  // @ts-expect-error: work needs a function
  await t.work('@worker', 'not a function');
}
