/**
 * Dry runs (`validate_only`, `sfcctl diff`): plan the world as it would be with the candidate
 * chain (or without a deleted one), from the same persisted allocations and intents a real pass
 * uses, and ask each affected node's agent what applying its new intent would do
 * (`apply(intent, {validateOnly: true})`: operations counted, nothing changed). Nothing is
 * persisted and nothing is pushed.
 */
import type { OpCounts } from '../../agent/reconcile/types.js';
import type { DryRunPlan } from '../grpc/codecs/chain-plan-codec.js';
import { type ChainOutcome, type PlanChainInput, type Topology, failureError, plan } from '../planning/index.js';
import type { Store } from '../store/store.js';
import { type AgentDirectory, classifyAgentError } from './agents.js';
import { type DryRunInput, ZERO_OPS, dryRunNodes, dryRunReport } from './dry-run-report.js';
import { readSlot } from './state-slot.js';

export interface DryRunResult {
  /** What the API returns as its ChainPlan. */
  readonly plan: DryRunPlan;
  /** The chain's planning outcome (undefined for a deletion). */
  readonly outcome: ChainOutcome | undefined;
  /** Nodes whose agent could not be asked; their operation counts read 0. */
  readonly unavailable: readonly { readonly node: string; readonly message: string }[];
}

export interface DryRunOptions {
  readonly topology?: Topology;
  /** Longest wait for one agent's answer (default 10 s). */
  readonly timeoutMs?: number;
}

type Change = { readonly apply: PlanChainInput } | { readonly delete: string };

export class DryRunPlanner {
  constructor(
    private readonly store: Store,
    private readonly agents: AgentDirectory,
    private readonly options: DryRunOptions = {},
  ) {}

  /**
   * What applying `chain` would do. A chain that cannot be planned throws planning's domain error
   * (FAILED_PRECONDITION or RESOURCE_EXHAUSTED with the reason), as the API reports it.
   */
  planDryRun(chain: PlanChainInput): Promise<DryRunResult> {
    return this.run({ apply: { name: chain.name, spec: chain.spec } });
  }

  /** What deleting the chain would do. */
  planDeleteDryRun(name: string): Promise<DryRunResult> {
    return this.run({ delete: name });
  }

  private async run(change: Change): Promise<DryRunResult> {
    const state = await this.store.read();
    const slot = readSlot(state.allocations);
    const name = 'apply' in change ? change.apply.name : change.delete;
    const stored = state.chains[name];
    const chains = Object.values(state.chains)
      .filter((c) => c.name !== name)
      .map((c) => ({ name: c.name, spec: c.spec }));
    if ('apply' in change) chains.push(change.apply);
    const out = plan({
      chains,
      nodes: Object.values(state.nodes),
      ...(slot.allocations ? { allocations: slot.allocations } : {}),
      previousIntents: slot.intents,
      generations: state.generations,
      ...(this.options.topology ? { topology: this.options.topology } : {}),
    });
    const outcome = out.chains[name];
    if (outcome && !outcome.ok) throw failureError(name, outcome.failure);

    const input: DryRunInput = {
      chain: name,
      plan: outcome?.ok ? outcome.plan : undefined,
      planned: out.intents,
      before: {
        ...(slot.allocations ? { allocations: slot.allocations } : {}),
        intents: slot.intents,
        ...(stored ? { edges: [stored.spec.ingress.node, stored.spec.egress.node] } : {}),
      },
    };
    const ops = new Map<string, OpCounts>();
    const unavailable: { node: string; message: string }[] = [];
    await Promise.all(
      dryRunNodes(input).map(async (node) => {
        const intent = out.intents[node];
        const record = state.nodes[node];
        if (!intent || !record) return void ops.set(node, ZERO_OPS);
        try {
          ops.set(node, await this.ask(record.name, () => this.agents.agent(record).apply(intent, { validateOnly: true })));
        } catch (err) {
          unavailable.push({ node, message: classifyAgentError(err).message });
        }
      }),
    );
    unavailable.sort((a, b) => (a.node < b.node ? -1 : 1));
    return { plan: dryRunReport(input, ops), outcome, unavailable };
  }

  private ask(node: string, call: () => Promise<{ readonly ops: OpCounts }>): Promise<OpCounts> {
    const ms = this.options.timeoutMs ?? 10_000;
    return new Promise<OpCounts>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`agent of ${node} did not answer within ${ms} ms`)), ms);
      call().then(
        (r) => {
          clearTimeout(t);
          resolve(r.ops);
        },
        (e: unknown) => {
          clearTimeout(t);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}
