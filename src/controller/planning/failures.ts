/**
 * Why a chain could not be planned. Planning never throws for a chain: it returns one of these, the
 * reconciler turns it into `Placed=False` (reason = the CamelCase reason), and a dry run or the gRPC
 * layer turns it into a domain error with `failureError`.
 */
import { type DomainError, FailedPreconditionError, ResourceExhaustedError } from '../../common/errors.js';

export const PLAN_FAILURE_REASONS = [
  /** A node named by the chain (ingress, egress, a pin) is not registered. */
  'UnknownNode',
  /** A pinned node is registered but not READY. */
  'NodeNotReady',
  /** No node satisfies a function's constraints (pin, selector, runtime, a core interface). */
  'NoNodeFits',
  /** Nodes qualify but every one is at its capacity. */
  'CapacityExhausted',
  /** A node's SID space, chain ids or instance slots are used up. */
  'ResourceExhausted',
  /** A function asks for `proxy: dynamic` where the dynamic proxy cannot serve it (proxy-modes.ts). */
  'DynamicProxyUnsupported',
  /** IPv4 and IPv6 in one chain need per-family segment lists the agent's intent cannot carry yet. */
  /** `decap: dt46` on an egress without VRF (or without a declared VRF table). */
  'DecapUnsupported',
  /** `sr: aware`: no function type performs End itself yet. */
  'SrAwareUnsupported',
  /** An ingress or egress node has no core interface to encapsulate by / attach SIDs to. */
  'NoCoreInterface',
  /** `match.interface` is not an interface of the ingress node. */
  'UnknownInterface',
  /** The match yields no usable classifier (bad prefix, no destination of a source's family). */
  'InvalidMatch',
  /** More rule-based classifiers than the agent can give priorities to. */
  'TooManyClassifiers',
  /** Another chain on the same ingress already selects the same traffic. */
  'ClassifierConflict',
  /** A function's type or configuration is invalid. */
  'InvalidFunction',
] as const;

export type PlanFailureReason = (typeof PLAN_FAILURE_REASONS)[number];

export interface PlanFailure {
  readonly reason: PlanFailureReason;
  readonly message: string;
  /** Path of the chain field the failure is about, e.g. `spec.functions[1].placement.node`. */
  readonly field?: string;
}

export const failure = (reason: PlanFailureReason, message: string, field?: string): PlanFailure =>
  field === undefined ? { reason, message } : { reason, message, field };

/** `CapacityExhausted` → `CAPACITY_EXHAUSTED`: domain error reasons are UPPER_SNAKE_CASE. */
const upperSnake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/**
 * The domain error for a failure (validate_only, a synchronous apply): the two exhaustion reasons
 * are RESOURCE_EXHAUSTED (retrying after something is freed can help), everything else is a
 * precondition of the world (nodes, features) the chain does not meet.
 */
export function failureError(chain: string, f: PlanFailure): DomainError {
  const message = `chain ${chain}: ${f.field !== undefined ? `${f.field}: ` : ''}${f.message}`;
  if (f.reason === 'ResourceExhausted' || f.reason === 'CapacityExhausted') return new ResourceExhaustedError(message, upperSnake(f.reason));
  return new FailedPreconditionError(message, upperSnake(f.reason));
}
