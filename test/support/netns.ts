/**
 * Throwaway network namespaces for privileged tests: uniquely named `sfc-t-<pid>-<tag>-<n>`, removed
 * after each test and at process exit, failures included. The namespace mechanics are the lab's
 * (src/lab/netns.ts); this file adds the test naming, root check and the leftover tracking.
 */
import { createNamespace, deleteNamespace, enableSrv6 as labEnableSrv6, ip, ipn, nsExec, vethPair } from '../../src/lab/netns.js';

export { ip, ipn };

export const NETNS_PREFIX = 'sfc-t';

const live = new Set<string>();
let counter = 0;

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('privileged tests need root (they create network namespaces): run them as root, e.g. in CI');
  }
}

export const sh = (ns: string, cmd: string[]): string => nsExec(ns, cmd);

export function createNetns(tag = 'x'): string {
  requireRoot();
  const name = `${NETNS_PREFIX}-${process.pid}-${tag}-${++counter}`;
  createNamespace(name);
  live.add(name);
  return name;
}

export function deleteNetns(name: string): void {
  deleteNamespace(name);
  live.delete(name);
}

export function deleteAllNetns(): void {
  for (const n of [...live]) deleteNetns(n);
}

process.on('exit', deleteAllNetns);

/** Enables SRv6 and forwarding inside ns (all interfaces, current and future). */
export const enableSrv6 = (ns: string): void => labEnableSrv6(ns);

/** A veth pair with both ends inside ns (or the peer in another ns), both up. */
export function veth(ns: string, a: string, b: string, peerNs?: string): void {
  vethPair({ ns, name: a }, { ns: peerNs ?? ns, name: b });
}
