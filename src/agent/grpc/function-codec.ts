/**
 * FunctionSpec ↔ srv6sfc.agent.v1.FunctionSpec: the domain's `type` discriminant is the proto's
 * `type` oneof, whose members carry the per-type configuration.
 *
 * Round trip: an empty configuration (a firewall with no rules and the default action, a
 * responder without ports, any monitor) decodes as an absent one, which means the same.
 */
import { EnumTable } from '../../common/grpc/enum-table.js';
import type { ProtoReader } from '../../common/grpc/proto-reader.js';
import type { PortRange } from '../../dataplane/seg6/rule.js';
import type { FirewallConfig as FirewallMsg, FirewallConfig__Output } from '../../gen/srv6sfc/agent/v1/FirewallConfig.js';
import type { FirewallRule__Output } from '../../gen/srv6sfc/agent/v1/FirewallRule.js';
import type { FunctionSpec as FunctionMsg, FunctionSpec__Output } from '../../gen/srv6sfc/agent/v1/FunctionSpec.js';
import type { NatConfig__Output } from '../../gen/srv6sfc/agent/v1/NatConfig.js';
import type { PortRange__Output } from '../../gen/srv6sfc/agent/v1/PortRange.js';
import { L4_PROTOCOL } from '../../common/grpc/l4-protocol.js';
import type { FirewallConfig, FirewallRule, FunctionSpec, FunctionType, NatConfig, Verdict } from '../functions/function-spec.js';

const TYPES = ['firewall', 'nat', 'monitor', 'responder'] as const satisfies readonly FunctionType[];

const VERDICT = new EnumTable({ accept: 'VERDICT_ACCEPT', drop: 'VERDICT_DROP' } as const satisfies Record<Verdict, string>);
const L4 = L4_PROTOCOL;

function firewallToProto(c: FirewallConfig | undefined): FirewallMsg {
  return {
    defaultAction: c?.defaultAction ? VERDICT.toProto(c.defaultAction) : 'VERDICT_UNSPECIFIED',
    rules: (c?.rules ?? []).map((rule) => ({
      action: VERDICT.toProto(rule.action),
      protocol: rule.protocol ? L4.toProto(rule.protocol) : 'L4_PROTOCOL_UNSPECIFIED',
      srcPrefixes: [...(rule.srcPrefixes ?? [])],
      dstPrefixes: [...(rule.dstPrefixes ?? [])],
      srcPorts: (rule.srcPorts ?? []).map((p) => ({ ...p })),
      dstPorts: (rule.dstPorts ?? []).map((p) => ({ ...p })),
      ...(rule.dscp !== undefined ? { dscp: rule.dscp } : {}),
    })),
  };
}

const natToProto = (c: NatConfig): FunctionMsg['nat'] =>
  c.mode === 'snat' ? { snat: { toAddress: c.toAddress } } : { masquerade: {} };

export function functionToProto(f: FunctionSpec): FunctionMsg {
  switch (f.type) {
    case 'firewall':
      return { firewall: firewallToProto(f.config) };
    case 'nat':
      return { nat: natToProto(f.config) };
    case 'monitor':
      return { monitor: {} };
    case 'responder':
      return { responder: { tcpPorts: [...(f.config?.tcpPorts ?? [])] } };
  }
}

const ranges = (list: readonly PortRange__Output[]): PortRange[] => list.map((p) => ({ start: p.start, end: p.end }));

function ruleFromProto(r: ProtoReader, m: FirewallRule__Output, path: string): FirewallRule {
  const protocol = r.optionalEnum(`${path}.protocol`, m.protocol, L4.fromProto);
  return {
    action: r.enumValue(`${path}.action`, m.action, VERDICT.fromProto) ?? 'drop',
    ...(protocol ? { protocol } : {}),
    ...(m.srcPrefixes.length > 0 ? { srcPrefixes: r.strings(`${path}.src_prefixes`, m.srcPrefixes) } : {}),
    ...(m.dstPrefixes.length > 0 ? { dstPrefixes: r.strings(`${path}.dst_prefixes`, m.dstPrefixes) } : {}),
    ...(m.srcPorts.length > 0 ? { srcPorts: ranges(m.srcPorts) } : {}),
    ...(m.dstPorts.length > 0 ? { dstPorts: ranges(m.dstPorts) } : {}),
    ...(m.dscp !== undefined ? { dscp: m.dscp } : {}),
  };
}

function firewallFromProto(r: ProtoReader, m: FirewallConfig__Output, path: string): FirewallConfig | undefined {
  const defaultAction = r.optionalEnum(`${path}.default_action`, m.defaultAction, VERDICT.fromProto);
  if (!defaultAction && m.rules.length === 0) return undefined;
  return {
    ...(defaultAction ? { defaultAction } : {}),
    ...(m.rules.length > 0 ? { rules: m.rules.map((rule, i) => ruleFromProto(r, rule, `${path}.rules[${i}]`)) } : {}),
  };
}

function natFromProto(r: ProtoReader, m: NatConfig__Output, path: string): NatConfig {
  const mode = r.oneof(path, m.mode, ['masquerade', 'snat'] as const, (k) => k);
  if (mode === 'snat') return { mode, toAddress: r.required(`${path}.snat.to_address`, m.snat!.toAddress) };
  return { mode: 'masquerade' };
}

export function functionFromProto(r: ProtoReader, m: FunctionSpec__Output, path: string): FunctionSpec {
  switch (r.oneof(path, m.type, TYPES, (k) => k)) {
    case 'firewall': {
      const config = firewallFromProto(r, m.firewall!, `${path}.firewall`);
      return config ? { type: 'firewall', config } : { type: 'firewall' };
    }
    case 'nat':
      return { type: 'nat', config: natFromProto(r, m.nat!, `${path}.nat`) };
    case 'monitor':
      return { type: 'monitor' };
    case 'responder': {
      const tcpPorts = m.responder!.tcpPorts;
      return tcpPorts.length > 0 ? { type: 'responder', config: { tcpPorts: [...tcpPorts] } } : { type: 'responder' };
    }
    default:
      return { type: 'monitor' }; // placeholder: the oneof violation is recorded
  }
}
