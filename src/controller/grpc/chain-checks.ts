/**
 * A chain that arrived over gRPC goes through the same rules as a YAML document (src/chains:
 * readLabels and readChainSpec, then the documented defaults), so an API client and `sfcctl
 * apply` are refused and accepted alike, and stored chains look the same whichever way they came.
 *
 * The codecs have already checked shape into the request's ProtoReader; the meaning checks add
 * their violations to the same reader, translated to proto paths (chain-paths.ts), except where
 * the codec already reported the field or a parent of it (a malformed `nodes/...` name is one
 * problem, not two). The caller then throws once, with every violation of the request.
 */
import { Violations } from '../../common/errors.js';
import type { ProtoReader } from '../../common/grpc/proto-reader.js';
import { withDefaults } from '../../chains/defaults.js';
import { readLabels } from '../../chains/names.js';
import { readChainSpec } from '../../chains/validate-document.js';
import type { ChainFunction, ChainSpec } from '../../model/chain.js';
import { chainProtoPath } from './chain-paths.js';

export interface CheckedChain {
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: ChainSpec;
}

/**
 * proto3 cannot tell an empty repeated field from an absent one: both read as `[]`. Documents
 * treat an empty list and an absent key differently (`functions: []` vs no functions at all), so
 * the wire's empty lists are read as absent, the one meaning they can have on the wire.
 */
export function withoutEmptyLists(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutEmptyLists);
  if (typeof x !== 'object' || x === null) return x;
  return Object.fromEntries(
    Object.entries(x)
      .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => [k, withoutEmptyLists(v)]),
  );
}

/**
 * Protobuf maps have no order, and the registry compares and hashes (etag) chains as JSON: keys
 * are sorted so the same labels sent in another order are the same chain, not an update.
 */
const sortedKeys = (m: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const canonicalFunction = (f: ChainFunction): ChainFunction =>
  f.placement?.nodeSelector ? { ...f, placement: { ...f.placement, nodeSelector: sortedKeys(f.placement.nodeSelector) } } : f;

/** Whether `path` is one the reader already reported, or lies under one. */
function covered(r: ProtoReader, path: string): boolean {
  return r.violations.list.some((x) => path === x.field || path.startsWith(`${x.field}.`) || path.startsWith(`${x.field}[`));
}

/**
 * Checks labels and spec (decoded from the request field `prefix`) into `r`. Returns the chain
 * as it is stored: normalized as documents are (a protocol number with a name becomes the name),
 * with the defaults made explicit and map keys sorted. Meaningful only when `r` has no violation.
 */
export function checkChain(r: ProtoReader, chain: CheckedChain, prefix = 'chain'): CheckedChain {
  const v = new Violations();
  const labels = readLabels(v, 'labels', chain.labels);
  const spec = readChainSpec(v, 'spec', withoutEmptyLists(chain.spec));
  for (const x of v.list) {
    const path = chainProtoPath(x.field, chain.spec, prefix);
    if (!covered(r, path)) r.add(path, x.description);
  }
  if (!labels || !spec) return chain;
  const defaulted = withDefaults(spec);
  return { labels: sortedKeys(labels), spec: { ...defaulted, functions: defaulted.functions.map(canonicalFunction) } };
}
