/**
 * Per-item validation of a NodeIntent (pure). A bad item is rejected with a reason and a field path;
 * the rest of the intent still applies (issue: bad intents are rejected per item).
 */
import { Violations } from '../../common/errors.js';
import { AddressParseError, type Family, familyOf, parseIPv6, parsePrefix } from '../../common/ip.js';
import { checkSegmentList } from '../../dataplane/seg6/seg6-encap.js';
import { validateSeg6Local } from '../../dataplane/seg6/seg6local.js';
import { validateFunctionSpec } from '../functions/validate-function.js';
import type { Classifier, EdgeChain, EdgeSettings, InstanceSpec, LocalSid, ProxySpec } from '../intent/node-intent.js';
import type { ItemKind, ItemResult } from '../reconcile/types.js';
import { MAX_CHAIN_ID, MAX_RULE_CLASSIFIERS, MAX_SLOT } from './ids.js';

export interface NodeContext {
  /** The node's SID locator (IPv6 prefix): every SID it installs must be inside. */
  readonly locator: string;
  /** Interfaces present in the node's namespace (instance legs are added by the planner). */
  readonly links: ReadonlySet<string>;
}

const INSTANCE_ID = /^[a-z0-9]([a-z0-9-]{0,22}[a-z0-9])?$/;

/** Whether an IPv6 address lies inside prefix (text forms). */
export function inPrefix(address: string, prefix: string): boolean {
  const p = parsePrefix(prefix);
  const a = parseIPv6(address);
  if (p.family !== 6) return false;
  for (let bit = 0; bit < p.length; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((p.bytes[byte]! & mask) !== (a[byte]! & mask)) return false;
  }
  return true;
}

export function itemError(kind: ItemKind, key: string, v: Violations, reason = 'INVALID_ITEM'): ItemResult {
  const first = v.list[0]!;
  return { kind, key, ok: false, reason, field: first.field, message: v.list.map((x) => `${x.field}: ${x.description}`).join('; ') };
}

function checkSid(v: Violations, path: string, sid: unknown, ctx: NodeContext): void {
  try {
    if (typeof sid !== 'string') throw new AddressParseError('not a string');
    parseIPv6(sid);
    if (!inPrefix(sid, ctx.locator)) v.add(path, `SID ${sid} is outside this node's locator ${ctx.locator}`);
  } catch (e) {
    if (e instanceof AddressParseError) v.add(path, `'${String(sid)}' is not an IPv6 address`);
    else throw e;
  }
}

function checkDev(v: Violations, path: string, dev: unknown, ctx: NodeContext): void {
  if (typeof dev !== 'string' || dev === '') v.add(path, 'is required (an interface name)');
  else if (!ctx.links.has(dev)) v.add(path, `unknown interface '${dev}' on this node`);
}

/** A segment list checked under its own field name (checkSegmentList reports `<path>.segments`). */
function checkListAs(v: Violations, field: string, list: unknown): void {
  const inner = new Violations();
  checkSegmentList(inner, '', list, { extraSlots: 0 });
  for (const x of inner.list) v.add(`${field}${x.field.replace(/^\.segments/, '')}`, x.description);
}

export function classifierFamily(c: Classifier): Family {
  return familyOf(c.dst.split('/')[0]!);
}

/** Only a destination: a plain route; anything else needs a policy rule. */
export const isDstOnly = (c: Classifier): boolean =>
  c.src === undefined && c.protocol === undefined && c.srcPorts === undefined && c.dstPorts === undefined && c.iif === undefined;

