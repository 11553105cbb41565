/** toYaml writes documents that parse back to the same chain, in the reference's short spellings. */
import { describe, expect, it } from 'vitest';
import { loadChainFiles } from '../../../src/chains/load-chain-files.js';
import { parseChainDocuments } from '../../../src/chains/parse-documents.js';
import { toYaml, toYamlDocuments } from '../../../src/chains/to-yaml.js';
import type { ChainDeclaration } from '../../../src/model/chain.js';

const declared = ({ name, labels, spec }: ChainDeclaration): ChainDeclaration => ({ name, labels, spec });

const full: ChainDeclaration = {
  name: 'full',
  labels: { app: 'web', 'srv6-sfc/tier': 'edge', empty: '' },
  spec: {
    ingress: {
      node: 'edge1',
      match: {
        destinations: ['10.2.0.0/24', '2001:db8:2::/64', '::/0'],
        sources: ['10.1.0.0/24', '::/0'],
        protocol: 'tcp',
        ports: [
          { start: 80, end: 80 },
          { start: 8000, end: 8080 },
        ],
        interface: 'eth0',
      },
    },
    egress: { node: 'edge2', decap: 'dt46' },
    functions: [
      {
        name: 'fw',
        type: 'firewall',
        sr: 'unaware',
        placement: { nodeSelector: { 'srv6-sfc/role': 'vnf-host', zone: 'a' } },
        config: {
          defaultAction: 'drop',
          rules: [
            { action: 'accept', protocol: 'udp', srcPorts: [{ start: 1024, end: 65535 }], dstPorts: [{ start: 53, end: 53 }], dscp: 46 },
            { action: 'accept', srcPrefixes: ['10.1.0.0/24'], dstPrefixes: ['2001:db8::/32'] },
          ],
        },
      },
      { name: 'nat', type: 'nat', proxy: 'static', placement: { node: 'fn1' }, config: { mode: 'snat', toAddress: '10.2.0.254' } },
      { name: 'mon', type: 'monitor', proxy: 'auto', config: {} },
      { name: 'srv', type: 'responder', sr: 'aware', config: { tcpPorts: [80, 443] } },
    ],
    proxy: 'dynamic',
  },
};

const minimal: ChainDeclaration = {
  name: 'minimal',
  labels: {},
  spec: { ingress: { node: 'a', match: { destinations: ['10.0.0.1'] } }, egress: { node: 'b' }, functions: [{ name: 'm', type: 'monitor' }] },
};

describe('toYaml', () => {
  it('round-trips every field', () => {
    for (const chain of [full, minimal, { ...minimal, spec: { ...minimal.spec, ingress: { node: 'a', match: { destinations: ['10.0.0.0/8'], protocol: 47 } } } }]) {
      const r = parseChainDocuments(toYaml(chain));
      expect(r.errors).toEqual([]);
      expect(r.chains.map(declared)).toEqual([chain]);
    }
  });

  it('writes the short spellings, the reference key order and flow lists', () => {
    expect(toYaml(minimal)).toBe(`apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata:
  name: minimal
spec:
  ingress:
    node: a
    match:
      destinations: [10.0.0.1]
  egress:
    node: b
  functions:
    - name: m
      type: monitor
`);
    const y = toYaml(full);
    expect(y).toContain('ports: [80, 8000-8080]');
    expect(y).toContain('srcPorts: [1024-65535]');
    expect(y).toContain('dstPorts: [53]');
    expect(y).toContain('srv6-sfc/tier: edge');
    // A function's own proxy is written after sr, before placement; an inherited one not at all.
    expect(y).toContain('    - name: nat\n      type: nat\n      proxy: static\n      placement:');
    expect(y).toContain('    - name: fw\n      type: firewall\n      sr: unaware\n      placement:');
  });

  it('writes several chains as one stream that parses back in order', () => {
    const r = parseChainDocuments(toYamlDocuments([full, minimal]));
    expect(r.errors).toEqual([]);
    expect(r.chains.map(declared)).toEqual([full, minimal]);
    expect(r.chains.map((c) => c.source.document)).toEqual([1, 2]);
  });

  it('round-trips the example chains', async () => {
    const { chains, errors } = await loadChainFiles(['chains'], { recursive: true });
    expect(errors).toEqual([]);
    for (const c of chains) expect(parseChainDocuments(toYaml(c)).chains.map(declared)).toEqual([declared(c)]);
  });
});
