/**
 * The kernel side of a deploy: node namespaces, veth links (mtu, mac), bridges, sysctls,
 * addresses and routes, and the file's `exec` commands. Everything happens inside the lab's own
 * namespaces; the only host-namespace objects are the veth ends of links to `kind: host` nodes,
 * whose names the topology check restricts to `sfc*`.
 */
import { spawnSync } from 'node:child_process';
import type { NodeUnderlay, Topology, TopologyLink, TopologyNode } from '../../topology/types.js';
import { CommandError, createNamespace, ip, ipn, setSysctls } from '../netns.js';
import { nodeNamespace } from './lab-layout.js';

/** The namespace a node's interfaces live in; undefined for `kind: host` (the host namespace). */
export function namespaceOf(lab: string, node: TopologyNode): string | undefined {
  return node.kind === 'host' ? undefined : nodeNamespace(lab, node.name);
}

/** The bridge device of a `kind: bridge` node, inside its own namespace. */
export const bridgeDevice = (node: TopologyNode): string => node.name.slice(0, 15);

export function createNodeNamespace(lab: string, node: TopologyNode): void {
  const ns = namespaceOf(lab, node);
  if (ns === undefined) return;
  createNamespace(ns);
  if (node.kind === 'bridge') {
    ipn(ns, ['link', 'add', 'name', bridgeDevice(node), 'type', 'bridge']); // `name`: a device called `br` would read as `broadcast`
    ipn(ns, ['link', 'set', 'dev', bridgeDevice(node), 'up']);
  }
}

/** Sysctls before links exist, so `default.*` values reach every interface created afterwards. */
export function applySysctls(ns: string, settings: Readonly<Record<string, string>>): void {
  const list = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
  if (list.length > 0) setSysctls(ns, list);
}

interface End {
  readonly ns: string | undefined;
  readonly name: string;
  readonly mac?: string;
}

const endArgs = (e: End, mtu: number | undefined): string[] => [...(e.mac ? ['address', e.mac] : []), ...(mtu ? ['mtu', String(mtu)] : [])];

/** One veth link; an end in the host namespace is always the one created there (a), its peer moved. */
export function createLink(lab: string, nodes: ReadonlyMap<string, TopologyNode>, link: TopologyLink, defaultMtu: number): void {
  const toEnd = (ep: TopologyLink['a']): End & { node: TopologyNode } => {
    const node = nodes.get(ep.node)!;
    return { ns: namespaceOf(lab, node), name: ep.interface, node, ...(ep.mac ? { mac: ep.mac } : {}) };
  };
  let [a, b] = [toEnd(link.a), toEnd(link.b)];
  if (b.ns === undefined) [a, b] = [b, a];
  const mtu = link.mtu ?? defaultMtu;
  const args = ['link', 'add', 'name', a.name, ...endArgs(a, mtu), 'type', 'veth', 'peer', 'name', b.name, ...endArgs(b, mtu), ...(b.ns !== a.ns ? ['netns', b.ns!] : [])];
  if (a.ns === undefined) ip(args);
  else ipn(a.ns, args);
  for (const end of [a, b]) {
    const on = (args: string[]): string => (end.ns === undefined ? ip(args) : ipn(end.ns, args));
    if (end.node.kind === 'bridge') on(['link', 'set', 'dev', end.name, 'master', bridgeDevice(end.node)]);
    on(['link', 'set', 'dev', end.name, 'up']);
  }
}

/** `ip -batch` text for a node's derived addresses and routes (`-6` is implied by the addresses). */
export function underlayBatch(u: NodeUnderlay): string {
  const lines: string[] = [];
  for (const a of u.addresses) lines.push(`addr add ${a.address} dev ${a.dev}${a.address.includes(':') ? ' nodad' : ''}`);
  for (const r of u.routes) lines.push(r.replace(/^-6 /, ''));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export function applyUnderlay(ns: string, u: NodeUnderlay): void {
  const batch = underlayBatch(u);
  if (batch !== '') ipn(ns, ['-batch', '-'], batch);
}

/** seg6_enabled on every interface of a role node (the kernel reads the receiving interface's value). */
export function enableSeg6OnInterfaces(ns: string): void {
  const names = ipn(ns, ['-o', 'link', 'show'])
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== 'lo');
  if (names.length > 0) setSysctls(ns, names.map((n) => `net.ipv6.conf.${n}.seg6_enabled=1`));
}

/** Runs one `exec` command in the node (through sh, with the node's env), as containerlab does after wiring. */
export function runExec(ns: string, command: string, env: Readonly<Record<string, string>>): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-c', command], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
}

export function mustExec(ns: string, node: string, command: string, env: Readonly<Record<string, string>>): void {
  const r = runExec(ns, command, env);
  if (r.code !== 0) throw new CommandError([`exec on ${node}:`, command], r.stderr || `exit code ${r.code}`);
}

export const nodesByName = (t: Topology): Map<string, TopologyNode> => new Map(t.nodes.map((n) => [n.name, n]));

/** What a lab owns, by name, as the file implies it: lab.json records it, destroy falls back on it. */
export interface LabInventory {
  readonly namespaces: readonly string[];
  /** veth ends in the host namespace (links to `kind: host` nodes). */
  readonly hostInterfaces: readonly string[];
  /** Nodes running an agent (their instance namespaces are `sfc-<lab>-<node>.*`). */
  readonly agentNodes: readonly string[];
}

export function labInventory(t: Topology): LabInventory {
  const hosts = new Set(t.nodes.filter((n) => n.kind === 'host').map((n) => n.name));
  return {
    namespaces: t.nodes.map((n) => namespaceOf(t.name, n)).filter((n): n is string => n !== undefined),
    hostInterfaces: t.links.flatMap((l) => [l.a, l.b]).filter((e) => hosts.has(e.node)).map((e) => e.interface),
    agentNodes: t.nodes.filter((n) => n.role !== undefined).map((n) => n.name),
  };
}
