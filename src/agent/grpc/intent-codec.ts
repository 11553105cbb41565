/**
 * NodeIntent ↔ srv6sfc.agent.v1.NodeIntent, field by field (proto/srv6sfc/agent/v1/node_intent.proto).
 *
 * Decoding checks shape only and reports every malformed field with its proto path
 * (`intent.edge_chains[2].segments[0]: is required`) as one InvalidArgumentError; whether
 * addresses parse or SIDs sit in the locator is for the reconciler, which rejects such items one
 * by one while the rest of the intent applies.
 *
 * Zero values mean absent where the domain has an optional field ("" tunnel source, mss_clamp 0,
 * unspecified mode), and an empty repeated field decodes as an absent optional list; both sides
 * mean the same thing, so encode → decode returns an equal intent.
 */
import { EnumTable } from '../../common/grpc/enum-table.js';
import { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { Classifier__Output } from '../../gen/srv6sfc/agent/v1/Classifier.js';
import type { EdgeChain__Output } from '../../gen/srv6sfc/agent/v1/EdgeChain.js';
import type { EdgeSettings__Output } from '../../gen/srv6sfc/agent/v1/EdgeSettings.js';
import type { LocalSid__Output } from '../../gen/srv6sfc/agent/v1/LocalSid.js';
import type { NodeIntent as IntentMsg, NodeIntent__Output } from '../../gen/srv6sfc/agent/v1/NodeIntent.js';
import type { PortRange__Output } from '../../gen/srv6sfc/agent/v1/PortRange.js';
import type { ProxySpec__Output } from '../../gen/srv6sfc/agent/v1/ProxySpec.js';
import type { ReverseLists__Output } from '../../gen/srv6sfc/agent/v1/ReverseLists.js';
import type { Classifier, EdgeChain, EdgeSettings, LocalSid, NodeIntent, ProxySpec, ReverseLists } from '../intent/node-intent.js';
import { ADDRESS_FAMILY } from './address-family.js';
import { behaviorFromProto, behaviorToProto } from './behavior-codec.js';
import { instanceFromProto, instanceToProto } from './instance-codec.js';

/** The two modes an edge chain may use (EdgeChain.mode). */
const EDGE_MODE = new EnumTable({ encap: 'SEG6_MODE_ENCAP', 'encap.red': 'SEG6_MODE_ENCAP_RED' } as const satisfies Record<NonNullable<EdgeChain['mode']>, string>);
/** EdgeChain.direction; unspecified = absent = forward. */
const EDGE_DIRECTION = new EnumTable({ forward: 'EDGE_CHAIN_DIRECTION_FORWARD', return: 'EDGE_CHAIN_DIRECTION_RETURN' } as const satisfies Record<NonNullable<EdgeChain['direction']>, string>);

/** ProxySpec.mode; unspecified = absent = static. */
const PROXY_MODE = new EnumTable({ static: 'PROXY_MODE_STATIC', dynamic: 'PROXY_MODE_DYNAMIC' } as const satisfies Record<NonNullable<ProxySpec['mode']>, string>);

export function intentToProto(i: NodeIntent): IntentMsg {
  return {
    generation: String(i.generation),
    tunnelSource: i.tunnelSource ?? '',
    edge: i.edge ? { customerInterfaces: [...i.edge.customerInterfaces], mssClamp: i.edge.mssClamp ?? 0, sidSpace: [...(i.edge.sidSpace ?? [])] } : null,
    edgeChains: (i.edgeChains ?? []).map((c) => ({
      chain: c.chain,
      id: c.id,
      dev: c.dev,
      segments: [...c.segments],
      segmentsIpv6: [...(c.segmentsIpv6 ?? [])],
      mode: c.mode ? EDGE_MODE.toProto(c.mode) : 'SEG6_MODE_UNSPECIFIED',
      direction: c.direction ? EDGE_DIRECTION.toProto(c.direction) : 'EDGE_CHAIN_DIRECTION_UNSPECIFIED',
      classifiers: c.classifiers.map((k) => ({
        dst: k.dst,
        src: k.src ?? '',
        protocol: k.protocol ?? 0,
        srcPorts: k.srcPorts ? { ...k.srcPorts } : null,
        dstPorts: k.dstPorts ? { ...k.dstPorts } : null,
        iif: k.iif ?? '',
      })),
    })),
    localSids: (i.localSids ?? []).map((s) => ({ sid: s.sid, behavior: behaviorToProto(s.behavior), dev: s.dev })),
    instances: (i.instances ?? []).map(instanceToProto),
    proxies: (i.proxies ?? []).map((p) => ({
      instance: p.instance,
      chain: p.chain,
      continuation: [...(p.continuation ?? [])],
      continuationIpv6: [...(p.continuationIpv6 ?? [])],
      dev: p.dev ?? '',
      families: (p.families ?? []).map((f) => ADDRESS_FAMILY.toProto(f)),
      reverse: p.reverse ? { ipv4: [...(p.reverse.ipv4 ?? [])], ipv6: [...(p.reverse.ipv6 ?? [])] } : null,
      mode: p.mode ? PROXY_MODE.toProto(p.mode) : 'PROXY_MODE_UNSPECIFIED',
    })),
  };
}

/**
 * The intent of an ApplyIntentRequest; throws InvalidArgumentError with every malformed field.
 * `path` is where the message sits in the request (field paths start there).
 */
export function intentFromProto(m: NodeIntent__Output | null | undefined, path = 'intent'): NodeIntent {
  const r = new ProtoReader();
  const intent = readIntent(r, m, path);
  r.throwIfAny('malformed intent');
  return intent!;
}

function readIntent(r: ProtoReader, m: NodeIntent__Output | null | undefined, path: string): NodeIntent | undefined {
  if (!r.message(path, m)) return undefined;
  const i = m!;
  const list = <T, U>(field: string, items: readonly T[], read: (x: T, p: string) => U): U[] | undefined =>
    items.length > 0 ? items.map((x, n) => read(x, `${path}.${field}[${n}]`)) : undefined;
  const edgeChains = list('edge_chains', i.edgeChains, (c, p) => readEdgeChain(r, c, p));
  const localSids = list('local_sids', i.localSids, (s, p) => readLocalSid(r, s, p));
  const instances = list('instances', i.instances, (x, p) => instanceFromProto(r, x, p));
  const proxies = list('proxies', i.proxies, (x, p) => readProxy(r, x, p));
  return {
    generation: r.safeInteger(`${path}.generation`, i.generation),
    ...(i.tunnelSource ? { tunnelSource: i.tunnelSource } : {}),
    ...(i.edge ? { edge: readEdge(r, i.edge, `${path}.edge`) } : {}),
    ...(edgeChains ? { edgeChains } : {}),
    ...(localSids ? { localSids } : {}),
    ...(instances ? { instances } : {}),
    ...(proxies ? { proxies } : {}),
  };
}

function readEdge(r: ProtoReader, m: EdgeSettings__Output, path: string): EdgeSettings {
  return {
    customerInterfaces: r.strings(`${path}.customer_interfaces`, m.customerInterfaces),
    ...(m.mssClamp ? { mssClamp: m.mssClamp } : {}),
    ...(m.sidSpace.length > 0 ? { sidSpace: r.strings(`${path}.sid_space`, m.sidSpace) } : {}),
  };
}

const range = (p: PortRange__Output | null) => (p ? { start: p.start, end: p.end } : undefined);

function readClassifier(r: ProtoReader, m: Classifier__Output, path: string): Classifier {
  const srcPorts = range(m.srcPorts);
  const dstPorts = range(m.dstPorts);
  return {
    dst: r.required(`${path}.dst`, m.dst),
    ...(m.src ? { src: m.src } : {}),
    ...(m.protocol ? { protocol: m.protocol } : {}),
    ...(srcPorts ? { srcPorts } : {}),
    ...(dstPorts ? { dstPorts } : {}),
    ...(m.iif ? { iif: m.iif } : {}),
  };
}

function readEdgeChain(r: ProtoReader, m: EdgeChain__Output, path: string): EdgeChain {
  const mode = r.optionalEnum(`${path}.mode`, m.mode, EDGE_MODE.fromProto);
  const direction = r.optionalEnum(`${path}.direction`, m.direction, EDGE_DIRECTION.fromProto);
  return {
    chain: r.required(`${path}.chain`, m.chain),
    ...(direction ? { direction } : {}),
    id: m.id,
    dev: r.required(`${path}.dev`, m.dev),
    segments: r.strings(`${path}.segments`, m.segments),
    ...(m.segmentsIpv6.length > 0 ? { segmentsIpv6: r.strings(`${path}.segments_ipv6`, m.segmentsIpv6) } : {}),
    ...(mode ? { mode } : {}),
    classifiers: m.classifiers.map((k, n) => readClassifier(r, k, `${path}.classifiers[${n}]`)),
  };
}

function readLocalSid(r: ProtoReader, m: LocalSid__Output, path: string): LocalSid {
  const behavior = r.message(`${path}.behavior`, m.behavior);
  return {
    sid: r.required(`${path}.sid`, m.sid),
    behavior: behavior ? behaviorFromProto(r, behavior, `${path}.behavior`) : { action: 'End' },
    dev: r.required(`${path}.dev`, m.dev),
  };
}

function readProxy(r: ProtoReader, m: ProxySpec__Output, path: string): ProxySpec {
  const families = m.families.map((f, n) => r.enumValue(`${path}.families[${n}]`, f, ADDRESS_FAMILY.fromProto) ?? 6);
  const mode = r.optionalEnum(`${path}.mode`, m.mode, PROXY_MODE.fromProto);
  // A dynamic proxy has no continuation or dev: empty means absent (the reconciler refuses what a dynamic item should not carry).
  const dynamic = mode === 'dynamic';
  return {
    instance: r.required(`${path}.instance`, m.instance),
    chain: r.required(`${path}.chain`, m.chain),
    ...(mode ? { mode } : {}),
    ...(!dynamic || m.continuation.length > 0 ? { continuation: r.strings(`${path}.continuation`, m.continuation) } : {}),
    ...(m.continuationIpv6.length > 0 ? { continuationIpv6: r.strings(`${path}.continuation_ipv6`, m.continuationIpv6) } : {}),
    ...(!dynamic || m.dev !== '' ? { dev: r.required(`${path}.dev`, m.dev) } : {}),
    ...(families.length > 0 ? { families } : {}),
    ...(m.reverse ? { reverse: readReverse(r, m.reverse, `${path}.reverse`) } : {}),
  };
}

function readReverse(r: ProtoReader, m: ReverseLists__Output, path: string): ReverseLists {
  return {
    ...(m.ipv4.length > 0 ? { ipv4: r.strings(`${path}.ipv4`, m.ipv4) } : {}),
    ...(m.ipv6.length > 0 ? { ipv6: r.strings(`${path}.ipv6`, m.ipv6) } : {}),
  };
}
