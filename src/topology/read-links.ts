/**
 * `topology.links` → veth links. Both containerlab spellings are read:
 *
 *   - endpoints: ["edge1:eth1", "fn1:eth1"]              # brief
 *     mtu: 9500
 *   - type: veth                                         # extended
 *     endpoints: [{node: edge1, interface: eth1, mac: "02:00:00:00:00:01"}, {node: fn1, interface: eth1}]
 *
 * Other link types and containerlab's special brief endpoints (`host:IF`, `mgmt-net:IF`,
 * `macvlan:IF`) are refused: sfclab only creates veth pairs between its nodes. A link to a
 * `kind: host` node is a veth whose end is in the host namespace; that end must be named `sfc*`,
 * the prefix sfclab owns (and deletes on destroy).
 */
import { absent, closest, describe, isObject } from '../chains/checks.js';
import { fieldPath, itemPath } from '../chains/field-path.js';
import type { Issues } from './issues.js';
import { RESERVED_NODE_NAMES } from './read-nodes.js';
import type { LinkEndpoint, NodeKind, TopologyLink } from './types.js';

/** containerlab's link types (links/link.go); only veth is supported. */
const UNSUPPORTED_LINK_TYPES: readonly string[] = ['host', 'mgmt-net', 'macvlan', 'vxlan', 'vxlan-stitch', 'dummy'];
const LINK_KEYS: readonly string[] = ['type', 'endpoints', 'mtu', 'labels', 'vars'];
/** Link keys containerlab reads and sfclab ignores. */
const IGNORED_LINK_KEYS: readonly string[] = ['labels', 'vars'];
const ENDPOINT_KEYS: readonly string[] = ['node', 'interface', 'mac'];

/** Interfaces in the host namespace must carry the prefix sfclab owns. */
export const HOST_INTERFACE_PREFIX = 'sfc';
const MAX_IFNAME = 15;
const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** Why an interface name is unusable, or undefined when it is fine. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > MAX_IFNAME) return `interface name '${name}' must be 1-${MAX_IFNAME} characters (a Linux limit)`;
  if (/[\s/:]/.test(name)) return `interface name '${name}' must not contain '/', ':' or whitespace`;
  if (name === '.' || name === '..') return `interface name '${name}' is not allowed`;
  return undefined;
}

function macProblem(mac: string): string | undefined {
  if (!MAC.test(mac)) return `'${mac}' is not a MAC address (six colon-separated hex bytes, e.g. 02:00:00:00:00:01)`;
  const first = parseInt(mac.slice(0, 2), 16);
  if (first & 1) return `'${mac}' is a multicast MAC address: an interface needs a unicast one`;
  if (/^(00:){5}00$/.test(mac)) return `'${mac}' is the zero MAC address`;
  return undefined;
}

interface RawEndpoint {
  readonly node: string;
  readonly interface: string;
  readonly mac?: string;
  readonly path: string;
}

function readBriefEndpoint(issues: Issues, path: string, x: unknown): RawEndpoint | undefined {
  if (typeof x !== 'string') {
    issues.error(path, `must be a 'node:interface' string (got ${describe(x)}); use 'type: veth' for endpoints written as mappings`);
    return undefined;
  }
  const colon = x.indexOf(':');
  if (colon <= 0 || colon === x.length - 1) {
    issues.error(path, `'${x}' is not 'node:interface'`);
    return undefined;
  }
  const node = x.slice(0, colon);
  if (RESERVED_NODE_NAMES.includes(node)) {
    issues.error(path, `the special endpoint '${x}' (a containerlab ${node} link) is not supported by sfclab: link nodes with veth links, and use a kind host node to reach the host namespace`);
    return undefined;
  }
  return { node, interface: x.slice(colon + 1), path };
}

function readExtendedEndpoint(issues: Issues, path: string, x: unknown): RawEndpoint | undefined {
  if (!isObject(x)) {
    issues.error(path, `must be a mapping {node, interface, mac?} (got ${describe(x)})`);
    return undefined;
  }
  for (const key of Object.keys(x)) {
    if (ENDPOINT_KEYS.includes(key)) continue;
    const guess = closest(key, ENDPOINT_KEYS);
    issues.error(fieldPath(path, key), `unknown key${guess ? `; did you mean '${guess}'?` : ` (one of ${ENDPOINT_KEYS.join(', ')})`}`);
  }
  let ok = true;
  const str = (key: string): string | undefined => {
    const v = x[key];
    if (typeof v === 'string' && v !== '') return v;
    issues.error(fieldPath(path, key), absent(v) ? 'is required' : `must be a string (got ${describe(v)})`);
    ok = false;
    return undefined;
  };
  const node = str('node');
  const iface = str('interface');
  let mac: string | undefined;
  if (!absent(x.mac)) {
    if (typeof x.mac !== 'string') {
      issues.error(fieldPath(path, 'mac'), `must be a string (got ${describe(x.mac)})`);
      ok = false;
    } else mac = x.mac;
  }
  if (!ok || node === undefined || iface === undefined) return undefined;
  return { node, interface: iface, ...(mac !== undefined ? { mac } : {}), path };
}

