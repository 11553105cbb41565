/**
 * Checks that need the world around the chains, which parsing does not have: do the nodes they
 * name exist, and do their classifiers collide with another chain's at the same ingress node
 * (see classifier.ts). Pure: the caller (the controller, or sfcctl after a List) passes the
 * node names and the chains that exist. A chain that already exists under the same name is being
 * replaced, so it is not compared with its own old version.
 */
import type { ChainDeclaration } from '../model/chain.js';
import type { ChainSource, DocumentError } from './chain-document.js';
import { closest } from './checks.js';
import { classifierKeys } from './classifier.js';
import { byPosition } from './format-error.js';
import { locate } from './source-positions.js';

export type ChainToCheck = ChainDeclaration & { readonly source?: ChainSource };

export interface World {
  /** Names of the registered nodes. */
  readonly nodes: ReadonlySet<string>;
  /** Chains that exist now (from the store). */
  readonly existing: readonly ChainDeclaration[];
}

const SHOWN_NODES = 10;

function unknownNode(node: string, nodes: ReadonlySet<string>): string {
  if (nodes.size === 0) return `unknown node '${node}' (no node is registered)`;
  const guess = closest(node, nodes);
  if (guess) return `unknown node '${node}'; did you mean '${guess}'?`;
  const names = [...nodes].sort();
  const shown = names.slice(0, SHOWN_NODES).join(', ') + (names.length > SHOWN_NODES ? `, ... (${names.length} nodes)` : '');
  return `unknown node '${node}' (known: ${shown})`;
}

function errorAt(chain: ChainToCheck, field: string, description: string): DocumentError {
  if (!chain.source) return { chain: chain.name, field, description };
  return { file: chain.source.file, document: chain.source.document, field, description, ...locate(chain.source.positions, field) };
}

const describeOwner = (c: ChainToCheck): string => (c.source ? `'${c.name}' (${c.source.file}#${c.source.document})` : `'${c.name}'`);

export function validateAgainst(chains: readonly ChainToCheck[], world: World): DocumentError[] {
  // Grouped by chain in input order, in file order within a chain, as parse errors are.
  const byChain = new Map<ChainToCheck, DocumentError[]>(chains.map((c) => [c, []]));
  for (const c of chains) {
    const errors = byChain.get(c)!;
    const named: [string, string][] = [
      ['spec.ingress.node', c.spec.ingress.node],
      ['spec.egress.node', c.spec.egress.node],
      ...c.spec.functions.flatMap((f, i): [string, string][] => (f.placement?.node === undefined ? [] : [[`spec.functions[${i}].placement.node`, f.placement.node]])),
    ];
    for (const [field, node] of named) if (!world.nodes.has(node)) errors.push(errorAt(c, field, unknownNode(node, world.nodes)));
  }

  const incoming = new Set(chains.map((c) => c.name));
  const owners = new Map<string, ChainToCheck>();
  for (const c of world.existing) {
    if (incoming.has(c.name)) continue;
    for (const k of classifierKeys(c.spec)) if (!owners.has(k.key)) owners.set(k.key, c);
  }
  for (const c of chains) {
    for (const k of classifierKeys(c.spec)) {
      const owner = owners.get(k.key);
      if (!owner) {
        owners.set(k.key, c);
        continue;
      }
      if (owner === c) continue; // a prefix listed twice: parsing refuses it, the store never has it
      byChain.get(c)!.push(
        errorAt(
          c,
          `spec.ingress.match.destinations[${k.index}]`,
          `classifier conflicts with chain ${describeOwner(owner)} at ingress node '${c.spec.ingress.node}': same destination ${k.destination} and the same sources, protocol, ports and interface`,
        ),
      );
    }
  }
  return [...byChain.values()].flatMap((errors) => errors.sort(byPosition));
}
