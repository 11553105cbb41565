/** `get` tables and `-o name` lines of chains, nodes and instances. Pure. */
import type { ChainInstance } from '../../controller/grpc/codecs/instance-codec.js';
import type { Chain } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';
import { condition } from '../readiness.js';
import { formatAge } from './age.js';
import { formatTable } from './table.js';

/** An empty cell: visible, so columns never collapse into each other for the eye. */
export const NONE = '-';

const or = (s: string | undefined): string => (s === undefined || s === '' ? NONE : s);

export function chainsTable(chains: readonly Chain[], now: Date): string[] {
  return formatTable(
    ['NAME', 'READY', 'REASON', 'INGRESS', 'EGRESS', 'FUNCTIONS', 'GENERATION', 'AGE'],
    chains.map((c) => {
      const ready = condition(c, 'Ready');
      return [
        c.name,
        ready?.status ?? 'Unknown',
        // The reason matters when it is not Ready; when it is, it only repeats "Ready".
        ready?.status === 'True' ? NONE : or(ready?.reason),
        c.spec.ingress.node,
        c.spec.egress.node,
        or(c.spec.functions.map((f) => f.name).join(',')),
        c.status.observedGeneration === c.generation ? String(c.generation) : `${c.generation} (observed ${c.status.observedGeneration})`,
        formatAge(c.createTime, now),
      ];
    }),
  );
}

export function nodesTable(nodes: readonly NodeRecord[], now: Date): string[] {
  return formatTable(
    ['NAME', 'STATE', 'ROLE', 'ADDRESS', 'LOCATOR', 'CAPACITY', 'HEARTBEAT'],
    nodes.map((n) => [
      n.name,
      n.state,
      or(n.labels['srv6-sfc/role']),
      n.address,
      n.locator,
      n.capacity === undefined ? 'unbounded' : String(n.capacity),
      formatAge(n.lastHeartbeat, now),
    ]),
  );
}

export function instancesTable(instances: readonly ChainInstance[]): string[] {
  return formatTable(
    ['CHAIN', 'FUNCTION', 'NODE', 'STATE', 'ID', 'SID4', 'SID6', 'PACKETS'],
    instances.map((i) => [
      i.chain,
      i.function,
      i.node,
      i.reason ? `${i.state} (${i.reason})` : i.state,
      i.id,
      or(i.sids.dx4),
      or(i.sids.dx6),
      i.counters ? i.counters.packets.toString() : NONE,
    ]),
  );
}

/** `-o name`: TYPE/NAME, what scripts feed back into other commands. */
export const chainNames = (chains: readonly Chain[]): string[] => chains.map((c) => `chain/${c.name}`);
export const nodeNames = (nodes: readonly NodeRecord[]): string[] => nodes.map((n) => `node/${n.name}`);
export const instanceNames = (instances: readonly ChainInstance[]): string[] => instances.map((i) => `instance/${i.chain}/${i.function}`);
