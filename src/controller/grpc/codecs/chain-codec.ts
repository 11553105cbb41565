/**
 * Chain ↔ srv6sfc.v1.Chain, the resource as the API serves it, and the part of it a client
 * writes (ChainInput) as CreateChain, UpdateChain and ApplyChain read it.
 *
 * Output-only fields (`generation`, times, `reconciling`, `status`) are written by the server and
 * ignored in requests (AIP-203). `reconciling` is not stored: it is derived from the status.
 */
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import type { Chain as ChainMsg, Chain__Output } from '../../../gen/srv6sfc/v1/Chain.js';
import type { Chain, ChainSpec } from '../../../model/chain.js';
import { MISSING_SPEC, specFromProto, specToProto } from './chain-spec-codec.js';
import { EMPTY_STATUS, statusFromProto, statusToProto } from './chain-status-codec.js';
import { decode } from './decode.js';
import { chainIdFromName, chainName } from './resource-name.js';
import { timestampFromProto, timestampToProto } from './timestamp.js';

/** What a client writes of a chain; `name` is the id (`web`), absent for CreateChain. */
export interface ChainInput {
  readonly name?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: ChainSpec;
  /** Only if the stored chain is still at this version (absent = unconditionally). */
  readonly etag?: string;
}

/**
 * AIP-128 `reconciling`: the controller has not yet acted on the current generation, or the
 * chain is not Ready (level-based: a chain that is not Ready stays queued and retried).
 */
export function isReconciling(c: Chain): boolean {
  return c.status.observedGeneration < c.generation || !c.status.conditions.some((k) => k.type === 'Ready' && k.status === 'True');
}

export function chainToProto(c: Chain, reconciling = isReconciling(c)): ChainMsg {
  return {
    name: chainName(c.name),
    labels: { ...c.labels },
    spec: specToProto(c.spec),
    generation: String(c.generation),
    etag: c.etag,
    createTime: timestampToProto(c.createTime),
    updateTime: timestampToProto(c.updateTime),
    reconciling,
    status: statusToProto(c.status),
  };
}

/** The chain part of a request, as a client writes it (output-only fields are not sent). */
export function chainInputToProto(c: ChainInput): ChainMsg {
  return {
    name: c.name !== undefined ? chainName(c.name) : '',
    labels: { ...c.labels },
    spec: specToProto(c.spec),
    etag: c.etag ?? '',
  };
}

/** A whole chain, inside a reader's larger message (a response, an event). */
export function readChain(r: ProtoReader, m: Chain__Output | null, path: string): Chain {
  if (!m) {
    r.add(path, 'is required');
    return { name: '', labels: {}, spec: MISSING_SPEC, generation: 0, etag: '', createTime: '', updateTime: '', status: EMPTY_STATUS };
  }
  return {
    name: chainIdFromName(r, `${path}.name`, m.name),
    labels: { ...m.labels },
    spec: specFromProto(r, m.spec, `${path}.spec`),
    generation: r.safeInteger(`${path}.generation`, m.generation),
    etag: m.etag,
    createTime: timestampFromProto(r, `${path}.create_time`, m.createTime) ?? '',
    updateTime: timestampFromProto(r, `${path}.update_time`, m.updateTime) ?? '',
    status: statusFromProto(r, m.status, `${path}.status`),
  };
}

/** Decodes a chain as the server sends it; throws InvalidArgumentError naming malformed fields. */
export const chainFromProto = (m: Chain__Output | null | undefined, path = 'chain'): Chain => decode('malformed chain', (r) => readChain(r, m ?? null, path));

/**
 * The chain part of a request. `name` is read when `withName` (UpdateChain, ApplyChain: required)
 * and ignored otherwise (CreateChain names the chain by `chain_id`).
 */
export function readChainInput(r: ProtoReader, m: Chain__Output | null, path: string, withName: boolean): ChainInput {
  if (!m) {
    r.add(path, 'is required');
    return { labels: {}, spec: MISSING_SPEC };
  }
  return {
    ...(withName ? { name: chainIdFromName(r, `${path}.name`, m.name) } : {}),
    labels: { ...m.labels },
    spec: specFromProto(r, m.spec, `${path}.spec`),
    ...(m.etag ? { etag: m.etag } : {}),
  };
}
