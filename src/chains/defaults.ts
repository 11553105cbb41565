/**
 * The defaults the model documents, made explicit. Parsing does not apply them: a document reads
 * back as written, and the controller defaults every chain the same way whether it came from YAML
 * or gRPC (as a Kubernetes API server does), so `get -o yaml` shows what is in effect.
 */
import type { ChainSpec } from '../model/chain.js';

export const DEFAULT_DECAP = 'auto' as const;
export const DEFAULT_SR = 'unaware' as const;
export const DEFAULT_PROXY = 'auto' as const;

/**
 * A function's own `proxy` stays absent: it inherits the chain's, so one change of the chain's
 * `proxy` still reaches every function that did not choose for itself.
 */
export function withDefaults(spec: ChainSpec): ChainSpec {
  return {
    ...spec,
    egress: { ...spec.egress, decap: spec.egress.decap ?? DEFAULT_DECAP },
    functions: spec.functions.map((f) => ({ ...f, sr: f.sr ?? DEFAULT_SR })),
    proxy: spec.proxy ?? DEFAULT_PROXY,
  };
}
