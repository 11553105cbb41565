/**
 * The part of a node agent the reconciler uses, and how it reaches one. `AgentClient` (gRPC) fits
 * `NodeAgent` structurally; tests plug in agents backed by the real agent reconciler over a fake
 * kernel. Errors are classified here once, so the rest of the reconciler speaks in reasons.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ApplyOptions } from '../../agent/agent-core.js';
import type { NodeIntent } from '../../agent/intent/node-intent.js';
import type { AgentEvent, ApplyResult, ObservedState } from '../../agent/reconcile/types.js';
import { DomainError, UnavailableError } from '../../common/errors.js';
import { decodeRpcError } from '../../common/grpc/errors.js';
import type { NodeRecord } from '../../model/node.js';
import type { AgentPool } from '../agents/agent-pool.js';

export interface NodeAgent {
  apply(intent: NodeIntent, options?: ApplyOptions): Promise<ApplyResult>;
  observed(): Promise<ObservedState>;
  /** Streams the agent's events until stopped; optional (not every agent can push events). */
  watch?(listener: (e: AgentEvent) => void, onEnd?: (err?: Error) => void): { stop(): void };
}

export interface AgentDirectory {
  /** The node's agent (dialled at the node's registered address). */
  agent(node: NodeRecord): NodeAgent;
}

/** The production directory: the controller's pool of gRPC clients. */
export const poolDirectory = (pool: AgentPool): AgentDirectory => ({ agent: (n) => pool.client(n.name, n.address) });

export type AgentFailureReason = 'NodeUnreachable' | 'StaleGeneration' | 'AgentError';

export interface AgentFailure {
  readonly reason: AgentFailureReason;
  readonly message: string;
}

const UNREACHABLE_CODES: ReadonlySet<number> = new Set([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.CANCELLED]);

/**
 * A failed call to an agent, as a condition reason: the transport could not reach it
 * (NodeUnreachable), it refused the intent's generation as older than what it holds
 * (StaleGeneration: the controller must go above it), or anything else it answered (AgentError).
 */
export function classifyAgentError(err: unknown): AgentFailure {
  if (err instanceof DomainError) {
    if (err.reason === 'STALE_GENERATION') return { reason: 'StaleGeneration', message: err.message };
    return { reason: err instanceof UnavailableError ? 'NodeUnreachable' : 'AgentError', message: err.message };
  }
  const rpc = decodeRpcError(err);
  if (rpc.reason === 'STALE_GENERATION') return { reason: 'StaleGeneration', message: rpc.message };
  if (UNREACHABLE_CODES.has(rpc.code)) return { reason: 'NodeUnreachable', message: rpc.message || rpc.codeName };
  return { reason: 'AgentError', message: `${rpc.reason}: ${rpc.message}` };
}
