/**
 * UpdateChain's `update_mask` (AIP-134, AIP-161) and the patch it selects from the request's
 * chain. Updatable paths are `labels`, `spec`, and the spec's parts `spec.ingress`,
 * `spec.egress`, `spec.functions`, `spec.proxy`, each replaced whole (a repeated field or a map
 * cannot be addressed inside); `*` or an empty mask means `labels` and `spec`. Output-only and
 * identifying paths (`name`, `etag`, `generation`, `create_time`, `update_time`, `reconciling`,
 * `status...`) are ignored; any other path is INVALID_ARGUMENT on `update_mask.paths[i]`.
 * Fields the mask does not name are not read, so they need not be valid.
 */
import { InvalidArgumentError } from '../../../common/errors.js';
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';
import type { FieldMask__Output } from '../../../gen/google/protobuf/FieldMask.js';
import type { Chain__Output } from '../../../gen/srv6sfc/v1/Chain.js';
import type { Chain, ChainSpec } from '../../../model/chain.js';
import { egressFromProto, functionsFromProto, ingressFromProto, proxyFromProto, specFromProto } from './chain-spec-codec.js';

type SpecPart = 'ingress' | 'egress' | 'functions' | 'proxy';
export type ChainUpdatePath = 'labels' | 'spec' | `spec.${SpecPart}`;

const SPEC_PARTS: readonly SpecPart[] = ['ingress', 'egress', 'functions', 'proxy'];
const UPDATABLE: readonly ChainUpdatePath[] = ['labels', 'spec', ...SPEC_PARTS.map((p): ChainUpdatePath => `spec.${p}`)];
const IGNORED = /^(name|etag|generation|create_time|update_time|reconciling|status(\..+)?)$/;

/** The fields an UpdateChain replaces, and their new values. */
export interface ChainPatch {
  /** Normalized: no duplicates, no path under another one (`spec` covers `spec.proxy`). */
  readonly paths: readonly ChainUpdatePath[];
  /** The new labels, when `labels` is in `paths`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The new parts of the spec named by `paths`; a part whose key is present but undefined (`proxy`) is reset to its default. */
  readonly spec: Partial<ChainSpec>;
}

/** The mask's updatable paths, normalized; unknown paths are violations. */
export function updateMaskFromProto(r: ProtoReader, path: string, mask: FieldMask__Output | null): ChainUpdatePath[] {
  const raw = mask?.paths ?? [];
  if (raw.length === 0 || raw.includes('*')) {
    raw.forEach((p, i) => p !== '*' && r.add(`${path}.paths[${i}]`, `must be the only path with "*", got ${JSON.stringify(p)}`));
    return ['labels', 'spec'];
  }
  const chosen = new Set<ChainUpdatePath>();
  raw.forEach((p, i) => {
    if ((UPDATABLE as readonly string[]).includes(p)) chosen.add(p as ChainUpdatePath);
    else if (!IGNORED.test(p)) r.add(`${path}.paths[${i}]`, `is not an updatable field (one of ${UPDATABLE.join(', ')}, or *), got ${JSON.stringify(p)}`);
  });
  return [...chosen].filter((p) => !(p.startsWith('spec.') && chosen.has('spec')));
}

/** Reads from the request's chain (at `path`) exactly the fields `paths` name. */
export function readChainPatch(r: ProtoReader, m: Chain__Output, path: string, paths: readonly ChainUpdatePath[]): ChainPatch {
  let spec: Partial<ChainSpec> = {};
  if (paths.includes('spec')) spec = specFromProto(r, m.spec, `${path}.spec`);
  else {
    const parts = SPEC_PARTS.filter((p) => paths.includes(`spec.${p}`));
    const s = m.spec;
    if (parts.length > 0 && !s) r.add(`${path}.spec`, 'is required');
    if (s) {
      for (const part of parts) {
        const at = `${path}.spec.${part}`;
        if (part === 'ingress') spec = { ...spec, ingress: ingressFromProto(r, s.ingress, at) };
        else if (part === 'egress') spec = { ...spec, egress: egressFromProto(r, s.egress, at) };
        else if (part === 'functions') spec = { ...spec, functions: functionsFromProto(r, s.functions, at) };
        else spec = { ...spec, proxy: proxyFromProto(r, s.proxy, at) };
      }
    }
  }
  return { paths, ...(paths.includes('labels') ? { labels: { ...m.labels } } : {}), spec };
}

/**
 * The labels and spec after the patch. `current` undefined (UpdateChain with allow_missing on a
 * missing chain) creates: the patch must then carry at least the ingress and the egress.
 */
export function applyChainPatch(current: Pick<Chain, 'labels' | 'spec'> | undefined, patch: ChainPatch): Pick<Chain, 'labels' | 'spec'> {
  const spec = { ...current?.spec, ...patch.spec };
  if (!spec.ingress || !spec.egress) {
    throw new InvalidArgumentError(
      (['ingress', 'egress'] as const).filter((p) => !spec[p]).map((p) => ({ field: `chain.spec.${p}`, description: 'is required to create the chain (allow_missing)' })),
      'cannot create the chain',
    );
  }
  const { proxy, ...rest } = spec;
  return {
    labels: patch.labels ?? current?.labels ?? {},
    spec: { ...rest, ingress: spec.ingress, egress: spec.egress, functions: spec.functions ?? [], ...(proxy ? { proxy } : {}) },
  };
}
