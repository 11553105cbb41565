/**
 * ChainService mutation requests, decoded (the codecs' readers: shape) and checked (chain-checks:
 * the same rules as YAML documents) into one ProtoReader, so a request is refused once, with
 * every violation of both kinds — as a document is. The calls carry the chain as it will be
 * stored: normalized, defaults explicit.
 *
 * UpdateChain is checked in two steps: what the request alone says (name, mask, the named parts)
 * at once, and the chain after the patch once the current chain has been read; violations of
 * both steps are still reported together.
 */
import { InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { ApplyChainRequest__Output } from '../../gen/srv6sfc/v1/ApplyChainRequest.js';
import type { CreateChainRequest__Output } from '../../gen/srv6sfc/v1/CreateChainRequest.js';
import type { UpdateChainRequest__Output } from '../../gen/srv6sfc/v1/UpdateChainRequest.js';
import type { Chain } from '../../model/chain.js';
import { type CheckedChain, checkChain } from './chain-checks.js';
import { readChainInput } from './codecs/chain-codec.js';
import type { ApplyChainCall, CreateChainCall, MutationOptions, UpdateChainCall } from './codecs/chain-requests-codec.js';
import { applyChainPatch, readChainPatch, updateMaskFromProto } from './codecs/chain-update.js';
import { requestIdFromProto } from './codecs/request-id.js';
import { chainIdFromName, chainIdFromProto } from './codecs/resource-name.js';

const mutation = (r: ProtoReader, m: { validateOnly: boolean; requestId: string }): MutationOptions => {
  const requestId = requestIdFromProto(r, 'request_id', m.requestId);
  return { validateOnly: m.validateOnly, ...(requestId !== undefined ? { requestId } : {}) };
};

export function readCreateChain(m: CreateChainRequest__Output): CreateChainCall {
  const r = new ProtoReader();
  const chainId = chainIdFromProto(r, 'chain_id', m.chainId);
  const input = readChainInput(r, m.chain, 'chain', false);
  const options = mutation(r, m);
  const checked = checkChain(r, input);
  r.throwIfAny('invalid CreateChain request');
  return { chainId, chain: checked, ...options }; // a new chain has no version to compare: its etag is ignored
}

export function readApplyChain(m: ApplyChainRequest__Output): ApplyChainCall {
  const r = new ProtoReader();
  const input = readChainInput(r, m.chain, 'chain', true);
  const options = mutation(r, m);
  const checked = checkChain(r, input);
  r.throwIfAny('invalid ApplyChain request');
  return { chain: { name: input.name ?? '', ...checked, ...(input.etag ? { etag: input.etag } : {}) }, ...options };
}

export interface UpdateChainRequestRead {
  readonly call: UpdateChainCall;
  /**
   * Applies the patch to the current chain (undefined: it is missing, and allow_missing creates
   * it) and checks the result; throws INVALID_ARGUMENT with every violation of the request, or
   * NOT_FOUND for a missing chain without allow_missing.
   */
  patched(current: Chain | undefined): CheckedChain;
}

/** Throws at once only when the chain's name is unusable (nothing to read the current chain by). */
export function readUpdateChain(m: UpdateChainRequest__Output): UpdateChainRequestRead {
  const r = new ProtoReader();
  const paths = updateMaskFromProto(r, 'update_mask', m.updateMask);
  const chain = r.message('chain', m.chain);
  const name = chain ? chainIdFromName(r, 'chain.name', chain.name) : '';
  const patch = chain ? readChainPatch(r, chain, 'chain', paths) : { paths, spec: {} };
  const call: UpdateChainCall = { name, ...(chain?.etag ? { etag: chain.etag } : {}), patch, allowMissing: m.allowMissing, ...mutation(r, m) };
  if (name === '') r.throwIfAny('invalid UpdateChain request');
  return {
    call,
    patched(current) {
      if (!current && !m.allowMissing) {
        r.throwIfAny('invalid UpdateChain request'); // a bad request is that first, whether the chain exists or not
        throw new NotFoundError(`chain '${name}' does not exist`, 'CHAIN_NOT_FOUND');
      }
      let merged: CheckedChain | undefined;
      try {
        merged = applyChainPatch(current, patch);
      } catch (err) {
        if (!(err instanceof InvalidArgumentError)) throw err;
        for (const v of err.violations) r.add(v.field, v.description);
      }
      const checked = merged ? checkChain(r, merged) : undefined;
      r.throwIfAny('invalid UpdateChain request');
      return checked!;
    },
  };
}
