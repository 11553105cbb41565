/**
 * Long-lived `sh` processes that run the runtime's job scripts. Forking the agent (a large Node
 * process) costs ~2 ms per exec here, a job in an already running dash costs a fork of dash: a
 * spawn-to-ready is ~5 execs of small tools, so not paying Node's fork for each one matters.
 *
 * Protocol: each job is sent as `( script ) </dev/null 2>&1; echo "<marker> $?"`: the subshell
 * isolates `set -e` and `exec`, stdin is closed so a job can never read the next one, stdout and
 * stderr come back merged, and the marker (random per process) ends the job with its exit code.
 * Several shells take jobs from one queue; `high` jobs (spawn, destroy) go before `low` (pool refill).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export class ShellJobError extends Error {
  constructor(
    readonly code: number,
    readonly output: string,
    what: string,
  ) {
    super(`${what} failed (exit ${code}): ${output.trim().split('\n').slice(-6).join(' | ') || 'no output'}`);
    this.name = 'ShellJobError';
  }
}

/** PATH with the sbin directories (ip, nft) whatever the caller's environment. */
export function toolEnv(): NodeJS.ProcessEnv {
  const path = process.env.PATH ?? '/usr/bin:/bin';
  const parts = path.split(':');
  for (const d of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) if (!parts.includes(d)) parts.push(d);
  return { ...process.env, PATH: parts.join(':'), LC_ALL: 'C' };
}

interface Pending {
  readonly what: string;
  readonly resolve: (out: string) => void;
  readonly reject: (e: Error) => void;
}

export interface JobShellOptions {
  /** Own session (setsid): the shell, or what it execs into, outlives the agent. */
  readonly detached?: boolean;
}

/** One `sh -s` started under `prefix` (e.g. `nsenter --mount=... --net=...`), running one job at a time. */
export class JobShell {
  private child?: ChildProcessWithoutNullStreams;
  private buf = '';
  private current?: Pending;
  private readonly marker = `__SFC_DONE_${randomBytes(8).toString('hex')}__`;
  private exitListener?: (code: number | null, signal: NodeJS.Signals | null) => void;

  constructor(
    private readonly prefix: readonly string[],
    private readonly opts: JobShellOptions = {},
    private readonly onIdle: () => void = () => undefined,
  ) {}

  get idle(): boolean {
    return this.current === undefined;
  }

  /** The shell's pid (starting it if needed): with `exec`, also the pid of what it becomes. */
  start(): number {
    return this.ensure().pid!;
  }

  /** Called once when the shell process exits (after close(), never). */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.exitListener = listener;
  }

  /**
   * Runs a job; resolves with its merged output. `then` runs in the shell itself after a
   * successful job (e.g. `exec node ...`: the shell becomes that process, keeping its pid).
   */
  run(script: string, what: string, then?: string): Promise<string> {
    if (this.current) return Promise.reject(new Error(`${what}: job shell busy`));
    return new Promise((resolve, reject) => {
      this.current = { what, resolve, reject };
      const child = this.ensure();
      this.hold(child, true);
      const after = then === undefined ? '' : `\nif [ "$__sfc_rc" = 0 ]; then ${then}; fi`;
      child.stdin.write(`(\n${script}\n) </dev/null 2>&1; __sfc_rc=$?; echo "${this.marker} $__sfc_rc"${after}\n`);
    });
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const argv = [...this.prefix, 'sh', '-s'];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: toolEnv(), detached: this.opts.detached ?? false });
    this.child = child;
    this.buf = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => this.onData(d));
    child.stderr.on('data', (d: string) => (this.buf += d));
    child.stdin.on('error', () => undefined); // reported through 'exit'
    child.on('error', (e) => this.fail(e));
    child.on('exit', (code, signal) => {
      this.fail(new Error(`job shell exited (${signal ?? code}): ${this.buf.trim().slice(-500)}`));
      this.exitListener?.(code, signal);
    });
    return child;
  }

  private onData(d: string): void {
    this.buf += d;
    const at = this.buf.indexOf(this.marker);
    if (at === -1) return;
    const nl = this.buf.indexOf('\n', at);
    if (nl === -1) return;
    const out = this.buf.slice(0, at);
    const code = Number(this.buf.slice(at + this.marker.length, nl).trim());
    this.buf = this.buf.slice(nl + 1);
    const job = this.current;
    this.current = undefined;
    if (this.child) this.hold(this.child, false);
    if (job) {
      if (code === 0) job.resolve(out);
      else job.reject(new ShellJobError(code, out, job.what));
    }
    this.onIdle();
  }

  /** An idle shell does not keep the agent's event loop alive; a running job does. */
  private hold(child: ChildProcessWithoutNullStreams, on: boolean): void {
    for (const h of [child, child.stdin, child.stdout, child.stderr] as { ref(): void; unref(): void }[]) {
      if (on) h.ref();
      else h.unref();
    }
  }

  private fail(e: Error): void {
    this.child = undefined;
    const job = this.current;
    this.current = undefined;
    job?.reject(e);
    this.onIdle();
  }

  /** Lets go of the shell: it exits at the end of its input (or keeps running what it exec'd into). */
  close(): void {
    const c = this.child;
    this.child = undefined;
    this.exitListener = undefined;
    if (c) {
      c.removeAllListeners('exit');
      c.stdin.end();
      this.hold(c, false);
    }
  }
}

interface Job extends Pending {
  readonly script: string;
}

/** A few JobShells sharing one queue. */
export class ShellServers {
  private readonly shells: JobShell[];
  private readonly high: Job[] = [];
  private readonly low: Job[] = [];
  private closed = false;

  constructor(prefix: readonly string[], count: number) {
    this.shells = Array.from({ length: Math.max(1, count) }, () => new JobShell(prefix, {}, () => this.pump()));
  }

  /** Runs a job script; resolves with its merged output, rejects with a ShellJobError. */
  run(script: string, what: string, priority: 'high' | 'low' = 'high'): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the runtime is closed'));
    return new Promise((resolve, reject) => {
      (priority === 'high' ? this.high : this.low).push({ script, what, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const shell of this.shells) {
      if (!shell.idle) continue;
      const job = this.high.shift() ?? this.low.shift();
      if (!job) return;
      shell.run(job.script, job.what).then(job.resolve, job.reject);
    }
  }

  close(): void {
    this.closed = true;
    for (const j of [...this.high, ...this.low]) j.reject(new Error('the runtime is closed'));
    this.high.length = 0;
    this.low.length = 0;
    for (const s of this.shells) s.close();
  }
}
