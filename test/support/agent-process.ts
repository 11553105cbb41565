/**
 * An sfc-agent process inside a test namespace, reached over a unix socket (sockets on the
 * filesystem cross network namespaces). Logs go to a file shown when a test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentClient } from '../../src/agent/grpc/agent-client.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';

export interface AgentProcessOptions {
  readonly ns: string;
  readonly name: string;
  readonly locator: string;
  /** Directory for the socket, state and log. */
  readonly dir: string;
  readonly resyncSeconds?: number;
  /** Register with this controller (unix: or host:port). */
  readonly controller?: string;
  readonly coreInterface?: string;
  /**
   * Start with `nsenter --net` instead of `ip netns exec`: the agent shares the test's mount
   * namespace, so its BPF pins (/sys/fs/bpf/sfc/<node>) are visible to the test (docs/operations.md).
   */
  readonly nsenter?: boolean;
}

export class AgentProcess {
  private child?: ChildProcess;
  readonly socket: string;
  readonly stateDir: string;
  readonly logFile: string;

  constructor(readonly opts: AgentProcessOptions) {
    this.socket = join(opts.dir, `${opts.name}.sock`);
    this.stateDir = join(opts.dir, `${opts.name}-state`);
    this.logFile = join(opts.dir, `${opts.name}.log`);
  }

  /** Starts the agent and resolves with a connected client. */
  async start(): Promise<AgentClient> {
    const out = openSync(this.logFile, 'a');
    const args = ['--name', this.opts.name, '--locator', this.opts.locator, '--listen', `unix:${this.socket}`, '--state-dir', this.stateDir, '--resync', String(this.opts.resyncSeconds ?? 1)];
    if (this.opts.controller) args.push('--controller', this.opts.controller);
    if (this.opts.coreInterface) args.push('--core-interface', this.opts.coreInterface);
    const bin = join(REPO_ROOT, 'bin', 'sfc-agent');
    this.child = this.opts.nsenter
      ? spawn('nsenter', [`--net=/run/netns/${this.opts.ns}`, bin, ...args], { stdio: ['ignore', out, out] })
      : spawn('ip', ['netns', 'exec', this.opts.ns, bin, ...args], { stdio: ['ignore', out, out] });
    const client = new AgentClient(`unix:${this.socket}`, { deadlineMs: 60_000 });
    await client.waitForReady(30_000).catch((e: unknown) => {
      throw new Error(`agent ${this.opts.name} did not come up: ${String(e)}\n${this.log()}`);
    });
    return client;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** kill -9: no shutdown path at all. */
  kill9(): Promise<void> {
    return this.signal('SIGKILL');
  }

  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private signal(sig: NodeJS.Signals): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      c.once('exit', () => resolve());
      c.kill(sig);
    });
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }
}
