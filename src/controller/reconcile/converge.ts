/**
 * Make before break, for every node whose intent changed (or whose agent has not confirmed it):
 *
 * 1. **union**: nodes that gain instances or SIDs get what they hold plus the new targets. Nothing
 *    is removed, no pointer moves (intent-transition.ts).
 * 2. **verify**: for every chain whose pointers change, read back (AgentClient.observed) that every
 *    SID of its new path exists on its node; retried with backoff. A chain whose SIDs do not show
 *    up, whose nodes are unreachable or whose new items failed is *blocked*: it keeps its old path.
 * 3. **proxies** (a reorder only): the static proxies' continuations that change on more than one
 *    node move in reverse order of the new chain, one node per round, each round once the
 *    previous one was acknowledged (proxy-order.ts: every intermediate state is loop-free). No
 *    round at all when nothing needs ordering (inserts, removes, moves, one node's changes).
 * 4. **switch**: pointers of unblocked chains move — at the ingress, one nexthop replace per
 *    family; on function hosts, the static proxies' continuations not moved yet.
 * 5. **final**: the planned intents, minus what blocked chains still use: superseded instances,
 *    proxies and SIDs go.
 *
 * Each step pushes only to nodes whose intent for that step differs from what they hold, all nodes
 * of a step at once; a step starts when the previous one is over everywhere, and ends with a
 * checkpoint (the caller persists what nodes hold, so a restarted controller resumes from there).
 * Every intent pushed in one run comes from one plan (`planned`).
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { ApplyResult, ObservedState } from '../../agent/reconcile/types.js';
import type { ChainOutcome } from '../planning/index.js';
import { type AgentFailure, classifyAgentError } from './agents.js';
import { type InstanceOwners, sidUsers as sidUsersOf } from './chain-index.js';
import { chainPointedSids, chainsWithChangedPointers, pointedSids, sameIntent, transitionIntent, unionIntent } from './intent-transition.js';
import { describeFailure, failureReason, failuresByChain } from './item-failures.js';
import { type NodeBook, intentSids, sidKey } from './node-book.js';
import { orderProxies, pointerSchedule, positionsOf } from './proxy-order.js';

export type Step = 'union' | 'proxies' | 'switch' | 'final';

export interface ConvergeInput {
  /** Planning's intents: the target of this run. */
  readonly planned: Readonly<Record<string, NodeIntent>>;
  readonly outcomes: Readonly<Record<string, ChainOutcome>>;
  /** Registered and READY. (Nodes the book backs off from count as unreachable too.) */
  readonly reachable: (node: string) => boolean;
  readonly owners: InstanceOwners;
}

