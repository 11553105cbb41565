/**
 * One reconcile pass over the whole world:
 *
 * 1. (resync, events) observe the nodes asked for: counters for the status, and agents whose
 *    generation is not the one they should hold (restarted, state lost) are re-sent their intent;
 * 2. **decide**, in one store transaction: plan the world from the stored chains, nodes,
 *    allocations and intents, and persist the new allocations, intents, generations and what each
 *    node holds — the decision to push is durable before anything is pushed, so a restarted
 *    controller re-plans to the very same intents;
 * 3. **converge** with make before break (converge.ts), persisting what nodes hold at every step;
 * 4. write every chain's status (only those that changed) through the chain registry.
 *
 * Planning runs inside the transaction: it is pure and fast (~16k chains/s), and a plan made from
 * the state it is persisted with can never be torn by a write that raced it — such a write simply
 * triggers the next pass.
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { Logger } from '../../common/logger.js';
import type { ChainStatus } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';
import type { ChainRegistry } from '../chains/chain-registry.js';
import { type ChainOutcome, type Topology, plan } from '../planning/index.js';
import { sameData } from '../planning/intent-content.js';
import type { ControllerState } from '../store/state.js';
import type { Store } from '../store/store.js';
import { type AgentDirectory, type AgentFailure, classifyAgentError } from './agents.js';
import { instanceOwners } from './chain-index.js';
import { chainStatus, needsRetry } from './chain-status.js';
import { type ConvergeReport, type VerifyOptions, converge } from './converge.js';
import { sameIntent } from './intent-transition.js';
import { NOTHING, type NodeBook, sidsDiffer } from './node-book.js';
import { type ReconcileSlot, readSlot, withSlot } from './state-slot.js';

/**
 * Where statuses go: the chain registry (its change events feed Watch). A registry that can write
 * many statuses in one transaction (`setStatuses`) is used that way: one status per transaction
 * copies the whole chain map each time, which is quadratic when a pass updates thousands.
 */
export type StatusWriter = Pick<ChainRegistry, 'setStatus'> & {
  setStatuses?(statuses: ReadonlyMap<string, ChainStatus>): Promise<void>;
};

export interface WorldPassDeps {
  readonly store: Store;
  readonly chains: StatusWriter;
  readonly agents: AgentDirectory;
  readonly book: NodeBook;
  readonly verify: VerifyOptions;
  readonly topology?: Topology;
  readonly now: () => string;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: Logger;
}

export interface PassOptions {
  /** Observe every READY node first (the periodic resync). */
  readonly observeAll?: boolean;
  /** Observe these nodes first (an agent reported an exited instance or corrected drift). */
  readonly observe?: ReadonlySet<string>;
}

export interface ChainReport {
  readonly ready: boolean;
  /** Placed but not ready: retry the chain's key with backoff. */
  readonly retry: boolean;
  readonly reason: string;
  readonly message: string;
}

export interface PassReport {
  readonly chains: ReadonlyMap<string, ChainReport>;
  readonly failedNodes: ReadonlyMap<string, AgentFailure>;
  readonly outcomes: Readonly<Record<string, ChainOutcome>>;
  readonly pushed: ConvergeReport['pushed'];
  /** The nodes as this pass saw them. */
  readonly nodes: readonly NodeRecord[];
}

/** JSON of a status (its packet counters are bigint). */
const statusJson = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
const withoutPackets = (s: ChainStatus): ChainStatus => ({ ...s, instances: s.instances.map(({ packets: _p, ...r }) => r) });

/** What nodes hold where it is not the planned intent (see state-slot.ts). */
function appliedOf(book: NodeBook, intents: Readonly<Record<string, NodeIntent>>): Record<string, NodeIntent> {
  const out: Record<string, NodeIntent> = {};
  for (const [n, want] of Object.entries(intents)) {
    const holds = book.holds(n) ?? NOTHING;
    if (!sameIntent(holds, want, { generation: true })) out[n] = holds;
  }
  return out;
}

export class WorldPass {
  /** Generations agents reported above what the store knows (a restored store): plan above them. */
  private readonly floors = new Map<string, number>();

  constructor(private readonly deps: WorldPassDeps) {}

