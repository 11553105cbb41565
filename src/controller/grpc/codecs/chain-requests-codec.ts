/**
 * ChainService requests ↔ the calls they make. The server decodes (`*FromProto`: shape checked,
 * every malformed field reported at once with its path in proto names, INVALID_ARGUMENT); clients
 * such as sfcctl encode (`*ToProto`). What the calls mean — does the chain exist, does the etag
 * match, is the spec valid — is the service's business.
 */
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import { decode } from './decode.js';
import type { ApplyChainRequest, ApplyChainRequest__Output } from '../../../gen/srv6sfc/v1/ApplyChainRequest.js';
import type { ChainSpec as SpecMsg } from '../../../gen/srv6sfc/v1/ChainSpec.js';
import type { CreateChainRequest, CreateChainRequest__Output } from '../../../gen/srv6sfc/v1/CreateChainRequest.js';
import type { DeleteChainRequest, DeleteChainRequest__Output } from '../../../gen/srv6sfc/v1/DeleteChainRequest.js';
import type { GetChainRequest__Output } from '../../../gen/srv6sfc/v1/GetChainRequest.js';
import type { ListChainsRequest, ListChainsRequest__Output } from '../../../gen/srv6sfc/v1/ListChainsRequest.js';
import type { UpdateChainRequest, UpdateChainRequest__Output } from '../../../gen/srv6sfc/v1/UpdateChainRequest.js';
import type { WatchChainsRequest__Output } from '../../../gen/srv6sfc/v1/WatchChainsRequest.js';
import { type ChainInput, chainInputToProto, readChainInput } from './chain-codec.js';
import { egressToProto, functionToProto, ingressToProto, proxyToProto } from './chain-spec-codec.js';
import { type ChainPatch, readChainPatch, updateMaskFromProto } from './chain-update.js';
import { type LabelFilter, formatLabelFilter, labelFilterFromProto } from './label-filter.js';
import { type PageRequest, pageRequestFromProto } from './page-token.js';
import { requestIdFromProto } from './request-id.js';
import { chainIdFromName, chainIdFromProto, chainName } from './resource-name.js';

/** Fields every mutation has. */
export interface MutationOptions {
  /** Dry run: check and plan, change nothing. */
  readonly validateOnly: boolean;
  /** AIP-155 request id (a lowercase UUID), for deduplicating retries. */
  readonly requestId?: string;
}

export interface CreateChainCall extends MutationOptions {
  readonly chainId: string;
  /** Labels and spec (no name: `chainId` is it). */
  readonly chain: ChainInput;
}

export interface GetChainCall {
  readonly name: string;
}

export interface ListChainsCall {
  readonly page: PageRequest;
  readonly filter: LabelFilter;
}

export interface UpdateChainCall extends MutationOptions {
  readonly name: string;
  /** Only if the chain is still at this version. */
  readonly etag?: string;
  readonly patch: ChainPatch;
  /** Create the chain when it is missing. */
  readonly allowMissing: boolean;
}

export interface DeleteChainCall extends MutationOptions {
  readonly name: string;
  readonly etag?: string;
  /** A missing chain is success. */
  readonly allowMissing: boolean;
}

export interface ApplyChainCall extends MutationOptions {
  /** Name (required), labels, spec, and an optional etag. */
  readonly chain: ChainInput & { readonly name: string };
}

export interface WatchChainsCall {
  readonly filter: LabelFilter;
}

const mutation = (r: ProtoReader, m: { validateOnly: boolean; requestId: string }): MutationOptions => {
  const requestId = requestIdFromProto(r, 'request_id', m.requestId);
  return { validateOnly: m.validateOnly, ...(requestId !== undefined ? { requestId } : {}) };
};

const mutationToProto = (o: Partial<MutationOptions>): { validateOnly: boolean; requestId: string } => ({
  validateOnly: o.validateOnly ?? false,
  requestId: o.requestId ?? '',
});

/** The query a ListChains page token is bound to: the filter, canonical (spacing does not matter). */
export const chainsQuery = (filter: LabelFilter): string => `filter=${formatLabelFilter(filter)}`;

