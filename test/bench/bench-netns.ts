/**
 * Throwaway network namespaces for benchmarks (`sfc-bench-<pid>-<n>`), each with lo up, a veth pair
 * (there is no dummy module on the target machines) and IPv6 forwarding on. Every namespace and child
 * process made here is torn down by `cleanupAll()`, which the driver calls from finally and from its
 * SIGINT/SIGTERM handlers. Nothing here touches the host namespace's routes or interfaces.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createNamespace as createLabNamespace, deleteNamespace as deleteLabNamespace, ipn, setSysctls, vethPair } from '../../src/lab/netns.js';
import { BENCH_DEV, BENCH_PEER } from './objects.js';

const created = new Set<string>();
const children = new Set<ChildProcess>();
let counter = 0;

export function createNamespace(): string {
  const ns = `sfc-bench-${process.pid}-${counter++}`;
  createLabNamespace(ns);
  created.add(ns);
  vethPair({ ns, name: BENCH_DEV }, { ns, name: BENCH_PEER });
  setSysctls(ns, ['net.ipv6.conf.all.forwarding=1']);
  return ns;
}

/**
 * Deletes the namespace. The veth goes first: that removes its nexthops and every route through
 * them synchronously, so the kernel's deferred netns cleanup has little left to do in the
 * background while the next measurement runs.
 */
export function deleteNamespace(ns: string): void {
  if (!created.has(ns)) return;
  try {
    ipn(ns, ['link', 'del', BENCH_DEV]);
  } catch {
    // already gone
  }
  if (!deleteLabNamespace(ns)) process.stderr.write(`bench: could not delete netns ${ns}\n`);
  created.delete(ns);
}

/** Spawns a tracked child; resolves with its stdout when it exits 0, rejects otherwise. */
export function runChild(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', (e) => {
      children.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      children.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ').slice(0, 200)} exited with ${signal ?? code}`));
    });
  });
}

/** Kills the children this module started (by pid) and deletes every namespace it created. */
export function cleanupAll(): void {
  for (const c of children) {
    if (c.exitCode === null && c.pid !== undefined) {
      try {
        process.kill(c.pid, 'SIGTERM');
      } catch {
        // exited meanwhile
      }
    }
  }
  children.clear();
  for (const ns of [...created]) deleteNamespace(ns);
}
