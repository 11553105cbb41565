/**
 * The shell jobs of the netns runtime (pure: text in, text out). Each one is a dash script run by
 * a job shell in the node's network namespace (and the mount namespace that owns /run/netns):
 * every step that can share a process does (`ip -batch`, one `nft -f`), sysctls are written by
 * the shell itself, and the instance-side `ip -batch` runs in parallel with `nft -f`.
 *
 * Cold spawn, measured ≈ 7 ms: one `ip -batch` in the node (netns add, veth with the peer created
 * directly in the instance, host-side addresses) → `nsenter --net` into the instance → sysctls,
 * `ip -batch` (addresses, routes) ∥ `nft -f` (the function).
 *
 * Every value interpolated here is either derived from validated numbers (addresses, slots),
 * a validated id / node name ([a-z0-9-]), or shell-quoted (paths). Heredocs are quoted
 * (`<<'EOF'`): their bodies are never expanded.
 */
import { nftRuleset } from '../../functions/nft-ruleset.js';
import type { FunctionSpec } from '../../functions/function-spec.js';
import { INSTANCE_RETURN_RULE_PRIORITY, INSTANCE_RETURN_TABLE } from '../../plan/ids.js';
import type { InstanceLegs, LegAddresses } from '../../plan/leg-addressing.js';

/** Instance namespaces: `sfc-<node>.<instanceId>` (neither contains a dot, so no two collide); a lab finds a node's by the prefix `sfc-<node>.`. */
export const instanceNamespace = (node: string, id: string): string => `sfc-${node}.${id}`;

/** Warm-pool namespaces `sfc-<node>..pool<k>`: the double dot never comes from an id. */
export const poolNamespace = (node: string, k: number): string => `sfc-${node}..pool${k}`;
export const poolNamespacePattern = (node: string): RegExp => new RegExp(`^sfc-${node.replace(/[^A-Za-z0-9_-]/g, '')}\\.\\.pool\\d+$`);

/** Host-side pool leg names (renamed to the slot's names on claim): `sfcp<k>i` / `sfcp<k>o`, k in hex. */
export const poolLegName = (k: number, which: 'i' | 'o'): string => `sfcp${(k & 0xffff).toString(16).padStart(4, '0')}${which}`;

/**
 * The responder answers for every destination: `local 0.0.0.0/0` and `local ::/0` in the local
 * table. Only the local table works for that: an IPv4 reply's source (the address the request was
 * sent to) must be local per `__ip_dev_find`, which falls back to the local table only — with the
 * routes in another table the kernel counts IcmpInEchos and sends nothing (measured). So the local
 * table's rule moves behind `iif lo lookup main`: what arrives on a leg is delivered locally, what
 * the responder sends (replies) is routed by main, loopback stays loopback.
 */
export const RESPONDER_RULE_PRIORITY = { loopback: 99, legs: 100, replies: 101, local: 200 } as const;

const EOF = { ip: '__SFC_IP__', ip6: '__SFC_IP6__', ns: '__SFC_NS__', nft: '__SFC_NFT__' } as const;

/** POSIX single-quoting. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `command <<'EOF' [suffix]` + body + `EOF`; `suffix` (redirections, `&`, `|| true`) stays on the command's line. */
function heredoc(command: string, eof: string, lines: string | readonly string[], suffix = ''): string {
  const body = typeof lines === 'string' ? lines.replace(/\n$/, '') : lines.join('\n');
  if (body.split('\n').includes(eof)) throw new Error(`heredoc body contains its delimiter ${eof}`);
  return `${command} <<'${eof}'${suffix ? ` ${suffix}` : ''}\n${body}\n${eof}`;
}

const legList = (legs: InstanceLegs): LegAddresses[] => (legs.out ? [legs.in, legs.out] : [legs.in]);
const outLeg = (legs: InstanceLegs): LegAddresses => legs.out ?? legs.in;

