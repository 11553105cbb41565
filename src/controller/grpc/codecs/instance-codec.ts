/**
 * ChainInstance ↔ srv6sfc.v1.Instance (`chains/{chain}/instances/{function}`), and the
 * InstanceService requests and responses. The instance view is defined here, at the API edge: the
 * chain's status references (InstanceRef) plus what the agents report (state, counters).
 * Counters are uint64 on the wire and exact bigints in the domain.
 */
import { EnumTable } from '../../../common/grpc/enum-table.js';
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import { decode } from './decode.js';
import type { GetInstanceRequest__Output } from '../../../gen/srv6sfc/v1/GetInstanceRequest.js';
import type { Instance as InstanceMsg, Instance__Output } from '../../../gen/srv6sfc/v1/Instance.js';
import type { InstanceCounters__Output } from '../../../gen/srv6sfc/v1/InstanceCounters.js';
import type { ListInstancesRequest, ListInstancesRequest__Output } from '../../../gen/srv6sfc/v1/ListInstancesRequest.js';
import type { ListInstancesResponse, ListInstancesResponse__Output } from '../../../gen/srv6sfc/v1/ListInstancesResponse.js';
import { type PageRequest, pageRequestFromProto } from './page-token.js';
import { ALL_CHAINS, chainName, chainParentFromProto, instanceIdsFromName, instanceName, nodeIdFromName, nodeName } from './resource-name.js';
import { type InstanceSids, sidsFromProto, sidsToProto } from './sids-codec.js';

export type InstanceState = 'pending' | 'running' | 'exited';

export interface InstanceCounters {
  readonly packets: bigint;
  readonly bytes: bigint;
  readonly errors: bigint;
}

/** One function instance of one chain. */
export interface ChainInstance {
  /** Chain id. */
  readonly chain: string;
  /** The function's name in the chain. */
  readonly function: string;
  /** Node id hosting it. */
  readonly node: string;
  /** The agent's instance id on that node. */
  readonly id: string;
  readonly sids: InstanceSids;
  readonly state: InstanceState;
  /** Why, when not running. */
  readonly reason?: string;
  /** Its SIDs' counters, when the agent has reported any. */
  readonly counters?: InstanceCounters;
}

const STATE = new EnumTable({ pending: 'STATE_PENDING', running: 'STATE_RUNNING', exited: 'STATE_EXITED' } as const satisfies Record<InstanceState, string>);

export const instanceToProto = (i: ChainInstance): InstanceMsg => ({
  name: instanceName(i.chain, i.function),
  node: nodeName(i.node),
  instanceId: i.id,
  sids: sidsToProto(i.sids),
  state: STATE.toProto(i.state),
  reason: i.reason ?? '',
  counters: i.counters ? { packets: i.counters.packets.toString(), bytes: i.counters.bytes.toString(), errors: i.counters.errors.toString() } : null,
});

const countersFromProto = (r: ProtoReader, m: InstanceCounters__Output, path: string): InstanceCounters => ({
  packets: r.bigint(`${path}.packets`, m.packets),
  bytes: r.bigint(`${path}.bytes`, m.bytes),
  errors: r.bigint(`${path}.errors`, m.errors),
});

function readInstance(r: ProtoReader, m: Instance__Output | null, path: string): ChainInstance {
  const i = r.message(path, m);
  if (!i) return { chain: '', function: '', node: '', id: '', sids: {}, state: 'pending' };
  return {
    ...instanceIdsFromName(r, `${path}.name`, i.name),
    node: nodeIdFromName(r, `${path}.node`, i.node) ?? '',
    id: r.required(`${path}.instance_id`, i.instanceId),
    sids: sidsFromProto(i.sids),
    state: r.enumValue(`${path}.state`, i.state, STATE.fromProto) ?? 'pending',
    ...(i.reason ? { reason: i.reason } : {}),
    ...(i.counters ? { counters: countersFromProto(r, i.counters, `${path}.counters`) } : {}),
  };
}

/** Decodes an instance as the controller serves it (GetInstanceResponse.instance, ...). */
export const instanceFromProto = (m: Instance__Output | null | undefined, path = 'instance'): ChainInstance =>
  decode('malformed instance', (r) => readInstance(r, m ?? null, path));

export const getInstanceFromProto = (m: GetInstanceRequest__Output): { chain: string; function: string } =>
  decode('invalid GetInstance request', (r) => instanceIdsFromName(r, 'name', m.name));

export interface ListInstancesCall {
  /** A chain id, or ALL_CHAINS (`-`) for every chain. */
  readonly chain: string;
  readonly page: PageRequest;
}

/** The query a ListInstances page token is bound to. */
export const instancesQuery = (chain: string): string => `parent=${chainName(chain)}`;

export const listInstancesFromProto = (m: ListInstancesRequest__Output): ListInstancesCall =>
  decode('invalid ListInstances request', (r) => {
    const chain = chainParentFromProto(r, 'parent', m.parent);
    return { chain, page: pageRequestFromProto(r, m, instancesQuery(chain)) };
  });

export const listInstancesToProto = (c: { chain?: string; pageSize?: number; pageToken?: string }): ListInstancesRequest => ({
  parent: chainName(c.chain ?? ALL_CHAINS),
  pageSize: c.pageSize ?? 0,
  pageToken: c.pageToken ?? '',
});

export const listInstancesResultToProto = (res: { readonly instances: readonly ChainInstance[]; readonly nextPageToken: string }): ListInstancesResponse => ({
  instances: res.instances.map(instanceToProto),
  nextPageToken: res.nextPageToken,
});

export const listInstancesResultFromProto = (m: ListInstancesResponse__Output): { instances: ChainInstance[]; nextPageToken: string } =>
  decode('malformed ListInstances response', (r) => ({
    instances: m.instances.map((i, n) => readInstance(r, i, `instances[${n}]`)),
    nextPageToken: m.nextPageToken,
  }));
