/**
 * `topology.defaults`, `kinds`, `groups` and `nodes` → resolved nodes: inheritance applied (see
 * inherit.ts), names, kinds, sysctls and srv6-sfc labels checked. Errors point at the level that
 * holds the offending value (`topology.defaults.sysctls["kernel.x"]`), so an inherited mistake is
 * fixed where it is written.
 */
import { absent, describe, isObject } from '../chains/checks.js';
import { fieldPath } from '../chains/field-path.js';
import { AddressParseError, formatPrefix, parsePrefix } from '../common/ip.js';
import { type InheritanceLevels, resolveNodeDefinition } from './inherit.js';
import type { Issues } from './issues.js';
import { IGNORED_NODE_KEYS, type NodeDefinition, type ScalarText, type Sourced, readNodeDefinition } from './node-definition.js';
import { CAPACITY_LABEL, CORE_INTERFACE_LABEL, LABEL_PREFIX, LOCATOR_LABEL, type NodeKind, type NodeRole, ROLE_LABEL, type TopologyNode } from './types.js';

export const NODE_KINDS: readonly NodeKind[] = ['linux', 'bridge', 'host'];
export const NODE_ROLES: readonly NodeRole[] = ['edge', 'vnf-host', 'transit'];

/** Agents name instance namespaces `sfc-<node>.<id>`: no dots in node names. */
export const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * containerlab reads `host:IF`, `mgmt-net:IF` and `macvlan:IF` in a brief link as special
 * endpoints (links/link_brief.go), never as nodes: a node of that name could not be linked.
 */
export const RESERVED_NODE_NAMES: readonly string[] = ['host', 'mgmt-net', 'macvlan'];

/** srv6-sfc labels read elsewhere (agent registration, controller planning): known, not warned. */
const OTHER_KNOWN_LABELS: readonly string[] = ['srv6-sfc/tunnel-source', 'srv6-sfc/customer-interfaces', 'srv6-sfc/mss-clamp', 'srv6-sfc/vrf-table'];
const KNOWN_LABELS: readonly string[] = [ROLE_LABEL, LOCATOR_LABEL, CAPACITY_LABEL, CORE_INTERFACE_LABEL, ...OTHER_KNOWN_LABELS];

/** Longest locator: the SID layout needs room for 16 function bits, and /64 is the usual maximum. */
export const MAX_LOCATOR_LENGTH = 64;

export interface ReadNode {
  readonly node: TopologyNode;
  /** Where each of the node's labels was written (the level it was inherited from). */
  readonly labelPaths: ReadonlyMap<string, string>;
  /** Where the locator was written, when labelled. */
  readonly locatorBits?: { readonly bytes: Uint8Array; readonly length: number; readonly path: string };
}

function readLevels(issues: Issues, path: string, x: unknown, text: ScalarText): Map<string, NodeDefinition> {
  const out = new Map<string, NodeDefinition>();
  if (absent(x)) return out;
  if (!isObject(x)) {
    issues.error(path, `must be a mapping of names to node settings (got ${describe(x)})`);
    return out;
  }
  for (const [name, def] of Object.entries(x)) out.set(name, readNodeDefinition(issues.errors, fieldPath(path, name), def, text));
  return out;
}

/** A locator label → canonical prefix and its bits, or undefined with an error. */
function readLocator(issues: Issues, at: Sourced<string>): { text: string; bytes: Uint8Array; length: number } | undefined {
  let p: ReturnType<typeof parsePrefix>;
  try {
    p = parsePrefix(at.value);
  } catch (e) {
    if (!(e instanceof AddressParseError)) throw e;
    issues.error(at.path, `'${at.value}' is not an IPv6 prefix (e.g. fc00:1::/48)`);
    return undefined;
  }
  if (p.family !== 6 || !at.value.includes('/')) {
    issues.error(at.path, `'${at.value}' is not an IPv6 prefix with a length (e.g. fc00:1::/48)`);
    return undefined;
  }
  if (p.length < 1 || p.length > MAX_LOCATOR_LENGTH) {
    issues.error(at.path, `locator length must be 1..${MAX_LOCATOR_LENGTH} (got /${p.length}): SIDs take the 16 bits after it`);
    return undefined;
  }
  const base = new Uint8Array(16);
  for (let bit = 0; bit < p.length; bit++) if (p.bytes[bit >> 3]! & (0x80 >> (bit & 7))) base[bit >> 3]! |= 0x80 >> (bit & 7);
  const canonical = formatPrefix(base, p.length, 6);
  if (!Buffer.from(base).equals(p.bytes)) {
    issues.error(at.path, `'${at.value}' has host bits set (did you mean ${canonical}?)`);
    return undefined;
  }
  return { text: canonical, bytes: base, length: p.length };
}