export function validateEdgeChain(c: EdgeChain, path: string, ctx: NodeContext): Violations {
  const v = new Violations();
  if (typeof c.chain !== 'string' || !/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/.test(c.chain)) v.add(`${path}.chain`, 'must be a name of lowercase letters, digits, dots and dashes');
  if (!Number.isInteger(c.id) || c.id < 1 || c.id > MAX_CHAIN_ID) v.add(`${path}.id`, `must be an integer 1..${MAX_CHAIN_ID}`);
  checkDev(v, `${path}.dev`, c.dev, ctx);
  checkSegmentList(v, path, c.segments, { extraSlots: 0 });
  if (c.segmentsIpv6 !== undefined) checkListAs(v, `${path}.segmentsIpv6`, c.segmentsIpv6);
  if (c.mode !== undefined && c.mode !== 'encap' && c.mode !== 'encap.red') v.add(`${path}.mode`, "must be 'encap' or 'encap.red'");
  if (c.direction !== undefined && c.direction !== 'forward' && c.direction !== 'return') v.add(`${path}.direction`, "must be 'forward' or 'return'");
  if (!Array.isArray(c.classifiers) || c.classifiers.length === 0) v.add(`${path}.classifiers`, 'must list at least one classifier');
  else {
    const ruled = c.classifiers.filter((k) => !isDstOnly(k)).length;
    if (ruled > MAX_RULE_CLASSIFIERS) v.add(`${path}.classifiers`, `at most ${MAX_RULE_CLASSIFIERS} classifiers with source, protocol, port or iif selectors`);
    c.classifiers.forEach((k, i) => validateClassifier(k, `${path}.classifiers[${i}]`, ctx, v));
  }
  return v;
}

function validateClassifier(k: Classifier, path: string, ctx: NodeContext, v: Violations): void {
  let family: Family | undefined;
  try {
    const p = parsePrefix(String(k.dst));
    family = p.family;
  } catch (e) {
    v.add(`${path}.dst`, e instanceof AddressParseError ? e.message : 'is not a prefix');
  }
  if (k.src !== undefined) {
    try {
      if (parsePrefix(String(k.src)).family !== family) v.add(`${path}.src`, 'must be of the same address family as dst');
    } catch (e) {
      v.add(`${path}.src`, e instanceof AddressParseError ? e.message : 'is not a prefix');
    }
  }
  if (k.protocol !== undefined && !(Number.isInteger(k.protocol) && k.protocol >= 0 && k.protocol <= 255)) v.add(`${path}.protocol`, 'must be an IP protocol number 0..255');
  for (const f of ['srcPorts', 'dstPorts'] as const) {
    const r = k[f];
    if (r === undefined) continue;
    if (!(Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.end <= 65535 && r.start <= r.end)) v.add(`${path}.${f}`, 'must be {start, end} within 0..65535');
    if (k.protocol !== 6 && k.protocol !== 17 && k.protocol !== 132) v.add(`${path}.${f}`, 'needs protocol 6 (tcp), 17 (udp) or 132 (sctp)');
  }
  if (k.iif !== undefined) checkDev(v, `${path}.iif`, k.iif, ctx);
}

export function validateLocalSid(s: LocalSid, path: string, ctx: NodeContext): Violations {
  const v = new Violations();
  checkSid(v, `${path}.sid`, s.sid, ctx);
  checkDev(v, `${path}.dev`, s.dev, ctx);
  if (s.dev === 'lo') v.add(`${path}.dev`, 'a SID on lo drops every packet: attach it to an interface that receives the traffic');
  validateSeg6Local({ type: 'seg6local', behavior: s.behavior }, v, path);
  return v;
}

export function validateInstance(s: InstanceSpec, path: string, ctx: NodeContext): Violations {
  const v = new Violations();
  if (typeof s.id !== 'string' || !INSTANCE_ID.test(s.id)) v.add(`${path}.id`, 'must be 1..24 lowercase letters, digits or dashes');
  if (!Number.isInteger(s.slot) || s.slot < 0 || s.slot > MAX_SLOT) v.add(`${path}.slot`, `must be an integer 0..${MAX_SLOT}`);
  if (s.legs !== 1 && s.legs !== 2) v.add(`${path}.legs`, 'must be 1 or 2');
  validateFunctionSpec(s.function, v, `${path}.function`);
  const sids = s.sids ?? {};
  if (sids.dx4 === undefined && sids.dx6 === undefined) v.add(`${path}.sids`, 'needs a dx4 and/or a dx6 SID to steer traffic into the instance');
  if (sids.dx4 !== undefined) checkSid(v, `${path}.sids.dx4`, sids.dx4, ctx);
  if (sids.dx6 !== undefined) checkSid(v, `${path}.sids.dx6`, sids.dx6, ctx);
  const ret = s.returnSids;
  if (ret !== undefined) {
    // The return SIDs lead into the out leg; a one-leg instance has none.
    if (s.legs !== 2 && (ret.dx4 !== undefined || ret.dx6 !== undefined)) v.add(`${path}.returnSids`, 'needs an instance with two legs (the return SIDs lead into the out leg)');
    if (ret.dx4 !== undefined) checkSid(v, `${path}.returnSids.dx4`, ret.dx4, ctx);
    if (ret.dx6 !== undefined) checkSid(v, `${path}.returnSids.dx6`, ret.dx6, ctx);
  }
  return v;
}

