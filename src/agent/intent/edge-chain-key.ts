/**
 * The identity of an edge chain on a node: the chain's name, and `<chain>/return` for its NAT
 * return path (the item key in apply results). A node that is both a chain's ingress and its
 * egress holds both. Chain names never contain `/`.
 */
import type { EdgeChain } from './node-intent.js';

export const RETURN_SUFFIX = '/return';

export const edgeChainKey = (c: Pick<EdgeChain, 'chain' | 'direction'>): string => (c.direction === 'return' ? `${c.chain}${RETURN_SUFFIX}` : c.chain);

/** The chain an edge chain key belongs to. */
export const chainOfEdgeChainKey = (key: string): string => (key.endsWith(RETURN_SUFFIX) ? key.slice(0, -RETURN_SUFFIX.length) : key);
