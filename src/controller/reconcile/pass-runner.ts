/**
 * World passes, one at a time, shared by everyone who needs one. Planning covers the whole world,
 * so a pass that starts after a request has seen it; a burst of requests (a periodic resync
 * queues every chain) is served by one pass, not one per key. Passes never overlap, so the intents
 * pushed by one pass all come from one plan and two passes never push to one node at once.
 *
 * A request takes a ticket; `after(ticket)` resolves with the result of the first pass that started
 * after the ticket was taken — the last finished one, the running one, or the next one.
 */
export class PassRunner<R> {
  private tickets = 0;
  private last?: { readonly mark: number; readonly result: R };
  private running?: { readonly mark: number; readonly done: Promise<R> };
  private queued?: Promise<R>;

  constructor(private readonly pass: () => Promise<R>) {}

  /** A ticket for a request made now (after the state change it is about). */
  request(): number {
    return ++this.tickets;
  }

  /** The result of a pass that started after `ticket` was taken. */
  after(ticket: number): Promise<R> {
    if (this.last && this.last.mark >= ticket) return Promise.resolve(this.last.result);
    if (this.running && this.running.mark >= ticket) return this.running.done;
    // Every later request shares the one queued pass: it starts when the running one is over and
    // takes its mark then, so it covers every ticket taken until it starts.
    this.queued ??= (this.running?.done ?? Promise.resolve()).then(
      () => this.start(),
      () => this.start(),
    );
    return this.queued;
  }

  /** The result of a pass that starts after now. */
  fresh(): Promise<R> {
    return this.after(this.request());
  }

  /** The last finished pass's result, if any. */
  get latest(): R | undefined {
    return this.last?.result;
  }

  private start(): Promise<R> {
    this.queued = undefined;
    const mark = this.tickets;
    const done = this.pass().then((result) => {
      if (!this.last || this.last.mark < mark) this.last = { mark, result };
      return result;
    });
    const running = { mark, done };
    this.running = running;
    const clear = () => {
      if (this.running === running) this.running = undefined;
    };
    done.then(clear, clear);
    return done;
  }
}
