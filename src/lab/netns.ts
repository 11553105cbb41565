/**
 * Network namespaces for labs: create, wire, configure, run commands in, and remove them, all
 * through iproute2 from the host namespace. Links are created inside the lab's own namespaces, so
 * nothing here ever adds, changes or removes a route or an interface of the host namespace.
 *
 * Ownership: every namespace name must start with `sfc-`; create and delete refuse anything else, so
 * a typo cannot reach a namespace this project does not own.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

export const OWNED_PREFIX = 'sfc-';

/** A command that failed, with the stderr that says why. */
export class CommandError extends Error {
  constructor(
    readonly command: readonly string[],
    readonly stderr: string,
  ) {
    super(`${command.join(' ')}: ${stderr.trim() || 'failed'}`);
    this.name = 'CommandError';
  }
}

function run(cmd: string, args: readonly string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new CommandError([cmd, ...args], err.stderr || err.message);
  }
}

/** Runs `ip` with args; throws a CommandError carrying ip's stderr. */
export const ip = (args: readonly string[], input?: string): string => run('ip', args, input);

/** `ip -n ns ...`: iproute2 enters the namespace itself, no shell involved. */
export const ipn = (ns: string, args: readonly string[], input?: string): string => ip(['-n', ns, ...args], input);

/** Runs a command inside ns and returns its stdout. */
export const nsExec = (ns: string, cmd: readonly string[]): string => run('ip', ['netns', 'exec', ns, ...cmd]);

export interface NsSpawnOptions {
  readonly cwd?: string;
  /** Aborting kills the child (SIGTERM): Ctrl-C in a lab run stops its traffic generators. */
  readonly signal?: AbortSignal;
}

/** Starts a long-running command inside ns with piped stdio. */
export function nsSpawn(ns: string, cmd: readonly string[], opts: NsSpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, ...cmd], { cwd: opts.cwd, signal: opts.signal, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Starts a long-running command in ns's network namespace only (`nsenter --net`), in the caller's
 * mount namespace. `ip netns exec` gives the command a private mount namespace whose /run/netns is
 * a slave of the host's: namespaces the command names itself (`ip netns add`, e.g. an agent's
 * instances) would be invisible outside it. The netns runtime copes with both (it makes its mounts
 * in the namespace that owns /run/netns), but this is the plain way to run an agent in a node.
 * /sys is not remounted: it keeps showing the caller's namespace.
 */
export function nsSpawnNetOnly(ns: string, cmd: readonly string[], opts: NsSpawnOptions = {}): ChildProcess {
  return spawn('nsenter', [`--net=/run/netns/${ns}`, ...cmd], { cwd: opts.cwd, signal: opts.signal, stdio: ['pipe', 'pipe', 'pipe'] });
}

function checkOwned(name: string): void {
  if (!name.startsWith(OWNED_PREFIX)) throw new Error(`refusing to touch namespace '${name}': srv6-sfc only owns names starting with '${OWNED_PREFIX}'`);
}

/** The namespaces whose names start with prefix (an `sfc-...` prefix). */
export function listNamespaces(prefix: string): string[] {
  checkOwned(prefix);
  return ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
}

/** Creates ns with its loopback up (SIDs and tunnel sources live on lo). */
export function createNamespace(name: string): void {
  checkOwned(name);
  ip(['netns', 'add', name]);
  try {
    ipn(name, ['link', 'set', 'lo', 'up']);
  } catch (e) {
    deleteNamespace(name);
    throw e;
  }
}

/** Idempotent: resolves false when ns was not there. Its veth peers in other namespaces go with it. */
export function deleteNamespace(name: string): boolean {
  checkOwned(name);
  try {
    ip(['netns', 'del', name]);
    return true;
  } catch {
    return false;
  }
}

/**
 * What an SRv6 node needs, set in `all` and `default` so that links created afterwards inherit it
 * (per-interface seg6_enabled is copied from `default` when the interface appears, not later).
 * DAD off: a lab's addresses are unique by construction and DAD would delay them by a second.
 */
export const SRV6_SYSCTLS: readonly string[] = [
  'net.ipv6.conf.all.forwarding=1',
  'net.ipv6.conf.default.forwarding=1',
  'net.ipv4.ip_forward=1',
  'net.ipv6.conf.all.seg6_enabled=1',
  'net.ipv6.conf.default.seg6_enabled=1',
  'net.ipv6.conf.all.keep_addr_on_down=1',
  'net.ipv6.conf.all.accept_dad=0',
  'net.ipv6.conf.default.accept_dad=0',
];

/** Applies sysctls inside ns (net.* sysctls are per namespace). */
export function setSysctls(ns: string, settings: readonly string[]): void {
  nsExec(ns, ['sysctl', '-qw', ...settings]);
}

export const enableSrv6 = (ns: string): void => setSysctls(ns, SRV6_SYSCTLS);

export interface VethEnd {
  readonly ns: string;
  readonly name: string;
}

/**
 * A veth pair between two namespaces (or within one), both ends up. Created inside `a.ns` with the
 * peer placed directly in `b.ns`: neither end ever exists in the host namespace. There is no dummy
 * or bridge alternative on the target machines; veth is always there.
 */
export function vethPair(a: VethEnd, b: VethEnd, mtu?: number): void {
  const m = mtu === undefined ? [] : ['mtu', String(mtu)];
  const peerNs = a.ns === b.ns ? [] : ['netns', b.ns];
  ipn(a.ns, ['link', 'add', a.name, ...m, 'type', 'veth', 'peer', 'name', b.name, ...m, ...peerNs]);
  ipn(a.ns, ['link', 'set', a.name, 'up']);
  ipn(b.ns, ['link', 'set', b.name, 'up']);
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
