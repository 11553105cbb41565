/**
 * Graphviz DOT for people who have graphviz (`dot -Tsvg`): an undirected graph, left to right;
 * nodes sharing a column of our own layout are `rank=same`; links labelled with their interface
 * names at each end; each chain as a sequence of coloured directed edges (`dir=forward`,
 * `constraint=false` so chains do not bend the layout), labelled with the chain's name and its
 * function steps. NotReady chains are grey and dashed.
 */
import type { Topology } from '../types.js';
import { chainNodePath } from './chain-routes.js';
import { dotLabel, dotString as q } from './escape.js';
import { assignLayers } from './layers.js';
import { nodeContent } from './node-content.js';
import { CATEGORY_COLOURS, LINK_COLOUR, chainColour } from './style.js';
import type { ChainView, GraphOptions } from './view.js';

export function renderDot(t: Topology, chains: readonly ChainView[], opts: GraphOptions = {}): string {
  const out: string[] = [
    `graph ${q(t.name)} {`,
    `  graph [rankdir=LR, label=${q(opts.title ?? `Lab ${t.name}`)}, labelloc=t, fontname="Helvetica", nodesep=0.5, ranksep=1.1, newrank=true];`,
    `  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];`,
    `  edge [fontname="Helvetica", fontsize=9, color=${q(LINK_COLOUR)}];`,
    '',
  ];
  for (const n of t.nodes) {
    const c = nodeContent(n, opts.underlay);
    const colours = CATEGORY_COLOURS[c.category];
    out.push(`  ${q(n.name)} [label=${dotLabel([c.name, c.caption, ...c.details])}, fillcolor=${q(colours.fill)}, color=${q(colours.stroke)}];`);
  }

  const layers = assignLayers(t, chains);
  const ranks = new Map<number, string[]>();
  for (const n of t.nodes) {
    const l = layers.get(n.name)!;
    ranks.set(l, [...(ranks.get(l) ?? []), n.name]);
  }
  out.push('');
  for (const [, names] of [...ranks.entries()].sort(([a], [b]) => a - b)) {
    if (names.length > 1) out.push(`  { rank=same; ${names.map((n) => `${q(n)};`).join(' ')} }`);
  }

  out.push('');
  for (const l of t.links) {
    const mtu = l.mtu !== undefined ? `, label=${q(`mtu ${l.mtu}`)}` : '';
    out.push(`  ${q(l.a.node)} -- ${q(l.b.node)} [taillabel=${q(l.a.interface)}, headlabel=${q(l.b.interface)}${mtu}];`);
  }

  chains.forEach((c, i) => {
    const { nodes } = chainNodePath(t, c);
    const colour = chainColour(i, c.ready);
    const style = c.ready ? 'bold' : 'dashed';
    out.push('', `  // chain ${c.name.replace(/[\r\n]/g, ' ')}: ${c.ready ? 'Ready' : 'NotReady'}`);
    // Which hop arrives at each function's node, in order: that edge carries the step's label.
    const steps = new Map<number, string[]>();
    let at = 0;
    c.functions.forEach((f, k) => {
      const hit = nodes.indexOf(f.node, at);
      if (hit < 0) return;
      at = hit;
      steps.set(hit, [...(steps.get(hit) ?? []), `${k + 1} ${f.name}`]);
    });
    for (let h = 0; h + 1 < nodes.length; h++) {
      const parts = [...(h === 0 ? [c.ready ? c.name : `${c.name} (NotReady)`, ...(steps.get(0) ?? [])] : []), ...(steps.get(h + 1) ?? [])];
      const label = parts.length > 0 ? `, label=${dotLabel(parts)}, fontcolor=${q(colour)}` : '';
      out.push(`  ${q(nodes[h]!)} -- ${q(nodes[h + 1]!)} [color=${q(colour)}, style=${style}, penwidth=2, dir=forward, arrowsize=0.7, constraint=false${label}];`);
    }
    if (nodes.length === 1 && steps.size > 0) out.push(`  ${q(nodes[0]!)} [xlabel=${dotLabel([c.name, ...steps.get(0)!])}];`);
  });
  out.push('}', '');
  return out.join('\n');
}
