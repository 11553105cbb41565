/** The lab graph: adjacency and deterministic shortest paths. */
import { describe, expect, it } from 'vitest';
import { shortestHops, shortestPath, topologyAdjacency } from '../../../src/topology/paths.js';
import { lab, topo } from './fixtures.js';

const NODES = ['a: {kind: linux}', 'b: {kind: linux}', 'c: {kind: linux}', 'd: {kind: linux}', 'lone: {kind: linux}'].join('\n');
const link = (x: string, y: string, i: number): string => `- endpoints: ["${x}:e${i}", "${y}:e${i}"]`;
const graph = (...pairs: [string, string][]): ReturnType<typeof topo> => topo(lab(NODES, pairs.map(([x, y], i) => link(x, y, i)).join('\n')));

describe('topologyAdjacency', () => {
  it('lists every node in file order, neighbours once each in link order, no self loops', () => {
    const links = [link('a', 'c', 0), link('a', 'b', 1), link('c', 'd', 2), link('a', 'b', 3), '- endpoints: ["d:x1", "d:x2"]'];
    const t = topo(lab(NODES, links.join('\n')));
    expect(topologyAdjacency(t)).toEqual({ a: ['c', 'b'], b: ['a'], c: ['a', 'd'], d: ['c'], lone: [] });
    expect(Object.keys(topologyAdjacency(t))).toEqual(['a', 'b', 'c', 'd', 'lone']);
  });
});

describe('shortestPath', () => {
  it('takes the lowest-index link that stays on a shortest path, at every hop', () => {
    // A diamond a–{b,c}–d: both ways are two hops; link order decides.
    expect(shortestPath(graph(['a', 'c'], ['a', 'b'], ['c', 'd'], ['b', 'd']), 'a', 'd')).toEqual(['a', 'c', 'd']);
    expect(shortestPath(graph(['a', 'b'], ['b', 'd'], ['a', 'c'], ['c', 'd']), 'a', 'd')).toEqual(['a', 'b', 'd']);
    // From d the lowest-index link toward a is b–d (1), whatever the way out of a prefers.
    expect(shortestPath(graph(['a', 'c'], ['b', 'd'], ['a', 'b'], ['c', 'd']), 'd', 'a')).toEqual(['d', 'b', 'a']);
  });

  it('prefers fewer hops over a lower link index', () => {
    expect(shortestPath(graph(['a', 'b'], ['b', 'c'], ['c', 'd'], ['a', 'd']), 'a', 'd')).toEqual(['a', 'd']);
  });

  it('is [from] for one node, undefined for an unknown or unreachable node', () => {
    const t = graph(['a', 'b']);
    expect(shortestPath(t, 'a', 'a')).toEqual(['a']);
    expect(shortestPath(t, 'a', 'lone')).toBeUndefined();
    expect(shortestPath(t, 'a', 'nope')).toBeUndefined();
    expect(shortestPath(t, 'nope', 'a')).toBeUndefined();
  });

  it('gives the same path whatever order the nodes are written in', () => {
    const links = [link('a', 'c', 0), link('a', 'b', 1), link('c', 'd', 2), link('b', 'd', 3)].join('\n');
    const reordered = topo(lab(['d: {kind: linux}', 'b: {kind: linux}', 'c: {kind: linux}', 'a: {kind: linux}'].join('\n'), links));
    expect(shortestPath(reordered, 'a', 'd')).toEqual(['a', 'c', 'd']);
  });
});

describe('shortestHops', () => {
  it('names the link and the side each hop leaves from; parallel links: the lowest index', () => {
    const t = graph(['a', 'b'], ['a', 'b'], ['c', 'b']);
    const hops = shortestHops(t.links, 'a', 'c')!;
    expect(hops.map((h) => [h.link.index, h.from, h.side, h.to])).toEqual([
      [0, 'a', 'a', 'b'],
      [2, 'b', 'b', 'c'],
    ]);
    expect(shortestHops(t.links, 'a', 'a')).toEqual([]);
    // Over a subset of links only.
    expect(shortestHops(t.links.filter((l) => l.index !== 2), 'a', 'c')).toBeUndefined();
  });
});
