/** Colours and node categories shared by the SVG and DOT renderers. */
import type { TopologyNode } from '../types.js';

/** What a node is drawn as: its srv6-sfc role, or what a role-less node is. */
export type NodeCategory = 'edge' | 'vnf-host' | 'transit' | 'endpoint' | 'bridge' | 'host';

export function nodeCategory(n: TopologyNode): NodeCategory {
  if (n.role) return n.role;
  if (n.kind === 'bridge') return 'bridge';
  return n.kind === 'host' ? 'host' : 'endpoint';
}

export interface Swatch {
  readonly fill: string;
  readonly stroke: string;
  readonly text: string;
}

export const CATEGORY_COLOURS = {
  edge: { fill: '#dbeafe', stroke: '#2563eb', text: '#1e3a8a' },
  'vnf-host': { fill: '#dcfce7', stroke: '#16a34a', text: '#14532d' },
  transit: { fill: '#f1f5f9', stroke: '#64748b', text: '#1e293b' },
  endpoint: { fill: '#fef3c7', stroke: '#d97706', text: '#78350f' },
  bridge: { fill: '#f3e8ff', stroke: '#9333ea', text: '#581c87' },
  host: { fill: '#fae8ff', stroke: '#a21caf', text: '#701a75' },
} as const satisfies Record<NodeCategory, Swatch>;

/** Legend order. */
export const CATEGORY_ORDER: readonly NodeCategory[] = ['endpoint', 'edge', 'transit', 'vnf-host', 'bridge', 'host'];

/** Saturated, mutually distinct, and distinct from the node fills. */
const CHAIN_PALETTE = ['#e11d48', '#7c3aed', '#0891b2', '#ea580c', '#65a30d', '#db2777', '#0d9488', '#4f46e5', '#b45309', '#0284c7'] as const;

export const NOT_READY_COLOUR = '#9ca3af';
export const LINK_COLOUR = '#94a3b8';

export function chainColour(index: number, ready: boolean): string {
  return ready ? CHAIN_PALETTE[index % CHAIN_PALETTE.length]! : NOT_READY_COLOUR;
}
