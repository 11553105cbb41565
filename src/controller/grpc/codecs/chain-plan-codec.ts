/**
 * DryRunPlan ↔ srv6sfc.v1.ChainPlan: what a dry run (`validate_only`) of a chain mutation would
 * do — per node, the agent's operation counts (from its own ApplyIntent dry run), the instances
 * placed there and the chain's SIDs, each marked create / keep / delete; and the segment lists.
 * These report types are defined here, at the API edge (named DryRun* to keep them apart from
 * planning's internal ChainPlan); the service builds them from planning's output, the previous
 * allocations and the agents' own dry runs.
 */
import type { OpCounts } from '../../../agent/reconcile/types.js';
import { EnumTable } from '../../../common/grpc/enum-table.js';
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import { ACTION_NUMBER, type Seg6LocalAction } from '../../../dataplane/seg6/seg6local.js';
import type { ChainPlan as PlanMsg, ChainPlan__Output } from '../../../gen/srv6sfc/v1/ChainPlan.js';
import type { NodePlan as NodePlanMsg, NodePlan__Output } from '../../../gen/srv6sfc/v1/NodePlan.js';
import type { OperationCounts__Output } from '../../../gen/srv6sfc/v1/OperationCounts.js';
import { decode } from './decode.js';
import { nodeIdFromName, nodeName } from './resource-name.js';
import { type InstanceSids, type SegmentLists, segmentsFromProto, segmentsToProto, sidsFromProto, sidsToProto } from './sids-codec.js';
import { INSTANCE_PROXY } from './chain-status-codec.js';
import type { EffectiveProxyMode } from '../../../model/chain.js';

export type PlanAction = 'create' | 'keep' | 'delete';

export interface DryRunInstance {
  /** The function's name in the chain. */
  readonly function: string;
  /** The agent's instance id. */
  readonly id: string;
  readonly sids: InstanceSids;
  /** The SR proxy chosen for it; absent for an instance the change deletes. */
  readonly proxy?: EffectiveProxyMode;
  readonly action: PlanAction;
}

export interface DryRunSid {
  readonly sid: string;
  readonly behavior: Seg6LocalAction;
  /** The function whose instance the SID reaches; absent for the egress's decapsulation SIDs. */
  readonly function?: string;
  readonly action: PlanAction;
}

export interface DryRunNode {
  /** Node id (`edge1`). */
  readonly node: string;
  /** What the node's agent would do (its ApplyIntent dry run). */
  readonly ops: OpCounts;
  readonly instances: readonly DryRunInstance[];
  readonly sids: readonly DryRunSid[];
}

export interface DryRunPlan {
  /** In node-name order. */
  readonly nodes: readonly DryRunNode[];
  /** The segment lists the ingress would program, per family, in travel order. */
  readonly segments: SegmentLists;
}

const ACTION = new EnumTable({ create: 'PLAN_ACTION_CREATE', keep: 'PLAN_ACTION_KEEP', delete: 'PLAN_ACTION_DELETE' } as const satisfies Record<
  PlanAction,
  string
>);

const nodePlanToProto = (n: DryRunNode): NodePlanMsg => ({
  node: nodeName(n.node),
  operations: { ...n.ops },
  instances: n.instances.map((i) => ({
    function: i.function,
    instanceId: i.id,
    sids: sidsToProto(i.sids),
    action: ACTION.toProto(i.action),
    proxy: i.proxy ? INSTANCE_PROXY.toProto(i.proxy) : 'PROXY_MODE_UNSPECIFIED',
  })),
  sids: n.sids.map((s) => ({ sid: s.sid, behavior: s.behavior, function: s.function ?? '', action: ACTION.toProto(s.action) })),
});

export const planToProto = (p: DryRunPlan): PlanMsg => ({ nodes: p.nodes.map(nodePlanToProto), segments: segmentsToProto(p.segments) });

const opsFromProto = (m: OperationCounts__Output | null): OpCounts => ({
  created: m?.created ?? 0,
  replaced: m?.replaced ?? 0,
  deleted: m?.deleted ?? 0,
  unchanged: m?.unchanged ?? 0,
});

function behaviorFromProto(r: ProtoReader, path: string, name: string): Seg6LocalAction {
  if (!Object.hasOwn(ACTION_NUMBER, name)) r.add(path, `unknown seg6local behaviour ${JSON.stringify(name)} (one of ${Object.keys(ACTION_NUMBER).join(', ')})`);
  return name as Seg6LocalAction;
}

function nodePlanFromProto(r: ProtoReader, m: NodePlan__Output, path: string): DryRunNode {
  return {
    node: nodeIdFromName(r, `${path}.node`, m.node) ?? '',
    ops: opsFromProto(m.operations),
    instances: m.instances.map((i, n) => {
      const proxy = r.optionalEnum(`${path}.instances[${n}].proxy`, i.proxy, INSTANCE_PROXY.fromProto);
      return {
        function: r.required(`${path}.instances[${n}].function`, i.function),
        id: r.required(`${path}.instances[${n}].instance_id`, i.instanceId),
        sids: sidsFromProto(i.sids),
        ...(proxy ? { proxy } : {}),
        action: r.enumValue(`${path}.instances[${n}].action`, i.action, ACTION.fromProto) ?? 'keep',
      };
    }),
    sids: m.sids.map((s, n) => ({
      sid: r.required(`${path}.sids[${n}].sid`, s.sid),
      behavior: behaviorFromProto(r, `${path}.sids[${n}].behavior`, s.behavior),
      ...(s.function ? { function: s.function } : {}),
      action: r.enumValue(`${path}.sids[${n}].action`, s.action, ACTION.fromProto) ?? 'keep',
    })),
  };
}

/** A plan inside a reader's larger message; absent = undefined (not a dry run). */
export function readPlan(r: ProtoReader, m: ChainPlan__Output | null, path: string): DryRunPlan | undefined {
  if (!m) return undefined;
  return { nodes: m.nodes.map((n, i) => nodePlanFromProto(r, n, `${path}.nodes[${i}]`)), segments: segmentsFromProto(r, m.segments, `${path}.segments`) };
}

/** Decodes a plan; throws InvalidArgumentError naming malformed fields. */
export const planFromProto = (m: ChainPlan__Output, path = 'plan'): DryRunPlan =>
  decode('malformed plan', (r) => readPlan(r, m, path) ?? { nodes: [], segments: {} });