export function validateProxy(p: ProxySpec, path: string, ctx: NodeContext, instances: ReadonlyMap<string, InstanceSpec>): Violations {
  const v = new Violations();
  if (!instances.has(p.instance)) v.add(`${path}.instance`, `no valid instance '${String(p.instance)}' on this node`);
  if (typeof p.chain !== 'string' || p.chain === '') v.add(`${path}.chain`, 'is required');
  if (p.mode !== undefined && p.mode !== 'static' && p.mode !== 'dynamic') v.add(`${path}.mode`, "must be 'static' or 'dynamic'");
  if (p.mode === 'dynamic') {
    // End.AD: the header the packet arrived with goes back on; the node holds no per-chain list.
    const carried = { continuation: p.continuation, continuationIpv6: p.continuationIpv6, reverse: p.reverse, dev: p.dev };
    for (const [field, value] of Object.entries(carried)) {
      if (value !== undefined) v.add(`${path}.${field}`, 'a dynamic proxy carries none (it pushes back the header the packet arrived with)');
    }
    for (const f of p.families ?? []) if (f !== 4 && f !== 6) v.add(`${path}.families`, 'must be 4 and/or 6');
    return v;
  }
  checkSegmentList(v, path, p.continuation, { extraSlots: 0 });
  if (p.continuationIpv6 !== undefined) checkListAs(v, `${path}.continuationIpv6`, p.continuationIpv6);
  if (!Array.isArray(p.continuation)) v.add(`${path}.continuation`, 'must list the SIDs after this function');
  checkDev(v, `${path}.dev`, p.dev, ctx);
  for (const f of p.families ?? []) if (f !== 4 && f !== 6) v.add(`${path}.families`, 'must be 4 and/or 6');
  if (p.reverse !== undefined) {
    // The reverse proxy selects the in leg; with one leg that is where the forward proxy listens.
    if (instances.get(p.instance)?.legs === 1) v.add(`${path}.reverse`, 'needs an instance with two legs (replies leave by the in leg)');
    if (p.reverse.ipv4 !== undefined) checkListAs(v, `${path}.reverse.ipv4`, p.reverse.ipv4);
    if (p.reverse.ipv6 !== undefined) checkListAs(v, `${path}.reverse.ipv6`, p.reverse.ipv6);
  }
  return v;
}

export function validateEdgeSettings(e: EdgeSettings, path: string, ctx: NodeContext): Violations {
  const v = new Violations();
  if (!Array.isArray(e.customerInterfaces) || e.customerInterfaces.length === 0) v.add(`${path}.customerInterfaces`, 'must list at least one interface');
  else e.customerInterfaces.forEach((d, i) => checkDev(v, `${path}.customerInterfaces[${i}]`, d, ctx));
  if (e.mssClamp !== undefined && !(Number.isInteger(e.mssClamp) && e.mssClamp >= 536 && e.mssClamp <= 9000)) v.add(`${path}.mssClamp`, 'must be 536..9000 bytes');
  (e.sidSpace ?? []).forEach((p, i) => {
    try {
      if (parsePrefix(p).family !== 6) v.add(`${path}.sidSpace[${i}]`, 'must be an IPv6 prefix');
    } catch (err) {
      v.add(`${path}.sidSpace[${i}]`, err instanceof AddressParseError ? err.message : 'is not a prefix');
    }
  });
  return v;
}
