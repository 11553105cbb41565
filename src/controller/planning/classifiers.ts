/**
 * A chain's match → the ingress classifiers: every destination × every source of the same family
 * (or any source) × every port range (or any port), with the protocol and the arrival interface.
 * The agent turns a destination-only classifier into a route and anything else into a policy rule.
 */
import type { Classifier } from '../../agent/intent/node-intent.js';
import { type Family, AddressParseError, canonicalPrefix, parsePrefix } from '../../common/ip.js';
import type { TrafficMatch } from '../../model/chain.js';

export const PROTOCOL_NUMBER = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 } as const satisfies Record<Exclude<TrafficMatch['protocol'], number | undefined>, number>;

export type Classified =
  | {
      readonly ok: true;
      readonly classifiers: readonly Classifier[];
      readonly families: readonly Family[];
      /** classifierKey of each classifier. */
      readonly keys: readonly string[];
    }
  | { readonly ok: false; readonly message: string; readonly field: string };

const familyOfPrefix = (p: string): Family => parsePrefix(p).family;

export function classifiersOf(match: TrafficMatch): Classified {
  const fam = new Map<string, Family>();
  const check = (list: readonly string[] | undefined, field: string): { message: string; field: string } | undefined => {
    for (const [i, p] of (list ?? []).entries()) {
      try {
        fam.set(p, familyOfPrefix(p));
      } catch (e) {
        return { message: e instanceof AddressParseError ? e.message : 'is not a prefix', field: `${field}[${i}]` };
      }
    }
    return undefined;
  };
  const bad = check(match.destinations, 'spec.ingress.match.destinations') ?? check(match.sources, 'spec.ingress.match.sources');
  if (bad !== undefined) return { ok: false, ...bad };
  if (match.destinations.length === 0) return { ok: false, message: 'needs at least one destination prefix', field: 'spec.ingress.match.destinations' };

  const protocol = match.protocol === undefined ? undefined : typeof match.protocol === 'number' ? match.protocol : PROTOCOL_NUMBER[match.protocol];
  const ports = match.ports && match.ports.length > 0 ? match.ports : [undefined];
  const out: Classifier[] = [];
  for (const dst of match.destinations) {
    const family = fam.get(dst)!;
    const sources = match.sources && match.sources.length > 0 ? match.sources.filter((s) => fam.get(s) === family) : [undefined];
    for (const src of sources) {
      for (const range of ports) {
        out.push({
          dst,
          ...(src !== undefined ? { src } : {}),
          ...(protocol !== undefined ? { protocol } : {}),
          ...(range !== undefined ? { dstPorts: { start: range.start, end: range.end } } : {}),
          ...(match.interface !== undefined ? { iif: match.interface } : {}),
        });
      }
    }
  }
  // The same classifier twice (a repeated prefix or port range) would be refused by the agent.
  const keys: string[] = [];
  const unique = out.filter((c) => {
    const k = classifierKey(c);
    if (keys.includes(k)) return false;
    keys.push(k);
    return true;
  });
  if (unique.length === 0) return { ok: false, message: 'selects no traffic: no destination has a source of its address family', field: 'spec.ingress.match' };
  const families = [...new Set(unique.map((c) => fam.get(c.dst)!))].sort();
  return { ok: true, classifiers: unique, families, keys };
}

/** Only a destination: the agent installs a route, not a rule. */
export const isDstOnly = (c: Classifier): boolean =>
  c.src === undefined && c.protocol === undefined && c.srcPorts === undefined && c.dstPorts === undefined && c.iif === undefined;

/** Two classifiers with equal keys select the same traffic (the agent refuses the second). */
export function classifierKey(c: Classifier): string {
  return JSON.stringify([
    canonicalPrefix(c.dst),
    c.src === undefined ? null : canonicalPrefix(c.src),
    c.protocol ?? null,
    c.srcPorts ? [c.srcPorts.start, c.srcPorts.end] : null,
    c.dstPorts ? [c.dstPorts.start, c.dstPorts.end] : null,
    c.iif ?? null,
  ]);
}
