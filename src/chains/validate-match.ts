/**
 * The ingress classifier (`spec.ingress.match`): which packets enter the chain. Beyond types, it
 * checks what would make the classifier silently match nothing or something else than written:
 * an empty destination list, sources of a family no destination has (or the reverse), ports
 * without tcp/udp, icmp/icmpv6 against destinations of the other family.
 */
import type { Violations } from '../common/errors.js';
import type { PortRange } from '../dataplane/seg6/rule.js';
import type { TrafficMatch } from '../model/chain.js';
import { absent, compact, fail, readFields, readList } from './checks.js';
import { fieldPath, itemPath } from './field-path.js';
import { readInterfaceName } from './names.js';
import { formatPortRange, readPortRange, samePortRange } from './port-ranges.js';
import { familyName, type ListedPrefix, readPrefixList } from './prefixes.js';
import { PORT_PROTOCOLS, PROTOCOL_FAMILY, type Protocol, readProtocol } from './protocol.js';

export const MATCH_FIELDS = ['destinations', 'sources', 'protocol', 'ports', 'interface'] as const;

function checkSourceFamilies(v: Violations, path: string, destinations: readonly ListedPrefix[], sources: readonly ListedPrefix[]): void {
  const dstFamilies = new Set(destinations.map((p) => p.family));
  const srcFamilies = new Set(sources.map((p) => p.family));
  for (const s of sources) {
    if (!dstFamilies.has(s.family)) v.add(itemPath(path, s.index), `${s.text} is ${familyName(s.family)} but no destination is: it could never match`);
  }
  for (const f of dstFamilies) {
    if (srcFamilies.size > 0 && !srcFamilies.has(f)) {
      const any = f === 4 ? '0.0.0.0/0' : '::/0';
      v.add(path, `has no ${familyName(f)} prefix, so ${familyName(f)} destinations would match no traffic (add ${any} to accept any ${familyName(f)} source)`);
    }
  }
}

function readPorts(v: Violations, path: string, x: unknown): PortRange[] | undefined {
  const list = readList(v, path, x);
  if (!list) return undefined;
  if (list.length === 0) return fail(v, path, 'must not be empty: omit ports to match every port');
  const out: PortRange[] = [];
  list.forEach((item, i) => {
    const r = readPortRange(v, itemPath(path, i), item);
    if (!r) return;
    const first = out.findIndex((o) => samePortRange(o, r));
    if (first !== -1) v.add(itemPath(path, i), `duplicate of ${itemPath(path, first)} (${formatPortRange(r)})`);
    out.push(r);
  });
  return out;
}

export function readMatch(v: Violations, path: string, x: unknown): TrafficMatch | undefined {
  const before = v.list.length;
  const m = readFields(v, path, x, MATCH_FIELDS);
  if (!m) return undefined;
  const dPath = fieldPath(path, 'destinations');
  const destinations = absent(m.destinations)
    ? fail(v, dPath, 'is required: the destination prefixes whose traffic enters the chain')
    : readPrefixList(v, dPath, m.destinations, 'must list at least one destination prefix: an empty classifier sends no traffic into the chain');
  const sPath = fieldPath(path, 'sources');
  const sources = absent(m.sources) ? undefined : readPrefixList(v, sPath, m.sources, 'must not be empty: omit sources to match any source');
  if (destinations && sources) checkSourceFamilies(v, sPath, destinations, sources);

  const pPath = fieldPath(path, 'protocol');
  const protocol = absent(m.protocol) ? undefined : readProtocol(v, pPath, m.protocol);
  const family = typeof protocol === 'string' ? PROTOCOL_FAMILY[protocol] : undefined;
  if (family !== undefined && destinations && destinations.length > 0 && !destinations.some((d) => d.family === family)) {
    v.add(pPath, `${String(protocol)} is ${familyName(family)}-only but every destination is ${familyName(family === 4 ? 6 : 4)}`);
  }

  const portsPath = fieldPath(path, 'ports');
  const ports = absent(m.ports) ? undefined : readPorts(v, portsPath, m.ports);
  if (!absent(m.ports) && !PORT_PROTOCOLS.includes(protocol as Protocol)) {
    if (absent(m.protocol)) v.add(portsPath, 'needs protocol tcp or udp: ports are matched only for them');
    else if (protocol !== undefined) v.add(portsPath, `needs protocol tcp or udp (got ${String(protocol)}): ports are matched only for them`);
  }

  const iface = absent(m.interface) ? undefined : readInterfaceName(v, fieldPath(path, 'interface'), m.interface);
  if (v.list.length !== before) return undefined;
  return compact({
    destinations: destinations!.map((p) => p.text),
    sources: sources?.map((p) => p.text),
    protocol,
    ports,
    interface: iface,
  });
}
