/**
 * The egress decap SIDs: stable per egress node and shared by every chain leaving there, so they
 * never change when chains change.
 *
 * - `dx` (the fallback): End.DX4 nh4 0.0.0.0 for IPv4 traffic and End.DX6 nh6 :: for IPv6 —
 *   decapsulate and route the inner packet in the main table (works on every kernel).
 * - `dt46`: one End.DT46 SID for both families, decapsulating into a VRF. It needs the kernel's
 *   VRF (probed) and a VRF device; the agent does not create one, so the node must declare the
 *   table of the VRF it has in the label `srv6-sfc/vrf-table`.
 * - `auto` (default): dt46 when all of that holds, else dx.
 */
import type { Family } from '../../common/ip.js';
import type { Seg6LocalBehavior } from '../../dataplane/seg6/seg6local.js';
import type { Egress } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';
import type { DecapKind } from './owners.js';

export const VRF_TABLE_LABEL = 'srv6-sfc/vrf-table';

export type DecapMode = 'dx' | 'dt46';

/** The VRF table the node declares, if it is a valid table number. */
export function vrfTableOf(node: NodeRecord): number | undefined {
  const text = node.labels[VRF_TABLE_LABEL];
  if (text === undefined || !/^[0-9]{1,10}$/.test(text)) return undefined;
  const t = Number(text);
  return t >= 1 && t <= 0xffffffff ? t : undefined;
}

/** Why the node cannot decapsulate with End.DT46, or undefined when it can. */
function dt46Missing(node: NodeRecord): string | undefined {
  if (!node.features.vrf.ok) return `has no VRF (${node.features.vrf.reason})`;
  const dt46 = node.features.seg6local['End.DT46'];
  if (!dt46.ok) return `cannot install End.DT46 (${dt46.reason})`;
  if (vrfTableOf(node) === undefined) return `declares no VRF table (label ${VRF_TABLE_LABEL})`;
  return undefined;
}

export type DecapChoice = { readonly ok: true; readonly mode: DecapMode } | { readonly ok: false; readonly message: string };

export function decapMode(egress: Egress, node: NodeRecord): DecapChoice {
  const want = egress.decap ?? 'auto';
  if (want === 'dx') return { ok: true, mode: 'dx' };
  const missing = dt46Missing(node);
  if (want === 'dt46') return missing === undefined ? { ok: true, mode: 'dt46' } : { ok: false, message: `decap dt46: node ${node.name} ${missing}` };
  return { ok: true, mode: missing === undefined ? 'dt46' : 'dx' };
}

/** The decap SID a chain of this family uses at an egress in this mode. */
export const decapKind = (mode: DecapMode, family: Family): DecapKind => (mode === 'dt46' ? 'dt46' : family === 4 ? 'dx4' : 'dx6');

/** The seg6local behaviour of a decap SID; undefined for dt46 on a node that declares no VRF table. */
export function decapBehavior(kind: DecapKind, node: NodeRecord): Seg6LocalBehavior | undefined {
  switch (kind) {
    case 'dx4':
      return { action: 'End.DX4', nh4: '0.0.0.0' };
    case 'dx6':
      return { action: 'End.DX6', nh6: '::' };
    case 'dt46': {
      const vrfTable = vrfTableOf(node);
      return vrfTable === undefined ? undefined : { action: 'End.DT46', vrfTable };
    }
  }
}
