/**
 * Name syntax shared by chain documents: chain and function names (DNS labels, they become parts
 * of resource names), node names, Linux interface names, and Kubernetes-style labels (the same
 * syntax the topology files' `srv6-sfc/...` labels use, so selectors and labels read alike).
 */
import type { Violations } from '../common/errors.js';
import { CHAIN_NAME } from '../model/chain.js';
import { describe, fail, isObject, readString } from './checks.js';
import { fieldPath } from './field-path.js';

export const DNS_LABEL_RULE = "must be a DNS label: 1..63 lowercase letters, digits and '-', starting and ending with a letter or digit";

/**
 * Node names as topologies spell them. No '/' (it would break `nodes/{node}` resource names) and no
 * '.' (the agent names instance namespaces `sfc-<node>.<id>` and splits on the dot).
 */
const NODE_NAME = /^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;
const NODE_NAME_RULE = "must be a node name: 1..63 letters, digits, '_' or '-', starting and ending with a letter or digit";

/** Label name part and value: at most 63 of [A-Za-z0-9._-], alphanumeric at both ends. */
const LABEL_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
/** Optional label key prefix: a DNS subdomain (`srv6-sfc`, `example.com`), at most 253 characters. */
const LABEL_PREFIX = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function readDnsLabel(v: Violations, path: string, x: unknown): string | undefined {
  const s = readString(v, path, x);
  if (s !== undefined && !CHAIN_NAME.test(s)) return fail(v, path, `'${s}' ${DNS_LABEL_RULE}`);
  return s;
}

export function readNodeName(v: Violations, path: string, x: unknown): string | undefined {
  const s = readString(v, path, x);
  if (s !== undefined && !NODE_NAME.test(s)) return fail(v, path, `'${s}' ${NODE_NAME_RULE}`);
  return s;
}

/** As the kernel's dev_valid_name: 1..15 bytes, not '.' or '..', no '/', ':' or whitespace. */
export function readInterfaceName(v: Violations, path: string, x: unknown): string | undefined {
  const s = readString(v, path, x);
  if (s === undefined) return undefined;
  if (s.length === 0 || Buffer.byteLength(s) > 15 || s === '.' || s === '..' || /[/:\s]/.test(s)) {
    return fail(v, path, `'${s}' is not a Linux interface name (1..15 characters, no '/', ':' or spaces)`);
  }
  return s;
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix))) return `label key prefix '${prefix}' must be a lowercase DNS subdomain`;
  if (!LABEL_NAME.test(name)) return `label key '${key}' must be [prefix/]name, the name 1..63 of letters, digits, '.', '_' or '-', alphanumeric at both ends`;
  return undefined;
}

/**
 * A map of labels (metadata.labels) or of required labels (placement.nodeSelector). Values must be
 * strings: YAML reads `tier: 1` as a number, and silently turning it into '1' would hide a typo
 * such as `enabled: yes` vs `true`.
 */
export function readLabels(v: Violations, path: string, x: unknown): Record<string, string> | undefined {
  if (!isObject(x)) return fail(v, path, `must be a mapping of label keys to string values (got ${describe(x)})`);
  const before = v.list.length;
  for (const [key, value] of Object.entries(x)) {
    const kp = fieldPath(path, key);
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) v.add(kp, keyProblem);
    if (typeof value !== 'string') v.add(kp, `label value must be a string (got ${describe(value)}); quote it`);
    else if (value !== '' && !LABEL_NAME.test(value)) v.add(kp, `label value '${value}' must be empty or 1..63 of letters, digits, '.', '_' or '-', alphanumeric at both ends`);
  }
  return v.list.length === before ? (x as Record<string, string>) : undefined;
}
