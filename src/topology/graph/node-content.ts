/** The text inside a node's box: name, what it is, and its addresses (locator, or site subnets). */
import type { TopologyNode, Underlay } from '../types.js';
import { type NodeCategory, nodeCategory } from './style.js';

export interface NodeContent {
  readonly name: string;
  readonly category: NodeCategory;
  /** Under the name: the role, or what a role-less node is. */
  readonly caption: string;
  /** Monospace lines: the locator for role nodes, the site's subnets for endpoints. */
  readonly details: readonly string[];
  /** Hover text: everything above plus the srv6-sfc labels. */
  readonly tooltip: string;
}

export function nodeContent(n: TopologyNode, underlay?: Underlay): NodeContent {
  const category = nodeCategory(n);
  const locator = n.locator ?? underlay?.nodes.find((u) => u.node === n.name)?.locator;
  const details: string[] = [];
  if (locator) details.push(locator);
  for (const site of underlay?.sites ?? []) {
    if (site.endpoint !== n.name) continue;
    for (const subnet of [site.ipv4, site.ipv6]) if (subnet && !details.includes(subnet)) details.push(subnet);
  }
  const caption = n.kind === 'linux' || n.kind === category ? category : `${category} (${n.kind})`;
  const labels = Object.entries(n.labels)
    .filter(([k]) => k.startsWith('srv6-sfc/'))
    .map(([k, v]) => `${k}=${v}`);
  const tooltip = [`${n.name}: ${caption}`, ...details, ...labels].join('\n');
  return { name: n.name, category, caption, details, tooltip };
}
