/** Checks against the world: unknown nodes, and classifiers that collide at one ingress node. */
import { describe, expect, it } from 'vitest';
import { formatDocumentError } from '../../../src/chains/format-error.js';
import { parseChainDocuments } from '../../../src/chains/parse-documents.js';
import { validateAgainst } from '../../../src/chains/validate-against.js';
import type { ChainDeclaration, TrafficMatch } from '../../../src/model/chain.js';

const nodes = new Set(['edge1', 'edge2', 'fn1', 'fn2']);

const chain = (name: string, match: TrafficMatch, node = 'edge1'): ChainDeclaration => ({
  name,
  labels: {},
  spec: { ingress: { node, match }, egress: { node: 'edge2' }, functions: [{ name: 'm', type: 'monitor', placement: { node: 'fn1' } }] },
});

describe('validateAgainst', () => {
  it('accepts chains whose nodes exist and whose classifiers differ', () => {
    const chains = [
      chain('a', { destinations: ['10.2.0.0/24'] }),
      chain('b', { destinations: ['10.2.0.0/24'], protocol: 'tcp', ports: [{ start: 80, end: 80 }] }),
      chain('c', { destinations: ['10.2.0.0/24'], sources: ['10.1.0.0/24'] }),
      chain('d', { destinations: ['10.2.0.0/24'], interface: 'eth1' }),
      chain('e', { destinations: ['10.2.0.0/24'] }, 'edge2'),
      chain('f', { destinations: ['10.2.0.0/25'] }),
    ];
    expect(validateAgainst(chains, { nodes, existing: [] })).toEqual([]);
  });

  it('reports every unknown node with its path', () => {
    const c: ChainDeclaration = {
      name: 'x',
      labels: {},
      spec: {
        ingress: { node: 'edge9', match: { destinations: ['10.0.0.0/8'] } },
        egress: { node: 'egde2' },
        functions: [
          { name: 'a', type: 'monitor', placement: { node: 'fn1' } },
          { name: 'b', type: 'monitor', placement: { nodeSelector: { role: 'x' } } },
          { name: 'c', type: 'monitor', placement: { node: 'host7' } },
        ],
      },
    };
    expect(validateAgainst([c], { nodes, existing: [] })).toEqual([
      { chain: 'x', field: 'spec.ingress.node', description: "unknown node 'edge9'; did you mean 'edge1'?" },
      { chain: 'x', field: 'spec.egress.node', description: "unknown node 'egde2'; did you mean 'edge2'?" },
      { chain: 'x', field: 'spec.functions[2].placement.node', description: "unknown node 'host7' (known: edge1, edge2, fn1, fn2)" },
    ]);
    expect(validateAgainst([c], { nodes: new Set(), existing: [] })[0]!.description).toBe("unknown node 'edge9' (no node is registered)");
  });

  it('reports a classifier that collides with an existing chain, canonical spellings included', () => {
    const existing = [chain('old', { destinations: ['2001:DB8:2::/64', '10.3.0.0/24'], protocol: 6, ports: [{ start: 443, end: 443 }, { start: 80, end: 80 }] })];
    const incoming = chain('new', { destinations: ['10.2.0.0/24', '2001:db8:2::/64'], protocol: 'tcp', ports: [{ start: 80, end: 80 }, { start: 443, end: 443 }] });
    expect(validateAgainst([incoming], { nodes, existing })).toEqual([
      {
        chain: 'new',
        field: 'spec.ingress.match.destinations[1]',
        description: "classifier conflicts with chain 'old' at ingress node 'edge1': same destination 2001:db8:2::/64 and the same sources, protocol, ports and interface",
      },
    ]);
  });

  it('does not compare a chain with its own existing version (an update)', () => {
    const c = chain('web', { destinations: ['10.2.0.0/24'] });
    expect(validateAgainst([c], { nodes, existing: [c] })).toEqual([]);
  });

  it('reports collisions among the chains applied together, pointing into their files', () => {
    const doc = (name: string) => `apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata: {name: ${name}}
spec:
  ingress: {node: edge1, match: {destinations: [10.2.0.0/24]}}
  egress: {node: edge3}
  functions: [{name: m, type: monitor}]
`;
    const { chains, errors } = parseChainDocuments(`${doc('one')}---\n${doc('two')}`, 'chains/pair.yaml');
    expect(errors).toEqual([]);
    expect(validateAgainst(chains, { nodes, existing: [] }).map(formatDocumentError)).toEqual([
      "chains/pair.yaml#1:6:12: spec.egress.node: unknown node 'edge3'; did you mean 'edge1'?",
      "chains/pair.yaml#2:13:49: spec.ingress.match.destinations[0]: classifier conflicts with chain 'one' (chains/pair.yaml#1) at ingress node 'edge1': same destination 10.2.0.0/24 and the same sources, protocol, ports and interface",
      "chains/pair.yaml#2:14:12: spec.egress.node: unknown node 'edge3'; did you mean 'edge1'?",
    ]);
  });
});
