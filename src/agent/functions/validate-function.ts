/** Validation of function specs (pure): every violation with its field path. */
import type { Violations } from '../../common/errors.js';
import { AddressParseError, parseAddress, parsePrefix } from '../../common/ip.js';
import { FUNCTION_TYPES, type FunctionSpec } from './function-spec.js';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6'];

function checkKeys(v: Violations, path: string, o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (o[k] !== undefined && !allowed.includes(k)) v.add(`${path}.${k}`, `unknown field (one of ${allowed.join(', ') || 'none'})`);
}

function checkPorts(v: Violations, path: string, x: unknown): void {
  if (!Array.isArray(x) || x.length === 0) return v.add(path, 'must be a non-empty list of port ranges {start, end}');
  x.forEach((p, i) => {
    const r = p as { start?: unknown; end?: unknown };
    const ok = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 65535;
    if (!isObject(p) || !ok(r.start) || !ok(r.end) || (r.start as number) > (r.end as number)) v.add(`${path}[${i}]`, 'must be {start, end} with 0 <= start <= end <= 65535');
  });
}

function checkPrefixes(v: Violations, path: string, x: unknown): void {
  if (!Array.isArray(x) || x.length === 0) return v.add(path, 'must be a non-empty list of prefixes');
  x.forEach((p, i) => {
    try {
      parsePrefix(String(p));
    } catch (e) {
      v.add(`${path}[${i}]`, e instanceof AddressParseError ? e.message : 'is not a prefix');
    }
  });
}

export function validateFunctionSpec(spec: FunctionSpec, v: Violations, path: string): void {
  if (!isObject(spec)) return v.add(path, 'is required');
  const type = spec.type as string;
  if (!(FUNCTION_TYPES as readonly string[]).includes(type)) return v.add(`${path}.type`, `unknown function type '${type}' (one of ${FUNCTION_TYPES.join(', ')})`);
  const cfg = (spec as { config?: unknown }).config;
  const cpath = `${path}.config`;
  if (cfg !== undefined && !isObject(cfg)) return v.add(cpath, 'must be an object');
  const c = (cfg ?? {}) as Record<string, unknown>;
  switch (spec.type) {
    case 'firewall': {
      checkKeys(v, cpath, c, ['defaultAction', 'rules']);
      if (c.defaultAction !== undefined && c.defaultAction !== 'accept' && c.defaultAction !== 'drop') v.add(`${cpath}.defaultAction`, "must be 'accept' or 'drop'");
      if (c.rules === undefined) break;
      if (!Array.isArray(c.rules)) {
        v.add(`${cpath}.rules`, 'must be a list');
        break;
      }
      c.rules.forEach((r: unknown, i: number) => {
        const rp = `${cpath}.rules[${i}]`;
        if (!isObject(r)) return v.add(rp, 'must be an object');
        checkKeys(v, rp, r, ['action', 'protocol', 'srcPrefixes', 'dstPrefixes', 'srcPorts', 'dstPorts', 'dscp']);
        if (r.action !== 'accept' && r.action !== 'drop') v.add(`${rp}.action`, "must be 'accept' or 'drop'");
        if (r.protocol !== undefined && !PROTOCOLS.includes(r.protocol as string)) v.add(`${rp}.protocol`, `must be one of ${PROTOCOLS.join(', ')}`);
        for (const f of ['srcPrefixes', 'dstPrefixes'] as const) if (r[f] !== undefined) checkPrefixes(v, `${rp}.${f}`, r[f]);
        for (const f of ['srcPorts', 'dstPorts'] as const) {
          if (r[f] === undefined) continue;
          checkPorts(v, `${rp}.${f}`, r[f]);
          if (r.protocol !== 'tcp' && r.protocol !== 'udp') v.add(`${rp}.${f}`, "needs protocol 'tcp' or 'udp'");
        }
        if (r.dscp !== undefined && !(Number.isInteger(r.dscp) && (r.dscp as number) >= 0 && (r.dscp as number) <= 63)) v.add(`${rp}.dscp`, 'must be 0..63');
      });
      break;
    }
    case 'nat':
      if (cfg === undefined) return v.add(cpath, "is required: {mode: 'masquerade'} or {mode: 'snat', toAddress}");
      if (c.mode === 'masquerade') checkKeys(v, cpath, c, ['mode']);
      else if (c.mode === 'snat') {
        checkKeys(v, cpath, c, ['mode', 'toAddress']);
        try {
          parseAddress(String(c.toAddress));
        } catch {
          v.add(`${cpath}.toAddress`, c.toAddress === undefined ? 'is required for snat' : `'${String(c.toAddress)}' is not an address`);
        }
      } else v.add(`${cpath}.mode`, "must be 'masquerade' or 'snat'");
      break;
    case 'monitor':
      checkKeys(v, cpath, c, []);
      break;
    case 'responder':
      checkKeys(v, cpath, c, ['tcpPorts']);
      if (c.tcpPorts !== undefined) {
        if (!Array.isArray(c.tcpPorts)) v.add(`${cpath}.tcpPorts`, 'must be a list of ports');
        else c.tcpPorts.forEach((p: unknown, i: number) => {
          if (!(Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535)) v.add(`${cpath}.tcpPorts[${i}]`, 'must be a port 1..65535');
        });
      }
      break;
  }
}
