/**
 * The checks of a chain that need the rest of the world — do the nodes it names exist, does its
 * classifier collide with another chain's at the same ingress — as the ChainRegistry's validator.
 * The registry runs it inside its write transaction, so the answer holds for the state the chain
 * is stored into. The rules are src/chains' validateAgainst, the same sfcctl runs on documents;
 * paths are domain paths (`spec.ingress.node`), which the ChainService translates for the wire
 * (`withChainPaths`).
 */
import { InvalidArgumentError } from '../../common/errors.js';
import { validateAgainst } from '../../chains/validate-against.js';
import type { ChainSpec } from '../../model/chain.js';
import type { ChainValidator } from '../chains/chain-registry.js';
import { chainProtoPath } from './chain-paths.js';

export const chainWorldValidator: ChainValidator = (chain, state) =>
  validateAgainst([{ name: chain.name, labels: chain.labels ?? {}, spec: chain.spec }], {
    nodes: new Set(Object.keys(state.nodes)),
    existing: Object.values(state.chains),
  }).map((e) => ({ field: e.field, description: e.description }));

/** An INVALID_ARGUMENT from the registry (domain paths) with the request's proto paths; anything else as it is. */
export function withChainPaths(err: unknown, spec: ChainSpec, prefix = 'chain'): unknown {
  if (!(err instanceof InvalidArgumentError)) return err;
  const violations = err.violations.map((v) => ({ field: chainProtoPath(v.field, spec, prefix), description: v.description }));
  return new InvalidArgumentError(violations, 'invalid chain');
}
