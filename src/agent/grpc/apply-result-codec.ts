/**
 * ApplyResult ↔ srv6sfc.agent.v1.ApplyIntentResponse. Item field paths travel in proto names
 * relative to the request (`intent.edge_chains[2].classifiers[0].dst`), like BadRequest field
 * violations; the domain writes them relative to the intent in camelCase.
 */
import { EnumTable } from '../../common/grpc/enum-table.js';
import { camelFieldPath, protoFieldPath } from '../../common/grpc/field-path.js';
import { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { ApplyIntentResponse as ResponseMsg, ApplyIntentResponse__Output } from '../../gen/srv6sfc/agent/v1/ApplyIntentResponse.js';
import type { OpCounts__Output } from '../../gen/srv6sfc/agent/v1/OpCounts.js';
import type { ApplyResult, ItemKind, OpCounts } from '../reconcile/types.js';

const ITEM_KIND = new EnumTable({
  edgeChain: 'ITEM_KIND_EDGE_CHAIN',
  localSid: 'ITEM_KIND_LOCAL_SID',
  instance: 'ITEM_KIND_INSTANCE',
  proxy: 'ITEM_KIND_PROXY',
  edge: 'ITEM_KIND_EDGE',
  tunnelSource: 'ITEM_KIND_TUNNEL_SOURCE',
} as const satisfies Record<ItemKind, string>);

const INTENT = 'intent.';

export function applyResultToProto(a: ApplyResult): ResponseMsg {
  return {
    generation: String(a.generation),
    items: a.items.map((i) => ({
      kind: ITEM_KIND.toProto(i.kind),
      key: i.key,
      ok: i.ok,
      reason: i.reason ?? '',
      message: i.message ?? '',
      field: i.field ? INTENT + protoFieldPath(i.field) : '',
    })),
    ops: { ...a.ops },
  };
}

export const opCountsFromProto = (m: OpCounts__Output | null): OpCounts => ({
  created: m?.created ?? 0,
  replaced: m?.replaced ?? 0,
  deleted: m?.deleted ?? 0,
  unchanged: m?.unchanged ?? 0,
});

/** Decodes an ApplyIntentResponse; throws InvalidArgumentError naming malformed fields. */
export function applyResultFromProto(m: ApplyIntentResponse__Output): ApplyResult {
  const r = new ProtoReader();
  const result: ApplyResult = {
    generation: r.safeInteger('generation', m.generation),
    items: m.items.map((i, n) => ({
      kind: r.enumValue(`items[${n}].kind`, i.kind, ITEM_KIND.fromProto) ?? 'edgeChain',
      key: i.key,
      ok: i.ok,
      ...(i.reason ? { reason: i.reason } : {}),
      ...(i.message ? { message: i.message } : {}),
      ...(i.field ? { field: camelFieldPath(i.field.startsWith(INTENT) ? i.field.slice(INTENT.length) : i.field) } : {}),
    })),
    ops: opCountsFromProto(m.ops),
  };
  r.throwIfAny('malformed apply result');
  return result;
}
