/**
 * What ChainService's mutations do once a request is decoded and checked: the registry calls
 * with AIP semantics (etag, allow_missing, validate_only), the Apply outcome, and the dry-run
 * plan. Transport-free: the service decodes and encodes around it.
 */
import { ConflictError, DomainError, NotFoundError } from '../../common/errors.js';
import type { Chain } from '../../model/chain.js';
import type { ChainInput, ChainRegistry } from '../chains/chain-registry.js';
import type { UpdateChainRequestRead } from './chain-calls.js';
import { withChainPaths } from './chain-world.js';
import type { DryRunPlan } from './codecs/chain-plan-codec.js';
import type { ApplyChainCall, CreateChainCall, DeleteChainCall } from './codecs/chain-requests-codec.js';
import type { ApplyChainResult, ApplyOutcome, ChainResult } from './codecs/chain-responses-codec.js';
import type { DryRunPlanner } from './dry-run-planner.js';

/**
 * An UpdateChain without an etag is applied to the chain it read; if another writer got in
 * between, it reads and patches again rather than roll back fields outside its mask. Past this
 * many attempts the chain is changing too fast: ABORTED, for the client to retry.
 */
const UPDATE_ATTEMPTS = 5;

/** An empty plan: deleting, as a dry run with allow_missing, a chain that does not exist. */
const NOTHING: DryRunPlan = { nodes: [], segments: {} };

export function applyOutcome(before: Chain | undefined, after: Chain): ApplyOutcome {
  // The registry answers an unchanged apply with the stored chain itself: same etag.
  if (before && before.etag === after.etag) return 'unchanged';
  return after.generation === 1 ? 'created' : 'updated';
}

export class ChainOperations {
  constructor(
    private readonly registry: ChainRegistry,
    private readonly planner: DryRunPlanner,
  ) {}

  async create(call: CreateChainCall): Promise<ChainResult> {
    const input: ChainInput = { name: call.chainId, labels: call.chain.labels, spec: call.chain.spec };
    const chain = await this.write(input, () => this.registry.create(input, { validateOnly: call.validateOnly }));
    return this.result(chain, call.validateOnly);
  }

  async update(read: UpdateChainRequestRead): Promise<ChainResult> {
    const { call } = read;
    for (let attempt = 1; ; attempt++) {
      const current = await this.find(call.name);
      const input: ChainInput = { name: call.name, ...read.patched(current) };
      // The client's etag, else the one the patch was applied to (see UPDATE_ATTEMPTS).
      const opts = { etag: call.etag ?? current?.etag, validateOnly: call.validateOnly };
      let chain: Chain;
      try {
        chain = await this.write(input, () => (current ? this.registry.update(input, opts) : this.registry.create(input, opts)));
      } catch (err) {
        if (call.etag !== undefined || !raced(err, call.allowMissing)) throw err;
        if (attempt >= UPDATE_ATTEMPTS) throw new ConflictError(`chain '${call.name}' kept changing during the update (${attempt} attempts): retry`);
        continue;
      }
      return this.result(chain, call.validateOnly);
    }
  }

  async apply(call: ApplyChainCall): Promise<ApplyChainResult> {
    const { name, labels, spec, etag } = call.chain;
    const before = await this.find(name);
    const input: ChainInput = { name, labels, spec };
    const chain = await this.write(input, () => this.registry.apply(input, { ...(etag ? { etag } : {}), validateOnly: call.validateOnly }));
    return { ...(await this.result(chain, call.validateOnly)), outcome: applyOutcome(before, chain) };
  }

  async delete(call: DeleteChainCall): Promise<{ plan?: DryRunPlan }> {
    const deleted = await this.registry.delete(call.name, { ...(call.etag ? { etag: call.etag } : {}), allowMissing: call.allowMissing, validateOnly: call.validateOnly });
    if (!call.validateOnly) return {};
    return { plan: deleted ? await this.planner.dryRunDelete(deleted) : NOTHING };
  }

  private async find(name: string): Promise<Chain | undefined> {
    try {
      return await this.registry.get(name);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** A registry write; its INVALID_ARGUMENT (the world checks) gets the request's field paths. */
  private async write(input: ChainInput, op: () => Promise<Chain>): Promise<Chain> {
    try {
      return await op();
    } catch (err) {
      throw withChainPaths(err, input.spec);
    }
  }

  private async result(chain: Chain, validateOnly: boolean): Promise<ChainResult> {
    return validateOnly ? { chain, plan: await this.planner.dryRun(chain) } : { chain };
  }
}

/** Did another writer get between our read and our write (so reading again may succeed)? */
function raced(err: unknown, allowMissing: boolean): boolean {
  if (!(err instanceof DomainError)) return false;
  return err.reason === 'ETAG_MISMATCH' || (allowMissing && (err.reason === 'CHAIN_ALREADY_EXISTS' || err.reason === 'CHAIN_NOT_FOUND'));
}