export interface ConvergeIO {
  /** Applies an intent on the node's agent; throws when the call fails as a whole. */
  push(node: string, intent: NodeIntent, step: Step): Promise<ApplyResult>;
  observe(node: string): Promise<ObservedState>;
  /** A step is over: persist what the nodes hold now. */
  checkpoint(step: Step): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface VerifyOptions {
  /** Read-backs before a chain counts as waiting for its SIDs (default 3). */
  readonly attempts: number;
  /** Delay before the second read-back; doubles after each (default 50 ms). */
  readonly delayMs: number;
}

export interface Block {
  /** Condition reason (CamelCase): NodeUnreachable, SpawnFailed, WaitingForSids, ApplyFailed, ... */
  readonly reason: string;
  readonly message: string;
}

export interface ConvergeReport {
  /** Chains whose new path was not switched to, with why. */
  readonly blocked: ReadonlyMap<string, Block>;
  /** Nodes a call failed on (the node-wide key retries them). */
  readonly failedNodes: ReadonlyMap<string, AgentFailure>;
  /** Nodes pushed to, per step, in step order (for logs); one `proxies` entry per round. */
  readonly pushed: readonly { readonly step: Step; readonly nodes: readonly string[] }[];
}

/** A stale generation is the controller's to fix (it re-plans above it): to a chain, an agent error. */
const nodeReason = (f: AgentFailure): string => (f.reason === 'NodeUnreachable' ? 'NodeUnreachable' : 'AgentError');

export async function converge(input: ConvergeInput, book: NodeBook, io: ConvergeIO, verify: VerifyOptions): Promise<ConvergeReport> {
  const { planned, outcomes, owners } = input;
  // Re-evaluated at every step: a node that failed unreachable is not called again this pass.
  const reachable = (n: string) => input.reachable(n) && book.callable(n);
  const blocked = new Map<string, Block>();
  const failedNodes = new Map<string, AgentFailure>();
  const pushed: { step: Step; nodes: string[] }[] = [];
  const block = (chain: string, b: Block) => {
    if (!blocked.has(chain)) blocked.set(chain, b);
  };
  const users = sidUsersOf(outcomes);
  const ownerOn = (node: string) => (id: string) => owners(node, id);

  // A node is converged when its agent confirmed the planned intent and reported no failed item
  // (a failed item is retried by pushing again: the agent tries it anew).
  const targets = Object.keys(planned)
    .sort()
    .filter((n) => {
      const v = book.view(n);
      return !v.confirmed || v.failures.length > 0 || !sameIntent(v.holds, planned[n], { generation: true });
    });

  // Chains whose pointers move this run, the nodes those pointers are on, and the SIDs they will
  // aim at with the node each lives on: the chain's footprint, which must be reachable.
  const switching = new Map<string, Set<string>>();
  for (const n of targets) {
    for (const c of chainsWithChangedPointers(book.holds(n), planned[n])) {
      switching.set(c, (switching.get(c) ?? new Set()).add(n));
    }
  }
  const homes = sidHomes(planned);
  const aims = new Map<string, Map<string, string[]>>(); // chain → node → SIDs to find there
  for (const [c, on] of switching) {
    const byNode = new Map<string, string[]>();
    for (const n of on) {
      for (const sid of chainPointedSids(planned[n], c)) {
        const home = homes.get(sidKey(sid));
        if (home === undefined) {
          block(c, { reason: 'WaitingForSids', message: `no node is to hold SID ${sid}` });
          continue;
        }
        const list = byNode.get(home) ?? [];
        if (!list.includes(sid)) list.push(sid);
        byNode.set(home, list);
      }
    }
    aims.set(c, byNode);
  }
  const footprint = (c: string) => new Set([...(switching.get(c) ?? []), ...(aims.get(c)?.keys() ?? [])]);
  for (const c of switching.keys()) {
    const down = [...footprint(c)].filter((n) => !reachable(n)).sort();
    if (down.length > 0) block(c, { reason: 'NodeUnreachable', message: `node ${down.join(', ')} is unreachable: the chain keeps its current path` });
  }

  const pushStep = async (step: Step, build: (node: string) => NodeIntent, force: (node: string) => boolean, only: (node: string) => boolean = () => true) => {
    const nodes: string[] = [];
    await Promise.all(
      targets.filter((n) => only(n) && reachable(n)).map(async (n) => {
        const intent = build(n);
        // Steps 1 and 2 carry the new generation but need no call when the content is the same;
        // the final step brings every node to the planned generation itself.
        if (!force(n) && sameIntent(book.holds(n), intent, { generation: step === 'final' })) return;
        nodes.push(n);
        let result: ApplyResult;
        try {
          result = await io.push(n, intent, step);
        } catch (err) {
          const f = classifyAgentError(err);
          book.failed(n, f);
          failedNodes.set(n, f);
          if (step === 'final') return; // the chains switched already; only garbage is left there
          // Whatever was to change on the node did not: the switching chains that live there wait.
          for (const c of switching.keys()) if (footprint(c).has(n)) block(c, { reason: nodeReason(f), message: `${n}: ${f.message}` });
          return;
        }
        book.acked(n, intent, result);
        if (step === 'final') return; // what failed there is reported by status, not a switch to hold
        for (const [c, fails] of failuresByChain(result.items, { node: n, intent, ownerOf: ownerOn(n), sidUsers: users })) {
          if (!switching.has(c)) continue;
          const first = fails[0]!;
          block(c, { reason: failureReason(first.item), message: fails.map(describeFailure).join('; ') });
        }
      }),
    );
    pushed.push({ step, nodes: nodes.sort() });
    await io.checkpoint(step);
  };

  // 1. union: new instances and SIDs exist; old ones are still there.
  await pushStep(
    'union',
    (n) => unionIntent(book.holds(n), planned[n]!, ownerOn(n)),
    (n) => !book.view(n).confirmed || book.view(n).failures.length > 0,
  );

  // 2. read back: every SID of each switching chain's new path is programmed on its node.
  await verifySids(
    [...aims].filter(([c]) => !blocked.has(c)),
    book,
    io,
    verify,
    block,
    reachable,
  );

  // 3. proxies: continuations that change on several nodes, in reverse order of the new chain, one
  // round per step of the longest sequence. A chain blocked on the way stops where it is: every
  // prefix of its sequence is loop-free, and its ingress keeps steering to its old first function.
  const switched = (c: string) => !blocked.has(c);
  const live = [...switching.keys()].filter(switched).sort();
  const schedule = pointerSchedule(
    live.map((c) => ({ chain: c, nodes: switching.get(c)!, positions: positionsOf(outcomes[c]) })),
    (n) => book.holds(n),
    planned,
  );
  for (let round = 0; round < schedule.rounds; round++) {
    // The nodes with a step in this round, of chains not blocked so far.
    const due = new Set<string>();
    for (const q of schedule.sequences) {
      const st = q.steps[round];
      if (st !== undefined && switched(q.chain)) due.add(st.node);
    }
    if (due.size === 0) break; // the chains still to order were blocked
    await pushStep(
      'proxies',
      (n) =>
        orderProxies(
          transitionIntent(book.holds(n), planned[n]!, {
            switched: () => false,
            prune: false,
            chainOfInstance: ownerOn(n),
            early: (p) => (switched(p.chain) ? schedule.due(n, round, p) : undefined),
          }),
          (p) => schedule.rank(n, p),
        ),
      () => false,
      (n) => due.has(n),
    );
  }

  // 4. switch: the ingress nexthops and the proxies' continuations of unblocked chains (within one
  // apply, in the order of their sequence).
  await pushStep(
    'switch',
    (n) => orderProxies(transitionIntent(book.holds(n), planned[n]!, { switched, prune: false, chainOfInstance: ownerOn(n) }), (p) => schedule.rank(n, p)),
    () => false,
  );

  // 5. final: superseded instances, proxies and SIDs go — except what blocked chains still use.
  const referencedSids = new Set<string>();
  if (blocked.size > 0) for (const n of Object.keys(planned)) for (const s of pointedSids(book.holds(n), (c) => blocked.has(c))) referencedSids.add(s);
  await pushStep(
    'final',
    (n) => transitionIntent(book.holds(n), planned[n]!, { switched, prune: true, chainOfInstance: ownerOn(n), referencedSids }),
    () => false,
  );

  // Nodes left alone because they just failed: still to be retried (the node-wide key).
  for (const n of targets) {
    if (input.reachable(n) && !book.callable(n) && !failedNodes.has(n)) failedNodes.set(n, book.view(n).error ?? { reason: 'NodeUnreachable', message: `node ${n} is unreachable` });
  }
  return { blocked, failedNodes, pushed };
}

/** Canonical SID → the node whose planned intent holds it (an instance's SID, or a local SID). */
function sidHomes(planned: Readonly<Record<string, NodeIntent>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [node, intent] of Object.entries(planned)) for (const sid of intentSids(intent)) out.set(sid, node);
  return out;
}

