/**
 * A keyed work queue with per-key exponential backoff (controller-runtime's workqueue semantics):
 * the queue holds keys, never events or diffs; a key is queued at most once; a key that is added
 * while a worker processes it is processed again afterwards (never twice at once); a failure
 * requeues the key after a backoff that doubles per consecutive failure; success resets it.
 */

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export type Handler<K> = (key: K) => Promise<{ requeueAfterMs?: number } | void>;

export class WorkQueue<K> {
  private readonly queue: K[] = [];
  private readonly queued = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly dirty = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly timers = new Map<K, NodeJS.Timeout>();
  private readonly waiters: ((k: K | undefined) => void)[] = [];
  private stopped = false;

  constructor(private readonly backoff: BackoffPolicy = { baseMs: 50, maxMs: 60_000 }) {}

  /** Queues key now (a pending delayed add for it is superseded). */
  add(key: K): void {
    if (this.stopped) return;
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
    }
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queued.delete(key);
      this.processing.add(key);
      waiter(key);
    } else this.queue.push(key);
  }

  /** Queues key after ms (the earliest of several delayed adds wins). */
  addAfter(key: K, ms: number): void {
    if (this.stopped || this.queued.has(key)) return;
    if (this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref?.();
    this.timers.set(key, t);
  }

  /** Requeues after the key's next backoff step; returns the delay. */
  addRateLimited(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** n);
    this.addAfter(key, delay);
    return delay;
  }

  /** Forgets the key's failures (after a success). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  failuresOf(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  get length(): number {
    return this.queue.length;
  }

  /** The next key to process (marked processing until done), or undefined once shut down. */
  get(): Promise<K | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks key processed; if it was added meanwhile, it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  shutdown(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /**
   * Runs `workers` loops until shutdown: each takes a key, runs handler, then forgets the key's
   * failures and honours an explicit requeue, or on error requeues it with backoff (onError sees it).
   */
  run(workers: number, handler: Handler<K>, onError: (key: K, err: unknown, retryInMs: number) => void = () => undefined): Promise<void> {
    const loop = async (): Promise<void> => {
      for (;;) {
        const key = await this.get();
        if (key === undefined) return;
        try {
          const r = await handler(key);
          this.forget(key);
          if (r && r.requeueAfterMs !== undefined) this.addAfter(key, r.requeueAfterMs);
        } catch (err) {
          onError(key, err, this.addRateLimited(key));
        } finally {
          this.done(key);
        }
      }
    };
    return Promise.all(Array.from({ length: workers }, loop)).then(() => undefined);
  }
}