  async run(opts: PassOptions = {}): Promise<PassReport> {
    const { store, book, log } = this.deps;
    await this.observeFirst(opts);

    // --- 2. decide ----------------------------------------------------------------------------
    const decision = await store.transact((s) => {
      const slot = readSlot(s.allocations);
      for (const name of book.names()) if (!s.nodes[name]) book.drop(name);
      for (const name of Object.keys(s.nodes)) book.seed(name, slot.applied[name] ?? slot.intents[name]);
      const floors: Record<string, number> = { ...s.generations };
      for (const [n, g] of this.floors) floors[n] = Math.max(floors[n] ?? 0, g);
      const out = plan({
        chains: Object.values(s.chains).map((c) => ({ name: c.name, spec: c.spec })),
        nodes: Object.values(s.nodes),
        ...(slot.allocations ? { allocations: slot.allocations } : {}),
        previousIntents: slot.intents,
        generations: floors,
        ...(this.deps.topology ? { topology: this.deps.topology } : {}),
      });
      const generations: Record<string, number> = { ...s.generations };
      for (const [n, i] of Object.entries(out.intents)) generations[n] = Math.max(generations[n] ?? 0, i.generation);
      const next: ReconcileSlot = { allocations: out.allocations, intents: out.intents, applied: appliedOf(book, out.intents) };
      const changed = !sameData(slot, next) || !sameData(s.generations, generations);
      const result = { state: s, out, previous: slot.allocations };
      return changed ? { state: { ...withSlot(s, next), generations }, result } : { result };
    });
    const { state, out } = decision;
    for (const [n, g] of this.floors) if ((out.intents[n]?.generation ?? 0) > g) this.floors.delete(n);
    if (out.changed.length > 0) log.info('planned', { changed: out.changed });

    // --- 3. converge ----------------------------------------------------------------------------
    const report = await converge(
      {
        planned: out.intents,
        outcomes: out.chains,
        reachable: (n) => state.nodes[n]?.state === 'READY',
        owners: instanceOwners(out.allocations, decision.previous),
      },
      book,
      {
        push: (n, intent, step) => {
          log.debug('push', { node: n, step, generation: intent.generation });
          return this.agent(state, n).apply(intent, { validateOnly: false });
        },
        observe: (n) => this.agent(state, n).observed(),
        checkpoint: () => this.checkpoint(),
        sleep: this.deps.sleep,
      },
      this.deps.verify,
    );
    for (const [n, f] of report.failedNodes) {
      log.warn('agent call failed', { node: n, reason: f.reason, message: f.message });
      if (f.reason === 'StaleGeneration') await this.learnGeneration(state, n);
    }
    for (const [c, b] of report.blocked) log.info('chain held on its current path', { chain: c, reason: b.reason, message: b.message });

    // --- 4. status -------------------------------------------------------------------------------
    const chains = await this.writeStatuses(state, out.intents, out.chains, report, opts.observeAll ?? false);
    return { chains, failedNodes: report.failedNodes, outcomes: out.chains, pushed: report.pushed, nodes: Object.values(state.nodes) };
  }

  private agent(state: ControllerState, node: string) {
    const record = state.nodes[node];
    if (!record) throw new Error(`node ${node} is not registered`);
    return this.deps.agents.agent(record);
  }

  private async observeFirst(opts: PassOptions): Promise<void> {
    if (!opts.observeAll && !opts.observe?.size) return;
    const state = await this.deps.store.read();
    const names = Object.values(state.nodes)
      .filter((n) => n.state === 'READY' && this.deps.book.callable(n.name) && (opts.observeAll || opts.observe?.has(n.name)))
      .map((n) => n.name);
    await Promise.all(
      names.map(async (n) => {
        try {
          const o = await this.agent(state, n).observed();
          this.deps.book.observed(n, o);
          const view = this.deps.book.view(n);
          const holds = view.holds;
          // A restarted agent that lost its state, one that holds a generation we never sent, or
          // one whose SIDs are not those of the intent we believe it holds (another intent of the
          // same generation; a SID its last apply failed on is retried anyway).
          const differs = holds !== undefined && (o.generation !== holds.generation || (view.failures.length === 0 && sidsDiffer(holds, view.observation!)));
          if (differs) this.deps.book.unconfirm(n);
          if (o.generation > (state.generations[n] ?? 0)) this.floors.set(n, o.generation);
        } catch (err) {
          this.deps.book.failed(n, classifyAgentError(err));
        }
      }),
    );
  }

  /** The agent refused our generation as older than its own: plan above it next time. */
  private async learnGeneration(state: ControllerState, node: string): Promise<void> {
    try {
      const o = await this.agent(state, node).observed();
      this.floors.set(node, o.generation);
    } catch {
      // unreachable now: the next pass tries again
    }
  }

  /** Persists what nodes hold, where it differs from the planned intents. */
  private checkpoint(): Promise<void> {
    return this.deps.store.transact((s) => {
      const slot = readSlot(s.allocations);
      const applied = appliedOf(this.deps.book, slot.intents);
      if (sameData(applied, slot.applied)) return { result: undefined };
      return { state: withSlot(s, { ...slot, applied }), result: undefined };
    });
  }

  private async writeStatuses(
    state: ControllerState,
    planned: Readonly<Record<string, NodeIntent>>,
    outcomes: Readonly<Record<string, ChainOutcome>>,
    report: ConvergeReport,
    withCounters: boolean,
  ): Promise<Map<string, ChainReport>> {
    const { book } = this.deps;
    const now = this.deps.now();
    const facts = (name: string) => ({ state: state.nodes[name]?.state ?? ('UNKNOWN' as const), view: book.view(name), ...(planned[name] ? { planned: planned[name] } : {}) });
    const out = new Map<string, ChainReport>();
    const writes = new Map<string, ChainStatus>();
    for (const chain of Object.values(state.chains)) {
      const b = report.blocked.get(chain.name);
      const status = chainStatus({ chain, outcome: outcomes[chain.name], node: facts, ...(b ? { blocked: b } : {}), now });
      const ready = status.conditions.find((c) => c.type === 'Ready');
      out.set(chain.name, { ready: ready?.status === 'True', retry: needsRetry(status), reason: ready?.reason ?? '', message: ready?.message ?? '' });
      if (statusJson(status) === statusJson(chain.status)) continue;
      // Counters alone move all the time: they are written with the periodic resync only.
      if (!withCounters && statusJson(withoutPackets(status)) === statusJson(withoutPackets(chain.status))) continue;
      writes.set(chain.name, status);
    }
    const { chains } = this.deps;
    if (writes.size === 0) return out;
    if (chains.setStatuses) await chains.setStatuses(writes);
    else await Promise.all([...writes].map(([name, status]) => chains.setStatus(name, status)));
    return out;
  }
}
