/**
 * One level of containerlab node settings — `topology.defaults`, a `kinds` entry, a `groups` entry
 * or a node — read and checked for shape on its own, so every problem is reported at the level
 * that holds it. Inheritance (inherit.ts) then merges the levels.
 *
 * Keys fall in three sets: the ones sfclab honours, the containerlab node keys it knows but does
 * not honour (warned once per key by the caller), and everything else (an error: a misspelt key
 * would otherwise be silently dropped).
 */
import type { Violations } from '../common/errors.js';
import { absent, closest, describe, isObject } from '../chains/checks.js';
import { fieldPath, itemPath } from '../chains/field-path.js';

/** A value and the field path it was read from (for messages about inherited settings). */
export interface Sourced<T> {
  readonly value: T;
  readonly path: string;
}

export interface NodeDefinition {
  /** Field path of the level (`topology.defaults`, `topology.kinds.linux`, `topology.nodes.edge1`). */
  readonly path: string;
  readonly kind?: Sourced<string>;
  readonly group?: Sourced<string>;
  readonly labels: ReadonlyMap<string, Sourced<string>>;
  readonly env: ReadonlyMap<string, Sourced<string>>;
  readonly sysctls: ReadonlyMap<string, Sourced<string>>;
  readonly exec: readonly Sourced<string>[];
  /** Keys containerlab knows and sfclab does not honour → their path. */
  readonly ignored: ReadonlyMap<string, string>;
}

/** Node keys sfclab honours. */
export const HONOURED_NODE_KEYS = ['kind', 'group', 'labels', 'env', 'exec', 'sysctls'] as const;

/**
 * Node keys containerlab accepts (types/node_definition.go, schemas/clab.schema.json, including
 * older spellings still found in files) that mean nothing to a network-namespace runner.
 */
export const IGNORED_NODE_KEYS: readonly string[] = [
  'type',
  'image',
  'image-pull-policy',
  'license',
  'position',
  'startup-config',
  'startup-delay',
  'enforce-startup-config',
  'suppress-startup-config',
  'auto-remove',
  'restart-policy',
  'config',
  'entrypoint',
  'cmd',
  'binds',
  'devices',
  'cap-add',
  'shm-size',
  'ports',
  'publish',
  'mgmt-ipv4',
  'mgmt-ipv6',
  'mgmt_ipv4',
  'mgmt_ipv6',
  'env-files',
  'user',
  'network-mode',
  'sandbox',
  'kernel',
  'runtime',
  'cpu',
  'cpu-set',
  'memory',
  'extras',
  'stages',
  'wait-for',
  'dns',
  'certificate',
  'SANs',
  'healthcheck',
  'aliases',
  'components',
];

const ALL_NODE_KEYS: readonly string[] = [...HONOURED_NODE_KEYS, ...IGNORED_NODE_KEYS];

/**
 * A scalar as the string containerlab would read (its YAML decoder puts a scalar's source text
 * into a string field): `scalarText` gives the source text of the scalar at a path, so `1.10`
 * stays `1.10` rather than becoming the number 1.1.
 */
export type ScalarText = (path: string, value: unknown) => string;

/** The scalar at `path` as a string, or undefined (with an error) for a list or a mapping. */
function readScalar(v: Violations, path: string, x: unknown, text: ScalarText): string | undefined {
  if (x === null || x === undefined) return '';
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean') return text(path, x);
  v.add(path, `must be a string (got ${describe(x)})`);
  return undefined;
}

function readStringMap(v: Violations, path: string, x: unknown, text: ScalarText): Map<string, Sourced<string>> {
  const out = new Map<string, Sourced<string>>();
  if (absent(x)) return out;
  if (!isObject(x)) {
    v.add(path, `must be a mapping of names to strings (got ${describe(x)})`);
    return out;
  }
  for (const [key, value] of Object.entries(x)) {
    const at = fieldPath(path, key);
    const s = readScalar(v, at, value, text);
    if (s !== undefined) out.set(key, { value: s, path: at });
  }
  return out;
}

function readName(v: Violations, path: string, x: unknown): Sourced<string> | undefined {
  if (absent(x)) return undefined;
  if (typeof x !== 'string' || x === '') {
    v.add(path, `must be a non-empty string (got ${describe(x)})`);
    return undefined;
  }
  return { value: x, path };
}

/** Reads one level; shape errors go to `errors`, nothing is warned here. */
export function readNodeDefinition(errors: Violations, path: string, x: unknown, text: ScalarText): NodeDefinition {
  const empty: NodeDefinition = { path, labels: new Map(), env: new Map(), sysctls: new Map(), exec: [], ignored: new Map() };
  // `node1:` with nothing under it is a node with no settings of its own, as in containerlab.
  if (absent(x)) return empty;
  if (!isObject(x)) {
    errors.add(path, `must be a mapping of node settings (got ${describe(x)})`);
    return empty;
  }
  const ignored = new Map<string, string>();
  for (const key of Object.keys(x)) {
    if (IGNORED_NODE_KEYS.includes(key)) ignored.set(key, fieldPath(path, key));
    else if (!(HONOURED_NODE_KEYS as readonly string[]).includes(key)) {
      const guess = closest(key, ALL_NODE_KEYS);
      errors.add(fieldPath(path, key), `unknown key${guess ? `; did you mean '${guess}'?` : ''} (sfclab honours ${HONOURED_NODE_KEYS.join(', ')})`);
    }
  }
  const exec: Sourced<string>[] = [];
  const execPath = fieldPath(path, 'exec');
  if (Array.isArray(x.exec)) {
    x.exec.forEach((cmd, i) => {
      const at = itemPath(execPath, i);
      if (typeof cmd === 'string' && cmd.trim() !== '') exec.push({ value: cmd, path: at });
      else errors.add(at, `must be a command string (got ${describe(cmd)})`);
    });
  } else if (!absent(x.exec)) errors.add(execPath, `must be a list of commands (got ${describe(x.exec)})`);
  const kind = readName(errors, fieldPath(path, 'kind'), x.kind);
  const group = readName(errors, fieldPath(path, 'group'), x.group);
  return {
    path,
    ...(kind ? { kind } : {}),
    ...(group ? { group } : {}),
    labels: readStringMap(errors, fieldPath(path, 'labels'), x.labels, text),
    env: readStringMap(errors, fieldPath(path, 'env'), x.env, text),
    sysctls: readStringMap(errors, fieldPath(path, 'sysctls'), x.sysctls, text),
    exec,
    ignored,
  };
}
