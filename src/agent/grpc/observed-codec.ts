/**
 * ObservedState ↔ srv6sfc.agent.v1.ObservedState: owned routes, nexthops and rules in a compact
 * message form (src/dataplane/seg6 types field by field), instances, and counters as exact uint64.
 * Fields whose zero is meaningful (metric 0, fwmark 0, protocol 0) use proto3 `optional`, so what
 * the agent read from the kernel arrives unchanged.
 */
import { EnumTable } from '../../common/grpc/enum-table.js';
import { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { Nexthop } from '../../dataplane/seg6/nexthop.js';
import type { Route, RouteType } from '../../dataplane/seg6/route.js';
import type { Rule } from '../../dataplane/seg6/rule.js';
import type { Seg6Encap, Seg6Mode } from '../../dataplane/seg6/seg6-encap.js';
import type { Seg6LocalEncap } from '../../dataplane/seg6/seg6local.js';
import type { InstanceStatus__Output } from '../../gen/srv6sfc/agent/v1/InstanceStatus.js';
import type { Nexthop as NexthopMsg, Nexthop__Output } from '../../gen/srv6sfc/agent/v1/Nexthop.js';
import type { ObservedState as ObservedMsg, ObservedState__Output } from '../../gen/srv6sfc/agent/v1/ObservedState.js';
import type { PortRange__Output } from '../../gen/srv6sfc/agent/v1/PortRange.js';
import type { Route as RouteMsg, Route__Output } from '../../gen/srv6sfc/agent/v1/Route.js';
import type { Rule as RuleMsg, Rule__Output } from '../../gen/srv6sfc/agent/v1/Rule.js';
import type { Seg6Encap as Seg6EncapMsg, Seg6Encap__Output } from '../../gen/srv6sfc/agent/v1/Seg6Encap.js';
import type { Seg6LocalEncap as Seg6LocalMsg, Seg6LocalEncap__Output } from '../../gen/srv6sfc/agent/v1/Seg6LocalEncap.js';
import type { InstanceStatus } from '../runtimes/runtime.js';
import type { ObservedState } from '../reconcile/types.js';
import { ADDRESS_FAMILY } from './address-family.js';
import { behaviorFromProto, behaviorToProto } from './behavior-codec.js';
import { instanceFromProto, instanceToProto } from './instance-codec.js';

const SEG6_MODE = new EnumTable({
  inline: 'SEG6_MODE_INLINE',
  encap: 'SEG6_MODE_ENCAP',
  l2encap: 'SEG6_MODE_L2ENCAP',
  'encap.red': 'SEG6_MODE_ENCAP_RED',
  'l2encap.red': 'SEG6_MODE_L2ENCAP_RED',
} as const satisfies Record<Seg6Mode, string>);

const ROUTE_TYPE = new EnumTable({
  unicast: 'ROUTE_TYPE_UNICAST',
  blackhole: 'ROUTE_TYPE_BLACKHOLE',
  unreachable: 'ROUTE_TYPE_UNREACHABLE',
  prohibit: 'ROUTE_TYPE_PROHIBIT',
  local: 'ROUTE_TYPE_LOCAL',
} as const satisfies Record<RouteType, string>);

const INSTANCE_STATE = new EnumTable({ running: 'INSTANCE_STATE_RUNNING', exited: 'INSTANCE_STATE_EXITED' } as const satisfies Record<
  InstanceStatus['state'],
  string
>);

/** `optional` proto fields: present exactly when the domain field is. */
const opt = <K extends string>(key: K, v: number | undefined): { [k in K]?: number } => (v !== undefined ? ({ [key]: v } as { [k in K]: number }) : {});

const seg6ToProto = (e: Seg6Encap): Seg6EncapMsg => ({ mode: SEG6_MODE.toProto(e.mode), segments: [...e.segments], tag: e.tag ?? 0, hmacKeyId: e.hmacKeyId ?? 0 });

const seg6LocalToProto = (e: Seg6LocalEncap): Seg6LocalMsg => ({
  behavior: behaviorToProto(e.behavior),
  count: e.count ?? false,
  counters: e.counters ? { packets: e.counters.packets.toString(), bytes: e.counters.bytes.toString(), errors: e.counters.errors.toString() } : null,
});

const routeToProto = (r: Route): RouteMsg => ({
  family: ADDRESS_FAMILY.toProto(r.family),
  dst: r.dst,
  ...opt('table', r.table),
  ...opt('protocol', r.protocol),
  ...opt('metric', r.metric),
  type: r.type ? ROUTE_TYPE.toProto(r.type) : 'ROUTE_TYPE_UNSPECIFIED',
  nhid: r.nhid ?? 0,
  dev: r.dev ?? '',
  via: r.via ?? '',
  ...(r.encap?.type === 'seg6' ? { seg6: seg6ToProto(r.encap) } : {}),
  ...(r.encap?.type === 'seg6local' ? { seg6local: seg6LocalToProto(r.encap) } : {}),
});

const nexthopToProto = (n: Nexthop): NexthopMsg => ({
  id: n.id,
  family: ADDRESS_FAMILY.toProto(n.family),
  dev: n.dev ?? '',
  gateway: n.gateway ?? '',
  encap: n.encap ? seg6ToProto(n.encap) : null,
  blackhole: n.blackhole ?? false,
  ...opt('protocol', n.protocol),
});

const ruleToProto = (r: Rule): RuleMsg => ({
  family: ADDRESS_FAMILY.toProto(r.family),
  priority: r.priority,
  table: r.table,
  iif: r.iif ?? '',
  oif: r.oif ?? '',
  src: r.src ?? '',
  dst: r.dst ?? '',
  ...opt('ipproto', r.ipproto),
  sport: r.sport ? { ...r.sport } : null,
  dport: r.dport ? { ...r.dport } : null,
  ...opt('fwmark', r.fwmark),
  ...opt('fwmask', r.fwmask),
  ...opt('protocol', r.protocol),
});

export function observedToProto(o: ObservedState): ObservedMsg {
  return {
    generation: String(o.generation),
    routes: o.routes.map(routeToProto),
    nexthops: o.nexthops.map(nexthopToProto),
    rules: o.rules.map(ruleToProto),
    instances: o.instances.map((i) => ({
      id: i.id,
      spec: instanceToProto(i.spec),
      attachment: { ...i.attachment },
      state: INSTANCE_STATE.toProto(i.state),
      reason: i.reason ?? '',
    })),
    tunnelSource: o.tunnelSource,
  };
}

/** Decodes a GetObservedResponse's state; throws InvalidArgumentError naming malformed fields. */
export function observedFromProto(m: ObservedState__Output | null | undefined, path = 'observed'): ObservedState {
  const r = new ProtoReader();
  const o = r.message(path, m);
  const state: ObservedState = {
    generation: r.safeInteger(`${path}.generation`, o?.generation ?? 0),
    routes: (o?.routes ?? []).map((x, i) => readRoute(r, x, `${path}.routes[${i}]`)),
    nexthops: (o?.nexthops ?? []).map((x, i) => readNexthop(r, x, `${path}.nexthops[${i}]`)),
    rules: (o?.rules ?? []).map((x, i) => readRule(r, x, `${path}.rules[${i}]`)),
    instances: (o?.instances ?? []).map((x, i) => readInstance(r, x, `${path}.instances[${i}]`)),
    tunnelSource: o?.tunnelSource ?? '',
  };
  r.throwIfAny('malformed observed state');
  return state;
}

const family = (r: ProtoReader, path: string, v: string | number) => r.enumValue(path, v, ADDRESS_FAMILY.fromProto) ?? 6;
const range = (p: PortRange__Output | null) => (p ? { start: p.start, end: p.end } : undefined);

function readSeg6(r: ProtoReader, m: Seg6Encap__Output, path: string): Seg6Encap {
  return {
    type: 'seg6',
    mode: r.enumValue(`${path}.mode`, m.mode, SEG6_MODE.fromProto) ?? 'encap',
    segments: r.strings(`${path}.segments`, m.segments),
    ...(m.tag ? { tag: m.tag } : {}),
    ...(m.hmacKeyId ? { hmacKeyId: m.hmacKeyId } : {}),
  };
}

function readSeg6Local(r: ProtoReader, m: Seg6LocalEncap__Output, path: string): Seg6LocalEncap {
  const b = r.message(`${path}.behavior`, m.behavior);
  const c = m.counters;
  return {
    type: 'seg6local',
    behavior: b ? behaviorFromProto(r, b, `${path}.behavior`) : { action: 'End' },
    ...(m.count ? { count: true } : {}),
    ...(c
      ? { counters: { packets: r.bigint(`${path}.counters.packets`, c.packets), bytes: r.bigint(`${path}.counters.bytes`, c.bytes), errors: r.bigint(`${path}.counters.errors`, c.errors) } }
      : {}),
  };
}

function readRoute(r: ProtoReader, m: Route__Output, path: string): Route {
  const type = r.optionalEnum(`${path}.type`, m.type, ROUTE_TYPE.fromProto);
  return {
    family: family(r, `${path}.family`, m.family),
    dst: r.required(`${path}.dst`, m.dst),
    ...opt('table', m.table),
    ...opt('protocol', m.protocol),
    ...opt('metric', m.metric),
    ...(type ? { type } : {}),
    ...(m.nhid ? { nhid: m.nhid } : {}),
    ...(m.dev ? { dev: m.dev } : {}),
    ...(m.via ? { via: m.via } : {}),
    ...(m.encap === 'seg6' && m.seg6 ? { encap: readSeg6(r, m.seg6, `${path}.seg6`) } : {}),
    ...(m.encap === 'seg6local' && m.seg6local ? { encap: readSeg6Local(r, m.seg6local, `${path}.seg6local`) } : {}),
  };
}

function readNexthop(r: ProtoReader, m: Nexthop__Output, path: string): Nexthop {
  return {
    id: m.id,
    family: family(r, `${path}.family`, m.family),
    ...(m.dev ? { dev: m.dev } : {}),
    ...(m.gateway ? { gateway: m.gateway } : {}),
    ...(m.encap ? { encap: readSeg6(r, m.encap, `${path}.encap`) } : {}),
    ...(m.blackhole ? { blackhole: true } : {}),
    ...opt('protocol', m.protocol),
  };
}

function readRule(r: ProtoReader, m: Rule__Output, path: string): Rule {
  const sport = range(m.sport);
  const dport = range(m.dport);
  return {
    family: family(r, `${path}.family`, m.family),
    priority: m.priority,
    table: m.table,
    ...(m.iif ? { iif: m.iif } : {}),
    ...(m.oif ? { oif: m.oif } : {}),
    ...(m.src ? { src: m.src } : {}),
    ...(m.dst ? { dst: m.dst } : {}),
    ...opt('ipproto', m.ipproto),
    ...(sport ? { sport } : {}),
    ...(dport ? { dport } : {}),
    ...opt('fwmark', m.fwmark),
    ...opt('fwmask', m.fwmask),
    ...opt('protocol', m.protocol),
  };
}

function readInstance(r: ProtoReader, m: InstanceStatus__Output, path: string): InstanceStatus {
  const spec = r.message(`${path}.spec`, m.spec);
  const a = r.message(`${path}.attachment`, m.attachment);
  return {
    id: r.required(`${path}.id`, m.id),
    spec: spec ? instanceFromProto(r, spec, `${path}.spec`) : { id: m.id, function: { type: 'monitor' }, slot: 0, legs: 1, sids: {} },
    attachment: { inDev: a?.inDev ?? '', outDev: a?.outDev ?? '', in4: a?.in4 ?? '', in6: a?.in6 ?? '' },
    state: r.enumValue(`${path}.state`, m.state, INSTANCE_STATE.fromProto) ?? 'exited',
    ...(m.reason ? { reason: m.reason } : {}),
  };
}
