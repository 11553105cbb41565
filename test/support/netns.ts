/**
 * Throwaway network namespaces for privileged tests: uniquely named with the project's prefix,
 * removed after each test and at process exit, failures included.
 */
import { execFileSync } from 'node:child_process';

export const NETNS_PREFIX = 'sfc-t';

const live = new Set<string>();
let counter = 0;

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('privileged tests need root (they create network namespaces): run them as root, e.g. in CI');
  }
}

/** Runs `ip` with args; throws with ip's stderr on failure. */
export function ip(args: string[], input?: string): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${err.stderr?.trim() || err.message}`);
  }
}

/** `ip -n ns ...` */
export const ipn = (ns: string, args: string[], input?: string): string => ip(['-n', ns, ...args], input);

export function sh(ns: string, cmd: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function createNetns(tag = 'x'): string {
  requireRoot();
  const name = `${NETNS_PREFIX}-${process.pid}-${tag}-${++counter}`;
  ip(['netns', 'add', name]);
  live.add(name);
  ipn(name, ['link', 'set', 'lo', 'up']);
  return name;
}

export function deleteNetns(name: string): void {
  try {
    ip(['netns', 'del', name]);
  } catch {
    // already gone
  }
  live.delete(name);
}

export function deleteAllNetns(): void {
  for (const n of [...live]) deleteNetns(n);
}

process.on('exit', deleteAllNetns);

/** Enables SRv6 and forwarding inside ns (all interfaces, current and future). */
export function enableSrv6(ns: string): void {
  sh(ns, [
    'sysctl',
    '-qw',
    'net.ipv6.conf.all.forwarding=1',
    'net.ipv4.ip_forward=1',
    'net.ipv6.conf.all.seg6_enabled=1',
    'net.ipv6.conf.default.seg6_enabled=1',
    'net.ipv6.conf.all.keep_addr_on_down=1',
    'net.ipv6.conf.default.accept_dad=0',
    'net.ipv6.conf.all.accept_dad=0',
  ]);
}

/** A veth pair with both ends inside ns (or the peer in another ns), both up. */
export function veth(ns: string, a: string, b: string, peerNs?: string): void {
  ipn(ns, ['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
  if (peerNs) ipn(ns, ['link', 'set', b, 'netns', peerNs]);
  ipn(ns, ['link', 'set', a, 'up']);
  ipn(peerNs ?? ns, ['link', 'set', b, 'up']);
}
