// The JavaScript half of `Tickets.prototype.work`, `Tickets.prototype.watch` and
// `Job.prototype.signal` (compiled by the addon with `run_script`; it holds no rule: the core's
// job claims, renews, closes and gives back; the core's watch waits). The expression's value is
// an object of three functions.
(function () {
  'use strict';
  // A job's `signal`: an AbortSignal aborted (with a CONFLICT error naming why) when the job is
  // lost; made on first use and kept as the job's own property.
  function signalOf(job) {
    const own = Object.getOwnPropertyDescriptor(job, 'signal');
    if (own) return own.value;
    const controller = new AbortController();
    Object.defineProperty(job, 'signal', { value: controller.signal, enumerable: false });
    job.waitLost().then(
      (why) => {
        if (why === null) return;
        const e = new Error(why);
        e.code = 'CONFLICT';
        e.id = job.ticket.id;
        controller.abort(e);
      },
      () => {},
    );
    return controller.signal;
  }
  // What a thrown value is, for the give-back note: "TypeError: bad row".
  function describe(err) {
    if (err instanceof Error) return err.message ? `${err.name}: ${err.message}` : err.name;
    try {
      return `${typeof err} ${String(err)}`;
    } catch {
      return typeof err;
    }
  }
  async function work(tickets, agent, fn, options) {
    const job = await tickets.claimJob(agent, options);
    if (job === null) return null;
    signalOf(job);
    try {
      await fn(job);
    } catch (err) {
      try {
        job.finish(`the function threw ${describe(err)}`);
      } catch {
        // The function's error is the one to report.
      }
      throw err;
    }
    return job.finish();
  }
  // `Tickets.prototype.watch`: an async iterator over a `Watcher` (made at once, so no change
  // after the call is missed), each step a `watcher.next(signal)` promise.
  function watch(watcher, options) {
    const signal = options == null ? undefined : options.signal;
    return (async function* changes() {
      for (;;) yield await watcher.next(signal);
    })();
  }
  return { signalOf, work, watch };
})()
