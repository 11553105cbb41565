/**
 * Start/stop of a process's long-lived parts (Cilium's hive lifecycle): hooks start in the order
 * they were appended and stop in reverse, so whatever a part depends on is up before it and still
 * up while it stops. Constructors do no work; all I/O begins in a start hook.
 *
 * - A failing start stops the hooks already started (in reverse) and rejects with the start error
 *   (joined with any error of that rollback).
 * - stop runs every started hook's stop even when some fail, then rejects with all their errors
 *   joined (AggregateError). A hook that does not stop within `stopTimeoutMs` counts as failed
 *   and the others still stop.
 */
export interface Hook {
  /** Shown in errors and logs, e.g. `grpc-server`, `registration`. */
  readonly name: string;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export interface LifecycleOptions {
  /** Longest wait for one hook's stop (default: no limit). */
  readonly stopTimeoutMs?: number;
}

export class Lifecycle {
  private readonly hooks: Hook[] = [];
  private started: Hook[] = [];
  private state: 'idle' | 'starting' | 'started' | 'stopping' | 'stopped' = 'idle';

  constructor(private readonly options: LifecycleOptions = {}) {}

  append(hook: Hook): void {
    if (this.state !== 'idle') throw new Error(`lifecycle: cannot append '${hook.name}' after start`);
    this.hooks.push(hook);
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`lifecycle: start called when ${this.state}`);
    this.state = 'starting';
    for (const hook of this.hooks) {
      try {
        await hook.start?.();
      } catch (err) {
        const startError = new Error(`start ${hook.name}: ${messageOf(err)}`, { cause: err });
        const stopErrors = await this.stopStarted();
        this.state = 'stopped';
        throw stopErrors.length === 0 ? startError : new AggregateError([startError, ...stopErrors], startError.message);
      }
      this.started.push(hook);
    }
    this.state = 'started';
  }

  /** Idempotent: a second call (or one before start) does nothing. */
  async stop(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.state = 'stopping';
    const errors = await this.stopStarted();
    this.state = 'stopped';
    if (errors.length > 0) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
  }

  private async stopStarted(): Promise<Error[]> {
    const errors: Error[] = [];
    for (const hook of this.started.reverse()) {
      try {
        await this.withTimeout(Promise.resolve().then(() => hook.stop?.()));
      } catch (err) {
        errors.push(new Error(`stop ${hook.name}: ${messageOf(err)}`, { cause: err }));
      }
    }
    this.started = [];
    return errors;
  }

  private async withTimeout(p: Promise<unknown>): Promise<void> {
    const ms = this.options.stopTimeoutMs;
    if (ms === undefined) {
      await p;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not stop within ${ms} ms`)), ms);
    });
    try {
      await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
