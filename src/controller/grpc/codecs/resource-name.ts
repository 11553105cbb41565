/**
 * Resource names of the northbound API (AIP-122) ↔ the domain's bare ids. On the wire every
 * resource and every reference to one is a full name (`chains/web`, `nodes/edge1`,
 * `chains/web/instances/fw`); the domain, like the YAML documents, uses the ids (`web`, `edge1`).
 */
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import { CHAIN_NAME } from '../../../model/chain.js';

/** A node id: what an agent calls itself; any non-empty text without `/`. */
const NODE_ID = /^[^/]+$/;

export const chainName = (id: string): string => `chains/${id}`;
export const nodeName = (id: string): string => `nodes/${id}`;
export const instanceName = (chain: string, fn: string): string => `chains/${chain}/instances/${fn}`;

/** `chains/-`: ListInstances over every chain (AIP-159). */
export const ALL_CHAINS = '-';

/** {chain} of a required `chains/{chain}`; a violation ("" back) when it is not one. */
export function chainIdFromName(r: ProtoReader, path: string, name: string): string {
  if (name === '') {
    r.add(path, 'is required');
    return '';
  }
  const id = name.startsWith('chains/') ? name.slice('chains/'.length) : undefined;
  if (id === undefined || !CHAIN_NAME.test(id)) {
    r.add(path, `must be chains/{chain} with {chain} a DNS label (lowercase letters, digits, '-', 1..63), got ${JSON.stringify(name)}`);
    return '';
  }
  return id;
}

/** A chain id on its own (CreateChainRequest.chain_id). */
export function chainIdFromProto(r: ProtoReader, path: string, id: string): string {
  if (id === '') r.add(path, 'is required');
  else if (!CHAIN_NAME.test(id)) r.add(path, `must be a DNS label (lowercase letters, digits, '-', 1..63), got ${JSON.stringify(id)}`);
  return id;
}

/** {node} of a `nodes/{node}`; "" is a violation when required, else absent (undefined). */
export function nodeIdFromName(r: ProtoReader, path: string, name: string, required = true): string | undefined {
  if (name === '') {
    if (required) r.add(path, 'is required');
    return required ? '' : undefined;
  }
  const id = name.startsWith('nodes/') ? name.slice('nodes/'.length) : undefined;
  if (id === undefined || !NODE_ID.test(id)) {
    r.add(path, `must be nodes/{node}, got ${JSON.stringify(name)}`);
    return '';
  }
  return id;
}

/** `chains/{chain}/instances/{function}` → its two ids. */
export function instanceIdsFromName(r: ProtoReader, path: string, name: string): { chain: string; function: string } {
  if (name === '') {
    r.add(path, 'is required');
    return { chain: '', function: '' };
  }
  const m = /^chains\/([^/]+)\/instances\/([^/]+)$/.exec(name);
  if (!m || !CHAIN_NAME.test(m[1]!) || !CHAIN_NAME.test(m[2]!)) {
    r.add(path, `must be chains/{chain}/instances/{function} with DNS labels, got ${JSON.stringify(name)}`);
    return { chain: '', function: '' };
  }
  return { chain: m[1]!, function: m[2]! };
}

/** ListInstances' parent: a chain id, or ALL_CHAINS for `chains/-`. */
export function chainParentFromProto(r: ProtoReader, path: string, parent: string): string {
  return parent === `chains/${ALL_CHAINS}` ? ALL_CHAINS : chainIdFromName(r, path, parent);
}
