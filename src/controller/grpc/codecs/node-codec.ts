/**
 * NodeRecord ↔ srv6sfc.v1.Node, and the NodeService requests and responses. `name` is
 * `nodes/{node}` on the wire and the id in the domain; `lastHeartbeat` is `heartbeat_time`.
 * RegisterNode carries what the agent knows; `state` and the times are the controller's.
 */
import { EnumTable } from '../../../common/grpc/enum-table.js';
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import { decode } from './decode.js';
import type { GetNodeRequest__Output } from '../../../gen/srv6sfc/v1/GetNodeRequest.js';
import type { HeartbeatRequest__Output } from '../../../gen/srv6sfc/v1/HeartbeatRequest.js';
import type { ListNodesRequest, ListNodesRequest__Output } from '../../../gen/srv6sfc/v1/ListNodesRequest.js';
import type { ListNodesResponse, ListNodesResponse__Output } from '../../../gen/srv6sfc/v1/ListNodesResponse.js';
import type { Node as NodeMsg, Node__Output } from '../../../gen/srv6sfc/v1/Node.js';
import type { RegisterNodeRequest, RegisterNodeRequest__Output } from '../../../gen/srv6sfc/v1/RegisterNodeRequest.js';
import type { NodeRecord } from '../../../model/node.js';
import { type LabelFilter, formatLabelFilter, labelFilterFromProto } from './label-filter.js';
import { featuresFromProto, featuresToProto } from './node-features.js';
import { type PageRequest, pageRequestFromProto } from './page-token.js';
import { nodeIdFromName, nodeName } from './resource-name.js';
import { optionalTimestampToProto, timestampFromProto, timestampToProto } from './timestamp.js';

/** What a node registers: everything but what the controller observes. */
export type NodeRegistration = Omit<NodeRecord, 'state' | 'lastHeartbeat'>;

const STATE = new EnumTable({ READY: 'STATE_READY', UNREACHABLE: 'STATE_UNREACHABLE' } as const satisfies Record<NodeRecord['state'], string>);

function registrationToProto(n: NodeRegistration): NodeMsg {
  return {
    name: nodeName(n.name),
    address: n.address,
    locator: n.locator,
    features: featuresToProto(n.features),
    runtimes: [...n.runtimes],
    labels: { ...n.labels },
    interfaces: [...n.interfaces],
    coreInterface: n.coreInterface ?? '',
    ...(n.capacity !== undefined ? { capacity: n.capacity } : {}),
  };
}

/** The resource as the controller serves it; `registerTime` when it keeps one. */
export const nodeToProto = (n: NodeRecord, registerTime?: string): NodeMsg => ({
  ...registrationToProto(n),
  state: STATE.toProto(n.state),
  heartbeatTime: timestampToProto(n.lastHeartbeat),
  registerTime: optionalTimestampToProto(registerTime),
});

function readRegistration(r: ProtoReader, m: Node__Output, path: string): NodeRegistration {
  return {
    name: nodeIdFromName(r, `${path}.name`, m.name) ?? '',
    address: m.address,
    locator: m.locator,
    labels: { ...m.labels },
    features: featuresFromProto(m.features),
    runtimes: r.strings(`${path}.runtimes`, m.runtimes),
    interfaces: r.strings(`${path}.interfaces`, m.interfaces),
    ...(m.coreInterface ? { coreInterface: m.coreInterface } : {}),
    ...(m.capacity !== undefined ? { capacity: m.capacity } : {}),
  };
}

/** Stands in for a missing node (the violation is recorded; the value is never used). */
const MISSING: NodeRecord = { name: '', address: '', locator: '', labels: {}, features: featuresFromProto([]), runtimes: [], interfaces: [], state: 'UNREACHABLE', lastHeartbeat: '' };

function readNode(r: ProtoReader, m: Node__Output | null, path: string): NodeRecord {
  const n = r.message(path, m);
  if (!n) return MISSING;
  return {
    ...readRegistration(r, n, path),
    state: r.enumValue(`${path}.state`, n.state, STATE.fromProto) ?? 'UNREACHABLE',
    lastHeartbeat: timestampFromProto(r, `${path}.heartbeat_time`, n.heartbeatTime) ?? '',
  };
}

/** Decodes a node as the controller serves it (GetNodeResponse.node, ...). */
export const nodeFromProto = (m: Node__Output | null | undefined, path = 'node'): NodeRecord => decode('malformed node', (r) => readNode(r, m ?? null, path));

export interface RegisterNodeCall {
  readonly node: NodeRegistration;
  readonly validateOnly: boolean;
}

export const registerNodeToProto = (c: { node: NodeRegistration; validateOnly?: boolean }): RegisterNodeRequest => ({
  node: registrationToProto(c.node),
  validateOnly: c.validateOnly ?? false,
});

/** RegisterNode's request; output-only fields of the node are ignored. */
export const registerNodeFromProto = (m: RegisterNodeRequest__Output): RegisterNodeCall =>
  decode('invalid RegisterNode request', (r) => {
    const n = r.message('node', m.node);
    const { state: _state, lastHeartbeat: _heartbeat, ...missing } = MISSING;
    return { node: n ? readRegistration(r, n, 'node') : missing, validateOnly: m.validateOnly };
  });

/** Heartbeat's and GetNode's request: the node id. */
export const nodeNameFromProto = (m: HeartbeatRequest__Output | GetNodeRequest__Output, what: string): string =>
  decode(`invalid ${what} request`, (r) => nodeIdFromName(r, 'name', m.name) ?? '');

export interface ListNodesCall {
  readonly page: PageRequest;
  readonly filter: LabelFilter;
}

/** The query a ListNodes page token is bound to. */
export const nodesQuery = (filter: LabelFilter): string => `filter=${formatLabelFilter(filter)}`;

export const listNodesFromProto = (m: ListNodesRequest__Output): ListNodesCall =>
  decode('invalid ListNodes request', (r) => {
    const filter = labelFilterFromProto(r, 'filter', m.filter);
    return { page: pageRequestFromProto(r, m, nodesQuery(filter)), filter };
  });

export const listNodesToProto = (c: { pageSize?: number; pageToken?: string; filter?: LabelFilter }): ListNodesRequest => ({
  pageSize: c.pageSize ?? 0,
  pageToken: c.pageToken ?? '',
  filter: formatLabelFilter(c.filter ?? []),
});

export const listNodesResultToProto = (res: { readonly nodes: readonly NodeRecord[]; readonly nextPageToken: string }): ListNodesResponse => ({
  nodes: res.nodes.map((n) => nodeToProto(n)),
  nextPageToken: res.nextPageToken,
});

export const listNodesResultFromProto = (m: ListNodesResponse__Output): { nodes: NodeRecord[]; nextPageToken: string } =>
  decode('malformed ListNodes response', (r) => ({ nodes: m.nodes.map((n, i) => readNode(r, n, `nodes[${i}]`)), nextPageToken: m.nextPageToken }));