/** Instance-side interface names for the ruleset: traffic in by the in leg, out by the out leg. */
export const instanceInterfaces = (legs: InstanceLegs): { in: string; out: string } => ({ in: legs.in.instanceDev, out: outLeg(legs).instanceDev });

/** Node side, cold: the namespace and its veth legs (peer created directly inside), addressed and up. */
export function hostColdLines(ns: string, legs: InstanceLegs): string[] {
  const lines = [`netns add ${ns}`];
  for (const l of legList(legs)) {
    lines.push(`link add ${l.hostDev} type veth peer name ${l.instanceDev} netns ${ns}`);
    lines.push(...hostAddressLines(l));
  }
  return lines;
}

function hostAddressLines(l: LegAddresses): string[] {
  return [`addr add ${l.host4}/${l.len4} dev ${l.hostDev}`, `addr add ${l.host6}/${l.len6} dev ${l.hostDev} nodad`, `link set ${l.hostDev} up`];
}

/** Sysctl writes inside the instance: forwarding on, reverse-path filtering off, no DAD on the legs. */
export function instanceSysctlLines(devs: readonly string[]): string[] {
  const set: [string, string][] = [
    ['net/ipv4/ip_forward', '1'],
    ['net/ipv6/conf/all/forwarding', '1'],
    ['net/ipv4/conf/all/rp_filter', '0'],
    ['net/ipv4/conf/default/rp_filter', '0'],
    ['net/ipv6/conf/default/accept_dad', '0'],
  ];
  for (const d of devs) set.push([`net/ipv4/conf/${d}/rp_filter`, '0'], [`net/ipv6/conf/${d}/accept_dad`, '0']);
  return set.map(([k, v]) => `echo ${v} > /proc/sys/${k}`);
}

/** Instance side `ip -batch` lines: leg addresses, default routes via the out leg, the return rule, responder's local delivery. */
export function instanceIpLines(fn: FunctionSpec, legs: InstanceLegs, opts: { lo: boolean }): string[] {
  const lines = opts.lo ? ['link set lo up'] : [];
  for (const l of legList(legs)) {
    lines.push(`addr add ${l.instance4}/${l.len4} dev ${l.instanceDev}`, `addr add ${l.instance6}/${l.len6} dev ${l.instanceDev} nodad`, `link set ${l.instanceDev} up`);
  }
  const out = outLeg(legs);
  lines.push(`route add default via ${out.host4} dev ${out.instanceDev}`, `route add default via ${out.host6} dev ${out.instanceDev}`);
  if (legs.out) lines.push(...returnRouteLines(legs), returnRuleLine(legs));
  if (fn.type === 'responder') lines.push(...responderRules(legs, '127.0.0.0/8'), 'route add local 0.0.0.0/0 dev lo');
  return lines;
}

/**
 * What enters a two-leg instance by its out leg leaves by its in leg: a NAT's replies (sent to its
 * address, de-translated by conntrack) go back the way the flow came, to the node's reverse proxy.
 * Every two-leg instance gets it (nothing else enters by the out leg), so reconfiguring an
 * instance into a NAT needs no respawn.
 */
function returnRouteLines(legs: InstanceLegs): string[] {
  return [`route add table ${INSTANCE_RETURN_TABLE} default via ${legs.in.host4} dev ${legs.in.instanceDev}`, `route add table ${INSTANCE_RETURN_TABLE} default via ${legs.in.host6} dev ${legs.in.instanceDev}`];
}

const returnRuleLine = (legs: InstanceLegs): string => `rule add pref ${INSTANCE_RETURN_RULE_PRIORITY} iif ${outLeg(legs).instanceDev} lookup ${INSTANCE_RETURN_TABLE}`;

function responderRules(legs: InstanceLegs, loopback: string): string[] {
  const P = RESPONDER_RULE_PRIORITY;
  return [
    `rule add pref ${P.loopback} to ${loopback} lookup local`,
    ...legList(legs).map((l) => `rule add pref ${P.legs} iif ${l.instanceDev} lookup local`),
    `rule add pref ${P.replies} iif lo lookup main`,
    `rule add pref ${P.local} lookup local`,
    'rule del pref 0 lookup local',
  ];
}

