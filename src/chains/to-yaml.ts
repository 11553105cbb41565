/**
 * Chains back to documents (`sfcctl get -o yaml`): the declared part only (apiVersion, kind,
 * metadata, spec), so the output can be edited and applied again; parse(toYaml(x)) equals x.
 * Keys come in the reference's order, ports in their short spellings, and lists of plain values
 * in flow style (`destinations: [10.2.0.0/24, 2001:db8:2::/64]`) as people write them.
 */
import { Document, isScalar, visit } from 'yaml';
import type { ChainDeclaration, ChainFunction, TrafficMatch } from '../model/chain.js';
import { API_VERSION, KIND } from './chain-document.js';
import { compact } from './checks.js';
import { compactFirewallPorts } from './firewall-ports.js';
import { formatPortRange } from './port-ranges.js';

const matchDocument = (m: TrafficMatch) =>
  compact({ destinations: m.destinations, sources: m.sources, protocol: m.protocol, ports: m.ports?.map(formatPortRange), interface: m.interface });

const functionDocument = (f: ChainFunction) =>
  compact({ name: f.name, type: f.type, sr: f.sr, proxy: f.proxy, placement: f.placement && compact({ ...f.placement }), config: f.type === 'firewall' && f.config ? compactFirewallPorts(f.config) : f.config });

/** The document as plain data, keys in the reference's order. */
export function chainDocument(chain: ChainDeclaration): Record<string, unknown> {
  const s = chain.spec;
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: compact({ name: chain.name, labels: Object.keys(chain.labels).length > 0 ? chain.labels : undefined }),
    spec: compact({
      ingress: { node: s.ingress.node, match: matchDocument(s.ingress.match) },
      egress: compact({ node: s.egress.node, decap: s.egress.decap }),
      functions: s.functions.map(functionDocument),
      proxy: s.proxy,
    }),
  };
}

export function toYaml(chain: ChainDeclaration): string {
  const doc = new Document(chainDocument(chain));
  visit(doc, {
    Seq(_key, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  return doc.toString({ flowCollectionPadding: false });
}

/** Several chains as one multi-document stream. */
export function toYamlDocuments(chains: readonly ChainDeclaration[]): string {
  return chains.map(toYaml).join('---\n');
}
