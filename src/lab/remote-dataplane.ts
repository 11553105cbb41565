/**
 * A Dataplane whose kernel is another network namespace: forwards every call to a dataplane-worker
 * process started there with `ip netns exec` (see dataplane-worker.ts for why a process). Used by
 * labs and by the privileged tests.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Dataplane, DataplaneOp, Link, ListOptions, OpResult } from '../dataplane/dataplane.js';
import { SFC_PROTOCOL } from '../dataplane/dataplane.js';
import type { FeatureReport } from '../dataplane/netlink/probe.js';
import type { Nexthop } from '../dataplane/seg6/nexthop.js';
import type { Route } from '../dataplane/seg6/route.js';
import type { Rule } from '../dataplane/seg6/rule.js';
import { REPO_ROOT, nodeScript } from './node-script.js';
import type { RawEncaps } from './raw-encaps.js';
import { type WireError, errorFromWire, fromWire, reviveResults, toWire } from './wire-json.js';

export type { RawEncaps } from './raw-encaps.js';

export class RemoteDataplane implements Dataplane {
  readonly protocol = SFC_PROTOCOL;
  private readonly child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly ready: Promise<void>;
  private stderr = '';

  private constructor(readonly netns: string) {
    this.child = spawn('ip', ['netns', 'exec', netns, ...nodeScript(import.meta.url, 'dataplane-worker')], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    let markReady: () => void;
    let failReady: (e: Error) => void;
    this.ready = new Promise((res, rej) => {
      markReady = res;
      failReady = rej;
    });
    this.child.on('exit', (code) => {
      const err = new Error(`dataplane worker in ${netns} exited (${code}): ${this.stderr.trim()}`);
      failReady(err);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = fromWire<{ ready?: boolean; id?: number; result?: unknown; error?: WireError }>(line);
      if (msg.ready) return markReady();
      const w = this.waiting.get(msg.id!);
      if (!w) return;
      this.waiting.delete(msg.id!);
      if (msg.error) w.reject(errorFromWire(msg.error));
      else w.resolve(msg.result);
    });
  }

  static async start(netns: string): Promise<RemoteDataplane> {
    const dp = new RemoteDataplane(netns);
    await dp.ready;
    return dp;
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin.write(`${toWire({ id, method, args })}\n`);
    });
  }

  async apply(ops: readonly DataplaneOp[]): Promise<OpResult[]> {
    return reviveResults(await this.call('apply', ops)) as OpResult[];
  }
  addRoute = (r: Route) => this.call<void>('addRoute', r);
  replaceRoute = (r: Route) => this.call<void>('replaceRoute', r);
  deleteRoute = (r: Route) => this.call<boolean>('deleteRoute', r);
  listRoutes = (o?: ListOptions) => this.call<Route[]>('listRoutes', o ?? {});
  getRoute = (dst: string, table?: number) => this.call<Route | undefined>('getRoute', dst, table).then((r) => r ?? undefined);
  addNexthop = (n: Nexthop) => this.call<void>('addNexthop', n);
  replaceNexthop = (n: Nexthop) => this.call<void>('replaceNexthop', n);
  deleteNexthop = (n: Pick<Nexthop, 'id'>) => this.call<boolean>('deleteNexthop', n);
  listNexthops = (o?: ListOptions) => this.call<Nexthop[]>('listNexthops', o ?? {});
  addRule = (r: Rule) => this.call<void>('addRule', r);
  deleteRule = (r: Rule) => this.call<boolean>('deleteRule', r);
  listRules = (o?: ListOptions) => this.call<Rule[]>('listRules', o ?? {});
  setTunnelSource = (a: string) => this.call<void>('setTunnelSource', a);
  getTunnelSource = () => this.call<string>('getTunnelSource');
  links = () => this.call<Link[]>('links');
  rawEncaps = () => this.call<RawEncaps>('rawEncaps');
  probeFeatures = () => this.call<FeatureReport>('probeFeatures');

  close(): void {
    this.child.stdin.end();
  }

  /** Waits for the worker to exit (closing its sockets) so the namespace can go. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((res) => this.child.once('exit', () => res()));
    this.close();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}