/** IPv6 rules need `ip -6` (a batch line cannot choose the family of `rule add`). Run after the v4 batch (lo up). */
export function instanceIp6Lines(fn: FunctionSpec, legs: InstanceLegs): string[] {
  const lines = legs.out ? [returnRuleLine(legs)] : [];
  if (fn.type === 'responder') lines.push(...responderRules(legs, '::1/128'), 'route add local ::/0 dev lo');
  return lines;
}

export interface InstanceScriptOptions {
  readonly fn: FunctionSpec;
  readonly legs: InstanceLegs;
  /** Write the sysctls (a pool namespace has them already). */
  readonly sysctls: boolean;
  /** Bring lo up (likewise). */
  readonly lo: boolean;
  /** `ip -batch` lines to run first (the pool's rename). */
  readonly preIp?: readonly string[];
  /** Shell text run last (the responder's `exec node ...`). */
  readonly tail?: string;
}

/** Runs inside the instance's namespace: sysctls, then `ip -batch` ∥ `nft -f`. */
export function instanceScript(o: InstanceScriptOptions): string {
  const parts = ['set -e'];
  if (o.sysctls) parts.push(...instanceSysctlLines(legList(o.legs).map((l) => l.instanceDev)));
  const ipLines = [...(o.preIp ?? []), ...instanceIpLines(o.fn, o.legs, { lo: o.lo })];
  const ip6 = instanceIp6Lines(o.fn, o.legs);
  // `ip -batch` runs in the background while nft loads. The IPv6 batch (rules) runs beside them, or
  // after the IPv4 batch for a responder (its rules need lo up, which the IPv4 batch does).
  const waits = ['wait $__sfc_ip'];
  if (ip6.length === 0) parts.push(heredoc('ip -batch -', EOF.ip, ipLines, '&'), '__sfc_ip=$!');
  else if (o.fn.type === 'responder') parts.push(`{\n${heredoc('ip -batch -', EOF.ip, ipLines)}\n${heredoc('ip -6 -batch -', EOF.ip6, ip6)}\n} &`, '__sfc_ip=$!');
  else {
    parts.push(heredoc('ip -batch -', EOF.ip, ipLines, '&'), '__sfc_ip=$!', heredoc('ip -6 -batch -', EOF.ip6, ip6, '&'), '__sfc_ip6=$!');
    waits.push('wait $__sfc_ip6');
  }
  parts.push(heredoc('nft -f -', EOF.nft, nftRuleset(o.fn, instanceInterfaces(o.legs))));
  parts.push(...waits);
  if (o.tail) parts.push(o.tail);
  return parts.join('\n');
}

/** Cold spawn, run in the node's namespace. */
export function coldSpawnScript(ns: string, fn: FunctionSpec, legs: InstanceLegs, tail?: string): string {
  return [
    'set -e',
    heredoc('ip -batch -', EOF.ip, hostColdLines(ns, legs)),
    heredoc(`exec nsenter --net=/run/netns/${ns} sh`, EOF.ns, instanceScript({ fn, legs, sysctls: true, lo: true, tail })),
  ].join('\n');
}

/** `exec`s the responder (the instance's keeper): stdio detached from the agent. */
export function responderTail(node: string, script: string, id: string, stateFile: string, statusFile: string, logFile: string): string {
  return `exec ${shq(node)} --max-old-space-size=32 ${shq(script)} ${shq(id)} ${shq(stateFile)} ${shq(statusFile)} </dev/null >/dev/null 2>>${shq(logFile)}`;
}

/** Atomically replaces the function's ruleset of a running instance. */
export function reconfigureScript(ns: string, fn: FunctionSpec, legs: InstanceLegs): string {
  return heredoc(`exec nsenter --net=/run/netns/${ns} nft -f -`, EOF.nft, nftRuleset(fn, instanceInterfaces(legs), { replace: true }));
}

