/**
 * Owner keys: who holds an allocation. Plain strings so allocations persist as plain JSON and read
 * well in a dump (`fc00:2:0:7:: → chain/web/function/fw/dx4`). Everything a chain owns starts with
 * `chain/<chain>`, so releasing a deleted chain (or keeping a failed one) is a prefix test.
 */
import type { Family } from '../../common/ip.js';

export type InstanceSidKind = 'dx4' | 'dx6';
/** A NAT instance's return SIDs (End.DX4 / End.DX6 into its out leg). */
export type ReturnSidKind = 'rdx4' | 'rdx6';
export type DecapKind = 'dx4' | 'dx6' | 'dt46';

/** A chain's id on its ingress node. */
export const chainOwner = (chain: string): string => `chain/${chain}`;
/** A function's instance (its slot and instance id) on the node hosting it. */
export const instanceOwner = (chain: string, fn: string): string => `chain/${chain}/function/${fn}`;
/** One of the instance's SIDs. */
export const instanceSidOwner = (chain: string, fn: string, kind: InstanceSidKind): string => `${instanceOwner(chain, fn)}/${kind}`;
/** One of a NAT instance's return SIDs. */
export const returnSidOwner = (chain: string, fn: string, kind: ReturnSidKind): string => `${instanceOwner(chain, fn)}/${kind}`;
/** The chain's NAT return path at its egress: an edge chain id there. */
export const returnChainOwner = (chain: string): string => `chain/${chain}/return`;
/**
 * A node's decap SID, shared by every chain leaving there — and by every chain whose NAT replies
 * come back there (the ingress of a chain with a NAT return path).
 */
export const decapOwner = (node: string, kind: DecapKind): string => `node/${node}/decap/${kind}`;

export const instanceSidKind = (family: Family): InstanceSidKind => (family === 4 ? 'dx4' : 'dx6');
export const returnSidKind = (family: Family): ReturnSidKind => (family === 4 ? 'rdx4' : 'rdx6');

/** The chain an owner key belongs to, or undefined for node-owned allocations. */
export function chainOfOwner(owner: string): string | undefined {
  if (!owner.startsWith('chain/')) return undefined;
  const end = owner.indexOf('/', 6);
  return end === -1 ? owner.slice(6) : owner.slice(6, end);
}

/** The decap kind of a `node/<node>/decap/<kind>` owner key, or undefined. */
export function decapKindOfOwner(owner: string): DecapKind | undefined {
  if (!owner.startsWith('node/')) return undefined; // the common case, without a regex
  const m = /^node\/[^/]+\/decap\/(dx4|dx6|dt46)$/.exec(owner);
  return m ? (m[1] as DecapKind) : undefined;
}
