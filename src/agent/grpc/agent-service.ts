/**
 * srv6sfc.agent.v1.AgentService: thin handlers that decode, call the AgentCore, encode. Every
 * handler goes through GrpcHandlers (errors mapped, promises awaited, streams cleaned up).
 */
import type * as grpc from '@grpc/grpc-js';
import { inject, injectable } from 'inversify';
import type { GrpcService } from '../../common/grpc/grpc-service.js';
import { GrpcHandlers } from '../../common/grpc/handlers.js';
import { loadProtos } from '../../common/grpc/load-proto.js';
import { logger } from '../../common/logger.js';
import type { AgentServiceHandlers } from '../../gen/srv6sfc/agent/v1/AgentService.js';
import { AgentCore } from '../agent-core.js';
import { applyResultToProto } from './apply-result-codec.js';
import { eventToProto } from './event-codec.js';
import { intentFromProto } from './intent-codec.js';
import { nodeInfoToProto } from './node-codec.js';
import { observedToProto } from './observed-codec.js';

@injectable()
export class AgentService implements GrpcService {
  private readonly handlers = new GrpcHandlers(logger('agent.grpc'));

  constructor(@inject(AgentCore) private readonly core: AgentCore) {}

  addToServer(server: grpc.Server): void {
    const h = this.handlers;
    const impl: AgentServiceHandlers = {
      GetNode: h.unary('GetNode', async () => ({ node: nodeInfoToProto(await this.core.node()) })),

      ApplyIntent: h.unary('ApplyIntent', async (req) => {
        const intent = intentFromProto(req.intent);
        return applyResultToProto(await this.core.apply(intent, { validateOnly: req.validateOnly }));
      }),

      GetObserved: h.unary('GetObserved', async () => ({ observed: observedToProto(await this.core.observed()) })),

      WatchEvents: h.serverStream('WatchEvents', (_req, sink) => {
        return new Promise<void>((resolve) => {
          const unsubscribe = this.core.onEvent((event) => {
            try {
              sink.send({ event: eventToProto(event) });
            } catch (err) {
              sink.fail(err); // a malformed event ends this stream, never the core's emitter
            }
          });
          // Cancel, deadline, failure or drain: the listener goes with the stream.
          sink.signal.addEventListener(
            'abort',
            () => {
              unsubscribe();
              resolve();
            },
            { once: true },
          );
        });
      }),
    };
    server.addService(loadProtos().srv6sfc.agent.v1.AgentService.service, impl);
  }

  drain(): void {
    this.handlers.drain();
  }
}