/**
 * Removes a namespace and waits until its host-side legs are gone (so the slot's names are free
 * when this returns). Deleting the namespace lets the kernel tear down all its devices in one
 * batch (measured ~15 ms); deleting the veths one by one costs 15-50 ms each here. Legs still
 * there after 5 s (something else holds the namespace) are deleted explicitly. Idempotent.
 */
export function destroyScript(ns: string, hostDevs: readonly string[] = []): string {
  const lines = [`if [ -e /run/netns/${ns} ]; then ip netns del ${ns} 2>/dev/null || rm -f /run/netns/${ns} 2>/dev/null || true; fi`];
  if (hostDevs.length > 0) {
    const present = hostDevs.map((d) => `ip link show dev ${d} >/dev/null 2>&1`).join(' || ');
    lines.push(
      '__sfc_i=0',
      `while [ $__sfc_i -lt 500 ] && { ${present}; }; do sleep 0.01; __sfc_i=$((__sfc_i + 1)); done`,
      ...hostDevs.map((d) => `ip link del dev ${d} >/dev/null 2>&1 || true`),
    );
  }
  lines.push('true');
  return lines.join('\n');
}

/** The host-side names of an instance's legs. */
export const hostDevs = (legs: InstanceLegs): string[] => legList(legs).map((l) => l.hostDev);
export const poolHostDevs = (k: number): string[] => [poolLegName(k, 'i'), poolLegName(k, 'o')];

/** Removes host-side legs left over in the slot's names (recovery before a retried spawn). */
export function staleLegsScript(legs: InstanceLegs): string {
  return heredoc('ip -force -batch -', EOF.ip, legList(legs).map((l) => `link del ${l.hostDev}`), '>/dev/null 2>&1 || true');
}

/** Warm pool, node side: a namespace with two unaddressed legs, host ends down (so they can be renamed). */
export function poolCreateScript(pool: string, k: number): string {
  return [
    'set -e',
    heredoc('ip -batch -', EOF.ip, [
      `netns add ${pool}`,
      `link add ${poolLegName(k, 'i')} type veth peer name eth0 netns ${pool}`,
      `link add ${poolLegName(k, 'o')} type veth peer name eth1 netns ${pool}`,
    ]),
  ].join('\n');
}

/** Warm pool, inside the pool namespace (the pool shell): what does not depend on the instance. */
export function poolPrepareScript(): string {
  return ['set -e', ...instanceSysctlLines(['eth0', 'eth1']), heredoc('ip -batch -', EOF.ip, ['link set lo up', 'link set eth0 up', 'link set eth1 up'])].join('\n');
}

/** Warm pool claim, node side: the pool legs take the slot's names and addresses. */
export function claimHostScript(k: number, legs: InstanceLegs): string {
  const lines: string[] = [];
  const pairs: [string, LegAddresses | undefined][] = [
    [poolLegName(k, 'i'), legs.in],
    [poolLegName(k, 'o'), legs.out],
  ];
  for (const [poolDev, l] of pairs) {
    if (!l) {
      lines.push(`link del ${poolDev}`);
      continue;
    }
    lines.push(`link set ${poolDev} name ${l.hostDev}`, ...hostAddressLines(l));
  }
  return ['set -e', heredoc('ip -batch -', EOF.ip, lines)].join('\n');
}

/**
 * Warm pool claim, inside the pool namespace: the namespace is renamed (attached under the
 * instance's name through `pid`, a process inside it, then the pool name removed), then the
 * function is configured as in a cold spawn.
 */
export function claimInstanceScript(pool: string, ns: string, pid: number, fn: FunctionSpec, legs: InstanceLegs): string {
  return instanceScript({ fn, legs, sysctls: false, lo: false, preIp: [`netns attach ${ns} ${pid}`, `netns del ${pool}`] });
}
