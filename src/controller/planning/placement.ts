/**
 * Placement: which node hosts each function of a chain.
 *
 * - `placement.node` pins; `placement.nodeSelector` requires labels; otherwise any node qualifies
 *   that is READY, has the function's runtime and a core interface (its proxy re-encapsulates by it).
 *   Edge nodes are not excluded: a small lab may run functions on its edges.
 * - Sticky: a function whose instance already runs on a node that still qualifies stays there, even
 *   if a better node appeared or the node is now over capacity (moving costs a spawn and a switch).
 * - Capacity (`NodeRecord.capacity`, instances; the agent's slot space bounds it too).
 * - Ranking: with a topology, the detour through the node — distance(previous hop, node) +
 *   distance(node, egress), walking the chain from the ingress — so functions land on or near the
 *   shortest ingress→egress path, in order; then the least-loaded node (spreads load when the
 *   topology is silent); then the name, so equal inputs always give equal placements.
 */
import { MAX_SLOT } from '../../agent/plan/ids.js';
import type { ChainFunction, ChainSpec } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';
import { type PlanFailure, failure } from './failures.js';
import type { PathMetric } from './topology.js';
import { DEFAULT_VIMS, type VimRegistry } from '../vim/vim-adapter.js';

export interface PlacementContext {
  readonly nodes: ReadonlyMap<string, NodeRecord>;
  /** Every registered node sorted by name: the candidate order. */
  readonly byName: readonly NodeRecord[];
  readonly metric?: PathMetric;
  /** Instances the node holds now. */
  load(node: string): number;
  /** Where the chain's function runs now, if anywhere. */
  home(chain: string, fn: string): string | undefined;
  /** How instances come into being (default: the node's agent and its netns runtime). */
  readonly vims?: VimRegistry;
}

export interface FunctionPlacement {
  readonly node: string;
  /** Kept on the node it already ran on. */
  readonly sticky: boolean;
}

export type PlacementResult = { readonly ok: true; readonly placements: readonly FunctionPlacement[] } | { readonly ok: false; readonly failure: PlanFailure };

/** Instances a node may hold: its declared capacity, and never more than it has slots. */
export const capacityOf = (n: NodeRecord): number => Math.min(n.capacity ?? Infinity, MAX_SLOT + 1);

/** Why the node cannot host the function (capacity aside), or undefined when it can. */
export function unfitReason(n: NodeRecord, fn: ChainFunction, vims: VimRegistry = DEFAULT_VIMS): string | undefined {
  if (n.state !== 'READY') return `is ${n.state}, not READY`;
  if (!vims.forNode(n, fn.type)) return `has no ${vims.candidates(fn.type).join(' or ') || 'VIM'} for ${fn.type} (agent: the netns runtime)`;
  if (n.coreInterface === undefined || n.coreInterface === '') return 'has no core interface';
  for (const [k, v] of Object.entries(fn.placement?.nodeSelector ?? {})) {
    if (n.labels[k] !== v) return `lacks label ${k}=${v}`;
  }
  return undefined;
}

function describeConstraints(fn: ChainFunction): string {
  const sel = Object.entries(fn.placement?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`);
  return `a READY node offering a VIM for ${fn.type} and a core interface${sel.length ? ` and labels ${sel.join(', ')}` : ''}`;
}

export function placeFunctions(chain: string, spec: ChainSpec, ctx: PlacementContext): PlacementResult {
  const placements: FunctionPlacement[] = [];
  const pending = new Map<string, number>();
  const load = (n: string): number => ctx.load(n) + (pending.get(n) ?? 0);
  const { metric } = ctx;
  let previous = spec.ingress.node;

  for (const [i, fn] of spec.functions.entries()) {
    const path = `spec.functions[${i}]`;
    let candidates: NodeRecord[];
    const pin = fn.placement?.node;
    if (pin !== undefined) {
      const n = ctx.nodes.get(pin);
      if (!n) return { ok: false, failure: failure('UnknownNode', `function ${fn.name}: node ${pin} is not registered`, `${path}.placement.node`) };
      if (n.state !== 'READY') return { ok: false, failure: failure('NodeNotReady', `function ${fn.name}: node ${pin} is ${n.state}`, `${path}.placement.node`) };
      const why = unfitReason(n, fn, ctx.vims);
      if (why !== undefined) return { ok: false, failure: failure('NoNodeFits', `function ${fn.name}: node ${pin} ${why}`, `${path}.placement`) };
      candidates = [n];
    } else {
      candidates = ctx.byName.filter((n) => unfitReason(n, fn, ctx.vims) === undefined);
      if (candidates.length === 0) {
        return { ok: false, failure: failure('NoNodeFits', `function ${fn.name} needs ${describeConstraints(fn)}; none is registered`, `${path}.placement`) };
      }
    }

    const home = ctx.home(chain, fn.name);
    if (home !== undefined && candidates.some((n) => n.name === home)) {
      placements.push({ node: home, sticky: true });
      previous = home;
      continue;
    }

    const free = candidates.filter((n) => load(n.name) < capacityOf(n));
    if (free.length === 0) {
      const full = candidates.slice(0, 4).map((n) => `${n.name} ${load(n.name)}/${capacityOf(n)}`);
      return { ok: false, failure: failure('CapacityExhausted', `function ${fn.name}: every node that fits is full (${full.join(', ')}${candidates.length > 4 ? ', ...' : ''})`, `${path}.placement`) };
    }
    const cost = (n: NodeRecord): number => (metric ? metric.distance(previous, n.name) + metric.distance(n.name, spec.egress.node) : 0);
    let best = free[0]!;
    let bestCost = cost(best);
    for (let k = 1; k < free.length; k++) {
      const n = free[k]!;
      const c = cost(n);
      // free is in name order, so a strict comparison keeps the first name among equals.
      if (c < bestCost || (c === bestCost && load(n.name) < load(best.name))) {
        best = n;
        bestCost = c;
      }
    }
    pending.set(best.name, (pending.get(best.name) ?? 0) + 1);
    placements.push({ node: best.name, sticky: false });
    previous = best.name;
  }
  return { ok: true, placements };
}