function readMtu(issues: Issues, path: string, x: unknown): number | undefined {
  if (absent(x)) return undefined;
  if (typeof x === 'number' && Number.isInteger(x) && x >= 68 && x <= 65535) return x;
  issues.error(path, `must be a whole number 68..65535 (got ${describe(x)})`);
  return undefined;
}

/** Reads and checks every link. `nodes` maps each node's name to its kind: endpoints must name one of them. */
export function readLinks(issues: Issues, x: unknown, nodes: ReadonlyMap<string, NodeKind>): TopologyLink[] {
  const path = 'topology.links';
  if (absent(x)) return [];
  if (!Array.isArray(x)) {
    issues.error(path, `must be a list of links (got ${describe(x)})`);
    return [];
  }
  const links: TopologyLink[] = [];
  const used = new Map<string, string>(); // `node\0interface` → path of its first use
  const ignored = new Map<string, { count: number; path: string }>();
  x.forEach((raw, index) => {
    const linkPath = itemPath(path, index);
    if (!isObject(raw)) {
      issues.error(linkPath, `must be a mapping with endpoints (got ${describe(raw)})`);
      return;
    }
    for (const key of Object.keys(raw)) {
      if (IGNORED_LINK_KEYS.includes(key)) {
        const seen = ignored.get(key);
        if (seen) seen.count++;
        else ignored.set(key, { count: 1, path: fieldPath(linkPath, key) });
      } else if (!LINK_KEYS.includes(key)) {
        const guess = closest(key, LINK_KEYS);
        issues.error(fieldPath(linkPath, key), `unknown key${guess ? `; did you mean '${guess}'?` : ` (one of ${LINK_KEYS.join(', ')})`}`);
      }
    }
    let extended = false;
    if (!absent(raw.type)) {
      const typePath = fieldPath(linkPath, 'type');
      if (raw.type === 'veth') extended = true;
      else if (typeof raw.type === 'string' && UNSUPPORTED_LINK_TYPES.includes(raw.type)) {
        issues.error(typePath, `link type '${raw.type}' is not supported by sfclab (only veth links between nodes)`);
        return;
      } else {
        issues.error(typePath, `unknown link type ${describe(raw.type)} (containerlab types: veth, ${UNSUPPORTED_LINK_TYPES.join(', ')}; sfclab supports veth)`);
        return;
      }
    }
    const mtu = readMtu(issues, fieldPath(linkPath, 'mtu'), raw.mtu);
    const epPath = fieldPath(linkPath, 'endpoints');
    if (!Array.isArray(raw.endpoints)) {
      issues.error(epPath, absent(raw.endpoints) ? 'is required: the two ends of the link' : `must be a list of two endpoints (got ${describe(raw.endpoints)})`);
      return;
    }
    if (raw.endpoints.length !== 2) {
      issues.error(epPath, `a link has exactly two endpoints (got ${raw.endpoints.length})`);
      return;
    }
    const ends: (LinkEndpoint | undefined)[] = raw.endpoints.map((e, i) => {
      const at = itemPath(epPath, i);
      const ep = extended ? readExtendedEndpoint(issues, at, e) : readBriefEndpoint(issues, at, e);
      if (!ep) return undefined;
      let ok = true;
      const nodeAt = extended ? fieldPath(at, 'node') : at;
      const ifAt = extended ? fieldPath(at, 'interface') : at;
      if (!nodes.has(ep.node)) {
        issues.error(nodeAt, `node '${ep.node}' is not in topology.nodes`);
        ok = false;
      }
      const ifProblem = interfaceNameProblem(ep.interface);
      if (ifProblem) {
        issues.error(ifAt, ifProblem);
        ok = false;
      } else if (nodes.get(ep.node) === 'host' && !ep.interface.startsWith(HOST_INTERFACE_PREFIX)) {
        issues.error(ifAt, `interface '${ep.interface}' is in the host namespace (node ${ep.node} is kind host): its name must start with '${HOST_INTERFACE_PREFIX}', the prefix sfclab owns`);
        ok = false;
      }
      if (ep.mac !== undefined) {
        const problem = macProblem(ep.mac);
        if (problem) {
          issues.error(fieldPath(at, 'mac'), problem);
          ok = false;
        }
      }
      if (ok) {
        // Interfaces of kind host nodes all live in the one host namespace.
        const owner = nodes.get(ep.node) === 'host' ? '\u0001host' : ep.node;
        const key = `${owner}\u0000${ep.interface}`;
        const first = used.get(key);
        if (first !== undefined) {
          issues.error(ifAt, `interface ${ep.interface} of node ${ep.node} is already used by ${first}`);
          ok = false;
        } else used.set(key, at);
      }
      return ok ? { node: ep.node, interface: ep.interface, ...(ep.mac !== undefined ? { mac: ep.mac.toLowerCase() } : {}) } : undefined;
    });
    const [a, b] = ends;
    if (a && b) links.push({ index, a, b, ...(mtu !== undefined ? { mtu } : {}), path: linkPath });
  });
  for (const [key, seen] of ignored) {
    issues.warn(seen.path, `link '${key}' is ignored (on ${seen.count} link${seen.count === 1 ? '' : 's'}): sfclab does not honour it`);
  }
  return links;
}
