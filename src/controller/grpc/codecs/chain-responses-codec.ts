/**
 * ChainService responses and watch events ↔ their domain values. The server encodes; clients
 * decode (`*FromProto` throws InvalidArgumentError naming malformed fields: a server speaking a
 * different version, not the user's fault, but never silently wrong).
 */
import { EnumTable } from '../../../common/grpc/enum-table.js';
import { decode } from './decode.js';
import type { ApplyChainResponse, ApplyChainResponse__Output } from '../../../gen/srv6sfc/v1/ApplyChainResponse.js';
import type { Chain__Output } from '../../../gen/srv6sfc/v1/Chain.js';
import type { ChainPlan__Output } from '../../../gen/srv6sfc/v1/ChainPlan.js';
import type { CreateChainResponse } from '../../../gen/srv6sfc/v1/CreateChainResponse.js';
import type { DeleteChainResponse, DeleteChainResponse__Output } from '../../../gen/srv6sfc/v1/DeleteChainResponse.js';
import type { ListChainsResponse, ListChainsResponse__Output } from '../../../gen/srv6sfc/v1/ListChainsResponse.js';
import type { WatchChainsResponse, WatchChainsResponse__Output } from '../../../gen/srv6sfc/v1/WatchChainsResponse.js';
import type { Chain } from '../../../model/chain.js';
import { chainToProto, readChain } from './chain-codec.js';
import { type DryRunPlan, planToProto, readPlan } from './chain-plan-codec.js';

/** A chain, and with validate_only the plan: the answer of Create, Update (and Get: no plan). */
export interface ChainResult {
  readonly chain: Chain;
  readonly plan?: DryRunPlan;
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export interface ApplyChainResult extends ChainResult {
  readonly outcome: ApplyOutcome;
}

/** The same literals as the chain registry's change events, so those encode as they are. */
export type ChainEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change of one chain (for DELETED: its last state). */
export interface ChainEvent {
  readonly type: ChainEventType;
  readonly chain: Chain;
}

const OUTCOME = new EnumTable({ created: 'OUTCOME_CREATED', updated: 'OUTCOME_UPDATED', unchanged: 'OUTCOME_UNCHANGED' } as const satisfies Record<
  ApplyOutcome,
  string
>);

const EVENT_TYPE = new EnumTable({ ADDED: 'TYPE_ADDED', MODIFIED: 'TYPE_MODIFIED', DELETED: 'TYPE_DELETED' } as const satisfies Record<
  ChainEventType,
  string
>);

/** CreateChainResponse, UpdateChainResponse and (without a plan) GetChainResponse. */
export const chainResultToProto = (res: ChainResult): CreateChainResponse => ({ chain: chainToProto(res.chain), plan: res.plan ? planToProto(res.plan) : null });

export const chainResultFromProto = (m: { readonly chain: Chain__Output | null; readonly plan?: ChainPlan__Output | null }): ChainResult =>
  decode('malformed chain response', (r) => {
    const plan = readPlan(r, m.plan ?? null, 'plan');
    return { chain: readChain(r, m.chain, 'chain'), ...(plan ? { plan } : {}) };
  });

export const applyChainResultToProto = (res: ApplyChainResult): ApplyChainResponse => ({ ...chainResultToProto(res), outcome: OUTCOME.toProto(res.outcome) });

export const applyChainResultFromProto = (m: ApplyChainResponse__Output): ApplyChainResult =>
  decode('malformed ApplyChain response', (r) => {
    const plan = readPlan(r, m.plan, 'plan');
    return { chain: readChain(r, m.chain, 'chain'), outcome: r.enumValue('outcome', m.outcome, OUTCOME.fromProto) ?? 'unchanged', ...(plan ? { plan } : {}) };
  });

export const deleteChainResultToProto = (res: { readonly plan?: DryRunPlan }): DeleteChainResponse => ({ plan: res.plan ? planToProto(res.plan) : null });

export const deleteChainResultFromProto = (m: DeleteChainResponse__Output): { plan?: DryRunPlan } =>
  decode('malformed DeleteChain response', (r) => {
    const plan = readPlan(r, m.plan, 'plan');
    return plan ? { plan } : {};
  });

export const listChainsResultToProto = (res: { readonly chains: readonly Chain[]; readonly nextPageToken: string }): ListChainsResponse => ({
  chains: res.chains.map((c) => chainToProto(c)),
  nextPageToken: res.nextPageToken,
});

export const listChainsResultFromProto = (m: ListChainsResponse__Output): { chains: Chain[]; nextPageToken: string } =>
  decode('malformed ListChains response', (r) => ({ chains: m.chains.map((c, i) => readChain(r, c, `chains[${i}]`)), nextPageToken: m.nextPageToken }));

export const chainEventToProto = (e: ChainEvent): WatchChainsResponse => ({ type: EVENT_TYPE.toProto(e.type), chain: chainToProto(e.chain) });

export const chainEventFromProto = (m: WatchChainsResponse__Output): ChainEvent =>
  decode('malformed chain event', (r) => ({ type: r.enumValue('type', m.type, EVENT_TYPE.fromProto) ?? 'MODIFIED', chain: readChain(r, m.chain, 'chain') }));
