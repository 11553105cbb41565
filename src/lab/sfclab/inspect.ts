/**
 * `sfclab inspect`: what is running — per node its namespace, role, locator, live addresses and
 * agent state (as the controller sees it) — plus the customer sites and how to reach the controller.
 */
import { ControllerClient } from '../../cli/client/controller-client.js';
import { formatTable } from '../../cli/format/table.js';
import type { NodeRecord } from '../../model/node.js';
import type { Site, Topology, Underlay } from '../../topology/types.js';
import { ipn, listNamespaces } from '../netns.js';
import { controllerAddress, instanceNamespacePrefix, labPaths } from './lab-layout.js';
import { readLabRecord } from './lab-record.js';
import { isAlive } from './processes.js';
import { namespaceOf } from './wire.js';

export interface NodeView {
  readonly name: string;
  readonly kind: string;
  readonly role: string;
  readonly namespace: string;
  readonly locator: string;
  /** `dev address/len` of every global address. */
  readonly addresses: readonly string[];
  /** `READY`, `UNREACHABLE`, `not registered`, `stopped` or `-` (no agent). */
  readonly agent: string;
  readonly instances: number;
}

export interface LabView {
  readonly lab: string;
  readonly deployed: boolean;
  readonly controller: string;
  readonly controllerRunning: boolean;
  readonly underlay: Underlay['mode'];
  readonly nodes: readonly NodeView[];
  readonly sites: readonly Site[];
}

function liveAddresses(ns: string): string[] {
  try {
    const out = JSON.parse(ipn(ns, ['-j', 'addr', 'show'])) as { ifname: string; addr_info?: { local: string; prefixlen: number; scope: string }[] }[];
    return out.flatMap((l) => (l.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${l.ifname} ${a.local}/${a.prefixlen}`));
  } catch {
    return [];
  }
}

export async function inspectLab(t: Topology, underlay: Underlay): Promise<LabView> {
  const paths = labPaths(t.name);
  const record = readLabRecord(paths.record);
  const ctl = record?.processes.find((p) => p.name === 'controller');
  const controllerRunning = ctl !== undefined && isAlive(ctl.pid);
  let registered = new Map<string, NodeRecord>();
  if (controllerRunning) {
    const client = new ControllerClient(controllerAddress(paths), { timeoutMs: 3000 });
    registered = new Map((await client.listNodes([]).catch(() => [])).map((n) => [n.name, n]));
    client.close();
  }
  const u = new Map(underlay.nodes.map((n) => [n.node, n]));
  const nodes = t.nodes.map((n): NodeView => {
    const ns = namespaceOf(t.name, n);
    const exists = ns !== undefined && record !== undefined && listNamespaces(ns).includes(ns);
    const proc = record?.processes.find((p) => p.name === `agent/${n.name}`);
    let agent = '-';
    if (n.role !== undefined) agent = !proc || !isAlive(proc.pid) ? 'stopped' : (registered.get(n.name)?.state ?? 'not registered');
    return {
      name: n.name,
      kind: n.kind,
      role: n.role ?? '-',
      namespace: ns ?? '(host)',
      locator: u.get(n.name)?.locator ?? n.locator ?? '-',
      addresses: exists ? liveAddresses(ns) : [],
      agent,
      instances: n.role !== undefined ? listNamespaces(instanceNamespacePrefix(t.name, n.name)).filter((x) => !x.includes('..pool')).length : 0,
    };
  });
  return { lab: t.name, deployed: record !== undefined, controller: controllerAddress(paths), controllerRunning, underlay: underlay.mode, nodes, sites: underlay.sites };
}

export function formatLabView(v: LabView): string {
  if (!v.deployed) return `lab ${v.lab} is not deployed`;
  const rows = v.nodes.map((n) => [n.name, n.kind, n.role, n.locator, n.agent, n.role === '-' ? '-' : String(n.instances), n.namespace, n.addresses.join(', ') || '-']);
  const out = [...formatTable(['NODE', 'KIND', 'ROLE', 'LOCATOR', 'AGENT', 'INSTANCES', 'NAMESPACE', 'ADDRESSES'], rows, { gap: 2 }), ''];
  if (v.sites.length > 0) {
    out.push(...formatTable(['SITE', 'EDGE', 'IPV4', 'IPV6'], v.sites.map((s) => [s.endpoint, s.edge, s.ipv4, s.ipv6]), { gap: 2 }), '');
  }
  out.push(`controller: ${v.controller} (${v.controllerRunning ? 'running' : 'not running'}); underlay: ${v.underlay}`);
  out.push(`  export SFC_CONTROLLER=${v.controller}   # then: sfcctl get nodes`);
  return out.join('\n');
}
