/**
 * Field paths of the chain validator (src/chains: camelCase domain paths, as in YAML documents,
 * `spec.functions[2].placement.nodeSelector["srv6-sfc/role"]`) → the request's proto field paths
 * (`chain.spec.functions[2].placement.node_selector["srv6-sfc/role"]`), which is what AIP-193
 * asks BadRequest field violations to name.
 *
 * Two differences need more than a case change: a function's `config` is, on the wire, the
 * member of the `type` oneof named after its type (`firewall`, `nat`, ...), and a NAT's
 * `config.toAddress` sits in the `snat` member of the NatConfig `mode` oneof. Quoted keys (label
 * keys) are kept exactly as written.
 */
import { protoFieldPath } from '../../common/grpc/field-path.js';
import type { ChainSpec } from '../../model/chain.js';

type Segment = { readonly kind: 'field'; readonly name: string } | { readonly kind: 'index'; readonly text: string };

const TOKEN = /\.?([A-Za-z_][A-Za-z0-9_-]*)|(\[\d+\]|\["(?:[^"\\]|\\.)*"\])/y;

/** Splits a path into fields and `[3]` / `["key"]` indexes; undefined when it is not one. */
function segments(path: string): Segment[] | undefined {
  const out: Segment[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < path.length) {
    const m = TOKEN.exec(path);
    if (!m) return undefined;
    out.push(m[1] !== undefined ? { kind: 'field', name: m[1] } : { kind: 'index', text: m[2]! });
  }
  return out;
}

/** Map fields of a chain: the segment after them is a key. */
const MAPS: ReadonlySet<string> = new Set(['labels', 'nodeSelector']);

const field = (name: string): Segment => ({ kind: 'field', name });

/** `spec.functions[i].config...` → `spec.functions[i].<type>...` (and a NAT's snat member). */
function configMember(segs: Segment[], spec: ChainSpec | undefined): Segment[] {
  const [s, f, i, c, ...rest] = segs;
  if (s?.kind !== 'field' || s.name !== 'spec' || f?.kind !== 'field' || f.name !== 'functions') return segs;
  if (i?.kind !== 'index' || c?.kind !== 'field' || c.name !== 'config') return segs;
  const type = spec?.functions[Number(i.text.slice(1, -1))]?.type;
  if (type === undefined) return segs;
  return [s, f, i, field(type), ...(type === 'nat' ? natTail(rest) : rest)];
}

/** Inside a NatConfig: `mode` is the oneof itself (reported on `nat`), `toAddress` sits in `snat`. */
function natTail(rest: Segment[]): Segment[] {
  const first = rest[0];
  if (first?.kind !== 'field') return rest;
  if (first.name === 'mode') return rest.slice(1);
  if (first.name === 'toAddress') return [field('snat'), ...rest];
  return rest;
}

/**
 * The proto path of a domain path found in the chain whose spec is `spec`, under the request
 * field `prefix` (`chain`). A path it cannot parse is only prefixed (never lost).
 */
export function chainProtoPath(domainPath: string, spec: ChainSpec | undefined, prefix = 'chain'): string {
  const segs = segments(domainPath);
  if (!segs) return domainPath === '' ? prefix : `${prefix}.${domainPath}`;
  const mapped = configMember(segs, spec);
  // A map's key (`labels.App`) is data, not a field name: kept as written.
  const text = mapped
    .map((s, i) => {
      if (s.kind === 'index') return s.text;
      const before = mapped[i - 1];
      return before?.kind === 'field' && MAPS.has(before.name) ? `.${s.name}` : `.${protoFieldPath(s.name)}`;
    })
    .join('');
  return `${prefix}${text}`;
}