export const createChainFromProto = (m: CreateChainRequest__Output): CreateChainCall =>
  decode('invalid CreateChain request', (r) => ({
    chainId: chainIdFromProto(r, 'chain_id', m.chainId),
    chain: readChainInput(r, m.chain, 'chain', false),
    ...mutation(r, m),
  }));

export const createChainToProto = (c: Omit<CreateChainCall, keyof MutationOptions> & Partial<MutationOptions>): CreateChainRequest => ({
  chainId: c.chainId,
  chain: chainInputToProto(c.chain),
  ...mutationToProto(c),
});

export const getChainFromProto = (m: GetChainRequest__Output): GetChainCall => decode('invalid GetChain request', (r) => ({ name: chainIdFromName(r, 'name', m.name) }));

export function listChainsFromProto(m: ListChainsRequest__Output): ListChainsCall {
  return decode('invalid ListChains request', (r) => {
    const filter = labelFilterFromProto(r, 'filter', m.filter);
    return { page: pageRequestFromProto(r, m, chainsQuery(filter)), filter };
  });
}

export const listChainsToProto = (c: { pageSize?: number; pageToken?: string; filter?: LabelFilter }): ListChainsRequest => ({
  pageSize: c.pageSize ?? 0,
  pageToken: c.pageToken ?? '',
  filter: formatLabelFilter(c.filter ?? []),
});

export function updateChainFromProto(m: UpdateChainRequest__Output): UpdateChainCall {
  return decode('invalid UpdateChain request', (r) => {
    const paths = updateMaskFromProto(r, 'update_mask', m.updateMask);
    const chain = r.message('chain', m.chain);
    return {
      name: chain ? chainIdFromName(r, 'chain.name', chain.name) : '',
      ...(chain?.etag ? { etag: chain.etag } : {}),
      patch: chain ? readChainPatch(r, chain, 'chain', paths) : { paths, spec: {} },
      allowMissing: m.allowMissing,
      ...mutation(r, m),
    };
  });
}

export function updateChainToProto(c: Omit<UpdateChainCall, keyof MutationOptions | 'allowMissing'> & Partial<UpdateChainCall>): UpdateChainRequest {
  const s = c.patch.spec;
  const spec: SpecMsg = {
    ...(s.ingress ? { ingress: ingressToProto(s.ingress) } : {}),
    ...(s.egress ? { egress: egressToProto(s.egress) } : {}),
    ...(s.functions ? { functions: s.functions.map(functionToProto) } : {}),
    proxy: proxyToProto(s.proxy),
  };
  return {
    chain: { name: chainName(c.name), labels: { ...(c.patch.labels ?? {}) }, spec, etag: c.etag ?? '' },
    updateMask: { paths: [...c.patch.paths] },
    allowMissing: c.allowMissing ?? false,
    ...mutationToProto(c),
  };
}

export const deleteChainFromProto = (m: DeleteChainRequest__Output): DeleteChainCall =>
  decode('invalid DeleteChain request', (r) => ({
    name: chainIdFromName(r, 'name', m.name),
    ...(m.etag ? { etag: m.etag } : {}),
    allowMissing: m.allowMissing,
    ...mutation(r, m),
  }));

export const deleteChainToProto = (c: Pick<DeleteChainCall, 'name' | 'etag'> & Partial<DeleteChainCall>): DeleteChainRequest => ({
  name: chainName(c.name),
  etag: c.etag ?? '',
  allowMissing: c.allowMissing ?? false,
  ...mutationToProto(c),
});

export function applyChainFromProto(m: ApplyChainRequest__Output): ApplyChainCall {
  return decode('invalid ApplyChain request', (r) => {
    const chain = readChainInput(r, m.chain, 'chain', true);
    return { chain: { ...chain, name: chain.name ?? '' }, ...mutation(r, m) };
  });
}

export const applyChainToProto = (c: Pick<ApplyChainCall, 'chain'> & Partial<MutationOptions>): ApplyChainRequest => ({
  chain: chainInputToProto(c.chain),
  ...mutationToProto(c),
});

export const watchChainsFromProto = (m: WatchChainsRequest__Output): WatchChainsCall =>
  decode('invalid WatchChains request', (r) => ({ filter: labelFilterFromProto(r, 'filter', m.filter) }));