async function verifySids(
  chains: readonly (readonly [string, ReadonlyMap<string, readonly string[]>])[],
  book: NodeBook,
  io: ConvergeIO,
  verify: VerifyOptions,
  block: (chain: string, b: Block) => void,
  reachable: (node: string) => boolean,
): Promise<void> {
  // node → sid → the chains waiting for it
  const need = new Map<string, Map<string, string[]>>();
  for (const [c, byNode] of chains) {
    for (const [node, sids] of byNode) {
      const m = need.get(node) ?? new Map<string, string[]>();
      for (const sid of sids) m.set(sid, [...(m.get(sid) ?? []), c]);
      need.set(node, m);
    }
  }
  let delay = verify.delayMs;
  for (let attempt = 1; need.size > 0; attempt++) {
    await Promise.all(
      [...need].map(async ([node, sids]) => {
        if (!reachable(node)) {
          for (const cs of sids.values()) for (const c of cs) block(c, { reason: 'NodeUnreachable', message: `node ${node} is unreachable` });
          need.delete(node);
          return;
        }
        try {
          book.observed(node, await io.observe(node));
        } catch (err) {
          const f = classifyAgentError(err);
          book.failed(node, f);
          for (const cs of sids.values()) for (const c of cs) block(c, { reason: nodeReason(f), message: `${node}: ${f.message}` });
          need.delete(node);
          return;
        }
        const present = book.view(node).observation!.sids;
        for (const sid of [...sids.keys()]) if (present.has(sidKey(sid))) sids.delete(sid);
        if (sids.size === 0) need.delete(node);
      }),
    );
    if (need.size === 0 || attempt >= verify.attempts) break;
    await io.sleep(delay);
    delay *= 2;
  }
  const missing = new Map<string, string[]>();
  for (const [node, sids] of need) for (const [sid, cs] of sids) for (const c of cs) missing.set(c, [...(missing.get(c) ?? []), `${sid} on ${node}`]);
  for (const [c, what] of missing) block(c, { reason: 'WaitingForSids', message: `not programmed yet: ${what.join(', ')}` });
}
