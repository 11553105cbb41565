/**
 * What the lab benchmark's groups share: the bench copy of topology/large.clab.yml, chain specs,
 * a timestamped `ip monitor nexthop`, and
 * waiting for a deleted chain's instances to be gone. Every child process started here is tracked
 * so the SIGINT/SIGTERM hook can kill it by pid.
 */
import { instanceNamespacePrefix } from '../../src/lab/sfclab/lab-layout.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '../../src/common/errors.js';
import { REPO_ROOT } from '../../src/lab/node-script.js';
import { listNamespaces } from '../../src/lab/netns.js';
import type { LabSession } from '../../src/lab/sfclab/lab-session.js';
import type { Chain, ChainSpec } from '../../src/model/chain.js';

/** The lab's name while benchmarking: namespaces are `sfc-bench-lab-<node>`. */
export const BENCH_LAB = 'bench-lab';
/** Per function host; large.clab.yml says 16, too few for 200 background + 10 measured instances on 8 hosts. */
export const BENCH_CAPACITY = 32;
/** Addresses only a chain reaches: the server holds 10.99.0.1 on lo, edge3 routes 10.99.0.0/16 to it. */
export const CHAIN_ONLY_DST = '10.99.0.1';
export const CHAIN_ONLY_MATCH = '10.99.0.0/24';
export const VNF_HOSTS = { 'srv6-sfc/role': 'vnf-host' } as const;

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes topology/large.clab.yml under the bench's lab name (and capacity) to a temp dir; returns the file. */
export function benchTopologyFile(): string {
  const src = readFileSync(join(REPO_ROOT, 'topology', 'large.clab.yml'), 'utf8');
  const out = src.replace(/^name: .*$/m, `name: ${BENCH_LAB}`).replace(/srv6-sfc\/capacity: "\d+"/, `srv6-sfc/capacity: "${BENCH_CAPACITY}"`);
  if (!out.includes(`name: ${BENCH_LAB}`) || !out.includes(`capacity: "${BENCH_CAPACITY}"`)) throw new Error('topology/large.clab.yml changed shape: cannot rename it for the bench');
  const file = join(mkdtempSync(join(tmpdir(), 'sfc-bench-lab-')), `${BENCH_LAB}.clab.yml`);
  writeFileSync(file, out);
  return file;
}

/** A chain of monitors f1..fn (or the given names) placed by `nodeSelector` on the function hosts. */
export function monitorChain(opts: { ingress: string; egress: string; destinations: readonly string[]; functions: readonly string[] }): ChainSpec {
  return {
    ingress: { node: opts.ingress, match: { destinations: opts.destinations } },
    egress: { node: opts.egress },
    functions: opts.functions.map((name) => ({ name, type: 'monitor', placement: { nodeSelector: VNF_HOSTS } })),
  };
}

export const fnNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `f${i + 1}`);

const children = new Set<ChildProcess>();
function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.on('close', () => children.delete(child));
  return child;
}
/** SIGINT/SIGTERM hook: kills the monitors still running (by pid). */
export function killChildren(): void {
  for (const c of children) c.kill('SIGKILL');
}

/** `[2026-11-21T10:17:56.142403] ...` (ip -ts, local time) → ms since the epoch. */
export function monitorTimestamp(line: string): number | undefined {
  const m = /^\[(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d+)\]/.exec(line);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime() + Number(`0.${m[7]}`) * 1000;
}

/**
 * `ip -n NS -ts -o monitor nexthop`: every nexthop change in a namespace with the time `ip` read
 * it from netlink (microseconds, the same clock as Date.now()).
 */
export class NexthopWatch {
  private readonly child: ChildProcess;
  private buffer = '';
  readonly events: { readonly at: number; readonly line: string }[] = [];

  private constructor(readonly ns: string) {
    this.child = track(spawn('ip', ['-n', ns, '-ts', '-o', 'monitor', 'nexthop'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    this.child.stdout!.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      const lines = this.buffer.split('\n');
      this.buffer = lines.pop()!;
      for (const line of lines) {
        const at = monitorTimestamp(line);
        if (at !== undefined) this.events.push({ at, line });
      }
    });
  }

  static async start(ns: string): Promise<NexthopWatch> {
    const w = new NexthopWatch(ns);
    await sleep(150); // let ip subscribe
    return w;
  }

  /** The first event at or after t (ms since the epoch), waiting up to timeoutMs for it. */
  async firstAfter(t: number, timeoutMs = 3000): Promise<{ at: number; line: string } | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = this.events.find((x) => x.at >= t);
      if (e || Date.now() > deadline) return e;
      await sleep(10);
    }
  }

  stop(): void {
    this.child.kill();
  }
}

/** The instance namespaces a chain's status names (`sfc-<lab>-<node>.<id>`). */
export const instanceNamespaces = (c: Chain): string[] => c.status.instances.map((i) => `${instanceNamespacePrefix(BENCH_LAB, i.node)}${i.id}`);

const GRPC_NOT_FOUND = 5;

/** Deletes the chain and waits until the controller forgot it and its instances' namespaces are gone. */
export async function deleteAndWait(lab: LabSession, chain: Chain, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  const nss = new Set(instanceNamespaces(chain));
  const nodes = new Set(chain.status.instances.map((i) => i.node));
  await lab.delete(chain.name);
  for (;;) {
    const known = await lab.client.getChain(chain.name).then(
      () => true,
      (e: unknown) => {
        if (e instanceof NotFoundError || (e as { code?: unknown }).code === GRPC_NOT_FOUND) return false;
        throw e;
      },
    );
    const left = [...nodes].flatMap((n) => listNamespaces(instanceNamespacePrefix(BENCH_LAB, n))).filter((ns) => nss.has(ns));
    if (!known && left.length === 0) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`chain ${chain.name} not gone after ${timeoutMs / 1000} s (controller knows it: ${known}; namespaces left: ${left.join(', ')})`);
    await sleep(50);
  }
}

export const REPO = REPO_ROOT;
