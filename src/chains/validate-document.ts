/**
 * One chain document, already parsed from YAML into plain JS values, checked field by field
 * into the model's ChainDeclaration. Every violation is recorded with its path and nothing is
 * returned unless the document is entirely valid. The spec reader works on any plain value, so
 * the controller can run the same rules on chains that arrive over gRPC.
 */
import type { Violations } from '../common/errors.js';
import type { ChainDeclaration, ChainSpec, Egress, Ingress } from '../model/chain.js';
import { API_VERSION, KIND } from './chain-document.js';
import { absent, compact, describe, fail, readEnum, readFields } from './checks.js';
import { fieldPath } from './field-path.js';
import { readDnsLabel, readLabels, readNodeName } from './names.js';
import { PROXY_MODES, readFunctions } from './validate-functions.js';
import { readMatch } from './validate-match.js';

export const DOCUMENT_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'] as const;
export const SPEC_FIELDS = ['ingress', 'egress', 'functions', 'proxy'] as const;
export const DECAP_MODES = ['auto', 'dx', 'dt46'] as const satisfies readonly NonNullable<Egress['decap']>[];
export { PROXY_MODES };

/** A required mapping: absent is "is required", anything else goes through readFields. */
function requiredFields(v: Violations, path: string, x: unknown, allowed: readonly string[], help: string) {
  if (absent(x)) return fail(v, path, `is required: ${help}`);
  return readFields(v, path, x, allowed);
}

function readIngress(v: Violations, path: string, x: unknown): Ingress | undefined {
  const i = requiredFields(v, path, x, ['node', 'match'], '{node, match}');
  if (!i) return undefined;
  const node = readNodeName(v, fieldPath(path, 'node'), i.node);
  const mPath = fieldPath(path, 'match');
  const match = absent(i.match) ? fail(v, mPath, 'is required: {destinations, sources, protocol, ports, interface}') : readMatch(v, mPath, i.match);
  return node && match ? { node, match } : undefined;
}

function readEgress(v: Violations, path: string, x: unknown): Egress | undefined {
  const e = requiredFields(v, path, x, ['node', 'decap'], '{node, decap}');
  if (!e) return undefined;
  const node = readNodeName(v, fieldPath(path, 'node'), e.node);
  const decap = absent(e.decap) ? undefined : readEnum(v, fieldPath(path, 'decap'), e.decap, DECAP_MODES);
  return node ? compact({ node, decap }) : undefined;
}

/** `spec` of a chain from any source; undefined (violations recorded under `path`) unless valid. */
export function readChainSpec(v: Violations, path: string, x: unknown): ChainSpec | undefined {
  const before = v.list.length;
  const s = requiredFields(v, path, x, SPEC_FIELDS, '{ingress, egress, functions}');
  if (!s) return undefined;
  const ingress = readIngress(v, fieldPath(path, 'ingress'), s.ingress);
  const egress = readEgress(v, fieldPath(path, 'egress'), s.egress);
  const functions = readFunctions(v, fieldPath(path, 'functions'), s.functions);
  const proxy = absent(s.proxy) ? undefined : readEnum(v, fieldPath(path, 'proxy'), s.proxy, PROXY_MODES);
  if (v.list.length !== before) return undefined;
  return compact({ ingress: ingress!, egress: egress!, functions: functions!, proxy });
}

function readConstant(v: Violations, path: string, x: unknown, expected: string): void {
  if (absent(x)) v.add(path, `is required: ${expected}`);
  else if (x !== expected) v.add(path, `must be ${expected} (got ${describe(x)})`);
}

/** A whole document (apiVersion, kind, metadata, spec) at the root path ''. */
export function readChainDocument(v: Violations, x: unknown): ChainDeclaration | undefined {
  const before = v.list.length;
  const doc = readFields(v, '', x, DOCUMENT_FIELDS, `a chain document: a mapping with apiVersion, kind, metadata and spec`);
  if (!doc) return undefined;
  readConstant(v, 'apiVersion', doc.apiVersion, API_VERSION);
  readConstant(v, 'kind', doc.kind, KIND);
  const meta = requiredFields(v, 'metadata', doc.metadata, ['name', 'labels'], '{name, labels}');
  const name = meta ? readDnsLabel(v, 'metadata.name', meta.name) : undefined;
  const labels = meta && !absent(meta.labels) ? readLabels(v, 'metadata.labels', meta.labels) : {};
  const spec = readChainSpec(v, 'spec', doc.spec);
  if (v.list.length !== before) return undefined;
  return { name: name!, labels: labels!, spec: spec! };
}