/** Do two prefixes share addresses (one contains the other)? */
export function prefixesOverlap(a: { bytes: Uint8Array; length: number }, b: { bytes: Uint8Array; length: number }): boolean {
  const n = Math.min(a.length, b.length);
  for (let bit = 0; bit < n; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((a.bytes[bit >> 3]! & mask) !== (b.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

function ignoredKeyReason(key: string): string {
  if (key === 'image' || key === 'image-pull-policy') return 'sfclab nodes are network namespaces, so no image is used';
  if (key.startsWith('mgmt')) return 'sfclab nodes have no management network';
  return 'sfclab does not honour it';
}

export function readNodes(issues: Issues, topology: Readonly<Record<string, unknown>>, text: ScalarText): ReadNode[] {
  const defaults = readNodeDefinition(issues.errors, 'topology.defaults', topology.defaults, text);
  const levels: InheritanceLevels = {
    defaults,
    kinds: readLevels(issues, 'topology.kinds', topology.kinds, text),
    groups: readLevels(issues, 'topology.groups', topology.groups, text),
  };
  const nodesPath = 'topology.nodes';
  if (absent(topology.nodes)) {
    issues.error(nodesPath, 'is required: a mapping of node names to their settings');
    return [];
  }
  if (!isObject(topology.nodes) || Object.keys(topology.nodes).length === 0) {
    issues.error(nodesPath, `must be a non-empty mapping of node names to their settings (got ${isObject(topology.nodes) ? 'an empty mapping' : describe(topology.nodes)})`);
    return [];
  }

  const out: ReadNode[] = [];
  const ignoredBy = new Map<string, { count: number; path: string }>();
  const locators: { name: string; bits: { bytes: Uint8Array; length: number }; text: string }[] = [];
  for (const [name, raw] of Object.entries(topology.nodes)) {
    const path = fieldPath(nodesPath, name);
    if (!NODE_NAME.test(name)) {
      issues.error(path, `node name '${name}' must be 1-63 letters, digits, '-' or '_', starting with a letter or digit (no dots: agents name instance namespaces sfc-<node>.<id>)`);
    } else if (RESERVED_NODE_NAMES.includes(name)) {
      issues.error(path, `node name '${name}' is reserved: containerlab reads '${name}:IF' in a link as a special endpoint, not as a node`);
    }
    const resolved = resolveNodeDefinition(levels, readNodeDefinition(issues.errors, path, raw, text));
    for (const [key, at] of resolved.ignored) {
      const seen = ignoredBy.get(key);
      if (seen) seen.count++;
      else ignoredBy.set(key, { count: 1, path: at });
    }
    if (resolved.group && !levels.groups.has(resolved.group.value)) {
      issues.warn(resolved.group.path, `group '${resolved.group.value}' is not defined in topology.groups: nodes inherit nothing from it`);
    }

    let kind: NodeKind | undefined;
    if (!resolved.kind) {
      // A node that is not even a mapping has its error already.
      if (absent(raw) || isObject(raw)) issues.error(path, `has no kind: set 'kind' on the node, its group or topology.defaults (sfclab supports ${NODE_KINDS.join(', ')})`);
    } else if ((NODE_KINDS as readonly string[]).includes(resolved.kind.value)) {
      kind = resolved.kind.value as NodeKind;
    } else {
      issues.error(resolved.kind.path, `kind '${resolved.kind.value}' is not supported by sfclab (supported: ${NODE_KINDS.join(', ')})`);
    }

    const sysctls: Record<string, string> = {};
    for (const [key, at] of resolved.sysctls) {
      if (key.startsWith('net.')) sysctls[key] = at.value;
      else issues.error(at.path, `only net.* sysctls are per network namespace (got '${key}')`);
    }

    let exec = resolved.exec.map((c) => c.value);
    if (kind === 'host' && exec.length > 0) {
      issues.warn(path, `node ${name} is kind host: its exec commands are ignored (sfclab never runs commands in the host namespace)`);
      exec = [];
    }

    const labels: Record<string, string> = {};
    const labelPaths = new Map<string, string>();
    for (const [key, at] of resolved.labels) {
      labels[key] = at.value;
      labelPaths.set(key, at.path);
      if (key.startsWith(LABEL_PREFIX) && !KNOWN_LABELS.includes(key)) issues.warn(at.path, `unknown srv6-sfc label '${key}' (known: ${KNOWN_LABELS.join(', ')})`);
    }

    let role: NodeRole | undefined;
    const roleAt = resolved.labels.get(ROLE_LABEL);
    if (roleAt) {
      if (!(NODE_ROLES as readonly string[]).includes(roleAt.value)) issues.error(roleAt.path, `must be one of ${NODE_ROLES.join(', ')} (got '${roleAt.value}')`);
      else if (kind !== undefined && kind !== 'linux') issues.error(roleAt.path, `a role needs kind linux (node ${name} is kind ${kind}): agents run in linux nodes`);
      else role = roleAt.value as NodeRole;
    }

    let locator: string | undefined;
    let locatorBits: ReadNode['locatorBits'];
    const locatorAt = resolved.labels.get(LOCATOR_LABEL);
    if (locatorAt) {
      const l = readLocator(issues, locatorAt);
      if (l) {
        if (!roleAt) issues.warn(locatorAt.path, `node ${name} has no ${ROLE_LABEL}: its locator is not used`);
        locator = l.text;
        locatorBits = { bytes: l.bytes, length: l.length, path: locatorAt.path };
        const clash = locators.find((o) => prefixesOverlap(o.bits, l));
        if (clash) issues.error(locatorAt.path, `locator ${l.text} overlaps node ${clash.name}'s locator ${clash.text}`);
        locators.push({ name, bits: l, text: l.text });
      }
    }

    const capacityAt = resolved.labels.get(CAPACITY_LABEL);
    if (capacityAt && !/^(0|[1-9][0-9]{0,8})$/.test(capacityAt.value)) issues.error(capacityAt.path, `must be a whole number ≥ 0 (got '${capacityAt.value}')`);

    const env: Record<string, string> = {};
    for (const [key, at] of resolved.env) env[key] = at.value;

    const node: TopologyNode = {
      name,
      kind: kind ?? 'linux',
      ...(role ? { role } : {}),
      labels,
      env,
      exec,
      sysctls,
      ...(locator ? { locator } : {}),
      path,
    };
    out.push({ node, labelPaths, ...(locatorBits ? { locatorBits } : {}) });
  }
  for (const key of IGNORED_NODE_KEYS) {
    const seen = ignoredBy.get(key);
    if (seen) issues.warn(seen.path, `'${key}' is ignored (on ${plural(seen.count, 'node')}): ${ignoredKeyReason(key)}`);
  }
  return out;
}
