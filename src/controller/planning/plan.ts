/**
 * Planning: declared chains + registered nodes + the previous pass's allocations and intents →
 * placements, allocations, segment lists and one complete intent per node. Pure: no I/O, no clock,
 * no randomness; the inputs are never mutated; the same inputs give the same outputs.
 *
 * A pass:
 *  1. load the allocations (dropping nodes that are gone, and SIDs of changed locators) and release
 *     those of deleted chains;
 *  2. plan chains one by one, those that already hold allocations first (an established chain
 *     keeps its classifiers and capacity against a newcomer), then new ones, each in name order,
 *     each inside an allocation transaction — a chain that fails leaves no allocation behind and
 *     keeps its last good items (held.ts);
 *  3. sweep: release what no chain uses any more (deleted chains, moved instances, dropped families,
 *     decap SIDs no chain leaves by);
 *  4. build each node's intent and stamp its generation (bumped only when the content changed).
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { NodeRecord } from '../../model/node.js';
import { AllocationBook } from './allocation-book.js';
import { buildIntent, decapLocalSids } from './build-intent.js';
import { heldItems } from './held.js';
import { stamp } from './intent-content.js';
import { ClassifierClaims, PartsByNode } from './node-parts.js';
import { tunnelSourceOf } from './node-settings.js';
import { planChain } from './plan-chain.js';
import { sidLayout } from './sid-layout.js';
import { toMetric } from './topology.js';
import type { ChainOutcome, PlanChainInput, PlanInput, PlanOutput } from './types.js';

const byName = <T extends { readonly name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function plan(input: PlanInput): PlanOutput {
  const nodesByName = [...input.nodes].sort(byName);
  const nodes = new Map<string, NodeRecord>(nodesByName.map((n) => [n.name, n]));
  const registered = new Set(nodes.keys());
  const previous = input.previousIntents ?? {};
  const book = AllocationBook.load(input.allocations, nodesByName, tunnelSourceOf);
  const declared = new Set(input.chains.map((c) => c.name));
  book.releaseChains((c) => !declared.has(c));
  const claims = new ClassifierClaims();
  const parts = new PartsByNode();
  const metric = input.topology ? toMetric(input.topology) : undefined;
  const ctx = { nodes, byName: nodesByName, ...(metric ? { metric } : {}), book, claims };

  const known: PlanChainInput[] = [];
  const fresh: PlanChainInput[] = [];
  for (const c of [...input.chains].sort(byName)) (book.isKnownChain(c.name) ? known : fresh).push(c);

  const outcomes: Record<string, ChainOutcome> = {};
  const kept = new Set<string>();
  const keptSids = new Set<string>();
  for (const chain of [...known, ...fresh]) {
    book.begin();
    const r = planChain(chain, ctx);
    if (r.ok) {
      book.commit();
      for (const c of r.claims) claims.claim(c.node, c.keys, chain.name);
      parts.add(r.items);
      outcomes[chain.name] = { ok: true, plan: r.plan };
      continue;
    }
    book.rollback();
    kept.add(chain.name);
    const held = heldItems(chain.name, previous, registered, book, claims);
    parts.add(held.items);
    for (const s of held.sids) keptSids.add(s);
    outcomes[chain.name] = { ok: false, failure: r.failure, held: held.any };
  }

  book.sweep(
    (chain) => kept.has(chain),
    (sid) => keptSids.has(sid),
  );

  const sidSpace = [...new Set(nodesByName.map((n) => sidLayout(n.locator)?.locator).filter((l): l is string => l !== undefined))].sort();
  const intents: Record<string, NodeIntent> = {};
  const changed: string[] = [];
  for (const node of nodesByName) {
    const draft = buildIntent(node, parts.get(node.name), decapLocalSids(node, book), sidSpace);
    const s = stamp(draft, previous[node.name], input.generations?.[node.name]);
    intents[node.name] = s.intent;
    if (s.changed) changed.push(node.name);
  }
  return { intents, allocations: book.export(), chains: outcomes, changed };
}
