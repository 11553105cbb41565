/**
 * What `validate_only` answers with: the plan of a chain change, computed against the real
 * nodes, allocations and agents (each agent's own ApplyIntent dry run) without changing
 * anything. The reconciler implements it (it owns planning and the agents); the ChainService only
 * asks. Planning failures are thrown as domain errors (FailedPreconditionError,
 * ResourceExhaustedError with planning's reasons) and reach the client as such.
 */
import type { Chain } from '../../model/chain.js';
import type { DryRunPlan } from './codecs/chain-plan-codec.js';

export interface DryRunPlanner {
  /** What storing `chain` (as the mutation would leave it: spec, labels, generation) would do. */
  dryRun(chain: Chain): Promise<DryRunPlan>;
  /** What deleting `chain` would do: every instance and SID of it marked delete. */
  dryRunDelete(chain: Chain): Promise<DryRunPlan>;
}

export const DryRunPlanner = Symbol.for('srv6-sfc.DryRunPlanner');
