/**
 * A promise-based AgentService client (the controller's agent pool, tests, tools): typed domain
 * objects in and out through the same codecs the server uses; failures as ServiceErrors whose
 * details `decodeRpcError` reads.
 */
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../../common/grpc/load-proto.js';
import type { AgentEvent__Output } from '../../gen/srv6sfc/agent/v1/AgentEvent.js';
import type { AgentServiceClient } from '../../gen/srv6sfc/agent/v1/AgentService.js';
import type { ApplyIntentResponse__Output } from '../../gen/srv6sfc/agent/v1/ApplyIntentResponse.js';
import type { GetNodeResponse__Output } from '../../gen/srv6sfc/agent/v1/GetNodeResponse.js';
import type { GetObservedResponse__Output } from '../../gen/srv6sfc/agent/v1/GetObservedResponse.js';
import type { AgentCore, ApplyOptions, NodeInfo } from '../agent-core.js';
import type { NodeIntent } from '../intent/node-intent.js';
import type { AgentEvent, ApplyResult, ObservedState } from '../reconcile/types.js';
import { applyResultFromProto } from './apply-result-codec.js';
import { eventFromProto } from './event-codec.js';
import { intentToProto } from './intent-codec.js';
import { nodeInfoFromProto } from './node-codec.js';
import { observedFromProto } from './observed-codec.js';

export interface AgentClientOptions {
  /** Deadline of each unary call (default 30 s: a large intent may spawn many instances). */
  readonly deadlineMs?: number;
  readonly credentials?: grpc.ChannelCredentials;
}

export class AgentClient implements Omit<AgentCore, 'onEvent'> {
  private readonly client: AgentServiceClient;
  private readonly deadlineMs: number;

  constructor(
    readonly address: string,
    opts: AgentClientOptions = {},
  ) {
    const { srv6sfc } = loadProtos();
    this.client = new srv6sfc.agent.v1.AgentService(address, opts.credentials ?? grpc.credentials.createInsecure());
    this.deadlineMs = opts.deadlineMs ?? 30_000;
  }

  private unary<Res>(start: (opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
      start({ deadline: Date.now() + this.deadlineMs }, (err, res) => (err ? reject(err) : resolve(res as Res)));
    });
  }

  async apply(intent: NodeIntent, options: ApplyOptions = { validateOnly: false }): Promise<ApplyResult> {
    const res = await this.unary<ApplyIntentResponse__Output>((o, cb) => this.client.applyIntent({ intent: intentToProto(intent), validateOnly: options.validateOnly }, o, cb));
    return applyResultFromProto(res);
  }

  async observed(): Promise<ObservedState> {
    const res = await this.unary<GetObservedResponse__Output>((o, cb) => this.client.getObserved({}, o, cb));
    return observedFromProto(res.observed);
  }

  async node(): Promise<NodeInfo> {
    const res = await this.unary<GetNodeResponse__Output>((o, cb) => this.client.getNode({}, o, cb));
    return nodeInfoFromProto(res.node);
  }

  /** Streams events until `stop()` is called (or the server ends the stream: `onEnd`). */
  watch(listener: (e: AgentEvent) => void, onEnd?: (err?: Error) => void): { stop(): void } {
    const call = this.client.watchEvents({});
    call.on('data', (m: { event?: AgentEvent__Output | null }) => listener(eventFromProto(m.event)));
    call.on('error', (e: grpc.ServiceError) => {
      if (e.code !== grpc.status.CANCELLED) onEnd?.(e);
    });
    call.on('end', () => onEnd?.());
    return { stop: () => call.cancel() };
  }

  /** Resolves once the channel is connected (or rejects after `timeoutMs`). */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => this.client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.client.close();
  }
}
