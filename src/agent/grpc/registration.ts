/**
 * The agent's registration with the controller (srv6sfc.v1.NodeService): RegisterNode at start,
 * then Heartbeat every interval. When a heartbeat answers NOT_FOUND (the controller lost or
 * removed the node) the agent registers again at once; when the controller cannot be reached,
 * calls are retried with exponential backoff and jitter. The agent serves its own gRPC API the
 * whole time, so it also runs standalone, driven directly (tests, a controller that comes later).
 *
 * Stopping does not deregister: a restarting agent should not make the controller forget the
 * node; missed heartbeats mark it unreachable instead.
 */
import * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject, injectable } from 'inversify';
import { Backoff, type BackoffOptions } from '../../common/backoff.js';
import { decodeRpcError } from '../../common/grpc/errors.js';
import { loadProtos } from '../../common/grpc/load-proto.js';
import type { Hook } from '../../common/lifecycle.js';
import { logger } from '../../common/logger.js';
import type { NodeServiceClient } from '../../gen/srv6sfc/v1/NodeService.js';
import { AgentCore } from '../agent-core.js';
import { nodeResource } from './node-resource.js';

export interface RegistrationOptions {
  /** `host:port` of the controller's NodeService. */
  readonly controller: string;
  /** Between heartbeats (default 10 s). */
  readonly heartbeatIntervalMs?: number;
  /** Deadline of each call (default 5 s). */
  readonly callTimeoutMs?: number;
  /** Retry pacing while the controller is unreachable (default 0.5 s doubling up to 30 s). */
  readonly backoff?: BackoffOptions;
  /** Default: insecure. */
  readonly credentials?: grpc.ChannelCredentials;
}

export const RegistrationOptions = Symbol.for('srv6-sfc.RegistrationOptions');

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 } as const;

@injectable()
export class Registration implements Hook {
  readonly name = 'registration';
  private readonly log = logger('agent.registration');
  private client: NodeServiceClient | undefined;
  private stopping: AbortController | undefined;
  private loop: Promise<void> | undefined;
  /** The node's resource name while the controller has it registered. */
  private registeredAs: string | undefined;

  constructor(
    @inject(AgentCore) private readonly core: AgentCore,
    @inject(RegistrationOptions) private readonly options: RegistrationOptions,
  ) {}

  /** Whether the last answer from the controller says it knows this node. */
  get registered(): boolean {
    return this.registeredAs !== undefined;
  }

  /** Starts registering in the background; never waits for the controller. */
  start(): void {
    if (this.loop) return;
    const NodeService = loadProtos().srv6sfc.v1.NodeService;
    const b = this.options.backoff ?? {};
    this.client = new NodeService(this.options.controller, this.options.credentials ?? grpc.credentials.createInsecure(), {
      // The channel has its own reconnect backoff (grpc-js: up to 120 s) during which calls fail
      // at once; pace it like our retries so a returning controller is seen within maxMs.
      'grpc.initial_reconnect_backoff_ms': b.initialMs ?? DEFAULT_BACKOFF.initialMs,
      'grpc.max_reconnect_backoff_ms': b.maxMs ?? DEFAULT_BACKOFF.maxMs,
    });
    this.stopping = new AbortController();
    this.loop = this.run(this.stopping.signal);
  }

  /** Cancels any call in flight and stops the loop. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.client?.close();
    this.loop = undefined;
    this.client = undefined;
    this.registeredAs = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({ ...DEFAULT_BACKOFF, ...this.options.backoff });
    while (!signal.aborted) {
      let wait = this.options.heartbeatIntervalMs ?? 10_000;
      const step = this.registeredAs ? 'heartbeat' : 'registration';
      try {
        if (this.registeredAs) await this.heartbeat(this.registeredAs, signal);
        else await this.register(signal);
        if (backoff.failures > 0) this.log.info(`${step} succeeded after ${backoff.failures} failures`, { controller: this.options.controller });
        backoff.reset();
      } catch (err) {
        if (signal.aborted) break;
        const e = decodeRpcError(err);
        if (this.registeredAs && e.code === grpc.status.NOT_FOUND) {
          this.log.warn('the controller does not know this node: registering again', { node: this.registeredAs });
          this.registeredAs = undefined;
          continue;
        }
        wait = backoff.next();
        this.log.warn(`${step} failed; retrying`, { controller: this.options.controller, code: e.codeName, reason: e.reason, message: e.message, retryInMs: wait });
      }
      await sleep(wait, undefined, { signal }).catch(() => undefined); // aborted: the loop ends
    }
  }

  private async register(signal: AbortSignal): Promise<void> {
    const node = nodeResource(await this.core.node());
    const res = await this.unary<{ node: { name: string } | null }>(signal, (opts, cb) => this.client!.RegisterNode({ node }, opts, cb));
    this.registeredAs = res.node?.name || node.name!;
    this.log.info('registered with the controller', { node: this.registeredAs, controller: this.options.controller });
  }

  private async heartbeat(name: string, signal: AbortSignal): Promise<void> {
    await this.unary(signal, (opts, cb) => this.client!.Heartbeat({ name }, opts, cb));
  }

  /** One unary call with a deadline, cancelled when the registration stops. */
  private unary<Res>(signal: AbortSignal, start: (opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => grpc.ClientUnaryCall): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const call = start({ deadline: Date.now() + (this.options.callTimeoutMs ?? 5000) }, (err, res) => {
        signal.removeEventListener('abort', cancel);
        if (err) reject(err);
        else resolve(res as Res);
      });
      const cancel = (): void => call.cancel();
      signal.addEventListener('abort', cancel, { once: true });
    });
  }
}
